--
-- seed_basic: covet_seed and covet_fake in PostgreSQL, and the evidence of
-- cross-engine determinism: test/sqlite/seed_basic.sql's table, spec and
-- seed (2024) give here exactly the rows of
-- test/sqlite/expected/seed_basic.out (the same schema: every SQLite type
-- there is valid PostgreSQL).
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS covet;
SET datestyle = 'ISO, YMD';
SET extra_float_digits = 1;
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
\pset format unaligned
\pset null NULL
SELECT * FROM people ORDER BY id;
-- The same rows in SQLite's notation (booleans 0/1, numeric as SQLite's
-- REAL), to be read against the SQLite output line by line ...
CREATE VIEW people_as_sqlite AS
SELECT concat_ws('|', id, first_name, last_name, coalesce(full_name, 'NULL'),
		coalesce(user_name, 'NULL'), email, coalesce(phone, 'NULL'),
		coalesce(street, 'NULL'), coalesce(city, 'NULL'), coalesce(country, 'NULL'),
		coalesce(postcode, 'NULL'), coalesce(company, 'NULL'), coalesce(job, 'NULL'),
		coalesce(motto, 'NULL'), coalesce(website, 'NULL'), coalesce(uid, 'NULL'),
		coalesce(age::text, 'NULL'), coalesce(height::text, 'NULL'),
		coalesce(balance::float8::text, 'NULL'), coalesce(active::int::text, 'NULL'),
		coalesce(born::text, 'NULL'), coalesce(seen_at::text, 'NULL'),
		coalesce(status, 'NULL'), coalesce(rank::text, 'NULL'), coalesce(team, 'NULL'),
		coalesce(nickname, 'NULL')) AS line, id
  FROM people;
SELECT line FROM people_as_sqlite ORDER BY id;
-- ... and compared with it here: the lines of test/sqlite/expected/seed_basic.out
CREATE TABLE sqlite_rows AS
SELECT string_to_table($sqlite$
1|Debra|Green|Emily Ricci|ann_nelson1|tyler.campbell1@example.org|+49 30 70524807|2252 Ridge Way|Belgrade|France|33695|Starlight Logistics|Chief Financial Officer|Trial patient full could protect future wear treat visit spring success discover.|https://www.nova.com|23d5a9ab-0b42-47c8-89d2-8a410591a4e6|22|2.08|592.2|0|1979-12-09|2024-03-18 10:31:20|done|100|blue|degree
2|Victoria|Ferrari|Noah Rogers|paul.young2|freya.watson2@web.example.org|+34 534 035 121|5437 Abbey Boulevard|Bologna|Israel|31854|Washington Solutions|Butcher|Wall wall article hour return summer capital different staff heart surface.|https://www.summit.com/home|53c8c997-eee5-4dea-a66b-feb4ad263119|69|2.1|595.4|0|1979-03-03|2024-11-14 07:26:04|new|110|blue|NULL
3|Zoltán|Schmidt|Iñigo Novák|jacquelineblack3|henry.gonzales3@corp.example.com|+61 5 7302 4797|207 Castle Drive|Göteborg|Venezuela|54159|Falcon Partners|Waiter|Parent wonder election period.|https://www.vertex.co|5248dbba-acbd-4938-a6fc-4a12e4c54dc9|63|1.78|616.6|1|1979-02-11|2024-05-28 16:12:55|new|120|blue|NULL
4|Elijah|Gonzalez|Jacob Henry|logan_wagner4|jennifer.horvath4@example.org|+1 812-974-4533|4862 Forest Lane|München|South Africa|24991|Silverline Technologies|Police Officer|Price prepare true tonight natural beyond follow.|https://www.frontier.co/interest|8621f1ad-094e-4826-a76a-3f7d79b96a2c|44|1.77|664.12|0|1974-09-14|2024-06-21 18:39:46|done|130|blue|NULL
5|Patricia|Powell|Brenda Miller|ykovacs5|evelyn.kowalski5@inbox.example.org|(708) 460-5601|6381 Kingsway Crescent|Karachi|South Africa|42295|Northwind Holdings|Delivery Driver|Threat effort natural wear grow seat term view guess answer.|https://www.global.net|5885b0b8-eaff-481b-a35f-861c33108e5c|53|1.63|462.54|1|1999-05-06|2024-08-21 15:38:32|new|140|blue|NULL
$sqlite$, E'\n') AS line;
DELETE FROM sqlite_rows WHERE line = '';
SELECT count(*) AS sqlite_lines,
	   (SELECT count(*) FROM (SELECT line FROM sqlite_rows EXCEPT SELECT line FROM people_as_sqlite) s) AS only_in_sqlite,
	   (SELECT count(*) FROM (SELECT line FROM people_as_sqlite EXCEPT SELECT line FROM sqlite_rows) s) AS only_in_postgresql
  FROM sqlite_rows;
