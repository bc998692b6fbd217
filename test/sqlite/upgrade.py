#!/usr/bin/python3
"""A database written by covet 0.1.0, opened by this release.

test/sqlite/data/covet-0.1.0.db was written by release 0.1.0's own SQLite
extension (test/sqlite/data/make_covet_010_db.py says how).  Its copy is
upgraded on the first call that writes: covet's tables then equal a new
database's (sqlite_schema compared text for text, so a forgotten upgrade
step fails here), history and runs are intact, migrate down/up and the
undo of 0.1.0's run work, the upgrade happens once, in one transaction, and
a database newer than the library is refused.  Prints TAP.
"""
import os
import shutil
import sqlite3
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from hosttap import ok, connect, one, rows, error_of, done_testing  # noqa: E402

FIXTURE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "covet-0.1.0.db")
tmp = tempfile.mkdtemp(prefix="covet-upgrade-")


def copy(name):
    path = os.path.join(tmp, name)
    shutil.copy(FIXTURE, path)
    return path


def covet_schema(c):
    return rows(c, "SELECT type, name, tbl_name, sql FROM sqlite_schema"
                   " WHERE tbl_name LIKE 'covet%' AND tbl_name NOT LIKE 'covet_undo%'"
                   " ORDER BY type, name")


# what 0.1.0 wrote, read without covet
raw = sqlite3.connect(FIXTURE)
old_history = rows(raw, "SELECT id, name, action, checksum, started_at, duration_ms,"
                        " statements, rows, who, outcome FROM covet_history ORDER BY id")
old_runs = rows(raw, "SELECT * FROM covet_runs ORDER BY id")
ok(len(old_history) == 4 and len(old_runs) == 2, "the fixture holds 0.1.0's history and runs")
ok(one(raw, "SELECT count(*) FROM sqlite_master WHERE name = 'covet_meta'") == 0,
   "and no covet_meta (version 1)")
raw.close()

# a new database, for comparison
fresh = connect(os.path.join(tmp, "fresh.db"))
one(fresh, "SELECT covet_migrate_up()")
ok(one(fresh, "SELECT value FROM covet_meta WHERE key = 'schema_version'") == "2",
   "a new database is at schema version 2")

# 1. reading does not upgrade; it says what to do
c = connect(copy("app.db"))
err = error_of(c, "SELECT * FROM covet_status()")
ok(err is not None and err.startswith("covet's tables are at version 1 and this library (covet 0.2.0) uses version 2")
   and "HINT: Any covet function that writes upgrades them" in err,
   "covet_status() on 0.1.0's tables asks for an upgrade", err)

# 2. the first call that writes upgrades, then does its work
report = one(c, "SELECT covet_migrate_up()")
ok(report == "applied 0003_users_name (1 statement, 0 rows)\napplied 0004_posts (1 statement, 0 rows)",
   "covet_migrate_up on the upgraded database applies the pending ones", report)
ok(one(c, "SELECT value FROM covet_meta WHERE key = 'schema_version'") == "2", "schema_version is 2")
ok(covet_schema(c) == covet_schema(fresh), "covet's tables are exactly a new database's",
   "\n".join(map(str, set(covet_schema(c)) ^ set(covet_schema(fresh)))))
ok(rows(c, "SELECT id, name, action, checksum, started_at, duration_ms, statements, rows, who,"
           " outcome FROM covet_history WHERE id <= 4 ORDER BY id") == old_history,
   "0.1.0's history rows are intact")
ok(one(c, "SELECT count(*) FROM covet_history WHERE id <= 4 AND detail IS NULL") == 4,
   "with detail NULL")
# 0.1.0's columns as they were; the columns 0.2.0 added, at their defaults
ok([r[:len(old_runs[0])] for r in rows(c, "SELECT * FROM covet_runs ORDER BY id")] == old_runs,
   "0.1.0's runs are intact")
ok(rows(c, "SELECT retried, throttled, throttled_ms FROM covet_runs ORDER BY id") == [(0, None, 0)] * 2,
   "with retried 0, throttled NULL, throttled_ms 0")
ok(one(c, "SELECT count(*) FROM covet_runs WHERE parent_id IS NULL AND lower_key IS NULL")
   == len(old_runs), "with parent_id and lower_key NULL (no parallel runs)")
ok(rows(c, "SELECT name, repeatable, version, source, format FROM covet_migrations"
           " WHERE name = '0001_users'") == [("0001_users", 0, None, None, None)],
   "old migrations get the new columns' defaults")
err = error_of(c, "INSERT INTO covet_history (name, action, checksum, started_at, duration_ms,"
                  " statements, rows, who, outcome) VALUES ('x', 'bogus', '', '', 0, 0, 0, '', '')")
ok(err is not None and "CHECK constraint failed" in err, "history's CHECK still holds", err)
ok(one(c, "SELECT count(*) FROM sqlite_master WHERE name = 'covet_upgrade_old'") == 0,
   "no table left behind by the rebuild")
