#!/usr/bin/env bash
# covet's main job on the embedded default: apply the migrations in
# examples/ to a SQLite file (demo.db) and print covet_status().
# Run from the repository root after building covet.so (`make demo` does both).
set -euo pipefail
cd "$(dirname "$0")/.."
db=${1:-demo.db}
rm -f "$db"
sqlite3 "$db" <<'SQL'
.load ./covet
SELECT covet_load('examples');
SELECT covet_migrate_up();
.headers on
.mode column
SELECT name, kind, state, depends_on, applied_at, duration_ms, rows FROM covet_status();
.headers off
.mode list
SELECT 'users: ' || group_concat(email_norm, ', ') FROM users;
SQL
echo "demo database: $db (try: sqlite3 $db '.load ./covet' 'SELECT * FROM covet_status()')"
