#!/usr/bin/python3
"""covet stores what Django's loaddata stores on SQLite (booleans, dates,
times, timestamps), for the same fixture in the same table.

Django 3.2 (Debian's python3-django) runs in this process with a throw-away
app whose one model has a BooleanField, DateField, TimeField and
DateTimeField, USE_TZ = True and TIME_ZONE = 'UTC' (startproject's
settings): `manage.py migrate --run-syncdb` creates the table and
`loaddata` loads a fixture into one database file; covet_loaddata loads
the same records (the model named by its table) into a copy of that table
in another file.  The stored values must be identical, byte for byte and
storage class for storage class: 1/0, `YYYY-MM-DD HH:MM:SS[.ffffff]` in
UTC for a value with an offset, as Django's sqlite3 backend writes it.
Prints TAP; skips when Django is not installed.  Run from the repository
root with Debian's /usr/bin/python3.
"""
import json
import os
import shutil
import sqlite3
import sys
import tempfile
import warnings

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from hosttap import ok, connect, done_testing  # noqa: E402

try:
    import django
    from django.conf import settings
except ImportError:
    print("1..0 # SKIP Django is not installed")
    sys.exit(0)

tmp = os.environ.get("COVET_TMP") or tempfile.mkdtemp(prefix="covet-django-")
app = os.path.join(tmp, "stampapp")
os.makedirs(app, exist_ok=True)
open(os.path.join(app, "__init__.py"), "w").close()
with open(os.path.join(app, "models.py"), "w") as f:
    f.write("""from django.db import models


class Ev(models.Model):
    flag = models.BooleanField(null=True)
    day = models.DateField(null=True)
    at = models.TimeField(null=True)
    ts = models.DateTimeField(null=True)
""")
sys.path.insert(0, tmp)
dj_db = os.path.join(tmp, "django.db")
for p in (dj_db, os.path.join(tmp, "covet.db")):
    if os.path.exists(p):
        os.unlink(p)
settings.configure(
    INSTALLED_APPS=["stampapp"],
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": dj_db}},
    USE_TZ=True, TIME_ZONE="UTC", DEFAULT_AUTO_FIELD="django.db.models.AutoField")
django.setup()
from django.core.management import call_command  # noqa: E402

RECORDS = [
    {"pk": 1, "fields": {"flag": True, "day": "2024-07-07", "at": "19:40",
                         "ts": "2024-07-07T19:40:20"}},
    {"pk": 2, "fields": {"flag": False, "day": "2024-02-29", "at": "23:59:59.5",
                         "ts": "2024-07-07T19:40:20.5+02:00"}},
    {"pk": 3, "fields": {"flag": None, "day": None, "at": "00:00:00.123456",
                         "ts": "2024-12-31T23:30:00-01:00"}},
    {"pk": 4, "fields": {"flag": True, "day": "1999-01-01", "at": None,
                         "ts": "2024-07-07T19:40:20.123456Z"}},
    {"pk": 5, "fields": {"flag": False, "day": "2000-02-29", "at": "12:00:00",
                         "ts": "2024-07-07 19:40:20.000001"}},
]


def fixture(model):
    return json.dumps([dict(model=model, **r) for r in RECORDS])


djfx = os.path.join(tmp, "stamps.json")
with open(djfx, "w") as f:
    f.write(fixture("stampapp.ev"))
with warnings.catch_warnings():
    warnings.simplefilter("ignore")     # naive datetimes under USE_TZ
    call_command("migrate", run_syncdb=True, verbosity=0)
    call_command("loaddata", djfx, verbosity=0)

dj = sqlite3.connect(dj_db)
ddl = dj.execute("SELECT sql FROM sqlite_master WHERE name = 'stampapp_ev'").fetchone()[0]
ok("DEFERRABLE" in ddl or "CREATE TABLE" in ddl, "Django created its table", ddl)
db = connect(os.path.join(tmp, "covet.db"))
db.execute(ddl)
got = db.execute("SELECT covet_loaddata(?)", (fixture("stampapp_ev"),)).fetchone()[0]
ok(got == len(RECORDS), "covet loads the same fixture", got)

COLS = "id, flag, typeof(flag), day, at, ts, typeof(ts)"
want = dj.execute("SELECT %s FROM stampapp_ev ORDER BY id" % COLS).fetchall()
have = db.execute("SELECT %s FROM stampapp_ev ORDER BY id" % COLS).fetchall()
for w, h in zip(want, have):
    ok(w == h, "record %d: the values Django's loaddata stores" % w[0], "django %r, covet %r" % (w, h))
ok(len(want) == len(have) == len(RECORDS), "as many rows", (len(want), len(have)))
dj.close()
db.close()
if not os.environ.get("COVET_TMP"):
    shutil.rmtree(tmp, ignore_errors=True)
done_testing()
