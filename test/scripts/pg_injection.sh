#!/usr/bin/env bash
# pg_injection.sh: the injection suite on PostgreSQL (TAP).
#
# Run inside pg_virtualenv (PGHOST, PGPORT, PGUSER set; a superuser) with
# the extension installed; test/run-all.sh does that.  It creates and drops
# its own database.
#
# What it proves: every expression and identifier argument of every named
# operation, with each hostile shape of test/sqlite/lib/injection_cases.py
# (the one list both engines use), is refused in the atomic form
# (SELECT covet_x), the commit form (CALL covet_x_commit, top level) and
# the background form (covet_x_background, then covet_wait), and after each
# call the table canary exists and the digest of t is unchanged; stored SQL
# rewritten in covet.runs is refused by covet_resume and covet_undo; a bad
# reverse_expr fails at creation; tricky valid fragments (';' and ')' in a
# string, a quoted identifier with ')', comments, E'' with \', a dollar
# quote, 10 KB) are accepted and give the right rows.  The counts (calls
# tried, refused, escapes) are printed as a comment.
set -u

cd "$(dirname "$0")/../.." || exit 1

# shellcheck source=test/scripts/lib/pg.sh
. test/scripts/lib/pg.sh

pg_scratch injection
create_db

CASES=test/sqlite/lib/injection_cases.py
/usr/bin/python3 - >"$TMP/setup.sql" <<'PY'
import sys
sys.path.insert(0, "test/sqlite/lib")
import injection_cases as ic
rows = ",\n".join("(%d, %d, '%s', NULL, NULL, NULL, %d)" % (r[0], r[1], r[2], r[6]) for r in ic.ROWS)
print("""
CREATE TABLE canary (x integer);
CREATE TABLE t (id integer PRIMARY KEY, n integer, s text, a text, b text, c text, "odd)" integer);
INSERT INTO t VALUES %s;
CREATE TABLE inj_t0 AS SELECT * FROM t;
CREATE FUNCTION inj_digest() RETURNS text LANGUAGE sql AS $f$
  SELECT (pg_catalog.to_regclass('public.canary') IS NOT NULL)::text || ' ' ||
         pg_catalog.md5(coalesce((SELECT pg_catalog.string_agg(t::text, '|' ORDER BY id) FROM public.t), ''))
$f$;
CREATE TABLE inj_baseline AS SELECT inj_digest() AS want;
CREATE FUNCTION inj_reset() RETURNS text LANGUAGE plpgsql AS $f$
BEGIN
  DROP TABLE IF EXISTS public.canary;
  CREATE TABLE public.canary (x integer);
  TRUNCATE public.t;
  INSERT INTO public.t SELECT * FROM public.inj_t0;
  RETURN 'done';
END
$f$;
CREATE FUNCTION inj_state() RETURNS text LANGUAGE plpgsql AS $f$
DECLARE s text := public.inj_digest();
BEGIN
  IF s <> (SELECT want FROM public.inj_baseline) THEN
    PERFORM public.inj_reset();
  END IF;
  RETURN s;
END
$f$;
""" % rows)
PY
if ! psql -X -qAt -v ON_ERROR_STOP=1 -d "$DB" -f "$TMP/setup.sql" >"$TMP/setup.out" 2>&1; then
	echo "Bail out! setup failed: $(tr '\n' ' ' <"$TMP/setup.out")"
	exit 1
fi

{
	echo "SELECT 'BASELINE ' || want FROM inj_baseline;"
	/usr/bin/python3 "$CASES" pg-script
} >"$TMP/calls.sql"
# one session, top level (CALL may commit), errors do not stop it; psql's
# ERROR variable marks each failed call on stdout
psql -X -qAt -d "$DB" -f "$TMP/calls.sql" >"$TMP/calls.out" 2>"$TMP/calls.err"
/usr/bin/python3 "$CASES" pg-report "$TMP/calls.out"
