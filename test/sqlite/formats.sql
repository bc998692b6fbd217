-- Other tools' migration files read as they are (golang-migrate, dbmate,
-- goose, Flyway, sqitch), covet_load_text, repeatable migrations,
-- covet_adopt, and definitions whose file is gone.
.load ./covet
.headers off
.mode list
.bail off
-- golang-migrate: pairs of files, versions in version order (1 < 2 < 10)
SELECT covet_load('test/fixtures/formats/golang');
SELECT name, version, format, source, depends_on, down_sql IS NULL, quote(down_sql) FROM covet_migrations ORDER BY name;
SELECT name FROM covet_status();
SELECT covet_migrate_up();
SELECT covet_migrate_down(3);
SELECT count(*) FROM sqlite_master WHERE name LIKE 'gm_%';
SELECT covet_migrate_up();
-- loading again: unchanged
SELECT covet_load('test/fixtures/formats/golang');
-- dbmate: indented markers, an empty down section is a no-op down
SELECT covet_load('test/fixtures/formats/dbmate');
SELECT name, version, format, quote(down_sql), atomic FROM covet_migrations WHERE format = 'dbmate' ORDER BY name;
SELECT covet_migrate_up();
SELECT covet_migrate_down('20240101000000_users');
SELECT count(*) FROM dm_orders;
DROP TABLE dm_orders;
-- goose: annotations in any case, StatementBegin/End kept as comments
SELECT covet_load('test/fixtures/formats/goose');
SELECT name, version, up_sql, quote(down_sql) FROM covet_migrations WHERE format = 'goose' ORDER BY name;
-- Flyway: V, U (undo), R (repeatable); 1 < 1.1 < 1.2 < 1.10
SELECT covet_load('test/fixtures/formats/flyway');
SELECT name, version, repeatable, down_sql IS NOT NULL FROM covet_migrations WHERE format = 'flyway' ORDER BY name;
SELECT covet_migrate_up();
SELECT covet_migrate_up();
SELECT * FROM fw_names;
-- sqitch: plan order, requirements (tags, conflicts and other projects' changes dropped)
SELECT covet_load('test/fixtures/formats/sqitch');
SELECT name, version, depends_on, down_sql IS NULL, source FROM covet_migrations WHERE format = 'sqitch' ORDER BY name;
-- one format per directory
SELECT covet_load('test/fixtures/formats/mixed');
-- text from the client: pieces in turn
SELECT covet_load_text('5_t.up.sql', 'CREATE TABLE lt_t (id int);');
SELECT covet_load_text('5_t.down.sql', 'DROP TABLE lt_t;');
SELECT covet_load_text('5_t.up.sql', 'CREATE TABLE lt_t (id int);');
SELECT down_sql, source FROM covet_migrations WHERE name = '5_t';
SELECT covet_load_text('6_u.down.sql', 'DROP TABLE lt_u;');
SELECT covet_load_text('V9__lt.sql', 'CREATE TABLE lt_v (id int);');
SELECT covet_load_text('U9__undo.sql', 'DROP TABLE lt_v;');
SELECT covet_load_text('U8__undo.sql', 'DROP TABLE lt_w;');
SELECT covet_load_text('20250101_x.sql', '-- +goose NO TRANSACTION
-- +goose Up
SELECT 1;');
SELECT covet_load_text('20250102_y.sql', '-- migrate:up transaction:false
SELECT 1;
-- migrate:down transaction:false
SELECT 2;');
SELECT name, atomic FROM covet_migrations WHERE name IN ('20250101_x', '20250102_y') ORDER BY name;
DELETE FROM covet_migrations WHERE name IN ('20250101_x', '20250102_y');
SELECT covet_load_text('deploy/lt_s.sql', 'CREATE TABLE lt_s (id int);');
SELECT covet_load_text('revert/lt_s.sql', 'DROP TABLE lt_s;');
SELECT covet_load_text('verify/lt_s.sql', 'SELECT 1;');
SELECT covet_load_text('sqitch.plan', 'sq_users 2024 a
lt_s [sq_users] 2024 a');
SELECT depends_on, down_sql FROM covet_migrations WHERE name = 'lt_s';
SELECT covet_load_text('sqitch.plan', 'lt_nope 2024 a');
-- errors: the same messages as covet_load
SELECT covet_load_text('1_bad.sql', '-- migrate:up
-- migrate:up
SELECT 1;');
SELECT covet_load_text('1_bad.sql', 'SELECT 0;
-- migrate:up
SELECT 1;');
SELECT covet_load_text('1_bad.sql', '-- +goose Sideways
SELECT 1;');
SELECT covet_load_text('1_bad.sql', '-- migrate:up transaction:maybe
SELECT 1;');
SELECT covet_load_text('x_bad.sql', '-- migrate:up
SELECT 1;');
SELECT covet_load_text('1_bad.sql', '-- +goose Down
SELECT 1;');
SELECT covet_load_text('sqitch.plan', 'a 2024
b [zz] 2024');
SELECT covet_load_text('sqitch.plan', 'a 2024
a [a] 2024');
SELECT covet_load_text('1_bad.sql', '-- covet:up
SELECT 1;' || char(0));
SELECT covet_load_text('1_bad.sql', NULL);
SELECT covet_load_text(NULL, 'SELECT 1;');
SELECT covet_load_text('', 'SELECT 1;');
-- a repeatable migration in covet's format: applied again when it changes
SELECT covet_load_text('r_counts.sql', '-- covet:repeatable
-- covet:up
DROP VIEW IF EXISTS r_counts;
CREATE VIEW r_counts AS SELECT 1 AS n;');
SELECT covet_migrate_up();
SELECT covet_load_text('r_counts.sql', '-- covet:repeatable
-- covet:up
DROP VIEW IF EXISTS r_counts;
CREATE VIEW r_counts AS SELECT 2 AS n;');
SELECT name, drift FROM covet_status() WHERE name = 'r_counts';
SELECT covet_migrate_up();
SELECT n FROM r_counts;
SELECT name, action FROM covet_history WHERE name = 'r_counts' ORDER BY id;
-- definitions whose file is gone
.system rm -rf results/formats-gone && mkdir -p results/formats-gone && cp test/fixtures/formats/golang/* results/formats-gone/
SELECT covet_load('results/formats-gone');
.system rm results/formats-gone/10_orders.up.sql results/formats-gone/10_orders.down.sql
SELECT covet_load('results/formats-gone');
.system rm -rf results/formats-gone
-- repeatable migrations are never rolled back
SELECT covet_migrate_down('r_counts');
SELECT count(*) FROM covet_applied WHERE name = 'r_counts';
-- versions: 1.0 is 1 (Flyway), so an undo U1.0 completes V1
SELECT covet_load_text('V77__seventy_seven.sql', 'CREATE TABLE v77 (id int);');
SELECT covet_load_text('U77.0__undo.sql', 'DROP TABLE v77;');
