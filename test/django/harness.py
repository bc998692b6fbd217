#!/usr/bin/python3
"""
harness.py: real Django fixtures through Django 3.2's loaddata and through
covet, on SQLite and on PostgreSQL, compared row by row (TAP).

Run by test/scripts/pg_django.sh inside pg_virtualenv (PG* variables set, a
superuser; the extension installed; covet.so built), from anywhere:

    /usr/bin/python3 test/django/harness.py

What it proves, for each case of test/django/CASES (one or more fixture
files of test/django/fixtures/, loaded in order, in a fresh schema made by
Django's migrate):

  load cases  Django's loaddata loads the files (checked, so that the case is
              what it claims); covet_loaddata (on_conflict 'update', which is
              what Django does with a record whose key exists) gives the
              same rows in every table of the apps, sorted and typed, on
              each engine; covet_dumpdata(style 'django') of covet's rows,
              read by Django's loaddata into the other engine, gives Django's
              rows there; Django's dumpdata, read by covet_loaddata into the
              other engine, gives Django's rows there.
  fail cases  covet_loaddata refuses the fixture on both engines, leaves no
              row behind, and says the same thing on both; Django refuses it
              too on the engines listed in the case.

A case named in test/django/PENDING depends on work not merged yet: its
tests are reported "# TODO" (counted as passes by run-all.sh), still run,
so that the output shows which of them pass already.

Django runs in this process (django.core.management.call_command: the same
loaddata and dumpdata commands manage.py runs), so that each of the many
runs does not pay for Python's and Django's start-up.  Every schema is a
copy of one made by "migrate --run-syncdb" per engine: a file copy for
SQLite, CREATE DATABASE ... TEMPLATE for PostgreSQL.  Sessions use the UTC
time zone (Django's TIME_ZONE in the project's settings).
"""
import json
import os
import shutil
import sqlite3
import sys
import tempfile
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PROJECT = os.path.join(HERE, "project")
FIXTURES = os.path.join(HERE, "fixtures")
COVET_SO = os.path.join(ROOT, "covet")
ENGINES = ("sqlite", "postgresql")
OTHER = {"sqlite": "postgresql", "postgresql": "sqlite"}

n_tests = 0
n_failed = 0


def emit(ok, name, todo=None, diag=None):
    global n_tests, n_failed
    n_tests += 1
    line = "%s %d - %s" % ("ok" if ok else "not ok", n_tests, name)
    if todo:
        line += " # TODO " + todo
    elif not ok:
        n_failed += 1
    print(line)
    if diag and not ok:
        for d in str(diag).splitlines()[:40]:
            print("# " + d)
    sys.stdout.flush()


def read_cases():
    """CASES: NAME | FILE [FILE...] | OPTIONS | EXPECT [| MESSAGE], '#' comments."""
    cases = []
    with open(os.path.join(HERE, "CASES"), encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].strip() if not line.lstrip().startswith("#") else ""
            if not line:
                continue
            parts = [p.strip() for p in line.split("|", 4)]
            if len(parts) == 4:
                parts.append("")
            if len(parts) != 5:
                raise SystemExit("Bail out! bad line in CASES: " + line)
            name, files, opts, expect, message = parts
            cases.append({
                "name": name,
                "files": files.split(),
                "opts": set(opts.split()) - {"-"},
                "expect": expect,
                "message": message,
            })
    return cases


def read_pending():
    pending = {}
    path = os.path.join(HERE, "PENDING")
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if line and not line.startswith("#"):
                    name, _, why = line.partition(" ")
                    pending[name] = why.strip() or "pending"
    return pending


# --- the databases --------------------------------------------------------------

