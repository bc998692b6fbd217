-- covet_seed on SQLite without a spec: generators inferred from column
-- names and types; integer keys left to SQLite or continued past the max;
-- foreign keys pick existing parents; unique columns stay unique over
-- several calls; NOT NULL columns never get NULL; n = 0.
-- Run from the repository root: sqlite3 :memory: < test/sqlite/seed_infer.sql
.load ./covet
.headers on
.mode list
.nullvalue NULL
PRAGMA foreign_keys = ON;
CREATE TABLE teams (code text PRIMARY KEY, name text NOT NULL);
CREATE TABLE users (
  id integer PRIMARY KEY,
  team text NOT NULL REFERENCES teams (code),
  manager_id integer REFERENCES users,
  first_name varchar(40) NOT NULL,
  lastname text,
  username text UNIQUE NOT NULL,
  email text UNIQUE NOT NULL,
  mobile_phone text,
  city text, country text, zip text, address text,
  company text, job_title text, website text, bio text, title varchar(200),
  status varchar(20), is_admin integer, active boolean NOT NULL DEFAULT 1,
  age integer, score integer, rating integer, price real, latitude real,
  amount decimal(8, 2), created_at timestamp NOT NULL, updated_at text,
  birthday date, joined_on text, external_uuid uuid, settings json,
  version integer NOT NULL DEFAULT 1, notes text, anything, photo blob
);
SELECT covet_seed('users', 10) AS result;
SELECT covet_seed('teams', 3, NULL, 7) AS result;
SELECT * FROM teams;
SELECT covet_seed('users', 200, NULL, 7) AS result;
SELECT covet_seed('users', 200, NULL, 7) AS result;

-- every column kind gets a value of its kind
.mode line
SELECT * FROM users WHERE id = 1;
.mode list
SELECT 'ids', min(id), max(id), count(*) FROM users;
SELECT 'teams picked', count(DISTINCT team), sum(team NOT IN (SELECT code FROM teams)) FROM users;
SELECT 'first call: no managers yet', count(manager_id) FROM users WHERE id <= 200;
SELECT 'second call: existing managers', count(manager_id), sum(manager_id > 200) FROM users WHERE id > 200;
SELECT 'unique over two calls', count(DISTINCT email), count(DISTINCT username) FROM users;
SELECT 'not null', sum(first_name IS NULL OR email IS NULL OR created_at IS NULL) FROM users;
SELECT 'defaults kept', min(version), max(version), min(active), max(active) FROM users;
SELECT 'left NULL', count(anything), count(photo) FROM users;
SELECT 'ranges', min(age) >= 18 AND max(age) <= 90, min(score) >= 0 AND max(score) <= 100,
       min(rating) >= 1 AND max(rating) <= 5, min(latitude) >= -90 AND max(latitude) <= 90,
       max(length(first_name)) <= 40, max(length(status)) <= 20 FROM users;
SELECT 'kinds', typeof(age), typeof(price), typeof(amount), typeof(is_admin),
       length(external_uuid), created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]',
       birthday GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]', settings FROM users WHERE id = 7;

-- a key without a rowid: continued past the current max
CREATE TABLE codes (n int PRIMARY KEY, label text) WITHOUT ROWID;
INSERT INTO codes VALUES (41, 'x');
SELECT covet_seed('codes', 3, NULL, 1) AS result;
SELECT * FROM codes;
-- a text key: unique words
CREATE TABLE tags (tag text PRIMARY KEY, color text);
SELECT covet_seed('tags', 3, NULL, 1) AS result;
SELECT * FROM tags;

-- n = 0: nothing inserted, the spec still checked
SELECT covet_seed('teams', 0) AS result;
SELECT covet_seed('teams', 0, '{"nosuch": "word"}');
SELECT 'teams', count(*) FROM teams;

-- a host transaction: the seed is part of it
BEGIN;
SELECT covet_seed('teams', 2, NULL, 99) AS result;
ROLLBACK;
SELECT 'after rollback', count(*) FROM teams;

-- quoted and odd names
CREATE TABLE "odd ""table""" ("my col" text NOT NULL, "E-Mail" text UNIQUE);
SELECT covet_seed('odd "table"', 2, '{"my col": "constant(''it''''s'')"}', 1) AS result;
SELECT * FROM "odd ""table""";
