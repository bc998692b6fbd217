# batch.sh: the batched data operations benchmark, sourced by run.sh.
#
# One table, users(id bigint primary key, email text, email_norm text,
# full_name text, first_name text, last_name text, status text), of ROWS rows
# (default 1,000,000): mixed-case emails with spaces around them, "First
# Last" names (some last names have a space: "van Rossum"), statuses
# new/processing/done.  Three workloads:
#   email   email_norm = lower(trim(email))
#   split   full_name into first_name, last_name
#   remap   status new -> pending, processing -> active
# each run by several approaches, every one from an identical fresh copy of
# the table (PostgreSQL: CREATE TABLE AS from a template + primary key,
# VACUUM ANALYZE, CHECKPOINT; SQLite: a copy of the database file):
#   PostgreSQL: one set-based UPDATE (the floor); a PL/pgSQL procedure with
#               keyset batches of 10,000 and COMMIT after each; covet atomic
#               (SELECT covet_<op>(...)); covet commit-per-batch (CALL
#               covet_<op>_commit(...)); covet background
#               (covet_<op>_background + covet_wait), when installed.
#   SQLite:     one UPDATE (the floor); covet atomic (BEGIN; SELECT
#               covet_<op>(...); COMMIT); covet commit-per-batch (SELECT in
#               autocommit mode).  WAL with synchronous=NORMAL for all.
# covet runs with batch_size 10000 and undo off; one extra row per workload
# and engine runs commit-per-batch with undo on (target: 1.15x the floor),
# and SQLite adds commit-per-batch in the default rollback-journal mode.
# PostgreSQL also reports the WAL each approach writes (pg_current_wal_lsn
# before and after): unlike seconds, it does not vary with the machine's
# load, and it shows what undo's copy of the old values costs.  Both engines
# also report CPU seconds (SQLite: the shell's user + system time;
# PostgreSQL: the backend's, from /proc/<pid>/stat), less disturbed than
# wall-clock seconds when others share the machine.  Each approach runs BENCH_REPEAT times
# (round robin) and the best time is reported.  After every run the values
# are checked against what the floor computes.
#
# Peak memory: SQLite, the sqlite3 process's peak RSS (/usr/bin/time %M);
# PostgreSQL, the backend's VmHWM (includes the shared buffers it touched)
# and its peak private memory (RssAnon, sampled every 50 ms) from
# /proc/<pid>/status.  At ROWS and at MEM_ROWS (default 10 x ROWS; 0 skips)
# for the floor, covet atomic and covet commit-per-batch on the email workload.
#
# Speed targets are reported ("ok" / "MISSED"), never asserted.
#
# Settings (environment): ROWS, MEM_ROWS, BENCH_REPEAT (default 2).

BATCH_SIZE=10000

# batch_init: settings from the environment (run.sh calls it first).
batch_init() {
	B_ROWS=${ROWS:-1000000}
	B_MEM_ROWS=${MEM_ROWS:-$((B_ROWS * 10))}
	B_REPEAT=${BENCH_REPEAT:-2}
	case "$B_ROWS$B_MEM_ROWS$B_REPEAT" in
	*[!0-9]*)
		echo "bench: ROWS, MEM_ROWS and BENCH_REPEAT must be integers" >&2
		exit 1
		;;
	esac
	[ "$B_ROWS" -ge 1 ] || B_ROWS=1
	[ "$B_REPEAT" -ge 1 ] || B_REPEAT=1
}

# report LINE...: the batch benchmark's report (a file inside pg_virtualenv).
report() {
	if [ -n "${REPORTFILE:-}" ]; then
		printf '%s\n' "$@" >>"$REPORTFILE"
	else
		printf '%s\n' "$@"
	fi
}

# progress TEXT: a line on the terminal while it runs (when run.sh's stderr
# is one; /dev/tty, since pg_virtualenv's output is dropped).
progress() {
	if [ -n "${BENCH_TTY:-}" ]; then
		printf 'bench: %s\n' "$*" >/dev/tty 2>/dev/null
	fi
}

thousands() {
	awk -v n="$1" 'BEGIN { s = sprintf("%.0f", n); o = "";
		while (length(s) > 3) { o = "," substr(s, length(s) - 2) o; s = substr(s, 1, length(s) - 3) }
		print s o }'
}

# min A B: the smaller of two decimal numbers ("" counts as none)
fmin() {
	if [ -z "$1" ]; then echo "$2"; elif [ -z "$2" ]; then echo "$1"; else
		awk -v a="$1" -v b="$2" 'BEGIN { print (a + 0 <= b + 0) ? a : b }'
	fi
}

fmax() {
	if [ -z "$1" ]; then echo "$2"; elif [ -z "$2" ]; then echo "$1"; else
		awk -v a="$1" -v b="$2" 'BEGIN { print (a + 0 >= b + 0) ? a : b }'
	fi
}

