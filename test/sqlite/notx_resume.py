#!/usr/bin/python3
"""Non-transactional migrations in SQLite: continued runs, foreign keys
left as the host had them, statements that cannot run in a transaction.

- Continued at statement K after a failure, a migration first runs again
  the connection PRAGMAs of statements 1..K-1 (foreign_keys,
  recursive_triggers), so statement K sees them as it did the first time.
- A connection with foreign_keys OFF keeps it OFF after a
  commit-per-migration run and after a non-transactional migration that
  ends with PRAGMA foreign_keys=ON; one with it ON keeps it ON.
- ATTACH / DETACH, PRAGMA journal_mode and a file's own SAVEPOINT ...
  RELEASE run in a non-transactional migration (as autocommit statements,
  not inside covet's BEGIN IMMEDIATE).
- VACUUM and VACUUM INTO inside covet_migrate_up_commit() run on a second
  connection to the database's file (WAL and rollback journal); an
  in-memory database gets a clear error with a hint.
Prints TAP.  Run from the repository root with Debian's /usr/bin/python3.
"""
import os
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from hosttap import ok, connect, one, rows, error_of, done_testing  # noqa: E402

tmp = tempfile.mkdtemp(prefix="covet-notx-resume-")
db = os.path.join(tmp, "app.db")
c = connect(db)
gate = {"open": False}


def gate_fn():
    if not gate["open"]:
        raise ValueError("closed")
    return 1


c.create_function("gate", 0, gate_fn)


def fk():
    return one(c, "PRAGMA foreign_keys")


# --- connection PRAGMAs run again before continuing ---------------------------

c.execute("PRAGMA foreign_keys=OFF")
c.execute("PRAGMA recursive_triggers=OFF")
one(c, "SELECT covet_define('001_pragmas', ?, NULL, NULL, 'schema', 0)",
    """PRAGMA foreign_keys=ON;
PRAGMA recursive_triggers=ON;
PRAGMA main.cache_size = -1234;
CREATE TABLE t1 (n int);
CREATE TABLE seen AS SELECT gate() AS g,
  (SELECT foreign_keys FROM pragma_foreign_keys) AS fk,
  (SELECT recursive_triggers FROM pragma_recursive_triggers) AS rt,
  (SELECT cache_size FROM pragma_cache_size) AS cs;""")
err = error_of(c, "SELECT covet_migrate_up_commit()")
ok(err is not None and err.startswith('migration "001_pragmas" failed at statement 5'),
   "the first run fails at statement 5", err)
ok(one(c, "SELECT statement FROM covet_incomplete WHERE name = '001_pragmas'") == 4, "four statements committed")
ok(fk() == 0, "the connection had foreign_keys OFF and has it OFF after the failed run")
c.execute("PRAGMA recursive_triggers=OFF")
c.execute("PRAGMA cache_size = -2000")
gate["open"] = True
out = one(c, "SELECT covet_migrate_up_commit()")
ok(out == "applied 001_pragmas (5 statements, 0 rows)", "the next run continues at statement 5", out)
ok(rows(c, "SELECT g, fk, rt, cs FROM seen") == [(1, 1, 1, -1234)],
   "statement 5 ran with foreign_keys and recursive_triggers ON and the cache_size of statement 3"
   " (PRAGMA main.cache_size), as statements 1 to 3 set them",
   rows(c, "SELECT g, fk, rt, cs FROM seen"))
ok(fk() == 0, "foreign_keys is OFF again after the run, as the connection had it")

# --- foreign_keys as the host had it --------------------------------------------

one(c, "SELECT covet_define('002_tx', 'PRAGMA foreign_keys=ON; CREATE TABLE t2 (n int)')")
ok(one(c, "SELECT atomic FROM covet_migrations WHERE name = '002_tx'") == 0,
   "(PRAGMA foreign_keys makes it non-transactional)")