\pset format aligned

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
SELECT covet_seed('people2', 5, '{
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
SELECT 'same rows', count(*) FROM (SELECT * FROM people EXCEPT SELECT * FROM people2) s;

-- another seed gives other rows
DELETE FROM people2;
SELECT covet_seed('people2', 5, '{"first_name": "first_name", "last_name": "last_name", "email": "email"}', 2025) AS result;
SELECT 'other seed, same first names', count(*) FROM people JOIN people2 USING (id, first_name);

-- the text form of a generator, with options; covet_fake returns text
SELECT covet_fake('email; unique', 7, 1) AS email,
       covet_fake('int(1, 1000000)', 1, 1) AS n,
       covet_fake('float(0, 1, 3)', 1, 1) AS float,
       covet_fake('decimal(0, 1, 3)', 1, 1) AS decimal,
       covet_fake('bool', 1, 1) AS bool,
       covet_fake('choice(''a, b'':1, c:0)', 1, 1) AS quoted_choice,
       covet_fake('word; null=1', 1, 1) AS always_null,
       covet_fake(NULL, 1, 1) AS null_spec,
       pg_typeof(covet_fake('int(1, 3)', 1, 1)) AS type;
SELECT covet_fake('emial', 1, 1);
-- parsed once per call site (fn_extra), again when the generator changes
SELECT count(DISTINCT covet_fake('email; unique', 3, g)) FROM generate_series(1, 1000) g;
SELECT g, covet_fake(CASE WHEN g % 2 = 0 THEN 'int(1, 9)' ELSE 'word' END, 5, g)
  FROM generate_series(1, 4) g;
-- pure: the same arguments give the same value in any query
SELECT covet_fake('name', 11, 42) = covet_fake('name', 11, 42) AS same;

-- repeated calls go on numbering rows: unique columns do not repeat
SELECT covet_seed('people2', 5, '{"first_name": "first_name", "last_name": "last_name", "email": "email"}', 2025) AS result;
SELECT count(*), count(DISTINCT email) FROM people2;

-- inferred: identity left to the database, foreign keys from the parent,
-- unique text carrying the row number, casts to each column's type
CREATE TABLE users (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  first_name text NOT NULL,
  last_name text NOT NULL,
  email text UNIQUE NOT NULL,
  status varchar(20),
  created_at timestamptz NOT NULL DEFAULT now(),
  score int,
  is_admin boolean NOT NULL,
  balance numeric(8, 2),
  uid uuid,
  prefs jsonb,
  bio text
);
SELECT covet_seed('users', 5, NULL, 7) AS result;
SELECT id, first_name, last_name, email, status, score, is_admin, balance, uid, prefs
  FROM users ORDER BY id;
SELECT count(*) FROM users WHERE created_at IS NULL OR bio IS NULL;
CREATE TABLE orders (
  id serial PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users,
  placed_on date NOT NULL,
  total numeric(10, 2) CHECK (total >= 0),
  note text
);
SELECT covet_seed('orders', 20, '{"note": "default"}', 7) AS result;
SELECT count(*) AS orders, count(DISTINCT user_id) > 1 AS spread,
	   bool_and(user_id IN (SELECT id FROM users)) AS parents_exist,
	   count(note) AS notes
  FROM orders;
-- a tree: the first rows are roots, later ones pick parents
CREATE TABLE nodes (
  id int PRIMARY KEY,
  parent_id int REFERENCES nodes,
  label text
);
SELECT covet_seed('nodes', 3, NULL, 1) AS result;
SELECT covet_seed('nodes', 3, NULL, 1) AS result;
SELECT id, parent_id IS NULL AS root, parent_id <= 3 AS parent_from_first_call
  FROM nodes ORDER BY id;

-- names: schema-qualified, quoted, mixed case; any search_path
CREATE SCHEMA "Seed Schema";
CREATE TABLE "Seed Schema"."Odd Table" ("Id" int PRIMARY KEY, "E-Mail" text UNIQUE, "when" date);
SELECT covet_seed('Seed Schema.Odd Table', 3, '{"E-Mail": "email"}') AS result;
SELECT * FROM "Seed Schema"."Odd Table" ORDER BY 1;
SET search_path = pg_catalog;
SELECT public.covet_seed('public.users', 2, NULL, 7) AS result;
RESET search_path;
-- a covet_fake earlier in the path is not the one the INSERT calls
CREATE SCHEMA decoy;
CREATE FUNCTION decoy.covet_fake(text, bigint, bigint) RETURNS text
LANGUAGE sql AS $$ SELECT 'decoy' $$;
SET search_path = decoy, public;
SELECT covet_seed('users', 2, NULL, 7) AS result;
RESET search_path;
SELECT count(*) FROM users WHERE first_name = 'decoy';

-- n = 0 inserts nothing
SELECT covet_seed('users', 0) AS result;

DROP SCHEMA decoy CASCADE;
DROP SCHEMA "Seed Schema" CASCADE;
DROP TABLE nodes, orders, users, people2;
DROP VIEW people_as_sqlite;
DROP TABLE people, sqlite_rows;
