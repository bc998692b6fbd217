#!/usr/bin/env bash
# pg_fixtures_judge.sh: one judgement on both engines (TAP).
#
# Run inside pg_virtualenv (PGHOST, PGPORT, PGUSER set; a superuser) with
# the extension installed and covet.so built; test/run-all.sh does that.
#
# What it proves: the same table, declared with PostgreSQL's type names in
# PostgreSQL and with the names Django writes in SQLite (bool, datetime,
# decimal(5,2), ...), refuses the same misfits (one per type) with the same
# message on both engines, naming the record (position, line, model, pk,
# field); accepts the same good fixture, where SQLite stores booleans as 1/0
# and dates and times in its own text form (what datetime() writes; a value
# with an offset in UTC, as Django's sqlite3 backend does with USE_TZ); and
# a foreign key broken at COMMIT (deferred) names the record on both.
set -u

cd "$(dirname "$0")/../.." || exit 1
ROOT=$(pwd)

# shellcheck source=test/scripts/lib/tap.sh
. test/scripts/lib/tap.sh
# shellcheck source=test/scripts/lib/pg.sh
. test/scripts/lib/pg.sh

pg_scratch fxjudge

if [ ! -f "$ROOT/covet.so" ] || ! command -v sqlite3 >/dev/null; then
	echo "Bail out! covet.so or sqlite3 missing: build with make first"
	exit 1
fi
create_db

# the message, from "fixture record" on (psql's ERROR:, the shell's prefix cut)
pg_msg() {
	psql -X -qAt -d "$DB" -v "fx=$1" 2>&1 <<'SQL' | sed -n 's/.*\(fixture record.*\)/\1/p' | head -n 1
SELECT covet_loaddata(:'fx');
SQL
}
lite() {
	sqlite3 -batch "$TMP/j.db" ".load $ROOT/covet" "$@" 2>&1
}
lite_msg() {
	lite "SELECT covet_loaddata(readfile('$1'))" | sed -n 's/.*\(fixture record.*\)/\1/p' | head -n 1
}

q "CREATE TABLE j (id integer PRIMARY KEY, n integer, s smallint, big bigint, r double precision,
  nu numeric(5,2), b boolean, d date, tm time, ts timestamp, tz timestamptz, v varchar(3),
  c char(2), x text, u uuid, js jsonb)" >/dev/null
lite "CREATE TABLE j (id integer PRIMARY KEY, n integer, s smallint, big bigint, r real,
  nu decimal(5,2), b bool, d date, tm time, ts datetime, tz datetime, v varchar(3),
  c char(2), x text, u uuid, js json)" >/dev/null

# field|value|the message after the record's name
while IFS='|' read -r field value want; do
	[ -z "$field" ] && continue
	fx='[{"model": "j", "pk": 1, "fields": {}},
{"model": "j", "pk": 2, "fields": {"'$field'": '$value'}}]'
	printf '%s' "$fx" >"$TMP/fx.json"
	p=$(pg_msg "$fx")
	s=$(lite_msg "$TMP/fx.json")
	is "$s" "$p" "$field = $value: the same message on both engines"
	is "$p" "fixture record 2 (line 2, model \"j\", pk 2, field \"$field\"): $want" "$field = $value: $want"