one(c, "SELECT covet_define('002_tx', 'CREATE TABLE t2 (n int)')")
ok(one(c, "SELECT covet_migrate_up_commit()").startswith("applied 002_tx"), "a transactional migration applies")
ok(fk() == 0, "foreign_keys OFF after a commit-per-migration run on a connection that had it OFF")
one(c, "SELECT covet_define('003_rebuild', ?)", """PRAGMA foreign_keys=OFF;
BEGIN;
CREATE TABLE t2_new (n int, m int);
INSERT INTO t2_new (n) SELECT n FROM t2;
DROP TABLE t2;
ALTER TABLE t2_new RENAME TO t2;
COMMIT;
PRAGMA foreign_keys=ON;""")
ok(one(c, "SELECT covet_migrate_up_commit()").startswith("applied 003_rebuild"), "the 12-step rebuild applies")
ok(fk() == 0, "foreign_keys still OFF after it, although its last statement turned it ON")
c.execute("PRAGMA foreign_keys=ON")
one(c, "SELECT covet_define('004_tx', 'CREATE TABLE t4 (n int)')")
ok(one(c, "SELECT covet_migrate_up_commit()").startswith("applied 004_tx"), "with foreign_keys ON: applies")
ok(fk() == 1, "foreign_keys ON after a commit-per-migration run on a connection that had it ON")
one(c, "SELECT covet_define('005_off', 'PRAGMA foreign_keys=OFF; CREATE TABLE t5 (n int);', NULL, NULL, 'schema', 0)")
ok(one(c, "SELECT covet_migrate_up_commit()").startswith("applied 005_off"),
   "a non-transactional migration that turns foreign_keys OFF applies")
ok(fk() == 1, "foreign_keys ON after it, as the connection had it")
c.execute("PRAGMA foreign_keys=OFF")

# --- statements that cannot run inside a transaction ----------------------------

aux = os.path.join(tmp, "aux.db")
out = one(c, "SELECT covet_define('010_attach', ?)", "ATTACH DATABASE 'x.db' AS x;\nDETACH DATABASE x;")
ok(out == "defined 010_attach (outside a transaction)", "ATTACH makes a migration non-transactional without a marker", out)
one(c, "SELECT covet_define('010_attach', ?, NULL, NULL, 'schema', 0)",
    "ATTACH DATABASE '%s' AS aux;\nCREATE TABLE aux.a (x int);\nINSERT INTO aux.a VALUES (1), (2);\n"
    "DETACH DATABASE aux;" % aux)
out = one(c, "SELECT covet_migrate_up_commit()")
ok(out == "applied 010_attach (4 statements, 2 rows)", "ATTACH ... DETACH in a non-transactional migration applies", out)
ok([r[1] for r in rows(c, "PRAGMA database_list") if r[1] != "temp"] == ["main"], "aux is detached afterwards",
   rows(c, "PRAGMA database_list"))
c2 = connect(aux)
ok(one(c2, "SELECT count(*) FROM a") == 2, "the attached file got its table and rows")
c2.close()

one(c, "SELECT covet_define('011_savepoint', ?, NULL, NULL, 'schema', 0)",
    "SAVEPOINT sp;\nCREATE TABLE sv (x int);\nINSERT INTO sv VALUES (1);\nRELEASE sp;\n"
    "SAVEPOINT sp2;\nINSERT INTO sv VALUES (2);\nROLLBACK TO sp2;\nRELEASE sp2;")
out = one(c, "SELECT covet_migrate_up_commit()")
ok(out == "applied 011_savepoint (8 statements, 2 rows)", "a file's own SAVEPOINT ... RELEASE groups apply", out)
ok([r[0] for r in rows(c, "SELECT x FROM sv")] == [1], "the group rolled back to its savepoint kept nothing of it")
ok(c.in_transaction is False, "the connection is in autocommit mode")

