#!/usr/bin/python3
"""Real migration sets on SQLite, loaded unchanged (test/realsets/).

For each SQLite set: the files are those its NOTICE lists (SHA-256), every
file is sent with covet_load_text as a host application would send a
directory, covet_migrate_up applies all, the catalog's digest (sqlite_master
without covet's tables) is the one recorded here, covet_migrate_down rolls
everything back (no table of the set is left), a second covet_migrate_up
gives the same digest, and a second load changes nothing.  Prints TAP.  Run
from the repository root with Debian's /usr/bin/python3.
"""
import glob
import hashlib
import os
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from hosttap import ok, connect, one, rows, done_testing  # noqa: E402

ROOT = "test/realsets"

# set -> (format, migrations, digest of the applied catalog)
SETS = {
    "mjrwtf": ("goose", 3, "4e926b55"),
}


def notice_sums(name):
    sums = {}
    with open(os.path.join(ROOT, name, "NOTICE")) as f:
        for line in f:
            parts = line.split()
            if len(parts) == 2 and len(parts[0]) == 64 and parts[1].startswith("migrations/"):
                sums[parts[1]] = parts[0]
    return sums


def catalog_digest(c):
    text = "\n".join("%s|%s|%s|%s" % r for r in rows(
        c, "SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_master"
           " WHERE name NOT LIKE 'covet%' AND name NOT LIKE 'sqlite_%' ORDER BY type, name"))
    return hashlib.sha256(text.encode()).hexdigest()[:8], text


def load_dir(c, name):
    """Send every file of the set as a client: covet_load_text(file name, text)."""
    reports = []
    for path in sorted(glob.glob(os.path.join(ROOT, name, "migrations", "*"))):
        with open(path, "rb") as f:
            text = f.read().decode("utf-8")
        reports.append(one(c, "SELECT covet_load_text(?, ?)", os.path.basename(path), text))
    return reports


tmp = tempfile.mkdtemp(prefix="covet-realsets-")
for name, (fmt, count, want) in SETS.items():
    sums = notice_sums(name)
    files = sorted(os.path.relpath(p, os.path.join(ROOT, name))
                   for p in glob.glob(os.path.join(ROOT, name, "migrations", "*")))
    ok(files == sorted(sums) and len(files) > 0, "%s: the files are those NOTICE lists" % name,
       "%s vs %s" % (files, sorted(sums)))
    changed = [f for f in files
               if hashlib.sha256(open(os.path.join(ROOT, name, f), "rb").read()).hexdigest() != sums.get(f)]
    ok(not changed, "%s: every file is unchanged (SHA-256)" % name, changed)

    c = connect(os.path.join(tmp, name + ".db"))
    c.execute("PRAGMA foreign_keys = ON")
    reports = load_dir(c, name)
    ok(all(r.startswith("defined ") and r.endswith("(%s format)" % fmt) for r in reports),
       "%s: every file loads as %s" % (name, fmt), reports)
    ok(one(c, "SELECT count(*) FROM covet_migrations WHERE format = ?", fmt) == count,
       "%s: %d migrations defined" % (name, count))

    report = one(c, "SELECT covet_migrate_up()")
    ok(report.count("\n") + 1 == count and report.startswith("applied "),
       "%s: all applied" % name, report)
    digest, text = catalog_digest(c)
    ok(digest == want, "%s: the catalog after apply (digest %s)" % (name, want),
       "got %s:\n%s" % (digest, text))

    report = one(c, "SELECT covet_migrate_down(?)", count)
    ok(report.count("rolled back ") == count, "%s: all rolled back" % name, report)
    left, text = catalog_digest(c)
    ok(text == "", "%s: nothing of the set is left" % name, text)

    one(c, "SELECT covet_migrate_up()")
    again, text = catalog_digest(c)
    ok(again == digest, "%s: applied again, the same catalog" % name, text)

    reports = load_dir(c, name)
    ok(all(r.startswith("unchanged ") for r in reports), "%s: loading again changes nothing" % name,
       reports)
    ok(one(c, "SELECT count(*) FROM covet_history WHERE action = 'apply'") == 2 * count,
       "%s: history holds both runs" % name)
    c.close()

done_testing()
