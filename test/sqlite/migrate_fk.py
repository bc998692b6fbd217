#!/usr/bin/python3
"""SQLite table rebuilds on a connection with foreign_keys=ON.

The 12-step rebuild (sqlite.org/lang_altertable.html) of a parent table
whose children reference it with ON DELETE CASCADE loses no child row, in
covet_migrate_up() and covet_migrate_up_commit(): covet turns foreign keys
off for the run (a migration's own PRAGMA is a no-op inside its transaction)
and back on after, on every path.  A migration that leaves a dangling
reference fails naming the table and rowid, and nothing commits.  Prints
TAP.  Run from the repository root with Debian's /usr/bin/python3.
"""
import os
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from hosttap import ok, connect, one, rows, error_of, done_testing  # noqa: E402

# The 12 steps without their PRAGMA foreign_keys lines: covet does those
# (a migration that holds them runs outside a transaction, statement by
# statement, as its own text says).
REBUILD = """
CREATE TABLE new_parent (id integer PRIMARY KEY, name text NOT NULL, code text NOT NULL DEFAULT 'x');
INSERT INTO new_parent (id, name) SELECT id, name FROM parent;
DROP TABLE parent;
ALTER TABLE new_parent RENAME TO parent;
CREATE INDEX parent_name ON parent (name);
"""


def setup(path):
    c = connect(path)
    c.execute("PRAGMA foreign_keys = ON")
    c.execute("CREATE TABLE parent (id integer PRIMARY KEY, name text NOT NULL)")
    c.execute("CREATE TABLE child (id integer PRIMARY KEY,"
              " parent_id integer NOT NULL REFERENCES parent (id) ON DELETE CASCADE)")
    c.execute("INSERT INTO parent VALUES (1, 'a'), (2, 'b'), (3, 'c')")
    for i in range(1, 31):
        c.execute("INSERT INTO child VALUES (?, ?)", (i, i % 3 + 1))
    return c


tmp = tempfile.mkdtemp(prefix="covet-fk-")

for form in ("covet_migrate_up()", "covet_migrate_up_commit()"):
    c = setup(os.path.join(tmp, form[:-2] + ".db"))
    # what happens without covet's care: the DROP cascades
    probe = connect(os.path.join(tmp, form[:-2] + "-probe.db"))
    probe.execute("PRAGMA foreign_keys = ON")
    probe.execute("CREATE TABLE parent (id integer PRIMARY KEY)")
    probe.execute("CREATE TABLE child (id integer PRIMARY KEY, p integer REFERENCES parent ON DELETE CASCADE)")
    probe.execute("INSERT INTO parent VALUES (1)")
    probe.execute("INSERT INTO child VALUES (1, 1)")
    probe.execute("BEGIN")
    probe.execute("PRAGMA foreign_keys = OFF")
    probe.execute("DROP TABLE parent")
    ok(one(probe, "SELECT count(*) FROM child") == 0,
       "%s: (the problem) inside a transaction PRAGMA foreign_keys = OFF is a no-op and DROP cascades" % form)
    probe.execute("ROLLBACK")
    probe.close()

    one(c, "SELECT covet_define('001_rebuild', ?)", REBUILD)
    report = one(c, "SELECT " + form)
    ok(report == "applied 001_rebuild (5 statements, 3 rows)", "%s: the 12-step rebuild applies" % form, report)
    ok(one(c, "SELECT count(*) FROM child") == 30, "%s: no child row is lost" % form)
    ok(rows(c, "SELECT DISTINCT parent_id FROM child ORDER BY 1") == [(1,), (2,), (3,)],
       "%s: every child still refers to its parent" % form)
    ok(one(c, "SELECT code FROM parent WHERE id = 1") == "x", "%s: the parent table is rebuilt" % form)
    ok(one(c, "PRAGMA foreign_keys") == 1, "%s: foreign_keys is on again after the run" % form)
    ok(rows(c, "PRAGMA foreign_key_check") == [], "%s: no violation" % form)

    # a migration that leaves a dangling reference
    one(c, "SELECT covet_define('002_dangling', 'CREATE TABLE canary (id int); DELETE FROM parent WHERE id = 2')")
    err = error_of(c, "SELECT " + form)
    ok(err is not None and err.startswith(
        'migration "002_dangling" failed: foreign key violation: row 1 of table "child" refers to a missing row of "parent"\n'
        "DETAIL: 10 rows violate a foreign key (PRAGMA foreign_key_check)."),
       "%s: a dangling reference fails the migration, naming the table and the rowid" % form, err)
    ok(one(c, "SELECT count(*) FROM parent") == 3 and
       one(c, "SELECT count(*) FROM sqlite_master WHERE name = 'canary'") == 0 and
       one(c, "SELECT count(*) FROM covet_applied WHERE name = '002_dangling'") == 0,
       "%s: nothing of it commits" % form)
    ok(one(c, "PRAGMA foreign_keys") == 1, "%s: foreign_keys is on again after the failure" % form)
    ok(one(c, "SELECT count(*) FROM covet_lock") == 0 and not c.in_transaction,
       "%s: no lock row, no transaction left" % form)
    c.close()

# a connection with foreign_keys off stays off
c = connect(os.path.join(tmp, "off.db"))
one(c, "SELECT covet_define('001_t', 'CREATE TABLE t (id int)')")
one(c, "SELECT covet_migrate_up()")
ok(one(c, "PRAGMA foreign_keys") == 0, "a connection with foreign_keys off keeps it off")

# the down direction too
c = setup(os.path.join(tmp, "down.db"))
one(c, "SELECT covet_define('001_t', 'CREATE TABLE t (id int)', 'DELETE FROM parent WHERE id = 3')")
one(c, "SELECT covet_migrate_up_commit()")
err = error_of(c, "SELECT covet_migrate_down_commit()")
ok(err is not None and err.startswith('migration "001_t" failed: foreign key violation: row 2 of table "child"'),
   "a down that leaves a dangling reference fails too", err)
ok(one(c, "SELECT count(*) FROM parent") == 3 and one(c, "PRAGMA foreign_keys") == 1,
   "and changes nothing")

done_testing()
