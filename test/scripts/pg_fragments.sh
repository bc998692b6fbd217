#!/usr/bin/env bash
# pg_fragments.sh: a caller's fragment that does not parse is reported with
# its own text and the argument's name, the same message on PostgreSQL and
# SQLite (TAP).
#
# Run inside pg_virtualenv (PGHOST, PGPORT, PGUSER set; a superuser) with
# the extension installed, from the repository root with ./covet.so built;
# test/run-all.sh does that.  It creates and drops its own database.
#
# For each argument kind (set, where, transform, expr, reverse_expr,
# value) several broken fragments go to the operation on both engines: the
# message must be exactly 'invalid <argument> <expression|list> "<text>"'
# on each (a long text is cut to 80 bytes with "..."), with a DETAIL (the
# engine's own words) and a HINT, and nothing may change.

# shellcheck source=test/scripts/lib/tap.sh
. test/scripts/lib/tap.sh
# shellcheck source=test/scripts/lib/pg.sh
. test/scripts/lib/pg.sh

pg_scratch fragments
create_db
SETUP="CREATE TABLE t (id integer PRIMARY KEY, a integer, b text);
INSERT INTO t VALUES (1, 10, 'x'), (2, 20, 'y');"
q "$SETUP" >/dev/null
sqlite3 "$TMP/s.db" "$SETUP"

pg_err() {
	psql -X -qAt -v ON_ERROR_STOP=1 -d "$DB" -c "SELECT $1" 2>&1 | sed -n 's/^ERROR:  //p; s/^\(DETAIL\|HINT\):  /\1: /p'
}
sqlite_err() {
	sqlite3 "$TMP/s.db" ".load ./covet" "SELECT $1" 2>&1 | sed 's/^\(Runtime error[^:]*\|Error\): \(stepping, \)\?//'
}

# check CALL WANT: both engines' first line is WANT, each has a DETAIL and a HINT
check() {
	local pg sq
	pg=$(pg_err "$1")
	sq=$(sqlite_err "$1")
	is "$(head -n 1 <<<"$pg")" "$2" "PostgreSQL: $1"
	is "$(head -n 1 <<<"$sq")" "$2" "SQLite: $1"
	if grep -q '^DETAIL: .' <<<"$pg" && grep -q '^DETAIL: .' <<<"$sq" &&
		grep -q '^HINT: .' <<<"$pg" && grep -q '^HINT: .' <<<"$sq"; then
		ok "both with the engine's words as DETAIL, and a HINT"
	else
		not_ok "both with the engine's words as DETAIL, and a HINT" "$pg
---
$sq"
	fi
}

check "covet_backfill('t', 'a = ', 10)" 'invalid set list "a = "'
check "covet_backfill('t', 'a = 1 + * 2', 10)" 'invalid set list "a = 1 + * 2"'
check "covet_backfill('t', 'a = = 1', 10)" 'invalid set list "a = = 1"'
check "covet_backfill('t', 'a 1', 10)" 'invalid set list "a 1"'
check "covet_backfill('t', 'a = 1', 10, 'id <')" 'invalid where expression "id <"'
check "covet_backfill('t', 'a = 1', 10, 'id < < 3')" 'invalid where expression "id < < 3"'
check "covet_backfill('t', 'a = 1', 10, 'AND id = 1')" 'invalid where expression "AND id = 1"'
check "covet_backfill('t', 'a = 1', 10, 'id = 1 AND')" 'invalid where expression "id = 1 AND"'
check "covet_populate_field('t', 'b', '''z''', 'a >')" 'invalid where expression "a >"'
check "covet_copy_field('t', 'b', 'b', 'upper(b) ||')" 'invalid transform expression "upper(b) ||"'
check "covet_copy_field('t', 'b', 'b', 'CASE WHEN b THEN 1')" 'invalid transform expression "CASE WHEN b THEN 1"'
check "covet_transform_field('t', 'a', 'a +')" 'invalid expr expression "a +"'
check "covet_transform_field('t', 'a', 'a * * 2')" 'invalid expr expression "a * * 2"'
check "covet_transform_field('t', 'a', 'a + 1', 'a -')" 'invalid reverse_expr expression "a -"'
check "covet_transform_field('t', 'a', 'a + 1', '- - -')" 'invalid reverse_expr expression "- - -"'
check "covet_populate_field('t', 'a', '1 +')" 'invalid value expression "1 +"'
check "covet_populate_field('t', 'a', 'NOT')" 'invalid value expression "NOT"'
long=$(printf 'id > %d AND ' 1 2 3 4 5 6 7 8 9 10 11 12)
check "covet_backfill('t', 'a = 1', 10, '${long}id <')" "invalid where expression \"${long:0:77}...\""

