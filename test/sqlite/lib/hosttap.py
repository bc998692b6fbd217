"""TAP and connection helpers for covet's host-language tests.

Imported by test/sqlite/*.py (run with Debian's /usr/bin/python3 from the
repository root): each test calls ok() per assertion and done_testing() at
the end, which prints the plan and exits non-zero if anything failed.
"""
import sqlite3
import sys

results = []


def ok(cond, name, diag=None):
    results.append(bool(cond))
    print(("ok" if cond else "not ok") + " %d - %s" % (len(results), name))
    if not cond and diag is not None:
        print("# " + str(diag).replace("\n", "\n# "))


def connect(path):
    """A connection in autocommit mode with ./covet loaded."""
    c = sqlite3.connect(path, isolation_level=None)
    c.enable_load_extension(True)
    c.load_extension("./covet")
    c.enable_load_extension(False)
    return c


def one(c, sql, *args):
    return c.execute(sql, args).fetchone()[0]


def rows(c, sql, *args):
    return c.execute(sql, args).fetchall()


def error_of(c, sql, *args):
    """The error text of running sql, or None if it succeeds."""
    try:
        c.execute(sql, args).fetchall()
    except sqlite3.Error as e:
        return str(e)
    return None


def done_testing():
    print("1..%d" % len(results))
    sys.exit(0 if all(results) else 1)
