-- The migration runner on SQLite: define, order, apply, status, roll back,
-- history.  Run from the repository root: sqlite3 :memory: < this file.
.load ./covet
.headers off
.mode list
SELECT covet_version();
-- defined out of order: dependencies come first, ties by name
SELECT covet_define('0003_index', 'CREATE INDEX items_name ON items (name)', 'DROP INDEX items_name', '0002_items');
SELECT covet_define('0002_items', 'CREATE TABLE items (id integer PRIMARY KEY, name text)', 'DROP TABLE items', '0001_base');
SELECT covet_define('0001_base', 'CREATE TABLE base (id integer PRIMARY KEY)', 'DROP TABLE base');
SELECT covet_define('0001_alpha', 'CREATE TABLE alpha (id integer)', 'DROP TABLE alpha');
SELECT covet_define('0004_fill', 'INSERT INTO items (name) VALUES (''a''), (''b''), (''c''); UPDATE items SET name = upper(name)', 'DELETE FROM items', '0002_items', 'data');
-- defining the same text again changes nothing; a pending one may change
SELECT covet_define('0001_alpha', 'CREATE TABLE alpha (id integer)', 'DROP TABLE alpha');
SELECT covet_define('0001_alpha', 'CREATE TABLE alpha (id integer, x text)', 'DROP TABLE alpha');
SELECT name, state, depends_on FROM covet_status();
-- up to a target applies what comes before it in plan order
SELECT covet_migrate_up('0002_items');
SELECT name, state FROM covet_status();
SELECT covet_migrate_up();
SELECT covet_migrate_up();
SELECT name, kind, state, rows, checksum = applied_checksum, drift FROM covet_status();
SELECT name FROM items ORDER BY id;
SELECT count(*) FROM covet_lock;
-- apply one by name
SELECT covet_migrate_down(1);
SELECT covet_apply('0004_fill');
SELECT covet_apply('0004_fill');
-- roll back to a target: it stays applied, everything after it goes
SELECT covet_migrate_down('0001_base');
SELECT name, state FROM covet_status();
SELECT count(*) FROM sqlite_master WHERE name IN ('items', 'items_name');
SELECT covet_migrate_down(10);
SELECT covet_migrate_down();
SELECT count(*) FROM covet_applied;
-- history keeps every apply and rollback
SELECT id, name, action, outcome, statements, rows, checksum = covet_checksum((SELECT up_sql FROM covet_migrations m WHERE m.name = h.name), (SELECT down_sql FROM covet_migrations m WHERE m.name = h.name)) FROM covet_history h ORDER BY id;
SELECT count(*) FROM covet_history WHERE who = '' OR started_at IS NULL OR duration_ms < 0;
SELECT covet_checksum('CREATE TABLE t (id int);', 'DROP TABLE t;');
SELECT covet_checksum('x', NULL) = covet_checksum('x', '');
