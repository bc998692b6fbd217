#!/usr/bin/python3
"""Non-transactional migrations in SQLite.

A migration that holds PRAGMA foreign_keys, VACUUM or its own BEGIN ...
COMMIT is stored non-transactional (atomic 0) and the SELECT forms refuse
it with PostgreSQL's message; covet_migrate_up_commit runs it statement by
statement in autocommit mode: the 12-step table rebuild written as
PRAGMA foreign_keys=OFF; BEGIN; ...; COMMIT; PRAGMA foreign_keys=ON; on a
connection with foreign_keys on loses no child row of an ON DELETE CASCADE
reference; a failing statement K leaves the migration incomplete at K
(covet_incomplete, covet_status(), a history row) and after the fix the
next run continues from K (a counter table shows nothing ran twice); a
failed group of the file's own rolls back and counts as not done; VACUUM
runs; the down direction too; kill -9 of the process in the middle (between
statements, inside the file's own group), then the next run continues.
Prints TAP.  Run from the repository root with Debian's /usr/bin/python3.
"""
import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from hosttap import ok, connect, one, rows, error_of, done_testing  # noqa: E402

tmp = tempfile.mkdtemp(prefix="covet-notx-")
db = os.path.join(tmp, "app.db")
c = connect(db)
c.create_function("py_sleep", 1, lambda s: 0)
c.execute("CREATE TABLE cnt (n int)")


def counter():
    return [r[0] for r in rows(c, "SELECT n FROM cnt ORDER BY n")]


def status(name):
    return rows(c, "SELECT state, statement, error FROM covet_status() WHERE name = ?", name)[0]


# --- detection, and the SELECT forms ------------------------------------------

REBUILD = """PRAGMA foreign_keys=OFF;
BEGIN;
CREATE TABLE parent_new (id integer PRIMARY KEY, name text NOT NULL DEFAULT '');
INSERT INTO parent_new (id) SELECT id FROM parent;
DROP TABLE parent;
ALTER TABLE parent_new RENAME TO parent;
PRAGMA foreign_key_check;
COMMIT;
PRAGMA foreign_keys=ON;"""

ok(one(c, "SELECT covet_define('001_rebuild', ?)", REBUILD) == "defined 001_rebuild (outside a transaction)",
   "a file with PRAGMA foreign_keys and its own BEGIN/COMMIT is defined non-transactional")
ok(one(c, "SELECT atomic FROM covet_migrations WHERE name = '001_rebuild'") == 0, "atomic is 0")
ok(one(c, "SELECT covet_define('002_plain', 'CREATE TABLE p (a)', NULL, NULL, 'schema', 0)") == "defined 002_plain",
   "covet_define(..., atomic => 0) without a reason: no suffix")
ok(one(c, "SELECT atomic FROM covet_migrations WHERE name = '002_plain'") == 0, "atomic 0 as asked")
ok(one(c, "SELECT covet_define('002_plain', 'CREATE TABLE p (a)')") == "redefined 002_plain",
   "atomic is part of the definition")
one(c, "SELECT covet_define('000_parent', 'CREATE TABLE parent (id integer PRIMARY KEY);"
       " CREATE TABLE child (id integer PRIMARY KEY, parent_id int REFERENCES parent (id) ON DELETE CASCADE);"
       " INSERT INTO parent VALUES (1), (2); INSERT INTO child VALUES (10, 1), (11, 1), (12, 2)')")
err = error_of(c, "SELECT covet_migrate_up()")
ok(err == 'migration "001_rebuild" must run outside a transaction\n'
   "DETAIL: Its statements run one by one as top-level statements (-- covet:no-transaction, atomic => false,"
   " its own BEGIN and COMMIT, or a statement such as CREATE INDEX CONCURRENTLY); this call runs every"
   " migration in one transaction.\n"
   "HINT: Run it with CALL covet_migrate_up_commit() at top level (SQLite: SELECT covet_migrate_up_commit()"
   " in autocommit mode).", "covet_migrate_up() refuses it with PostgreSQL's message", err)
ok(error_of(c, "SELECT covet_apply('001_rebuild')", ).startswith('migration "001_rebuild" must run outside a transaction'),
   "so does covet_apply()")
ok(one(c, "SELECT count(*) FROM covet_applied") == 0, "nothing applied")

# --- the 12-step rebuild with foreign keys on ------------------------------------

c.execute("PRAGMA foreign_keys=ON")
out = one(c, "SELECT covet_migrate_up_commit()")
ok(out == "applied 000_parent (4 statements, 5 rows)\napplied 001_rebuild (9 statements, 2 rows)\n"
   "applied 002_plain (1 statement, 0 rows)", "covet_migrate_up_commit applies the rebuild as written", out)
ok(rows(c, "SELECT id, parent_id FROM child ORDER BY id") == [(10, 1), (11, 1), (12, 2)],
   "no child row was lost to ON DELETE CASCADE")
