#!/usr/bin/env bash
# pg_diff.sh: covet_diff on PostgreSQL.  Prints TAP.
#
# Round trips: covet_diff(a, b) is kept in a table, its statements run in
# schema a (search_path a, each statement on its own, so the
# non-transactional CONCURRENTLY ones run as they must), covet_diff(a, b)
# must then be empty; the reverse statements, last step first, must give
# back a schema whose diff to a copy of a is empty.  Cases: every object
# kind, an enum losing a value, renames with and without, the real
# migration set simplebank (test/realsets/), migration N -> N + 1 for each
# N.  Then the hazards and the online-safe forms, SQL text targets, objects
# not covered, and the errors.
#
# COVET_DIFF_SO=/path/covet_pg.so runs it without the extension installed
# (covet_diff created from that library), for development.
set -u
cd "$(dirname "$0")/../.." || exit 1
. test/scripts/lib/tap.sh
. test/scripts/lib/pg.sh

pg_scratch diff
if [ -n "${COVET_DIFF_SO:-}" ]; then
	psql -X -q -d postgres -c "CREATE DATABASE $DB" >/dev/null
	q "CREATE FUNCTION covet_diff(source text, target text, renames text DEFAULT NULL)
	   RETURNS TABLE (ordinal integer, statement text, reverse_statement text, object text, hazards text)
	   AS '$COVET_DIFF_SO', 'covet_diff' LANGUAGE C VOLATILE" >/dev/null
else
	create_db
fi
FN=$(q "SELECT quote_ident(n.nspname) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE p.proname = 'covet_diff'").covet_diff

# script SQL: a psql script run in $DB (errors stop it)
script() {
	printf '%s\n' "$1" >"$TMP/s.sql"
	psql -X -qAt -v ON_ERROR_STOP=1 -d "$DB" -f "$TMP/s.sql" 2>&1
}

