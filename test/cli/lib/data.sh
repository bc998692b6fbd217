# shellcheck shell=bash
# data.sh: the checks of the data commands that data_sqlite.sh and
# pg_data.sh share (sourced, not run).
#
# The sourcing script sets COVET (the binary), URL (its --db), ENGINE,
# TMP, and defines:
#   sql SQL      run SQL in the database, values unaligned, errors on stdout
#   sqlx SQL     the same where covet's functions are needed
#   fresh        an empty database with the tables users and orders
#                (orders.user_id references users, deferrable on PostgreSQL)

# The fixture: an order before the user it references, tricky values.
write_fixture() {
	cat >"$TMP/fx.json" <<'EOF'
[
{"model": "orders", "pk": 1, "fields": {"user_id": 5, "total": 12.50}},
{"model": "users", "pk": 1, "fields": {"name": "Ada \"the\" Countess", "note": "line 1\nline 2", "score": 0.30000000000000004, "avatar": "AP8Q"}},
{"model": "users", "pk": 2, "fields": {"name": "Zoë 漢字", "note": null, "score": -1.5e-10, "avatar": null}},
{"model": "users", "pk": 3, "fields": {"name": "", "note": "", "score": 1e300, "avatar": ""}},
{"model": "orders", "pk": 2, "fields": {"user_id": 1, "total": 0.1}},
{"model": "users", "pk": 4, "fields": {"name": "comma, quote \" and \\ backslash", "note": "tab\there", "score": 0, "avatar": "AA=="}},
{"model": "users", "pk": 5, "fields": {"name": " five ", "note": "5", "score": 5, "avatar": null}},
{"model": "orders", "pk": 3, "fields": {"user_id": 5, "total": 3}}
]
EOF
}

# dump_all: covet_dumpdata() of every table, as the SQL function returns it
dump_all() {
	sqlx "SELECT covet_dumpdata(NULL, '${1:-json}')"
}

