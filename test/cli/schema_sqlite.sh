#!/usr/bin/env bash
# schema_sqlite.sh: the schema commands of ./covet (diff, makemigration,
# squash) on SQLite files (TAP).  pg_schema.sh runs the same checks on
# PostgreSQL (test/cli/lib/schema.sh).
#
# What it proves: --help and usage errors (exit 2); diff of main against a
# database file given as @FILE (attached for the call) and against a SQL
# file, as a SQL script and as --json, --exit-code (4 when the schemas
# differ), a missing schema and bad --renames (exit 1, the server's
# message); makemigration writes NAME.sql into --dir and defines it, the
# file applies with migrate up, an empty diff writes nothing, an existing
# file is refused and nothing is defined, a drop needs --allow-data-loss;
# squash prints the squashed text and it shows applied; valgrind on diff,
# makemigration and squash.
set -u

cd "$(dirname "$0")/../.." || exit 1
ROOT=$(pwd)

# shellcheck source=test/scripts/lib/tap.sh
. test/scripts/lib/tap.sh

TMP=$(mktemp -d -p "$( [ -d /dev/shm ] && [ -w /dev/shm ] && echo /dev/shm || echo "${TMPDIR:-/tmp}")")
trap 'rm -rf "$TMP"' EXIT

if ! make --no-print-directory -s covet >"$TMP/build.log" 2>&1; then
	not_ok "make covet" "$(tail -20 "$TMP/build.log")"
	done_testing
	exit 1
fi
COVET=$ROOT/covet
cd "$TMP" || exit 1
unset DATABASE_URL

sqlite3 "$TMP/target.db" "CREATE TABLE a (id int, name text); CREATE TABLE b (id int NOT NULL)"
URL=sqlite:$TMP/app.db
ENGINE=sqlite
SRC=main
TGT=@$TMP/target.db
MIGRATIONS=covet_migrations
sql() { sqlite3 "$TMP/app.db" "$1" 2>&1; }

# shellcheck source=test/cli/lib/schema.sh
. "$ROOT/test/cli/lib/schema.sh"

schema_checks

# --- valgrind ---------------------------------------------------------------
if command -v valgrind >/dev/null; then
	VG=(valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect)
	mkdir -p "$TMP/vgmig"
	printf -- '-- covet:up\nCREATE TABLE a (id int);\n' >"$TMP/vgmig/0000_a.sql"
	"$COVET" --db "$TMP/vg.db" --dir "$TMP/vgmig" migrate up >/dev/null 2>&1
	"${VG[@]}" "$COVET" --db "$TMP/vg.db" diff main "$TGT" >/dev/null 2>"$TMP/vg1"
	is "$?" 0 "valgrind: diff against an attached file is clean"
	"${VG[@]}" "$COVET" --db "$TMP/vg.db" --json diff main "@$TMP/target.sql" >/dev/null 2>"$TMP/vg2"
	is "$?" 0 "valgrind: diff --json against SQL text is clean"
	"${VG[@]}" "$COVET" --db "$TMP/vg.db" --dir "$TMP/vgmig" makemigration 0001_v --to "$TGT" >/dev/null 2>"$TMP/vg3"
	is "$?" 0 "valgrind: makemigration is clean"
	"${VG[@]}" "$COVET" --db "$TMP/vg.db" --dir "$TMP/vgmig" makemigration 0001_v --to "$TGT" >/dev/null 2>"$TMP/vg4"
	is "$?" 1 "valgrind: a refused makemigration (file exists) is clean, exit 1"
	printf -- '-- covet:up\nCREATE TABLE c (id int);\n' >"$TMP/vgmig/0002_c.sql"
	"$COVET" --db "$TMP/vg.db" --dir "$TMP/vgmig" migrate up >/dev/null 2>&1
	"${VG[@]}" "$COVET" --db "$TMP/vg.db" --dir "$TMP/vgmig" squash 0000_a 0002_c 0003_sq >/dev/null 2>"$TMP/vg5"
	is "$?" 0 "valgrind: squash is clean"
	"${VG[@]}" "$COVET" --db "$TMP/vg.db" diff nosuch main >/dev/null 2>"$TMP/vg6"
	is "$?" 1 "valgrind: a failing diff is clean, exit 1"
else
	ok "# SKIP valgrind is not installed"
fi

done_testing
