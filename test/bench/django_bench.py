#!/usr/bin/python3
"""
django_bench.py ENGINE ROWS REPEAT: the Django fixtures benchmark of one
engine (sqlite or postgresql), run by test/bench/django.sh (make bench,
BENCH_ONLY=django).  PostgreSQL: inside pg_virtualenv (PG* variables, a
superuser), the extension installed.

One fixture of ROWS records (default 100,000) in the minimal Django project
of the Django fixture tests (test/django/project): ROWS/100 records of
fixtures_regress.person and the rest fixtures_regress.book (name, a foreign
key "author" to a person), in a schema made by Django's migrate.  The same
rows three ways:

  django.json  Django's shape: "model": "fixtures_regress.book", the foreign
               key under the field name ("author")
  plain.json   covet's plain shape: "model": "fixtures_regress_book" (the
               table), the column "author_id"
  *.csv        one file per table, for the floor

Loads, each into a fresh copy of the migrated schema:
  floor        PostgreSQL: COPY FROM the CSV files (server files, one
               transaction); SQLite: the sqlite3 shell's .import --csv
               (the process's wall clock)
  covet        covet_loaddata_file of django.json and of plain.json (the
               difference is the cost of Django's naming), and of Django's
               own dumpdata output (with its "stores": [] many-to-many lists)
  Django       manage.py loaddata django.json (the process's wall clock,
               Python's and Django's start-up included, about 0.3 s)
Dumps, of the rows covet loaded:
  floor        PostgreSQL: COPY TO server files; SQLite: the shell's
               .mode csv + .output + SELECT * (wall clock)
  covet        covet_dumpdata_file json, plain and style => 'django'
  Django       manage.py dumpdata fixtures_regress.person fixtures_regress.book

Every load is checked (row counts and a checksum of the rows against the
floor's), every dump by its record count.  covet and the floors run REPEAT
times, best kept; Django once (it takes minutes).  Times of covet calls are
the client's wall clock around one statement (Python's sqlite3 module, the
same libsqlite3 as the shell; psycopg2).  SQLite: default settings
(rollback journal, synchronous=FULL), as Django and the shell use them.

Output: lines "row|WHAT|FIGURE" and "report|TEXT" for django.sh.
DJANGO_BENCH_DJANGO=0 leaves Django's commands out (covet and the floors
only, a minute instead of several).
"""
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
MANAGE = os.path.join(ROOT, "test", "django", "project", "manage.py")
COVET_SO = os.path.join(ROOT, "covet")
PERSON = "fixtures_regress_person"
BOOK = "fixtures_regress_book"

