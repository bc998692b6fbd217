--
-- formats: other tools' migration files read as they are (golang-migrate,
-- dbmate, goose, Flyway, sqitch), covet_load_text, repeatable migrations,
-- definitions whose file is gone, covet_adopt.
--
-- The fixtures (test/fixtures/formats) are copied into a fresh directory
-- under /tmp that the server can read; its path is shown as <dir>.
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS covet;
RESET client_min_messages;

\set srvdir `d=$(mktemp -d /tmp/covet_formats.XXXXXX) && cp -r test/fixtures/formats/. "$d/" && chmod -R a+rX "$d" && echo "$d"`
\setenv SRVDIR :srvdir

-- Run a statement that returns text; show its result or its error, with
-- the directory's path replaced.
CREATE FUNCTION pg_temp.try(q text, dir text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	r text;
	st text;
	msg text;
	det text;
	hnt text;
BEGIN
	EXECUTE q INTO r;
	RETURN replace(r, dir, '<dir>');
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT,
		det = PG_EXCEPTION_DETAIL, hnt = PG_EXCEPTION_HINT;
	RETURN replace(format('ERROR %s: %s', st, msg)
				   || CASE WHEN det <> '' THEN E'\nDETAIL: ' || det ELSE '' END
				   || CASE WHEN hnt <> '' THEN E'\nHINT: ' || hnt ELSE '' END,
				   dir, '<dir>');
END
$$;
CREATE FUNCTION pg_temp.load(sub text, dir text) RETURNS text
LANGUAGE sql AS $$ SELECT pg_temp.try(format('SELECT covet_load(%L)', dir || '/' || sub), dir) $$;
CREATE FUNCTION pg_temp.text(f text, t text) RETURNS text
LANGUAGE sql AS $$ SELECT pg_temp.try(format('SELECT covet_load_text(%L, %L)', f, t), '/nowhere') $$;

-- golang-migrate: pairs of files, versions in version order (1 < 2 < 10)
SELECT pg_temp.load('golang', :'srvdir');
SELECT name, version, format, replace(source, :'srvdir', '<dir>') AS source, depends_on,
	   quote_nullable(down_sql) AS down FROM covet.migrations ORDER BY name;
SELECT name FROM covet_status();
SELECT covet_migrate_up();
SELECT covet_migrate_down(3);
SELECT count(*) FROM pg_class WHERE relname LIKE 'gm\_%' AND relkind = 'r';
SELECT covet_migrate_up();
SELECT pg_temp.load('golang', :'srvdir');
-- dbmate: indented markers, an empty down section is a no-op down
SELECT pg_temp.load('dbmate', :'srvdir');
SELECT name, version, format, quote_nullable(down_sql) AS down, atomic FROM covet.migrations
 WHERE format = 'dbmate' ORDER BY name;
SELECT covet_migrate_up();
SELECT covet_migrate_down('20240101000000_users');
SELECT count(*) FROM dm_orders;
DROP TABLE dm_orders;
-- goose
SELECT pg_temp.load('goose', :'srvdir');
SELECT name, version, up_sql, quote_nullable(down_sql) AS down FROM covet.migrations
 WHERE format = 'goose' ORDER BY name;
-- Flyway: V, U (undo), R (repeatable); 1 < 1.1 < 1.2 < 1.10
SELECT pg_temp.load('flyway', :'srvdir');
SELECT name, version, repeatable, down_sql IS NOT NULL AS has_down FROM covet.migrations
 WHERE format = 'flyway' ORDER BY name;
SELECT covet_migrate_up();
SELECT covet_migrate_up();
SELECT * FROM fw_names;
-- sqitch
SELECT pg_temp.load('sqitch', :'srvdir');
SELECT name, version, depends_on, down_sql IS NULL AS no_down, replace(source, :'srvdir', '<dir>') AS source
  FROM covet.migrations WHERE format = 'sqitch' ORDER BY name;
-- one format per directory
SELECT pg_temp.load('mixed', :'srvdir');

-- text from the client: pieces in turn
SELECT pg_temp.text('5_t.up.sql', 'CREATE TABLE lt_t (id int);');
SELECT pg_temp.text('5_t.down.sql', 'DROP TABLE lt_t;');
SELECT pg_temp.text('5_t.up.sql', 'CREATE TABLE lt_t (id int);');
SELECT down_sql, source FROM covet.migrations WHERE name = '5_t';
SELECT pg_temp.text('6_u.down.sql', 'DROP TABLE lt_u;');
SELECT pg_temp.text('V9__lt.sql', 'CREATE TABLE lt_v (id int);');
SELECT pg_temp.text('U9__undo.sql', 'DROP TABLE lt_v;');
SELECT pg_temp.text('U8__undo.sql', 'DROP TABLE lt_w;');
SELECT pg_temp.text('20250101_x.sql', E'-- +goose NO TRANSACTION\n-- +goose Up\nSELECT 1;');
SELECT pg_temp.text('20250102_y.sql', E'-- migrate:up transaction:false\nSELECT 1;\n-- migrate:down transaction:false\nSELECT 2;');
SELECT name, atomic FROM covet.migrations WHERE name IN ('20250101_x', '20250102_y') ORDER BY name;
SELECT pg_temp.text('deploy/lt_s.sql', 'CREATE TABLE lt_s (id int);');
SELECT pg_temp.text('revert/lt_s.sql', 'DROP TABLE lt_s;');
SELECT pg_temp.text('verify/lt_s.sql', 'SELECT 1;');
SELECT pg_temp.text('sqitch.plan', E'sq_users 2024 a\nlt_s [sq_users] 2024 a');
SELECT depends_on, down_sql FROM covet.migrations WHERE name = 'lt_s';
SELECT pg_temp.text('sqitch.plan', 'lt_nope 2024 a');
-- errors: the same messages as covet_load, the same as SQLite's
SELECT pg_temp.text('1_bad.sql', E'-- migrate:up\n-- migrate:up\nSELECT 1;');
SELECT pg_temp.text('1_bad.sql', E'SELECT 0;\n-- migrate:up\nSELECT 1;');
SELECT pg_temp.text('1_bad.sql', E'-- +goose Sideways\nSELECT 1;');
SELECT pg_temp.text('1_bad.sql', E'-- migrate:up transaction:maybe\nSELECT 1;');
SELECT pg_temp.text('x_bad.sql', E'-- migrate:up\nSELECT 1;');
SELECT pg_temp.text('1_bad.sql', E'-- +goose Down\nSELECT 1;');
SELECT pg_temp.text('sqitch.plan', E'a 2024\nb [zz] 2024');
SELECT pg_temp.text('sqitch.plan', E'a 2024\na [a] 2024');
SELECT pg_temp.text('1_bad.sql', NULL);
SELECT pg_temp.text(NULL, 'SELECT 1;');
SELECT pg_temp.text('', 'SELECT 1;');
DELETE FROM covet.migrations WHERE name IN ('20250101_x', '20250102_y');

-- a repeatable migration in covet's format: applied again when it changes
SELECT pg_temp.text('r_counts.sql', E'-- covet:repeatable\n-- covet:up\nCREATE OR REPLACE VIEW r_counts AS SELECT 1 AS n;');
SELECT covet_migrate_up();
SELECT pg_temp.text('r_counts.sql', E'-- covet:repeatable\n-- covet:up\nCREATE OR REPLACE VIEW r_counts AS SELECT 2 AS n;');
SELECT name, drift FROM covet_status() WHERE name = 'r_counts';
SELECT covet_migrate_up();
SELECT n FROM r_counts;
SELECT name, action FROM covet.history WHERE name = 'r_counts' ORDER BY id;

-- definitions whose file is gone: in the report, not an error
\! mkdir -p "$SRVDIR"/gone && cp "$SRVDIR"/golang/* "$SRVDIR"/gone/ && chmod -R a+rX "$SRVDIR"/gone
SELECT pg_temp.load('gone', :'srvdir');
\! rm "$SRVDIR"/gone/10_orders.up.sql "$SRVDIR"/gone/10_orders.down.sql
SELECT pg_temp.load('gone', :'srvdir');

-- repeatable migrations are never rolled back; 1.0 is version 1 (Flyway)
SELECT pg_temp.try($$SELECT covet_migrate_down('r_counts')$$, '');
SELECT count(*) FROM covet.applied WHERE name = 'r_counts';
SELECT pg_temp.text('V77__seventy_seven.sql', 'CREATE TABLE v77 (id int);');
SELECT pg_temp.text('U77.0__undo.sql', 'DROP TABLE v77;');

-- covet_adopt: a fresh start with each tool's history table
DROP EXTENSION covet;
DROP TABLE gm_orders, gm_users, dm_users, gs_users, gs_orders, lt_t, lt_v, lt_s, sq_users, sq_orders, sq_items CASCADE;
DROP VIEW r_counts;
DROP VIEW fw_names;
DROP TABLE fw_users;
CREATE EXTENSION covet;
SELECT covet_adopt();
SELECT pg_temp.load('golang', :'srvdir');
SELECT covet_adopt();
CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL);
INSERT INTO schema_migrations VALUES (2, true);
SELECT pg_temp.try('SELECT covet_adopt()', '');
SELECT count(*) FROM covet.applied;
UPDATE schema_migrations SET dirty = false;
SELECT covet_adopt();
SELECT name, action, checksum = (SELECT checksum FROM covet.migrations m WHERE m.name = h.name) AS same_sum,
	   detail FROM covet.history h ORDER BY id;
SELECT covet_adopt();
UPDATE schema_migrations SET version = 11;
SELECT covet_adopt();
DROP TABLE schema_migrations;
SELECT pg_temp.load('dbmate', :'srvdir');
CREATE TABLE schema_migrations (version varchar(128) PRIMARY KEY);
INSERT INTO schema_migrations VALUES ('20240101000000'), ('20231231000000');
SELECT covet_adopt();
DROP TABLE schema_migrations;
SELECT pg_temp.load('goose', :'srvdir');
CREATE TABLE goose_db_version (id serial PRIMARY KEY, version_id bigint NOT NULL, is_applied boolean NOT NULL, tstamp timestamp DEFAULT now());
INSERT INTO goose_db_version (version_id, is_applied) VALUES (0, true), (1, true), (2, true), (2, false);
SELECT covet_adopt();
SELECT pg_temp.load('flyway', :'srvdir');
CREATE TABLE flyway_schema_history (installed_rank integer PRIMARY KEY, version varchar(50), description varchar(200),
	type varchar(20), script varchar(1000), checksum integer, success boolean NOT NULL);
INSERT INTO flyway_schema_history VALUES
 (1, '1', 'users', 'SQL', 'V1__users.sql', 1, true),
 (2, '1.1', 'a', 'SQL', 'V1_1__a.sql', 1, true),
 (3, '1.2', 'b', 'SQL', 'V1.2__b.sql', 1, true),
 (4, '1.2', 'b', 'UNDO_SQL', 'U1.2__b.sql', 1, true),
 (5, '1.10', 'c', 'SQL', 'V1_10__c.sql', 1, false),
 (6, NULL, 'names view', 'SQL', 'R__names_view.sql', -1, true),
 (7, NULL, 'names view', 'SQL', 'R__names_view.sql', -746007273, true),
 (8, '1.1', 'a', 'DELETE', 'V1_1__a.sql', NULL, true);
SELECT covet_adopt();
SELECT pg_temp.load('sqitch', :'srvdir');
CREATE SCHEMA sqitch;
CREATE TABLE sqitch.changes (change_id text PRIMARY KEY, change text NOT NULL, project text NOT NULL, committed_at timestamptz NOT NULL);
INSERT INTO sqitch.changes VALUES ('a1', 'sq_users', 'shop', '2024-01-01'), ('a2', 'sq_gone', 'shop', '2024-01-02');
-- another project's change of the same name as one of ours is not adopted (%project=shop)
INSERT INTO sqitch.changes VALUES ('a3', 'sq_orders', 'otherproject', '2024-01-03');
SELECT covet_adopt();
SELECT name, state FROM covet_status() ORDER BY name;
SELECT action, count(*) FROM covet.history GROUP BY action;
-- the tools' tables are read as the caller: a role without SELECT on them
-- gets an error (not "adopted 0", after which migrate_up would run everything)
CREATE ROLE covet_formats_nobody;
GRANT EXECUTE ON FUNCTION covet_adopt() TO covet_formats_nobody;
REVOKE ALL ON flyway_schema_history FROM PUBLIC;
DELETE FROM covet.applied WHERE name = 'V1__users';
SET ROLE covet_formats_nobody;
SELECT covet_adopt();
RESET ROLE;
SELECT count(*) FROM covet.applied WHERE name = 'V1__users';
-- the table is resolved once, never through pg_temp: a schema_migrations
-- planted there (searched first by an unqualified name) is not read
CREATE TABLE public.schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL);
INSERT INTO public.schema_migrations VALUES (1, false);
CREATE TEMP TABLE schema_migrations (version bigint, dirty boolean);
INSERT INTO pg_temp.schema_migrations VALUES (99, true);
SELECT covet_adopt();
DROP TABLE pg_temp.schema_migrations;
DROP TABLE public.schema_migrations;

DROP SCHEMA sqitch CASCADE;
DROP TABLE goose_db_version, flyway_schema_history;
DROP OWNED BY covet_formats_nobody;
DROP ROLE covet_formats_nobody;
DROP EXTENSION covet;
\! rm -rf "$SRVDIR"
