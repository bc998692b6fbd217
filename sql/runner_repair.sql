--
-- runner_repair: baseline, mark applied / rolled back, repair, forget, the
-- order of covet_migrate_down (the hotfix case), empty down sections.  The
-- same cases with the same messages run on SQLite (test/sqlite/runner_repair.sql).
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS covet;
RESET client_min_messages;
\pset null '(null)'

-- A database that existed before covet: 0001..0003 are already there.
CREATE TABLE rp_a (id int);
CREATE TABLE rp_b (id int);
CREATE TABLE rp_c (id int);
SELECT covet_define('0001_a', 'CREATE TABLE rp_a (id int)', 'DROP TABLE rp_a');
SELECT covet_define('0002_b', 'CREATE TABLE rp_b (id int)', 'DROP TABLE rp_b', '0001_a');
SELECT covet_define('0003_c', 'CREATE TABLE rp_c (id int)', 'DROP TABLE rp_c', '0002_b');
SELECT covet_define('0004_d', 'CREATE TABLE rp_d (id int)', 'DROP TABLE rp_d', '0003_c');
SELECT covet_define('0005_e', 'CREATE TABLE rp_e (id int)', 'DROP TABLE rp_e');

-- Baseline: refusals, then 0001..0003 are marked applied without running.
SELECT covet_baseline(NULL);
SELECT covet_baseline('nosuch');
SELECT covet_baseline('bad name!');
SELECT covet_baseline('0003_c');
SELECT name, state FROM covet_status();
SELECT name, action, outcome, detail, statements FROM covet.history ORDER BY id;
SELECT covet_baseline('0002_b');
SELECT covet_migrate_up('0004_d');
SELECT covet_baseline('0003_c');

-- Mark applied / rolled back: nothing runs, history 'fake'.
SELECT covet_define('0006_f', 'CREATE TABLE rp_f (id int)', 'DROP TABLE rp_f', '0005_e');
SELECT covet_mark_applied('0006_f');
SELECT covet_mark_applied('nosuch');
SELECT covet_mark_applied(NULL);
SELECT covet_mark_applied('0005_e');
SELECT covet_mark_applied('0005_e');
SELECT to_regclass('rp_e');
SELECT covet_mark_applied('0006_f');
SELECT covet_mark_rolled_back('0005_e');
SELECT covet_mark_rolled_back('0006_f');
SELECT covet_mark_rolled_back('0006_f');
SELECT covet_mark_rolled_back('0005_e');
SELECT covet_mark_rolled_back(NULL);
SELECT name, action, detail FROM covet.history WHERE action = 'fake' ORDER BY id;

-- Forget: refusals, then a pending leaf goes.
SELECT covet_forget('0001_a');
SELECT covet_forget('0005_e');
SELECT covet_forget('nosuch');
SELECT covet_forget('0006_f');
SELECT covet_forget('0006_f');
SELECT name, action FROM covet.history WHERE action = 'forget';

-- Repair: accept the edited text of an applied migration.
SELECT covet_repair();
UPDATE covet.migrations SET down_sql = 'DROP TABLE IF EXISTS rp_d' WHERE name = '0004_d';
SELECT name, drift FROM covet_status() WHERE drift;
SELECT covet_migrate_up();
SELECT covet_repair('nosuch');
SELECT covet_repair('0001_a');
SELECT substr(covet_repair(), 1, 60);
SELECT name, drift FROM covet_status() WHERE drift;
SELECT name, action, checksum = (SELECT checksum FROM covet.applied WHERE name = '0004_d'),
	substr(detail, 1, 9), length(detail) FROM covet.history WHERE action = 'repair';

-- Repair clears an incomplete migration that was fixed by hand.
INSERT INTO covet.incomplete (name, action, statement, checksum, started_at, updated_at, who, error)
	VALUES ('0005_e', 'apply', 2, 'x', now(), now(), 'me', 'boom');
SELECT covet_repair();
SELECT covet_forget('0005_e');
SELECT covet_repair('0005_e');
SELECT count(*) FROM covet.incomplete;
SELECT name, action, detail FROM covet.history WHERE action = 'repair' AND name = '0005_e';

-- The hotfix case: an older-named migration applied last is rolled back first.
SELECT covet_define('0004a_hotfix', 'CREATE TABLE rp_hotfix (id int)', 'DROP TABLE rp_hotfix');
SELECT covet_apply('0005_e');
SELECT covet_apply('0004a_hotfix');
SELECT name, state FROM covet_status();
SELECT covet_migrate_down(1, true);
SELECT covet_migrate_down(1);
SELECT name, state FROM covet_status() WHERE name IN ('0004a_hotfix', '0005_e');
-- With a target: everything applied after it, latest first.
SELECT covet_apply('0004a_hotfix');
SELECT covet_migrate_down('0004_d');
SELECT covet_apply('0004a_hotfix');
SELECT covet_migrate_down('0004a_hotfix');
SELECT covet_migrate_down('0005_e');
SELECT name, action FROM covet.history WHERE action IN ('apply', 'rollback') AND id > 12 ORDER BY id;

