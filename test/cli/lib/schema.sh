# shellcheck shell=bash
# schema.sh: the checks of the schema commands (diff, makemigration,
# squash) that schema_sqlite.sh and pg_schema.sh share (sourced, not run).
#
# The sourcing script sets COVET (the binary), URL (its --db), ENGINE,
# TMP, SRC (the schema the application's tables are in: main / public),
# TGT (a schema or @FILE holding: a (id int, name text), b (id int NOT
# NULL)), with SRC empty; the first migration (0000_base.sql) makes a (id
# int) there.
# It defines:
#   sql SQL      run SQL in the database, values unaligned, errors on stdout

# cv ARGS...: run covet; stdout in OUT, stderr in ERR, exit status in RC.
cv() {
	"$COVET" "$@" >"$TMP/out" 2>"$TMP/err"
	RC=$?
	OUT=$(cat "$TMP/out")
	ERR=$(cat "$TMP/err")
}

# js EXPR: EXPR (Python, d = the JSON document on stdout) printed.
js() {
	/usr/bin/python3 -c "import json,sys; d = json.load(open(sys.argv[1])); print($1)" "$TMP/out" 2>&1
}

schema_checks() {
	local D=$TMP/mig

	mkdir -p "$D"
	printf -- '-- covet:up\nCREATE TABLE a (id int);\n\n-- covet:down\nDROP TABLE a;\n' >"$D/0000_base.sql"
	cv --db "$URL" --dir "$D" migrate up
	is "$RC" 0 "$ENGINE: the base migration applies"

	# --- help and usage -----------------------------------------------------
	for c in diff makemigration squash; do
		cv "$c" --help
		is "$RC:$(echo "$OUT" | head -1 | cut -c1-13)" "0:Usage: covet " "$ENGINE: covet $c --help exits 0 with its usage"
	done
	cv --db "$URL" diff "$SRC"
	is "$RC" 2 "$ENGINE: diff with one schema is a usage error (exit 2)"
	like "$ERR" 'needs SOURCE and TARGET' "$ENGINE: ... and says what is missing"
	cv --db "$URL" diff "$SRC" "$TGT" --bogus
	is "$RC" 2 "$ENGINE: diff with an unknown option exits 2"
	cv --db "$URL" makemigration 0001_gen
	is "$RC" 2 "$ENGINE: makemigration without --to or --sql exits 2"
	like "$ERR" 'either --to SCHEMA or --sql FILE' "$ENGINE: ... and says so"
	cv --db "$URL" makemigration 0001_gen --to "$TGT" --sql x.sql
	is "$RC" 2 "$ENGINE: makemigration with both --to and --sql exits 2"
	cv --db "$URL" squash a b
	is "$RC" 2 "$ENGINE: squash with two names exits 2"

	# --- diff ---------------------------------------------------------------
	cv --db "$URL" diff "$SRC" "$TGT"
	is "$RC" 0 "$ENGINE: diff exits 0 by default"
	like "$OUT" '^-- 1\. table b' "$ENGINE: diff prints a comment naming each step's object"
	like "$(tr '\n' ' ' <<<"$OUT")" 'CREATE TABLE [^;]*"b" \( *"?id"? int(eger)? NOT NULL *\);' "$ENGINE: ... and the statement with its ;"
	like "$OUT" 'ADD COLUMN "?name"? text;' "$ENGINE: ... every step (the new column)"
	cv --db "$URL" diff "$SRC" "$TGT" --exit-code
	is "$RC" 4 "$ENGINE: diff --exit-code exits 4 when the schemas differ"
	cv --db "$URL" --json diff "$SRC" "$TGT"
	is "$(js 'd["ok"], d["command"], d["differs"], len(d["steps"]), d["steps"][0]["ordinal"], d["steps"][0]["object"]')" \
		"True diff True 2 1 table b" "$ENGINE: diff --json: one document, steps as rows, ordinal a number"
	printf 'CREATE TABLE a (id int, x text);\n' >"$TMP/target.sql"
	cv --db "$URL" diff "$SRC" "@$TMP/target.sql"
	like "$RC:$OUT" '^0:-- 1\. column a\.x' "$ENGINE: diff against @FILE of SQL text builds it and diffs"
	cv --db "$URL" diff "$SRC" "@$TMP/nothere.sql"
	is "$RC" 1 "$ENGINE: diff against a missing @FILE exits 1"
	like "$ERR" 'could not read file' "$ENGINE: ... and names the file"
	cv --db "$URL" diff nosuchschema "$TGT"
	is "$RC" 1 "$ENGINE: diff of a schema that does not exist exits 1"
	like "$ERR" 'ERROR: +schema "nosuchschema" does not exist' "$ENGINE: ... with the server's message"
	cv --db "$URL" diff "$SRC" "$TGT" --renames '{"a": 1'
	is "$RC" 1 "$ENGINE: diff with a bad --renames exits 1"
	like "$ERR" 'invalid renames argument' "$ENGINE: ... invalid renames argument"
	cv --db "$URL" --json diff "$SRC" "@$TMP/target.sql" --renames '{"a.x": "y"}'
	like "$RC:$(js 'd["ok"]')" '^(0:True|1:)' "$ENGINE: diff --renames is passed on"

	# --- makemigration ------------------------------------------------------
	cv --db "$URL" --dir "$D" makemigration 0001_gen --to "$TGT"
	is "$RC:$OUT" "0:created $D/0001_gen.sql" "$ENGINE: makemigration writes NAME.sql into --dir"
	like "$(cat "$D/0001_gen.sql" 2>&1)" 'covet:up' "$ENGINE: ... in covet's file format"
	is "$(sql "SELECT count(*) FROM $MIGRATIONS WHERE name = '0001_gen'")" 1 "$ENGINE: ... and defines the migration"
	cv --db "$URL" --dir "$D" migrate up
	is "$RC" 0 "$ENGINE: migrate up applies the generated migration from its file"
	like "$OUT" 'applied 0001_gen' "$ENGINE: ... (applied 0001_gen)"
	cv --db "$URL" diff "$SRC" "$TGT" --exit-code
	is "$RC:$OUT" "0:-- no differences" "$ENGINE: after it the schemas are the same: no differences, exit 0 with --exit-code"
	cv --db "$URL" --dir "$D" makemigration 0002_none --to "$TGT"
	is "$RC:$OUT" "0:nothing to generate: the schemas are the same" "$ENGINE: makemigration of an empty diff writes nothing, exit 0"
	is "$(ls "$D" | tr '\n' ' ')" "0000_base.sql 0001_gen.sql " "$ENGINE: ... no file"
	printf 'CREATE TABLE a (id int, name text, c int);\nCREATE TABLE b (id int NOT NULL);\n' >"$TMP/t2.sql"
	printf -- '-- covet:up\nSELECT 1;\n' >"$D/0003_c.sql"
	cv --db "$URL" --dir "$D" makemigration 0003_c --sql "$TMP/t2.sql"
	is "$RC" 1 "$ENGINE: makemigration over an existing file exits 1"
	like "$ERR" 'already exists' "$ENGINE: ... (the file, or the migration its file defines, already exists)"
	is "$(cat "$D/0003_c.sql")" "$(printf -- '-- covet:up\nSELECT 1;')" "$ENGINE: ... the file is left as it was"
	is "$(sql "SELECT count(*) FROM $MIGRATIONS WHERE name = '0003_c' AND up_sql LIKE '%ADD COLUMN%'")" 0 \
		"$ENGINE: ... and nothing generated is defined (one transaction)"
	rm -f "$D/0003_c.sql"
	sql "DELETE FROM $MIGRATIONS WHERE name = '0003_c'" >/dev/null
	cv --db "$URL" --dir "$D" --json makemigration 0003_c --sql "$TMP/t2.sql"
	is "$RC:$(js 'd["command"], d["files"] == [sys.argv[1].rsplit("/", 1)[0] + "/mig/0003_c.sql"], "ADD COLUMN" in d["text"] and "c" in d["text"]')" \
		"0:makemigration True True" "$ENGINE: makemigration --sql FILE: --json names the files and holds the text"
	cv --db "$URL" --dir "$D" migrate up
	is "$RC" 0 "$ENGINE: ... and it applies"
	printf 'CREATE TABLE a (id int, c int);\nCREATE TABLE b (id int NOT NULL);\n' >"$TMP/t3.sql"
	cv --db "$URL" --dir "$D" makemigration 0004_drop --sql "$TMP/t3.sql"
	is "$RC" 1 "$ENGINE: makemigration of a step that drops a column is refused (exit 1)"
	like "$ERR" 'ERROR: ' "$ENGINE: ... with the server's error"
	is "$(ls "$D" | grep -c 0004)" 0 "$ENGINE: ... and writes no file"
	cv --db "$URL" --dir "$D" makemigration 0004_drop --sql "$TMP/t3.sql" --allow-data-loss
	is "$RC:$OUT" "0:created $D/0004_drop.sql" "$ENGINE: ... --allow-data-loss generates it"
	cv --db "$URL" --dir "$D" migrate up
	is "$RC" 0 "$ENGINE: ... and it applies"

	# --- squash ---------------------------------------------------------------
	printf -- '-- covet:up\nCREATE TABLE c (id int);\n\n-- covet:down\nDROP TABLE c;\n' >"$D/0010_c.sql"
	printf -- '-- covet:up\nCREATE TABLE d (id int);\n\n-- covet:down\nDROP TABLE d;\n' >"$D/0011_d.sql"
	cv --db "$URL" --dir "$D" migrate up
	is "$RC" 0 "$ENGINE: two more migrations apply"
	cv --db "$URL" --dir "$D" squash 0010_c 0011_d 0012_squashed
	is "$RC" 0 "$ENGINE: squash of an applied range exits 0"
	like "$OUT" '^-- squashed by covet_squash: replaces 0010_c \.\. 0011_d \(2 migrations\)' "$ENGINE: ... and prints the squashed text"
	like "$OUT" 'covet:up' "$ENGINE: ... in covet's file format"
	cv --db "$URL" --dir "$D" --json status
	is "$(js '[m["state"] for m in d["migrations"] if m["name"] == "0012_squashed"]')" "['applied']" \
		"$ENGINE: ... the squashed migration shows applied (its range was)"
	cv --db "$URL" --dir "$D" squash 0011_d 0010_c 0013_sq
	is "$RC" 1 "$ENGINE: squash of a range whose last comes before its first exits 1"
	cv --db "$URL" --dir "$D" squash 0001_gen nosuch 0006_sq
	is "$RC" 1 "$ENGINE: squash of an unknown name exits 1"
	like "$ERR" 'nosuch' "$ENGINE: ... naming it"
	cv --db "$URL" --dir "$D" --json squash 0010_c 0011_d 0012_squashed
	is "$RC:$(js 'd["ok"]')" "1:False" "$ENGINE: squash --json of an existing name: an error document, exit 1"
}