class Schemas:
    """Fresh copies of the migrated schema, per engine."""

    def __init__(self, tmp):
        self.tmp = tmp
        self.count = 0
        self.pg_names = []
        self.template = {}

    def new_name(self, engine):
        self.count += 1
        if engine == "sqlite":
            return os.path.join(self.tmp, "db%d.sqlite3" % self.count)
        name = "covet_dj_%d_%d" % (os.getpid(), self.count)
        self.pg_names.append(name)
        return name

    def fresh(self, engine):
        name = self.new_name(engine)
        if engine == "sqlite":
            shutil.copyfile(self.template["sqlite"], name)
        else:
            pg_admin("CREATE DATABASE %s TEMPLATE %s" % (name, self.template["postgresql"]))
        return name

    def drop_all(self):
        for name in self.pg_names:
            try:
                pg_admin("DROP DATABASE IF EXISTS %s WITH (FORCE)" % name)
            except Exception:
                pass


def pg_connect(dbname):
    import psycopg2
    conn = psycopg2.connect(dbname=dbname, options="-c timezone=UTC")
    conn.autocommit = True
    return conn


def pg_admin(sql):
    conn = pg_connect("postgres")
    try:
        conn.cursor().execute(sql)
    finally:
        conn.close()


def use_database(engine, name):
    """Point Django's connection for ENGINE at database NAME."""
    from django.db import connections
    alias = engine
    connections[alias].close()
    connections.databases[alias]["NAME"] = name
    return alias


def app_tables(engine, name):
    if engine == "sqlite":
        conn = sqlite3.connect(name)
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                            "AND (name LIKE 'fixtures%' OR name = 'django_site')").fetchall()
        conn.close()
    else:
        conn = pg_connect(name)
        cur = conn.cursor()
        cur.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
                    "AND (table_name LIKE 'fixtures%' OR table_name = 'django_site')")
        rows = cur.fetchall()
        conn.close()
    return sorted(r[0] for r in rows)


def canon_value(v):
    if v is None:
        return "null"
    if isinstance(v, float):
        return "float:" + repr(v)
    if isinstance(v, memoryview):
        v = bytes(v)
    return "%s:%s" % (type(v).__name__, v)


def snapshot(engine, name, tables):
    """Every row of TABLES: {table: sorted list of typed rows}."""
    out = {}
    if engine == "sqlite":
        conn = sqlite3.connect(name)
        for t in tables:
            cur = conn.execute('SELECT * FROM "%s"' % t)
            cols = [d[0] for d in cur.description]
            out[t] = sorted(tuple("%s=%s" % (c, canon_value(v)) for c, v in zip(cols, r))
                            for r in cur.fetchall())
        conn.close()
    else:
        conn = pg_connect(name)
        cur = conn.cursor()
        for t in tables:
            cur.execute('SELECT * FROM "%s"' % t)
            cols = [d[0] for d in cur.description]
            out[t] = sorted(tuple("%s=%s" % (c, canon_value(v)) for c, v in zip(cols, r))
                            for r in cur.fetchall())
        conn.close()
    return out


def diff_snapshots(want, got):
    lines = []
    for t in sorted(set(want) | set(got)):
        w, g = want.get(t, []), got.get(t, [])
        if w != g:
            for r in w:
                if r not in g:
                    lines.append("%s: missing %s" % (t, ", ".join(r)))
            for r in g:
                if r not in w:
                    lines.append("%s: extra   %s" % (t, ", ".join(r)))
            if not lines:
                lines.append("%s: same rows, different counts" % t)
    return "\n".join(lines)


# --- Django ------------------------------------------------------------------------

def django_setup(tmp):
    sys.path.insert(0, PROJECT)
    os.environ["DJANGO_SETTINGS_MODULE"] = "djproject.settings"
    os.environ["COVET_DJANGO_NAME"] = os.path.join(tmp, "unused.sqlite3")
    import django
    from django.conf import settings
    settings.DATABASES["sqlite"] = {"ENGINE": "django.db.backends.sqlite3",
                                    "NAME": os.path.join(tmp, "unused.sqlite3")}
    settings.DATABASES["postgresql"] = {
        "ENGINE": "django.db.backends.postgresql", "NAME": "postgres",
        "USER": os.environ.get("PGUSER", ""), "PASSWORD": os.environ.get("PGPASSWORD", ""),
        "HOST": os.environ.get("PGHOST", ""), "PORT": os.environ.get("PGPORT", "")}
    django.setup()