# target_cell RATIO LIMIT [PLPGSQL_RATIO]: "<= 1.05 ok" or "<= 1.05 MISSED"
target_cell() {
	awk -v r="$1" -v l="$2" -v p="${3:-}" 'BEGIN {
		ok = (r + 0 <= l + 0);
		s = sprintf("<= %.2fx", l);
		if (p != "") { s = s sprintf(", <= plpgsql (%.2fx)", p); ok = ok && (r + 0 <= p + 0) }
		printf "%s %s", s, ok ? "ok" : "MISSED" }'
}

# print_speed_table ENGINE ROWS WORKLOADS APPROACHES: one line per measured
# workload/approach from the arrays SECS, CHECK, TARGET, LABEL.
print_speed_table() {
	local engine=$1 rows=$2 w a floor secs ratio rate target plr
	report "$(printf '%-8s  %-50s  %9s  %11s  %8s  %-36s  %s' workload approach seconds rows/s "x floor" target values)"
	report "$(printf '%-8s  %-50s  %9s  %11s  %8s  %-36s  %s' -------- -------- ------- ------ ------- ------ ------)"
	for w in $3; do
		floor=${SECS["$w|floor"]:-}
		for a in $4; do
			[ -n "${LABEL["$w|$a"]:-}" ] || continue
			secs=${SECS["$w|$a"]:-}
			if [ -z "$secs" ]; then
				report "$(printf '%-8s  %-50s  %s' "$w" "${LABEL["$w|$a"]}" "${CHECK["$w|$a"]:-not run}")"
				continue
			fi
			rate=$(thousands "$(awk -v n="$rows" -v s="$secs" 'BEGIN { printf "%.0f", (s > 0) ? n / s : 0 }')")
			ratio="-"
			[ -n "$floor" ] && ratio=$(awk -v s="$secs" -v f="$floor" 'BEGIN { printf "%.2fx", s / f }')
			target=""
			if [ -n "${TARGET["$w|$a"]:-}" ] && [ -n "$floor" ]; then
				plr=""
				if [ "${TARGET["$w|$a"]}" = "1.05+plpgsql" ]; then
					[ -n "${SECS["$w|plpgsql"]:-}" ] &&
						plr=$(awk -v p="${SECS["$w|plpgsql"]}" -v f="$floor" 'BEGIN { printf "%.4f", p / f }')
					target=$(target_cell "${ratio%x}" 1.05 "$plr")
				else
					target=$(target_cell "${ratio%x}" "${TARGET["$w|$a"]}")
				fi
			fi
			report "$(printf '%-8s  %-50s  %9.3f  %11s  %8s  %-36s  %s' "$w" "${LABEL["$w|$a"]}" "$secs" "$rate" "$ratio" "$target" "${CHECK["$w|$a"]:-?}")"
		done
	done
}

# print_cpu_table WORKLOADS APPROACHES: CPU seconds per workload/approach
# (the least over the rounds) from the array CPU, and the ratio to the
# floor's; targets as in the speed table
print_cpu_table() {
	local w a floor ratio
	report "" "  CPU seconds (least over the rounds) and their ratio to the floor's:" ""
	report "$(printf '%-8s  %-50s  %9s  %8s  %s' workload approach "CPU s" "x floor" target)"
	report "$(printf '%-8s  %-50s  %9s  %8s  %s' -------- -------- ----- ------- ------)"
	for w in $1; do
		floor=${CPU["$w|floor"]:-}
		for a in $2; do
			[ -n "${CPU["$w|$a"]:-}" ] || continue
			ratio="-"
			[ -n "$floor" ] && ratio=$(awk -v s="${CPU["$w|$a"]}" -v f="$floor" 'BEGIN { if (f > 0) printf "%.2fx", s / f; else print "-" }')
			report "$(printf '%-8s  %-50s  %9.3f  %8s  %s' "$w" "${LABEL["$w|$a"]}" "${CPU["$w|$a"]}" "$ratio" "${TARGET["$w|$a"]:-}")"
		done
	done
}

# kb_mb KB: "N.N MB"
kb_mb() {
	if [ -z "$1" ]; then echo "-"; else awk -v k="$1" 'BEGIN { printf "%.1f MB", k / 1024 }'; fi
}

ratio_of() {
	if [ -z "$1" ] || [ -z "$2" ]; then echo "-"; else
		awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'
	fi
}

# --- SQLite -------------------------------------------------------------------

