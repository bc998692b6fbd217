#!/usr/bin/python3
"""covet's SQLite functions against PostgreSQL's: names and boolean arguments.

Enumerates, without a hand-kept list of functions:
  - PostgreSQL's functions and procedures, with their argument names and
    types, from the install scripts (sql/covet--*.sql);
  - SQLite's, from the registration (pragma_function_list of a connection
    that loaded ./covet).

Then:
  1. every PostgreSQL function that SQLite does not have says so on SQLite,
     for any number of arguments, with a hint ("X is not available on
     SQLite");
  2. every boolean argument (by PostgreSQL's signature) of every function
     SQLite registers is read as PostgreSQL reads a boolean: each spelling
     boolin accepts has its meaning (checked by what the call does: a dry
     run applies nothing, undo false keeps no undo table, ...), anything
     else fails with boolin's message and a DETAIL naming the argument and
     the function.  A boolean argument or a function that has no check
     below fails the test, so a new one cannot be missed;
  3. every batched operation is registered for every arity up to its full
     signature, which ends with workers, batch_time_ms, retries, on_error.
Prints TAP.
"""
import atexit
import glob
import json
import os
import re
import shutil
import sqlite3
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from hosttap import ok, connect, one, rows, error_of, done_testing  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def split_top(s):
    """Split at top-level commas."""
    out, depth, cur, quote = [], 0, "", None
    for ch in s:
        if quote:
            cur += ch
            if ch == quote:
                quote = None
            continue
        if ch in "'\"":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "," and depth == 0:
            out.append(cur.strip())
            cur = ""
            continue
        cur += ch
    if cur.strip():
        out.append(cur.strip())
    return out


def pg_signatures():
    """{name: [[(arg, type), ...], ...]} from the install scripts."""
    sigs = {}
    for path in sorted(glob.glob(os.path.join(ROOT, "sql", "covet--*.sql"))):
        text = open(path).read()
        for m in re.finditer(r"CREATE\s+(?:OR\s+REPLACE\s+)?(?:FUNCTION|PROCEDURE)\s+([a-z_.]+)\s*\(", text):
            name = m.group(1).split(".")[-1]
            depth, i = 1, m.end()
            while depth:
                depth += {"(": 1, ")": -1}.get(text[i], 0)
                i += 1
            args = []
            for a in split_top(text[m.end():i - 1]):
                a = re.sub(r"(?i)\s+DEFAULT\s+.*$", "", a, flags=re.S)
                words = a.split()
                if words and words[0].upper() in ("IN", "OUT", "INOUT", "VARIADIC"):
                    if words[0].upper() == "OUT":
                        continue
                    words = words[1:]
                args.append((words[0].strip('"'), " ".join(words[1:]).lower()))
            sigs.setdefault(name, []).append(args)
    return sigs


PG = pg_signatures()
c0 = connect(":memory:")
REG = {}
for name, narg in rows(c0, "SELECT name, narg FROM pragma_function_list WHERE name LIKE 'covet%'"):
    REG.setdefault(name, set()).add(narg)
REAL = {n for n, counts in REG.items() if counts != {-1}}
REAL.add("covet_status")        # an eponymous virtual table on SQLite
REAL.add("covet_diff")          # likewise
ok(len(PG) > 40 and "covet_migrate_up" in PG, "read PostgreSQL's signatures", sorted(PG))
ok("covet_backfill" in REAL and "covet_migrate_up" in REAL, "read SQLite's registration")

# 1. PostgreSQL-only names
pg_only = sorted(set(PG) - REAL)
ok(len(pg_only) >= 20, "PostgreSQL-only functions found (%d)" % len(pg_only), pg_only)
for name in pg_only:
    bad = []
    for n in (0, 1, 3):
        err = error_of(c0, "SELECT %s(%s)" % (name, ", ".join(["NULL"] * n)))
        if err is None or not err.startswith("%s is not available on SQLite\nHINT: " % name):
            bad.append((n, err))
    ok(not bad, "%s is not available on SQLite (with a hint), for any argument count" % name, bad)
err = error_of(c0, "SELECT covet_backfill_background('t', 'n = n + 1')")
ok(err == "covet_backfill_background is not available on SQLite\nHINT: SQLite has no background"
          " workers; call covet_backfill(...) from a separate connection in autocommit mode (it"
          " commits after each batch), and watch it in covet_runs.",
   "covet_backfill_background names the SQLite way", err)
ok(error_of(c0, "SELECT covet_nosuch()") == "no such function: covet_nosuch",
   "a name PostgreSQL does not have either is SQLite's own error")