def django_call(*args, **kwargs):
    """call_command; returns (None, output) or (error message, output)."""
    import io
    from django.core.management import call_command
    out = io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=out, **kwargs)
        return None, out.getvalue()
    except BaseException as e:  # CommandError, IntegrityError, SystemExit...
        msg = str(e).strip() or type(e).__name__
        return msg.splitlines()[0] if msg else type(e).__name__, out.getvalue()


def django_load(engine, name, files, opts):
    alias = use_database(engine, name)
    kw = {"database": alias, "verbosity": 0}
    if "ignore_unknown" in opts:
        kw["ignorenonexistent"] = True
    err, _ = django_call("loaddata", *files, **kw)
    use_database(engine, name)  # close the connection
    return err


def django_dump(engine, name, path, fmt):
    alias = use_database(engine, name)
    err, _ = django_call("dumpdata", "fixtures", "fixtures_regress", "sites",
                         database=alias, format=fmt, output=path, verbosity=0)
    use_database(engine, name)
    return err


def model_map():
    from django.apps import apps
    m = {}
    for model in apps.get_models(include_auto_created=False):
        m[model._meta.label_lower] = model._meta.db_table
    return m


# --- covet ------------------------------------------------------------------------

def fmt_of(path):
    return "yaml" if path.endswith((".yaml", ".yml")) else "json"


def covet_sql(engine, func, args):
    """A call of FUNC with ARGS [(name, value)]: named arguments in
    PostgreSQL, by position in SQLite (trailing NULLs dropped)."""
    if engine == "postgresql":
        first = ", ".join("%s => %%s" % n for n, _ in args)
        return "SELECT %s(%s)" % (func, first), [v for _, v in args]
    vals = [v for _, v in args]
    return "SELECT %s(%s)" % (func, ", ".join("?" for _ in vals)), vals


def load_args(text, fmt, opts, mm):
    args = [("data", text), ("format", fmt), ("on_conflict", "update")]
    if "ignore_unknown" in opts or "model_map" in opts:
        args.append(("table_name", None))
        args.append(("model_map", json.dumps(mm) if "model_map" in opts else None))
    if "ignore_unknown" in opts:
        args.append(("ignore_unknown", True))
    return args


def covet_run(engine, name, func, args):
    """Run one covet call; returns (error or None, result)."""
    sql, vals = covet_sql(engine, func, args)
    if engine == "sqlite":
        vals = [1 if v is True else v for v in vals]
        conn = sqlite3.connect(name, isolation_level=None)
        try:
            conn.enable_load_extension(True)
            conn.load_extension(COVET_SO)
            return None, conn.execute(sql, vals).fetchone()[0]
        except sqlite3.Error as e:
            return str(e), None
        finally:
            conn.close()
    import psycopg2
    conn = pg_connect(name)
    try:
        cur = conn.cursor()
        cur.execute(sql, vals)
        return None, cur.fetchone()[0]
    except psycopg2.Error as e:
        # the form the sqlite3 module shows: the message, then DETAIL and
        # HINT lines
        d = e.diag
        msg = (d.message_primary or str(e)).strip()
        if d.message_detail:
            msg += "\nDETAIL: " + d.message_detail
        if d.message_hint:
            msg += "\nHINT: " + d.message_hint
        return msg, None
    finally:
        conn.close()


def covet_load(engine, name, files, opts, mm):
    for f in files:
        with open(f, encoding="utf-8") as fh:
            text = fh.read()
        err, _ = covet_run(engine, name, "covet_loaddata", load_args(text, fmt_of(f), opts, mm))
        if err:
            return err
    return None


def covet_dump(engine, name, tables, mm):
    return covet_run(engine, name, "covet_dumpdata",
                     [("tables", ", ".join(tables)), ("format", "json"),
                      ("model_map", json.dumps(mm)), ("style", "django")])


