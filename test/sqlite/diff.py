#!/usr/bin/python3
"""covet_diff on SQLite: every object kind, the rebuild, renames, round trips.

Each case builds a source database (main) and a target (attached as other),
asks covet_diff('main', 'other') for the steps, applies them to main (the
non-transactional ones outside the transaction, the rest in one), checks
that covet_diff('main', 'other') is then empty, applies the reverse
statements from the last step to the first, and checks that main equals a
copy of the source again.  The real migration set mjrwtf (test/realsets/)
gives one round trip per pair of consecutive migrations.  Prints TAP.  Run
from the repository root with Debian's /usr/bin/python3.
"""
import glob
import os
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from hosttap import ok, connect, one, rows, error_of, done_testing  # noqa: E402

tmp = tempfile.mkdtemp(prefix="covet-diff-")
counter = [0]


def fresh(sql):
    counter[0] += 1
    path = os.path.join(tmp, "db%d.db" % counter[0])
    c = connect(path)
    c.executescript(sql)
    c.close()
    return path


def apply_steps(c, stmts):
    """Run (statement, hazards) pairs: non-transactional ones alone."""
    c.execute("PRAGMA foreign_keys = ON")
    intx = False
    for stmt, hazards in stmts:
        if stmt is None:
            continue
        if hazards and "non-transactional" in hazards:
            if intx:
                c.execute("COMMIT")
                intx = False
            c.execute(stmt)
            continue
        if not intx:
            c.execute("BEGIN")
            intx = True
        c.execute(stmt).fetchall()
    if intx:
        c.execute("COMMIT")


def diff_rows(c, target="other", renames=None):
    return rows(c, "SELECT ordinal, statement, reverse_statement, object, hazards"
                   " FROM covet_diff('main', ?, ?)", target, renames)


def roundtrip(name, a_sql, b_sql, renames=None, check=None):
    """Diff A -> B, apply, compare with B; reverse, compare with A."""
    a = fresh(a_sql)
    b = fresh(b_sql)
    orig = fresh(a_sql)
    c = connect(a)
    c.execute("ATTACH ? AS other", (b,))
    c.execute("ATTACH ? AS orig", (orig,))
    c.execute("PRAGMA foreign_keys = ON")
    steps = diff_rows(c, "other", renames)
    try:
        apply_steps(c, [(s[1], s[4]) for s in steps])
        left = diff_rows(c, "other")
        ok(left == [], "%s: applied, the diff to the target is empty" % name,
           "\n".join(str(s) for s in steps) + "\nleft:\n" + "\n".join(str(s) for s in left))
        if check:
            check(c, steps)
        apply_steps(c, [(s[2], s[4]) for s in reversed(steps)])
        back = rows(c, "SELECT ordinal, statement, object FROM covet_diff('main', 'orig')")
        ok(back == [], "%s: the reverse gives the source back" % name, back)
    except Exception as e:  # noqa: BLE001
        ok(False, "%s: the steps run" % name, "%s\n%s" % (e, "\n".join(str(s) for s in steps)))
    c.close()
    return steps


def hz(steps, obj):
    return [s[4] or "" for s in steps if s[3] == obj]


# --- every object kind ------------------------------------------------------
A = """
CREATE TABLE users (id integer PRIMARY KEY, name text NOT NULL, email text);
CREATE TABLE tags (id integer PRIMARY KEY, label text);
CREATE INDEX users_name ON users (name);
CREATE VIEW v_users AS SELECT id, name FROM users;
CREATE TRIGGER users_touch AFTER UPDATE ON users BEGIN SELECT 1; END;
INSERT INTO users VALUES (1, 'ann', 'a@x'), (2, 'bob', NULL);
"""
B = """
CREATE TABLE users (id integer PRIMARY KEY, name text NOT NULL, email text, nick text DEFAULT 'x');
CREATE TABLE labels (id integer PRIMARY KEY, title text NOT NULL, CHECK (length(title) > 0));
CREATE INDEX users_name ON users (name, email);
CREATE UNIQUE INDEX users_email ON users (email) WHERE email IS NOT NULL;
CREATE INDEX users_lower ON users (lower(name));
CREATE VIEW v_users AS SELECT id, name, nick FROM users;
CREATE VIEW v_users2 AS SELECT * FROM v_users WHERE id > 1;
CREATE TRIGGER users_touch AFTER UPDATE ON users BEGIN SELECT 2; END;
"""


