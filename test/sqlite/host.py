#!/usr/bin/python3
"""covet in a host application: Python's standard sqlite3 module.

Checks what only a host can show: the runner inside a transaction the host
opened (it joins it, so the host's ROLLBACK undoes it), functions the host
registered used by migrations, errors as Python exceptions with covet's text,
the lock row (a live holder makes a second runner wait and fail naming it; a
dead or reused pid is taken over at once).  Prints TAP.  Run from the
repository root with Debian's /usr/bin/python3 (it can load extensions).
"""
import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from hosttap import ok, connect, one, rows, error_of, done_testing  # noqa: E402


tmp = tempfile.mkdtemp(prefix="covet-host-")
db = os.path.join(tmp, "app.db")
c = connect(db)

# 1. a transaction the host opened: the runner joins it
c.execute("BEGIN")
one(c, "SELECT covet_define('0001_t', 'CREATE TABLE t (id integer PRIMARY KEY, v text)', 'DROP TABLE t')")
report = one(c, "SELECT covet_migrate_up()")
ok(report == "applied 0001_t (1 statement, 0 rows)", "runner works inside a host transaction", report)
ok(c.in_transaction, "host transaction still open after the call")
c.execute("ROLLBACK")
ok(one(c, "SELECT count(*) FROM sqlite_master WHERE name = 't'") == 0,
   "host ROLLBACK undoes the migration")
ok(one(c, "SELECT count(*) FROM sqlite_master WHERE name LIKE 'covet%'") == 0,
   "and the definition, and covet's tables created in that transaction")

# 2. autocommit: the runner commits on its own
one(c, "SELECT covet_define('0001_t', 'CREATE TABLE t (id integer PRIMARY KEY, v text)', 'DROP TABLE t')")
one(c, "SELECT covet_migrate_up()")
c2 = connect(db)
ok(one(c2, "SELECT count(*) FROM covet_applied") == 1, "autocommit run is visible to another connection")
ok(one(c2, "SELECT count(*) FROM covet_lock") == 0, "no lock row left after a run")

# 3. a function the host registered, used by a data migration
c.create_function("py_title", 1, lambda s: s.title() if s is not None else None, deterministic=True)
c.execute("INSERT INTO t (v) VALUES ('ada lovelace'), ('grace hopper'), (NULL)")
one(c, "SELECT covet_define('0002_title', 'UPDATE t SET v = py_title(v)', NULL, '0001_t', 'data')")
report = one(c, "SELECT covet_migrate_up()")
ok(report == "applied 0002_title (1 statement, 3 rows)", "migration calls a host function", report)
ok([r[0] for r in c.execute("SELECT v FROM t ORDER BY id")] == ["Ada Lovelace", "Grace Hopper", None],
   "host function transformed the rows")

# 4. a failing migration raises with covet's text; nothing changes
one(c, "SELECT covet_define('0003_bad', 'UPDATE t SET v = py_title(v, 1)', NULL, '0002_title')")
err = error_of(c, "SELECT covet_migrate_up()")
ok(err is not None and err.startswith('migration "0003_bad" failed: wrong number of arguments to function py_title()'),
   "failure names the migration and carries SQLite's message", err)
ok(one(c, "SELECT count(*) FROM covet_applied") == 2, "failed migration not applied")

# 5. a live holder: the second runner waits lock_timeout, then names it
host = socket.gethostname()


def proc_start(pid):
    with open("/proc/%d/stat" % pid) as f:
        data = f.read()
    return data[data.rindex(")") + 2:].split()[19]


holder = subprocess.Popen(["sleep", "30"])
c.execute("INSERT INTO covet_lock (id, pid, host, who, since, proc_start) VALUES (1, ?, ?, 'deployer', '2026-01-01 00:00:00', ?)",
          (holder.pid, host, proc_start(holder.pid)))
one(c, "SELECT covet_set('lock_timeout', '300')")
t0 = time.monotonic()
err = error_of(c, "SELECT covet_migrate_up()")
waited = time.monotonic() - t0
ok(err is not None and err.startswith('migration lock is held by process %d on %s (user "deployer") since 2026-01-01 00:00:00' % (holder.pid, host)),
   "lock error names the holder", err)
ok(0.25 <= waited < 5, "waited about lock_timeout (%.2f s)" % waited)
ok(one(c, "SELECT pid FROM covet_lock") == holder.pid, "a live holder's row is left alone")

# 6. the holder dies: the next runner takes the lock over at once
holder.kill()
holder.wait()
one(c, "SELECT covet_set('lock_timeout', '60000')")
t0 = time.monotonic()
err = error_of(c, "SELECT covet_migrate_up()")
ok(err is not None and err.startswith('migration "0003_bad" failed'), "dead holder's lock taken over", err)
ok(time.monotonic() - t0 < 5, "without waiting for the timeout")
ok(one(c, "SELECT count(*) FROM covet_lock") == 0, "lock row gone after the run")

# 7. a reused pid (same pid, other start time) is not a live holder
c.execute("INSERT INTO covet_lock (id, pid, host, who, since, proc_start) VALUES (1, ?, ?, 'ghost', '2026-01-01', '1')",
          (os.getpid(), host))
one(c, "SELECT covet_define('0003_bad', 'UPDATE t SET v = upper(v)', NULL, '0002_title')")
report = error_of(c, "SELECT covet_migrate_up()")
ok(report is None, "reused pid's lock row taken over", report)
ok(one(c, "SELECT count(*) FROM covet_applied") == 3, "and the run applied")

# 8. a writing statement in progress: refused, nothing half done
c.execute("CREATE TABLE sink (r text)")
err = error_of(c, "INSERT INTO sink SELECT covet_migrate_down()")
ok(err is not None and err.startswith("covet's runner cannot run inside a statement that writes"), "refused inside INSERT", err)
ok(one(c, "SELECT count(*) FROM covet_applied") == 3, "nothing rolled back")

# 9. status as a table-valued function with typed columns
rows = c.execute("SELECT name, state, typeof(duration_ms), drift FROM covet_status()").fetchall()
ok(rows == [("0001_t", "applied", "integer", 0), ("0002_title", "applied", "integer", 0), ("0003_bad", "applied", "integer", 0)],
   "covet_status() rows and types", rows)

# 10. the extension cannot be called from a schema object (DIRECTONLY)
c.execute("CREATE VIEW sneaky AS SELECT covet_migrate_down(3) AS r")
err = error_of(c, "SELECT * FROM sneaky")
ok(err is not None and "unsafe use of covet_migrate_down()" in err, "runner functions are DIRECTONLY", err)
ok(one(c, "SELECT count(*) FROM covet_applied") == 3, "nothing rolled back through the view")

c.close()
c2.close()
done_testing()