done <<'CASES'
n|"abc"|invalid input syntax for type integer: "abc"
n|1.5|invalid input syntax for type integer: "1.5"
n|true|invalid input syntax for type integer: "true"
n|3000000000|value "3000000000" is out of range for type integer
n|[1, 2]|a JSON list is not a value of type integer
s|40000|value "40000" is out of range for type smallint
big|"9223372036854775808"|value "9223372036854775808" is out of range for type bigint
r|"x1"|invalid input syntax for type double precision: "x1"
nu|"1,5"|invalid input syntax for type numeric: "1,5"
nu|1234.5|numeric field overflow
b|"maybe"|invalid input syntax for type boolean: "maybe"
b|2|invalid input syntax for type boolean: "2"
d|"2024-02-30"|date/time field value out of range: "2024-02-30"
d|"yesterday"|invalid input syntax for type date: "yesterday"
tm|"25:10"|date/time field value out of range: "25:10"
ts|"2024-07-07X19:40"|invalid input syntax for type timestamp: "2024-07-07X19:40"
tz|"2024-13-01T00:00:00Z"|date/time field value out of range: "2024-13-01T00:00:00Z"
v|"abcd"|value too long for type character varying(3)
c|"abc"|value too long for type character(2)
x|{"a": 1}|a JSON object is not a value of type text
x|[1]|a JSON list is not a value of type text
u|"not-a-uuid"|invalid input syntax for type uuid: "not-a-uuid"
CASES

is "$(q "SELECT count(*) FROM j")|$(lite "SELECT count(*) FROM j")" "0|0" "nothing was loaded on either engine"

# --- a good fixture: the same rows, SQLite's own forms ----------------------
cat >"$TMP/good.json" <<'JSON'
[{"model": "j", "pk": 1, "fields": {"n": "12", "s": -3, "big": 9223372036854775807, "r": 2.5, "nu": "123.45",
  "b": true, "d": "2024-07-07", "tm": "19:40", "ts": "2024-07-07T19:40:20", "tz": "2024-07-07T19:40:20.5+02:00",
  "v": "abc", "c": "ab", "x": "t", "u": "6ba7b810-9dad-11d1-80b4-00c04fd430c8", "js": {"a": [1, 2]}}},
 {"model": "j", "pk": 2, "fields": {"b": false, "ts": "2024-07-07 19:40:20.123456", "tz": "2024-07-07T23:30:00Z",
  "d": "2024-02-29T10:00:00"}},
 {"model": "j", "pk": 3, "fields": {"b": "yes", "ts": "2024-12-31T23:59:59-01:00", "tz": null}}]
JSON
is "$(q "SELECT covet_loaddata('$(cat "$TMP/good.json")')")" "3" "PostgreSQL: the good fixture loads"
is "$(lite "SELECT covet_loaddata(readfile('$TMP/good.json'))")" "3" "SQLite: the good fixture loads"
is "$(lite "SELECT group_concat(b || ':' || typeof(b), ' ') FROM j")" "1:integer 0:integer 1:integer" \
	"SQLite: booleans true, false and \"yes\" are stored as 1/0"
is "$(lite "SELECT group_concat(ts, ' | ') FROM j ORDER BY id")" \
	"2024-07-07 19:40:20 | 2024-07-07 19:40:20.123456 | 2025-01-01 00:59:59" \
	"SQLite: timestamps in SQLite's text form, an offset moved to UTC"
is "$(lite "SELECT count(*) FROM j WHERE ts IS NOT NULL AND ts = strftime('%Y-%m-%d %H:%M:%S', ts) || CASE WHEN ts LIKE '%.%' THEN substr(ts, 20) ELSE '' END")" \
	"3" "SQLite: what is stored is what SQLite's date functions write"
is "$(lite "SELECT tz FROM j WHERE id = 1")|$(lite "SELECT tz FROM j WHERE id = 2")" \
	"2024-07-07 17:40:20.500000|2024-07-07 23:30:00" "SQLite: offsets and Z stored in UTC without an offset (Django with USE_TZ)"
is "$(lite "SELECT d || ' ' || tm || ' ' || n || ':' || typeof(n) FROM j WHERE id = 1")|$(lite "SELECT d FROM j WHERE id = 2")" \
	"2024-07-07 19:40:00 12:integer|2024-02-29" "SQLite: a date, a time, an integer given as text"
is "$(q "SET TIME ZONE 'UTC'; SELECT ts || ' ' || tz FROM j WHERE id = 1")" \
	"2024-07-07 19:40:20 2024-07-07 17:40:20.5+00" "PostgreSQL: the same instants"
