#!/usr/bin/python3
"""covet_makemigration and covet_squash on SQLite.

makemigration: the text and the definition (up, down, dependency on the
plan's head), the round trip (applied, the same target gives an empty
diff: NULL and nothing defined; rolled back, the schema is the source's
again), the refusals (a rename candidate, with the renames JSON that
accepts it; a dropped column) and their acceptance, the non-transactional
split of a rebuild (name, name_2, name_3), and the rebuild itself under
ON DELETE CASCADE with foreign_keys=ON: a CHECK added to a parent keeps
every child row, the trigger and the view, and AUTOINCREMENT goes on past
a deleted top id; files written into a directory, never over one.

squash: on databases that applied none, part and all of the range (the
squashed migration runs; the originals go on; it shows applied and runs
nothing), the same schema either way, a data migration kept in its place,
and the refusal.  Prints TAP.  Run from the repository root with Debian's
/usr/bin/python3.
"""
import os
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from hosttap import ok, connect, one, rows, error_of, done_testing  # noqa: E402

tmp = tempfile.mkdtemp(prefix="covet-schemagen-")


def user_schema(c):
    """The user's objects; names written quoted or not read the same."""
    return [(t, n, s.replace('"', '') if s else s)
            for t, n, s in rows(c, "SELECT type, name, sql FROM sqlite_schema WHERE name NOT LIKE 'covet%'"
                                   " AND name NOT LIKE 'sqlite%' ORDER BY type, name")]


# --- makemigration: text, definition, round trip ---------------------------
c = connect(os.path.join(tmp, "mk.db"))
c.execute("CREATE TABLE users (id integer PRIMARY KEY, name text)")
c.execute("INSERT INTO users VALUES (1, 'ann'), (2, 'bob')")
one(c, "SELECT covet_define('0001_init', 'SELECT 1', '')")
one(c, "SELECT covet_migrate_up()")
source = user_schema(c)
target = ("CREATE TABLE users (id integer PRIMARY KEY, name text, email text);"
          " CREATE TABLE tags (id integer PRIMARY KEY, label text NOT NULL);"
          " CREATE INDEX tags_label ON tags (label)")
text = one(c, "SELECT covet_makemigration('0002_email', 'main', ?)", target)
ok(text is not None and "-- covet:up" in text and "-- covet:down" in text
   and "-- covet:depends 0001_init" in text, "makemigration returns the file text", text)
ok("ADD COLUMN email" in text and "CREATE TABLE" in text and "DROP TABLE" in text,
   "up adds, down drops", text)
r = rows(c, "SELECT depends_on, atomic, kind FROM covet_migrations WHERE name = '0002_email'")
ok(r == [("0001_init", 1, "schema")], "defined through the runner, depending on the head", r)
ok(one(c, "SELECT covet_checksum(up_sql, down_sql) = checksum FROM covet_migrations"
          " WHERE name = '0002_email'") == 1, "its checksum is the runner's")
one(c, "SELECT covet_migrate_up()")
ok(one(c, "SELECT state FROM covet_status() WHERE name = '0002_email'") == "applied", "applied")
ok(one(c, "SELECT covet_makemigration('0003_again', 'main', ?)", target) is None,
   "round trip: the same target again is an empty diff (NULL)")
ok(one(c, "SELECT count(*) FROM covet_migrations WHERE name = '0003_again'") == 0,
   "and nothing is defined")
ok(rows(c, "SELECT id, name FROM users ORDER BY id") == [(1, "ann"), (2, "bob")], "rows kept")
one(c, "SELECT covet_migrate_down(1)")
ok(user_schema(c) == source, "rolled back, the schema is the source again", user_schema(c))
one(c, "SELECT covet_forget('0002_email')")

# --- refusals: rename candidate, data loss ---------------------------------
renamed = "CREATE TABLE users (id integer PRIMARY KEY, full_name text)"
e = error_of(c, "SELECT covet_makemigration('0002_rename', 'main', ?)", renamed)
ok(e is not None and e.startswith("the diff holds 1 rename candidate"), "a rename candidate is refused", e)
ok(e is not None and "users.name" in e and '{"users.name": "full_name"}' in e,
   "the error names it and the renames JSON that accepts it", e)
ok(one(c, "SELECT count(*) FROM covet_migrations WHERE name LIKE '0002%'") == 0, "nothing defined")
text = one(c, "SELECT covet_makemigration('0002_rename', 'main', ?, ?)", renamed,
           '{"users.name": "full_name"}')
ok(text is not None and "RENAME COLUMN" in text and "DROP COLUMN" not in text,
   "accepted with renames: a RENAME, no drop", text)
