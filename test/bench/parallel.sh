# parallel.sh: parallel background runs against the single UPDATE, sourced
# by run.sh (BENCH_ONLY=parallel; PostgreSQL only).
#
# The batch benchmark's users table and its three workloads (batch.sh:
# email, split, remap) at PAR_ROWS rows (default "1000000 10000000"), each
# run by one set-based UPDATE (the floor) and by covet_<op>_background with
# workers => 1, 2 and 4 (batch_size 10000, undo off) + covet_wait, every one
# from an identical fresh copy of the table (pg_fresh).  The approaches are
# interleaved (floor, 1, 2, 4, floor, ...) for PAR_REPEAT rounds (default
# BENCH_REPEAT) and the minimum of each is reported: the machine may be
# shared, and the minimum is the run least disturbed.  Reported: seconds,
# the ratio to the floor (time / floor time; the target with 2 workers is
# at most 0.77, i.e. at least 1.3x faster) and the table size after it
# against the floor's (target: no larger).
#
# Where the time goes: the CPU seconds of each covet worker, or of the
# floor's backend (utime + stime from /proc/<pid>/stat, last value seen),
# and their share of the wall time, and the wait events of the workers sampled
# from pg_stat_activity every 200 ms (the same sampling runs during the
# floor, so that it costs every approach alike) (WAL insert locks show as
# LWLock:WALInsert, buffer contention as LWLock:BufferContent or
# BufferMapping, WAL flushes as IO:WALSync / WALWrite; "CPU" = no wait).
#
# Settings (environment): PAR_ROWS, PAR_REPEAT, PAR_WORKLOADS (default
# "email split remap").

# par_sql WORKLOAD APPROACH: floor, or wN for covet with N workers
par_sql() {
	local w=$1 a=$2 fn args
	case "$w" in
	email) fn=covet_backfill args="'users', 'email_norm = lower(trim(email))'" ;;
	split) fn=covet_split_field args="'users', 'full_name', 'first_name, last_name'" ;;
	remap) fn=covet_rename_values args="'users', 'status', '{\"new\": \"pending\", \"processing\": \"active\"}'" ;;
	esac
	case "$a" in
	floor) pg_sql "$w" floor ;;
	w*)
		echo "SELECT ${fn}_background($args, batch_size => $BATCH_SIZE, undo => false, workers => ${a#w}) AS bench_run \\gset"
		echo "SELECT covet_wait(:bench_run);"
		;;
	esac
}

# par_once WORKLOAD APPROACH: one timed run on the fresh users table; sets
# R_SECS, R_SIZE, R_CHECK, R_CPU (per worker "s/s%" list), R_WAITS (top waits)
par_once() {
	local w=$1 a=$2 dir psql_pid rc pid t
	R_SECS="" R_SIZE="" R_CHECK="" R_CPU="" R_WAITS=""
	dir=$(mktemp -d)
	{
		echo "SELECT pg_backend_pid() AS bench_pid \\gset"
		echo "\\setenv BENCH_PID :bench_pid"
		echo "\\! echo \$BENCH_PID > $dir/pid"
		echo "\\timing on"
		par_sql "$w" "$a"
		echo "\\timing off"
		echo "\\! touch $dir/done"
		echo "SELECT 'SIZE ' || pg_total_relation_size('users');"
		echo "SELECT 'WRONG ' || ($(check_sql "IS DISTINCT FROM" "$w" | sed 's/;$//'));"
	} >"$dir/sql"
	pgb -f "$dir/sql" >"$dir/log" 2>&1 &
	psql_pid=$!
	declare -A TICKS=()
	while kill -0 "$psql_pid" 2>/dev/null && [ ! -e "$dir/done" ]; do
		# the same sampling for every approach, so it costs each the same
		pgb -c "SELECT pid, coalesce(wait_event_type || ':' || wait_event, 'CPU') FROM pg_catalog.pg_stat_activity
				WHERE backend_type = 'covet worker' AND state = 'active'
				AND datname = current_database()" >>"$dir/waits" 2>/dev/null
		# the floor's CPU is its backend's; covet's, its workers'
		for pid in $([ "$a" = floor ] && cat "$dir/pid" 2>/dev/null) $(cut -d'|' -f1 "$dir/waits" 2>/dev/null | sort -u); do
			[ -r "/proc/$pid/stat" ] || continue
			t=$(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null)
			[ -n "$t" ] && TICKS[$pid]=$t
		done
		sleep 0.2
	done
	wait "$psql_pid"
	rc=$?
	if [ "$rc" -ne 0 ] || grep -q '^psql:.*ERROR' "$dir/log"; then
		R_CHECK="FAILED: $(grep -m1 'ERROR' "$dir/log" | sed 's/^psql:[^ ]* //')"
		rm -rf "$dir"
		return
	fi
	R_SECS=$(awk '/^Time: / { t += $2 } END { printf "%.3f", t / 1000 }' "$dir/log")
	R_SIZE=$(awk '/^SIZE / { print $2 }' "$dir/log")
	t=$(awk '/^WRONG / { print $2 }' "$dir/log")
	if [ "$t" = "0" ]; then R_CHECK="ok"; else R_CHECK="WRONG (${t:-?} rows differ)"; fi
	for pid in "${!TICKS[@]}"; do
		R_CPU+="$(awk -v t="${TICKS[$pid]}" -v s="$R_SECS" -v hz="$(getconf CLK_TCK)" \
			'BEGIN { printf "%.1fs/%.0f%% ", t / hz, (s > 0) ? 100 * t / hz / s : 0 }')"
	done
	if [ -s "$dir/waits" ]; then
		R_WAITS=$(cut -d'|' -f2 "$dir/waits" | sort | uniq -c | sort -rn | head -n 4 |
			awk -v n="$(wc -l <"$dir/waits")" '{ printf "%s %.0f%%, ", $2, 100 * $1 / n }' | sed 's/, $//')
	fi
	rm -rf "$dir"
}