# 2. boolean arguments
TRUE = ["true", "TRUE", " t ", "yes", "Y", "on", "1", 1, "tr", "\tOn\n"]
FALSE = ["false", "F", "no", "off", "0", 0, " of ", "n"]
BAD = ["maybe", "o", "2", 2, -1, "", "1.0", 1.5, "yess"]

SETUP = [
    "CREATE TABLE t (id integer PRIMARY KEY, n integer, v text, w text, x text, s text)",
    "INSERT INTO t VALUES (1, 1, 'A', 'p', 'q', 'abc'), (2, 2, 'a', 'p', NULL, '7'),"
    " (3, 3, NULL, NULL, NULL, '8')",
    "SELECT covet_define('m1', 'CREATE TABLE m1 (i integer)', 'DROP TABLE m1')",
]


def fresh(applied=False):
    c = connect(":memory:")
    for s in SETUP:
        c.execute(s).fetchall()
    if applied:
        one(c, "SELECT covet_migrate_up()")
    return c


def table_exists(c, name):
    return one(c, "SELECT count(*) FROM sqlite_master WHERE name = ?", name) == 1


def last_run_undo(c):
    return one(c, "SELECT undo_table IS NOT NULL FROM covet_runs ORDER BY id DESC LIMIT 1") == 1


UNKNOWN_FIELD = '[{"model": "t", "pk": 9, "fields": {"n": 9, "no_such_field": 1}}]'
UNKNOWN_FIELD_DIR = tempfile.mkdtemp(prefix="covet_engines_")
atexit.register(shutil.rmtree, UNKNOWN_FIELD_DIR, True)
UNKNOWN_FIELD_FILE = os.path.join(UNKNOWN_FIELD_DIR, "unknown.json")
with open(UNKNOWN_FIELD_FILE, "w") as f:
    f.write(UNKNOWN_FIELD)


# A valid call of each function with boolean arguments: its arguments in
# order (True/False where a boolean goes), and whether it needs m1 applied.
CALLS = {
    "covet_migrate_up": ([None, False], False),
    "covet_apply": (["m1", False], False),
    "covet_migrate_down": ([1, False], True),
    # the commit-per-migration forms, once SQLite registers them
    "covet_migrate_up_commit": ([None, False], False),
    "covet_migrate_down_commit": ([1, False], True),
    "covet_backfill": (["t", "n = n + 1", 100, None, True], False),
    "covet_copy_field": (["t", "v", "w", None, 100, True], False),
    "covet_transform_field": (["t", "n", "n + 1", None, 100, True], False),
    "covet_populate_field": (["t", "v", "'z'", None, True, 100, True], False),
    "covet_split_field": (["t", "v", "w, x", " ", 100, True], False),
    "covet_merge_fields": (["t", "v, w", "x", " ", 100, True], False),
    "covet_convert_type": (["t", "s", "integer", "0", True, None, 100, True], False),
    "covet_rename_values": (["t", "v", '{"a": "b"}', True, 100, True], False),
    "covet_dedup": (["t", "w", "first", None, 100, True], False),
    "covet_split_part": (["a b c", " ", 2, False], False),
    "covet_define": (["m9", "CREATE TABLE m9 (i integer)", None, None, "schema", True], False),
    # ignore_unknown: a field no table has is skipped, or fails the load
    "covet_loaddata": ([UNKNOWN_FIELD, "json", "error", None, None, True], False),
    "covet_loaddata_file": ([UNKNOWN_FIELD_FILE, "json", "error", None, None, True], False),
    "covet_makemigration": (["mk", "main", "CREATE TABLE t (id integer PRIMARY KEY, n integer)",
                             None, True], False),
    "covet_squash": (["r2", "r2", "sq", None, None, True], False),
}


def run(c, fn, args):
    sql = "SELECT %s(%s)" % (fn, ", ".join("?" * len(args)))
    return c.execute(sql, args).fetchone()[0]


# What each boolean argument does, observed: f(c, fn, args) -> the meaning
# the call took (True/False), or raises.
def dry_run(c, fn, args):
    report = run(c, fn, args)
    exists = table_exists(c, "m1")
    if fn in ("covet_migrate_down", "covet_migrate_down_commit"):
        return exists
    return not exists and "dry run" in report


def undo(c, fn, args):
    run(c, fn, args)
    return last_run_undo(c)


def only_null(c, fn, args):
    run(c, fn, args)
    return one(c, "SELECT v FROM t WHERE id = 1") == "A"


def skip_errors(c, fn, args):
    try:
        run(c, fn, args)
        return True
    except sqlite3.Error:
        return False