sqlite_generate() {
	sqlite3 -batch "$1" <<EOF
CREATE TABLE users (id bigint PRIMARY KEY, email text, email_norm text, full_name text,
                    first_name text, last_name text, status text);
INSERT INTO users (id, email, full_name, status)
SELECT value,
  printf('  %s.%s%d@%s  ',
         CASE value % 4 WHEN 0 THEN 'Ada' WHEN 1 THEN 'GRACE' WHEN 2 THEN 'alan' ELSE 'Edsger' END,
         CASE value % 5 WHEN 0 THEN 'Lovelace' WHEN 1 THEN 'HOPPER' WHEN 2 THEN 'turing'
                        WHEN 3 THEN 'Dijkstra' ELSE 'Knuth' END,
         value,
         CASE value % 3 WHEN 0 THEN 'Example.COM' WHEN 1 THEN 'mail.example.org' ELSE 'EXAMPLE.net' END),
  CASE value % 7 WHEN 0 THEN 'Ada' WHEN 1 THEN 'Grace' WHEN 2 THEN 'Alan' WHEN 3 THEN 'Edsger'
                 WHEN 4 THEN 'Barbara' WHEN 5 THEN 'Donald' ELSE 'Ken' END || ' ' ||
  CASE value % 11 WHEN 0 THEN 'Lovelace' WHEN 1 THEN 'Hopper' WHEN 2 THEN 'Turing' WHEN 3 THEN 'Dijkstra'
                  WHEN 4 THEN 'Liskov' WHEN 5 THEN 'Knuth' WHEN 6 THEN 'Thompson' WHEN 7 THEN 'Wirth'
                  WHEN 8 THEN 'Backus' WHEN 9 THEN 'van Rossum' ELSE 'Kay' END,
  CASE value % 3 WHEN 0 THEN 'new' WHEN 1 THEN 'processing' ELSE 'done' END
FROM generate_series(1, $2);
ANALYZE;
EOF
}

# the SQL of a workload/approach on SQLite (undo: 0 or 1)
sqlite_sql() {
	local w=$1 a=$2 undo=0
	case "$a" in *undo*) undo=1 ;; esac
	local op
	case "$w" in
	email) op="covet_backfill('users', 'email_norm = lower(trim(email))', $BATCH_SIZE, NULL, $undo)" ;;
	split) op="covet_split_field('users', 'full_name', 'first_name, last_name', ' ', $BATCH_SIZE, $undo)" ;;
	remap) op="covet_rename_values('users', 'status', '{\"new\":\"pending\",\"processing\":\"active\"}', 1, $BATCH_SIZE, $undo)" ;;
	esac
	case "$a" in
	floor | floor_txn)
		[ "$a" = floor_txn ] && echo "BEGIN;"
		case "$w" in
		email) echo "UPDATE users SET email_norm = lower(trim(email));" ;;
		split) echo "UPDATE users SET first_name = substr(full_name, 1, instr(full_name, ' ') - 1), last_name = substr(full_name, instr(full_name, ' ') + 1);" ;;
		remap) echo "UPDATE users SET status = CASE status WHEN 'new' THEN 'pending' WHEN 'processing' THEN 'active' ELSE status END WHERE status IN ('new', 'processing');" ;;
		esac
		[ "$a" = floor_txn ] && echo "COMMIT;"
		;;
	atomic) printf '%s\n' "BEGIN;" "SELECT $op;" "COMMIT;" ;;
	*) echo "SELECT $op;" ;;
	esac
}

# the check of a workload's values: the number of wrong rows (0 is right)
check_sql() {
	local isnot=$1
	case "$2" in
	email) echo "SELECT count(*) FROM users WHERE email_norm $isnot lower(trim(email));" ;;
	split)
		if [ "$isnot" = "IS NOT" ]; then
			echo "SELECT count(*) FROM users WHERE first_name IS NOT substr(full_name, 1, instr(full_name, ' ') - 1) OR last_name IS NOT substr(full_name, instr(full_name, ' ') + 1);"
		else
			echo "SELECT count(*) FROM users WHERE first_name IS DISTINCT FROM split_part(full_name, ' ', 1) OR last_name IS DISTINCT FROM substr(full_name, strpos(full_name, ' ') + 1);"
		fi
		;;
	remap) echo "SELECT count(*) FROM users WHERE status $isnot CASE id % 3 WHEN 0 THEN 'pending' WHEN 1 THEN 'active' ELSE 'done' END;" ;;
	esac
}

# sqlite_once DB WORKLOAD APPROACH: run one approach on DB (a fresh copy);
# sets R_SECS, R_KB, R_CHECK.
sqlite_once() {
	local db=$1 w=$2 a=$3 log=$1.log tm=$1.time wrong
	R_SECS="" R_KB="" R_CHECK="" R_CPU=""
	{
		if [ "$a" != "commit_rollback" ]; then
			printf '%s\n' "PRAGMA journal_mode = WAL;" "PRAGMA synchronous = NORMAL;"
		fi
		echo ".timer on"
		sqlite_sql "$w" "$a"
		# pages still in the WAL are written to the database file: timed
		[ "$a" != "commit_rollback" ] && echo "PRAGMA wal_checkpoint(TRUNCATE);"
	} >"$db.sql"
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f '%M' -o "$tm" sqlite3 -batch -bail -cmd ".load $ROOT/covet" "$db" <"$db.sql" >"$log" 2>&1
	else
		sqlite3 -batch -bail -cmd ".load $ROOT/covet" "$db" <"$db.sql" >"$log" 2>&1
	fi
	if grep -qiE '^(error|parse error|runtime error)|: error' "$log"; then
		R_CHECK="FAILED: $(grep -iE 'error' "$log" | head -1)"
		return
	fi
	R_SECS=$(awk '/^Run Time: real/ { t += $4 } END { printf "%.3f", t }' "$log")
	R_CPU=$(awk '/^Run Time: real/ { t += $6 + $8 } END { printf "%.3f", t }' "$log")
	[ -s "$tm" ] && R_KB=$(tail -1 "$tm")
	wrong=$(sqlite3 -batch "$db" "$(check_sql "IS NOT" "$w")" 2>&1)
	if [ "$wrong" = "0" ]; then R_CHECK="ok"; else R_CHECK="WRONG ($wrong rows differ)"; fi
}

