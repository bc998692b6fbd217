# lockretry.sh: the cost of lock timeouts with retry when nothing blocks,
# sourced by run.sh (PostgreSQL only: SQLite has no lock_timeout).
#
# LR_MIGRATIONS (default COVET_BENCH_MIGRATIONS, 1,000) trivial migrations
# (CREATE TABLE, down DROP TABLE) applied by one covet_migrate_up() with
# covet.ddl_lock_timeout = 2s (lock_timeout set and restored around each
# migration, the lock-wait watch timer armed) and with it 0 (off), rolled
# back in between; best of BENCH_REPEAT rounds each, and the ratio.

pg_lockretry() {
	local db=covet_bench_lr i script=() n round rounds=${BENCH_REPEAT:-2}
	local on="" off="" ms out
	n=${LR_MIGRATIONS:-$NMIG}
	psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null 2>&1
	if ! psql -X -q -v ON_ERROR_STOP=1 -d "$db" -c "CREATE EXTENSION covet" >/dev/null 2>&1; then
		row postgres "lock retry: CREATE EXTENSION covet failed" "-"
		return
	fi
	for i in $(seq -f '%04g' 1 "$n"); do
		script+=("SELECT covet_define('lr$i', 'CREATE TABLE lr_$i (id int)', 'DROP TABLE lr_$i');")
	done
	printf '%s\n' "${script[@]}" | psql -X -qAt -d "$db" >/dev/null 2>&1
	for round in $(seq 1 "$rounds"); do
		for mode in on off; do
			if [ "$mode" = on ]; then
				ms=$(pq_timing "$db" "SET covet.ddl_lock_timeout = '2s';" "SELECT length(covet_migrate_up());")
			else
				ms=$(pq_timing "$db" "SET covet.ddl_lock_timeout = 0;" "SELECT length(covet_migrate_up());")
			fi
			out=$(psql -X -qAt -d "$db" -c "SELECT count(*) FROM covet.applied" 2>&1)
			if [ "$out" != "$n" ]; then
				row postgres "lock retry: covet_migrate_up applied $out of $n" "FAILED"
				psql -X -q -d postgres -c "DROP DATABASE $db" >/dev/null 2>&1
				return
			fi
			psql -X -qAt -d "$db" -c "SELECT length(covet_migrate_down($n))" >/dev/null 2>&1
			if [ "$mode" = on ]; then
				on=$(awk -v a="$on" -v b="$ms" 'BEGIN { print (a == "" || b < a) ? b : a }')
			else
				off=$(awk -v a="$off" -v b="$ms" 'BEGIN { print (a == "" || b < a) ? b : a }')
			fi
		done
	done
	row postgres "covet_migrate_up() of $n migrations, ddl_lock_timeout 2s" "$(fmt_ms "$on")"
	row postgres "the same, ddl_lock_timeout 0 (no retry)" "$(fmt_ms "$off")"
	row postgres "lock-timeout retry overhead when nothing blocks" \
		"$(awk -v a="$on" -v b="$off" -v n="$n" 'BEGIN { printf "%.3fx (%.0f us per migration)", a / b, (a - b) * 1000 / n }')"
	psql -X -q -d postgres -c "DROP DATABASE $db" >/dev/null 2>&1
}