one(c, "SELECT covet_migrate_up()")
ok(rows(c, "SELECT id, full_name FROM users ORDER BY id") == [(1, "ann"), (2, "bob")],
   "the renamed column keeps its values")
one(c, "SELECT covet_migrate_down(1)")
one(c, "SELECT covet_forget('0002_rename')")
dropped = "CREATE TABLE users (id integer PRIMARY KEY)"
e = error_of(c, "SELECT covet_makemigration('0002_drop', 'main', ?)", dropped)
ok(e is not None and e.startswith("the diff deletes data") and "users.name" in e,
   "a dropped column is refused", e)
text = one(c, "SELECT covet_makemigration('0002_drop', 'main', ?, NULL, 1)", dropped)
ok(text is not None and "DROP COLUMN" in text, "allow_data_loss generates it", text)
one(c, "SELECT covet_forget('0002_drop')")
e = error_of(c, "SELECT covet_makemigration('0002_x', 'main', ?, '{bad')", dropped)
ok(e is not None and e.startswith("invalid renames argument"), "bad renames JSON", e)
e = error_of(c, "SELECT covet_makemigration(NULL, 'main', 'x')")
ok(e == "name must not be null", "NULL name", e)
e = error_of(c, "SELECT covet_makemigration('0001_init', 'main', ?, NULL, 1)", dropped)
ok(e is not None and e.startswith('migration "0001_init" already exists'), "an existing name", e)
c.close()

# --- the rebuild: non-transactional split, cascades, triggers, views -------
c = connect(os.path.join(tmp, "rebuild.db"))
c.execute("PRAGMA foreign_keys = ON")
parent = "CREATE TABLE parent (id integer PRIMARY KEY AUTOINCREMENT, n integer{})"
rest = ("CREATE TABLE child (id integer PRIMARY KEY,"
        " pid integer NOT NULL REFERENCES parent (id) ON DELETE CASCADE);"
        "CREATE TRIGGER parent_ins AFTER INSERT ON parent BEGIN"
        " INSERT INTO log (what) VALUES ('parent ' || new.id); END;"
        "CREATE TABLE log (what text);"
        "CREATE VIEW family AS SELECT p.id, count(c.id) AS kids FROM parent p"
        " LEFT JOIN child c ON c.pid = p.id GROUP BY p.id;")
c.executescript(parent.format("") + ";" + rest)
c.execute("INSERT INTO parent (n) VALUES (1), (2), (3), (4)")
c.execute("INSERT INTO child (pid) VALUES (1), (1), (2), (3), (3), (3)")
c.execute("DELETE FROM parent WHERE id = 4")
children = rows(c, "SELECT id, pid FROM child ORDER BY id")
text = one(c, "SELECT covet_makemigration('0001_check', 'main', ?)",
           parent.format(" CHECK (n > 0)") + ";" + rest)
parts = rows(c, "SELECT name, atomic, depends_on FROM covet_migrations ORDER BY name")
ok([p[0] for p in parts] == ["0001_check", "0001_check_2", "0001_check_3"],
   "a rebuild splits into three migrations", parts)
ok([p[1] for p in parts] == [0, 1, 0] and parts[1][2] == "0001_check" and parts[2][2] == "0001_check_2",
   "the PRAGMA foreign_keys steps non-transactional, each depending on the one before", parts)
ok(text.count("-- covet:no-transaction") == 2 and "-- file: 0001_check_2.sql" in text,
   "the text marks them", text)
e = error_of(c, "SELECT covet_migrate_up()")
ok(e is not None and "0001_check" in e, "the SELECT form refuses non-transactional ones", e)
one(c, "SELECT covet_migrate_up_commit()")
ok(one(c, "SELECT count(*) FROM covet_status() WHERE state = 'applied'") == 3, "the _commit form applies all three")
ok(rows(c, "SELECT id, pid FROM child ORDER BY id") == children, "every child row kept", rows(c, "SELECT * FROM child"))
ok(one(c, "PRAGMA foreign_keys") == 1, "foreign_keys on again")
ok(one(c, "SELECT count(*) FROM sqlite_schema WHERE name IN ('parent_ins', 'family')") == 2,
   "the trigger and the view are there")
