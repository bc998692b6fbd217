-- covet_diff on SQLite: the statements that turn database main into
-- other (or into SQL text), with reverses and hazards; run under valgrind
-- too.  test/sqlite/diff.py applies them and checks the round trips.
.load ./covet
.headers off
.mode list
PRAGMA foreign_keys = ON; CREATE TABLE users (id integer PRIMARY KEY, username text NOT NULL, email text UNIQUE);
CREATE TABLE posts (id integer PRIMARY KEY AUTOINCREMENT,
                    user_id integer REFERENCES users (id) ON DELETE CASCADE, title text);
CREATE INDEX posts_user ON posts (user_id);
CREATE VIEW v_posts AS SELECT p.title, u.username FROM posts p JOIN users u ON u.id = p.user_id;
CREATE TRIGGER posts_log AFTER INSERT ON posts BEGIN SELECT 1; END;
CREATE TABLE gone (id integer PRIMARY KEY, x text);
INSERT INTO users VALUES (1, 'ann', 'a@x');
INSERT INTO gone VALUES (1, 'x');
ATTACH ':memory:' AS other;
CREATE TABLE other.users (id integer PRIMARY KEY, user_name text NOT NULL, email text UNIQUE, bio text);
CREATE TABLE other.posts (id integer PRIMARY KEY AUTOINCREMENT,
                          user_id integer REFERENCES users (id) ON DELETE CASCADE, title text NOT NULL DEFAULT '');
CREATE INDEX other.posts_user ON posts (user_id, title);
CREATE VIEW other.v_posts AS SELECT p.title, u.user_name FROM posts p JOIN users u ON u.id = p.user_id;
CREATE TRIGGER other.posts_log AFTER INSERT ON posts BEGIN SELECT 1; END;
CREATE TABLE other.kept (id integer PRIMARY KEY, x text);
-- without renames: the column and the table are rename candidates
SELECT ordinal, statement, object, hazards FROM covet_diff('main', 'other');
-- with renames
SELECT ordinal, statement, reverse_statement FROM covet_diff('main', 'other', '{"users.username": "user_name", "gone": "kept"}');
-- SQL text as the target
SELECT ordinal, statement, hazards FROM covet_diff('main', 'CREATE TABLE users (id integer PRIMARY KEY, username text NOT NULL, email text UNIQUE, age integer)');
-- nothing to do
SELECT count(*) FROM covet_diff('other', 'other');
SELECT count(*) FROM covet_diff('main', 'main');
-- errors
SELECT * FROM covet_diff('nope', 'other');
SELECT * FROM covet_diff('main', 'other', '{"users.username": 1}');
SELECT * FROM covet_diff('main', 'other', '{"nosuch": "kept"}');
SELECT * FROM covet_diff('main', 'other', '[');
SELECT * FROM covet_diff(NULL, 'other');
SELECT * FROM covet_diff('main', 'CREATE TABLE x (a); INSERT INTO nosuch VALUES (1)');
SELECT * FROM covet_diff('main');
SELECT covet_foreign_key_check('main');
PRAGMA foreign_keys = OFF;
INSERT INTO posts (user_id, title) VALUES (42, 'orphan');
SELECT covet_foreign_key_check('main');
-- foreign keys are off now: the rebuild leaves them off
SELECT ordinal, statement, reverse_statement FROM covet_diff('main', 'other') WHERE object = 'pragma foreign_keys';
-- candidates scored by the data: of two tables of gone's shape, the one with its rows
CREATE TABLE other.gone_copy (id integer PRIMARY KEY, x text); INSERT INTO other.gone_copy VALUES (1, 'x');
SELECT hazards FROM covet_diff('main', 'other') WHERE object = 'table gone' AND statement LIKE 'DROP TABLE%';
