#!/usr/bin/env bash
# pg_undo_capture.sh: undo's exactness where the batch statement saves its
# own old values (PostgreSQL: a data-modifying WITH feeding the undo table)
# (TAP).
#
# Run inside pg_virtualenv (PGHOST, PGPORT, PGUSER set; a superuser) with
# the extension installed; test/run-all.sh does that.  It creates and drops
# its own database.  The cases are test/scripts/lib/undo_cases.sh, run on
# SQLite by sqlite_undo_capture.sh.
set -u

cd "$(dirname "$0")/../.." || exit 1

# shellcheck source=test/scripts/lib/tap.sh
. test/scripts/lib/tap.sh
# shellcheck source=test/scripts/lib/pg.sh
. test/scripts/lib/pg.sh
# shellcheck source=test/scripts/lib/undo_cases.sh
. test/scripts/lib/undo_cases.sh

pg_scratch undocap
create_db

RUNS=covet.runs
T=t
X() {
	psql -X -qAt -v ON_ERROR_STOP=1 -d "$DB" -c "$1" 2>&1
}
fail_setup() {
	X "CREATE FUNCTION fail7() RETURNS trigger LANGUAGE plpgsql AS \$\$
	   BEGIN
	     IF NEW.id = 7 AND (SELECT on_ FROM flag) = 1 THEN RAISE EXCEPTION 'boom'; END IF;
	     RETURN NEW;
	   END \$\$;
	   CREATE TRIGGER fail7 BEFORE UPDATE ON $1 FOR EACH ROW EXECUTE FUNCTION fail7();" >/dev/null
}
commit_op() {
	case "$1" in
	covet_resume*) X "CALL covet_resume_commit(${1#covet_resume(}" ;;
	*) X "CALL ${1%%(*}_commit(${1#*(}" ;;
	esac
}

undo_cases

# the batch statement itself saves the old values: no separate copy
X "SET client_min_messages = warning; CREATE TABLE u_plan (id int PRIMARY KEY, n int);
   INSERT INTO u_plan SELECT g, g FROM generate_series(1, 100) g" >/dev/null
out=$(psql -X -qAt -d "$DB" -c "LOAD 'auto_explain'" -c "SET auto_explain.log_min_duration = 0" \
	-c "SET auto_explain.log_nested_statements = on" -c "SET client_min_messages = log" \
	-c "SET auto_explain.log_level = notice" \
	-c "SELECT covet_backfill('u_plan', 'n = n + 1', 50, NULL, true)" 2>&1)
if grep -q 'Query Text: WITH "covet old" AS (UPDATE "public"."u_plan"' <<<"$out" &&
	grep -q 'Insert on undo_' <<<"$out" && ! grep -q 'Query Text: INSERT INTO "covet"."undo_' <<<"$out"; then
	ok "each batch is one statement: the UPDATE feeds the undo table, no separate INSERT ... SELECT"
else
	not_ok "each batch is one statement: the UPDATE feeds the undo table, no separate INSERT ... SELECT" "$(grep -E 'Query Text: (WITH|INSERT)|Insert on' <<<"$out" | cut -c1-120)"
fi

done_testing