def case_sensitive(c, fn, args):
    run(c, fn, args)
    return one(c, "SELECT v FROM t WHERE id = 1") == "A"


def atomic(c, fn, args):
    run(c, fn, args)
    return one(c, "SELECT atomic FROM covet_migrations WHERE name = 'm9'") == 1


def rest(c, fn, args):
    return run(c, fn, args) == "b c"


def allow_data_loss(c, fn, args):
    """Generated with the data loss (True) or refused (False)."""
    if fn == "covet_squash":
        # m1's column i dropped and j added: a rename candidate
        c.execute("SELECT covet_define('r2', 'ALTER TABLE m1 ADD COLUMN j integer;"
                  " ALTER TABLE m1 DROP COLUMN i', NULL, 'm1')").fetchall()
    try:
        run(c, fn, args)
        return True
    except sqlite3.Error as e:
        if "rename candidate" in str(e) or "deletes data" in str(e):
            return False
        raise


MEANING = {"allow_data_loss": allow_data_loss, "dry_run": dry_run, "undo": undo, "only_null": only_null,
           "skip_errors": skip_errors, "ignore_unknown": skip_errors, "case_sensitive": case_sensitive, "rest": rest,
           "atomic": atomic}

checked = 0
for fn in sorted(REAL):
    counts = REG.get(fn, set())
    maxn = max(counts) if counts else 0
    bools = {}
    for sig in PG.get(fn, []):
        for pos, (arg, typ) in enumerate(sig):
            if typ == "boolean" and pos < maxn:
                bools[pos] = arg
    if maxn < 0:
        maxn = max(bools) + 1 if bools else 0
    for pos, arg in sorted(bools.items()):
        checked += 1
        if fn not in CALLS or arg not in MEANING:
            ok(False, "boolean argument %s of %s has a check in engines.py" % (arg, fn),
               "add a valid call of %s to CALLS and, for a new argument name, what %s does to"
               " MEANING" % (fn, arg))
            continue
        template, applied = CALLS[fn]
        # refused, naming the argument
        fill = list(template[:pos + 1])
        wrong = []
        for v in BAD:
            fill[pos] = v
            err = error_of(fresh(), "SELECT %s(%s)" % (fn, ", ".join("?" * len(fill))), *fill)
            want = 'invalid input syntax for type boolean: "%s"\nDETAIL: Argument %s of %s.' % (
                v if not isinstance(v, float) else repr(v), arg, fn)
            if err != want:
                wrong.append((v, err))
        ok(not wrong, "%s of %s refuses what boolin refuses, naming itself" % (arg, fn), wrong)
        # accepted, with its meaning
        wrong = []
        for v in TRUE + FALSE:
            args = list(template)
            args[pos] = v
            try:
                got = MEANING[arg](fresh(applied), fn, args)
            except sqlite3.Error as e:
                got = "error: %s" % e
            if got != (v in TRUE and not (isinstance(v, int) and v == 0)):
                wrong.append((v, got))
        ok(not wrong, "%s of %s takes every spelling boolin takes, with its meaning" % (arg, fn), wrong)
ok(checked >= 15, "checked %d boolean arguments" % checked)

# 3. the batched operations: SQLite registers every arity up to the full
# signature PostgreSQL's scripts declare (issue 16 added four arguments)
OPS = ["covet_backfill", "covet_copy_field", "covet_transform_field", "covet_populate_field",
       "covet_split_field", "covet_merge_fields", "covet_convert_type", "covet_rename_values",
       "covet_dedup"]
for fn in OPS:
    full = max(PG[fn], key=len)
    counts = REG.get(fn, set())
    ok(counts and max(counts) == len(full) and counts == set(range(min(counts), len(full) + 1))
       and [a for a, _ in full[-4:]] == ["workers", "batch_time_ms", "retries", "on_error"],
       "%s: SQLite registers %s arguments, PostgreSQL's full signature ends with workers,"
       " batch_time_ms, retries, on_error (%d)" % (fn, sorted(counts), len(full)), full)

# NULL stays an error where the argument is required
err = error_of(fresh(), "SELECT covet_migrate_up(NULL, NULL)")
ok(err == "dry_run must not be null", "a NULL dry_run is refused", err)
# the example of the issue: text 'true' is a dry run
c = fresh()
one(c, "SELECT covet_migrate_up(NULL, 'true')")
ok(not table_exists(c, "m1") and one(c, "SELECT count(*) FROM covet_applied") == 0,
   "covet_migrate_up(NULL, 'true') applies nothing")

done_testing()
