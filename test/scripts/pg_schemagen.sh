#!/usr/bin/env bash
# pg_schemagen.sh: covet_makemigration and covet_squash in PostgreSQL (TAP).
#
# Run inside pg_virtualenv (PGHOST, PGPORT, PGUSER set; a superuser) with
# the extension installed; test/run-all.sh does that.  It creates and drops
# its own database.
#
# What it proves: makemigration defines the diff's statements (depending
# on the plan's head) and returns the file text; an index built
# CONCURRENTLY goes into a non-transactional NAME_2 that CALL
# covet_migrate_up_commit() runs; the round trip (the same target again is
# an empty diff: NULL, nothing defined; rolled back, the schema is the
# source's); a rename candidate is refused with the renames JSON and
# accepted with it (values kept); a dropped column is refused unless
# allow_data_loss.  squash: on databases that applied none, part and all
# of the range (the squashed migration runs; the originals go on; it shows
# applied and runs nothing), the same schema as the originals give, a data
# migration kept in its place, the scratch schema gone afterwards, and the
# refusals.
set -u

cd "$(dirname "$0")/../.." || exit 1

# shellcheck source=test/scripts/lib/tap.sh
. test/scripts/lib/tap.sh
# shellcheck source=test/scripts/lib/pg.sh
. test/scripts/lib/pg.sh

pg_scratch schemagen
create_db
ok "fresh database $DB with CREATE EXTENSION covet"

# the user's schema: columns, indexes, views, constraints of public
shape() {
	q "SELECT string_agg(x, ' | ' ORDER BY x) FROM (
	     SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable
	            || ' ' || coalesce(column_default, '') AS x
	       FROM information_schema.columns WHERE table_schema = 'public'
	     UNION ALL SELECT indexdef FROM pg_indexes WHERE schemaname = 'public'
	     UNION ALL SELECT 'view ' || viewname FROM pg_views WHERE schemaname = 'public'
	     UNION ALL SELECT conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint
	       WHERE connamespace = 'public'::regnamespace) s"
}

q "CREATE TABLE users (id int PRIMARY KEY, name text);
   INSERT INTO users VALUES (1, 'ann'), (2, 'bob');
   SELECT covet_define('0001_init', 'SELECT 1', '');" >/dev/null
q "CALL covet_migrate_up_commit()" >/dev/null
before=$(shape)
target='CREATE TABLE users (id int PRIMARY KEY, name text, email text);
        CREATE INDEX users_email ON users (email);
        CREATE TABLE tags (id int PRIMARY KEY, label text NOT NULL)'
text=$(q "SELECT covet_makemigration('0002_email', 'public', \$t\$$target\$t\$)")
like "$text" "covet:depends 0001_init" "makemigration: depends on the plan's head"
like "$text" 'ADD COLUMN "?email' "up adds the column"
like "$text" "CREATE INDEX CONCURRENTLY" "the index is built CONCURRENTLY"
like "$text" "file: 0002_email_2.sql" "in a migration of its own"
is "$(q "SELECT string_agg(name || ':' || atomic || ':' || depends_on, ' ' ORDER BY name)
          FROM covet.migrations WHERE name LIKE '0002%'")" \
	"0002_email:true:0001_init 0002_email_2:false:0002_email" \
	"defined: the CONCURRENTLY part non-transactional, depending on the first"
is "$(q "SELECT count(*) FROM covet.migrations
          WHERE name LIKE '0002%' AND checksum <> covet_checksum(up_sql, down_sql)")" "0" \
	"checksums are the runner's"
out=$(q "SELECT covet_migrate_up()")
like "$out" "outside a transaction|non-transactional|CALL covet_migrate_up_commit" \
	"the SELECT form refuses the non-transactional part"
q "CALL covet_migrate_up_commit()" >/dev/null
is "$(q "SELECT count(*) FROM covet_status() WHERE state = 'applied'")" "3" "the _commit form applies both"
is "$(q "SELECT indisvalid FROM pg_index WHERE indexrelid = 'users_email'::regclass")" "t" "the index is valid"
out=$(q "SET client_min_messages = warning; SELECT covet_makemigration('0003_again', 'public', \$t\$$target\$t\$) IS NULL")
is "$out" "t" "round trip: the same target again is an empty diff (NULL)"
is "$(q "SELECT count(*) FROM covet.migrations WHERE name = '0003_again'")" "0" "and nothing is defined"
q "CALL covet_migrate_down_commit(2)" >/dev/null
is "$(shape)" "$before" "rolled back, the schema is the source again"
is "$(q "SELECT string_agg(name, ',' ORDER BY id) FROM users")" "ann,bob" "rows kept"
q "SELECT covet_forget('0002_email_2'); SELECT covet_forget('0002_email')" >/dev/null

renamed='CREATE TABLE users (id int PRIMARY KEY, full_name text)'
out=$(q "SELECT covet_makemigration('0002_rename', 'public', '$renamed')")
like "$out" "ERROR:  the diff holds 1 rename candidate" "a rename candidate is refused"
like "$out" 'renames => .\{"users.name": "full_name"\}' "naming the renames JSON that accepts it"
text=$(q "SELECT covet_makemigration('0002_rename', 'public', '$renamed', '{\"users.name\": \"full_name\"}')")
like "$text" "RENAME COLUMN" "accepted with renames"
q "CALL covet_migrate_up_commit()" >/dev/null
is "$(q "SELECT string_agg(full_name, ',' ORDER BY id) FROM users")" "ann,bob" "the renamed column keeps its values"
q "CALL covet_migrate_down_commit(1)" >/dev/null
q "SELECT covet_forget('0002_rename')" >/dev/null
out=$(q "SELECT covet_makemigration('0002_drop', 'public', 'CREATE TABLE users (id int PRIMARY KEY)')")
like "$out" "ERROR:  the diff deletes data" "a dropped column is refused"
like "$out" "users.name" "naming it"
text=$(q "SELECT covet_makemigration('0002_drop', 'public', 'CREATE TABLE users (id int PRIMARY KEY)',
           allow_data_loss => true)")
