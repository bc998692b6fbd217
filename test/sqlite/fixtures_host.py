#!/usr/bin/python3
"""covet's fixture files in a host application (Python's sqlite3).

What the shell scripts cannot show: covet_dumpdata_file and
covet_loaddata_file with real files in a temporary directory; a dump
loaded into a brand-new database file gives a byte-identical dump there
(JSON, YAML, CSV); the sample fixtures of test/fixtures/data load and
agree with each other; file errors (missing file, directory that does not
exist) name the path and load nothing; a load inside the host's own
transaction is rolled back with it.  Prints TAP.  Run from the repository
root with Debian's /usr/bin/python3.
"""
import os
import sqlite3
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from hosttap import ok, connect, one, rows, error_of, done_testing  # noqa: E402


def fresh(path):
    for suffix in ("", "-journal", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.unlink(path + suffix)
    return connect(path)


SCHEMA = open("test/fixtures/data/schema.sql").read()
tmp = os.environ.get("COVET_TMP") or tempfile.mkdtemp(prefix="covet-fixtures-")

# --- a source database -------------------------------------------------------
src = fresh(os.path.join(tmp, "src.db"))
src.executescript(SCHEMA)
src.executescript("""
INSERT INTO users VALUES (1, 'Ada', 'ada@example.org', 1, 0.1, x'89504e47', '1843-07-01'),
                         (2, 'Zoë "Z"', NULL, 0, 1e-300, NULL, NULL),
                         (3, 'line
break, comma', '', NULL, -2.5, x'', '2024-02-29');
INSERT INTO orders VALUES (1, 1, 23.5, '2024-03-01 10:15:00', '{"gift":true,"tags":["tea"]}'),
                          (2, 3, 100, NULL, NULL);
INSERT INTO order_lines VALUES (1, 1, 'TEA-01', 2), (1, 2, 'CUP-07', 1), (2, 1, 'X', 5);
""")
src.execute("UPDATE users SET score = ? WHERE id = 1", (0.1 + 0.2,))
original = {t: src.execute("SELECT * FROM %s ORDER BY 1, 2" % t).fetchall()
            for t in ("users", "orders", "order_lines")}

for fmt in ("json", "yaml"):
    path = os.path.join(tmp, "all." + fmt)
    n = one(src, "SELECT covet_dumpdata_file(?, NULL, ?)", path, fmt)
    ok(n == 8, "%s: covet_dumpdata_file returns the records written" % fmt, n)
    text = open(path, encoding="utf-8").read()
    ok(text == one(src, "SELECT covet_dumpdata(NULL, ?)", fmt),
       "%s: the file holds what covet_dumpdata returns" % fmt)

    dst = fresh(os.path.join(tmp, "dst-%s.db" % fmt))
    dst.executescript(SCHEMA)
    n = one(dst, "SELECT covet_loaddata_file(?, ?)", path, fmt)
    ok(n == 8, "%s: covet_loaddata_file returns the records read" % fmt, n)
    again = os.path.join(tmp, "again." + fmt)
    one(dst, "SELECT covet_dumpdata_file(?, NULL, ?)", again, fmt)
    ok(open(again, "rb").read() == open(path, "rb").read(),
       "%s: dump of the new database is byte-identical" % fmt)
    got = {t: dst.execute("SELECT * FROM %s ORDER BY 1, 2" % t).fetchall()
           for t in ("users", "orders", "order_lines")}
    ok(got == original, "%s: every value equal to the original (types and bits)" % fmt,
       (got, original))
    ok(dst.execute("SELECT typeof(avatar), typeof(score) FROM users WHERE id = 1").fetchone()
       == ("blob", "real"), "%s: blob and real storage classes kept" % fmt)
    # the same file again: error by default, nothing changed; ignore works
    err = error_of(dst, "SELECT covet_loaddata_file(?, ?)", path, fmt)
    ok(err is not None and "UNIQUE constraint failed" in err and "fixture record 1 " in err,
       "%s: loading twice names the first duplicate" % fmt, err)
    ok(one(dst, "SELECT covet_loaddata_file(?, ?, 'ignore')", path, fmt) == 8,
       "%s: on_conflict ignore loads the file again" % fmt)
    ok(one(dst, "SELECT count(*) FROM users") == 3, "%s: still three users" % fmt)
    dst.close()

# --- CSV, one table -----------------------------------------------------------
path = os.path.join(tmp, "users.csv")
ok(one(src, "SELECT covet_dumpdata_file(?, 'users', 'csv')", path) == 3,
   "csv: three rows written")
csv_text = open(path, encoding="utf-8").read()
ok(csv_text.splitlines()[0] == "id,name,email,active,score,avatar,joined",
   "csv: header row of column names", csv_text)
ok('3,"line\nbreak, comma","",,-2.5,"",2024-02-29\n' in csv_text,
   "csv: RFC 4180 quoting, NULL empty, empty string quoted", csv_text)
dst = fresh(os.path.join(tmp, "dst-csv.db"))
dst.executescript(SCHEMA)
ok(one(dst, "SELECT covet_loaddata_file(?, 'csv', 'error', 'users')", path) == 3,
   "csv: three rows loaded")
again = os.path.join(tmp, "again.csv")
one(dst, "SELECT covet_dumpdata_file(?, 'users', 'csv')", again)
ok(open(again, "rb").read() == open(path, "rb").read(), "csv: byte-identical dump")
ok(dst.execute("SELECT * FROM users ORDER BY id").fetchall() == original["users"],
   "csv: users equal to the original")
ok(dst.execute("SELECT email IS NULL, email = '' FROM users WHERE id IN (2, 3) ORDER BY id").fetchall()
   == [(1, None), (0, 1)], "csv: NULL and empty string stay distinct")
err = error_of(dst, "SELECT covet_dumpdata_file(?, 'users, orders', 'csv')", path)
ok(err is not None and err.startswith("a CSV fixture holds exactly one table, not 2"),
   "csv: one table only", err)
dst.close()

# --- the sample fixtures ---------------------------------------------------------
dumps = {}
for name, fmt in (("shop.json", "json"), ("shop.yaml", "yaml")):
    db = fresh(os.path.join(tmp, "sample-%s.db" % fmt))
    db.executescript(SCHEMA)
    n = one(db, "SELECT covet_loaddata_file(?, ?)", "test/fixtures/data/" + name, fmt)
    ok(n == 5, "sample %s loads five records (children listed first)" % name, n)
    dumps[fmt] = one(db, "SELECT covet_dumpdata()")
    db.close()
ok(dumps["json"] == dumps["yaml"], "sample JSON and YAML fixtures hold the same data",
   (dumps["json"], dumps["yaml"]))
ok('"meta": {"gift":true,"tags":["tea","cups"]}' in dumps["json"]
   and '"avatar": "iVBORw0KGgo="' in dumps["json"] and '"score": 1e-300' in dumps["json"],
   "sample: json, base64 and floats as written", dumps["json"])
db = fresh(os.path.join(tmp, "sample-csv.db"))
db.executescript(SCHEMA)
ok(one(db, "SELECT covet_loaddata_file('test/fixtures/data/users.csv', 'csv', 'error', 'users')") == 3,
   "sample users.csv loads three rows")
ok(db.execute("SELECT name, quote(email), active, typeof(avatar), length(avatar) FROM users ORDER BY id").fetchall()
   == [("Ada Lovelace", "'ada@example.org'", 1, "blob", 8), ('Zoë "Z" Müller', "NULL", 0, "null", None),
       ("", "NULL", None, "blob", 0)], "sample users.csv: values, NULLs and empty strings")

# --- file errors, and the host's transaction ---------------------------------------
missing = os.path.join(tmp, "nope.json")
err = error_of(db, "SELECT covet_loaddata_file(?)", missing)
ok(err is not None and err.startswith('could not open "%s"' % missing), "missing file named", err)
err = error_of(db, "SELECT covet_dumpdata_file(?)", os.path.join(tmp, "no", "such", "dir.json"))
ok(err is not None and "could not open" in err and "for writing" in err,
   "unwritable path named", err)
err = error_of(db, "SELECT covet_loaddata_file(NULL)")
ok(err == "path must not be null", "NULL path", err)
db.execute("BEGIN")
one(db, "SELECT covet_loaddata_file(?, 'json', 'ignore')", os.path.join(tmp, "all.json"))
ok(one(db, "SELECT count(*) FROM orders") == 2, "inside BEGIN: loaded")
db.execute("ROLLBACK")
ok(one(db, "SELECT count(*) FROM orders") == 0, "ROLLBACK of the host's transaction undoes the load")
ok(one(db, "SELECT count(*) FROM users") == 3, "rows from before stay")
db.close()
src.close()

done_testing()
