#!/usr/bin/python3
"""Long error messages keep their reason (SQLite; PostgreSQL: sql/error_length.sql).

A message longer than covet's buffer (1,023 bytes) gives way in its middle,
so its end, where the reason is, survives: a 5,000-character column name
in a backfill's set (SQLite's own "no such column"), in a named
operation's field (covet's 'column "..." of table "t" does not exist'),
in a migration's failing statement (after covet's 'migration "m" failed:'
prefix) and in a fixture record.  Each message is at most 1,023 bytes of
valid UTF-8, also with two-byte characters.  Prints TAP.  Run from the
repository root with Debian's /usr/bin/python3.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from hosttap import ok, connect, one, error_of, done_testing  # noqa: E402

LONG = "a" * 5000
WIDE = "\u00e9" * 3000          # 6,000 bytes of two-byte characters

c = connect(":memory:")
c.execute("CREATE TABLE t (id integer PRIMARY KEY, n integer)")
c.execute("INSERT INTO t VALUES (1, 1), (2, 2)")


def first_line(msg):
    return (msg or "").split("\n")[0]


def check(msg, start, end, name):
    line = first_line(msg)
    ok(msg is not None and line.startswith(start) and line.endswith(end)
       and len(line.encode()) <= 1023 and "..." in line,
       name, "%d bytes: %s ... %s" % (len(line.encode()), line[:80], line[-80:]))


msg = error_of(c, "SELECT covet_backfill('t', ? || ' = 1', 10)", LONG)
check(msg, 'invalid set for table "t": no such column: aaa', "aaa",
      "backfill, set naming a 5,000-character column: SQLite's reason is there")
ok(msg is not None and "HINT: Nothing was changed." in msg, "... with its hint")

msg = error_of(c, "SELECT covet_backfill('t', 'n = 1', 10, ? || ' > 0')", LONG)
check(msg, 'invalid set or where for table "t": no such column: aaa', "aaa",
      "backfill, where naming a 5,000-character column")

msg = error_of(c, "SELECT covet_copy_field('t', ?, 'n')", LONG)
check(msg, 'column "aaa', 'aaa" of table "t" does not exist',
      "copy_field, a 5,000-character source: ends with \"does not exist\"")
ok(msg is not None and msg.endswith("\nDETAIL: It was given as source."), "... and its detail")

msg = error_of(c, "SELECT covet_populate_field('t', ?, '1')", WIDE)
check(msg, 'column "\u00e9', '\u00e9" of table "t" does not exist',
      "populate_field, 3,000 two-byte characters: valid UTF-8, the reason at the end")

# a migration whose statement fails with a long message ending in its reason
c.execute("CREATE TABLE guarded (v text)")
c.execute("CREATE TRIGGER guarded_ins BEFORE INSERT ON guarded BEGIN "
          "SELECT RAISE(ABORT, '%s does not exist'); END" % LONG)
one(c, "SELECT covet_define('0001_fails', 'INSERT INTO guarded VALUES (1)')")
msg = error_of(c, "SELECT covet_migrate_up()")
check(msg, 'migration "0001_fails" failed: aaa', "aaa does not exist",
      "a migration's long error: covet's prefix in front, the reason at the end")

# a fixture record naming a field the table does not have
fixture = '[{"model": "t", "pk": 3, "fields": {"%s": 1}}]' % LONG
msg = error_of(c, "SELECT covet_loaddata(?)", fixture)
check(msg, 'fixture record 1 (line 1): unknown field "aaa', 'aaa" of model "t"',
      "loaddata, a 5,000-character field name: the record in front, the model at the end")

ok(one(c, "SELECT group_concat(n) FROM t") == "1,2", "nothing changed")
done_testing()
