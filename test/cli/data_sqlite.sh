#!/usr/bin/env bash
# data_sqlite.sh: the data commands of ./covet (loaddata, dumpdata, seed)
# on SQLite files (TAP).  pg_data.sh runs the same checks on PostgreSQL.
#
# What it proves:
#   - dumpdata, one table at a time, writes exactly what covet_dumpdata()
#     of every table returns (JSON and YAML), and of one table as CSV;
#   - a JSON, YAML and CSV fixture loads in pieces of 3 records
#     (COVET_LOADDATA_PIECE) and dumps back the same (quotes, newlines,
#     non-ASCII, NULL, the empty string, floats, blobs);
#   - a child record before its parent in a later piece loads (foreign
#     keys deferred to COMMIT), a dangling reference fails at COMMIT;
#   - all or nothing across pieces and files: a bad record in the third
#     piece loads nothing, exit 1, and the error names the file and piece;
#   - malformed input names its line; --on-conflict ignore and update;
#     usage errors exit 2; a missing file exits 1; --json output;
#   - seed: N rows, the same seed the same rows in another database;
#   - valgrind: loaddata (every format, in pieces), dumpdata, a failing
#     load and seed leak nothing and touch no bad memory;
#   - a 60 MB fixture loads with the client's address space limited to
#     60 MB (ulimit -v), so the client never holds the file; Ctrl-C in
#     the middle of it loads nothing.
set -u

cd "$(dirname "$0")/../.." || exit 1
ROOT=$(pwd)

# shellcheck source=test/scripts/lib/tap.sh
. test/scripts/lib/tap.sh

if [ ! -x ./covet ] && ! make --no-print-directory -s covet >/dev/null 2>&1; then
	echo "Bail out! ./covet is not built (make covet)"
	exit 1
fi
COVET=$ROOT/covet
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
DB=$TMP/d.db

# engine hooks (pg_data.sh defines the same for PostgreSQL)
sql() { sqlite3 -batch "$DB" "$@" 2>&1; }
sqlx() { sqlite3 -batch -cmd ".load $ROOT/covet" "$DB" "$@" 2>&1; }
fresh() {
	rm -f "$DB"
	sql "CREATE TABLE users (id integer PRIMARY KEY, name text NOT NULL, note text, score real, avatar blob);
	     CREATE TABLE orders (id integer PRIMARY KEY, user_id integer REFERENCES users (id), total numeric);"
}
URL=sqlite:$DB
ENGINE=sqlite

# shellcheck source=test/cli/lib/data.sh
. test/cli/lib/data.sh

data_checks

# valgrind: the data commands leak nothing and touch no bad memory
if command -v valgrind >/dev/null; then
	VG=(valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99)
	for fmt in json yaml csv; do
		case $fmt in
		csv) f=$TMP/users.csv ;;
		*) f=$TMP/vg.$fmt && "$COVET" --db "$URL" -q dumpdata users orders --format "$fmt" -o "$f" ;;
		esac
		fresh >/dev/null
		COVET_LOADDATA_PIECE=2 "${VG[@]}" "$COVET" --db "$URL" -q loaddata "$f" >"$TMP/vg.out" 2>&1
		rc=$?
		is "$rc" 0 "valgrind: loaddata $fmt in pieces of 2, no error, no leak"
		[ "$rc" -ne 0 ] && head -20 "$TMP/vg.out" | sed 's/^/# /'
		"${VG[@]}" "$COVET" --db "$URL" -q dumpdata --format "$fmt" $([ "$fmt" = csv ] && echo users) >/dev/null 2>"$TMP/vg.out"
		rc=$?
		is "$rc" 0 "valgrind: dumpdata --format $fmt, no error, no leak"
		[ "$rc" -ne 0 ] && head -20 "$TMP/vg.out" | sed 's/^/# /'
	done
	"${VG[@]}" "$COVET" --db "$URL" -q loaddata "$TMP/broken.json" >"$TMP/vg.out" 2>&1
	is "$?" 1 "valgrind: a malformed fixture fails cleanly (exit 1, no error, no leak)"
	"${VG[@]}" "$COVET" --db "$URL" -q seed orders 20 >/dev/null 2>"$TMP/vg.out"
	is "$?" 0 "valgrind: seed, no error, no leak"
else
	not_ok "valgrind is installed (test/scripts/deps.sh all)"
fi

# a fixture larger than the client's memory limit
/usr/bin/python3 - "$TMP/big.json" 200000 <<'EOF'
import json, sys
n = int(sys.argv[2])
with open(sys.argv[1], "w") as f:
    f.write("[\n")
    for i in range(1, n + 1):
        rec = {"model": "users", "pk": i, "fields": {"name": "user %d" % i, "note": "x" * 260}}
        f.write(json.dumps(rec) + (",\n" if i < n else "\n"))
    f.write("]\n")
EOF
fresh >/dev/null
size=$(($(stat -c %s "$TMP/big.json") / 1048576))
out=$( (ulimit -v 61440 && exec "$COVET" --db "$URL" -q loaddata "$TMP/big.json") 2>&1)
rc=$?
is "$rc $(sql 'SELECT count(*) FROM users')" "0 200000" \
	"a ${size} MB fixture loads with the client limited to 60 MB of address space (ulimit -v)"
[ "$rc" -ne 0 ] && echo "$out" | head -5 | sed 's/^/# /'

# Ctrl-C in the middle of a load: nothing loaded
fresh >/dev/null
set -m
COVET_LOADDATA_PIECE=50 "$COVET" --db "$URL" -q loaddata "$TMP/big.json" >/dev/null 2>&1 &
pid=$!
set +m
for _ in $(seq 1 200); do
	[ -e "$DB-journal" ] && break
	sleep 0.01
done
sleep 0.3
kill -INT "$pid"
wait "$pid"
rc=$?
is "$rc $(sql 'SELECT count(*) FROM users')" "130 0" "Ctrl-C in the middle of a load: exit 130, nothing loaded"

done_testing
