# tune.sh: batch_time_ms from a deliberately bad start, sourced by run.sh
# (BENCH_ONLY=tune runs only this).
#
# One table of TUNE_ROWS rows (default 3,000,000 in PostgreSQL and
# 10,000,000 in SQLite, where a row costs a third as much: the
# 1,000,000-row first batch, then enough batches of the target's size to see
# them settle) and
# covet_backfill with batch_time_ms TUNE_TARGET_MS (default 200), starting
# at batch_size 100 and at 1,000,000, on both engines in commit-per-batch
# mode (PostgreSQL: CALL ..._commit; SQLite: autocommit, on a WAL database
# with synchronous=NORMAL so that a batch's time is its work, not an fsync).
# A trigger on the runs table logs the clock and the batch size at each
# checkpoint; a batch's duration is the time from the previous checkpoint
# (its own statements, the previous commit), the first one's from the call.
# Reported per start: the first batch from which every batch (but the last,
# partial one) took within 20% of the target, with the median duration
# after that, how many of batches 20 and later took within 20%, and the
# sizes along the way.

TUNE_ROWS=${TUNE_ROWS:-3000000}
TUNE_SQLITE_ROWS=${TUNE_SQLITE_ROWS:-10000000}
TUNE_TARGET_MS=${TUNE_TARGET_MS:-200}

# tune_report ENGINE START FILE: FILE holds "ms size" per batch, in order.
tune_report() {
	local verdict
	verdict=$(awk -v target="$TUNE_TARGET_MS" '
		{ ms[NR] = $1; size[NR] = $2 }
		END {
			n = NR - 1                       # the last batch is what was left
			settled = n + 1
			for (i = n; i >= 1; i--) {
				if (ms[i] < 0.8 * target || ms[i] > 1.2 * target) break
				settled = i
			}
			m = 0
			for (i = settled; i <= n; i++) {       # insertion sort (mawk has no asort)
				x = ms[i]
				for (j = m; j >= 1 && v[j] > x; j--) v[j + 1] = v[j]
				v[j + 1] = x
				m++
			}
			med = m > 0 ? v[int((m + 1) / 2)] : 0
			w = 0; k = 0
			for (i = 20; i <= n; i++) { k++; if (ms[i] >= 0.8 * target && ms[i] <= 1.2 * target) w++ }
			share = k > 0 ? sprintf("; batches 20..%d: %d of %d within 20%%", n, w, k) : ""
			sizes = size[1]
			for (i = 2; i <= settled && i <= NR; i++) sizes = sizes " " size[i]
			if (settled <= n)
				printf "every batch within 20%% of %d ms from batch %d on (of %d); median %.0f ms after%s; sizes %s ... %s",
					target, settled, NR, med, share, sizes, size[n]
			else
				printf "not every batch within 20%% at the end (%d batches)%s; sizes %s ... %s",
					NR, share, sizes, size[n]
		}' "$3")
	row "$1" "batch_time_ms $TUNE_TARGET_MS from batch_size $2" "$verdict"
}

sqlite_tune() {
	local tmp db start
	tmp=$(mktemp -d)
	db=$tmp/tune.db
	sq "$db" <<SQL >/dev/null
PRAGMA journal_mode = WAL;
CREATE TABLE big (id integer PRIMARY KEY, n integer NOT NULL, pad text NOT NULL);
WITH RECURSIVE q(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM q WHERE i < $TUNE_SQLITE_ROWS)
INSERT INTO big SELECT i, i, 'row ' || i FROM q;
SELECT covet_version();
SELECT covet_backfill('big', 'n = n', 1, 'id < 0');
CREATE TABLE tune_log (at real, size integer);
CREATE TRIGGER tune_log AFTER UPDATE OF batches ON covet_runs
BEGIN INSERT INTO tune_log VALUES (julianday('now') * 86400000.0, new.batch_size); END;
SQL
	for start in 100 1000000; do
		sq "$db" <<SQL >/dev/null
PRAGMA synchronous = NORMAL;
DELETE FROM tune_log;
INSERT INTO tune_log VALUES (julianday('now') * 86400000.0, 0);
SELECT covet_backfill('big', 'n = n + 1', $start, NULL, 0, 1, $TUNE_TARGET_MS);
SQL
		sq "$db" <<<"SELECT at, size FROM tune_log ORDER BY rowid;" |
			awk -F'|' 'NR > 1 { printf "%.1f %s\n", $1 - prev, $2 } { prev = $1 }' >"$tmp/batches"
		[ -n "${TUNE_KEEP:-}" ] && cp "$tmp/batches" "$TUNE_KEEP.sqlite.$start"
		tune_report sqlite "$start" "$tmp/batches"
	done
	rm -rf "$tmp"
}

pg_tune() {
	local db=covet_bench_tune start tmp
	tmp=$(mktemp -d)
	psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null 2>&1
	if ! psql -X -q -v ON_ERROR_STOP=1 -d "$db" -c "CREATE EXTENSION covet" >/dev/null 2>&1; then
		row postgres "tune: CREATE EXTENSION covet failed" "-"
		return
	fi
	psql -X -q -v ON_ERROR_STOP=1 -d "$db" >/dev/null 2>&1 <<SQL
CREATE TABLE big (id int PRIMARY KEY, n int NOT NULL, pad text NOT NULL);
INSERT INTO big SELECT g, g, 'row ' || g FROM generate_series(1, $TUNE_ROWS) g;
VACUUM ANALYZE big;
CREATE TABLE public.tune_log (at timestamptz, size bigint);
CREATE FUNCTION public.tune_log() RETURNS trigger LANGUAGE plpgsql AS \$\$
BEGIN
  INSERT INTO public.tune_log VALUES (pg_catalog.clock_timestamp(), NEW.batch_size);
  RETURN NEW;
END \$\$;
CREATE TRIGGER tune_log AFTER UPDATE OF batches ON covet.runs FOR EACH ROW EXECUTE FUNCTION public.tune_log();
SQL
	for start in 100 1000000; do
		psql -X -q -d "$db" -c "TRUNCATE tune_log" -c "INSERT INTO tune_log VALUES (clock_timestamp(), 0)" \
			-c "CALL covet_backfill_commit('big', 'n = n + 1', batch_size => $start, undo => false, batch_time_ms => $TUNE_TARGET_MS)" \
			>/dev/null 2>&1
		psql -X -qAt -d "$db" -c "SELECT extract(epoch FROM at) * 1000, size FROM tune_log ORDER BY at" |
			awk -F'|' 'NR > 1 { printf "%.1f %s\n", $1 - prev, $2 } { prev = $1 }' >"$tmp/batches"
		[ -n "${TUNE_KEEP:-}" ] && cp "$tmp/batches" "$TUNE_KEEP.postgres.$start"
		tune_report postgres "$start" "$tmp/batches"
		psql -X -q -d "$db" -c "VACUUM big" >/dev/null 2>&1
	done
	psql -X -q -d postgres -c "DROP DATABASE $db" >/dev/null 2>&1
	rm -rf "$tmp"
}
