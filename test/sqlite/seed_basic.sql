-- covet_seed on SQLite: a small table with a fixed seed and every kind of
-- generator.  The rows below are the determinism evidence: the same seed
-- must give exactly these values in PostgreSQL too (test them there with
-- the same spec and seed), in every version.
-- Run from the repository root: sqlite3 :memory: < test/sqlite/seed_basic.sql
.load ./covet
.headers on
.mode list
.nullvalue NULL
CREATE TABLE people (
  id integer PRIMARY KEY,
  first_name text NOT NULL,
  last_name text NOT NULL,
  full_name text,
  user_name text UNIQUE,
  email text UNIQUE NOT NULL,
  phone text,
  street text,
  city text,
  country text,
  postcode text,
  company text,
  job text,
  motto text,
  website text,
  uid text,
  age integer,
  height real,
  balance numeric(10, 2),
  active boolean,
  born date,
  seen_at timestamp,
  status text,
  rank integer,
  team text,
  nickname text
);
SELECT covet_seed('people', 5, '{
  "first_name": "first_name", "last_name": "last_name", "full_name": "name",
  "user_name": "user_name", "email": "email", "phone": "phone",
  "street": "street", "city": "city", "country": "country",
  "postcode": "postcode", "company": "company", "job": "job",
  "motto": "sentence", "website": "url", "uid": "uuid",
  "age": "int(18, 90)", "height": "float(1.5, 2.1, 2)",
  "balance": {"decimal": [0, 1000, 2]}, "active": "bool(0.7)",
  "born": "date(1950-01-01, 2005-12-31)",
  "seen_at": "timestamp(2024-01-01, 2024-12-31)",
  "status": {"choice": {"new": 3, "processing": 1, "done": 6}},
  "rank": "sequence(100, 10)", "team": {"constant": "blue"},
  "nickname": {"gen": "word", "null": 0.5}
}', 2024) AS result;
SELECT * FROM people ORDER BY id;

-- the same call on a fresh table of the same definition gives the same rows
CREATE TABLE people2 (
  id integer PRIMARY KEY,
  first_name text NOT NULL,
  last_name text NOT NULL,
  full_name text,
  user_name text UNIQUE,
  email text UNIQUE NOT NULL,
  phone text,
  street text,
  city text,
  country text,
  postcode text,
  company text,
  job text,
  motto text,
  website text,
  uid text,
  age integer,
  height real,
  balance numeric(10, 2),
  active boolean,
  born date,
  seen_at timestamp,
  status text,
  rank integer,
  team text,
  nickname text
);
SELECT covet_seed('people2', 5, (SELECT '{' ||
  '"first_name": "first_name", "last_name": "last_name", "full_name": "name",' ||
  '"user_name": "user_name", "email": "email", "phone": "phone",' ||
  '"street": "street", "city": "city", "country": "country",' ||
  '"postcode": "postcode", "company": "company", "job": "job",' ||
  '"motto": "sentence", "website": "url", "uid": "uuid",' ||
  '"age": "int(18, 90)", "height": "float(1.5, 2.1, 2)",' ||
  '"balance": {"decimal": [0, 1000, 2]}, "active": "bool(0.7)",' ||
  '"born": "date(1950-01-01, 2005-12-31)",' ||
  '"seen_at": "timestamp(2024-01-01, 2024-12-31)",' ||
  '"status": {"choice": {"new": 3, "processing": 1, "done": 6}},' ||
  '"rank": "sequence(100, 10)", "team": {"constant": "blue"},' ||
  '"nickname": {"gen": "word", "null": 0.5}}'), 2024) AS result;
SELECT 'same rows', count(*) FROM (SELECT * FROM people EXCEPT SELECT * FROM people2);

-- another seed gives other rows
DELETE FROM people2;
SELECT covet_seed('people2', 5, '{"first_name": "first_name", "last_name": "last_name", "email": "email"}', 2025) AS result;
SELECT 'other seed, same first names', count(*) FROM people JOIN people2 USING (id, first_name);

-- the text form of a generator, with options; the typed values SQLite gets
SELECT covet_fake('email; unique', 7, 1) AS email,
       covet_fake('int(1, 1000000)', 1, 1) AS n,
       typeof(covet_fake('int(1, 3)', 1, 1)) AS int_type,
       typeof(covet_fake('float(0, 1, 3)', 1, 1)) AS float_type,
       typeof(covet_fake('decimal(0, 1, 3)', 1, 1)) AS decimal_type,
       typeof(covet_fake('bool', 1, 1)) AS bool_type,
       covet_fake('choice(''a, b'':1, c:0)', 1, 1) AS quoted_choice,
       covet_fake('word; null=1', 1, 1) AS always_null,
       covet_fake(NULL, 1, 1) AS null_spec;
SELECT covet_fake('emial', 1, 1);
-- the generator is parsed once per statement (auxdata), per column
SELECT count(DISTINCT covet_fake('email; unique', 3, value)) FROM (
  WITH RECURSIVE s(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM s WHERE value < 1000)
  SELECT value FROM s);