sqlite_batch() {
	local tmp base w a rep mbase
	declare -A SECS=() CHECK=() LABEL=() TARGET=() KB=() CPU=()
	local workloads="email split remap"
	local approaches="floor floor_txn atomic commit commit_undo commit_rollback"
	tmp=$(mktemp -d)
	base=$tmp/base.db
	progress "sqlite: generating $B_ROWS rows"
	if ! sqlite_generate "$base" "$B_ROWS" >"$tmp/gen.log" 2>&1; then
		report "SQLite: could not generate the table: $(head -1 "$tmp/gen.log")"
		rm -rf "$tmp"
		return
	fi
	for w in $workloads; do
		LABEL["$w|floor"]="one UPDATE (floor)"
		LABEL["$w|floor_txn"]="  the same UPDATE inside BEGIN ... COMMIT"
		LABEL["$w|atomic"]="covet atomic (BEGIN; SELECT ...; COMMIT)"
		LABEL["$w|commit"]="covet commit-per-batch (SELECT, autocommit)"
		TARGET["$w|atomic"]=1.10
		TARGET["$w|commit"]=1.25
	done
	for w in $workloads; do
		LABEL["$w|commit_undo"]="covet commit-per-batch, undo on"
		TARGET["$w|commit_undo"]=1.15
	done
	TARGET["remap|atomic"]=1.05
	LABEL["email|commit_rollback"]="covet commit-per-batch, rollback journal (default)"

	for rep in $(seq 1 "$B_REPEAT"); do
		for w in $workloads; do
			for a in $approaches; do
				[ -n "${LABEL["$w|$a"]:-}" ] || continue
				progress "sqlite: $w $a (round $rep of $B_REPEAT)"
				rm -f "$tmp"/run.db*
				cp "$base" "$tmp/run.db"
				# the copy's dirty pages written back now, not during the run
				sync
				sqlite_once "$tmp/run.db" "$w" "$a"
				if [ -n "$R_SECS" ]; then
					SECS["$w|$a"]=$(fmin "${SECS["$w|$a"]:-}" "$R_SECS")
					CPU["$w|$a"]=$(fmin "${CPU["$w|$a"]:-}" "$R_CPU")
					KB["$w|$a"]=$(fmax "${KB["$w|$a"]:-}" "$R_KB")
				fi
				# a failure or a wrong value in any round is what is shown
				case "${CHECK["$w|$a"]:-}" in FAILED* | WRONG*) ;; *) CHECK["$w|$a"]=$R_CHECK ;; esac
			done
		done
	done

	report "" "SQLite: batched data operations on $(thousands "$B_ROWS") rows" \
		"  journal_mode=WAL, synchronous=NORMAL for every approach (floor included) unless said;" \
		"  covet with batch_size $BATCH_SIZE and undo off (0) unless said; table id bigint PRIMARY KEY" \
		"  (not the rowid); seconds = best of $B_REPEAT (sqlite3 .timer: the statements and a final"\
		"  wal_checkpoint(TRUNCATE), so every approach has its pages in the database file);"\
		"  inside a transaction SQLite gives a multi-row UPDATE that calls a function a statement"\
		"  journal (the \"inside BEGIN\" row), which covet atomic pays as well;" \
		"  rows/s = table rows / seconds; values = checked against the floor's expression" ""
	print_speed_table sqlite "$B_ROWS" "$workloads" "$approaches"
	print_cpu_table "$workloads" "$approaches"

	# memory at ROWS (from the runs above) and at MEM_ROWS
	declare -A MKB=() MSECS=() MCHECK=()
	if [ "$B_MEM_ROWS" -gt 0 ]; then
		mbase=$tmp/mem.db
		progress "sqlite: generating $B_MEM_ROWS rows"
		rm -f "$base"
		if sqlite_generate "$mbase" "$B_MEM_ROWS" >"$tmp/gen.log" 2>&1; then
			for a in floor atomic commit; do
				progress "sqlite: memory, email $a at $B_MEM_ROWS rows"
				rm -f "$tmp"/run.db*
				cp "$mbase" "$tmp/run.db"
				sync
				sqlite_once "$tmp/run.db" email "$a"
				MKB[$a]=$R_KB MSECS[$a]=$R_SECS MCHECK[$a]=$R_CHECK
			done
		fi
	fi
	report "" "SQLite: peak RSS of the sqlite3 process (/usr/bin/time %M), email workload" ""
	report "$(printf '%-50s  %12s  %9s  %12s  %s' approach rows seconds "peak RSS" "ratio to $(thousands "$B_ROWS") rows")"
	report "$(printf '%-50s  %12s  %9s  %12s  %s' -------- ---- ------- -------- -----)"
	for a in floor atomic commit; do
		report "$(printf '%-50s  %12s  %9s  %12s  %s' "${LABEL["email|$a"]}" "$(thousands "$B_ROWS")" "${SECS["email|$a"]:--}" "$(kb_mb "${KB["email|$a"]:-}")" "")"
		[ "$B_MEM_ROWS" -gt 0 ] || continue
		if [ -n "${MSECS[$a]:-}" ]; then
			report "$(printf '%-50s  %12s  %9s  %12s  %s' "${LABEL["email|$a"]}" "$(thousands "$B_MEM_ROWS")" "${MSECS[$a]}" "$(kb_mb "${MKB[$a]:-}")" "$(ratio_of "${MKB[$a]:-}" "${KB["email|$a"]:-}")x${TARGET["email|$a"]:+ (target: the same)}; values ${MCHECK[$a]}")"
		else
			report "$(printf '%-50s  %12s  %s' "${LABEL["email|$a"]}" "$(thousands "$B_MEM_ROWS")" "${MCHECK[$a]:-not run}")"
		fi
	done
	rm -rf "$tmp"
}

