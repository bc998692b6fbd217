#!/usr/bin/python3
"""covet_migrate_up_commit / covet_migrate_down_commit in SQLite.

Each migration commits with its history row (another connection, opened by a
host function that the second migration calls, sees the first applied and
the lock row held); a failure stops at that migration, rolls it back, names
it and lists in DETAIL the ones that stayed applied; inside a transaction the
_commit forms refuse and change nothing; covet_migrate_up() stays all or
nothing; down by steps and to a target; dry runs of both forms raise the
error (same text as PostgreSQL's) after rolling everything back, and a clean
dry run returns its report.  Prints TAP.  Run from the repository root with
Debian's /usr/bin/python3.
"""
import os
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from hosttap import ok, connect, one, rows, error_of, done_testing  # noqa: E402


tmp = tempfile.mkdtemp(prefix="covet-mcommit-")
db = os.path.join(tmp, "app.db")
c = connect(db)
seen = {}


def probe():
    """Called by migration 002: what another connection sees meanwhile."""
    c2 = connect(db)
    seen["applied"] = [r[0] for r in rows(c2, "SELECT name FROM covet_applied ORDER BY name")]
    seen["history"] = rows(c2, "SELECT name, action FROM covet_history ORDER BY id")
    seen["lock"] = one(c2, "SELECT count(*) FROM covet_lock")
    one(c2, "SELECT covet_set('lock_timeout', '100')")
    seen["up"] = error_of(c2, "SELECT covet_migrate_up()")
    seen["up_commit"] = error_of(c2, "SELECT covet_migrate_up_commit()")
    c2.close()
    return 1


c.create_function("py_probe", 0, probe)

one(c, "SELECT covet_define('001_a', 'CREATE TABLE a (id integer PRIMARY KEY)', 'DROP TABLE a')")
one(c, "SELECT covet_define('002_probe', 'CREATE TABLE s (id int); SELECT py_probe()', 'DROP TABLE s')")
one(c, "SELECT covet_define('003_c', 'CREATE TABLE c (id int); INSERT INTO c VALUES (1), (2)', 'DROP TABLE c')")
one(c, "SELECT covet_define('004_bad', 'CREATE TABLE d (id int); INSERT INTO nosuch VALUES (1)', 'DROP TABLE d')")

err = error_of(c, "SELECT covet_migrate_up_commit()")
ok(seen.get("applied") == ["001_a"], "another connection sees 001_a applied while 002_probe runs", seen)
ok(seen.get("history") == [("001_a", "apply")], "with its history row", seen)
ok(seen.get("lock") == 1, "the lock row is held between the commits", seen)
ok(seen.get("up") is not None and seen["up"].startswith("migration lock is held by process"),
   "covet_migrate_up() on another connection fails naming the holder", seen)
ok(seen.get("up_commit") is not None and seen["up_commit"].startswith("migration lock is held by process"),
   "so does covet_migrate_up_commit()", seen)
ok(err == 'migration "004_bad" failed: no such table: nosuch\n'
   "DETAIL: Applied and committed before it: 001_a, 002_probe, 003_c.",
   "the failure names the migration and lists in DETAIL those that stayed applied", err)
ok([r[0] for r in rows(c, "SELECT name FROM covet_applied ORDER BY name")] == ["001_a", "002_probe", "003_c"],
   "001_a, 002_probe and 003_c stay applied")
ok(one(c, "SELECT count(*) FROM sqlite_master WHERE name = 'd'") == 0 and
   one(c, "SELECT count(*) FROM covet_history WHERE name = '004_bad'") == 0,
   "004_bad is rolled back: no table d, no history row")
ok(one(c, "SELECT count(*) FROM covet_lock") == 0 and not c.in_transaction,
   "no lock row and no transaction left after the error")

# inside a transaction: refused, nothing changes
one(c, "SELECT covet_define('004_bad', 'CREATE TABLE d (id int)', 'DROP TABLE d')")
c.execute("BEGIN")
err = error_of(c, "SELECT covet_migrate_up_commit()")
ok(err == "covet_migrate_up_commit cannot commit inside a transaction block\n"
   "HINT: Call it at top level in autocommit mode, or use covet_migrate_up() to apply all or nothing in the transaction.",
   "inside BEGIN covet_migrate_up_commit refuses, as in PostgreSQL", err)
err = error_of(c, "SELECT covet_migrate_down_commit(1)")
ok(err is not None and err.startswith("covet_migrate_down_commit cannot commit inside a transaction block"),
   "so does covet_migrate_down_commit", err)
