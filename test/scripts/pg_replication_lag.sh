#!/usr/bin/env bash
# pg_replication_lag.sh: covet.max_replication_lag against a real streaming
# standby (TAP).
#
# Run inside pg_virtualenv (PGHOST, PGPORT, PGUSER, PGPASSWORD set; a
# superuser) with the extension installed; test/run-all.sh does that.  It
# makes a standby of that cluster with pg_basebackup, runs it on a port of
# its own (as the postgres user when run as root: PostgreSQL refuses root),
# and removes it at the end.
#
# What it proves: with replay paused on the standby, pg_stat_replication's
# replay_lag grows, and a background run with covet.max_replication_lag
# below it stops after its first batch: rows_done stays at one batch, the
# worker's pg_stat_activity line says it waits for replication, and the
# server log says why.  When replay resumes the run goes on by itself and
# completes, every row changed exactly once, and the standby then holds the
# same rows.
set -u

cd "$(dirname "$0")/../.." || exit 1

# shellcheck source=test/scripts/lib/tap.sh
. test/scripts/lib/tap.sh
# shellcheck source=test/scripts/lib/pg.sh
. test/scripts/lib/pg.sh

pg_scratch lag
STANDBY=$TMP/standby
BIN=$(pg_config --bindir 2>/dev/null)
[ -x "$BIN/pg_ctl" ] || BIN=/usr/lib/postgresql/15/bin
SPORT=""

