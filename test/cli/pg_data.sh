#!/usr/bin/env bash
# pg_data.sh: the data commands of ./covet (loaddata, dumpdata, seed) on
# PostgreSQL (TAP): the checks of data_sqlite.sh (test/cli/lib/data.sh),
# over libpq, with orders.user_id a DEFERRABLE foreign key (a record may
# reference one in a later piece; SET CONSTRAINTS ALL DEFERRED covers
# deferrable keys only), and a fixture larger than the client's ulimit -v.
#
# Runs inside pg_virtualenv (run-all.sh's PostgreSQL suite).
set -u

cd "$(dirname "$0")/../.." || exit 1
ROOT=$(pwd)

# shellcheck source=test/scripts/lib/tap.sh
. test/scripts/lib/tap.sh
# shellcheck source=test/scripts/lib/pg.sh
. test/scripts/lib/pg.sh

if [ ! -x ./covet ] && ! make --no-print-directory -s covet >/dev/null 2>&1; then
	echo "Bail out! ./covet is not built (make covet)"
	exit 1
fi
COVET=$ROOT/covet
pg_scratch cli_data
create_db

sql() { psql -X -qAt -d "$DB" -c "$1" 2>&1; }
sqlx() { sql "$@"; }
fresh() {
	sql "DROP TABLE IF EXISTS orders, users;
	     CREATE TABLE users (id integer PRIMARY KEY, name text NOT NULL, note text, score double precision, avatar bytea);
	     CREATE TABLE orders (id integer PRIMARY KEY, user_id integer REFERENCES users (id) DEFERRABLE, total numeric);"
}
URL="dbname=$DB"
ENGINE=postgres

# shellcheck source=test/cli/lib/data.sh
. test/cli/lib/data.sh

data_checks

# a key that is not deferrable: a child before its parent in a later piece
sql "DROP TABLE IF EXISTS orders, users;
     CREATE TABLE users (id integer PRIMARY KEY, name text NOT NULL, note text, score double precision, avatar bytea);
     CREATE TABLE orders (id integer PRIMARY KEY, user_id integer REFERENCES users (id), total numeric);" >/dev/null
out=$(COVET_LOADDATA_PIECE=3 "$COVET" --db "$URL" -q loaddata "$TMP/fx.json" 2>&1)
like "$?:$out" '^1:.*foreign key' "postgres: a NOT DEFERRABLE key to a later piece fails (documented)"
out=$("$COVET" --db "$URL" -q loaddata "$TMP/fx.json" 2>&1)
is "$?:$(sql 'SELECT count(*) FROM orders')" "0:3" "postgres: ... and loads in one piece (covet_loaddata orders the tables)"

# a fixture larger than the client's memory limit
/usr/bin/python3 - "$TMP/big.json" 200000 <<'PY'
import json, sys
n = int(sys.argv[2])
with open(sys.argv[1], "w") as f:
    f.write("[\n")
    for i in range(1, n + 1):
        rec = {"model": "users", "pk": i, "fields": {"name": "user %d" % i, "note": "x" * 260}}
        f.write(json.dumps(rec) + (",\n" if i < n else "\n"))
    f.write("]\n")
PY
fresh >/dev/null
size=$(($(stat -c %s "$TMP/big.json") / 1048576))
out=$( (ulimit -v 61440 && exec "$COVET" --db "$URL" -q loaddata "$TMP/big.json") 2>&1)
rc=$?
is "$rc $(sql 'SELECT count(*) FROM users')" "0 200000" \
	"postgres: a ${size} MB fixture loads with the client limited to 60 MB of address space (ulimit -v)"
[ "$rc" -ne 0 ] && echo "$out" | head -5 | sed 's/^/# /'

done_testing