is "$(q "SELECT string_agg(a::text || b, ' ' ORDER BY id) FROM t") $(q "SELECT count(*) FROM covet.runs")" \
	"10x 20y 0" "PostgreSQL: nothing changed, no run recorded"
is "$(sqlite3 "$TMP/s.db" "SELECT group_concat(a || b, ' ') FROM t; SELECT count(*) FROM sqlite_master WHERE name = 'covet_runs' AND (SELECT count(*) FROM covet_runs) > 0;" | tr '\n' ' ')" \
	"10x 20y 0 " "SQLite: nothing changed, no run recorded"
# a fragment that parses still runs
is "$(psql -X -qAt -d "$DB" -c "SELECT covet_backfill('t', 'a = a + 1', 10, 'id = 1')" 2>/dev/null)|$(q "SELECT a FROM t WHERE id = 1")" "1|11" \
	"a fragment that parses runs as before"

# covet_dedup's order_by: an ORDER BY list as the seed guide writes it,
# read alike by both engines (NULLs placed as PostgreSQL places them).
check "covet_dedup('t', 'b', 'first', 'a LIMIT 1')" 'invalid order_by list "a LIMIT 1"'
check "covet_dedup('t', 'b', 'first', 'a DESC,')" 'invalid order_by list "a DESC,"'
check "covet_dedup('t', 'b', 'first', 'a UNION SELECT 1')" 'invalid order_by list "a UNION SELECT 1"'
check "covet_dedup('t', 'b', 'first', 'a DESC NULLS')" 'invalid order_by list "a DESC NULLS"'
DEDUP="CREATE TABLE u (id integer PRIMARY KEY, email text, created_at text, score integer);
INSERT INTO u VALUES (1, 'a', '2020-01-03', 1), (2, 'a', '2020-01-01', 5), (3, 'a', NULL, 3),
 (4, 'b', '2020-02-01', 2), (5, 'b', '2020-02-01', 9), (6, 'c', NULL, 1), (7, NULL, 'x', 1), (8, NULL, 'y', 2);"
q "$DEDUP" >/dev/null
sqlite3 "$TMP/s.db" "$DEDUP"
# emails: a (1, 2, 3), b (4, 5), c (6), NULL (7, 8: twins, as NULL-safe equal)
dedup() {
	local pg sq rid
	rid=$(psql -X -qAt -d "$DB" -c "SELECT covet_dedup('u', 'email', '$1', '$2')" 2>/dev/null)
	pg=$(q "SELECT string_agg(id::text, ',' ORDER BY id) FROM u")
	psql -X -qAt -d "$DB" -c "SELECT covet_undo($rid)" >/dev/null 2>&1
	rid=$(sqlite3 "$TMP/s.db" ".load ./covet" "SELECT covet_dedup('u', 'email', '$1', '$2')" 2>&1)
	sq=$(sqlite3 "$TMP/s.db" "SELECT group_concat(id, ',') FROM (SELECT id FROM u ORDER BY id)")
	sqlite3 "$TMP/s.db" ".load ./covet" "SELECT covet_undo($rid)" >/dev/null 2>&1
	is "$pg" "$3" "PostgreSQL: dedup keep $1 order_by '$2'"
	is "$sq" "$3" "SQLite: dedup keep $1 order_by '$2'"
}
dedup first "created_at ASC" "2,4,6,7"
dedup first "created_at" "2,4,6,7"
dedup first "created_at DESC, id" "3,4,6,8"
dedup first "created_at DESC NULLS LAST, id DESC" "1,5,6,8"
dedup last "created_at NULLS FIRST" "1,5,6,8"
dedup last "created_at ASC" "3,5,6,8"
dedup first "score * -1" "2,5,6,8"
dedup first "lower(email), score DESC -- comment" "2,5,6,8"

done_testing