as_pg() {
	if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# the standby runs from $TMP: stop it before pg_cleanup removes that
stop_standby() {
	if [ -f "$STANDBY/postmaster.pid" ]; then
		as_pg "$BIN/pg_ctl" -D "$STANDBY" -m immediate -w stop >/dev/null 2>&1
	fi
}
trap 'stop_standby; pg_cleanup' EXIT

# on the standby, through its socket
sq() {
	psql -X -qAt -v ON_ERROR_STOP=1 -h "$TMP" -p "$SPORT" -d "${2:-postgres}" -c "$1" 2>&1
}

free_port() {
	local p
	for _ in $(seq 1 50); do
		p=$((20000 + (RANDOM % 20000)))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return 0
		fi
	done
	echo 25433
}

create_db
q "CREATE TABLE t (id int PRIMARY KEY, n int NOT NULL);
   INSERT INTO t SELECT g, g FROM generate_series(1, 20000) g" >/dev/null

# --- the standby ----------------------------------------------------------------

chmod 755 "$TMP"
[ "$(id -u)" -eq 0 ] && chown postgres "$TMP"
SPORT=$(free_port)
if ! as_pg pg_basebackup -D "$STANDBY" -R -X stream -c fast >"$TMP/basebackup.log" 2>&1; then
	echo "Bail out! pg_basebackup failed: $(tr '\n' ' ' <"$TMP/basebackup.log")"
	exit 1
fi
# Debian keeps a cluster's postgresql.conf and pg_hba.conf in /etc (here in
# pg_virtualenv's directory), outside the data directory: the standby gets
# its own
printf '%s\n' "local all all trust" "local replication all trust" >"$STANDBY/pg_hba.conf"
: >"$STANDBY/pg_ident.conf"
cat >"$STANDBY/postgresql.conf" <<EOF
port = $SPORT
listen_addresses = ''
unix_socket_directories = '$TMP'
hot_standby = on
wal_receiver_status_interval = 1
logging_collector = off
EOF
[ "$(id -u)" -eq 0 ] && chown postgres "$STANDBY"/pg_hba.conf "$STANDBY"/pg_ident.conf "$STANDBY"/postgresql.conf
if ! as_pg "$BIN/pg_ctl" -D "$STANDBY" -l "$TMP/standby.log" -w -t 60 start >"$TMP/pg_ctl.log" 2>&1; then
	echo "Bail out! the standby did not start: $(tail -5 "$TMP/standby.log" | tr '\n' ' ')"
	exit 1
fi
# the waits on replication poll every 100 ms, for up to 30 s or 20 s: the
# standby reports its position once a second
if wait_for "SELECT count(*) FROM pg_catalog.pg_stat_replication WHERE state = 'streaming'" 1 300 0.1; then
	ok "a streaming standby of the test cluster (pg_basebackup, port $SPORT)"
else
	not_ok "a streaming standby of the test cluster" "$(q "SELECT * FROM pg_catalog.pg_stat_replication")"
fi
is "$(sq "SELECT pg_catalog.pg_is_in_recovery()")" "t" "the standby is in recovery"

# --- replay paused: replay_lag grows past the ceiling ------------------------------

sq "SELECT pg_catalog.pg_wal_replay_pause()" >/dev/null
q "CREATE TABLE noise (x int); INSERT INTO noise SELECT generate_series(1, 1000)" >/dev/null
if wait_for "SELECT coalesce(max(extract(epoch FROM replay_lag)), 0) > 2 FROM pg_catalog.pg_stat_replication" t 200 0.1; then
	ok "with replay paused on the standby, replay_lag passes 2 s"
else
	not_ok "with replay paused on the standby, replay_lag passes 2 s" "$(q "SELECT replay_lag FROM pg_catalog.pg_stat_replication")"
fi

run=$(psql -X -qAt -v ON_ERROR_STOP=1 -d "$DB" -c "SET covet.max_replication_lag = '1s'" \
	-c "SELECT covet_backfill_background('t', 'n = n + 1', 1000)" 2>&1)
like "$run" '^[0-9]+$' "covet_backfill_background with covet.max_replication_lag = 1s returns a run id"
if wait_for "SELECT count(*) FROM pg_catalog.pg_stat_activity WHERE backend_type = 'covet worker' AND query LIKE '%waiting for replication%'" 1 200 0.1; then
	ok "the worker's pg_stat_activity line says it waits for replication"
else
	not_ok "the worker's pg_stat_activity line says it waits for replication" \
		"$(q "SELECT backend_type, query FROM pg_catalog.pg_stat_activity")"
fi
done1=$(q "SELECT rows_done FROM covet.runs WHERE id = $run")
sleep 3
is "$done1|$(q "SELECT rows_done || ' ' || state FROM covet.runs WHERE id = $run")" "1000|1000 running" \
	"it stops after its first batch and stays there while the lag lasts (3 s)"
is "$(q "SELECT count(*) FILTER (WHERE n = id + 1) || ' ' || count(*) FILTER (WHERE n = id) FROM t")" "1000 19000" \
	"one batch changed, the rest not"

# --- replay resumed: the run goes on by itself --------------------------------------

sq "SELECT pg_catalog.pg_wal_replay_resume()" >/dev/null
is "$(q "SELECT covet_wait($run)")" "completed" "replay resumed: the run completes without being touched"
is "$(q "SELECT count(*) FILTER (WHERE n = id + 1) || ' ' || count(*) FROM t")" "20000 20000" \
	"every row changed exactly once"
lsn=$(q "SELECT pg_catalog.pg_current_wal_lsn()")
for _ in $(seq 1 300); do
	[ "$(sq "SELECT pg_catalog.pg_last_wal_replay_lsn() >= '$lsn'")" = t ] && break
	sleep 0.1
done
is "$(sq "SELECT sum(n) FROM t" "$DB")" "$(q "SELECT sum(n) FROM t")" "the standby has replayed the same rows"

# the server log of the primary has the reason (pg_virtualenv's log
# directory, or Debian's)
logs=$(ls "${PG_CLUSTER_CONF_ROOT:-/nonexistent}"/../log/*.log /var/log/postgresql/*.log 2>/dev/null)
if [ -n "$logs" ] &&
	grep -qE "covet run $run waits for replication: replay lag [0-9]+ ms exceeds covet.max_replication_lag \(1000 ms\)" $logs; then
	ok "the server log says the run waits for replication, and why"
else
	not_ok "the server log says the run waits for replication, and why" "logs: ${logs:-none found}"
fi
if [ -n "$logs" ] && grep -q "covet run $run goes on: replay lag is back under covet.max_replication_lag" $logs; then
	ok "and that it goes on when the lag is back under the ceiling"
else
	not_ok "and that it goes on when the lag is back under the ceiling" "logs: ${logs:-none found}"
fi

done_testing
