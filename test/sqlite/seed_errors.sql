-- covet_seed on SQLite, bad input: each call gives a clear error and
-- inserts nothing (the snapshot before and after is the same).
-- Run from the repository root: sqlite3 :memory: < test/sqlite/seed_errors.sql
.load ./covet
.headers off
.mode list
.nullvalue NULL
CREATE TABLE parents (id integer PRIMARY KEY, name text);
CREATE TABLE kids (id integer PRIMARY KEY, parent_id integer NOT NULL REFERENCES parents (id), name text);
CREATE TABLE scores (id integer PRIMARY KEY, email text UNIQUE NOT NULL,
  score integer NOT NULL CHECK (score BETWEEN 0 AND 10), label text);
INSERT INTO scores (email, score, label) VALUES ('keep@example.com', 5, 'keep');
CREATE TABLE blobs (id integer PRIMARY KEY, data blob NOT NULL);
CREATE TABLE onlyid (id integer PRIMARY KEY);
CREATE VIEW vscores AS SELECT * FROM scores;
CREATE VIEW snapshot AS
  SELECT (SELECT count(*) FROM parents) || ' parents, ' || (SELECT count(*) FROM kids) || ' kids, ' ||
         (SELECT group_concat(id || ':' || email || ':' || score, ' ') FROM scores) || ', ' ||
         (SELECT count(*) FROM sqlite_master) || ' objects' AS s;
SELECT 'before', s FROM snapshot;

-- a foreign key to an empty table
SELECT covet_seed('kids', 5);
-- a CHECK the generated rows break: the engine's message, nothing inserted
SELECT covet_seed('scores', 50, NULL, 1);
-- the same with a spec that keeps to the check works
SELECT covet_seed('scores', 3, '{"score": "int(0, 10)"}', 1);
DELETE FROM scores WHERE id > 1;
-- a unique column given a constant: the engine's message, nothing inserted
SELECT covet_seed('scores', 2, '{"score": "int(0, 10)", "email": "constant(x)"}', 1);
-- NOT NULL with a null probability, or the null generator
SELECT covet_seed('scores', 5, '{"score": "int(0, 10)", "label": "word", "email": {"gen": "email", "null": 0.1}}');
SELECT covet_seed('scores', 5, '{"score": "null"}');
SELECT covet_seed('scores', 5, '{"score": {"constant": null}}');
-- nothing to infer for a NOT NULL blob
SELECT covet_seed('blobs', 5);
-- nothing to generate at all
SELECT covet_seed('onlyid', 5);

-- bad specs: unknown generator, bad range, unknown column, bad JSON, ...
SELECT covet_seed('scores', 5, '{"score": "intt(0, 10)"}');
SELECT covet_seed('scores', 5, '{"score": "int(10, 0)"}');
SELECT covet_seed('scores', 5, '{"label": "date(2024-01-01, 2023-01-01)", "score": "int(0, 10)"}');
SELECT covet_seed('scores', 5, '{"label": "choice(a:0)", "score": "int(0, 10)"}');
SELECT covet_seed('scores', 5, '{"nosuch": "word"}');
SELECT covet_seed('scores', 5, '{"score": "int(0, 10)", "SCORE": "int(0, 1)"}');
SELECT covet_seed('scores', 5, '{"score": "int(0, 10)"');
SELECT covet_seed('scores', 5, '{"score": int}');
SELECT covet_seed('scores', 5, '["score"]');
SELECT covet_seed('scores', 5, '{"score": 5}');
SELECT covet_seed('scores', 5, '{"score": {"int": [0, 10], "choice": ["a"]}}');
SELECT covet_seed('scores', 5, '{"score": {"int": [0, 10], "null": "often"}}');
SELECT covet_seed('scores', 5, '{"score": {"null": 0.5}}');
SELECT covet_seed('scores', 5, '{"score": "int(0, 10); nul=0.5"}');

-- arguments: n = 0 is fine, negative n and NULLs are not
SELECT covet_seed('scores', 0, '{"score": "int(0, 10)"}');
SELECT covet_seed('scores', -1, '{"score": "int(0, 10)"}');
SELECT covet_seed('scores', 'five');
SELECT covet_seed('scores', 2.5);
SELECT covet_seed(NULL, 5);
SELECT covet_seed('scores', NULL);
SELECT covet_seed('scores', 5, '{"score": "int(0, 10)"}', NULL);
SELECT covet_seed('', 5);

-- names shaped like injections are names: no such table
SELECT covet_seed('scores; DROP TABLE parents; --', 5);
SELECT covet_seed('scores" (id) SELECT 1; --', 5);
SELECT covet_seed('nosuch', 5);
SELECT covet_seed('vscores', 5);
SELECT covet_seed('scores', 5, '{"score\" = 1; --": "word"}');
-- a spec value that looks like SQL is a generator argument, quoted
SELECT covet_seed('scores', 1, '{"score": "int(0, 10)", "label": "constant(''x''''); DROP TABLE parents; --'')"}');
SELECT label FROM scores WHERE id > 1;
DELETE FROM scores WHERE id > 1;

-- covet_seed is not callable from schema objects (DIRECTONLY)
CREATE TRIGGER t AFTER INSERT ON parents BEGIN SELECT covet_seed('kids', 1); END;
INSERT INTO parents (name) VALUES ('p');
DROP TRIGGER t;
DELETE FROM parents;
SELECT 'after', s FROM snapshot;