-- A dependency is rolled back only after what depends on it, whatever the
-- order they were applied in.
CREATE TABLE rp_e (id int);
SELECT covet_mark_applied('0005_e');
SELECT covet_define('0007_g', 'CREATE TABLE rp_g (id int)', 'DROP TABLE rp_g', '0005_e');
SELECT covet_apply('0007_g');
-- as if adopted from another tool after 0007_g was applied
INSERT INTO covet.history (name, action, checksum, started_at, duration_ms, statements, rows, who, outcome)
	VALUES ('0005_e', 'adopt', 'x', now(), 0, 0, 0, 'test', 'ok');
SELECT covet_migrate_down(1);
SELECT covet_migrate_down(1);
-- Rolling back to a target that depends on a later-applied migration is refused.
CREATE TABLE rp_e (id int);
SELECT covet_mark_applied('0005_e');
SELECT covet_apply('0007_g');
INSERT INTO covet.history (name, action, checksum, started_at, duration_ms, statements, rows, who, outcome)
	VALUES ('0005_e', 'adopt', 'x', now(), 0, 0, 0, 'test', 'ok');
SELECT covet_migrate_down('0007_g');
SELECT covet_migrate_down(2);

-- Empty and comment-only down sections are no-op downs; NULL is none.
SELECT covet_define('0008_empty', 'CREATE TABLE rp_h (id int)', '');
SELECT covet_define('0009_comment', 'CREATE TABLE rp_i (id int)', '-- nothing to undo');
SELECT covet_define('0010_none', 'CREATE TABLE rp_j (id int)');
SELECT name, quote_nullable(down_sql) FROM covet.migrations WHERE name >= '0008' ORDER BY name;
SELECT covet_checksum('x', NULL) = covet_checksum('x', '');
SELECT covet_migrate_up();
SELECT covet_migrate_down(1);
SELECT covet_mark_rolled_back('0010_none');
SELECT covet_migrate_down(2);
SELECT count(*) FROM pg_class WHERE relname IN ('rp_h', 'rp_i', 'rp_j');

-- The same read from files: an empty down section, a comment-only one, none.
\set edir `d=$(mktemp -d /tmp/covet_regress.XXXXXX) && cp -r test/fixtures/emptydown "$d/" && chmod -R a+rX "$d" && echo "$d/emptydown"`
\setenv EDIR :edir
SELECT replace(covet_load(:'edir'), :'edir', '<dir>');
SELECT name, quote_nullable(down_sql) FROM covet.migrations WHERE name IN ('0001_empty', '0002_comment', '0003_none') ORDER BY name;
SELECT covet_migrate_up('0003_none');
SELECT covet_migrate_down(3);
SELECT covet_mark_rolled_back('0003_none');
SELECT covet_migrate_down(2);
SELECT name, state FROM covet_status() WHERE name IN ('0001_empty', '0002_comment', '0003_none');
SELECT count(*) FROM pg_class WHERE relname IN ('ed_one', 'ed_two', 'ed_three');
\! rm -rf "$(dirname "$EDIR")"
-- A definition stored without a down section, applied, then given an empty
-- one: same checksum, so it is redefined, not refused.
SELECT covet_define('0011_later', 'CREATE TABLE rp_k (id int)');
SELECT covet_apply('0011_later');
SELECT covet_define('0011_later', 'CREATE TABLE rp_k (id int)', '  ');
SELECT covet_define('0011_later', 'CREATE TABLE rp_k (id int)', '');
SELECT covet_migrate_down(1);
SELECT name, state FROM covet_status() WHERE name = '0011_later';

-- Every writing function is revoked from PUBLIC.
SELECT p.oid::regprocedure, has_function_privilege('public', p.oid, 'EXECUTE')
FROM pg_proc p
WHERE p.proname IN ('covet_baseline', 'covet_mark_applied', 'covet_mark_rolled_back',
					'covet_repair', 'covet_forget')
ORDER BY p.oid::regprocedure::text;

DROP TABLE rp_a, rp_b, rp_c, rp_d, rp_e, rp_g, rp_h, rp_i, rp_j, rp_k, rp_hotfix,
	ed_one, ed_two, ed_three;
DROP EXTENSION covet;