c.execute("ROLLBACK")
ok(one(c, "SELECT count(*) FROM covet_applied") == 3, "and nothing changed")

err = error_of(c, "SELECT covet_migrate_up_commit(NULL, 'maybe')")
ok(err == 'invalid input syntax for type boolean: "maybe"\nDETAIL: Argument dry_run of covet_migrate_up_commit.',
   "a dry_run that is not a boolean is refused", err)
ok(one(c, "SELECT count(*) FROM covet_applied") == 3, "and nothing changed")
err = error_of(c, "SELECT covet_migrate_up_commit(NULL, NULL)")
ok(err == "dry_run must not be null", "a NULL dry_run is refused", err)

ok(one(c, "SELECT covet_migrate_up_commit()") == "applied 004_bad (1 statement, 0 rows)",
   "a second call applies what is left")

# the plain name stays all or nothing
one(c, "SELECT covet_define('005_e', 'CREATE TABLE e (id int)', 'DROP TABLE e')")
one(c, "SELECT covet_define('006_bad', 'INSERT INTO nosuch VALUES (1)', 'SELECT 1')")
err = error_of(c, "SELECT covet_migrate_up()")
ok(err is not None and err.startswith('migration "006_bad" failed'), "covet_migrate_up() fails at 006_bad", err)
ok(one(c, "SELECT count(*) FROM covet_applied WHERE name = '005_e'") == 0, "and keeps 005_e unapplied")
one(c, "SELECT covet_define('006_bad', 'SELECT 1', 'SELECT 1')")

# down
ok(one(c, "SELECT covet_migrate_down_commit()") == "rolled back 004_bad (1 statement, 0 rows)",
   "covet_migrate_down_commit() rolls back one")
ok(one(c, "SELECT covet_migrate_down_commit('001_a')") ==
   "rolled back 003_c (1 statement, 0 rows)\nrolled back 002_probe (1 statement, 0 rows)",
   "down to a target, latest first")
one(c, "SELECT covet_define('003_c', 'CREATE TABLE c (id int)', 'DROP TABLE c; INSERT INTO nosuch VALUES (1)')")
one(c, "SELECT covet_migrate_up_commit('003_c')")
err = error_of(c, "SELECT covet_migrate_down_commit(2)")
ok(err == 'migration "003_c" failed: no such table: nosuch\nDETAIL: No migration was rolled back before it.',
   "a failing down names the migration", err)
ok([r[0] for r in rows(c, "SELECT name FROM covet_applied ORDER BY name")] == ["001_a", "002_probe", "003_c"],
   "and leaves it applied")
c.execute("CREATE TABLE nosuch (id int)")

# dry runs fail loudly, with the same text as PostgreSQL's
one(c, "SELECT covet_define('007_x', 'CREATE TABLE x (id int); INSERT INTO x VALUES (1); INSERT INTO nothere VALUES (1)', 'DROP TABLE x')")
want = ('dry run: migration "007_x" failed at statement 3: no such table: nothere\n'
        "DETAIL: would apply 004_bad (1 statement, 0 rows)\n"
        "would apply 005_e (1 statement, 0 rows)\n"
        "would apply 006_bad (1 statement, 0 rows)")
for form in ("covet_migrate_up(NULL, 1)", "covet_migrate_up_commit(NULL, 'true')"):
    err = error_of(c, "SELECT " + form)
    ok(err == want, "a dry run of %s raises the error, naming migration and statement, "
       "DETAIL the report so far" % form, err)
ok(one(c, "SELECT count(*) FROM covet_applied") == 3 and
   one(c, "SELECT count(*) FROM sqlite_master WHERE name IN ('e', 'x')") == 0 and
   one(c, "SELECT count(*) FROM covet_lock") == 0,
   "the dry runs changed nothing and left no lock row")
one(c, "SELECT covet_define('007_x', 'CREATE TABLE x (id int)', 'DROP TABLE x')")
report = one(c, "SELECT covet_migrate_up_commit(NULL, 1)")
ok(report.endswith("would apply 007_x (1 statement, 0 rows)\ndry run: nothing was changed"),
   "a clean dry run returns its report", report)
report = one(c, "SELECT covet_migrate_down_commit(1, 'yes')")
ok(report == "would roll back 003_c (2 statements, 1 row)\ndry run: nothing was changed",
   "a dry run of down reports", report)
ok(one(c, "SELECT count(*) FROM covet_applied") == 3, "and changes nothing")

done_testing()
