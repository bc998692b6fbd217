#!/usr/bin/env bash
# pg_schema.sh: the schema commands of ./covet (diff, makemigration,
# squash) on PostgreSQL (TAP): the checks of schema_sqlite.sh
# (test/cli/lib/schema.sh) over libpq, with schemas public (where the
# migrations run) and target.
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
pg_scratch cli_schema
create_db
cd "$TMP" || exit 1

sql() { psql -X -qAt -d "$DB" -c "$1" 2>&1; }
sql "CREATE SCHEMA target;
     CREATE TABLE target.a (id int, name text);
     CREATE TABLE target.b (id int NOT NULL);" >/dev/null
URL="dbname=$DB"
ENGINE=postgres
SRC=public
TGT=target
MIGRATIONS=covet.migrations

# shellcheck source=test/cli/lib/schema.sh
. "$ROOT/test/cli/lib/schema.sh"

schema_checks

done_testing
