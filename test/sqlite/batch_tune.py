#!/usr/bin/python3
"""Errors per batch and the self-tuning batch size on SQLite (issue 16).

on_error 'skip' in autocommit mode: a trigger that raises for 4 chosen
keys of 1000 makes the run bisect down to exactly those keys, record each
in covet_run_errors (SQLite has no SQLSTATE: NULL) and end 'completed with
errors' with every other row changed once; a resume after fixing two of
them changes just those and forgets them, one after the last fix completes
the run, and undo restores every row; a text key of a WITHOUT ROWID table
bisects too.  A non-transient error is not retried.  Inside the host's
transaction retries and skip are refused with PostgreSQL's message and
change nothing.  batch_time_ms moves the batch size up from 100 (autocommit
and inside a transaction) and down from 100,000.  Prints TAP.  Run from the
repository root with Debian's /usr/bin/python3.
"""
import os
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from hosttap import ok, connect, one, rows, error_of, done_testing  # noqa: E402

tmp = os.environ.get("COVET_TMP") or tempfile.mkdtemp(prefix="covet-batch-tune-")
db = os.path.join(tmp, "tune.db")
for suffix in ("", "-journal", "-wal", "-shm"):
    if os.path.exists(db + suffix):
        os.unlink(db + suffix)
c = connect(db)

# arguments by position: table, set, batch_size, where, undo, workers,
# batch_time_ms, retries, on_error
c.executescript("""
CREATE TABLE t (id integer PRIMARY KEY, n integer NOT NULL);
WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 1000)
INSERT INTO t SELECT i, i FROM s;
CREATE TABLE bad_keys (id integer PRIMARY KEY);
INSERT INTO bad_keys VALUES (17), (480), (481), (1000);
CREATE TRIGGER t_check BEFORE UPDATE ON t WHEN new.id IN (SELECT id FROM bad_keys)
BEGIN SELECT RAISE(ABORT, 'row is bad'); END;
""")

# 1. on_error 'skip'
run = one(c, "SELECT covet_backfill('t', 'n = n + 1', 100, NULL, 1, 1, NULL, 0, 'skip')")
r = rows(c, "SELECT state, rows_done, retried, batch_size FROM covet_runs WHERE id = ?", run)
ok(r == [("completed with errors", 996, 0, 100)],
   "on_error 'skip': 'completed with errors', 996 rows changed, the batch size back at 100", r)
r = rows(c, "SELECT key, error, sqlstate FROM covet_run_errors WHERE run_id = ?"
            " ORDER BY CAST(json_extract(key, '$[0]') AS integer)", run)
ok(r == [('["17"]', "row is bad", None), ('["480"]', "row is bad", None),
         ('["481"]', "row is bad", None), ('["1000"]', "row is bad", None)],
   "exactly the 4 failing keys are recorded with their error (no SQLSTATE in SQLite)", r)
r = rows(c, "SELECT count(*) FILTER (WHERE n = id + 1), count(*) FILTER (WHERE n = id) FROM t")
ok(r == [(996, 4)], "every other row changed once, the skipped ones not at all", r)

c.execute("DELETE FROM bad_keys WHERE id IN (17, 1000)")
one(c, "SELECT covet_resume(?)", run)
r = rows(c, "SELECT state, rows_done, (SELECT group_concat(key) FROM covet_run_errors WHERE run_id = r.id)"
            " FROM covet_runs r WHERE id = ?", run)
ok(r == [("completed with errors", 998, '["480"],["481"]')],
   "resumed after fixing 2 keys: those 2 changed and forgotten, the other 2 still recorded", r)
c.execute("DELETE FROM bad_keys")
one(c, "SELECT covet_resume(?)", run)
r = rows(c, "SELECT state, rows_done, (SELECT count(*) FROM covet_run_errors WHERE run_id = r.id)"
            " FROM covet_runs r WHERE id = ?", run)
ok(r == [("completed", 1000, 0)], "resumed after the last fix: completed, nothing recorded", r)
ok(one(c, "SELECT count(*) FROM t WHERE n = id + 1") == 1000, "every row changed exactly once")
one(c, "SELECT covet_undo(?)", run)
ok(one(c, "SELECT count(*) FROM t WHERE n = id") == 1000, "undo restores every row exactly")

