-- Repair, baseline, fake, forget, the order of covet_migrate_down, and
-- empty down sections on SQLite.  Run from the repository root:
-- sqlite3 :memory: < this file.  The same cases, with the same messages,
-- are in sql/runner_repair.sql for PostgreSQL.
.load ./covet
.headers off
.mode list
.bail off
-- a database that existed before covet: 0001..0003 are already there
CREATE TABLE a (id integer);
CREATE TABLE b (id integer);
CREATE TABLE c (id integer);
SELECT covet_define('0001_a', 'CREATE TABLE a (id integer)', 'DROP TABLE a');
SELECT covet_define('0002_b', 'CREATE TABLE b (id integer)', 'DROP TABLE b', '0001_a');
SELECT covet_define('0003_c', 'CREATE TABLE c (id integer)', 'DROP TABLE c', '0002_b');
SELECT covet_define('0004_d', 'CREATE TABLE d (id integer)', 'DROP TABLE d', '0003_c');
SELECT covet_define('0005_e', 'CREATE TABLE e (id integer)', 'DROP TABLE e');
-- baseline: refusals
SELECT covet_baseline(NULL);
SELECT covet_baseline('nosuch');
SELECT covet_baseline('bad name!');
-- baseline marks 0001..0003 (and what comes before them in plan order)
SELECT covet_baseline('0003_c');
SELECT name, state FROM covet_status();
SELECT name, action, outcome, detail, statements FROM covet_history ORDER BY id;
SELECT covet_baseline('0002_b');
SELECT covet_migrate_up('0004_d');
-- a baseline before an applied migration is refused
SELECT covet_baseline('0003_c');
SELECT covet_baseline('0001_a');
-- mark applied / rolled back: nothing runs, history 'fake'
SELECT covet_define('0006_f', 'CREATE TABLE f (id integer)', 'DROP TABLE f', '0005_e');
SELECT covet_mark_applied('0006_f');
SELECT covet_mark_applied('nosuch');
SELECT covet_mark_applied(NULL);
SELECT covet_mark_applied('0005_e');
SELECT covet_mark_applied('0005_e');
SELECT count(*) FROM sqlite_master WHERE name = 'e';
SELECT covet_mark_rolled_back('0005_e');
SELECT covet_mark_applied('0006_f');
SELECT covet_mark_rolled_back('0005_e');
SELECT covet_mark_rolled_back('0006_f');
SELECT covet_mark_rolled_back('0006_f');
SELECT covet_mark_rolled_back('0005_e');
SELECT name, action, detail FROM covet_history WHERE action = 'fake' ORDER BY id;
SELECT name, state FROM covet_status() WHERE name IN ('0005_e', '0006_f');
-- forget: refusals, then a pending leaf goes
SELECT covet_forget('0001_a');
SELECT covet_forget('0005_e');
SELECT covet_forget('nosuch');
SELECT covet_forget('0006_f');
SELECT covet_forget('0006_f');
SELECT name, action FROM covet_history WHERE action = 'forget';
SELECT count(*) FROM covet_migrations WHERE name = '0006_f';
-- repair: accept an edited applied migration
SELECT covet_repair();
UPDATE covet_migrations SET down_sql = 'DROP TABLE IF EXISTS d' WHERE name = '0004_d';
SELECT name, drift FROM covet_status() WHERE drift;
SELECT covet_migrate_up();
SELECT covet_repair('nosuch');
SELECT covet_repair('0001_a');
SELECT substr(covet_repair(), 1, 60);
SELECT name, drift FROM covet_status() WHERE drift;
SELECT name, action, checksum = (SELECT checksum FROM covet_applied WHERE name = '0004_d'),
	substr(detail, 1, 9), length(detail) FROM covet_history WHERE action = 'repair';
-- repair clears an incomplete migration that was fixed by hand
INSERT INTO covet_incomplete (name, action, statement, checksum, started_at, updated_at, who, error)
	VALUES ('0005_e', 'apply', 2, 'x', '2026-01-01', '2026-01-01', 'me', 'boom');
