# shellcheck shell=bash
# commit.sh: commit per migration against all or nothing, sourced by run.sh
# (after its helpers: row, fmt_ms, sq, sq_timer, pq_timing).
#
# NMIG (default 1,000) trivial migrations (CREATE TABLE c_N (id int)) are
# defined in a fresh database and applied by one call, twice over, each
# time in a database of its own: covet_migrate_up() (one transaction) and
# covet_migrate_up_commit() (a commit per migration, with its history row;
# PostgreSQL: CALL at top level).  Both times are printed with their ratio,
# and the count of applied migrations is checked.  SQLite runs on a file
# with the default settings (rollback journal, synchronous=FULL: a commit
# is a few fsyncs) and again in WAL mode with synchronous=NORMAL;
# PostgreSQL with pg_virtualenv's defaults.  Each form runs BENCH_REPEAT
# times (default 2), the best time reported.

commit_defs() {
	local i
	for i in $(seq -f '%04g' 1 "$NMIG"); do
		echo "SELECT covet_define('c$i', 'CREATE TABLE c_$i (id int)');"
	done
}

# commit_ratio A_MS B_MS: "x.xx"
commit_ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0) printf "%.2f", b / a; else print "-" }'
}

# sqlite_commit_one MODE FORM: ms of FORM applying NMIG migrations, best of
# BENCH_REPEAT, each in a new database; MODE "wal" or "" (default).
sqlite_commit_one() {
	local mode=$1 form=$2 tmp db best="" ms n r
	tmp=$(mktemp -d)
	for r in $(seq 1 "${BENCH_REPEAT:-2}"); do
		db=$tmp/c$r.db
		{
			[ "$mode" = wal ] && echo "PRAGMA journal_mode = WAL;"
			commit_defs
		} | sq "$db" >/dev/null
		ms=$(sq_timer "$db" "$([ "$mode" = wal ] && echo "PRAGMA synchronous = NORMAL;")SELECT length($form);")
		n=$(sq "$db" <<<"SELECT count(*) FROM covet_applied;")
		if [ "$n" != "$NMIG" ]; then
			echo "-1"
			rm -rf "$tmp"
			return
		fi
		best=$(awk -v a="${best:-$ms}" -v b="$ms" 'BEGIN { print (b < a ? b : a) }')
	done
	rm -rf "$tmp"
	echo "$best"
}

sqlite_commit() {
	local mode label up commit
	for mode in "" wal; do
		label=$([ "$mode" = wal ] && echo "WAL" || echo "journal")
		up=$(sqlite_commit_one "$mode" "covet_migrate_up()")
		commit=$(sqlite_commit_one "$mode" "covet_migrate_up_commit()")
		row sqlite "covet_migrate_up(), $NMIG migrations ($label)" "$(fmt_ms "$up")"
		row sqlite "covet_migrate_up_commit(), $NMIG migrations ($label)" \
			"$(fmt_ms "$commit") ($(commit_ratio "$up" "$commit") x the one transaction)"
	done
}

# pg_commit_one FORM: ms of FORM, best of BENCH_REPEAT, each in a new database.
pg_commit_one() {
	local form=$1 db=covet_bench_commit best="" ms n r
	for r in $(seq 1 "${BENCH_REPEAT:-2}"); do
		psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null 2>&1
		psql -X -q -d "$db" -c "CREATE EXTENSION covet" >/dev/null 2>&1
		commit_defs | psql -X -qAt -d "$db" >/dev/null 2>&1
		ms=$(pq_timing "$db" "$form;")
		n=$(psql -X -qAt -d "$db" -c "SELECT count(*) FROM covet.applied" 2>&1)
		if [ "$n" != "$NMIG" ]; then
			best=-1
			break
		fi
		best=$(awk -v a="${best:-$ms}" -v b="$ms" 'BEGIN { print (b < a ? b : a) }')
	done
	psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1
	echo "$best"
}

pg_commit() {
	local up commit
	up=$(pg_commit_one "SELECT length(covet_migrate_up())")
	commit=$(pg_commit_one "CALL covet_migrate_up_commit()")
	row postgres "SELECT covet_migrate_up(), $NMIG migrations" "$(fmt_ms "$up")"
	row postgres "CALL covet_migrate_up_commit(), $NMIG migrations" \
		"$(fmt_ms "$commit") ($(commit_ratio "$up" "$commit") x the one transaction)"
}