# a text key: the batch's end is found through the index, bisection halves batch_size
c.executescript("""
CREATE TABLE s (k text PRIMARY KEY, n integer NOT NULL) WITHOUT ROWID;
WITH RECURSIVE q(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM q WHERE i < 500)
INSERT INTO s SELECT 'k' || substr('000' || i, -4), i FROM q;
CREATE TRIGGER s_check BEFORE UPDATE ON s WHEN new.k IN ('k0003', 'k0250')
BEGIN SELECT RAISE(ABORT, 'key refused'); END;
""")
run = one(c, "SELECT covet_backfill('s', 'n = n + 1', 64, NULL, 1, 1, NULL, 0, 'skip')")
r = rows(c, "SELECT key FROM covet_run_errors WHERE run_id = ? ORDER BY key", run)
ok(r == [('["k0003"]',), ('["k0250"]',)], "a text key: exactly the 2 failing keys", r)
ok(one(c, "SELECT count(*) FROM s WHERE n = CAST(substr(k, 2) AS integer) + 1") == 498,
   "the other 498 rows changed once")

# 2. a non-transient error is not retried
c.execute("INSERT INTO bad_keys VALUES (5)")
err = error_of(c, "SELECT covet_backfill('t', 'n = n + 2', 100, NULL, 1, 1, NULL, 3)")
r = rows(c, "SELECT state, retried FROM covet_runs WHERE id = (SELECT max(id) FROM covet_runs)")
ok(err is not None and "row is bad" in err and r == [("failed", 0)],
   "an error raised by a trigger is not retried: the run fails, retried 0", (err, r))
one(c, "SELECT covet_cancel(max(id)) FROM covet_runs")
c.execute("DELETE FROM bad_keys")

# 3. inside the host's transaction: refused, nothing changed
before = rows(c, "SELECT count(*), sum(n) FROM t") + rows(c, "SELECT count(*) FROM covet_runs")
for args, what in (("NULL, 1", "retries 1"), ("NULL, 0, 'skip'", "on_error 'skip'")):
    c.execute("BEGIN")
    err = error_of(c, "SELECT covet_backfill('t', 'n = n + 1', 100, NULL, 1, 1, %s)" % args)
    c.execute("ROLLBACK")
    ok(err is not None and err.startswith("retries and on_error 'skip' need batches that commit one by one"),
       "inside a transaction, %s is refused with PostgreSQL's message" % what, err)
ok(rows(c, "SELECT count(*), sum(n) FROM t") + rows(c, "SELECT count(*) FROM covet_runs") == before,
   "and nothing changed")

# 4. batch_time_ms
c.executescript("""
CREATE TABLE big (id integer PRIMARY KEY, n integer NOT NULL);
WITH RECURSIVE q(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM q WHERE i < 400000)
INSERT INTO big SELECT i, i FROM q;
""")
one(c, "SELECT covet_backfill('big', 'n = n + 1', 100, NULL, 1, 1, 20)")
r = rows(c, "SELECT state, batch_size > 1000 FROM covet_runs WHERE id = (SELECT max(id) FROM covet_runs)")
ok(r == [("completed", 1)], "from batch 100 with a 20 ms target the batch size grew past 1000", r)
c.execute("BEGIN")
one(c, "SELECT covet_backfill('big', 'n = n + 2', 100, NULL, 1, 1, 20)")
c.execute("COMMIT")
r = rows(c, "SELECT state, batch_size > 1000 FROM covet_runs WHERE id = (SELECT max(id) FROM covet_runs)")
ok(r == [("completed", 1)], "inside a transaction (one atomic run) it tunes too", r)
one(c, "SELECT covet_backfill('big', 'n = n + 3', 100000, NULL, 1, 1, 5)")
r = rows(c, "SELECT state, batch_size < 50000 FROM covet_runs WHERE id = (SELECT max(id) FROM covet_runs)")
ok(r == [("completed", 1)], "from 100,000 with a 5 ms target the batch size shrank", r)
ok(one(c, "SELECT count(*) FROM big WHERE n = id + 6") == 400000, "every row changed once per run")

sys.exit(done_testing())
