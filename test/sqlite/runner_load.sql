-- covet_load on SQLite: a directory of migration files, one file, and
-- malformed sets, which load nothing.
.load ./covet
.headers off
.mode list
SELECT covet_load('examples');
SELECT covet_load('examples');
SELECT name, kind, depends_on FROM covet_status();
SELECT covet_migrate_up();
SELECT email_norm FROM users ORDER BY id;
SELECT covet_migrate_down('0002_create_orders', 1);
SELECT covet_migrate_down('0002_create_orders');
SELECT count(*) FROM users;
SELECT covet_migrate_up();
-- one file
SELECT covet_load('test/fixtures/malformed/0001_fine.sql');
SELECT count(*) FROM covet_migrations;
-- malformed file: its name and line; nothing from the set is defined
SELECT covet_load('test/fixtures/malformed');
SELECT count(*) FROM covet_migrations;
-- loading works, running reports: a cycle, a missing dependency
SELECT covet_load('test/fixtures/cycle');
SELECT covet_migrate_up();
SELECT covet_migrate_up(NULL, 1);
SELECT count(*) FROM covet_applied;
DELETE FROM covet_migrations WHERE name IN ('a', 'b', 'c');
SELECT covet_load('test/fixtures/missing');
SELECT covet_migrate_up();
DELETE FROM covet_migrations WHERE name = '0001_a';
-- a broken migration in a set: named, nothing applied
SELECT covet_load('test/fixtures/broken');
SELECT covet_migrate_up();
SELECT count(*) FROM sqlite_master WHERE name LIKE 'canary_b%';
SELECT covet_migrate_up(NULL, 1);
-- paths that are not there
SELECT covet_load('test/fixtures/nosuch');
SELECT covet_load('test/fixtures/cycle/a.sql/x');