# --- main ------------------------------------------------------------------------

def main():
    cases = read_cases()
    pending = read_pending()
    unknown = set(pending) - {c["name"] for c in cases}
    tmp = tempfile.mkdtemp(prefix="covet-django-")
    schemas = Schemas(tmp)
    try:
        django_setup(tmp)
        # the template schemas: Django's migrate, once per engine
        for engine in ENGINES:
            name = schemas.new_name(engine)
            if engine == "postgresql":
                pg_admin("CREATE DATABASE %s" % name)
            alias = use_database(engine, name)
            err, out = django_call("migrate", run_syncdb=True, database=alias, verbosity=0,
                                   interactive=False)
            use_database(engine, name)
            if err:
                print("Bail out! migrate on %s failed: %s" % (engine, err))
                return 1
            if engine == "postgresql":
                conn = pg_connect(name)
                conn.cursor().execute("CREATE EXTENSION covet")
                conn.close()
            schemas.template[engine] = name
        tables = {e: app_tables(e, schemas.template[e]) for e in ENGINES}
        emit(tables["sqlite"] == tables["postgresql"] and len(tables["sqlite"]) > 20,
             "migrate makes the same %d app tables on both engines" % len(tables["sqlite"]),
             diag="sqlite: %s\npostgresql: %s" % (tables["sqlite"], tables["postgresql"]))
        emit(not unknown, "PENDING names only cases of CASES", diag=" ".join(sorted(unknown)))
        tables = tables["sqlite"]
        mm = model_map()

        for case in cases:
            run_case(case, pending.get(case["name"]), schemas, tables, mm, tmp)
    except Exception:
        print("Bail out! " + traceback.format_exc().replace("\n", "\n# "))
        return 1
    finally:
        try:
            from django.db import connections
            connections.close_all()
        except Exception:
            pass
        schemas.drop_all()
        shutil.rmtree(tmp, ignore_errors=True)
    print("1..%d" % n_tests)
    return 1 if n_failed else 0