is "$(q "SELECT string_agg(b::text, ' ' ORDER BY id) FROM j")" "true false true" "PostgreSQL: the same booleans"

# YAML: !!timestamp and PyYAML's plain timestamps are stored the same way
printf -- '- model: j\n  pk: 9\n  fields:\n    ts: !!timestamp 2001-12-14T21:59:43.10-05:00\n    tz: 2024-07-07 19:40:20+00:00\n    d: 2002-12-14\n    b: yes\n' >"$TMP/y.yaml"
is "$(q "SELECT covet_loaddata('$(cat "$TMP/y.yaml")', 'yaml')")|$(lite "SELECT covet_loaddata(readfile('$TMP/y.yaml'), 'yaml')")" \
	"1|1" "YAML with !!timestamp loads on both engines"
is "$(lite "SELECT ts || ' ' || tz || ' ' || d || ' ' || b FROM j WHERE id = 9")" \
	"2001-12-15 02:59:43.100000 2024-07-07 19:40:20 2002-12-14 1" "SQLite: YAML timestamps in SQLite's form, in UTC"
is "$(q "SET TIME ZONE 'UTC'; SELECT tz || ' ' || d || ' ' || b FROM j WHERE id = 9")" \
	"2024-07-07 19:40:20+00 2002-12-14 true" "PostgreSQL: the same YAML values"

# --- a foreign key broken at COMMIT (deferred, as Django declares them) -----
FK_SCHEMA="CREATE TABLE customers (id integer PRIMARY KEY, name text);
CREATE TABLE orders (id integer PRIMARY KEY,
  customer_id integer REFERENCES customers (id) DEFERRABLE INITIALLY DEFERRED, note text);
CREATE TABLE lines (code text PRIMARY KEY,
  order_id integer REFERENCES orders (id) DEFERRABLE INITIALLY DEFERRED);"
q "$FK_SCHEMA" >/dev/null
lite "$FK_SCHEMA" >/dev/null
fk_both() {
	printf '%s' "$1" >"$TMP/fk.json"
	p=$(pg_msg "$1")
	s=$(sqlite3 -batch "$TMP/j.db" ".load $ROOT/covet" "PRAGMA foreign_keys = ON" \
		"SELECT covet_loaddata(readfile('$TMP/fk.json'))" 2>&1 | sed -n 's/.*\(fixture record.*\)/\1/p' | head -n 1)
	is "$s" "$p" "$2: the same message on both engines"
	is "$p" "$3" "$2: names the record"
}
fk_both '[{"model": "orders", "pk": 1, "fields": {"customer_id": 7}},
{"model": "customers", "pk": 7, "fields": {"name": "Ada"}},
{"model": "orders", "pk": 2, "fields": {"customer_id": 8, "note": "x"}},
{"model": "lines", "pk": "a", "fields": {"order_id": 1}}]' "a child before its parent loads; a missing parent" \
	'fixture record 3 (line 3, model "orders", pk 2, field "customer_id"): foreign key violated: key (customer_id)=(8) is not present in table "customers"'
fk_both '[{"model": "lines", "pk": "x\"y", "fields": {"order_id": 99}}]' "a text key" \
	'fixture record 1 (line 1, model "lines", pk "x\"y", field "order_id"): foreign key violated: key (order_id)=(99) is not present in table "orders"'
is "$(q "SELECT count(*) FROM customers")|$(lite "SELECT count(*) FROM customers")" "0|0" "nothing was loaded on either engine"
printf '%s' '[{"model": "orders", "pk": 1, "fields": {"customer_id": 7}}, {"model": "customers", "pk": 7, "fields": {}}]' >"$TMP/fk.json"
is "$(q "SELECT covet_loaddata('$(cat "$TMP/fk.json")')")|$(sqlite3 -batch "$TMP/j.db" ".load $ROOT/covet" "PRAGMA foreign_keys = ON" "SELECT covet_loaddata(readfile('$TMP/fk.json'))")" \
	"2|2" "a child before its parent loads on both engines"
done_testing