SELECT covet_repair();
SELECT covet_forget('0005_e');
SELECT covet_repair('0005_e');
SELECT count(*) FROM covet_incomplete;
SELECT name, action, detail FROM covet_history WHERE action = 'repair' AND name = '0005_e';
-- the hotfix case: an older-named migration applied last is rolled back first
SELECT covet_define('0004a_hotfix', 'CREATE TABLE hotfix (id integer)', 'DROP TABLE hotfix');
SELECT covet_apply('0005_e');
SELECT covet_apply('0004a_hotfix');
SELECT name, state FROM covet_status();
SELECT covet_migrate_down(1, 1);
SELECT covet_migrate_down(1);
SELECT name, state FROM covet_status() WHERE name IN ('0004a_hotfix', '0005_e');
-- with a target: everything applied after it, latest first
SELECT covet_apply('0004a_hotfix');
SELECT covet_migrate_down('0004_d');
SELECT covet_apply('0004a_hotfix');
SELECT covet_migrate_down('0004a_hotfix');
SELECT covet_migrate_down('0005_e');
SELECT name, action FROM covet_history WHERE action IN ('apply', 'rollback') AND id > 12 ORDER BY id;
-- a dependency is rolled back only after what depends on it, whatever the order applied
CREATE TABLE e (id integer);
SELECT covet_mark_applied('0005_e');
SELECT covet_define('0007_g', 'CREATE TABLE g (id integer)', 'DROP TABLE g', '0005_e');
SELECT covet_apply('0007_g');
-- as if adopted from another tool after 0007_g was applied
INSERT INTO covet_history (name, action, checksum, started_at, duration_ms, statements, rows, who, outcome)
	VALUES ('0005_e', 'adopt', 'x', '2026-01-01 00:00:00', 0, 0, 0, 'test', 'ok');
SELECT covet_migrate_down(1);
SELECT covet_migrate_down(1);
-- rolling back to a target that depends on a later-applied migration is refused
CREATE TABLE e (id integer);
SELECT covet_mark_applied('0005_e');
SELECT covet_apply('0007_g');
INSERT INTO covet_history (name, action, checksum, started_at, duration_ms, statements, rows, who, outcome)
	VALUES ('0005_e', 'adopt', 'x', '2026-01-01 00:00:00', 0, 0, 0, 'test', 'ok');
SELECT covet_migrate_down('0007_g');
SELECT covet_migrate_down(2);
-- empty and comment-only down sections are no-op downs; NULL is none
SELECT covet_define('0008_empty', 'CREATE TABLE h (id integer)', '');
SELECT covet_define('0009_comment', 'CREATE TABLE i (id integer)', '-- nothing to undo');
SELECT covet_define('0010_none', 'CREATE TABLE j (id integer)');
SELECT name, quote(down_sql) FROM covet_migrations WHERE name >= '0008' ORDER BY name;
SELECT covet_checksum('x', NULL) = covet_checksum('x', '');
SELECT covet_migrate_up();
SELECT covet_migrate_down(1);
SELECT covet_mark_rolled_back('0010_none');
SELECT covet_migrate_down(2);
SELECT count(*) FROM sqlite_master WHERE name IN ('h', 'i', 'j');
SELECT count(*) FROM covet_lock;
-- the same read from files: an empty down section, a comment-only one, none
SELECT covet_load('test/fixtures/emptydown');
SELECT name, quote(down_sql) FROM covet_migrations WHERE name IN ('0001_empty', '0002_comment', '0003_none') ORDER BY name;
SELECT covet_migrate_up('0003_none');
SELECT covet_migrate_down(3);
SELECT covet_mark_rolled_back('0003_none');
SELECT covet_migrate_down(2);
SELECT name, state FROM covet_status() WHERE name IN ('0001_empty', '0002_comment', '0003_none');
SELECT count(*) FROM sqlite_master WHERE name IN ('ed_one', 'ed_two', 'ed_three');
-- a definition stored without a down section, applied, then given an empty
-- one: same checksum, so it is redefined, not refused
SELECT covet_define('0011_later', 'CREATE TABLE k (id integer)');
SELECT covet_apply('0011_later');
SELECT covet_define('0011_later', 'CREATE TABLE k (id integer)', '  ');
SELECT covet_define('0011_later', 'CREATE TABLE k (id integer)', '');
SELECT covet_migrate_down(1);
SELECT name, state FROM covet_status() WHERE name = '0011_later';
SELECT count(*) FROM covet_lock;