ok(one(c, "PRAGMA integrity_check") == "ok" and rows(c, "PRAGMA foreign_key_check") == [],
   "integrity and foreign keys check")

# 3. the runner works on it
ok(one(c, "SELECT covet_migrate_down(2)") ==
   "rolled back 0004_posts (1 statement, 0 rows)\nrolled back 0003_users_name (1 statement, 0 rows)",
   "covet_migrate_down works")
ok(one(c, "SELECT covet_migrate_down('0001_users')").startswith("rolled back 0002_seed"),
   "down to 0.1.0's first migration")
ok(rows(c, "SELECT name, state FROM covet_status() ORDER BY name") ==
   [("0001_users", "applied"), ("0002_seed", "pending"), ("0003_users_name", "pending"),
    ("0004_posts", "pending")], "covet_status after down")
one(c, "SELECT covet_migrate_up()")
ok(rows(c, "SELECT name FROM users ORDER BY id") == [("ada",), ("grace",), ("alan",), ("edsger",)],
   "and up again")
ok(rows(c, "SELECT action, count(*) FROM covet_history GROUP BY action ORDER BY action") ==
   [("apply", 8), ("rollback", 4)], "history counts every action",
   rows(c, "SELECT action, count(*) FROM covet_history GROUP BY action ORDER BY action"))

# 4. the undo of 0.1.0's completed run, on a fresh copy whose rows it changed
c2 = connect(copy("undo.db"))
ok(rows(c2, "SELECT n FROM users ORDER BY id") == [(2,), (3,), (4,), (5,)], "0.1.0's backfill had run")
ok(one(c2, "SELECT covet_undo(1)") == 1, "covet_undo of 0.1.0's run")
ok(rows(c2, "SELECT n FROM users ORDER BY id") == [(1,), (2,), (3,), (4,)], "restored the old values")
ok(one(c2, "SELECT state FROM covet_runs WHERE id = 1") == "rolled back", "the run is rolled back")
ok(one(c2, "SELECT count(*) FROM sqlite_master WHERE name = 'covet_undo_1'") == 0, "its undo table dropped")
ok(one(c2, "SELECT covet_undo(2)") == 2 and one(c2, "SELECT state FROM covet_runs WHERE id = 2") == "rolled back",
   "the failed run can be undone too")

# 5. opened by two connections: upgraded once
path = copy("twice.db")
a = connect(path)
b = connect(path)
one(a, "SELECT covet_backfill('users', 'n = n', 100)")
seen = []
b.set_trace_callback(seen.append)
ok(one(b, "SELECT covet_backfill('users', 'n = n', 100)") == 4, "the second connection works")
ok(not [s for s in seen if "ALTER TABLE" in s or "covet_upgrade_old" in s],
   "and does not upgrade again", seen)
ok(one(b, "SELECT count(*) FROM covet_history") == 4, "history not copied twice")

# 6. the upgrade is one transaction
path = copy("atomic.db")
c3 = connect(path)
c3.execute("CREATE TABLE covet_upgrade_old (x)")
err = error_of(c3, "SELECT covet_migrate_up()")
ok(err is not None and err.startswith("could not upgrade covet's tables from version 1:")
   and "HINT: Nothing was changed." in err, "a failing upgrade says so", err)
ok(one(c3, "SELECT count(*) FROM pragma_table_info('covet_migrations') WHERE name = 'repeatable'") == 0
   and one(c3, "SELECT count(*) FROM sqlite_master WHERE name = 'covet_meta'") == 0,
   "and leaves the tables as they were")
c3.execute("DROP TABLE covet_upgrade_old")
c3.execute("BEGIN")
one(c3, "SELECT covet_migrate_up()")
c3.execute("ROLLBACK")
ok(one(c3, "SELECT count(*) FROM sqlite_master WHERE name = 'covet_meta'") == 0,
   "inside the host's transaction, its ROLLBACK undoes the upgrade")
one(c3, "SELECT covet_migrate_up()")
ok(covet_schema(c3) == covet_schema(fresh), "then upgraded in autocommit")

# 7. a database newer than the library
c3.execute("UPDATE covet_meta SET value = '3' WHERE key = 'schema_version'")
err = error_of(c3, "SELECT covet_migrate_up()")
ok(err == "covet's tables are at version 3 and this library (covet 0.2.0) knows version 2\n"
          "HINT: A newer covet wrote this database; load that release's extension.",
   "a newer database is refused", err)
err = error_of(c3, "SELECT * FROM covet_status()")
ok(err is not None and err.startswith("covet's tables are at version 3"), "by covet_status() too", err)
err = error_of(c3, "SELECT covet_backfill('users', 'n = n', 100)")
ok(err is not None and err.startswith("covet's tables are at version 3"), "and by a batched operation", err)
c3.execute("UPDATE covet_meta SET value = 'two' WHERE key = 'schema_version'")
err = error_of(c3, "SELECT covet_migrate_up()")
ok(err is not None and err.startswith("covet_meta has no valid schema_version"), "a garbled version too", err)

done_testing()
