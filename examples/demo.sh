#!/usr/bin/env bash
# covet's main job on the embedded default, with the covet command: send the
# migrations in examples/ to a SQLite file (demo.db), apply them, and show
# their status, history and the data migration's run.
# Run from the repository root after building ./covet (`make demo` does both).
set -euo pipefail
cd "$(dirname "$0")/.."
db=${1:-demo.db}
rm -f "$db"
covet() { ./covet --db "sqlite:$db" --dir examples "$@"; }
set -x
covet migrate up
covet status
covet history
{ set +x; } 2>/dev/null
sqlite3 "$db" "SELECT 'users: ' || group_concat(email_norm, ', ') FROM users"
echo "demo database: $db (try: ./covet --db sqlite:$db history, or ./covet --help)"