def run_case(case, todo, schemas, tables, mm, tmp):
    name = case["name"]
    files = [os.path.join(FIXTURES, f) for f in case["files"]]
    opts = case["opts"]
    todo = ("pending: " + todo) if todo else None
    django_rows, django_err, covet_err, covet_db = {}, {}, {}, {}
    for engine in ENGINES:
        db = schemas.fresh(engine)
        django_err[engine] = django_load(engine, db, files, opts)
        django_rows[engine] = snapshot(engine, db, tables)
        django_rows[engine + "_db"] = db
        db = schemas.fresh(engine)
        covet_err[engine] = covet_load(engine, db, files, opts, mm)
        covet_db[engine] = db
    empty = snapshot("sqlite", schemas.template["sqlite"], tables)

    if case["expect"] == "load":
        for engine in ENGINES:
            emit(django_err[engine] is None, "%s: Django's loaddata loads it on %s" % (name, engine),
                 diag=django_err[engine])
            got = snapshot(engine, covet_db[engine], tables)
            if covet_err[engine]:
                emit(False, "%s: covet_loaddata gives Django's rows on %s" % (name, engine),
                     todo, "covet_loaddata failed: " + covet_err[engine])
            else:
                d = diff_snapshots(django_rows[engine], got)
                emit(not d, "%s: covet_loaddata gives Django's rows on %s" % (name, engine), todo, d)
        # dumps, across engines: covet's django-style dump read by Django,
        # and Django's dump read by covet
        for engine in ENGINES:
            other = OTHER[engine]
            label = "%s: covet_dumpdata(style django) on %s, Django's loaddata on %s" % (name, engine, other)
            if covet_err[engine] or django_err[other]:
                emit(False, label + ": same rows", todo, "the load before failed")
            else:
                err, dump = covet_dump(engine, covet_db[engine], tables, mm)
                if err:
                    emit(False, label + ": same rows", todo, "covet_dumpdata failed: " + err)
                else:
                    path = os.path.join(tmp, "%s-covet-%s.json" % (name, engine))
                    with open(path, "w", encoding="utf-8") as f:
                        f.write(dump)
                    db = schemas.fresh(other)
                    err = django_load(other, db, [path], set())
                    if err:
                        emit(False, label + ": same rows", todo, "Django's loaddata failed: " + err)
                    else:
                        d = diff_snapshots(django_rows[other], snapshot(other, db, tables))
                        emit(not d, label + ": same rows", todo, d)
            label = "%s: Django's dumpdata on %s, covet_loaddata on %s" % (name, engine, other)
            if django_err[engine] or django_err[other]:
                emit(False, label + ": same rows", todo, "Django's load before failed")
                continue
            # covet's own form (table names, _id columns) of Django's rows,
            # across engines: needs none of Django's naming
            label = "%s: covet_dumpdata (table names) of Django's rows on %s, covet_loaddata on %s" % (
                name, engine, other)
            err, dump = covet_run(engine, django_rows[engine + "_db"], "covet_dumpdata",
                                  [("tables", ", ".join(tables)), ("format", "json")])
            if err:
                emit(False, label + ": same rows", None, "covet_dumpdata failed: " + err)
            else:
                db = schemas.fresh(other)
                err, _ = covet_run(other, db, "covet_loaddata",
                                   [("data", dump), ("format", "json"), ("on_conflict", "update")])
                if err:
                    emit(False, label + ": same rows", None, "covet_loaddata failed: " + err)
                else:
                    d = diff_snapshots(django_rows[other], snapshot(other, db, tables))
                    emit(not d, label + ": same rows", None, d)
            label = "%s: Django's dumpdata on %s, covet_loaddata on %s" % (name, engine, other)
            fmt = "yaml" if "yaml_dump" in opts else "json"
            path = os.path.join(tmp, "%s-django-%s.%s" % (name, engine, fmt))
            err = django_dump(engine, django_rows[engine + "_db"], path, fmt)
            if err:
                emit(False, label + ": same rows", todo, "Django's dumpdata failed: " + err)
                continue
            db = schemas.fresh(other)
            err = covet_load(other, db, [path], set(), mm)
            if err:
                emit(False, label + ": same rows", todo, "covet_loaddata failed: " + err)
            else:
                d = diff_snapshots(django_rows[other], snapshot(other, db, tables))
                emit(not d, label + ": same rows", todo, d)
    else:
        # fail: EXPECT is "fail" or "fail:ENGINE,..." (where Django refuses it)
        django_fails = case["expect"].partition(":")[2].split(",") if ":" in case["expect"] else ENGINES
        for engine in django_fails:
            emit(django_err[engine] is not None, "%s: Django's loaddata refuses it on %s" % (name, engine),
                 diag="Django loaded it")
        for engine in ENGINES:
            left = snapshot(engine, covet_db[engine], tables)
            emit(covet_err[engine] is not None and not diff_snapshots(
                snapshot(engine, schemas.template[engine], tables), left),
                "%s: covet_loaddata refuses it on %s and leaves no row" % (name, engine), todo,
                "covet loaded it" if covet_err[engine] is None else diff_snapshots(empty, left))
        # the message itself (its first line); the DETAIL lines are shown
        a, b = covet_err["sqlite"], covet_err["postgresql"]
        first = [x.splitlines()[0] if x else None for x in (a, b)]
        emit(a is not None and first[0] == first[1], "%s: the same message on both engines" % name, todo,
             "sqlite:     %s\npostgresql: %s" % (a, b))
        if case["message"]:
            import re
            emit(a is not None and re.search(case["message"], first[0]) is not None,
                 "%s: the message matches /%s/" % (name, case["message"]), todo, "got: %s" % first[0])
        for engine in ENGINES:
            if covet_err[engine]:
                print("# %s: covet on %s says: %s" % (name, engine,
                                                      covet_err[engine].replace("\n", "\n#   ")))


if __name__ == "__main__":
    sys.exit(main())