def check_kinds(c, steps):
    objs = [s[3] for s in steps]
    ok("column users.nick" in objs and "table labels" in objs and "index users_email" in objs
       and "index users_lower" in objs and "view v_users2" in objs and "trigger users.users_touch" in objs,
       "kinds: columns, tables, partial and expression indexes, views, triggers are diffed", objs)
    ok(any("deletes data" in h for h in hz(steps, "table tags")), "kinds: dropping a table deletes data")
    order = [s[3] for s in steps]
    ok(order.index("view v_users") < order.index("view v_users2"),
       "kinds: a view over a view is created after it", order)
    ok(one(c, "SELECT count(*) FROM users") == 2, "kinds: the rows of a kept table stay")


roundtrip("kinds", A, B, check=check_kinds)

# --- the rebuild: cascades, triggers, views, AUTOINCREMENT ------------------
RA = """
PRAGMA foreign_keys = ON;
CREATE TABLE parent (id integer PRIMARY KEY AUTOINCREMENT, name text, CHECK (name <> ''));
CREATE TABLE child (id integer PRIMARY KEY, parent_id integer REFERENCES parent (id) ON DELETE CASCADE);
CREATE INDEX child_parent ON child (parent_id);
CREATE VIEW v_parent AS SELECT p.name, count(c.id) AS n FROM parent p LEFT JOIN child c ON c.parent_id = p.id GROUP BY p.id;
CREATE TRIGGER parent_log AFTER INSERT ON parent BEGIN SELECT 1; END;
INSERT INTO parent (name) VALUES ('a'), ('b'), ('c');
DELETE FROM parent WHERE name = 'c';
INSERT INTO child VALUES (1, 1), (2, 1), (3, 2);
"""
RB = """
CREATE TABLE parent (id integer PRIMARY KEY AUTOINCREMENT, name text NOT NULL, CHECK (length(name) > 0));
CREATE TABLE child (id integer PRIMARY KEY, parent_id integer REFERENCES parent (id) ON DELETE CASCADE);
CREATE INDEX child_parent ON child (parent_id);
CREATE VIEW v_parent AS SELECT p.name, count(c.id) AS n FROM parent p LEFT JOIN child c ON c.parent_id = p.id GROUP BY p.id;
CREATE TRIGGER parent_log AFTER INSERT ON parent BEGIN SELECT 1; END;
"""