# --- PostgreSQL ---------------------------------------------------------------

PGB_DB=covet_batch

pgb() {
	psql -X -qAt -v ON_ERROR_STOP=1 -d "$PGB_DB" "$@"
}

# pg_generate TABLE N: the data, in TABLE (no key, for CREATE TABLE AS copies)
pg_generate() {
	pgb -v rows="$2" <<EOF
DROP TABLE IF EXISTS $1;
CREATE TABLE $1 AS SELECT g::bigint AS id,
  format('  %s.%s%s@%s  ', (ARRAY['Ada','GRACE','alan','Edsger'])[g % 4 + 1],
         (ARRAY['Lovelace','HOPPER','turing','Dijkstra','Knuth'])[g % 5 + 1], g,
         (ARRAY['Example.COM','mail.example.org','EXAMPLE.net'])[g % 3 + 1]) AS email,
  NULL::text AS email_norm,
  (ARRAY['Ada','Grace','Alan','Edsger','Barbara','Donald','Ken'])[g % 7 + 1] || ' ' ||
  (ARRAY['Lovelace','Hopper','Turing','Dijkstra','Liskov','Knuth','Thompson','Wirth',
         'Backus','van Rossum','Kay'])[g % 11 + 1] AS full_name,
  NULL::text AS first_name, NULL::text AS last_name,
  (ARRAY['new','processing','done'])[g % 3 + 1] AS status
FROM generate_series(1, :rows) g;
EOF
}

# pg_fresh TEMPLATE: users as an identical fresh copy of TEMPLATE; undo
# tables of earlier runs dropped; vacuumed, analyzed, checkpointed.
pg_fresh() {
	pgb <<EOF
DROP TABLE IF EXISTS users;
SELECT format('DROP TABLE IF EXISTS %s', undo_table) FROM covet.runs WHERE undo_table IS NOT NULL \gexec
CREATE TABLE users AS SELECT * FROM $1;
ALTER TABLE users ADD PRIMARY KEY (id);
VACUUM ANALYZE users;
CHECKPOINT;
EOF
}

pg_procedures() {
	local w set where
	for w in email split remap; do
		where=""
		case "$w" in
		email) set="email_norm = lower(trim(email))" ;;
		split) set="first_name = split_part(full_name, ' ', 1), last_name = substr(full_name, strpos(full_name, ' ') + 1)" ;;
		remap)
			set="status = CASE status WHEN 'new' THEN 'pending' WHEN 'processing' THEN 'active' ELSE status END"
			where=" AND status IN ('new', 'processing')"
			;;
		esac
		pgb <<EOF
CREATE OR REPLACE PROCEDURE bench_plpgsql_$w() LANGUAGE plpgsql AS \$\$
DECLARE
  lo bigint;
  hi bigint;
  top bigint;
BEGIN
  SELECT min(id) - 1, max(id) INTO lo, top FROM users;
  WHILE lo < top LOOP
    SELECT id INTO hi FROM users WHERE id > lo ORDER BY id OFFSET $((BATCH_SIZE - 1)) LIMIT 1;
    IF hi IS NULL THEN
      hi := top;
    END IF;
    UPDATE users SET $set WHERE id > lo AND id <= hi$where;
    COMMIT;
    lo := hi;
  END LOOP;
