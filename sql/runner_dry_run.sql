--
-- runner_dry_run: dry runs report what would happen and change nothing
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS covet;
RESET client_min_messages;

SELECT covet_define('d_one', 'CREATE TABLE dr_one (id int);
INSERT INTO dr_one SELECT generate_series(1, 3);', 'DROP TABLE dr_one');
SELECT covet_define('d_two', 'UPDATE dr_one SET id = id * 10 WHERE id > 1',
					'UPDATE dr_one SET id = id / 10 WHERE id > 1', depends_on => 'd_one');
SELECT covet_define('d_three', 'CREATE TABLE dr_three (id int)', 'DROP TABLE dr_three',
					depends_on => 'd_two');

-- What the state looks like, to compare after each dry run.
CREATE VIEW dr_state AS
SELECT (SELECT count(*) FROM covet.applied) AS applied,
	   (SELECT count(*) FROM covet.history) AS history,
	   (SELECT string_agg(name || '=' || state, ' ') FROM covet_status()) AS states,
	   to_regclass('dr_one') IS NOT NULL AS dr_one,
	   to_regclass('dr_three') IS NOT NULL AS dr_three;

SELECT * FROM dr_state;
SELECT covet_migrate_up(dry_run => true);
SELECT * FROM dr_state;
SELECT covet_migrate_up('d_two', true);
SELECT covet_apply('d_one', dry_run => true);
SELECT * FROM dr_state;

-- Apply for real, then dry-run the way down.
SELECT covet_migrate_up();
SELECT * FROM dr_state;
SELECT covet_migrate_down(dry_run => true);
SELECT covet_migrate_down(5, true);
SELECT covet_migrate_down('d_one', true);
SELECT * FROM dr_state;
SELECT id FROM dr_one ORDER BY id;
SELECT covet_migrate_up(dry_run => true);

-- A failure in a dry run is raised after everything is rolled back, naming
-- the statement, with the report so far as DETAIL; nothing after it runs.
SELECT covet_define('d_four', 'INSERT INTO dr_three VALUES (1);
INSERT INTO dr_three VALUES (2);
INSERT INTO dr_missing VALUES (3);
INSERT INTO dr_three VALUES (4);', 'DELETE FROM dr_three', depends_on => 'd_three');
SELECT covet_define('d_five', 'CREATE TABLE dr_five (id int)', 'DROP TABLE dr_five',
					depends_on => 'd_four');
SELECT covet_migrate_up(dry_run => true);
SELECT * FROM dr_state;
SELECT count(*) AS dr_three_rows FROM dr_three;
SELECT to_regclass('dr_five') AS dr_five;

-- A failing down in a dry run.
SELECT covet_define('d_four', 'SELECT 1', 'SELECT 1 / 0', depends_on => 'd_three');
SELECT covet_migrate_up('d_four');
SELECT covet_migrate_down(dry_run => true);
SELECT * FROM dr_state;

-- Errors found before anything runs are still raised in a dry run.
SELECT covet_migrate_up('d_nope', dry_run => true);
UPDATE covet.migrations SET down_sql = 'SELECT 2' WHERE name = 'd_four';
SELECT covet_migrate_down(dry_run => true);

DROP VIEW dr_state;
DROP TABLE dr_one, dr_three;
DROP EXTENSION covet;
