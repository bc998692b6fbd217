# pgmem.sh: the memory of a PostgreSQL backend while it runs SQL (sourced,
# not run; used by test/scripts/pg_migrate_memory.sh and test/bench/migrate.sh).
#
#   pg_mem_define DB NAME FILE
#                 covet_define(NAME, contents of FILE) in DB, the text sent
#                 by psql (so the server needs no access to FILE); prints
#                 psql's output
#   pg_mem_run DB SQL
#                 runs SQL in a new session of DB, after "SELECT
#                 covet_version()" has loaded the library, and sets, from
#                 /proc/<backend pid>/status (kB):
#                   MEM_HWM0, MEM_HWM   VmHWM before SQL and after it: the
#                                       backend's peak resident memory, exact
#                   MEM_SHM0, MEM_SHM   RssShmem before and after: shared
#                                       memory (shared buffers, WAL buffers)
#                                       the backend has touched, part of VmHWM
#                   MEM_ANON            peak RssAnon (private memory) seen
#                                       while SQL runs, sampled every 20 ms
#                 MEM_MS (SQL's time, psql's \timing) and MEM_OUT (psql's
#                 output of SQL).  Returns 1 if psql failed.
#
# VmHWM is exact but counts the shared buffers the backend touched (at
# most shared_buffers; a migration that inserts 50 MB of rows touches about
# that much).  MEM_HWM - MEM_HWM0 - (MEM_SHM - MEM_SHM0) is how much the
# backend's own memory grew at its peak, up to the shared memory it touched
# after that peak.

pg_mem_define() {
	psql -X -qAt -v ON_ERROR_STOP=1 -d "$1" 2>&1 <<EOF
\\set content \`cat '$3'\`
SELECT covet_define('$2', :'content');
EOF
}

# _pg_mem_read FILE: VmHWM and RssShmem of a copy of /proc/<pid>/status.
_pg_mem_read() {
	local k v
	while read -r k v _; do
		case "$k" in
		VmHWM:) _hwm=$v ;;
		RssShmem:) _shm=$v ;;
		esac
	done <"$1"
}

pg_mem_run() {
	local db=$1 sql=$2 dir pid="" psql_pid v rc _hwm=0 _shm=0
	MEM_HWM0=0 MEM_HWM=0 MEM_SHM0=0 MEM_SHM=0 MEM_ANON=0 MEM_MS="" MEM_OUT=""
	dir=$(mktemp -d)
	{
		echo "SELECT covet_version() AS mem_version, pg_backend_pid() AS mem_pid \\gset"
		echo "\\setenv MEM_PID :mem_pid"
		echo "\\! cat /proc/\$MEM_PID/status > $dir/before; echo \$MEM_PID > $dir/pid"
		echo "\\timing on"
		echo "\\o $dir/out"
		echo "$sql"
		echo "\\o"
		echo "\\timing off"
		echo "\\! cat /proc/\$MEM_PID/status > $dir/after; touch $dir/done"
	} >"$dir/sql"
	psql -X -qAt -v ON_ERROR_STOP=1 -d "$db" -f "$dir/sql" >"$dir/log" 2>&1 &
	psql_pid=$!
	while kill -0 "$psql_pid" 2>/dev/null && [ ! -e "$dir/done" ]; do
		if [ -z "$pid" ] && [ -s "$dir/pid" ]; then
			pid=$(cat "$dir/pid")
		fi
		if [ -n "$pid" ]; then
			v=$(awk '/^RssAnon:/ { print $2 }' "/proc/$pid/status" 2>/dev/null)
			[ -n "$v" ] && [ "$v" -gt "$MEM_ANON" ] && MEM_ANON=$v
		fi
		sleep 0.02
	done
	wait "$psql_pid"
	rc=$?
	MEM_OUT=$(cat "$dir/out" 2>/dev/null; grep -v '^Time: ' "$dir/log")
	MEM_MS=$(awk '/^Time: / { t += $2 } END { printf "%.0f", t }' "$dir/log")
	if [ -s "$dir/before" ] && [ -s "$dir/after" ]; then
		_pg_mem_read "$dir/before"
		MEM_HWM0=$_hwm MEM_SHM0=$_shm
		_pg_mem_read "$dir/after"
		MEM_HWM=$_hwm MEM_SHM=$_shm
	else
		rc=1
	fi
	rm -rf "$dir"
	[ "$rc" -eq 0 ]
}