ok(rows(c, "SELECT sql LIKE '%name text%' FROM sqlite_master WHERE name = 'parent'") == [(1,)],
   "the parent has its new column")
ok(one(c, "PRAGMA foreign_keys") == 1, "foreign keys are on again")
ok(one(c, "SELECT count(*) FROM covet_incomplete") == 0, "no incomplete row is left")

# --- the marker in a file ------------------------------------------------------

mdir = os.path.join(tmp, "migrations")
os.mkdir(mdir)
with open(os.path.join(mdir, "005_marked.sql"), "w") as f:
    f.write("-- covet:no-transaction\n-- covet:up\nCREATE TABLE marked (a int);\nINSERT INTO marked VALUES (1);\n"
            "-- covet:down\nDROP TABLE marked;\n")
with open(os.path.join(mdir, "006_plain.sql"), "w") as f:
    f.write("-- covet:up\nCREATE TABLE plain6 (a int);\n")
one(c, "SELECT covet_load(?)", mdir)
ok(rows(c, "SELECT name, atomic FROM covet_migrations WHERE name IN ('005_marked', '006_plain') ORDER BY name")
   == [("005_marked", 0), ("006_plain", 1)], "covet_load: -- covet:no-transaction stores atomic 0")
ok(one(c, "SELECT covet_migrate_up_commit()") == "applied 005_marked (2 statements, 1 row)\napplied 006_plain (1 statement, 0 rows)",
   "the marked file runs statement by statement")
ok(rows(c, "SELECT action, statements FROM covet_history WHERE name = '005_marked'") == [("apply", 2)],
   "with its history row")

# --- a failing statement K, then the fix ---------------------------------------

one(c, "SELECT covet_define('010_steps', 'INSERT INTO cnt VALUES (1);\nINSERT INTO cnt VALUES (2);\n"
       "INSERT INTO missing VALUES (3);\nINSERT INTO cnt VALUES (4);', NULL, NULL, 'schema', 0)")
err = error_of(c, "SELECT covet_migrate_up_commit()")
ok(err == 'migration "010_steps" failed at statement 3: no such table: missing\n'
   "DETAIL: No migration was applied before it.\n"
   "HINT: 2 of its statements committed; fix the cause, then run it again: it continues with statement 3.",
   "the failure names the migration and statement 3", err)
ok(status("010_steps") == ("incomplete", 2, "no such table: missing"),
   "covet_status(): incomplete at statement 2, with the error", status("010_steps"))
ok(rows(c, "SELECT action, statements, outcome, detail FROM covet_history WHERE name = '010_steps'")
   == [("incomplete", 2, "failed", "statement 3 failed (2 committed): no such table: missing")],
   "a history row 'incomplete' records it")
ok(counter() == [1, 2], "statements 1 and 2 committed")
c.execute("CREATE TABLE missing (n int)")
out = one(c, "SELECT covet_migrate_up_commit()")
ok(out == "applied 010_steps (4 statements, 2 rows)", "after the fix the next run continues", out)
ok(counter() == [1, 2, 4], "nothing ran twice")
ok(one(c, "SELECT count(*) FROM missing") == 1, "statement 3 ran once")
ok(status("010_steps") == ("applied", None, None), "applied now")

# --- a file's own groups --------------------------------------------------------

c.execute("DELETE FROM cnt")
one(c, "SELECT covet_define('020_groups', 'BEGIN; INSERT INTO cnt VALUES (1); COMMIT;"
       " BEGIN IMMEDIATE; INSERT INTO cnt VALUES (2); INSERT INTO nothere VALUES (1); END;"
       " INSERT INTO cnt VALUES (3);')")
err = error_of(c, "SELECT covet_migrate_up_commit()")
ok(err is not None and err.startswith('migration "020_groups" failed at statement 6: no such table: nothere'),
   "statement 6, inside the second group, fails", err)
ok(one(c, "SELECT statement FROM covet_incomplete WHERE name = '020_groups'") == 3,
   "the first group counts (its COMMIT is statement 3), the second does not")
ok(counter() == [1], "the second group rolled back")
ok(c.in_transaction is False and one(c, "SELECT 1") == 1, "the connection is in autocommit mode again")
c.execute("CREATE TABLE nothere (n int)")
out = one(c, "SELECT covet_migrate_up_commit()")
ok(out == "applied 020_groups (8 statements, 3 rows)", "the next run starts again at the second group's BEGIN", out)
ok(counter() == [1, 2, 3], "every row once")
one(c, "SELECT covet_define('021_open', 'BEGIN; INSERT INTO cnt VALUES (5);')")
err = error_of(c, "SELECT covet_migrate_up_commit()")
ok(err is not None and err.startswith('migration "021_open" failed at statement 2: the migration ends inside a transaction block it opened'),
   "a file that leaves its BEGIN open fails", err)
ok(counter() == [1, 2, 3], "and its group is rolled back")

# --- down -----------------------------------------------------------------------

