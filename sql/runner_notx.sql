-- Non-transactional migrations, what one session sees: which migrations
-- covet_define stores as non-transactional (with a NOTICE saying why), the
-- SELECT forms' refusal naming the _commit form, dry runs, and the columns
-- of covet_status().  Running them (a worker, CALL) is test/scripts/pg_notx.sh.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS covet;
SET client_min_messages = notice;

SELECT covet_define('nt_1', 'CREATE TABLE nt_t (a int); CREATE INDEX CONCURRENTLY nt_i ON nt_t (a)');
SELECT covet_define('nt_2', 'ALTER TYPE nt_mood ADD VALUE ''meh''', 'SELECT 1');
SELECT covet_define('nt_3', 'SELECT 1', 'DROP INDEX CONCURRENTLY nt_i');
SELECT covet_define('nt_4', 'BEGIN; CREATE TABLE nt_u (a int); COMMIT;');
SELECT covet_define('nt_5', 'VACUUM (ANALYZE) nt_t');
SELECT covet_define('nt_6', 'REINDEX TABLE CONCURRENTLY nt_t');
-- nothing that counts: strings, comments, dollar quotes, a BEGIN ATOMIC body
SELECT covet_define('nt_7', $m$SELECT 'CREATE INDEX CONCURRENTLY x ON y (z)'; -- VACUUM;
/* COMMIT; */ DO $$ BEGIN PERFORM 1; END $$;
CREATE FUNCTION nt_f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END;
REFRESH MATERIALIZED VIEW CONCURRENTLY nt_v$m$);
-- atomic => false without a reason: no NOTICE
SELECT covet_define('nt_8', 'CREATE TABLE nt_w (a int)', atomic => false);
SELECT covet_define('nt_8', 'CREATE TABLE nt_w (a int)', atomic => NULL);
SELECT name, atomic FROM covet.migrations WHERE name LIKE 'nt\_%' ORDER BY name;
-- Unchanged: no NOTICE again.
SELECT covet_define('nt_1', 'CREATE TABLE nt_t (a int); CREATE INDEX CONCURRENTLY nt_i ON nt_t (a)');

-- The SELECT forms refuse; a dry run reports without running.
SELECT covet_migrate_up();
SELECT covet_apply('nt_1');
SELECT covet_migrate_up('nt_1', dry_run => true);
SELECT name, state, statement, error FROM covet_status() WHERE name LIKE 'nt\_%';

-- An incomplete migration as covet_status() shows it.
INSERT INTO covet.incomplete (name, action, statement, checksum, started_at, updated_at, who, error)
SELECT name, 'apply', 1, checksum, now(), now(), 'me', 'relation "x" does not exist'
  FROM covet.migrations WHERE name = 'nt_1';
SELECT name, state, statement, error FROM covet_status() WHERE name = 'nt_1';
SELECT covet_migrate_up('nt_1');
DELETE FROM covet.incomplete;
DELETE FROM covet.migrations WHERE name LIKE 'nt\_%';
DROP EXTENSION covet;
