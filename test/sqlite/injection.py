#!/usr/bin/python3
"""The injection suite on SQLite (issue 11): every expression and identifier
argument of every named operation, with the hostile shapes of
lib/injection_cases.py, in the atomic form (inside a transaction the host
opened) and the commit-per-batch form (autocommit).  Each call must fail,
and after it (before the host's ROLLBACK in the atomic form) the table
canary must exist and the digest of t be unchanged.  Then tricky but valid
fragments must be accepted and give the right rows, and stored SQL that
was tampered with is refused by resume and undo.  Prints TAP, and the
counts as a comment.
"""
import os
import sqlite3
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from hosttap import ok, connect, one, rows, error_of, done_testing  # noqa: E402
import injection_cases as ic  # noqa: E402

tmp = os.environ.get("COVET_TMP") or tempfile.mkdtemp(prefix="covet-injection-")
db = os.path.join(tmp, "injection.db")
for suffix in ("", "-journal", "-wal", "-shm"):
    if os.path.exists(db + suffix):
        os.unlink(db + suffix)
c = connect(db)

DIGEST = ("SELECT (SELECT count(*) FROM sqlite_master WHERE name = 'canary') || ' ' ||"
          " coalesce((SELECT group_concat(r, '|') FROM (SELECT quote(id) || ',' || quote(n) || ','"
          " || quote(s) || ',' || quote(a) || ',' || quote(b) || ',' || quote(c) || ','"
          " || quote(\"odd)\") AS r FROM t ORDER BY id)), '')")


def reset():
    c.execute("DROP TABLE IF EXISTS canary")
    c.execute("DROP TABLE IF EXISTS t")
    c.execute("CREATE TABLE canary (x integer)")
    c.execute('CREATE TABLE t (id integer PRIMARY KEY, n integer, s text, a text, b text,'
              ' c text, "odd)" integer)')
    c.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?)", ic.ROWS)


def call(op, args):
    marks = ", ".join("?" for _ in args)
    return error_of(c, "SELECT covet_%s(%s)" % (op, marks), *args)


reset()
baseline = one(c, DIGEST)
tried = refused = escapes = 0
for form in ("atomic", "commit"):
    for op, name, shape, args in ic.cases("sqlite"):
        if form == "atomic":
            c.execute("BEGIN")
        err = call(op, args)
        state = one(c, DIGEST)
        if form == "atomic" and c.in_transaction:
            c.execute("ROLLBACK")
        tried += 1
        refused += err is not None
        damaged = state != baseline
        escapes += damaged
        ok(err is not None and not damaged,
           "%s %s %s (%s): refused, canary and rows intact" % (form, op, name, shape),
           "error: %r; state changed: %s" % (err, damaged))
        if damaged or one(c, DIGEST) != baseline:
            reset()

# the NUL check names the argument, for every kind of function
ok(error_of(c, "SELECT covet_backfill('t', 'n = n + 1', 10, 'id' || char(0) || '; x')") ==
   "where must not contain a NUL character", "NUL in where: the message names the argument")
ok(error_of(c, "SELECT covet_define('a' || char(0), 'SELECT 1')") ==
   "name must not contain a NUL character", "NUL in covet_define's name")
ok(error_of(c, "SELECT covet_set('lock_timeout', '5' || char(0) || '0')") ==
   "value must not contain a NUL character", "NUL in covet_set's value")
ok(error_of(c, "SELECT covet_loaddata('[]' || char(0))") ==
   "data must not contain a NUL character", "NUL in covet_loaddata's data")
ok(error_of(c, "SELECT * FROM covet_series(1, 2, 'email' || char(0))") ==
   "generators must not contain a NUL character", "NUL in covet_series's generators")
ok(error_of(c, "SELECT covet_fake('email' || char(0), 1, 1)") ==
   "generator must not contain a NUL character", "NUL in covet_fake's generator")
ok(error_of(c, "SELECT covet_split_part('a b' || char(0), ' ', 1, 0)") ==
   "string must not contain a NUL character", "NUL in covet_split_part's string")
ok(error_of(c, "SELECT covet_seed('t' || char(0), 1)") ==
   "table_name must not contain a NUL character", "NUL in covet_seed's table_name")

for name, engine, op, args, query, want in ic.LEGIT:
    if engine not in (None, "sqlite"):
        continue
    err = call(op, args)
    got = rows(c, query)
    ok(err is None and got == want, "legit: %s: accepted, right rows" % name,
       "error: %r; got %r, want %r" % (err, got, want))
    reset()

# stored SQL is read again before it runs: a runs row rewritten by hand
run = one(c, "SELECT covet_backfill('t', 'n = n + 1', 2, 'id <= 3')")
c.execute("UPDATE covet_runs SET state = 'failed', last_key = NULL,"
          " where_sql = 'id <= 3) OR (1=1' WHERE id = ?", (run,))
before = one(c, DIGEST)
err = error_of(c, "SELECT covet_resume(?)", run)
ok(err is not None and err.startswith("run %d: invalid where: unbalanced" % run) and one(c, DIGEST) == before,
   "resume refuses a tampered where_sql", err)
c.execute("UPDATE covet_runs SET where_sql = 'id <= 3', set_sql = 'n = 0; DROP TABLE canary'"
          " WHERE id = ?", (run,))
err = error_of(c, "SELECT covet_resume(?)", run)
ok(err is not None and "not allowed" in err and one(c, DIGEST) == before,
   "resume refuses a tampered set_sql", err)
c.execute("UPDATE covet_runs SET set_sql = 'n = n + 1', undo_table = NULL,"
          " reverse_set = 'n = n - ?1' WHERE id = ?", (run,))
err = error_of(c, "SELECT covet_undo(?)", run)
ok(err is not None and "parameters are not allowed" in err and one(c, DIGEST) == before,
   "undo refuses a tampered reverse_set", err)
c.execute("UPDATE covet_runs SET reverse_set = 'n = n - 1 FROM canary' WHERE id = ?", (run,))
err = error_of(c, "SELECT covet_undo(?)", run)
ok(err is not None and err.startswith("invalid reverse_expr for table") and one(c, DIGEST) == before,
   "undo refuses a reverse_set with a FROM clause", err)
reset()

# a bad reverse_expr fails the call at once and changes nothing
nruns = one(c, "SELECT count(*) FROM covet_runs")
err = error_of(c, "SELECT covet_transform_field('t', 'n', 'n + 1', 'n - nosuch')")
ok(err is not None and err.startswith("invalid reverse_expr for table \"t\": no such column: nosuch")
   and one(c, DIGEST) == baseline and one(c, "SELECT count(*) FROM covet_runs") == nruns,
   "a bad reverse_expr is refused at creation, nothing changed", err)

ok(tried > 0 and escapes == 0, "%d calls tried, %d refused, %d escapes" % (tried, refused, escapes))
print("# injection (sqlite): %d calls tried, %d refused, %d escapes" % (tried, refused, escapes))
done_testing()
