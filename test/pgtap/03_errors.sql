-- pgTAP: every error of the SQL surface, with its SQLSTATE, and that a
-- refused call changes nothing.  Self-contained; rolls everything back.
-- Not here: the lock timeout (55P03) needs two sessions
-- (test/scripts/pg_concurrency.sh), and the READ COMMITTED check needs a
-- transaction started at another level (sql/runner_errors.sql).
\set ON_ERROR_STOP 1
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off
SET client_min_messages = warning;

BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS covet;
DELETE FROM covet.history;
DELETE FROM covet.applied;
DELETE FROM covet.migrations;

SELECT plan(59);

-- Run q as role r; 'SQLSTATE: message' of its error, or 'ok: '.
CREATE FUNCTION pg_temp.as_role(r text, q text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	st text := 'ok';
	msg text := '';
BEGIN
	BEGIN
		EXECUTE format('SET LOCAL ROLE %I', r);
		EXECUTE q;
		RESET ROLE;
	EXCEPTION WHEN OTHERS THEN
		GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
	END;
	RETURN st || ': ' || msg;
END
$$;

CREATE TABLE tap_canary (id int);
INSERT INTO tap_canary VALUES (1);

-- NULL and empty arguments.
SELECT throws_ok($$ SELECT covet_define(NULL, 'SELECT 1') $$, '22004', 'name must not be null', 'define: NULL name');
SELECT throws_ok($$ SELECT covet_define('t_x', NULL) $$, '22004', 'up must not be null', 'define: NULL up');
SELECT throws_ok($$ SELECT covet_define('', 'SELECT 1') $$, '22023', 'migration name must not be empty', 'define: empty name');
SELECT throws_ok($$ SELECT covet_define('t_x', ' ') $$, '22023', 'up must not be empty', 'define: blank up');
SELECT throws_ok($$ SELECT covet_load(NULL) $$, '22004', 'path must not be null', 'load: NULL path');
SELECT throws_ok($$ SELECT covet_load('') $$, '22023', 'path must not be empty', 'load: empty path');
SELECT throws_ok($$ SELECT covet_migrate_up(NULL, NULL) $$, '22004', 'dry_run must not be null', 'up: NULL dry_run');
SELECT throws_ok($$ SELECT covet_migrate_down(NULL::integer) $$, '22004', 'steps must not be null', 'down: NULL steps');
SELECT throws_ok($$ SELECT covet_migrate_down(NULL::text) $$, '22004', 'target must not be null', 'down: NULL target');
SELECT throws_ok($$ SELECT covet_migrate_down(0) $$, '22023', 'steps must be at least 1', 'down: zero steps');
SELECT throws_ok($$ SELECT covet_apply(NULL) $$, '22004', 'name must not be null', 'apply: NULL name');
SELECT throws_ok($$ SELECT covet_set('lock_timeout', NULL) $$, '22004', 'value must not be null', 'set: NULL value');
SELECT throws_ok($$ SELECT covet_set('nap_time', '1') $$, '22023', 'unknown covet setting "nap_time"', 'set: unknown setting');
SELECT throws_ok($$ SELECT covet_set('lock_timeout', '-1') $$, '22023', NULL, 'set: out of range');

-- Names.
SELECT throws_ok($$ SELECT covet_define('x''); DROP TABLE tap_canary; --', 'SELECT 1') $$, '22023',
				 'invalid migration name "x''); DROP TABLE tap_canary; --"', 'define: injection-shaped name');
SELECT throws_ok($$ SELECT covet_apply('x''); DROP TABLE tap_canary; --') $$, '22023', NULL, 'apply: injection-shaped name');
SELECT throws_ok($$ SELECT covet_migrate_up('a b') $$, '22023', 'invalid target "a b"', 'up: bad target');
SELECT throws_ok($$ SELECT covet_define('t_x', 'SELECT 1', depends_on => 'a;b') $$, '22023', NULL, 'define: bad dependency name');
SELECT throws_ok($$ SELECT covet_define(repeat('n', 129), 'SELECT 1') $$, '22023', 'migration name is too long', 'define: name too long');
SELECT throws_ok($$ SELECT covet_define('t_x', 'SELECT 1', kind => 'other') $$, '22023', 'invalid kind "other"', 'define: bad kind');
SELECT results_eq('SELECT id FROM tap_canary', ARRAY[1], 'the canary is untouched');
SELECT is_empty('SELECT * FROM covet.migrations', 'nothing was defined');

-- Unknown names, dependencies.
SELECT lives_ok($$ SELECT covet_define('t_a', 'CREATE TABLE tap_a (id int)', 'DROP TABLE tap_a') $$, 'setup: define t_a');
SELECT throws_ok($$ SELECT covet_migrate_up('t_nope') $$, '42704', 'unknown migration "t_nope"', 'up: unknown target');
SELECT throws_ok($$ SELECT covet_migrate_down('t_nope') $$, '42704', 'unknown migration "t_nope"', 'down: unknown target');
SELECT throws_ok($$ SELECT covet_apply('t_nope') $$, '42704', 'unknown migration "t_nope"', 'apply: unknown name');
SELECT throws_ok($$ SELECT covet_define('t_self', 'SELECT 1', depends_on => 't_self') $$, '42P17',
				 'dependency cycle among migrations: t_self -> t_self', 'define: depends on itself');
SELECT lives_ok($$ SELECT covet_define('t_b', 'SELECT 1', depends_on => 't_a t_ghost') $$, 'setup: define t_b');
SELECT throws_ok($$ SELECT covet_migrate_up() $$, '42P17',
				 'migration "t_b" depends on "t_ghost", which is not defined', 'up: missing dependency');
SELECT lives_ok($$ SELECT covet_define('t_ghost', 'SELECT 1', depends_on => 't_b') $$, 'setup: define t_ghost');
SELECT throws_ok($$ SELECT covet_migrate_up() $$, '42P17',
				 'dependency cycle among migrations: t_b -> t_ghost -> t_b', 'up: cycle');
SELECT is_empty('SELECT * FROM covet.applied', 'refused runs applied nothing');
SELECT lives_ok($$ SELECT covet_define('t_ghost', 'SELECT 1') $$, 'setup: define t_ghost');

-- Failing migrations keep PostgreSQL's SQLSTATE; nothing of the run stays.
SELECT lives_ok($$ SELECT covet_define('t_c', 'SELECT 1; SELECT 1 / 0', 'SELECT 1', depends_on => 't_b') $$, 'setup: define t_c');
SELECT throws_ok($$ SELECT covet_migrate_up() $$, '22012', 'migration "t_c" failed: division by zero', 'up: failing SQL');
SELECT is_empty('SELECT * FROM covet.history', 'a failed run leaves no history');
SELECT hasnt_table('tap_a', 'a failed run leaves no table');
SELECT lives_ok($$ SELECT covet_define('t_c', 'CREATE TABLE tap_u (id int UNIQUE); INSERT INTO tap_u VALUES (1), (1)', 'SELECT 1', depends_on => 't_b') $$, 'setup: define t_c');
SELECT throws_ok($$ SELECT covet_migrate_up() $$, '23505', NULL, 'up: unique violation');
SELECT lives_ok($$ SELECT covet_define('t_c', 'SELEC 1', 'SELECT 1', depends_on => 't_b') $$, 'setup: define t_c');
SELECT throws_ok($$ SELECT covet_migrate_up() $$, '42601', 'migration "t_c" failed: syntax error at or near "SELEC"', 'up: syntax error');
SELECT lives_ok($$ SELECT covet_define('t_c', 'SELECT 1; COMMIT', 'SELECT 1', depends_on => 't_b') $$, 'setup: define t_c');
SELECT throws_ok($$ SELECT covet_migrate_up() $$, '25001',
				 'migration "t_c" must run outside a transaction', 'up: COMMIT makes it non-transactional, which the SELECT form refuses');
SELECT lives_ok($$ SELECT covet_define('t_c', 'CREATE TABLE tap_cp (id int); COPY tap_cp TO STDOUT', 'SELECT 1', depends_on => 't_b') $$, 'setup: define t_c');
SELECT throws_ok($$ SELECT covet_migrate_up() $$, '0A000', NULL, 'up: COPY to the client');
SELECT lives_ok($$ SELECT covet_define('t_c', 'SELECT 1', NULL, depends_on => 't_b') $$, 'setup: define t_c');

-- Applied migrations: no down, redefinition, drift.
SELECT lives_ok($$ SELECT covet_migrate_up() $$, 'setup: apply everything pending');
SELECT throws_ok($$ SELECT covet_migrate_down() $$, '55000', 'migration "t_c" has no down section', 'down: no down section');
SELECT throws_ok($$ SELECT covet_define('t_a', 'CREATE TABLE tap_a (id bigint)', 'DROP TABLE tap_a') $$, '55000',
				 'migration "t_a" is applied and its text has changed', 'define: applied text changed');
UPDATE covet.migrations SET up_sql = 'CREATE TABLE tap_a (id text)' WHERE name = 't_a';
SELECT throws_ok($$ SELECT covet_migrate_up() $$, '55000', 'checksum drift in applied migration "t_a"', 'up: drift');
SELECT throws_ok($$ SELECT covet_migrate_down('t_b') $$, '55000', 'checksum drift in applied migration "t_a"', 'down: drift');
SELECT results_eq($$ SELECT drift FROM covet_status() WHERE name = 't_a' $$, ARRAY[true], 'status shows the drift');

-- Files.
SELECT throws_ok($$ SELECT covet_load('/nonexistent/covet') $$, '58030',
				 'could not open "/nonexistent/covet": No such file or directory', 'load: missing path');
SELECT format('COPY (SELECT %L) TO %L', E'-- covet:up\nSELECT 1;\n-- covet:nonsense',
			  '/tmp/covet_tap_' || pg_backend_pid() || '.sql') AS copy_bad,
	   '/tmp/covet_tap_' || pg_backend_pid() || '.sql' AS bad_file \gset
:copy_bad;
SELECT throws_ok(format('SELECT covet_load(%L)', :'bad_file'), '42601', NULL, 'load: malformed file');
COPY (SELECT 1) TO PROGRAM 'rm -f /tmp/covet_tap_*.sql';

-- Privileges: a role that may run covet_load but not read server files.
CREATE ROLE covet_tap_deployer;
SELECT is(pg_temp.as_role('covet_tap_deployer', 'SELECT covet_migrate_up()'),
		  '42501: permission denied for function covet_migrate_up', 'no EXECUTE without a grant');
GRANT EXECUTE ON FUNCTION covet_load(text), covet_status() TO covet_tap_deployer;
SELECT is(pg_temp.as_role('covet_tap_deployer', $$ SELECT covet_load('/tmp') $$),
		  '42501: permission denied to read migration files', 'load refused without pg_read_server_files');
SELECT is(pg_temp.as_role('covet_tap_deployer', 'SELECT * FROM covet_status()'),
		  'ok: ', 'with EXECUTE alone (no grant on covet''s tables), the role can read the status');
SELECT is(pg_temp.as_role('covet_tap_deployer', 'SELECT count(*) FROM covet.migrations'),
		  '42501: permission denied for schema covet', 'but not covet''s tables directly');
SELECT is(current_user::text, session_user::text, 'the role was reset');

SELECT * FROM finish();
ROLLBACK;
