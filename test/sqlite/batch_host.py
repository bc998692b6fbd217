#!/usr/bin/python3
"""covet's batched operations in a host application (Python's sqlite3).

Checks what only a host can show: a per-row transform written in Python
(create_function) driving covet_backfill and covet_transform_field; that
each batch really commits with its checkpoint (a second connection sees the
run's row move while the run is still going, and after a failure on row N
sees the batches before N and a failed run with its error and key); that in
a transaction the host opened the run is atomic (ROLLBACK removes rows, run
and undo table); progress lines with percent, rows/s and ETA; and a few
known bugs, each as a test that passes once fixed.  Prints TAP.  Run from
the repository root with Debian's /usr/bin/python3.
"""
import os
import re
import sqlite3
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from hosttap import ok, connect, one, rows, error_of, done_testing  # noqa: E402


tmp = os.environ.get("COVET_TMP") or tempfile.mkdtemp(prefix="covet-batch-host-")
db = os.path.join(tmp, "batch.db")
for suffix in ("", "-journal", "-wal", "-shm"):
    if os.path.exists(db + suffix):
        os.unlink(db + suffix)
c = connect(db)
c.execute("PRAGMA busy_timeout = 5000")
c.execute("CREATE TABLE t (id integer PRIMARY KEY, name text, n integer)")
c.executemany("INSERT INTO t VALUES (?, ?, ?)",
              [(i, "user %d" % i if i % 7 else None, i) for i in range(1, 101)])

# 1. a per-row transform in Python, in covet_backfill and covet_transform_field
calls = []


def py_slug(s):
    calls.append(s)
    return None if s is None else s.replace(" ", "-").upper()


c.create_function("py_slug", 1, py_slug)
run = one(c, "SELECT covet_backfill('t', 'name = py_slug(name)', 30)")
got = rows(c, "SELECT id, name FROM t WHERE id IN (1, 7, 100) ORDER BY id")
ok(got == [(1, "USER-1"), (7, None), (100, "USER-100")], "backfill with a Python function", got)
ok(len(calls) == 100, "the Python function ran once per row (%d calls)" % len(calls))
r = rows(c, "SELECT state, rows_done, rows_total, batches FROM covet_runs WHERE id = ?", run)
ok(r == [("completed", 100, 100, 4)], "run completed in 4 batches of 30", r)
one(c, "SELECT covet_undo(?)", run)
ok(one(c, "SELECT count(*) FROM t WHERE name <> 'user ' || id") == 0 and
   one(c, "SELECT count(*) FROM t WHERE name IS NULL") == 14, "undo restores the names")