out = one(c, "SELECT covet_define('012_wal', 'PRAGMA journal_mode = WAL; CREATE TABLE w (x int);')")
ok(out == "defined 012_wal (outside a transaction)", "so does PRAGMA journal_mode", out)
out = one(c, "SELECT covet_migrate_up_commit()")
ok(out == "applied 012_wal (2 statements, 0 rows)", "PRAGMA journal_mode = WAL in a non-transactional migration applies", out)
ok(one(c, "PRAGMA journal_mode") == "wal", "the database is in WAL mode")
ok(one(c, "SELECT count(*) FROM covet_incomplete") == 0, "no incomplete row left")
one(c, "SELECT covet_define('013_dots', 'CREATE TABLE dd (n int); SELECT x.n FROM (SELECT 1 AS n) x;"
       " INSERT INTO dd SELECT x.n FROM (SELECT 1 AS n) x; UPDATE main.dd SET n = 2;', NULL, NULL, 'schema', 0)")
out = one(c, "SELECT covet_migrate_up_commit()")
ok(out == "applied 013_dots (4 statements, 2 rows)", "statements with qualified names (x.n, main.dd) run", out)
ok(one(c, "SELECT n FROM dd") == 2, "UPDATE main.dd did its work")

# --- VACUUM on a second connection ---------------------------------------------

c.execute("CREATE TABLE big (b blob)")
c.execute("WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < 2000)"
          " INSERT INTO big SELECT zeroblob(1000) FROM r")
c.execute("DELETE FROM big")
before = one(c, "PRAGMA page_count")
one(c, "SELECT covet_define('020_vacuum', 'INSERT INTO big VALUES (1); VACUUM;')")
out = one(c, "SELECT covet_migrate_up_commit()")
ok(out == "applied 020_vacuum (2 statements, 1 row)", "VACUUM inside covet_migrate_up_commit() runs (WAL database)", out)
after = one(c, "PRAGMA page_count")
ok(after < before / 10, "the file shrank (%d pages, then %d)" % (before, after))
into = os.path.join(tmp, "copy.db")
one(c, "SELECT covet_define('021_vacuum_into', ?, NULL, NULL, 'schema', 0)", "VACUUM main INTO '%s';" % into)
out = one(c, "SELECT covet_migrate_up_commit()")
ok(out == "applied 021_vacuum_into (1 statement, 0 rows)", "VACUUM main INTO 'file' runs", out)
c2 = connect(into)
ok(one(c2, "SELECT count(*) FROM big") == 1, "the copy has the table and its row")
c2.close()

# a rollback-journal database, and an in-memory one
db3 = os.path.join(tmp, "journal.db")
c3 = connect(db3)
ok(one(c3, "PRAGMA journal_mode") == "delete", "(a rollback-journal database)")
c3.execute("CREATE TABLE big (b blob)")
c3.execute("WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < 2000)"
           " INSERT INTO big SELECT zeroblob(1000) FROM r")
c3.execute("DELETE FROM big")
before = one(c3, "PRAGMA page_count")
one(c3, "SELECT covet_define('020_vacuum', 'VACUUM;')")
out = one(c3, "SELECT covet_migrate_up_commit()")
ok(out == "applied 020_vacuum (1 statement, 0 rows)", "VACUUM runs on a rollback-journal database too", out)
ok(one(c3, "PRAGMA page_count") < before / 10, "and shrinks it")
c3.close()
m = connect(":memory:")
one(m, "SELECT covet_define('020_vacuum', 'VACUUM;')")
err = error_of(m, "SELECT covet_migrate_up_commit()")
ok(err == 'migration "020_vacuum" failed at statement 1: cannot VACUUM an in-memory or temporary database'
   ' inside covet_migrate_up_commit()\n'
   'DETAIL: SQLite refuses VACUUM while the SELECT that calls covet runs, and covet runs it on a second'
   ' connection to the database\'s file; database "main" has none.\n'
   'No migration was applied before it.\n'
   'HINT: Run VACUUM from the covet command or your client after the run.',
   "an in-memory database: a clear error with the hint", err)
m.close()

c.close()
done_testing()
