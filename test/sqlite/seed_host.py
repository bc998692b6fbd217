#!/usr/bin/python3
"""covet_seed in a host application (Python's sqlite3).

Checks what a host shows: the same seed gives the same rows on separate
connections and databases; covet_seed is atomic inside a transaction the
host opened (a failing seed leaves the host's own earlier rows, a host
ROLLBACK removes the seeded ones); in autocommit mode a seed commits by
itself and another connection sees it; covet_fake with bound parameters;
a larger seed with foreign keys.  Prints TAP.  Run from the repository
root with Debian's /usr/bin/python3.
"""
import os
import sqlite3
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from hosttap import ok, connect, one, rows, error_of, done_testing  # noqa: E402


SCHEMA = """
CREATE TABLE users (id integer PRIMARY KEY, first_name text, last_name text,
  email text UNIQUE NOT NULL, status text, created_at text,
  score integer CHECK (score >= 0));
CREATE TABLE orders (id integer PRIMARY KEY,
  user_id integer NOT NULL REFERENCES users (id), total numeric(8, 2));
"""
SPEC = '{"status": "choice(new:3, processing:1, done:6)", "score": "int(0, 100)"}'

tmp = os.environ.get("COVET_TMP") or tempfile.mkdtemp(prefix="covet-seed-host-")
paths = [os.path.join(tmp, "seed_a.db"), os.path.join(tmp, "seed_b.db")]
for p in paths:
    for suffix in ("", "-journal", "-wal", "-shm"):
        if os.path.exists(p + suffix):
            os.unlink(p + suffix)

print("1..14")

# determinism: two databases, two connections, same seed
a = connect(paths[0])
b = connect(paths[1])
for c in (a, b):
    c.executescript(SCHEMA)
ok(one(a, "SELECT covet_seed('users', 500, ?, 42)", SPEC) == "inserted 500 rows into users",
   "seed 500 users")
one(b, "SELECT covet_seed('users', 500, ?, 42)", SPEC)
ra = rows(a, "SELECT * FROM users ORDER BY id")
rb = rows(b, "SELECT * FROM users ORDER BY id")
ok(ra == rb and len(ra) == 500, "same seed, other database: the same 500 rows")
one(a, "SELECT covet_seed('orders', 2000, NULL, 9)")
one(b, "SELECT covet_seed('orders', 2000, NULL, 9)")
ok(rows(a, "SELECT * FROM orders ORDER BY id") == rows(b, "SELECT * FROM orders ORDER BY id"),
   "orders with foreign keys: the same on both")
ok(one(a, "SELECT count(*) FROM orders WHERE user_id NOT IN (SELECT id FROM users)") == 0,
   "every order has an existing user")
ok(one(a, "SELECT count(DISTINCT user_id) FROM orders") > 450,
   "parents are picked across the whole table")

# autocommit: committed, visible to another connection
a2 = connect(paths[0])
ok(one(a2, "SELECT count(*) FROM users") == 500, "another connection sees the committed seed")

# a host transaction: a failing seed keeps the host's earlier rows
a.execute("BEGIN")
a.execute("INSERT INTO users (email, score) VALUES ('host@example.com', 1)")
err = error_of(a, "SELECT covet_seed('users', 100, '{\"score\": \"int(-5, -1)\"}', 1)")
ok(err is not None and "CHECK constraint failed" in err and "covet_seed could not insert into users" in err,
   "a CHECK failure is reported", err)
ok(one(a, "SELECT count(*) FROM users") == 501, "the host's own row is still there, no seeded row")
ok(one(a, "SELECT covet_seed('users', 10, ?, 1)", SPEC) == "inserted 10 rows into users",
   "a seed inside the host's transaction")
a.execute("ROLLBACK")
ok(one(a, "SELECT count(*) FROM users") == 500, "the host's ROLLBACK removes the seeded rows")

# unique emails across calls with the same seed
one(a, "SELECT covet_seed('users', 300, ?, 42)", SPEC)
ok(one(a, "SELECT count(DISTINCT email) FROM users") == 800,
   "a second call with the same seed adds new unique emails")

# covet_fake with bound parameters; NULL arguments give NULL
ok(one(a, "SELECT covet_fake(?, ?, ?)", "int(5, 5)", 1, 1) == 5, "covet_fake with parameters")
ok(one(a, "SELECT covet_fake(?, ?, ?)", "email", None, 1) is None, "covet_fake with a NULL key")
ok(one(a, "SELECT covet_fake('uuid', 1, 1)") == one(b, "SELECT covet_fake('uuid', 1, 1)"),
   "covet_fake is a pure function")

for c in (a, a2, b):
    c.close()

done_testing()
