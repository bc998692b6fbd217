#!/usr/bin/env bash
# pg_undo_exact.sh: undo's exactness on PostgreSQL, the cases of
# test/scripts/lib/undo_cases.sh (also run on SQLite by
# sqlite_undo_exact.sh) (TAP).
#
# Run inside pg_virtualenv (PGHOST, PGPORT, PGUSER set; a superuser) with
# the extension installed; test/run-all.sh does that.  It creates and drops
# its own database.
set -u

cd "$(dirname "$0")/../.." || exit 1

# shellcheck source=test/scripts/lib/tap.sh
. test/scripts/lib/tap.sh
# shellcheck source=test/scripts/lib/pg.sh
. test/scripts/lib/pg.sh
# shellcheck source=test/scripts/lib/undo_cases.sh
. test/scripts/lib/undo_cases.sh

pg_scratch undoexact
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

done_testing