c.create_function("py_double", 1, lambda x: None if x is None else x * 2, deterministic=True)
c.create_function("py_half", 1, lambda x: None if x is None else x // 2, deterministic=True)
run = one(c, "SELECT covet_transform_field('t', 'n', 'py_double', 'py_half', 25, 0)")
ok(one(c, "SELECT sum(n) FROM t") == 2 * 5050, "transform_field with a bare Python function name")
ok(one(c, "SELECT set_sql || ' / ' || reverse_set FROM covet_runs WHERE id = ?", run) ==
   '"n" = py_double("n") / "n" = py_half("n")', "the function is applied to the field, reverse kept")
one(c, "SELECT covet_undo(?)", run)
ok(one(c, "SELECT count(*) FROM t WHERE n <> id") == 0, "undo through the Python reverse function")

# 2. commit per batch is real: seen from a second connection during the run
c2 = connect(db)
c2.execute("PRAGMA busy_timeout = 5000")
seen = []


def peek(i):
    if i == 75:
        seen.append(c2.execute("SELECT id, state, rows_done, batches, last_key FROM covet_runs"
                               " ORDER BY id DESC LIMIT 1").fetchone())
        seen.append(c2.execute("SELECT count(*) FROM t WHERE n = id + 1000").fetchone()[0])
    return i + 1000


c.create_function("py_peek", 1, peek)
progress = os.path.join(tmp, "progress.log")
one(c, "SELECT covet_set('progress_log', ?)", progress)
one(c, "SELECT covet_set('progress_interval', '0')")
run = one(c, "SELECT covet_backfill('t', 'n = py_peek(id)', 20)")
ok(len(seen) == 2 and seen[0] == (run, "running", 60, 3, '["60"]'),
   "while batch 4 runs, another connection sees the run running at 60 rows, 3 batches", seen)
ok(len(seen) == 2 and seen[1] == 60, "and the 60 rows of the committed batches, not the one under way", seen)
ok(rows(c2, "SELECT state, rows_done FROM covet_runs WHERE id = ?", run) == [("completed", 100)],
   "after the call: completed, 100 rows")

# 3. progress lines: percent, rows/s, ETA, one per batch and a final one
with open(progress) as f:
    lines = [l.rstrip("\n") for l in f]
pat = re.compile(r"^covet run %d \(backfill on t\): (\d+\.\d)%%, (\d+) of ~?(\d+) rows, (\d+) batches, "
                 r"(\d+) rows/s, ETA (\d+ s|unknown)( \(done\))?$" % run)
parsed = [pat.match(l) for l in lines]
ok(len(lines) >= 5 and all(parsed), "progress lines are well formed (%d lines)" % len(lines), "\n".join(lines))
if all(parsed) and parsed:
    ok([m.group(2) for m in parsed[:5]] == ["20", "40", "60", "80", "100"],
       "rows done per line: 20, 40, 60, 80, 100", lines)
    ok(parsed[0].group(1) == "20.0" and parsed[-1].group(1) == "100.0", "percent from 20.0 to 100.0", lines)
    ok(parsed[-1].group(7) == " (done)" and parsed[-1].group(6) == "0 s", "last line says done, ETA 0 s", lines[-1])
else:
    for _ in range(3):
        ok(False, "progress lines could not be parsed")
one(c, "SELECT covet_set('progress_log', '')")
one(c, "SELECT covet_undo(?)", run)

# 4. a Python function that raises on row 55: batches before it are committed
def boom(i):
    if i == 55:
        raise ValueError("row 55 is bad")
    return i + 1


c.create_function("py_boom", 1, boom)
err = error_of(c, "SELECT covet_backfill('t', 'n = py_boom(id)', 10)")
run = one(c, "SELECT max(id) FROM covet_runs")
ok(err is not None and err.startswith('run %d failed in the batch after key ["50"]: ' % run) and
   "user-defined function raised exception" in err, "the failure names the run and the batch", err)
ok(not c.in_transaction, "no transaction left open")
ok(rows(c2, "SELECT state, rows_done, batches, last_key, error_key, error IS NOT NULL FROM covet_runs WHERE id = ?", run)
   == [("failed", 50, 5, '["50"]', '["50"]', 1)], "second connection: run failed after 50 rows, error_key [\"50\"]",
   rows(c2, "SELECT * FROM covet_runs WHERE id = ?", run))
ok(one(c2, "SELECT count(*) FROM t WHERE n = id + 1") == 50 and
   one(c2, "SELECT count(*) FROM t WHERE n = id AND id > 50") == 50,
   "second connection: rows 1-50 changed, 51-100 not")
c.create_function("py_boom", 1, lambda i: i + 1)
one(c, "SELECT covet_resume(?)", run)
ok(rows(c2, "SELECT state, rows_done, rows_total, batches FROM covet_runs WHERE id = ?", run) ==
   [("completed", 100, 100, 10)], "resumed after the fix: completed, 100 rows, 10 batches")
ok(one(c2, "SELECT count(*) FROM t WHERE n = id + 1") == 100, "every row changed exactly once")
one(c, "SELECT covet_undo(?)", run)
ok(one(c2, "SELECT count(*) FROM t WHERE n <> id") == 0, "undo restores all 100 rows")

# 5. inside a transaction the host opened: atomic, ROLLBACK removes everything
before_runs = one(c, "SELECT count(*) FROM covet_runs")
c.execute("BEGIN")
run = one(c, "SELECT covet_backfill('t', 'n = -n', 10)")
ok(c.in_transaction, "host transaction still open after the call")
ok(one(c, "SELECT count(*) FROM t WHERE n < 0") == 100, "inside: all rows changed")
ok(one(c, "SELECT state FROM covet_runs WHERE id = ?", run) == "completed", "inside: run completed")
ok(one(c2, "SELECT count(*) FROM t WHERE n < 0") == 0, "another connection sees nothing yet")
c.execute("ROLLBACK")
ok(one(c, "SELECT count(*) FROM t WHERE n < 0") == 0, "after ROLLBACK: no row changed")
ok(one(c, "SELECT count(*) FROM covet_runs") == before_runs, "after ROLLBACK: no runs row")
ok(one(c, "SELECT count(*) FROM sqlite_master WHERE name = 'covet_undo_%d'" % run) == 0,
   "after ROLLBACK: no undo table")
c.execute("BEGIN")
err = error_of(c, "SELECT covet_backfill('t', 'n = py_boom2(id)', 10)")
ok(err is not None and "no such function: py_boom2" in err, "a bad set inside the host transaction", err)
ok(c.in_transaction, "the host transaction stays open after a failed call")
c.execute("COMMIT")

# 6. a writing statement in progress: refused
c.execute("CREATE TABLE sink (r integer)")
err = error_of(c, "INSERT INTO sink SELECT covet_backfill('t', 'n = 0')")
ok(err is not None and "cannot run inside a statement that writes" in err, "refused inside INSERT ... SELECT", err)
ok(one(c, "SELECT count(*) FROM t WHERE n = 0") == 0 and one(c, "SELECT count(*) FROM sink") == 0,
   "nothing written")

# 7. known bugs: each test passes once the bug is fixed


def snapshot(conn, table):
    return rows(conn, "SELECT * FROM %s ORDER BY 1, 2" % table)


# 7a. an empty where ('') is taken as "no filter": every row changes
before = snapshot(c, "t")
err = error_of(c, "SELECT covet_backfill('t', 'n = 0', 10, '', 0)")
ok(err is not None and snapshot(c, "t") == before,
   "regression: where '' is refused (like '  ') instead of updating every row",
   (err, one(c, "SELECT count(*) FROM t WHERE n = 0")))
c.execute("UPDATE t SET n = id")

# 7b. convert_type: a default_value that does not convert is stored as 0
c.execute("CREATE TABLE conv (id integer PRIMARY KEY, s text, i integer)")
c.execute("INSERT INTO conv VALUES (1, '5', NULL), (2, 'x', NULL)")
before = snapshot(c, "conv")
err = error_of(c, "SELECT covet_convert_type('conv', 's', 'integer', 'NaN?', 1, 'i')")
ok(err is not None and snapshot(c, "conv") == before,
   "regression: convert_type refuses a default_value that is not an integer", (err, snapshot(c, "conv")))

# 7c. keys SQLite orders apart (an untyped key, keys of several storage
# classes): a rowid table is batched by rowid, so every row is done once
# and batch_size holds; the primary key is kept in the undo data
c.execute("CREATE TABLE untyped (id PRIMARY KEY, v)")
c.executemany("INSERT INTO untyped VALUES (?, ?)", [(i, i) for i in range(1, 11)])
run = one(c, "SELECT covet_backfill('untyped', 'v = v * 10', 3)")
ok(rows(c, "SELECT rows_done, batches, key_columns FROM covet_runs WHERE id = ?", run) == [(10, 4, '["rowid"]')],
   "an untyped key: batched by rowid, 10 rows in 4 batches of at most 3",
   rows(c, "SELECT rows_done, batches, key_columns FROM covet_runs WHERE id = ?", run))
ok(rows(c, "SELECT sum(v) FROM untyped") == [(550,)], "untyped: every row changed once")
ok([r[1] for r in c.execute("PRAGMA table_info(covet_undo_%d)" % run)] == ["rowid", "id", "v"],
   "the undo table keeps rowid, the primary key and the old values")
c.execute("CREATE TABLE mixed (k int PRIMARY KEY, v)")
c.executemany("INSERT INTO mixed VALUES (?, ?)", [(1, 1), ("a", 2), (2, 3), (b"\x01", 4)])
run = one(c, "SELECT covet_backfill('mixed', 'v = v * 10', 1)")
ok(rows(c, "SELECT v FROM mixed ORDER BY v") == [(10,), (20,), (30,), (40,)],
   "keys of several storage classes: every row changed once")
one(c, "SELECT covet_undo(?)", run)
ok(rows(c, "SELECT v FROM mixed ORDER BY v") == [(1,), (2,), (3,), (4,)], "mixed: undo restores")
# without a rowid, such keys are refused before anything changes
c.execute("CREATE TABLE mixed_wr (k int PRIMARY KEY, v) WITHOUT ROWID")
c.executemany("INSERT INTO mixed_wr VALUES (?, ?)", [(1, 1), ("a", 2), (2, 3)])
err = error_of(c, "SELECT covet_backfill('mixed_wr', 'v = v * 10', 1)")
ok(err is not None and err.startswith('key column "k" of table "mixed_wr" holds text values'),
   "WITHOUT ROWID: keys of another storage class are refused", err)
ok(rows(c, "SELECT v FROM mixed_wr ORDER BY v") == [(1,), (2,), (3,)], "mixed_wr: nothing changed")

# 7d. a REAL key whose text form (15 digits) is not exact: the run loops
# forever, re-reading the same key (a subprocess, killed after 10 s)
rdb = os.path.join(tmp, "real.db")
if os.path.exists(rdb):
    os.unlink(rdb)
rc = sqlite3.connect(rdb)
rc.execute("CREATE TABLE r (k real PRIMARY KEY, v integer)")
rc.executemany("INSERT INTO r VALUES (?, 0)", [(0.1,), (0.1 + 0.2,), (0.5,)])
rc.commit()
rc.close()
try:
    p = subprocess.run(["sqlite3", rdb, ".load ./covet", "SELECT covet_backfill('r', 'v = v + 1', 1, NULL, 0)"],
                       capture_output=True, text=True, timeout=10)
    finished = p.returncode == 0
except subprocess.TimeoutExpired:
    finished = False
rc = sqlite3.connect(rdb)
got = rc.execute("SELECT v FROM r ORDER BY k").fetchall()
info = rc.execute("SELECT state, rows_done, batches, last_key FROM covet_runs").fetchall()
rc.close()
ok(finished and got == [(1,), (1,), (1,)],
   "regression: a REAL key 0.30000000000000004 (text \"0.3\") does not make the run loop forever", (got, info))

# 7e. a set that changes the primary key: undo says "rolled back" but puts
# nothing back (it looks the rows up by their new keys)
c.execute("CREATE TABLE pk (id integer PRIMARY KEY, v integer)")
c.executemany("INSERT INTO pk VALUES (?, ?)", [(i, i) for i in range(1, 6)])
before = snapshot(c, "pk")
err = error_of(c, "SELECT covet_backfill('pk', 'id = id + 100', 2)")
if err is None:
    run = one(c, "SELECT max(id) FROM covet_runs")
    err = error_of(c, "SELECT covet_undo(?)", run)
ok(snapshot(c, "pk") == before, "regression: a run that changed the key is refused or undone exactly",
   (err, snapshot(c, "pk")))

# 7f. dedup on a table with a generated column cannot be undone
c.execute("CREATE TABLE gen (id integer PRIMARY KEY, email text,"
          " up text GENERATED ALWAYS AS (upper(email)) VIRTUAL)")
c.executemany("INSERT INTO gen (id, email) VALUES (?, ?)", [(1, "a"), (2, "a"), (3, "b")])
before = snapshot(c, "gen")
run = one(c, "SELECT covet_dedup('gen', 'email')")
err = error_of(c, "SELECT covet_undo(?)", run)
ok(err is None and snapshot(c, "gen") == before, "regression: dedup on a table with a generated column is undone", err)

# 7g. a failure inside the host's transaction rolls everything back, but
# the message says rows stay changed and to call covet_resume of a run
# that no longer exists
c.execute("CREATE TABLE chk (id integer PRIMARY KEY, v integer CHECK (v < 10))")
c.executemany("INSERT INTO chk VALUES (?, ?)", [(i, i) for i in range(1, 7)])
c.execute("BEGIN")
err = error_of(c, "SELECT covet_backfill('chk', 'v = v * 3', 2)")
c.execute("COMMIT")
ok(err is not None and "covet_resume" not in err and "stay changed" not in err,
   "regression: inside a host transaction the error does not point to covet_resume of a vanished run", err)

# 7h. the runs row keeps what the caller passed (args), per DESIGN.md
ok(one(c, "SELECT count(*) FROM covet_runs WHERE args IS NULL") == 0,
   "regression: covet_runs.args is filled", rows(c, "SELECT id, op, args FROM covet_runs"))

# 8. a filtered run on an integer key is not counted first (that is a scan
# of the whole table): its total is estimated from the key fraction reached,
# so percent follows the key.  Even ids only, 10-key first span, then spans
# aimed at 10 rows: keys 1-10, 11-30, 31-50, 51-70, 71-90, 91-100.
c.execute("UPDATE t SET n = id")
one(c, "SELECT covet_set('progress_log', ?)", progress)
one(c, "SELECT covet_set('progress_interval', '0')")
open(progress, "w").close()
seen = []


def peek_total(i):
    if i == 32:
        seen.append(c2.execute("SELECT rows_done, rows_total FROM covet_runs"
                               " ORDER BY id DESC LIMIT 1").fetchone())
    return i + 1


c.create_function("py_peek_total", 1, peek_total)
run = one(c, "SELECT covet_backfill('t', 'n = py_peek_total(id)', 10, 'id % 2 = 0', 0)")
ok(seen == [(15, 50)], "filtered run: after keys 1-30 another connection sees 15 rows of an estimated 50", seen)
with open(progress) as f:
    lines = [l.rstrip("\n") for l in f]
pat_f = re.compile(r"^covet run %d \(backfill on t\): (\d+\.\d)%%, (\d+) of (~?\d+) rows" % run)
got = [pat_f.match(l).groups() if pat_f.match(l) else l for l in lines]
ok(got[:6] == [("10.0", "5", "50"), ("30.0", "15", "50"), ("50.0", "25", "50"), ("70.0", "35", "50"),
               ("90.0", "45", "50"), ("100.0", "50", "50")],
   "filtered run: percent follows the key (10, 30, ..., 100), total estimated at 50", lines)
ok(rows(c, "SELECT state, rows_done, rows_total, batches FROM covet_runs WHERE id = ?", run) ==
   [("completed", 50, 50, 6)], "filtered run: completed with the exact total")
one(c, "SELECT covet_set('progress_log', '')")

# 9. atomic in a WAL database: each batch's pages are written to the WAL
# inside the host's transaction (the page cache is left clean, as a commit
# would), still invisible to others and undone by ROLLBACK; with a rollback
# journal nothing is written before COMMIT (a flush there would fsync the
# journal once per batch)
for mode in ("wal", "delete"):
    fdb = os.path.join(tmp, "flush-%s.db" % mode)
    for suffix in ("", "-journal", "-wal", "-shm"):
        if os.path.exists(fdb + suffix):
            os.unlink(fdb + suffix)
    f1 = connect(fdb)
    f1.execute("PRAGMA journal_mode = %s" % mode)
    f1.execute("CREATE TABLE big (id integer PRIMARY KEY, v integer, pad text)")
    f1.execute("INSERT INTO big SELECT r, r, zeroblob(500) FROM covet_series(1, 2000)")
    one(f1, "SELECT covet_backfill('big', 'v = v', 5000, NULL, 0)")  # covet's tables exist
    if mode == "wal":
        f1.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    with open(fdb, "rb") as f:
        image = f.read()
    f2 = connect(fdb)
    f1.execute("BEGIN")
    one(f1, "SELECT covet_backfill('big', 'v = -v', 500, NULL, 0)")
    if mode == "wal":
        ok(os.path.getsize(fdb + "-wal") > 2000 * 500,
           "WAL: the batches' pages are in the WAL before COMMIT (%d bytes)" % os.path.getsize(fdb + "-wal"))
    else:
        with open(fdb, "rb") as f:
            ok(f.read() == image, "rollback journal: the database file is untouched before COMMIT")
    ok(one(f2, "SELECT count(*) FROM big WHERE v < 0") == 0, "%s: another connection sees nothing" % mode)
    f1.execute("ROLLBACK")
    ok(one(f1, "SELECT count(*) FROM big WHERE v < 0") == 0 and one(f1, "SELECT sum(v) FROM big") == 2001000,
       "%s: ROLLBACK leaves every row as it was" % mode)
    f1.close()
    f2.close()

# 10. a text key with a tab or a newline, resumed from its checkpoint: the
# key reached comes back exactly (JSON escapes \t and \n decoded), so the
# resumed run neither skips nor repeats a row
c.execute("CREATE TABLE tk (k text PRIMARY KEY, n integer NOT NULL, bad integer) WITHOUT ROWID")
c.executemany("INSERT INTO tk VALUES (?, ?, ?)",
              [("a\tb", 1, 0), ("a\tc", 2, 1), ("a\nz", 3, 0), ("ab", 4, 0)])
err = error_of(c, "SELECT covet_backfill('tk', 'n = CASE WHEN bad = 1 THEN NULL ELSE n + 10 END', 1)")
run = one(c, "SELECT max(id) FROM covet_runs")
ok(err is not None and one(c, "SELECT last_key FROM covet_runs WHERE id = ?", run) == '["a\\tb"]',
   "text key: the run fails after key \"a<tab>b\", its checkpoint", err)
c.execute("UPDATE tk SET bad = 0")
one(c, "SELECT covet_resume(?)", run)
ok(rows(c, "SELECT n FROM tk ORDER BY k") == [(11,), (12,), (13,), (14,)],
   "text key: resumed, every row changed exactly once", rows(c, "SELECT k, n FROM tk ORDER BY k"))

# 11. a run in the host's transaction fails at row 35 of 50 (its row is
# written only when the run stops, not after each batch): the whole
# operation is undone, batches, run row and undo table, while the host's
# own work in that transaction stays and commits
c.execute("CREATE TABLE ht (id integer PRIMARY KEY, n integer NOT NULL, bad integer)")
c.executemany("INSERT INTO ht VALUES (?, 0, ?)", [(i, 1 if i == 35 else 0) for i in range(1, 51)])
for form, opener in (("savepoint", "UPDATE ht SET n = 7 WHERE id = 50"), ("whole", None)):
    before_runs = one(c, "SELECT count(*) FROM covet_runs")
    c.execute("UPDATE ht SET n = 0")
    c.execute("BEGIN")
    if opener:
        c.execute(opener)
    err = error_of(c, "SELECT covet_backfill('ht', 'n = CASE WHEN bad = 1 THEN NULL ELSE n + 1 END', 10)")
    ok(err is not None and err.startswith('run %d failed in the batch after key ["30"]: NOT NULL constraint failed'
                                          % (one(c, "SELECT max(id) FROM covet_runs") + 1)) and
       "Nothing was changed" in err, "%s: the batch after key 30 fails" % form, err)
    if c.in_transaction:
        c.execute("COMMIT")
    ok(rows(c, "SELECT sum(n) FROM ht") == [(7 if opener else 0,)] and
       one(c, "SELECT count(*) FROM covet_runs") == before_runs,
       "%s: no batch and no run row kept; the host's own update is" % form, rows(c, "SELECT id, n FROM ht WHERE n <> 0"))

# 12. in the host's transaction the run's row is written when progress is
# reported (and at the end), so a reader on the same connection sees it
# move with the progress lines; between reports it is not rewritten
seen_rows = []


def peek_same(i):
    if i in (25, 45):
        seen_rows.append(c.execute("SELECT rows_done, last_key FROM covet_runs"
                                   " ORDER BY id DESC LIMIT 1").fetchone())
    return 0


c.create_function("py_peek_same", 1, peek_same)
for interval, want in (("0", [(20, '["20"]'), (40, '["40"]')]), ("600000", [(10, '["10"]'), (10, '["10"]')])):
    del seen_rows[:]
    one(c, "SELECT covet_set('progress_interval', ?)", interval)
    c.execute("BEGIN")
    run = one(c, "SELECT covet_backfill('ht', 'n = n + py_peek_same(id)', 10, NULL, 0)")
    c.execute("COMMIT")
    ok(seen_rows == want and
       rows(c, "SELECT state, rows_done, last_key FROM covet_runs WHERE id = ?", run) == [("completed", 50, '["50"]')],
       "progress every %s ms: the row seen mid-run" % interval, seen_rows)
one(c, "SELECT covet_set('progress_interval', '5000')")

c.close()
c2.close()
done_testing()