like "$text" "DROP COLUMN" "allow_data_loss generates it"
q "SELECT covet_forget('0002_drop')" >/dev/null
out=$(q "SELECT covet_makemigration(NULL, 'public', 'x')")
like "$out" "ERROR:  name must not be null" "NULL name: the same message as SQLite's"

# --- squash -------------------------------------------------------------------
migs="SELECT covet_define('s1', 'CREATE TABLE a (id int PRIMARY KEY, v text)', 'DROP TABLE a');
SELECT covet_define('s2', 'CREATE TABLE \"public\".\"b\" (id int PRIMARY KEY, a_id int REFERENCES public.a (id))', 'DROP TABLE b', 's1');
SELECT covet_define('s3', \$\$INSERT INTO a VALUES (1, 'seed')\$\$, 'DELETE FROM a WHERE id = 1', 's2');
SELECT covet_define('s4', 'CREATE TABLE c (id int PRIMARY KEY, b_id int); CREATE INDEX CONCURRENTLY c_b ON c (b_id)', 'DROP TABLE c', 's3');
SELECT covet_define('s5', 'ALTER TABLE c ADD COLUMN note text NOT NULL DEFAULT ''''', 'ALTER TABLE c DROP COLUMN note', 's4');
SELECT covet_define('s6', 'CREATE VIEW bc AS SELECT b.id, c.note FROM b JOIN c ON c.b_id = b.id', 'DROP VIEW bc', 's5');"

newdb() {
	psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1
	create_db
	q "$migs" >/dev/null
	[ -n "$1" ] && q "CALL covet_migrate_up_commit('$1')" >/dev/null
}

newdb s6
want=$(shape)

newdb s1
text=$(q "SELECT covet_squash('s2', 's5', 's5_sq')")
like "$text" "covet:depends s1" "squash: depends on what the range needed"
like "$(tr '\n' ' ' <<<"$text")" "CREATE TABLE \"?b\"? .*INSERT INTO a VALUES \(1, 'seed'\).*c_b" \
	"the data migration stays in its place"
if grep -q "covet_squash_" <<<"$text"; then not_ok "no scratch schema name in the text" "$text"; else ok "no scratch schema name in the text"; fi
is "$(q "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'covet_squash_%'")" "0" "the scratch schema is gone"
is "$(q "SELECT string_agg(replaces, ',' ORDER BY replaces) FROM covet.squashed WHERE name = 's5_sq'")" \
	"s2,s3,s4,s5" "covet.squashed records the range"
is "$(q "SELECT count(*) FROM covet.squashed s JOIN covet.migrations m ON m.name = s.replaces AND m.checksum = s.checksum")" \
	"4" "with their checksums"
is "$(q "SELECT string_agg(name || ':' || state, ' ' ORDER BY name) FROM covet_status()")" \
	"s1:applied s2:replaced s3:replaced s4:replaced s5:replaced s5_sq:pending s6:pending" "none applied: originals replaced"
out=$(q "CALL covet_migrate_up_commit()")
like "$out" "applied s5_sq" "none applied: the squashed migration runs"
if grep -q "applied s2" <<<"$out"; then not_ok "and no original" "$out"; else ok "and no original"; fi
is "$(shape)" "$want" "the same schema as the originals give"
is "$(q "SELECT string_agg(v, ',') FROM a")" "seed" "the data migration ran once"
q "CALL covet_migrate_down_commit(2)" >/dev/null
is "$(q "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename IN ('b', 'c')")" "0" \
	"rolled back: the range's tables are gone"

newdb s3
q "SELECT covet_squash('s2', 's5', 's5_sq')" >/dev/null
is "$(q "SELECT state FROM covet_status() WHERE name = 's5_sq'")" "deferred" "part applied: deferred"
out=$(q "CALL covet_migrate_up_commit()")
like "$out" "applied s4" "part applied: the originals go on"
is "$(q "SELECT state FROM covet_status() WHERE name = 's5_sq'")" "applied" "then the squashed one shows applied"
is "$(shape)" "$want" "the same schema"

newdb s6
q "SELECT covet_squash('s2', 's5', 's5_sq')" >/dev/null
is "$(q "SELECT state FROM covet_status() WHERE name = 's5_sq'")" "applied" "all applied: shows applied"
is "$(q "SELECT covet_migrate_up()")" "nothing to apply" "and nothing runs"

newdb s1
q "SELECT covet_define('s7', 'SELECT 1', '', 's3')" >/dev/null
out=$(q "SELECT covet_squash('s2', 's4', 's4_sq', elide => 's3')")
like "$out" 'ERROR:  squashing "s2" .. "s4" would break migration "s7"' \
	"refused: a migration outside depends on an elided data migration"
out=$(q "SELECT covet_squash('s4', 's2', 'sq')")
like "$out" "ERROR:  \"s4\" comes after \"s2\" in plan order" "first after last is refused"

done_testing
