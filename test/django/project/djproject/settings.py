# settings.py: the minimal Django 3.2 project of the Django fixture tests.
# Two test apps ("fixtures", "fixtures_regress") whose models come from
# Django's own test suite (see test/django/SOURCES.md), plus the contrib
# apps their fixtures name.  The database is chosen by the environment.
import os

SECRET_KEY = "covet-django-fixture-tests"
DEBUG = False
USE_TZ = False
TIME_ZONE = "UTC"
USE_I18N = False
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sites",
    "fixtures",
    "fixtures_regress",
]
SITE_ID = 1

_engine = os.environ.get("COVET_DJANGO_ENGINE", "sqlite")
_name = os.environ.get("COVET_DJANGO_NAME", "django.db")
if _engine == "postgresql":
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": _name,
            "USER": os.environ.get("PGUSER", ""),
            "PASSWORD": os.environ.get("PGPASSWORD", ""),
            "HOST": os.environ.get("PGHOST", ""),
            "PORT": os.environ.get("PGPORT", ""),
        }
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": _name,
        }
    }