# roundtrip NAME A B [RENAMES]: schemas A and B exist, and A_orig as a copy
# of A; prints nothing; TAP lines for apply and reverse.
roundtrip() {
	local name=$1 a=$2 b=$3 renames=${4:-}
	local r=NULL
	[ -n "$renames" ] && r="'$renames'"
	out=$(script "
DROP TABLE IF EXISTS public.d_$a;
CREATE TABLE public.d_$a AS SELECT * FROM $FN('$a', '$b', $r);
SET search_path = $a;
SELECT statement FROM public.d_$a WHERE statement IS NOT NULL ORDER BY ordinal \\gexec
RESET search_path;
SELECT count(*) FROM $FN('$a', '$b');")
	if [ "$(echo "$out" | tail -1)" = 0 ]; then
		ok "$name: applied, the diff to the target is empty"
	else
		not_ok "$name: applied, the diff to the target is empty" "$(q "SELECT ordinal || ' ' || coalesce(statement, '-') FROM public.d_$a ORDER BY 1")
$out
left: $(q "SELECT string_agg(coalesce(statement, object), E'\n') FROM $FN('$a', '$b')")"
	fi
	out=$(script "
SET search_path = $a;
SELECT reverse_statement FROM public.d_$a WHERE reverse_statement IS NOT NULL ORDER BY ordinal DESC \\gexec
RESET search_path;
SELECT count(*) FROM $FN('$a', '${a}_orig');")
	if [ "$(echo "$out" | tail -1)" = 0 ]; then
		ok "$name: the reverse gives the source back"
	else
		not_ok "$name: the reverse gives the source back" "$out
left: $(q "SELECT string_agg(coalesce(statement, object), E'\n') FROM $FN('$a', '${a}_orig')")"
	fi
}

# both SCHEMA SQL: SQL run with search_path set to SCHEMA
in_schema() {
	script "CREATE SCHEMA $1; SET search_path = $1; $2"
}

# --- every object kind ------------------------------------------------------
KA="
CREATE TYPE mood AS ENUM ('sad', 'happy');
CREATE SEQUENCE counter START 10;
CREATE FUNCTION twice(x integer) RETURNS integer LANGUAGE sql IMMUTABLE AS \$\$ SELECT 2 * x \$\$;
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS \$\$ BEGIN RETURN NEW; END \$\$;
CREATE TABLE users (id serial PRIMARY KEY, name text NOT NULL, email varchar(50), m mood,
                    score integer DEFAULT 0, gone text);
CREATE TABLE posts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    user_id integer REFERENCES users (id), title text CHECK (title <> ''));
CREATE INDEX posts_title ON posts (title);
CREATE VIEW v_users AS SELECT id, name FROM users;
CREATE VIEW v_top AS SELECT * FROM v_users WHERE twice(id) > 2;
CREATE TRIGGER users_touch BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION touch();
COMMENT ON TABLE users IS 'people';
INSERT INTO users (name, email, m) VALUES ('ann', 'a@x', 'sad'), ('bob', 'b@x', 'happy');
INSERT INTO posts (user_id, title) VALUES (1, 'hello');
"
KB="
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TYPE size AS ENUM ('s', 'm');
CREATE SEQUENCE counter START 10 INCREMENT 5;
CREATE FUNCTION twice(x integer) RETURNS integer LANGUAGE sql IMMUTABLE AS \$\$ SELECT x + x \$\$;
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS \$\$ BEGIN RETURN NEW; END \$\$;
CREATE TABLE users (id serial PRIMARY KEY, name text NOT NULL, email varchar(80) NOT NULL, m mood,
                    score integer DEFAULT 1 CHECK (score >= 0), full_name text GENERATED ALWAYS AS (upper(name)) STORED,
                    UNIQUE (email));
CREATE TABLE posts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    user_id integer REFERENCES users (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
                    title text CHECK (title <> ''), sz size);
CREATE TABLE tags (id integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, post_id bigint REFERENCES posts (id),
                   label text NOT NULL);
CREATE INDEX posts_title ON posts (lower(title)) WHERE title IS NOT NULL;
CREATE UNIQUE INDEX tags_label ON tags (label);
CREATE VIEW v_users AS SELECT id, name, email FROM users;
CREATE VIEW v_top AS SELECT * FROM v_users WHERE twice(id) > 2;
CREATE TRIGGER users_touch BEFORE INSERT OR UPDATE ON users FOR EACH ROW EXECUTE FUNCTION touch();
COMMENT ON TABLE users IS 'the people';
COMMENT ON COLUMN users.email IS 'where to write';
"
in_schema ka "$KA" >/dev/null
in_schema ka_orig "$KA" >/dev/null
in_schema kb "$KB" >/dev/null
roundtrip "kinds" ka kb

steps=$(q "SELECT string_agg(ordinal || ' ' || coalesce(statement, '') || ' | ' || coalesce(hazards, ''), E'\n' ORDER BY ordinal) FROM public.d_ka")
has() { # has PATTERN NAME: a step matches the extended regexp
	if echo "$steps" | grep -Eq -- "$1"; then ok "$2"; else not_ok "$2" "$steps"; fi
}
has 'CREATE UNIQUE INDEX CONCURRENTLY "users_email_key" .*non-transactional' "hazards: a unique constraint's index built CONCURRENTLY, non-transactional"
has 'ADD CONSTRAINT "users_email_key" UNIQUE USING INDEX "users_email_key"' "hazards: then the constraint takes the index"
has 'CREATE INDEX CONCURRENTLY "posts_title" .*builds index, non-transactional' "hazards: indexes built CONCURRENTLY"
has 'CHECK \("email" IS NOT NULL\) NOT VALID' "online: NOT NULL through CHECK ... NOT VALID"
has 'VALIDATE CONSTRAINT "users_email_not_null" \| scans table' "online: then VALIDATE, which scans the table"
has 'ALTER COLUMN "email" SET NOT NULL' "online: then SET NOT NULL"
has 'FOREIGN KEY \(user_id\) REFERENCES users\(id\) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED NOT VALID' "online: a foreign key added NOT VALID (deferrable kept)"
has 'VALIDATE CONSTRAINT "posts_user_id_fkey" \| scans table' "online: then validated"
has 'CHECK \(\(score >= 0\)\) NOT VALID' "online: a check added NOT VALID"
has 'DROP COLUMN "gone" \| deletes data' "hazards: dropping a column deletes data"
has 'TYPE character varying\(80\) .*\| access exclusive lock$' "hazards: widening a varchar does not rewrite the table"
has 'ADD COLUMN "full_name" text GENERATED ALWAYS AS \(upper\(name\)\) STORED \| access exclusive lock, rewrites table|ADD COLUMN "full_name" .*rewrites table' "hazards: a stored generated column rewrites the table"
has "ALTER TYPE \"ka\".\"mood\" ADD VALUE 'ok' BEFORE 'happy' \| commit before use" "enums: an added value, in its place"
has 'CREATE OR REPLACE FUNCTION "ka"."twice"' "functions: a changed body is replaced"
has 'ALTER SEQUENCE "ka"."counter" .*INCREMENT BY 5' "sequences: altered"
has "COMMENT ON COLUMN \"ka\".\"users\".\"email\" IS 'where to write'" "comments: a column's comment"
order=$(q "SELECT string_agg(object, ',' ORDER BY ordinal) FROM public.d_ka WHERE object IN ('view v_users', 'view v_top')")
is "$order" "view v_top,view v_users,view v_users,view v_top" "order: views over views dropped in reverse and created in dependency order"
first=$(q "SELECT min(ordinal) FROM public.d_ka WHERE object = 'table tags'")
drop=$(q "SELECT min(ordinal) FROM public.d_ka WHERE statement LIKE '%DROP COLUMN \"gone\"'")
if [ "${first:-0}" -lt "${drop:-0}" ]; then ok "order: additions before drops"; else not_ok "order: additions before drops" "$first $drop"; fi
is "$(q "SELECT count(*) FROM ka.users")" "2" "kinds: the rows of kept tables stay"

# --- an enum losing a value: rename, recreate, recast -----------------------
in_schema ea "CREATE TYPE mood AS ENUM ('sad', 'meh', 'happy'); CREATE TABLE t (id int PRIMARY KEY, m mood); INSERT INTO t VALUES (1, 'sad'), (2, 'happy');" >/dev/null
in_schema ea_orig "CREATE TYPE mood AS ENUM ('sad', 'meh', 'happy'); CREATE TABLE t (id int PRIMARY KEY, m mood); INSERT INTO t VALUES (1, 'sad'), (2, 'happy');" >/dev/null
in_schema eb "CREATE TYPE mood AS ENUM ('happy', 'sad'); CREATE TABLE t (id int PRIMARY KEY, m mood);" >/dev/null
roundtrip "enum" ea eb
is "$(q "SELECT string_agg(m::text, ',' ORDER BY id) FROM ea.t")" "sad,happy" "enum: the values survive the recast"

# --- renames ----------------------------------------------------------------
RA="CREATE TABLE users (id int PRIMARY KEY, username text); CREATE TABLE old_t (id int PRIMARY KEY, x text);
    INSERT INTO users VALUES (1, 'ann'); INSERT INTO old_t VALUES (1, 'a'), (2, 'b');"
RB="CREATE TABLE users (id int PRIMARY KEY, user_name text); CREATE TABLE new_t (id int PRIMARY KEY, x text);
    INSERT INTO new_t VALUES (1, 'a'), (2, 'b');"
in_schema ra "$RA" >/dev/null
in_schema ra_orig "$RA" >/dev/null
in_schema rb "$RB" >/dev/null
roundtrip "renames (none)" ra rb
is "$(q "SELECT hazards FROM public.d_ra WHERE object = 'column users.username'")" \
	"deletes data, access exclusive lock, rename candidate (column users.user_name: same type, table has data; accept with renames => '{\"users.username\": \"user_name\"}')" \
	"renames (none): the drop names its candidate and deletes data"
is "$(q "SELECT hazards FROM public.d_ra WHERE object = 'table old_t' AND statement LIKE 'DROP TABLE%'")" \
	"deletes data, access exclusive lock, rename candidate (table new_t: same columns, same row count, same sample values; accept with renames => '{\"old_t\": \"new_t\"}')" \
	"renames (none): a table's candidate scored by its row count and sample values"
script "DROP SCHEMA ra CASCADE; DROP SCHEMA ra_orig CASCADE;" >/dev/null 2>&1
in_schema ra "$RA" >/dev/null
in_schema ra_orig "$RA" >/dev/null
roundtrip "renames (given)" ra rb '{"users.username": "user_name", "old_t": "new_t"}'
is "$(q "SELECT count(*) FROM public.d_ra WHERE hazards LIKE '%deletes data%'")" "0" "renames (given): nothing deletes data"
is "$(q "SELECT string_agg(statement, E'\n' ORDER BY ordinal) FROM public.d_ra WHERE statement LIKE '%RENAME%'")" 'ALTER TABLE "ra"."old_t" RENAME TO "new_t"
ALTER TABLE "ra"."users" RENAME COLUMN "username" TO "user_name"
ALTER TABLE "ra"."new_t" RENAME CONSTRAINT "old_t_pkey" TO "new_t_pkey"' "renames (given): a table, a column and the table's key renamed"

# --- the real migration set simplebank: N -> N + 1 --------------------------
ups=$(ls test/realsets/simplebank/migrations/*.up.sql)
n_ups=$(echo "$ups" | wc -l)
build() { # build SCHEMA N: the schema after the first N migrations
	local s="CREATE SCHEMA $1; SET search_path = $1;" f i=0
	for f in $ups; do
		[ "$i" -ge "$2" ] && break
		s="$s
$(cat "$f")"
		i=$((i + 1))
	done
	script "$s" >/dev/null
}
for n in $(seq 0 $((n_ups - 1))); do
	build "sb$n" "$n"
	build "sb${n}_orig" "$n"
	build "sbt$n" $((n + 1))
	roundtrip "simplebank $n -> $((n + 1))" "sb$n" "sbt$n"
done

# --- SQL text targets, not covered, errors ----------------------------------
in_schema st "CREATE TABLE t (id int PRIMARY KEY); CREATE MATERIALIZED VIEW mv AS SELECT 1 AS x;" >/dev/null
is "$(q "SELECT string_agg(statement, ';' ORDER BY ordinal) FROM $FN('st', 'CREATE TABLE t (id int PRIMARY KEY, a text); CREATE INDEX t_a ON t (a)')")" \
	'ALTER TABLE "st"."t" ADD COLUMN "a" text;CREATE INDEX CONCURRENTLY "t_a" ON "st"."t" USING btree (a)' \
	"SQL target: built in a scratch schema and diffed"
is "$(q "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'covet_diff_%'")" "0" "SQL target: the scratch schema is dropped"
is "$(q "SELECT object || ': ' || hazards FROM $FN('st', 'CREATE TABLE t (id int PRIMARY KEY)')")" \
	"materialized view mv: not covered (materialized view mv differs or is not in the target; covet does not compare materialized views)" \
	"not covered: a materialized view is reported, never ignored"
is "$(q "SELECT * FROM $FN('nope', 'st')")" 'ERROR:  schema "nope" does not exist' "errors: unknown schema"
is "$(psql -X -qAt -d "$DB" -c "\\set VERBOSITY sqlstate" -c "SELECT * FROM $FN('nope', 'st')" 2>&1)" "ERROR:  3F000" "errors: unknown schema is 3F000"
is "$(q "SELECT * FROM $FN('st', 'st')" | head -1)" 'ERROR:  source and target are the same schema "st"' "errors: the same schema"
is "$(q "SELECT * FROM $FN('st', 'CREATE TABLE u (x int)', '{bad')" | head -1)" 'ERROR:  invalid renames argument' "errors: bad renames JSON"
is "$(q "SELECT * FROM $FN('st', 'CREATE TABLE u (x int)', '{\"nosuch\": \"u\"}')" | sed -n 2p)" \
	'DETAIL:  There is no table "nosuch" in schema "st".' "errors: renames naming a missing table"
is "$(q "SELECT * FROM $FN(NULL, 'st')")" 'ERROR:  source must not be null' "errors: NULL source"

done_testing