engine = sys.argv[1]
ROWS = int(sys.argv[2]) if len(sys.argv) > 2 else 100000
REPEAT = int(sys.argv[3]) if len(sys.argv) > 3 else 2
NPERSON = max(1, ROWS // 100)
# DJANGO_BENCH_DJANGO=0: leave Django's own commands out (minutes)
SKIP_DJANGO = os.environ.get("DJANGO_BENCH_DJANGO", "1") == "0"
NBOOK = ROWS - NPERSON
MODEL_MAP = json.dumps({"fixtures_regress.person": PERSON, "fixtures_regress.book": BOOK})

tmp = tempfile.mkdtemp(prefix="covet-djbench-")
os.chmod(tmp, 0o777)
counter = [0]
pg_dbs = []


def out(kind, *parts):
    print("|".join([kind] + [str(p) for p in parts]))
    sys.stdout.flush()


def progress(text):
    if os.environ.get("BENCH_TTY"):
        try:
            with open("/dev/tty", "w") as tty:
                tty.write("bench: %s django: %s\n" % (engine, text))
        except OSError:
            pass


def django_env(name):
    env = dict(os.environ)
    env["COVET_DJANGO_ENGINE"] = engine
    env["COVET_DJANGO_NAME"] = name
    return env


def manage(name, *args):
    t0 = time.monotonic()
    p = subprocess.run(["/usr/bin/python3", MANAGE] + list(args), env=django_env(name),
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    t1 = time.monotonic()
    if p.returncode != 0:
        raise RuntimeError("manage.py %s: %s" % (args[0], p.stdout.strip().splitlines()[-1:]))
    return t1 - t0


def pg(dbname):
    import psycopg2
    c = psycopg2.connect(dbname=dbname, options="-c timezone=UTC")
    c.autocommit = True
    return c


def pg_do(dbname, sql, args=None):
    c = pg(dbname)
    try:
        cur = c.cursor()
        cur.execute(sql, args)
        return cur.fetchall() if cur.description else None
    finally:
        c.close()


def fresh():
    """A new copy of the migrated, empty schema."""
    counter[0] += 1
    if engine == "sqlite":
        name = os.path.join(tmp, "db%d.sqlite3" % counter[0])
        shutil.copyfile(os.path.join(tmp, "template.sqlite3"), name)
        return name
    name = "covet_djb_%d_%d" % (os.getpid(), counter[0])
    pg_dbs.append(name)
    pg_do("postgres", "CREATE DATABASE %s TEMPLATE covet_djb_%d_0" % (name, os.getpid()))
    pg_do(name, "CHECKPOINT")
    return name


def drop(name):
    if engine == "sqlite":
        for suffix in ("", "-journal", "-wal", "-shm"):
            try:
                os.unlink(name + suffix)
            except OSError:
                pass
    else:
        pg_do("postgres", "DROP DATABASE IF EXISTS %s WITH (FORCE)" % name)


def timed_sql(name, sql, args=()):
    """(seconds, first value) of one statement; covet loaded in SQLite."""
    if engine == "sqlite":
        c = sqlite3.connect(name, isolation_level=None)
        c.enable_load_extension(True)
        c.load_extension(COVET_SO)
        try:
            t0 = time.monotonic()
            v = c.execute(sql, args).fetchone()
            t1 = time.monotonic()
        finally:
            c.close()
        return t1 - t0, v[0] if v else None
    c = pg(name)
    try:
        cur = c.cursor()
        t0 = time.monotonic()
        cur.execute(sql, args or None)
        v = cur.fetchone() if cur.description else None
        t1 = time.monotonic()
    finally:
        c.close()
    return t1 - t0, v[0] if v else None


def checksum(name):
    sql = ("SELECT (SELECT count(*) FROM %s), (SELECT count(*) FROM %s), "
           "(SELECT sum(id * 7 + length(name)) FROM %s), "
           "(SELECT sum(id * 3 + author_id * 5 + length(name)) FROM %s)" % (PERSON, BOOK, PERSON, BOOK))
    if engine == "sqlite":
        c = sqlite3.connect(name)
        v = c.execute(sql).fetchone()
        c.close()
        return tuple(int(x or 0) for x in v)
    return tuple(int(x or 0) for x in pg_do(name, sql)[0])


def covet_call(func, args):
    """SQL of a covet call: named arguments in PostgreSQL, by position in SQLite."""
    if engine == "postgresql":
        return "SELECT %s(%s)" % (func, ", ".join("%s => %%s" % n for n, _ in args)), [v for _, v in args]
    return "SELECT %s(%s)" % (func, ", ".join("?" for _ in args)), [v for _, v in args]


def write_files():
    with open(os.path.join(tmp, "django.json"), "w") as dj, open(os.path.join(tmp, "plain.json"), "w") as pl:
        dj.write("[")
        pl.write("[")
        first = True
        for i in range(1, NPERSON + 1):
            f = {"name": "person %d" % i}
            sep = "" if first else ", "
            first = False
            dj.write(sep + json.dumps({"model": "fixtures_regress.person", "pk": i, "fields": f}))
            pl.write(sep + json.dumps({"model": PERSON, "pk": i, "fields": f}))
        for i in range(1, NBOOK + 1):
            a = (i * 7919) % NPERSON + 1
            dj.write(", " + json.dumps({"model": "fixtures_regress.book", "pk": i,
                                        "fields": {"name": "book %d" % i, "author": a}}))
            pl.write(", " + json.dumps({"model": BOOK, "pk": i,
                                        "fields": {"name": "book %d" % i, "author_id": a}}))
        dj.write("]\n")
        pl.write("]\n")
    with open(os.path.join(tmp, "person.csv"), "w") as f:
        for i in range(1, NPERSON + 1):
            f.write("%d,person %d\n" % (i, i))
    # the column order of Django's table: id, name, author_id
    with open(os.path.join(tmp, "book.csv"), "w") as f:
        for i in range(1, NBOOK + 1):
            f.write("%d,book %d,%d\n" % (i, i, (i * 7919) % NPERSON + 1))
    for n in os.listdir(tmp):
        os.chmod(os.path.join(tmp, n), 0o644)


def load_floor(name):
    p, b = os.path.join(tmp, "person.csv"), os.path.join(tmp, "book.csv")
    if engine == "sqlite":
        t0 = time.monotonic()
        r = subprocess.run(["sqlite3", "-batch", "-bail", name,
                            ".import --csv %s %s" % (p, PERSON), ".import --csv %s %s" % (b, BOOK)],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        t1 = time.monotonic()
        if r.returncode != 0 or r.stdout.strip():
            raise RuntimeError(".import: " + r.stdout.strip()[:200])
        return t1 - t0
    c = pg(name)
    try:
        c.autocommit = False
        cur = c.cursor()
        t0 = time.monotonic()
        cur.execute("COPY %s FROM '%s' (FORMAT csv)" % (PERSON, p))
        cur.execute("COPY %s FROM '%s' (FORMAT csv)" % (BOOK, b))
        c.commit()
        return time.monotonic() - t0
    finally:
        c.close()


def dump_floor(name):
    p, b = os.path.join(tmp, "out-person.csv"), os.path.join(tmp, "out-book.csv")
    if engine == "sqlite":
        t0 = time.monotonic()
        r = subprocess.run(["sqlite3", "-batch", "-bail", name, ".mode csv", ".output " + p,
                            "SELECT * FROM %s;" % PERSON, ".output " + b, "SELECT * FROM %s;" % BOOK],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        t1 = time.monotonic()
        if r.returncode != 0:
            raise RuntimeError("shell csv: " + r.stdout.strip()[:200])
    else:
        for f in (p, b):
            if os.path.exists(f):
                os.unlink(f)
        c = pg(name)
        try:
            cur = c.cursor()
            t0 = time.monotonic()
            cur.execute("COPY %s TO '%s' (FORMAT csv)" % (PERSON, p))
            cur.execute("COPY %s TO '%s' (FORMAT csv)" % (BOOK, b))
            t1 = time.monotonic()
        finally:
            c.close()
    n = sum(1 for _ in open(p)) + sum(1 for _ in open(b))
    return t1 - t0, n


def best(fn, times):
    """Run fn() times times; the best seconds, or the first error."""
    got = None
    for _ in range(times):
        try:
            s = fn()
        except Exception as e:  # a failure is reported, not fatal
            return None, str(e).strip().splitlines()[0][:160]
        got = s if got is None else min(got, s)
    return got, None


def main():
    results = {}
    errors = {}
    progress("schema (Django's migrate) and %d-record fixtures" % ROWS)
    if engine == "sqlite":
        manage(os.path.join(tmp, "template.sqlite3"), "migrate", "--run-syncdb", "-v0")
    else:
        tname = "covet_djb_%d_0" % os.getpid()
        pg_dbs.append(tname)
        pg_do("postgres", "CREATE DATABASE %s" % tname)
        manage(tname, "migrate", "--run-syncdb", "-v0")
        pg_do(tname, "CREATE EXTENSION covet")
    write_files()

    # --- loads
    want = [None]

    def run_load(key, loader):
        def one():
            db = fresh()
            try:
                s = loader(db)
                got = checksum(db)
                if want[0] is None:
                    want[0] = got
                if got != want[0]:
                    raise RuntimeError("WRONG rows: %s, want %s" % (got, want[0]))
                return s
            finally:
                drop(db)
        return one

    def covet_load(path):
        def loader(db):
            sql, args = covet_call("covet_loaddata_file", [("path", path), ("format", "json"),
                                                           ("on_conflict", "error")])
            s, n = timed_sql(db, sql, args)
            if int(n) != ROWS:
                raise RuntimeError("WRONG: %s records" % n)
            return s
        return loader

    plan = [
        ("load_floor", load_floor, REPEAT),
        ("load_plain", covet_load(os.path.join(tmp, "plain.json")), REPEAT),
        ("load_django", covet_load(os.path.join(tmp, "django.json")), REPEAT),
    ]
    for key, loader, times in plan:
        progress(key)
        results[key], errors[key] = best(run_load(key, loader), times)
    if SKIP_DJANGO:
        results["load_djangocmd"], errors["load_djangocmd"] = None, "skipped (DJANGO_BENCH_DJANGO=0)"
    else:
        progress("Django's loaddata (minutes)")
        results["load_djangocmd"], errors["load_djangocmd"] = best(
            run_load("load_djangocmd", lambda db: manage(db, "loaddata", os.path.join(tmp, "django.json"))), 1)

    # --- dumps, of rows loaded by covet (the plain fixture)
    src = fresh()
    covet_load(os.path.join(tmp, "plain.json"))(src)
    tables = "%s, %s" % (PERSON, BOOK)

    def covet_dump(style):
        def one():
            path = os.path.join(tmp, "covet-%s.json" % (style or "plain"))
            if os.path.exists(path):
                os.unlink(path)
            args = [("path", path), ("tables", tables), ("format", "json")]
            if style:
                args += [("model_map", MODEL_MAP), ("style", style)]
            sql, a = covet_call("covet_dumpdata_file", args)
            s, n = timed_sql(src, sql, a)
            if int(n) != ROWS:
                raise RuntimeError("WRONG: %s records" % n)
            return s
        return one

    def floor_dump():
        s, n = dump_floor(src)
        if n != ROWS:
            raise RuntimeError("WRONG: %d lines" % n)
        return s

    def django_dump():
        path = os.path.join(tmp, "django-dump.json")
        s = manage(src, "dumpdata", "fixtures_regress.person", "fixtures_regress.book", "-o", path)
        n = len(json.load(open(path)))
        if n != ROWS:
            raise RuntimeError("WRONG: %d records" % n)
        os.chmod(path, 0o644)
        return s

    for key, fn, times in [("dump_floor", floor_dump, REPEAT), ("dump_plain", covet_dump(None), REPEAT),
                           ("dump_django", covet_dump("django"), REPEAT), ("dump_djangocmd", django_dump, 1)]:
        if key == "dump_djangocmd" and SKIP_DJANGO:
            results[key], errors[key] = None, "skipped (DJANGO_BENCH_DJANGO=0)"
            continue
        progress(key)
        results[key], errors[key] = best(fn, times)
    # Django's own dump (with "stores": []) read by covet
    if results.get("dump_djangocmd") is not None:
        progress("load_djangodump")
        results["load_djangodump"], errors["load_djangodump"] = best(
            run_load("load_djangodump", covet_load(os.path.join(tmp, "django-dump.json"))), REPEAT)
    else:
        results["load_djangodump"], errors["load_djangodump"] = None, "no Django dump"

    # --- the table
    label = {
        "load_floor": "COPY FROM csv (floor)" if engine == "postgresql" else "shell .import --csv (floor)",
        "load_plain": "covet_loaddata_file, plain names (table, author_id)",
        "load_django": "covet_loaddata_file, Django names (app.model, author)",
        "load_djangodump": "covet_loaddata_file of Django's dumpdata output",
        "load_djangocmd": "Django: manage.py loaddata",
        "dump_floor": "COPY TO csv (floor)" if engine == "postgresql" else "shell .mode csv + .output (floor)",
        "dump_plain": "covet_dumpdata_file json, plain",
        "dump_django": "covet_dumpdata_file json, style => 'django'",
        "dump_djangocmd": "Django: manage.py dumpdata",
    }
    out("report", "")
    out("report", "%s: Django fixtures, %s records (%s persons, %s books with a foreign key), "
        "Django 3.2's schema;" % ("PostgreSQL" if engine == "postgresql" else "SQLite",
                                  format(ROWS, ","), format(NPERSON, ","), format(NBOOK, ",")))
    out("report", "  seconds: best of %d (Django: one run, its process's wall clock)" % REPEAT)
    for op in ("load", "dump"):
        floor = results.get(op + "_floor")
        django = results.get(op + "_djangocmd")
        for key in [k for k in label if k.startswith(op)]:
            s = results.get(key)
            if s is None:
                out("report", "  %-55s  %9s  %s" % (label[key], "-", "FAILED: " + (errors.get(key) or "?")))
                continue
            extra = []
            if floor and key != op + "_floor":
                extra.append("%.2fx floor" % (s / floor))
            if django and key not in (op + "_djangocmd", op + "_floor"):
                extra.append("%.1fx faster than Django" % (django / s))
            out("report", "  %-55s  %8.3fs  %s" % (label[key], s, ", ".join(extra)))
    n = format(ROWS, ",")
    for op in ("load", "dump"):
        f, d = results.get(op + "_floor"), results.get(op + "_djangocmd")
        target = 2 if op == "load" else 3
        for key, what in ((op + "_plain", "plain names"), (op + "_django", "Django names")):
            c = results.get(key)
            if c is None:
                out("row", "django %s %s, covet (%s)" % (op, n, what),
                    "FAILED: %s" % errors.get(key))
                continue
            fig = []
            if f:
                fig.append("%.2fx floor (target <= %dx)" % (c / f, target))
            if d:
                fig.append("%.1fx faster than Django" % (d / c))
            out("row", "django %s %s, covet (%s)" % (op, n, what), "; ".join(fig) + " (%.3f s)" % c)
        if f:
            out("row", "django %s %s, floor" % (op, n), "%.3f s" % f)
        out("row", "django %s %s, Django's manage.py %sdata" % (op, n, op),
            ("%.1f s" % d) if d else "FAILED: %s" % errors.get(op + "_djangocmd"))
        c, p_ = results.get(op + "_django"), results.get(op + "_plain")
        if c and p_:
            out("row", "django %s: Django naming cost (Django names / plain)" % op,
                "%.2fx (target <= 1.10x)" % (c / p_))
    return 0


if __name__ == "__main__":
    try:
        rc = main()
    except Exception as e:
        out("row", "django: the benchmark failed", str(e).splitlines()[0][:200])
        rc = 1
    finally:
        for name in pg_dbs:
            try:
                drop(name)
            except Exception:
                pass
        shutil.rmtree(tmp, ignore_errors=True)
    sys.exit(rc)
