-- pgTAP: seeding (covet_seed, covet_fake): signatures, labels, privileges,
-- and what the rows promise: foreign keys that exist, unique columns
-- unique across calls, NOT NULL kept, all or nothing on failure, the same
-- rows for the same seed.  Self-contained; rolls everything back.
\set ON_ERROR_STOP 1
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off
SET client_min_messages = warning;

BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS covet;

SELECT plan(51);

-- Signatures and labels.
SELECT has_function('covet_seed', ARRAY['text', 'bigint', 'text', 'bigint'], 'covet_seed(text, bigint, text, bigint) exists');
SELECT has_function('covet_fake', ARRAY['text', 'bigint', 'bigint'], 'covet_fake(text, bigint, bigint) exists');
SELECT function_returns('covet_seed', ARRAY['text', 'bigint', 'text', 'bigint'], 'text', 'covet_seed returns text');
SELECT function_returns('covet_fake', ARRAY['text', 'bigint', 'bigint'], 'text', 'covet_fake returns text');
SELECT is(pg_get_function_arguments('covet_seed(text,bigint,text,bigint)'::regprocedure),
		  'table_name text, n bigint, spec text DEFAULT NULL::text, seed bigint DEFAULT 0',
		  'covet_seed arguments and defaults');
SELECT is(pg_get_function_arguments('covet_fake(text,bigint,bigint)'::regprocedure),
		  'spec text, key bigint, "row" bigint', 'covet_fake arguments');
SELECT volatility_is('covet_seed', ARRAY['text', 'bigint', 'text', 'bigint'], 'volatile', 'covet_seed is VOLATILE');
SELECT isnt_strict('covet_seed', ARRAY['text', 'bigint', 'text', 'bigint'], 'covet_seed is not STRICT: NULLs are errors');
SELECT volatility_is('covet_fake', ARRAY['text', 'bigint', 'bigint'], 'immutable', 'covet_fake is IMMUTABLE');
SELECT is_strict('covet_fake', ARRAY['text', 'bigint', 'bigint'], 'covet_fake is STRICT');
SELECT is((SELECT proparallel::text FROM pg_proc WHERE oid = 'covet_fake(text,bigint,bigint)'::regprocedure),
		  's', 'covet_fake is PARALLEL SAFE');
SELECT ok(obj_description('covet_seed(text,bigint,text,bigint)'::regprocedure, 'pg_proc') IS NOT NULL
		  AND obj_description('covet_fake(text,bigint,bigint)'::regprocedure, 'pg_proc') IS NOT NULL,
		  'both functions have a comment');
SELECT is((SELECT count(*)::int FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
			WHERE e.extname = 'covet' AND d.classid = 'pg_proc'::regclass AND d.deptype = 'e'
			  AND d.objid IN ('covet_seed(text,bigint,text,bigint)'::regprocedure,
							  'covet_fake(text,bigint,bigint)'::regprocedure)),
		  2, 'both belong to the extension');

-- Privileges: covet_seed writes, so it is the administrator's to grant.
CREATE ROLE covet_tap_seeder NOLOGIN;
SELECT ok(NOT has_function_privilege('covet_tap_seeder', 'covet_seed(text,bigint,text,bigint)', 'EXECUTE'),
		  'PUBLIC cannot execute covet_seed');
SELECT ok(has_function_privilege('covet_tap_seeder', 'covet_fake(text,bigint,bigint)', 'EXECUTE'),
		  'PUBLIC can execute covet_fake');

-- covet_fake: pure, typed as text, NULL for null values.
SELECT is(covet_fake('email; unique', 7, 1), 'inigo.simmons1@example.org', 'covet_fake gives the value SQLite gives');
SELECT is(covet_fake('int(1, 1000000)', 1, 1), '981834', 'an integer as text, as in SQLite');
SELECT is(covet_fake('bool(1)', 1, 1), 'true', 'a boolean as text PostgreSQL reads');
SELECT ok(covet_fake('word; null=1', 1, 1) IS NULL, 'null=1 gives NULL');
SELECT is((SELECT count(DISTINCT covet_fake('uuid', 9, g)) FROM generate_series(1, 2000) g)::int, 2000,
		  'uuids do not repeat');
SELECT is((SELECT count(*) FROM generate_series(1, 2000) g
			WHERE covet_fake('int(5, 7)', 3, g)::int NOT BETWEEN 5 AND 7)::int, 0, 'int(5, 7) keeps to its range');
SELECT throws_ok($$ SELECT covet_fake('int(1', 1, 1) $$, '22023', 'invalid generator "int(1"', 'a bad generator is 22023');

-- Tables to seed.
CREATE TABLE tap_users (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	user_name text UNIQUE NOT NULL,
	email text UNIQUE NOT NULL,
	first_name text NOT NULL,
	nickname text,
	score int NOT NULL CHECK (score BETWEEN 0 AND 100),
	created_at timestamptz NOT NULL
);
CREATE TABLE tap_accounts (
	region text NOT NULL,
	code text NOT NULL,
	owner_id bigint NOT NULL REFERENCES tap_users,
	PRIMARY KEY (region, code)
);
CREATE TABLE tap_orders (
	id int PRIMARY KEY,
	user_id bigint NOT NULL REFERENCES tap_users,
	region text,
	code text,
	reviewer_id bigint REFERENCES tap_users,
	total numeric(10, 2) NOT NULL,
	FOREIGN KEY (region, code) REFERENCES tap_accounts
);

