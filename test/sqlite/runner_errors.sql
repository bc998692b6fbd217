-- Bad input on SQLite: each gives a clear error and changes nothing.
.load ./covet
.headers off
.mode list
CREATE TABLE canary (id integer);
INSERT INTO canary VALUES (1);
SELECT covet_define('0001_ok', 'CREATE TABLE ok1 (id integer)', 'DROP TABLE ok1');
SELECT covet_migrate_up();
CREATE VIEW snapshot AS
  SELECT (SELECT count(*) FROM covet_migrations) || '/' || (SELECT count(*) FROM covet_applied) || '/' ||
         (SELECT count(*) FROM covet_history) || '/' || (SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'covet%' AND name NOT LIKE 'sqlite_autoindex_covet%') || '/' ||
         (SELECT count(*) FROM canary) AS s;
SELECT 'before', s FROM snapshot;
-- NULL and empty arguments
SELECT covet_define(NULL, 'SELECT 1');
SELECT covet_define('', 'SELECT 1');
SELECT covet_define('0002_x', NULL);
SELECT covet_define('0002_x', '   ');
SELECT covet_define('0002_x', 'SELECT 1', NULL, NULL, NULL);
SELECT covet_define('0002_x', 'SELECT 1', NULL, NULL, 'other');
SELECT covet_migrate_up('');
SELECT covet_migrate_up(NULL, NULL);
SELECT covet_migrate_down(NULL);
SELECT covet_migrate_down(0);
SELECT covet_apply(NULL);
SELECT covet_load(NULL);
SELECT covet_load('');
SELECT covet_set('lock_timeout', 'soon');
SELECT covet_set('nosuch', '1');
-- names shaped like SQL injection
SELECT covet_define('x''); DROP TABLE canary; --', 'SELECT 1');
SELECT covet_migrate_up('x''); DROP TABLE canary; --');
SELECT covet_apply('0001_ok"; DROP TABLE canary; --');
SELECT covet_define(printf('%.129c', 'a'), 'SELECT 1');
-- unknown target, unknown name
SELECT covet_migrate_up('0099_nosuch');
SELECT covet_migrate_down('0099_nosuch');
SELECT covet_apply('0099_nosuch');
-- a migration depending on itself
SELECT covet_define('0005_self', 'SELECT 1', NULL, '0005_self');
-- redefining an applied migration with other text
SELECT covet_define('0001_ok', 'CREATE TABLE ok1 (id integer, extra text)', 'DROP TABLE ok1');
-- rolling back what has no down section
SELECT covet_define('0002_nodown', 'CREATE TABLE nodown (id integer)');
SELECT covet_migrate_up();
SELECT covet_migrate_down();
SELECT covet_migrate_down(1, 1);
SELECT covet_migrate_down('0001_ok');
-- transaction control inside a migration
SELECT covet_define('0003_txn', 'CREATE TABLE t3 (id integer); COMMIT; CREATE TABLE t4 (id integer)', 'DROP TABLE t3');
SELECT covet_migrate_up();
SELECT covet_define('0003_txn', 'CREATE TABLE t3 (id integer)', 'DROP TABLE t3');
SELECT covet_migrate_up();
SELECT 'middle', s FROM snapshot;
-- a migration with broken SQL: named, with SQLite's message; nothing applied
SELECT covet_define('0004_broken', 'CREATE TABLE b1 (id integer); INSERT INTO canary VALUES (2); INSERT INTO nosuch VALUES (1)', 'DROP TABLE b1', '0003_txn');
SELECT covet_define('0005_after', 'CREATE TABLE b2 (id integer)', 'DROP TABLE b2', '0004_broken');
SELECT 'before broken', s FROM snapshot;
SELECT covet_migrate_up();
SELECT 'after broken', s FROM snapshot;
SELECT count(*) FROM sqlite_master WHERE name IN ('b1', 'b2');
SELECT count(*) FROM covet_lock;
-- a missing dependency and a cycle are reported before anything runs
SELECT covet_define('0004_broken', 'CREATE TABLE b1 (id integer)', 'DROP TABLE b1', '0003_txn 0000_missing');
SELECT covet_migrate_up();
SELECT covet_define('0004_broken', 'CREATE TABLE b1 (id integer)', 'DROP TABLE b1', '0005_after');
SELECT covet_migrate_up();
SELECT covet_migrate_up(NULL, 1);
SELECT * FROM covet_status() WHERE name = '0005_after';
SELECT covet_define('0004_broken', 'CREATE TABLE b1 (id integer)', 'DROP TABLE b1', '0003_txn');
-- checksum drift: an applied migration's text edited behind covet's back
UPDATE covet_migrations SET up_sql = 'CREATE TABLE ok1 (id bigint)' WHERE name = '0001_ok';
SELECT name, drift FROM covet_status() WHERE name = '0001_ok';
SELECT covet_migrate_up();
SELECT covet_migrate_down();
UPDATE covet_migrations SET up_sql = 'CREATE TABLE ok1 (id integer)' WHERE name = '0001_ok';
SELECT name, drift FROM covet_status() WHERE name = '0001_ok';
-- the runner refuses to run inside a statement that writes
CREATE TABLE sink (r text);
INSERT INTO sink SELECT covet_migrate_up();
SELECT count(*) FROM sink;
-- and from a migration (no recursion)
SELECT covet_define('0006_recursive', 'SELECT covet_migrate_up()', NULL, '0003_txn');
SELECT covet_migrate_up();
SELECT 'end', s FROM snapshot;
SELECT count(*) FROM canary;