one(c, "SELECT covet_define('021_open', 'BEGIN; INSERT INTO cnt VALUES (5); COMMIT;',"
       " 'BEGIN; DELETE FROM cnt WHERE n = 5; COMMIT; PRAGMA foreign_keys=ON;')")
ok(one(c, "SELECT covet_migrate_up_commit()") == "applied 021_open (3 statements, 1 row)", "fixed, it applies")
ok(one(c, "SELECT covet_migrate_down_commit(1)") == "rolled back 021_open (4 statements, 1 row)",
   "its down section (its own group, then a PRAGMA) rolls it back")
ok(5 not in counter(), "the row is gone")
one(c, "SELECT covet_define('021_open', 'SELECT 1', NULL, NULL, 'schema', 0)")
one(c, "SELECT covet_migrate_up_commit()")

# --- VACUUM (on a second connection: notx_resume.py), then a failure ----------------

one(c, "SELECT covet_define('025_vacuum', 'INSERT INTO cnt VALUES (25); VACUUM; INSERT INTO missing_025 VALUES (1);')")
ok(one(c, "SELECT atomic FROM covet_migrations WHERE name = '025_vacuum'") == 0, "VACUUM makes a migration non-transactional")
err = error_of(c, "SELECT covet_migrate_up_commit()")
ok(err is not None and err.startswith('migration "025_vacuum" failed at statement 3: no such table: missing_025'),
   "VACUUM runs; statement 3 fails", err)
ok(status("025_vacuum")[:2] == ("incomplete", 2), "incomplete at statement 2")
one(c, "SELECT covet_define('025_vacuum', 'INSERT INTO cnt VALUES (25); SELECT 1; SELECT 1;')")
ok(one(c, "SELECT atomic FROM covet_migrations WHERE name = '025_vacuum'") == 1, "redefined without it, it is transactional")
ok(error_of(c, "SELECT covet_migrate_up()").startswith('migration "025_vacuum" must run outside a transaction'),
   "but being incomplete, the SELECT form still refuses it")
ok(one(c, "SELECT covet_migrate_up_commit()") == "applied 025_vacuum (3 statements, 0 rows)",
   "and the _commit form goes on after statement 2")
ok(counter().count(25) == 1, "statement 1 ran once")

# --- kill -9 in the middle, then continue ----------------------------------------

CHILD = r"""
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.enable_load_extension(True)
c.load_extension("./covet")
c.create_function("py_sleep", 1, lambda s: time.sleep(s) or 0)
c.execute("SELECT covet_migrate_up_commit()").fetchall()
"""


def run_and_kill(ready_sql, want):
    p = subprocess.Popen([sys.executable, "-c", CHILD, db], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    w = connect(db)
    w.execute("PRAGMA busy_timeout = 100")
    seen = None
    for _ in range(400):
        try:
            seen = w.execute(ready_sql).fetchone()[0]
        except Exception:
            seen = None
        if seen == want:
            break
        time.sleep(0.025)
    time.sleep(0.2)
    p.send_signal(signal.SIGKILL)
    p.wait()
    w.close()
    return seen == want and p.returncode == -signal.SIGKILL


c.execute("DELETE FROM cnt")
one(c, "SELECT covet_define('030_sleep', 'INSERT INTO cnt VALUES (30); SELECT py_sleep(30);"
       " INSERT INTO cnt VALUES (31);', NULL, NULL, 'schema', 0)")
ok(run_and_kill("SELECT statement FROM covet_incomplete WHERE name = '030_sleep'", 1),
   "kill -9 of the process while statement 2 sleeps (statement 1 committed)")
ok(status("030_sleep") == ("incomplete", 1, None), "covet_status(): incomplete at statement 1", status("030_sleep"))
out = one(c, "SELECT covet_migrate_up_commit()")
ok(out == "applied 030_sleep (3 statements, 1 row)", "the next run takes over the dead lock row and continues", out)
ok(counter() == [30, 31], "statement 1 ran once")

c.execute("DELETE FROM cnt")
one(c, "SELECT covet_define('031_group', 'INSERT INTO cnt VALUES (40); BEGIN; INSERT INTO cnt VALUES (41);"
       " SELECT py_sleep(30); INSERT INTO cnt VALUES (42); COMMIT; INSERT INTO cnt VALUES (43);')")
ok(run_and_kill("SELECT statement FROM covet_incomplete WHERE name = '031_group'", 1),
   "kill -9 of the process inside the file's own group")
ok(one(c, "SELECT statement FROM covet_incomplete WHERE name = '031_group'") == 1, "incomplete at statement 1")
ok(counter() == [40], "the open group was rolled back by the crash")
out = one(c, "SELECT covet_migrate_up_commit()")
ok(out == "applied 031_group (7 statements, 3 rows)", "the next run starts again at the group's BEGIN", out)
ok(counter() == [40, 41, 42, 43], "every statement once")
ok(one(c, "SELECT count(*) FROM covet_incomplete") == 0 and one(c, "SELECT count(*) FROM covet_lock") == 0,
   "no incomplete row, no lock row")

done_testing()