ok("CHECK (n > 0)" in one(c, "SELECT sql FROM sqlite_schema WHERE name = 'parent'"), "the CHECK is there")
c.execute("INSERT INTO parent (n) VALUES (5)")
ok(one(c, "SELECT max(id) FROM parent") == 5, "AUTOINCREMENT goes on past the deleted id 4")
ok(one(c, "SELECT what FROM log ORDER BY rowid DESC LIMIT 1") == "parent 5", "the trigger fires")
ok(rows(c, "SELECT * FROM family ORDER BY id") == [(1, 2), (2, 1), (3, 3), (5, 0)], "the view reads")
e = error_of(c, "INSERT INTO parent (n) VALUES (0)")
ok(e is not None and "CHECK" in e, "the CHECK holds", e)
c.execute("DELETE FROM parent WHERE id = 5")
one(c, "SELECT covet_migrate_down_commit(3)")
ok(rows(c, "SELECT id, pid FROM child ORDER BY id") == children, "rolled back: every child row kept")
ok("CHECK" not in one(c, "SELECT sql FROM sqlite_schema WHERE name = 'parent'"), "and no CHECK")
c.close()

# --- a directory -----------------------------------------------------------
d = os.path.join(tmp, "migrations")
os.mkdir(d)
c = connect(os.path.join(tmp, "dir.db"))
text = one(c, "SELECT covet_makemigration('0001_t', 'main', 'CREATE TABLE t (id integer PRIMARY KEY)',"
              " NULL, 0, ?)", d)
ok(os.path.exists(os.path.join(d, "0001_t.sql")) and open(os.path.join(d, "0001_t.sql")).read() == text,
   "the file is written with the returned text")
c2 = connect(os.path.join(tmp, "dir2.db"))
one(c2, "SELECT covet_load(?)", d)
ok(one(c2, "SELECT checksum FROM covet_migrations WHERE name = '0001_t'")
   == one(c, "SELECT checksum FROM covet_migrations WHERE name = '0001_t'"),
   "covet_load reads it back with the same checksum")
c3 = connect(os.path.join(tmp, "dir3.db"))
e = error_of(c3, "SELECT covet_makemigration('0001_t', 'main', 'CREATE TABLE u (id integer PRIMARY KEY)',"
                 " NULL, 0, ?)", d)
ok(e is not None and "already exists" in e and "0001_t.sql" in e, "an existing file is never overwritten", e)
ok(one(c3, "SELECT count(*) FROM covet_migrations") == 0, "and nothing is defined")
for x in (c, c2, c3):
    x.close()

# --- squash -----------------------------------------------------------------
MIGS = [
    ("0001_init", "CREATE TABLE a (id integer PRIMARY KEY, v text)", "DROP TABLE a", ""),
    ("0002_b", "CREATE TABLE b (id integer PRIMARY KEY, a_id integer REFERENCES a (id))",
     "DROP TABLE b", "0001_init"),
    ("0003_fill", "INSERT INTO a (v) VALUES ('seed')", "DELETE FROM a WHERE v = 'seed'", "0002_b"),
    ("0004_c", "CREATE TABLE c (id integer PRIMARY KEY, b_id integer); CREATE INDEX c_b ON c (b_id)",
     "DROP TABLE c", "0003_fill"),
    ("0005_d", "ALTER TABLE c ADD COLUMN note text", "ALTER TABLE c DROP COLUMN note", "0004_c"),
    ("0006_view", "CREATE VIEW bc AS SELECT b.id, c.note FROM b JOIN c ON c.b_id = b.id",
     "DROP VIEW bc", "0005_d"),
]


def fresh(name, applied):
    x = connect(os.path.join(tmp, name))
    for m in MIGS:
        one(x, "SELECT covet_define(?, ?, ?, ?)", *m)
    if applied:
        one(x, "SELECT covet_migrate_up(?)", applied)
    return x


ref = fresh("ref.db", "0006_view")
want = user_schema(ref)

none = fresh("none.db", "0001_init")
text = one(none, "SELECT covet_squash('0002_b', '0005_d', '0005_squashed')")
ok(text is not None and "-- covet:depends 0001_init" in text and "INSERT INTO a (v) VALUES ('seed')" in text,
   "squash: depends on what the range needed, keeps the data migration", text)
ok(text.index("CREATE TABLE") < text.index("INSERT INTO a") < text.index("c_b"),
   "the data migration stays in its place", text)
ok(rows(none, "SELECT replaces FROM covet_squashed WHERE name = '0005_squashed' ORDER BY 1")
   == [("0002_b",), ("0003_fill",), ("0004_c",), ("0005_d",)], "covet_squashed records the range")
ok(one(none, "SELECT count(*) FROM covet_squashed s JOIN covet_migrations m ON m.name = s.replaces"
             " AND m.checksum = s.checksum") == 4, "with their checksums")
st = dict(rows(none, "SELECT name, state FROM covet_status()"))
ok(st["0002_b"] == "replaced" and st["0005_squashed"] == "pending", "none applied: originals replaced", st)
rep = one(none, "SELECT covet_migrate_up()")
ok("0005_squashed" in rep and "0002_b" not in rep and "0006_view" in rep,
   "none applied: the squashed migration runs instead", rep)