END
\$\$;
EOF
	done
}

# the SQL of a workload/approach on PostgreSQL
pg_sql() {
	local w=$1 a=$2 undo=false fn args
	case "$a" in *undo*) undo=true ;; esac
	case "$w" in
	email) fn=covet_backfill args="'users', 'email_norm = lower(trim(email))'" ;;
	split) fn=covet_split_field args="'users', 'full_name', 'first_name, last_name'" ;;
	remap) fn=covet_rename_values args="'users', 'status', '{\"new\": \"pending\", \"processing\": \"active\"}'" ;;
	esac
	args="$args, batch_size => $BATCH_SIZE, undo => $undo"
	case "$a" in
	floor)
		case "$w" in
		email) echo "UPDATE users SET email_norm = lower(trim(email));" ;;
		split) echo "UPDATE users SET first_name = split_part(full_name, ' ', 1), last_name = substr(full_name, strpos(full_name, ' ') + 1);" ;;
		remap) echo "UPDATE users SET status = CASE status WHEN 'new' THEN 'pending' WHEN 'processing' THEN 'active' ELSE status END WHERE status IN ('new', 'processing');" ;;
		esac
		;;
	plpgsql) echo "CALL bench_plpgsql_$w();" ;;
	atomic) echo "SELECT $fn($args);" ;;
	commit*) echo "CALL ${fn}_commit($args);" ;;
	background)
		echo "SELECT ${fn}_background($args) AS bench_run \\gset"
		echo "SELECT covet_wait(:bench_run);"
		;;
	esac
}

# pg_once WORKLOAD APPROACH: one timed run on the fresh users table, in its
# own session; sets R_SECS, R_HWM, R_ANON (kB), R_SIZE (bytes), R_CHECK.
pg_once() {
	local w=$1 a=$2 dir psql_pid bpid="" k v anon=0 hwm=0 rc
	R_SECS="" R_HWM="" R_ANON="" R_SIZE="" R_CHECK="" R_WAL="" R_CPU=""
	dir=$(mktemp -d)
	{
		echo "SELECT pg_backend_pid() AS bench_pid \\gset"
		echo "\\setenv BENCH_PID :bench_pid"
		echo "\\! echo \$BENCH_PID > $dir/pid"
		echo "SELECT pg_current_wal_lsn() AS bench_lsn \\gset"
		echo "\\! awk '{ print \"CPU0 \" \$14 + \$15 }' /proc/\$BENCH_PID/stat > $dir/cpu"
		echo "\\timing on"
		pg_sql "$w" "$a"
		echo "\\timing off"
		echo "\\! awk '{ print \"CPU1 \" \$14 + \$15 }' /proc/\$BENCH_PID/stat >> $dir/cpu"
		echo "\\! grep -E '^(VmHWM|RssAnon):' /proc/\$BENCH_PID/status > $dir/mem; touch $dir/done"
		echo "SELECT 'WAL ' || pg_wal_lsn_diff(pg_current_wal_lsn(), :'bench_lsn');"
		echo "SELECT 'SIZE ' || pg_total_relation_size('users');"
		echo "SELECT 'WRONG ' || ($(check_sql "IS DISTINCT FROM" "$w" | sed 's/;$//'));"
	} >"$dir/sql"
	pgb -f "$dir/sql" >"$dir/log" 2>&1 &
	psql_pid=$!
	# sample the backend's private memory while it works (not during the
	# size and value checks that follow)
	while kill -0 "$psql_pid" 2>/dev/null && [ ! -e "$dir/done" ]; do
		if [ -z "$bpid" ] && [ -s "$dir/pid" ]; then
			bpid=$(cat "$dir/pid")
		fi
		if [ -n "$bpid" ] && [ -r "/proc/$bpid/status" ]; then
			while read -r k v _; do
				case "$k" in
				RssAnon:) [ "$v" -gt "$anon" ] && anon=$v ;;
				VmHWM:) [ "$v" -gt "$hwm" ] && hwm=$v ;;
				esac
			done <"/proc/$bpid/status" 2>/dev/null
		fi
		sleep 0.05
	done
	wait "$psql_pid"
	rc=$?
	if [ "$rc" -ne 0 ] || grep -q '^psql:.*ERROR' "$dir/log"; then
		R_CHECK="FAILED: $(grep -m1 'ERROR' "$dir/log" | sed 's/^psql:[^ ]* //')"
		rm -rf "$dir"
		return
	fi
	if [ -s "$dir/mem" ]; then
		while read -r k v _; do
			case "$k" in
			RssAnon:) [ "$v" -gt "$anon" ] && anon=$v ;;
			VmHWM:) [ "$v" -gt "$hwm" ] && hwm=$v ;;
			esac
		done <"$dir/mem"
	fi
	R_SECS=$(awk '/^Time: / { t += $2 } END { printf "%.3f", t / 1000 }' "$dir/log")
	R_HWM=$hwm R_ANON=$anon
	R_SIZE=$(awk '/^SIZE / { print $2 }' "$dir/log")
	R_WAL=$(awk '/^WAL / { print $2 }' "$dir/log")
	R_CPU=$(awk -v hz="$(getconf CLK_TCK)" '/^CPU0/ { a = $2 } /^CPU1/ { b = $2 } END { if (b != "") printf "%.3f", (b - a) / hz }' "$dir/cpu" 2>/dev/null)
	v=$(awk '/^WRONG / { print $2 }' "$dir/log")
	if [ "$v" = "0" ]; then R_CHECK="ok"; else R_CHECK="WRONG (${v:-?} rows differ)"; fi
	rm -rf "$dir"
}

