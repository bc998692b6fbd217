#!/usr/bin/python3
"""Write test/sqlite/data/covet-0.1.0.db with covet 0.1.0's SQLite extension.

The fixture of test/sqlite/upgrade.py: a database exactly as release 0.1.0
(commit d2fafe7) left it.  It was made once, and is committed; to make it
again:

    git worktree add /tmp/covet-010 d2fafe7
    make -C /tmp/covet-010 covet.so
    /usr/bin/python3 test/sqlite/data/make_covet_010_db.py /tmp/covet-010/covet

What it holds: four migrations defined, three applied and one of them
rolled back again (history: apply x3, rollback x1), one pending; a
completed backfill with its undo table (run 1); a failed backfill (run 2,
a CHECK constraint stopped its first batch).
"""
import os
import sqlite3
import sys

lib = sys.argv[1]
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "covet-0.1.0.db")
if os.path.exists(out):
    os.unlink(out)
c = sqlite3.connect(out, isolation_level=None)
c.enable_load_extension(True)
c.load_extension(lib)
assert c.execute("SELECT covet_version()").fetchone()[0] == "0.1.0"


def q(sql, *args):
    return c.execute(sql, args).fetchall()


q("SELECT covet_define('0001_users', 'CREATE TABLE users (id integer PRIMARY KEY, "
  "name text NOT NULL, n integer NOT NULL DEFAULT 0 CHECK (n < 100))', 'DROP TABLE users')")
q("SELECT covet_define('0002_seed', 'INSERT INTO users (name, n) VALUES "
  "(''ada'', 1), (''grace'', 2), (''alan'', 3), (''edsger'', 4)', "
  "'DELETE FROM users', '0001_users', 'data')")
q("SELECT covet_define('0003_users_name', 'CREATE INDEX users_name ON users (name)', "
  "'DROP INDEX users_name', '0002_seed')")
q("SELECT covet_define('0004_posts', 'CREATE TABLE posts (id integer PRIMARY KEY, "
  "user_id integer REFERENCES users (id), title text)', 'DROP TABLE posts', '0003_users_name')")
q("SELECT covet_migrate_up('0003_users_name')")
q("SELECT covet_migrate_down(1)")
# run 1: completed, with an undo table (n = 2, 3, 4, 5)
q("SELECT covet_backfill('users', 'n = n + 1', 2)")
# run 2: failed at its first batch (n would pass 100)
try:
    q("SELECT covet_backfill('users', 'n = n + 1000', 2)")
    raise SystemExit("run 2 should have failed")
except sqlite3.Error:
    pass
c.execute("VACUUM")
c.close()
print("wrote", out)