ok(user_schema(none) == want, "the same schema as the originals give", user_schema(none))
ok(rows(none, "SELECT v FROM a") == [("seed",)], "the data migration ran once")
ok(one(none, "SELECT covet_migrate_up()") == "nothing to apply", "then nothing to apply")
one(none, "SELECT covet_migrate_down(2)")
ok(user_schema(none) == user_schema(fresh("ref1.db", "0001_init")), "rolled back to the schema after 0001")

part = fresh("part.db", "0003_fill")
one(part, "SELECT covet_squash('0002_b', '0005_d', '0005_squashed')")
st = dict(rows(part, "SELECT name, state FROM covet_status()"))
ok(st["0005_squashed"] == "deferred" and st["0004_c"] == "pending", "part applied: squashed deferred", st)
e = error_of(part, "SELECT covet_apply('0005_squashed')")
ok(e is not None and "waits for the migrations it replaces" in e, "covet_apply refuses it", e)
rep = one(part, "SELECT covet_migrate_up()")
ok("0004_c" in rep and "0005_d" in rep and "0005_squashed" not in rep, "part applied: the originals go on", rep)
st = dict(rows(part, "SELECT name, state FROM covet_status()"))
ok(st["0005_squashed"] == "applied", "then the squashed one shows applied", st)
ok(user_schema(part) == want, "the same schema")

full = fresh("all.db", "0006_view")
one(full, "SELECT covet_squash('0002_b', '0005_d', '0005_squashed')")
st = dict(rows(full, "SELECT name, state FROM covet_status()"))
ok(st["0005_squashed"] == "applied", "all applied: the squashed one shows applied", st)
ok(one(full, "SELECT covet_migrate_up()") == "nothing to apply", "and nothing runs")
ok(one(full, "SELECT count(*) FROM covet_applied WHERE name = '0005_squashed'") == 0, "no row of its own")

# refusals
x = fresh("refuse.db", "0001_init")
e = error_of(x, "SELECT covet_squash('0002_b', '0004_c', '0004_sq', '0003_fill')")
ok(e is None, "a data migration may be elided", e)
x = fresh("refuse2.db", "0001_init")
one(x, "SELECT covet_define('0007_uses_fill', 'SELECT 1', '', '0003_fill')")
e = error_of(x, "SELECT covet_squash('0002_b', '0004_c', '0004_sq', '0003_fill')")
ok(e is not None and e.startswith('squashing "0002_b" .. "0004_c" would break migration "0007_uses_fill"'),
   "refused: a migration outside depends on an elided data migration", e)
# a dependent outside the range, applied on top of a part of it: refused
y = fresh("refuse3.db", "0002_b")
one(y, "SELECT covet_define('0008_on_b', 'CREATE INDEX b_x ON b (id)', 'DROP INDEX b_x', '0002_b')")
one(y, "SELECT covet_apply('0008_on_b')")
e = error_of(y, "SELECT covet_squash('0002_b', '0005_d', 'sq3')")
ok(e is not None and e.startswith('squashing "0002_b" .. "0005_d" would break migration "0008_on_b"')
   and "is applied here while the range is not all applied" in e,
   "refused: an applied migration outside depends on a range applied only in part", e)
# the same dependent not applied yet, on a database that applied none: it runs after the squash
z = fresh("dep_ok.db", "0001_init")
one(z, "SELECT covet_define('0008_on_b', 'CREATE INDEX b_x ON b (id)', 'DROP INDEX b_x', '0002_b')")
e = error_of(z, "SELECT covet_squash('0002_b', '0005_d', 'sq4')")
ok(e is None, "a pending migration outside that depends on the range does not refuse it", e)
rep = one(z, "SELECT covet_migrate_up()")
ok(rep is not None and rep.index("sq4") < rep.index("0008_on_b") and "0002_b" not in rep,
   "it runs after the squashed migration, which stands for what it depended on", rep)
e = error_of(x, "SELECT covet_squash('0004_c', '0002_b', 'sq')")
ok(e is not None and "comes after" in e, "first after last is refused", e)
e = error_of(x, "SELECT covet_squash('0002_b', 'nope', 'sq')")
ok(e == 'unknown migration "nope"\nHINT: covet_status() lists the defined migrations.' or
   (e is not None and e.startswith('unknown migration "nope"')), "an unknown name", e)
one(x, "SELECT covet_squash('0002_b', '0003_fill', 'sq1')")
e = error_of(x, "SELECT covet_squash('0003_fill', '0004_c', 'sq2')")
ok(e is not None and "part of an earlier squash" in e, "a migration squashed once is refused", e)

done_testing()