pg_batch() {
	local w a rep bg_missing="" fn fresh_size
	declare -A SECS=() CHECK=() LABEL=() TARGET=() HWM=() ANON=() SIZE=() WAL=() CPU=()
	local workloads="email split remap"
	local approaches="floor plpgsql atomic commit background commit_undo"

	psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $PGB_DB" -c "CREATE DATABASE $PGB_DB" >/dev/null 2>&1
	if ! pgb -c "CREATE EXTENSION covet" >/dev/null 2>&1; then
		report "" "PostgreSQL: CREATE EXTENSION covet failed; batch benchmark skipped"
		return
	fi
	for fn in covet_backfill_background covet_split_field_background covet_rename_values_background covet_wait; do
		if [ "$(pgb -c "SELECT count(*) FROM pg_proc WHERE proname = '$fn'")" = "0" ]; then
			bg_missing+=" $fn"
		fi
	done
	progress "postgres: generating $B_ROWS rows"
	pg_generate users_tpl "$B_ROWS" >/dev/null 2>&1
	pg_fresh users_tpl >/dev/null 2>&1
	fresh_size=$(pgb -c "SELECT pg_total_relation_size('users')" 2>/dev/null)
	pg_procedures >/dev/null 2>&1

	for w in $workloads; do
		LABEL["$w|floor"]="one UPDATE (floor)"
		LABEL["$w|plpgsql"]="PL/pgSQL procedure, keyset 10,000 + COMMIT"
		LABEL["$w|atomic"]="covet atomic (SELECT)"
		LABEL["$w|commit"]="covet commit-per-batch (CALL ..._commit)"
		LABEL["$w|background"]="covet background (..._background + wait)"
		TARGET["$w|atomic"]=1.05
		TARGET["$w|commit"]=1.05+plpgsql
		if [ -n "$bg_missing" ]; then
			CHECK["$w|background"]="background: not available (no$bg_missing)"
		fi
	done
	for w in $workloads; do
		LABEL["$w|commit_undo"]="covet commit-per-batch, undo on"
		TARGET["$w|commit_undo"]=1.15
	done

	for rep in $(seq 1 "$B_REPEAT"); do
		for w in $workloads; do
			for a in $approaches; do
				[ -n "${LABEL["$w|$a"]:-}" ] || continue
				[ "$a" = background ] && [ -n "$bg_missing" ] && continue
				progress "postgres: $w $a (round $rep of $B_REPEAT)"
				pg_fresh users_tpl >/dev/null 2>&1
				pg_once "$w" "$a"
				if [ -n "$R_SECS" ]; then
					if [ -z "${SECS["$w|$a"]:-}" ] || [ "$(fmin "${SECS["$w|$a"]}" "$R_SECS")" = "$R_SECS" ]; then
						SIZE["$w|$a"]=$R_SIZE
					fi
					WAL["$w|$a"]=$(fmin "${WAL["$w|$a"]:-}" "$R_WAL")
					CPU["$w|$a"]=$(fmin "${CPU["$w|$a"]:-}" "$R_CPU")
					SECS["$w|$a"]=$(fmin "${SECS["$w|$a"]:-}" "$R_SECS")
					HWM["$w|$a"]=$(fmax "${HWM["$w|$a"]:-}" "$R_HWM")
					ANON["$w|$a"]=$(fmax "${ANON["$w|$a"]:-}" "$R_ANON")
				fi
				case "${CHECK["$w|$a"]:-}" in FAILED* | WRONG*) ;; *) CHECK["$w|$a"]=$R_CHECK ;; esac
			done
		done
	done

	report "" "PostgreSQL $(pgb -c 'SHOW server_version' | cut -d' ' -f1): batched data operations on $(thousands "$B_ROWS") rows" \
		"  default settings (pg_virtualenv: shared_buffers $(pgb -c 'SHOW shared_buffers'), synchronous_commit on);" \
		"  covet with batch_size => $BATCH_SIZE and undo => false unless said; every approach from a" \
		"  fresh copy (CREATE TABLE AS, primary key, VACUUM ANALYZE, CHECKPOINT); seconds = best of" \
		"  $B_REPEAT (psql \\timing); rows/s = table rows / seconds; values = checked against the floor's" \
		"  expression" ""
	print_speed_table postgres "$B_ROWS" "$workloads" "$approaches"
	print_cpu_table "$workloads" "$approaches"

	report "" "PostgreSQL: total relation size of users after each approach (as left, no VACUUM;" \
		"  a fresh copy: $(awk -v b="$fresh_size" 'BEGIN { printf "%.1f MB", b / 1048576 }'))" ""
	report "$(printf '%-8s  %-50s  %10s' workload approach size)"
	report "$(printf '%-8s  %-50s  %10s' -------- -------- ----)"
	for w in $workloads; do
		for a in $approaches; do
			[ -n "${SIZE["$w|$a"]:-}" ] || continue
			report "$(printf '%-8s  %-50s  %10s' "$w" "${LABEL["$w|$a"]}" "$(awk -v b="${SIZE["$w|$a"]}" 'BEGIN { printf "%.1f MB", b / 1048576 }')")"
		done
	done

	report "" "PostgreSQL: WAL written by each approach (the least over the rounds; it does" \
		"  not depend on the machine's load), and its ratio to the floor's" ""
	report "$(printf '%-8s  %-50s  %10s  %8s' workload approach WAL "x floor")"
	report "$(printf '%-8s  %-50s  %10s  %8s' -------- -------- --- -------)"
	for w in $workloads; do
		for a in $approaches; do
			[ -n "${WAL["$w|$a"]:-}" ] || continue
			report "$(printf '%-8s  %-50s  %10s  %8s' "$w" "${LABEL["$w|$a"]}" \
				"$(awk -v b="${WAL["$w|$a"]}" 'BEGIN { printf "%.1f MB", b / 1048576 }')" \
				"$(ratio_of "${WAL["$w|$a"]}" "${WAL["$w|floor"]:-}")x")"
		done
	done

	# memory at MEM_ROWS: covet atomic and commit-per-batch, email workload
	declare -A MSECS=() MHWM=() MANON=() MCHECK=()
	if [ "$B_MEM_ROWS" -gt 0 ]; then
		progress "postgres: generating $B_MEM_ROWS rows"
		pgb -c "DROP TABLE IF EXISTS users; DROP TABLE users_tpl" >/dev/null 2>&1
		pg_generate users_mem "$B_MEM_ROWS" >/dev/null 2>&1
		for a in floor atomic commit; do
			progress "postgres: memory, email $a at $B_MEM_ROWS rows"
			pg_fresh users_mem >/dev/null 2>&1
			pg_once email "$a"
			MSECS[$a]=$R_SECS MHWM[$a]=$R_HWM MANON[$a]=$R_ANON MCHECK[$a]=$R_CHECK
		done
		pgb -c "DROP TABLE IF EXISTS users; DROP TABLE IF EXISTS users_mem" >/dev/null 2>&1
	fi
	report "" "PostgreSQL: backend memory, email workload: peak RSS (VmHWM, includes the shared" \
		"  buffers the backend touched) and peak private memory (RssAnon, sampled every 50 ms)" ""
	report "$(printf '%-50s  %12s  %9s  %10s  %12s  %s' approach rows seconds "peak RSS" "peak private" "ratio to $(thousands "$B_ROWS") rows (RSS, private)")"
	report "$(printf '%-50s  %12s  %9s  %10s  %12s  %s' -------- ---- ------- -------- ------------ -----)"
	for a in floor plpgsql atomic commit; do
		[ -n "${SECS["email|$a"]:-}" ] || continue
		report "$(printf '%-50s  %12s  %9s  %10s  %12s  %s' "${LABEL["email|$a"]}" "$(thousands "$B_ROWS")" "${SECS["email|$a"]}" "$(kb_mb "${HWM["email|$a"]:-}")" "$(kb_mb "${ANON["email|$a"]:-}")" "")"
		if [ "$B_MEM_ROWS" -gt 0 ] && [ "$a" != plpgsql ]; then
			if [ -n "${MSECS[$a]:-}" ]; then
				report "$(printf '%-50s  %12s  %9s  %10s  %12s  %s' "${LABEL["email|$a"]}" "$(thousands "$B_MEM_ROWS")" "${MSECS[$a]}" "$(kb_mb "${MHWM[$a]}")" "$(kb_mb "${MANON[$a]}")" "$(ratio_of "${MHWM[$a]}" "${HWM["email|$a"]:-}")x, $(ratio_of "${MANON[$a]}" "${ANON["email|$a"]:-}")x${TARGET["email|$a"]:+ (target: the same)}; values ${MCHECK[$a]}")"
			else
				report "$(printf '%-50s  %12s  %s' "${LABEL["email|$a"]}" "$(thousands "$B_MEM_ROWS")" "${MCHECK[$a]:-not run}")"
			fi
		fi
	done
	psql -X -q -d postgres -c "DROP DATABASE $PGB_DB" >/dev/null 2>&1
}
