#!/usr/bin/python3
"""A long migration in SQLite: memory does not grow with its statements.

covet_migrate_up of a 100,000-statement migration (3.3 MB of INSERTs) runs
in a child process; its peak RSS (VmHWM) is compared with a child's that applies a
one-statement migration.  The SQLite driver prepares and runs one statement
at a time (sqlite3_prepare_v2's tail), so the difference is the text itself
(held twice while it is read: SQLite's row buffer and covet's copy) and the
table's pages, well under 16 MB; a driver that prepared every statement
first would hold about 100 MB more.  The 51 MB figures are in `make bench`
(test/bench/migrate.sh).  Prints TAP.  Run from the repository root with
Debian's /usr/bin/python3.
"""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from hosttap import ok, connect, one, done_testing  # noqa: E402

NSTMT = 100000
BOUND_KB = 16384

CHILD = """
import sqlite3, sys
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.enable_load_extension(True)
c.load_extension("./covet")
print(c.execute("SELECT covet_migrate_up()").fetchone()[0])
print([l.split()[1] for l in open("/proc/self/status") if l.startswith("VmHWM:")][0])
"""

tmp = os.environ.get("COVET_TMP") or tempfile.mkdtemp(prefix="covet-migrate-memory-")


def define(name, text):
    db = os.path.join(tmp, name + ".db")
    if os.path.exists(db):
        os.unlink(db)
    c = connect(db)
    got = one(c, "SELECT covet_define(?, ?)", name, text)
    c.close()
    return db, got


def apply_in_child(db):
    """covet_migrate_up in a new process: (its output, its VmHWM in kB)."""
    p = subprocess.run([sys.executable, "-c", CHILD, db],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    lines = p.stdout.decode().strip().split("\n")
    if p.returncode != 0 or len(lines) != 2 or not lines[1].isdigit():
        return p.stdout.decode(), 0
    return lines[0], int(lines[1])


big = "CREATE TABLE mm_t (n int);\n" + "".join(
    "INSERT INTO mm_t VALUES (%d);\n" % i for i in range(1, NSTMT + 1))
small_db, got = define("mm_small", "CREATE TABLE mm_t (n int);")
ok(got == "defined mm_small", "defined a one-statement migration", got)
big_db, got = define("mm_big", big)
ok(got == "defined mm_big", "defined a migration of %d statements, %d bytes" % (NSTMT + 1, len(big)), got)

out, small_kb = apply_in_child(small_db)
ok(out == "applied mm_small (1 statement, 0 rows)", "the small one applied", out)
out, big_kb = apply_in_child(big_db)
ok(out == "applied mm_big (%d statements, %d rows)" % (NSTMT + 1, NSTMT), "every statement ran", out)
c = connect(big_db)
ok(one(c, "SELECT count(*) FROM mm_t") == NSTMT, "every row is there")
c.close()
print("# peak RSS: %d kB for one statement, %d kB for %d" % (small_kb, big_kb, NSTMT + 1))
ok(small_kb > 0 and big_kb - small_kb < BOUND_KB,
   "peak RSS grew by %d kB (< %d kB)" % (big_kb - small_kb, BOUND_KB))

done_testing()
