# pg.sh: what the PostgreSQL test scripts share (sourced, not run).
#
#   pg_scratch NAME         DB=covet_NAME_$$, a temporary directory TMP and
#                           runner="", all cleaned up on exit (pg_cleanup)
#   create_db               creates $DB with the covet extension, or bails out
#   q SQL                   runs SQL in $DB: unaligned, errors on stdout
#   wait_for SQL WANT [TRIES [STEP]]
#                           until q SQL prints WANT (TRIES polls STEP s apart,
#                           200 and 0.05 unless told); fails if it never does
#   wait_ready              until the cluster answers again after a backend
#                           was killed (up to 60 s); prints how many half
#                           seconds that took
#
# The scripts run inside pg_virtualenv (PGHOST, PGPORT, PGUSER set; a
# superuser), from the repository root.

pg_scratch() {
	DB=covet_$1_$$
	TMP=$(mktemp -d)
	runner=""
	trap pg_cleanup EXIT
}

# pg_cleanup: kill the background psql in $runner, if a script left one,
# drop the database and remove TMP.  A script with more to undo sets its own
# EXIT trap that calls pg_cleanup.  WITH (FORCE): killing a psql does not
# end its backend (one in pg_sleep runs on), and that must not keep the
# database alive.
pg_cleanup() {
	[ -n "$runner" ] && kill "$runner" 2>/dev/null
	psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1
	rm -rf "$TMP"
}

create_db() {
	if ! psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE $DB" >"$TMP/setup" 2>&1 ||
		! psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -c "CREATE EXTENSION covet" >>"$TMP/setup" 2>&1; then
		echo "Bail out! could not create a database with the covet extension: $(tr '\n' ' ' <"$TMP/setup")"
		exit 1
	fi
}

q() {
	psql -X -qAt -v ON_ERROR_STOP=1 -d "$DB" -c "$1" 2>&1
}

wait_for() {
	local got
	for _ in $(seq 1 "${3:-200}"); do
		got=$(q "$1")
		[ "$got" = "$2" ] && return 0
		sleep "${4:-0.05}"
	done
	return 1
}

# wait_ready: a backend killed with SIGKILL restarts the whole cluster; this
# waits until $DB can be queried again, not just until pg_isready says yes.
wait_ready() {
	local i
	for i in $(seq 1 120); do
		if pg_isready -q -d postgres && psql -X -qAt -d "$DB" -c "SELECT 1" >/dev/null 2>&1; then
			echo "$i"
			return 0
		fi
		sleep 0.5
	done
	return 1
}
