#!/usr/bin/python3
"""A SQLite data migration that commits per batch, its process killed with
kill -9 again and again, carries on with its run (TAP).

The migration is non-transactional (-- covet:no-transaction) and holds
SELECT covet_backfill('big', 'n = n + 1', 200) over 300,000 rows: run by
covet_migrate_up_commit() in autocommit mode, the backfill commits per batch
(another connection sees rows_done grow).  A child process applying it is
killed with SIGKILL at random points at least five times; each following
covet_migrate_up_commit() takes the dead runner's lock row over, continues
the migration at the statement it reached, and its backfill carries on with
the same run from its checkpoint.  At the end every row is incremented
exactly once, the migration is applied once, and there is one run.  Prints
TAP.  Run from the repository root with Debian's /usr/bin/python3.
"""
import os
import random
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from hosttap import ok, connect, one, rows, done_testing  # noqa: E402

ROWS = 300000
tmp = tempfile.mkdtemp(prefix="covet-mccrash-")
db = os.path.join(tmp, "app.db")

c = connect(db)
c.execute("PRAGMA journal_mode = WAL")
c.execute("CREATE TABLE big (id integer PRIMARY KEY, n int NOT NULL)")
c.execute("WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ?) "
          "INSERT INTO big SELECT i, 0 FROM s", (ROWS,))
one(c, "SELECT covet_define('001_schema', 'CREATE TABLE other (id int)', 'DROP TABLE other')")
one(c, "SELECT covet_define('002_bump', 'SELECT covet_backfill(''big'', ''n = n + 1'', 200)',"
    " NULL, '001_schema', 'data', 0)")
one(c, "SELECT covet_define('003_after', 'CREATE TABLE after_bump (id int)', 'DROP TABLE after_bump', '002_bump')")
c.close()

CHILD = r"""
import sqlite3, sys
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.enable_load_extension(True)
c.load_extension("./covet")
c.execute("PRAGMA busy_timeout = 10000")
try:
    print(c.execute("SELECT covet_migrate_up_commit()").fetchone()[0])
except sqlite3.Error as e:
    print("ERROR: " + str(e))
    sys.exit(1)
"""

watch = connect(db)
watch.execute("PRAGMA busy_timeout = 10000")


def progress():
    r = rows(watch, "SELECT state, rows_done FROM covet_runs ORDER BY id DESC LIMIT 1")
    return r[0] if r else ("none", 0)


kills = 0
attempts = 0
seen = []
last = 0
finished = False
outputs = []
while attempts < 40:
    attempts += 1
    p = subprocess.Popen([sys.executable, "-c", CHILD, db], stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True)
    # wait until this attempt has moved the run on, then a random while more
    deadline = time.time() + 30
    state = None
    while time.time() < deadline and p.poll() is None:
        state, done = progress()
        if state == "running" and done >= last + 200:
            seen.append(done)
            break
        if state == "completed":
            break
        time.sleep(0.005)
    if kills < 8 and p.poll() is None:
        time.sleep(random.random() * 0.05)
        if p.poll() is None:
            os.kill(p.pid, signal.SIGKILL)
            p.wait()
            kills += 1
            last = progress()[1]
            continue
    out = p.communicate()[0]
    outputs.append(out)
    if p.returncode == 0:
        finished = True
        break

ok(kills >= 5, "the runner process was killed with kill -9 %d times mid-migration" % kills,
   "progress seen: %s" % seen)
ok(len(set(seen)) >= 3, "another connection saw rows_done grow between the kills (%d values)" % len(set(seen)), seen)
ok(finished, "a last covet_migrate_up_commit() succeeds (after %d calls)" % attempts, outputs)
ok(rows(watch, "SELECT count(*), sum(n = 1) FROM big") == [(ROWS, ROWS)], "every row incremented exactly once",
   rows(watch, "SELECT n, count(*) FROM big GROUP BY n"))
ok(rows(watch, "SELECT count(*), min(state), min(rows_done), min(migration) FROM covet_runs") ==
   [(1, "completed", ROWS, "002_bump")], "one run, completed, rows_done %d, tagged with its migration" % ROWS,
   rows(watch, "SELECT id, state, rows_done, migration FROM covet_runs"))
ok(rows(watch, "SELECT name, action FROM covet_history WHERE action <> 'incomplete' ORDER BY id") ==
   [("001_schema", "apply"), ("002_bump", "apply"), ("003_after", "apply")], "each migration applied once",
   rows(watch, "SELECT name, action FROM covet_history ORDER BY id"))
ok(one(watch, "SELECT count(*) FROM covet_lock") == 0 and one(watch, "SELECT count(*) FROM covet_incomplete") == 0,
   "no lock row and no incomplete migration left")

done_testing()
