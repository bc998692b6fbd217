-- pgTAP: the runner's effects: order, applied rows, history, dry runs.
-- Self-contained: creates what it needs and rolls everything back.
\set ON_ERROR_STOP 1
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off
SET client_min_messages = warning;

BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS covet;
-- Start from nothing, whatever the database held (rolled back at the end).
DELETE FROM covet.history;
DELETE FROM covet.applied;
DELETE FROM covet.migrations;

SELECT plan(30);

-- Defined in an order unrelated to the plan: c needs a and b, b needs a,
-- d and e are roots that sort after a.
SELECT is(covet_define('tap_c', 'CREATE TABLE tap_c (id int REFERENCES tap_b)',
					   'DROP TABLE tap_c', 'tap_a, tap_b'),
		  'defined tap_c', 'define reports "defined NAME"');
SELECT is(covet_define('tap_e', 'CREATE TABLE tap_e (id int)', 'DROP TABLE tap_e'),
		  'defined tap_e', 'define another');
SELECT is(covet_define('tap_b', 'CREATE TABLE tap_b (id int PRIMARY KEY); INSERT INTO tap_b VALUES (1), (2)',
					   'DROP TABLE tap_b', 'tap_a'),
		  'defined tap_b', 'define one with a dependency');
SELECT is(covet_define('tap_a', 'CREATE TABLE tap_a (id int)', 'DROP TABLE tap_a'),
		  'defined tap_a', 'define a root');
SELECT is(covet_define('tap_d', 'CREATE TABLE tap_d (id int)', 'DROP TABLE tap_d', kind => 'data'),
		  'defined tap_d', 'define a data migration');

-- Plan order: dependencies first, ties by name.
SELECT results_eq($$ SELECT name FROM covet_status() $$,
				  ARRAY['tap_a', 'tap_b', 'tap_c', 'tap_d', 'tap_e'],
				  'covet_status lists migrations in plan order');
SELECT results_eq($$ SELECT DISTINCT state FROM covet_status() $$,
				  ARRAY['pending'], 'everything is pending');

-- A dry run leaves no trace.
SELECT is(covet_migrate_up(dry_run => true),
		  E'would apply tap_a (1 statement, 0 rows)\nwould apply tap_b (2 statements, 2 rows)\nwould apply tap_c (1 statement, 0 rows)\nwould apply tap_d (1 statement, 0 rows)\nwould apply tap_e (1 statement, 0 rows)\ndry run: nothing was changed',
		  'dry run reports every migration');
SELECT is_empty('SELECT * FROM covet.applied', 'dry run: no applied rows');
SELECT is_empty('SELECT * FROM covet.history', 'dry run: no history rows');
SELECT hasnt_table('tap_a', 'dry run: no table created');
SELECT results_eq($$ SELECT DISTINCT state FROM covet_status() $$,
				  ARRAY['pending'], 'dry run: everything still pending');

-- Up to a target, then the rest.
SELECT is(covet_migrate_up('tap_b'),
		  E'applied tap_a (1 statement, 0 rows)\napplied tap_b (2 statements, 2 rows)',
		  'up to a target applies it and its dependencies');
SELECT is(covet_migrate_up(),
		  E'applied tap_c (1 statement, 0 rows)\napplied tap_d (1 statement, 0 rows)\napplied tap_e (1 statement, 0 rows)',
		  'up applies the rest in order');
SELECT is(covet_migrate_up(), 'nothing to apply', 'up again: nothing to apply');
SELECT has_table('tap_c', 'the migrations ran');

-- applied: one row per migration with the checksum of its text.
SELECT results_eq($$ SELECT a.name, a.checksum = covet_checksum(m.up_sql, m.down_sql),
							 a.who = current_user, a.statements, a.rows
					   FROM covet.applied a JOIN covet.migrations m USING (name) ORDER BY a.name $$,
				  $$ VALUES ('tap_a', true, true, 1, 0::bigint), ('tap_b', true, true, 2, 2),
							('tap_c', true, true, 1, 0), ('tap_d', true, true, 1, 0),
							('tap_e', true, true, 1, 0) $$,
				  'applied rows: checksum, who, statements, rows');

-- history: in id order, the order things ran.
SELECT results_eq($$ SELECT name, action, outcome FROM covet.history ORDER BY id $$,
				  $$ VALUES ('tap_a', 'apply', 'ok'), ('tap_b', 'apply', 'ok'), ('tap_c', 'apply', 'ok'),
							('tap_d', 'apply', 'ok'), ('tap_e', 'apply', 'ok') $$,
				  'history rows follow the plan order');
SELECT is_empty($$ SELECT 1 FROM covet.history h JOIN covet.migrations m USING (name)
					WHERE h.checksum <> m.checksum $$,
				'history checksums are the migrations'' checksums');

-- status: applied columns filled, no drift.
SELECT results_eq($$ SELECT count(*) FILTER (WHERE state = 'applied' AND applied_at IS NOT NULL
										 AND duration_ms >= 0 AND who = current_user
										 AND applied_checksum = checksum AND NOT drift)
					   FROM covet_status() $$,
				  ARRAY[5::bigint], 'status shows every migration applied without drift');

-- A dry run down leaves no trace either.
SELECT is(covet_migrate_down(2, dry_run => true),
		  E'would roll back tap_e (1 statement, 0 rows)\nwould roll back tap_d (1 statement, 0 rows)\ndry run: nothing was changed',
		  'dry run down reports');
SELECT is((SELECT count(*) FROM covet.applied), 5::bigint, 'dry run down: still 5 applied');
SELECT is((SELECT count(*) FROM covet.history), 5::bigint, 'dry run down: still 5 history rows');

-- Down: latest first; history records the rollback.
SELECT is(covet_migrate_down('tap_a'),
		  E'rolled back tap_e (1 statement, 0 rows)\nrolled back tap_d (1 statement, 0 rows)\nrolled back tap_c (1 statement, 0 rows)\nrolled back tap_b (1 statement, 0 rows)',
		  'down to a target rolls back what came after it, latest first');
SELECT results_eq($$ SELECT name, action, outcome FROM covet.history ORDER BY id DESC LIMIT 4 $$,
				  $$ VALUES ('tap_b', 'rollback', 'ok'), ('tap_c', 'rollback', 'ok'),
							('tap_d', 'rollback', 'ok'), ('tap_e', 'rollback', 'ok') $$,
				  'rollback history rows');
SELECT results_eq($$ SELECT name FROM covet.applied $$, ARRAY['tap_a'], 'only the target stays applied');
SELECT hasnt_table('tap_b', 'the down text ran');

-- apply: one migration.
SELECT is(covet_apply('tap_e'), 'applied tap_e (1 statement, 0 rows)', 'apply one migration');
SELECT is(covet_apply('tap_e'), 'tap_e is already applied', 'apply an applied one');
SELECT is(covet_migrate_down(5),
		  E'rolled back tap_e (1 statement, 0 rows)\nrolled back tap_a (1 statement, 0 rows)',
		  'down more steps than applied rolls back everything');

SELECT * FROM finish();
ROLLBACK;