SELECT throws_ok($$ SELECT covet_seed('tap_orders', 10) $$, '55000',
				 'cannot seed tap_orders: its foreign key user_id references tap_users, which has no rows',
				 'an empty parent is an error');
SELECT lives_ok($$ SELECT covet_seed('tap_users', 200, '{"nickname": {"gen": "word", "null": 0.5}}', 1) $$,
				'seed the users');
SELECT lives_ok($$ SELECT covet_seed('tap_users', 200, '{"nickname": {"gen": "word", "null": 0.5}}', 1) $$,
				'seed the users again, with the same seed');
SELECT is((SELECT count(*)::int FROM tap_users), 400, 'two calls, 400 users');
SELECT is((SELECT count(DISTINCT email)::int FROM tap_users), 400, 'emails unique over both calls');
SELECT is((SELECT count(DISTINCT user_name)::int FROM tap_users), 400, 'user names unique over both calls');
SELECT is((SELECT count(*)::int FROM tap_users WHERE first_name IS NULL OR created_at IS NULL), 0,
		  'NOT NULL columns have no NULLs');
SELECT ok((SELECT count(*) FILTER (WHERE nickname IS NULL) BETWEEN 140 AND 260 FROM tap_users),
		  'a nullable column with null=0.5 is about half NULL');
SELECT is((SELECT array[min(id), max(id)] FROM tap_users), array[1, 400]::bigint[],
		  'the identity column is left to the database');

SELECT lives_ok($$ SELECT covet_seed('tap_accounts', 50, '{"region": "choice(eu, us, apac)", "code": "word"}', 2) $$,
				'seed accounts (a composite text key)');
SELECT is((SELECT count(DISTINCT (region, code))::int FROM tap_accounts), 50, 'composite keys unique');
SELECT lives_ok($$ SELECT covet_seed('tap_orders', 300, NULL, 3) $$, 'seed orders');
SELECT lives_ok($$ SELECT covet_seed('tap_orders', 300, NULL, 3) $$, 'seed orders again');
SELECT is((SELECT count(*)::int FROM tap_orders o WHERE NOT EXISTS (SELECT 1 FROM tap_users u WHERE u.id = o.user_id)),
		  0, 'every user_id exists in the parent');
SELECT is((SELECT count(*)::int FROM tap_orders o WHERE NOT EXISTS
			(SELECT 1 FROM tap_accounts a WHERE a.region = o.region AND a.code = o.code)),
		  0, 'every (region, code) pair exists in the parent, both columns from the same row');
SELECT ok((SELECT count(DISTINCT user_id) > 100 FROM tap_orders), 'parents are spread');
SELECT is((SELECT array[min(id), max(id), count(DISTINCT id)] FROM tap_orders), array[1, 600, 600]::bigint[],
		  'an integer key continues past the largest');

-- All or nothing.
SELECT throws_ok($$ SELECT covet_seed('tap_users', 100, '{"score": "int(0, 150)"}', 4) $$, '23514', NULL,
				 'a CHECK the rows break fails the call');
SELECT is((SELECT count(*)::int FROM tap_users), 400, 'and inserts nothing');
SELECT throws_ok($$ SELECT covet_seed('tap_users', 100, '{"first_name": "null"}', 4) $$, '22023',
				 'column "first_name" is NOT NULL, but its generator "null" gives NULLs',
				 'a null generator on a NOT NULL column is refused');
SELECT throws_ok($$ SELECT covet_seed('tap_users', NULL) $$, '22004', 'n must not be null', 'NULL n');
SELECT throws_ok($$ SELECT covet_seed('tap_users', -5) $$, '22023', 'n must not be negative', 'negative n');
SELECT throws_ok($$ SELECT covet_seed('tap_users; DROP TABLE tap_orders', 1) $$, '42P01', NULL,
				 'an injection-shaped name is a missing table');
SELECT throws_ok($$ SELECT covet_seed('tap_users', 1, '{"nosuch": "word"}') $$, '42703', NULL,
				 'an unknown column is 42703');

-- The same seed gives the same rows, whatever the search_path.
CREATE TABLE tap_a (id int PRIMARY KEY, name text, email text UNIQUE, born date, balance numeric(8, 2), ok boolean);
CREATE TABLE tap_b (LIKE tap_a INCLUDING ALL);
SELECT is(covet_seed('tap_a', 100, NULL, 42), 'inserted 100 rows into tap_a', 'the report names the rows and the table');
SET LOCAL search_path = pg_catalog;
SELECT public.covet_seed('public.tap_b', 100, NULL, 42) AS seeded_b \gset
RESET search_path;
SELECT is(:'seeded_b'::text, 'inserted 100 rows into public.tap_b', 'seed with search_path = pg_catalog');
SELECT is((SELECT count(*)::int FROM (SELECT * FROM tap_a EXCEPT SELECT * FROM tap_b) d), 0,
		  'the same seed gives the same rows, also with another search_path');

-- A role granted EXECUTE seeds a table it may insert into.
GRANT EXECUTE ON FUNCTION covet_seed(text, bigint, text, bigint) TO covet_tap_seeder;
GRANT SELECT, INSERT ON tap_a TO covet_tap_seeder;
SET LOCAL ROLE covet_tap_seeder;
SELECT lives_ok($$ SELECT covet_seed('tap_a', 10, NULL, 1) $$, 'a granted role can seed');
SELECT throws_ok($$ SELECT covet_seed('tap_b', 10, NULL, 1) $$, '42501', NULL,
				 'but not a table it may not write');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
