#!/usr/bin/python3
"""A new batched run identical to an unfinished one is refused (SQLite).

Same operation and arguments as a failed run (paused, pending and running
count as unfinished too): refused
with the run's id and the hint to resume or cancel it, with PostgreSQL's
text; changed nothing.  Other arguments, a completed or cancelled run, and
a resumed-then-completed run do not refuse.  A migration that starts such a
run fails the same way.  Prints TAP.  Run from the repository root with
Debian's /usr/bin/python3.
"""
import os
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from hosttap import ok, connect, one, rows, error_of, done_testing  # noqa: E402

tmp = tempfile.mkdtemp(prefix="covet-twin-")
c = connect(os.path.join(tmp, "app.db"))
c.execute("CREATE TABLE f (id integer PRIMARY KEY, n int NOT NULL CHECK (n < 1000))")
c.executemany("INSERT INTO f VALUES (?, ?)", [(i, i) for i in range(1, 101)])
c.execute("UPDATE f SET n = 999 WHERE id = 55")


def total():
    return one(c, "SELECT sum(n) FROM f")


err = error_of(c, "SELECT covet_backfill('f', 'n = n + 1', 10)")
ok(err is not None and err.startswith('run 1 failed in the batch after key ["50"]'), "run 1 fails half way", err)
before = total()

REFUSED = ("an identical run is unfinished: run 1 (backfill on f, failed)\n"
           "DETAIL: A new run of the same operation with the same arguments would change again the rows run 1 changed.\n"
           "HINT: Resume it with covet_resume(1), or cancel it with covet_cancel(1) and start again.")
err = error_of(c, "SELECT covet_backfill('f', 'n = n + 1', 10)")
ok(err == REFUSED, "the same call again is refused, naming run 1, as in PostgreSQL", err)
c.execute("BEGIN")
err = error_of(c, "SELECT covet_backfill('f', 'n = n + 1', 10)")
ok(err == REFUSED, "inside a transaction too", err)
c.execute("ROLLBACK")
ok(total() == before and one(c, "SELECT count(*) FROM covet_runs") == 1, "and nothing changed")

one(c, "SELECT covet_define('001_f', 'SELECT covet_backfill(''f'', ''n = n + 1'', 10)', NULL, NULL, 'data')")
for form in ("covet_migrate_up()", "covet_migrate_up_commit()"):
    err = error_of(c, "SELECT " + form)
    ok(err is not None and err.startswith('migration "001_f" failed: ' + REFUSED.split("\n")[0]),
       "a migration that starts an identical run fails (%s)" % form, err)
ok(total() == before and one(c, "SELECT count(*) FROM covet_applied") == 0, "and changes nothing")

# other arguments are another operation
c.execute("CREATE TABLE g (id integer PRIMARY KEY, n int)")
c.executemany("INSERT INTO g VALUES (?, ?)", [(i, i) for i in range(1, 11)])
ok(one(c, "SELECT covet_backfill('g', 'n = n + 1', 10)") == 2, "another table: a new run")

# resumed to completion: no longer unfinished
c.execute("UPDATE f SET n = 5 WHERE id = 55")
one(c, "SELECT covet_resume(1)")
ok(one(c, "SELECT state FROM covet_runs WHERE id = 1") == "completed", "run 1 resumed to completion")
ok(one(c, "SELECT covet_backfill('f', 'n = n + 1', 10)") == 3, "then the same call makes a new run")

# cancelled: no longer unfinished
c.execute("UPDATE f SET n = 999 WHERE id = 55")
err = error_of(c, "SELECT covet_backfill('f', 'n = n + 2', 10)")
ok(err is not None and err.startswith("run 4 failed"), "run 4 fails", err)
one(c, "SELECT covet_cancel(4)")
c.execute("UPDATE f SET n = 5 WHERE id = 55")
ok(one(c, "SELECT covet_backfill('f', 'n = n + 2', 10)") == 5, "once run 4 is cancelled, a new run goes ahead")
ok(one(c, "SELECT covet_migrate_up_commit()") == "applied 001_f (1 statement, 100 rows)",
   "and the migration applies once nothing identical is unfinished")

done_testing()