def check_rebuild(c, steps):
    h = [s[4] or "" for s in steps]
    ok(steps[0][1] == "PRAGMA foreign_keys = OFF" and "non-transactional" in h[0],
       "rebuild: foreign keys off first, outside the transaction", steps[0])
    ok(steps[-1][1] == "PRAGMA foreign_keys = ON" and "non-transactional" in h[-1],
       "rebuild: foreign keys on last, outside the transaction", steps[-1])
    ok(any(s[1] and s[1].startswith("SELECT covet_foreign_key_check") for s in steps[-3:]),
       "rebuild: foreign_key_check before the end")
    ok(any("rebuild" in x for x in h), "rebuild: marked rebuild")
    ok(one(c, "SELECT count(*) FROM child") == 3, "rebuild: no child row lost under ON DELETE CASCADE")
    ok(one(c, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = 'parent_log'") == 1,
       "rebuild: the trigger is still there")
    ok(one(c, "SELECT count(*) FROM v_parent") == 2, "rebuild: the view is still there and reads")
    ok(one(c, "SELECT count(*) FROM sqlite_master WHERE name = 'child_parent'") == 1,
       "rebuild: the child's index is still there")
    ok(one(c, "SELECT seq FROM sqlite_sequence WHERE name = 'parent'") == 3,
       "rebuild: the AUTOINCREMENT counter is kept (3, not 2)")
    c.execute("INSERT INTO parent (name) VALUES ('d')")
    ok(one(c, "SELECT max(id) FROM parent") == 4, "rebuild: the next id is 4")
    c.execute("DELETE FROM parent WHERE name = 'd'")


roundtrip("rebuild", RA, RB, check=check_rebuild)

# foreign keys off on the connection: the rebuild leaves them off
c = connect(fresh(RA))
c.execute("ATTACH ? AS other", (fresh(RB),))
c.execute("PRAGMA foreign_keys = OFF")
steps = diff_rows(c)
ok(steps[0][1] == "PRAGMA foreign_keys = OFF" and steps[-1][1] == "PRAGMA foreign_keys = OFF"
   and steps[0][2] == "PRAGMA foreign_keys = OFF" and steps[-1][2] == "PRAGMA foreign_keys = OFF",
   "rebuild, foreign keys off: they stay off at the end, and after the reverse", [steps[0], steps[-1]])
ok("foreign keys were off" in (steps[-1][4] or ""), "rebuild, foreign keys off: the last step says why", steps[-1])
c.execute("BEGIN")
for s in steps:
    if s[1] and "non-transactional" not in (s[4] or ""):
        c.execute(s[1]).fetchall()
c.execute("COMMIT")
c.execute(steps[-1][1])
ok(one(c, "PRAGMA foreign_keys") == 0, "rebuild, foreign keys off: off after the steps")
ok(one(c, "SELECT count(*) FROM child") == 3, "rebuild, foreign keys off: no child row lost")
ok(rows(c, "SELECT count(*) FROM covet_diff('main', 'other')") == [(0,)], "rebuild, foreign keys off: applied")
c.close()

# --- renames ----------------------------------------------------------------
NA = """
CREATE TABLE users (id integer PRIMARY KEY, username text, email text);
CREATE TABLE old_things (id integer PRIMARY KEY, x text);
INSERT INTO users VALUES (1, 'ann', 'a'), (2, 'bob', 'b');
INSERT INTO old_things VALUES (1, 'one');
"""
NB = """
CREATE TABLE users (id integer PRIMARY KEY, user_name text, email text);
CREATE TABLE new_things (id integer PRIMARY KEY, x text);
INSERT INTO new_things VALUES (1, 'one');
"""


def check_no_renames(c, steps):
    drop = [s for s in steps if s[4] and "users.username" in s[4]]
    ok(drop and "deletes data" in drop[0][4] and "rename candidate" in drop[0][4]
       and "column users.user_name" in drop[0][4],
       "renames: without renames, the dropped column is a rename candidate that deletes data", steps)
    tdrop = [s for s in steps if s[3] == "table old_things"]
    ok(tdrop and "deletes data" in tdrop[0][4] and "new_things" in tdrop[0][4]
       and "same row count" in tdrop[0][4],
       "renames: a dropped table names its candidate, scored by its row count", tdrop)


roundtrip("renames (none given)", NA, NB, check=check_no_renames)


def check_renames(c, steps):
    ok(any(s[1] and "RENAME COLUMN \"username\" TO \"user_name\"" in s[1] for s in steps),
       "renames: the column is renamed", steps)
    ok(any(s[1] and "RENAME TO \"new_things\"" in s[1] for s in steps),
       "renames: the table is renamed", steps)
    ok(rows(c, "SELECT user_name FROM users ORDER BY id") == [("ann",), ("bob",)],
       "renames: the renamed column keeps its data")
    ok(one(c, "SELECT x FROM new_things") == "one", "renames: the renamed table keeps its rows")
    ok(not any("deletes data" in (s[4] or "") for s in steps), "renames: nothing deletes data", steps)


roundtrip("renames (given)", NA, NB, '{"users.username": "user_name", "old_things": "new_things"}',
          check=check_renames)

# --- rename candidates scored by the data -----------------------------------
SA = """
CREATE TABLE old_t (id integer PRIMARY KEY, x text);
INSERT INTO old_t VALUES (1, 'one'), (2, 'two');
CREATE TABLE users (id integer PRIMARY KEY, username text);
INSERT INTO users VALUES (1, 'ann'), (2, 'bob');
"""
SB = """
CREATE TABLE a_copy (id integer PRIMARY KEY, x text);
INSERT INTO a_copy VALUES (1, 'uno'), (2, 'dos');
CREATE TABLE b_copy (id integer PRIMARY KEY, x text);
INSERT INTO b_copy VALUES (1, 'one'), (2, 'two');
CREATE TABLE c_copy (id integer PRIMARY KEY, x text);
CREATE TABLE users (id integer PRIMARY KEY, alias text, user_name text);
INSERT INTO users VALUES (1, 'x', 'ann'), (2, 'y', 'bob');
"""
c = connect(fresh(SA))
c.execute("ATTACH ? AS other", (fresh(SB),))
steps = diff_rows(c)
tdrop = [s for s in steps if s[3] == "table old_t" and s[1] and s[1].startswith("DROP TABLE")]
ok(tdrop and "rename candidate (table b_copy: same columns, same row count, same sample values;" in tdrop[0][4],
   "renames scored by data: of three tables of the same shape, the one with the same rows is named", tdrop)
cdrop = [s for s in steps if s[3] == "column users.username"]
ok(cdrop and "column users.user_name: same type, same sample values;" in (cdrop[0][4] or ""),
   "renames scored by data: of two added columns of the same type, the one with the same values is named", cdrop)
c.execute("DELETE FROM old_t")
c.execute("DELETE FROM users")
steps = diff_rows(c)
tdrop = [s for s in steps if s[3] == "table old_t" and s[1] and s[1].startswith("DROP TABLE")]
ok(tdrop and "same columns;" in tdrop[0][4] and "sample" not in tdrop[0][4],
   "renames scored by data: without rows in the source, shape alone", tdrop)
c.close()

# --- target as SQL text; not covered; errors --------------------------------
c = connect(fresh("CREATE TABLE t (id integer PRIMARY KEY);"))
r = rows(c, "SELECT statement FROM covet_diff('main', 'CREATE TABLE t (id integer PRIMARY KEY, a text); CREATE INDEX t_a ON t (a)')")
ok(r == [('ALTER TABLE "main"."t" ADD COLUMN a text',), ('CREATE INDEX "main"."t_a" ON t (a)',)],
   "SQL target: built in a scratch database and diffed", r)
ok(rows(c, "SELECT name FROM pragma_database_list ORDER BY seq") == [("main",)],
   "SQL target: nothing attached to the caller's connection")
e = error_of(c, "SELECT * FROM covet_diff('main', 'CREATE TABLE x (a); INSERT INTO nosuch VALUES (1)')")
ok(e is not None and e.startswith("target SQL: no such table: nosuch"), "SQL target: its error, named", e)
e = error_of(c, "SELECT * FROM covet_diff('main', 'nope')")
ok(e == 'schema "nope" does not exist', "errors: unknown schema", e)
e = error_of(c, "SELECT * FROM covet_diff('main', 'main')")
ok(e is not None and e.startswith('source and target are the same schema'), "errors: same schema", e)
e = error_of(c, "SELECT * FROM covet_diff('main', 'CREATE TABLE u (x)', '{bad')")
ok(e is not None and e.startswith("invalid renames argument"), "errors: bad renames JSON", e)
e = error_of(c, "SELECT * FROM covet_diff('main', 'CREATE TABLE u (x)', '{\"nosuch\": \"u\"}')")
ok(e is not None and e.startswith("invalid renames argument") and 'no table "nosuch"' in e,
   "errors: renames naming a missing table", e)
e = error_of(c, "SELECT * FROM covet_diff(NULL, 'x')")
ok(e == "source must not be null", "errors: NULL source", e)
try:
    c.execute("CREATE VIRTUAL TABLE docs USING fts5(body)")
    r = rows(c, "SELECT object, hazards FROM covet_diff('main', 'CREATE TABLE t (id integer PRIMARY KEY)')")
    ok(("virtual table docs", "not covered (virtual table docs differs or is not in the target; covet does not compare virtual tables)") in r,
       "not covered: a virtual table is reported, not ignored", r)
except Exception as ex:  # noqa: BLE001
    ok(True, "not covered: no fts5 here (%s)" % ex)
c.close()

# --- the real migration set (mjrwtf, goose): N -> N+1 round trips -----------
files = sorted(glob.glob("test/realsets/mjrwtf/migrations/*.sql"))
names = [os.path.basename(f)[:-4] for f in files]


def after(n):
    """A database holding the schema after migration n (0: none)."""
    counter[0] += 1
    path = os.path.join(tmp, "real%d.db" % counter[0])
    c = connect(path)
    for f in files:
        with open(f, "rb") as fh:
            one(c, "SELECT covet_load_text(?, ?)", os.path.basename(f), fh.read().decode())
    if n > 0:
        one(c, "SELECT covet_migrate_up(?)", names[n - 1])
    c.close()
    return path


for n in range(0, len(files)):
    a, b, orig = after(n), after(n + 1), after(n)
    c = connect(a)
    c.execute("ATTACH ? AS other", (b,))
    c.execute("ATTACH ? AS orig", (orig,))
    steps = diff_rows(c)
    try:
        apply_steps(c, [(s[1], s[4]) for s in steps])
        left = diff_rows(c)
        ok(steps != [] and left == [], "mjrwtf %d -> %d: applied, empty diff to the real schema" % (n, n + 1),
           "\n".join(str(s) for s in steps) + "\nleft: " + str(left))
        apply_steps(c, [(s[2], s[4]) for s in reversed(steps)])
        back = rows(c, "SELECT statement FROM covet_diff('main', 'orig')")
        ok(back == [], "mjrwtf %d -> %d: the reverse gives %d back" % (n, n + 1, n), back)
    except Exception as ex:  # noqa: BLE001
        ok(False, "mjrwtf %d -> %d: the steps run" % (n, n + 1), "%s\n%s" % (ex, "\n".join(str(s) for s in steps)))
    c.close()

done_testing()
