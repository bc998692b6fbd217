# sqlite.sh: what the SQLite test scripts share (sourced, not run).
#
#   sqlite_scratch NAME     bails out unless $ROOT/covet.so is built; a
#                           temporary directory TMP, DB=$TMP/NAME.db and
#                           runner="", all cleaned up on exit
#   s SQL...                runs the statements in $DB in a new sqlite3
#                           process with the extension loaded, errors on
#                           stdout
#
# The scripts set ROOT to the repository root, their working directory.

sqlite_scratch() {
	if [ ! -f "$ROOT/covet.so" ]; then
		echo "Bail out! covet.so is not built (make covet.so)"
		exit 1
	fi
	TMP=$(mktemp -d)
	runner=""
	trap sqlite_cleanup EXIT
	DB=$TMP/$1.db
}

# sqlite_cleanup: kill -9 the sqlite3 in $runner, if a script left one (it
# would go on writing into TMP), and remove TMP.
sqlite_cleanup() {
	[ -n "$runner" ] && kill -9 "$runner" 2>/dev/null
	rm -rf "$TMP"
}

s() {
	sqlite3 "$DB" ".load $ROOT/covet" "$@" 2>&1
}
