#!/usr/bin/env bash
# sqlite_undo_exact.sh: undo's exactness on SQLite, the cases of
# test/scripts/lib/undo_cases.sh (also run on PostgreSQL by
# pg_undo_exact.sh) (TAP).
set -u

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 1

# shellcheck source=test/scripts/lib/tap.sh
. test/scripts/lib/tap.sh
# shellcheck source=test/scripts/lib/sqlite.sh
. test/scripts/lib/sqlite.sh
# shellcheck source=test/scripts/lib/undo_cases.sh
. test/scripts/lib/undo_cases.sh

sqlite_scratch undoexact

RUNS=covet_runs
T=1
X() {
	sqlite3 -bail "$DB" ".load $ROOT/covet" "$1" 2>&1
}
fail_setup() {
	X "CREATE TRIGGER fail7 BEFORE UPDATE ON $1 WHEN NEW.id = 7 AND (SELECT on_ FROM flag) = 1
	   BEGIN SELECT RAISE(ABORT, 'boom'); END;" >/dev/null
}
commit_op() {
	X "SELECT $1"
}

undo_cases

done_testing
