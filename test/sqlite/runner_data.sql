-- Data migrations made of batched operations: applied by covet_migrate_up,
-- rolled back by covet_migrate_down through the runs' undo data when the
-- migration has no down section.
.load ./covet
.headers off
.mode list
SELECT covet_define('0001_users', 'CREATE TABLE users (id integer PRIMARY KEY, email text, email_norm text, status text);
INSERT INTO users VALUES (1, '' Ada@Example.COM'', NULL, ''new''), (2, ''grace@example.com '', ''kept'', ''processing''), (3, ''ADA@example.com'', NULL, ''done'')', 'DROP TABLE users');
SELECT covet_define('0002_normalise', 'SELECT covet_populate_field(''users'', ''email_norm'', ''lower(trim(email))'', NULL, 1, 1);
SELECT covet_rename_values(''users'', ''status'', ''{"new": "pending", "processing": "active"}'')', NULL, '0001_users', 'data');
SELECT covet_define('0003_dedup', 'SELECT covet_dedup(''users'', ''email_norm'')', NULL, '0002_normalise', 'data');
SELECT covet_migrate_up('0002_normalise', 1);
SELECT count(*) FROM covet_runs;
SELECT covet_migrate_up();
SELECT * FROM users ORDER BY id;
SELECT id, op, migration, state, rows_done FROM covet_runs ORDER BY id;
SELECT name, rows FROM covet_status();
-- rolled back exactly through the undo tables, latest first
SELECT covet_migrate_down(2);
SELECT * FROM users ORDER BY id;
SELECT id, state, undo_table IS NULL FROM covet_runs ORDER BY id;
SELECT count(*) FROM sqlite_master WHERE name LIKE 'covet_undo_%';
-- and again: new runs, the rolled-back ones stay in the record
SELECT covet_migrate_up();
SELECT id, migration, state FROM covet_runs ORDER BY id;
-- a schema migration without down and without runs cannot be rolled back
SELECT covet_define('0004_idx', 'CREATE INDEX users_status ON users (status)', NULL, '0003_dedup');
SELECT covet_migrate_up();
SELECT covet_migrate_down();