pg_parallel() {
	local rows w a rep
	local workloads=${PAR_WORKLOADS:-email split remap} approaches="floor w1 w2 w4"
	local repeat=${PAR_REPEAT:-$B_REPEAT}

	psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $PGB_DB" -c "CREATE DATABASE $PGB_DB" >/dev/null 2>&1
	if ! pgb -c "CREATE EXTENSION covet" >/dev/null 2>&1; then
		report "" "PostgreSQL: CREATE EXTENSION covet failed; parallel benchmark skipped"
		return
	fi
	report "" "PostgreSQL $(pgb -c 'SHOW server_version' | cut -d' ' -f1): parallel background runs (workers => N) against one UPDATE" \
		"  $(nproc) CPUs; default settings (shared_buffers $(pgb -c 'SHOW shared_buffers'), max_wal_size $(pgb -c 'SHOW max_wal_size'));" \
		"  covet_<op>_background(..., batch_size => $BATCH_SIZE, undo => false, workers => N) + covet_wait;" \
		"  every run from a fresh copy; approaches interleaved, minimum of $repeat rounds; x floor = time / floor's" \
		"  (target for 2 workers: <= 0.77x, i.e. 1.3x faster); size = total relation size after, against the floor's;" \
		"  CPU = seconds of each worker, or of the floor's backend (and share of the wall time); waits = the workers' wait events sampled" \
		"  every 200 ms (CPU: none)"
	for rows in ${PAR_ROWS:-1000000 10000000}; do
		declare -A SECS=() CHECK=() SIZE=() CPU=() WAITS=()
		progress "postgres: parallel, generating $rows rows"
		pg_generate users_tpl "$rows" >/dev/null 2>&1
		for rep in $(seq 1 "$repeat"); do
			for w in $workloads; do
				for a in $approaches; do
					progress "postgres: parallel $rows rows, $w $a (round $rep of $repeat)"
					pg_fresh users_tpl >/dev/null 2>&1
					par_once "$w" "$a"
					if [ -n "$R_SECS" ] && { [ -z "${SECS["$w|$a"]:-}" ] || [ "$(fmin "${SECS["$w|$a"]}" "$R_SECS")" = "$R_SECS" ]; }; then
						SECS["$w|$a"]=$R_SECS SIZE["$w|$a"]=$R_SIZE CPU["$w|$a"]=$R_CPU WAITS["$w|$a"]=$R_WAITS
					fi
					case "${CHECK["$w|$a"]:-}" in FAILED* | WRONG*) ;; *) CHECK["$w|$a"]=$R_CHECK ;; esac
				done
			done
		done
		report "" "$(thousands "$rows") rows" ""
		report "$(printf '%-8s  %-22s  %9s  %8s  %-18s  %9s  %7s  %-6s  %-24s  %s' workload approach seconds "x floor" target size "x floor" values "CPU per worker" "waits")"
		report "$(printf '%-8s  %-22s  %9s  %8s  %-18s  %9s  %7s  %-6s  %-24s  %s' -------- -------- ------- ------- ------ ---- ------- ------ -------------- -----)"
		for w in $workloads; do
			for a in $approaches; do
				local secs=${SECS["$w|$a"]:-} floor=${SECS["$w|floor"]:-} label ratio="-" sratio="-" target=""
				case "$a" in floor) label="one UPDATE (floor)" ;; w1) label="covet, 1 worker" ;; *) label="covet, ${a#w} workers" ;; esac
				if [ -z "$secs" ]; then
					report "$(printf '%-8s  %-22s  %s' "$w" "$label" "${CHECK["$w|$a"]:-not run}")"
					continue
				fi
				[ -n "$floor" ] && ratio=$(awk -v s="$secs" -v f="$floor" 'BEGIN { printf "%.2fx", s / f }')
				[ -n "${SIZE["$w|floor"]:-}" ] && sratio=$(awk -v s="${SIZE["$w|$a"]}" -v f="${SIZE["$w|floor"]}" 'BEGIN { printf "%.2fx", s / f }')
				if [ "$a" = w2 ] && [ "$ratio" != "-" ]; then
					target=$(awk -v r="${ratio%x}" -v z="${sratio%x}" 'BEGIN { printf "<= 0.77x, size <= 1 %s", (r <= 0.77 && z <= 1.0) ? "ok" : "MISSED" }')
				fi
				report "$(printf '%-8s  %-22s  %9.3f  %8s  %-18s  %9s  %7s  %-6s  %-24s  %s' "$w" "$label" "$secs" "$ratio" "$target" \
					"$(awk -v b="${SIZE["$w|$a"]}" 'BEGIN { printf "%.1f MB", b / 1048576 }')" "$sratio" "${CHECK["$w|$a"]:-?}" \
					"${CPU["$w|$a"]:-}" "${WAITS["$w|$a"]:-}")"
			done
		done
		unset SECS CHECK SIZE CPU WAITS
		pgb -c "DROP TABLE IF EXISTS users; DROP TABLE IF EXISTS users_tpl" >/dev/null 2>&1
	done
	psql -X -q -d postgres -c "DROP DATABASE $PGB_DB" >/dev/null 2>&1
}