data_checks() {
	local out rc expected exp_yaml exp_users n
	write_fixture

	# reference: the whole fixture through the SQL function
	fresh >/dev/null
	out=$(sqlx "SELECT covet_loaddata('$(sed "s/'/''/g" "$TMP/fx.json")')")
	is "$out" 8 "$ENGINE: the fixture loads through covet_loaddata (the reference)"
	expected=$(dump_all json)
	exp_yaml=$(dump_all yaml)
	exp_users=$(sqlx "SELECT covet_dumpdata('users', 'csv')")

	# dumpdata, one table at a time, is the same text
	out=$("$COVET" --db "$URL" dumpdata 2>"$TMP/err")
	rc=$?
	is "$rc" 0 "$ENGINE: dumpdata exits 0"
	if [ "$out" = "$expected" ]; then ok "$ENGINE: dumpdata (JSON) is what covet_dumpdata() of every table returns"; else
		not_ok "$ENGINE: dumpdata (JSON) is covet_dumpdata()" "$(diff <(echo "$expected") <(echo "$out") | head -20)"
	fi
	out=$("$COVET" --db "$URL" dumpdata --format yaml)
	if [ "$out" = "$exp_yaml" ]; then ok "$ENGINE: dumpdata --format yaml is covet_dumpdata(NULL, 'yaml')"; else
		not_ok "$ENGINE: dumpdata --format yaml" "$(diff <(echo "$exp_yaml") <(echo "$out") | head -20)"
	fi
	"$COVET" --db "$URL" dumpdata users orders -o "$TMP/two.json" 2>"$TMP/err"
	is "$?:$(cat "$TMP/two.json")" "0:$expected" "$ENGINE: dumpdata users orders -o FILE: parents first, the same text"
	like "$(cat "$TMP/err")" "dumped 2 tables to .*two.json" "$ENGINE: dumpdata -o says where it wrote"
	is "$(find "$TMP" -name 'two.json.tmp*' | wc -l)" 0 "$ENGINE: no temporary file left behind"
	"$COVET" --db "$URL" -q dumpdata users --format csv -o "$TMP/users.csv"
	is "$(cat "$TMP/users.csv")" "$exp_users" "$ENGINE: dumpdata users --format csv"
	out=$("$COVET" --db "$URL" dumpdata --format csv 2>&1)
	rc=$?
	like "$rc:$out" "^1:.*a CSV fixture holds exactly one table, not 2" "$ENGINE: CSV of two tables: the server's message, exit 1"
	out=$("$COVET" --db "$URL" --json dumpdata users -o "$TMP/u.json")
	is "$out" "{\"ok\": true, \"command\": \"dumpdata\", \"file\": \"$TMP/u.json\", \"tables\": 1}" "$ENGINE: dumpdata --json -o FILE"
	out=$("$COVET" --db "$URL" dumpdata no_such_table 2>&1)
	rc=$?
	is "$rc" 1 "$ENGINE: dumpdata of a missing table exits 1"

	# loaddata in pieces of 3, every format, back to the same dump
	fresh >/dev/null
	out=$(COVET_LOADDATA_PIECE=3 "$COVET" --db "$URL" loaddata "$TMP/fx.json" 2>"$TMP/err")
	rc=$?
	is "$rc:$out" "0:loaded 8 records from 1 file" "$ENGINE: loaddata JSON in pieces of 3, an order before its user"
	[ "$rc" -ne 0 ] && sed 's/^/# /' "$TMP/err"
	out=$(dump_all json)
	if [ "$out" = "$expected" ]; then ok "$ENGINE: loaded in pieces, dumps the same"; else
		not_ok "$ENGINE: loaded in pieces, dumps the same" "$(diff <(echo "$expected") <(echo "$out") | head -20)"
	fi
	like "$(cat "$TMP/err")" 'loaddata .*fx.json: done, 8/8 rows \(100%\)' "$ENGINE: progress lines on stderr end at 100%"

	"$COVET" --db "$URL" dumpdata --format yaml -o "$TMP/fx.yaml" 2>/dev/null
	fresh >/dev/null
	out=$(COVET_LOADDATA_PIECE=2 "$COVET" --db "$URL" -q loaddata "$TMP/fx.yaml" 2>&1)
	is "$?:$out" "0:" "$ENGINE: loaddata YAML in pieces of 2 (-q: nothing printed)"
	out=$(dump_all json)
	if [ "$out" = "$expected" ]; then ok "$ENGINE: YAML loaded in pieces dumps the same"; else
		not_ok "$ENGINE: YAML loaded in pieces dumps the same" "$(diff <(echo "$expected") <(echo "$out") | head -20)"
	fi

	fresh >/dev/null
	out=$(COVET_LOADDATA_PIECE=2 "$COVET" --db "$URL" --json loaddata "$TMP/users.csv" 2>/dev/null)
	is "$?:$out" '0:{"ok": true, "command": "loaddata", "loaded": 5, "files": 1}' "$ENGINE: loaddata CSV (table from the file name) in pieces of 2, --json"
	out=$(sqlx "SELECT covet_dumpdata('users', 'csv')")
	is "$out" "$exp_users" "$ENGINE: CSV loaded in pieces dumps the same"
	cp "$TMP/users.csv" "$TMP/people.txt"
	fresh >/dev/null
	out=$("$COVET" --db "$URL" -q loaddata "$TMP/people.txt" --format csv --table users 2>&1)
	is "$?:$(sql 'SELECT count(*) FROM users')" "0:5" "$ENGINE: loaddata --format csv --table T"

	# two files, one transaction; on conflict
	fresh >/dev/null
	"$COVET" --db "$URL" -q loaddata "$TMP/users.csv" "$TMP/fx.json" >"$TMP/out" 2>&1
	rc=$?
	like "$rc:$(cat "$TMP/out")" '^1:.*(UNIQUE|duplicate key)' "$ENGINE: a duplicate key in the second file fails (exit 1)"
	is "$(sql 'SELECT count(*) FROM users')" 0 "$ENGINE: ... and the first file is rolled back too"
	"$COVET" --db "$URL" -q loaddata "$TMP/users.csv" "$TMP/fx.json" --on-conflict ignore >/dev/null 2>&1
	is "$?:$(sql 'SELECT count(*) FROM users') $(sql 'SELECT count(*) FROM orders')" "0:5 3" "$ENGINE: --on-conflict ignore loads both files"
	printf '[{"model": "users", "pk": 2, "fields": {"name": "Zed"}}]\n' >"$TMP/upd.json"
	"$COVET" --db "$URL" -q loaddata "$TMP/upd.json" --on-conflict update >/dev/null 2>&1
	is "$?:$(sql 'SELECT name FROM users WHERE id = 2')" "0:Zed" "$ENGINE: --on-conflict update"

	# all or nothing across pieces
	fresh >/dev/null
	/usr/bin/python3 - "$TMP/bad.json" <<'EOF'
import json, sys
recs = [{"model": "users", "pk": i, "fields": {"name": "u%d" % i}} for i in range(1, 10)]
recs[7]["fields"]["name"] = None      # record 8: NOT NULL, in the third piece of 3
with open(sys.argv[1], "w") as f:
    f.write("[\n" + ",\n".join(json.dumps(r) for r in recs) + "\n]\n")
EOF
	out=$(COVET_LOADDATA_PIECE=3 "$COVET" --db "$URL" -q loaddata "$TMP/bad.json" 2>&1)
	rc=$?
	is "$rc" 1 "$ENGINE: a bad record in the third piece: exit 1"
	like "$out" 'ERROR: +fixture record 2 .*name' "$ENGINE: ... the server's message names the record within the piece"
	like "$out" 'DETAIL: +In .*bad.json, the piece of records 7 to 9' "$ENGINE: ... the detail names the file and the piece"
	is "$(sql 'SELECT count(*) FROM users')" 0 "$ENGINE: ... and nothing was loaded (the first two pieces rolled back)"

	# a dangling reference fails at COMMIT
	fresh >/dev/null
	printf '[{"model": "orders", "pk": 1, "fields": {"user_id": 99, "total": 1}}]\n' >"$TMP/dangling.json"
	out=$("$COVET" --db "$URL" -q loaddata "$TMP/dangling.json" 2>&1)
	rc=$?
	like "$rc:$out" '^1:.*(FOREIGN KEY|foreign key)' "$ENGINE: a reference to no record fails (checked at COMMIT)"
	is "$(sql 'SELECT count(*) FROM orders')" 0 "$ENGINE: ... nothing loaded"

	# malformed input
	printf '[\n{"model": "users", "pk": 1, "fields": {"name": "a"}},\n{"model": oops}\n]\n' >"$TMP/broken.json"
	out=$("$COVET" --db "$URL" -q loaddata "$TMP/broken.json" 2>&1)
	like "$?:$out" '^1:.*invalid JSON fixture at line 3: ' "$ENGINE: malformed JSON names its line"
	printf -- '- model: users\n  pk: 1\n  fields: {name: a\n- x\n' >"$TMP/broken.yaml"
	out=$("$COVET" --db "$URL" -q loaddata "$TMP/broken.yaml" 2>&1)
	like "$?:$out" '^1:.*invalid YAML fixture at line [0-9]+: ' "$ENGINE: malformed YAML names its line"
	printf 'id,name\n1,"unterminated\n' >"$TMP/broken.csv"
	out=$("$COVET" --db "$URL" -q loaddata "$TMP/broken.csv" --table users 2>&1)
	like "$?:$out" '^1:.*invalid CSV fixture at line 2: ' "$ENGINE: malformed CSV names its line (the extension's wording)"
	printf '{"model": "users"}\n' >"$TMP/obj.json"
	out=$("$COVET" --db "$URL" -q loaddata "$TMP/obj.json" 2>&1)
	like "$?:$out" '^1:.*invalid JSON fixture at line 1: a JSON fixture is an array of records' "$ENGINE: a JSON fixture that is not an array (the extension's wording)"
	is "$(sql 'SELECT count(*) FROM users')" 0 "$ENGINE: ... nothing loaded by any of them"

	# usage
	out=$("$COVET" --db "$URL" loaddata 2>&1)
	like "$?:$out" '^2:.*loaddata needs at least one file' "$ENGINE: loaddata without a file: exit 2"
	out=$("$COVET" --db "$URL" loaddata "$TMP/fx.json" --format xml 2>&1)
	like "$?:$out" '^2:.*unknown format "xml"' "$ENGINE: an unknown format: exit 2"
	out=$("$COVET" --db "$URL" loaddata "$TMP/fx.json" --on-conflict merge 2>&1)
	like "$?:$out" '^2:.*unknown --on-conflict "merge"' "$ENGINE: an unknown --on-conflict: exit 2"
	out=$("$COVET" --db "$URL" loaddata "$TMP/fixture.txt" 2>&1)
	like "$?:$out" '^2:.*cannot tell the format' "$ENGINE: a file name without a format: exit 2"
	out=$("$COVET" --db "$URL" loaddata "$TMP/missing.json" 2>&1)
	like "$?:$out" '^1:.*could not open .*missing.json' "$ENGINE: a missing file: exit 1"
	out=$("$COVET" --db "$URL" dumpdata --format xml 2>&1)
	like "$?:$out" '^2:.*unknown format' "$ENGINE: dumpdata, an unknown format: exit 2"
	out=$("$COVET" --db "$URL" loaddata --help 2>&1)
	like "$?:$out" '^0:Usage: covet loaddata FILE' "$ENGINE: loaddata --help"
	out=$("$COVET" --db "$URL" dumpdata --help 2>&1)
	like "$?:$out" '^0:Usage: covet dumpdata' "$ENGINE: dumpdata --help"
	out=$("$COVET" --db "$URL" seed --help 2>&1)
	like "$?:$out" '^0:Usage: covet seed TABLE N' "$ENGINE: seed --help"

	# seed
	fresh >/dev/null
	out=$("$COVET" --db "$URL" seed users 50 --seed 7 2>&1)
	is "$?:$out" "0:inserted 50 rows into users" "$ENGINE: seed users 50"
	n=$(sqlx "SELECT covet_dumpdata('users')")
	fresh >/dev/null
	out=$("$COVET" --db "$URL" --json seed users 50 --seed 7 2>&1)
	is "$out" '{"ok": true, "command": "seed", "table": "users", "rows": 50, "message": "inserted 50 rows into users"}' "$ENGINE: seed --json"
	out=$(sqlx "SELECT covet_dumpdata('users')")
	if [ "$out" = "$n" ] && [ "${#n}" -gt 1000 ]; then ok "$ENGINE: the same seed gives the same rows"; else
		not_ok "$ENGINE: the same seed gives the same rows" "$(diff <(echo "$n") <(echo "$out") | head)"
	fi
	out=$("$COVET" --db "$URL" seed users 3 --spec '{"name": "first_name", "note": "email"}' 2>&1)
	is "$?:$(sql "SELECT count(*) FROM users WHERE note LIKE '%@%'")" "0:3" "$ENGINE: seed --spec"
	out=$("$COVET" --db "$URL" seed users many 2>&1)
	like "$?:$out" '^2:.*must be an integer' "$ENGINE: seed with a bad N: exit 2"
	out=$("$COVET" --db "$URL" seed users 2>&1)
	like "$?:$out" '^2:.*seed needs a table and a number' "$ENGINE: seed without N: exit 2"
	out=$("$COVET" --db "$URL" seed no_such_table 3 2>&1)
	is "$?" 1 "$ENGINE: seed of a missing table: exit 1"
}
