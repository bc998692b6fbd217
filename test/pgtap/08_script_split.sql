-- pgTAP: how a migration's text is split into statements in PostgreSQL
-- (src/pg/pg_script.c): quotes, comments and routine bodies as the parser
-- reads them, psql's rule for BEGIN ATOMIC bodies, the statement count and
-- the rows, and texts longer than the 1 MB window the lexer reads at once.
-- Self-contained: creates what it needs and rolls everything back.
\set ON_ERROR_STOP 1
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off
SET client_min_messages = warning;

BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS covet;
DELETE FROM covet.history;
DELETE FROM covet.applied;
DELETE FROM covet.migrations;

SELECT plan(39);

-- Define a migration and apply it alone: the runner's report.
CREATE FUNCTION pg_temp.apply(name text, up text) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM covet_define(name, up);
	RETURN covet_migrate_up(name);
END
$$;

CREATE TABLE sp_t (n int, s text);

-- Dollar-quoted bodies with ';' inside, with and without a tag.
SELECT is(pg_temp.apply('sp_dollar',
		$m$CREATE FUNCTION sp_f1() RETURNS text LANGUAGE plpgsql AS $$ BEGIN RETURN 'a;b'; END $$;
CREATE FUNCTION sp_f2() RETURNS text LANGUAGE plpgsql AS $fn$ BEGIN RETURN $$c;$$ || 'd;'; END; $fn$;
INSERT INTO sp_t VALUES (1, sp_f1() || sp_f2())$m$),
		  'applied sp_dollar (3 statements, 1 row)', 'dollar quotes: three statements');
SELECT is((SELECT s FROM sp_t WHERE n = 1), 'a;bc;d;', 'dollar quotes: the bodies are whole');

-- SQL-standard bodies: ';' inside BEGIN ATOMIC ... END does not end the statement.
SELECT is(pg_temp.apply('sp_atomic',
		'CREATE FUNCTION sp_f3() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END; INSERT INTO sp_t VALUES (3, sp_f3()::text);'),
		  'applied sp_atomic (2 statements, 1 row)', 'BEGIN ATOMIC: the body is one statement');
SELECT is(sp_f3(), 2, 'BEGIN ATOMIC: both body statements are in the function');

-- CASE ... END inside a body, at the top and in parentheses.
SELECT is(pg_temp.apply('sp_case',
		E'CREATE OR REPLACE FUNCTION sp_f4(x int) RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT 0;\n  SELECT CASE WHEN x > 0 THEN 1 ELSE (CASE x WHEN 0 THEN 0 ELSE -1 END) END;\nEND;\nINSERT INTO sp_t VALUES (4, sp_f4(-5)::text)'),
		  'applied sp_case (2 statements, 1 row)', 'CASE inside BEGIN ATOMIC');
SELECT is(ARRAY[sp_f4(3), sp_f4(0), sp_f4(-2)], ARRAY[1, 0, -1], 'CASE inside BEGIN ATOMIC: the body is whole');

-- A procedure body, then CALL.
SELECT is(pg_temp.apply('sp_proc',
		'CREATE PROCEDURE sp_p1() LANGUAGE sql BEGIN ATOMIC INSERT INTO sp_t VALUES (5, ''p1''); INSERT INTO sp_t VALUES (5, ''p2''); END; CALL sp_p1()'),
		  'applied sp_proc (2 statements, 0 rows)', 'a procedure body, then CALL');
SELECT is((SELECT count(*)::int FROM sp_t WHERE n = 5), 2, 'the procedure ran both inserts');

-- Quoted words are not keywords: "begin" does not open a body.
SELECT is(pg_temp.apply('sp_quoted',
		'CREATE FUNCTION sp_f5("begin" int) RETURNS int LANGUAGE sql RETURN "begin" + 1; INSERT INTO sp_t VALUES (6, sp_f5(1)::text); INSERT INTO sp_t VALUES (6, ''x'')'),
		  'applied sp_quoted (3 statements, 2 rows)', 'a quoted "begin" is an identifier');

-- Comments: "--" ends at \r as well as \n; /* */ nest.
SELECT is(pg_temp.apply('sp_cr', E'INSERT INTO sp_t VALUES (7, ''a'') -- note\r; INSERT INTO sp_t VALUES (7, ''b'')'),
		  'applied sp_cr (2 statements, 2 rows)', 'a "--" comment ends at \r');
SELECT is(pg_temp.apply('sp_nested', 'INSERT INTO sp_t VALUES (8, ''a'') /* outer /* inner; */ still; */; /* ; */ INSERT INTO sp_t VALUES (8, ''b'')'),
		  'applied sp_nested (2 statements, 2 rows)', 'nested comments hide ";"');

-- Strings: E'' escapes, doubled quotes, quoted identifiers.
SELECT is(pg_temp.apply('sp_strings',
		E'INSERT INTO sp_t VALUES (9, E''it\\''s; \\\\'');\nINSERT INTO sp_t VALUES (9, ''don''''t;'');\nCREATE TABLE "sp;t" ("a;b" int)'),
		  'applied sp_strings (3 statements, 2 rows)', 'E'''' escapes, doubled quotes, quoted identifiers');
SELECT is(array_agg(s ORDER BY s), ARRAY[E'don''t;', E'it''s; \\'], 'the strings are whole') FROM sp_t WHERE n = 9;

-- The last statement without ';', empty statements, a trailing comment.
SELECT is(pg_temp.apply('sp_tail', E';; INSERT INTO sp_t VALUES (10, ''a'');;\n;INSERT INTO sp_t VALUES (10, ''b'') -- the end'),
		  'applied sp_tail (2 statements, 2 rows)', 'no trailing ";": the last statement still runs');

-- A rule's action list: ';' inside parentheses.
SELECT is(pg_temp.apply('sp_rule',
		'CREATE TABLE sp_r (n int); CREATE RULE sp_rr AS ON INSERT TO sp_r DO ALSO (INSERT INTO sp_t VALUES (11, ''r1''); INSERT INTO sp_t VALUES (11, ''r2'')); INSERT INTO sp_r VALUES (1)'),
		  'applied sp_rule (3 statements, 1 row)', 'a rule''s action list stays in its statement');
SELECT is((SELECT count(*)::int FROM sp_t WHERE n = 11), 2, 'the rule''s actions ran');

-- A setting changed by the migration applies to the statements after it.
SELECT is(pg_temp.apply('sp_scs',
		E'SET LOCAL escape_string_warning = off; SET LOCAL standard_conforming_strings = off; INSERT INTO sp_t VALUES (12, ''a\\''; b''); RESET standard_conforming_strings; INSERT INTO sp_t VALUES (12, ''c\\'')'),
		  'applied sp_scs (5 statements, 2 rows)', 'standard_conforming_strings set inside a migration');
SELECT is(array_agg(s ORDER BY s), ARRAY[E'a''; b', E'c\\'], 'each string read with the setting of its time') FROM sp_t WHERE n = 12;

-- Transaction control after a body is found too, at its statement: the
-- migration runs outside a transaction (toplevel.c), which the SELECT form
-- refuses; a BEGIN ATOMIC body alone does not count.
SELECT lives_ok($$ SELECT covet_define('sp_txn', 'CREATE FUNCTION sp_f6() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END; BEGIN; SELECT 1') $$,
				'setup: define sp_txn');
SELECT is((SELECT atomic FROM covet.migrations WHERE name = 'sp_txn'), false,
		  'BEGIN after a BEGIN ATOMIC body makes it non-transactional');
SELECT throws_ok($$ SELECT covet_migrate_up('sp_txn') $$, '25001',
				 'migration "sp_txn" must run outside a transaction',
				 'which the SELECT form refuses');
SELECT is(covet_migrate_up('sp_txn', dry_run => true),
		  E'would apply sp_txn (outside a transaction: not run in a dry run)\ndry run: nothing was changed',
		  'a dry run does not run it');
SELECT lives_ok($$ SELECT covet_define('sp_txn', 'CREATE FUNCTION sp_f6() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END; SELECT 1') $$,
				'setup: redefine sp_txn');
SELECT is((SELECT atomic FROM covet.migrations WHERE name = 'sp_txn'), true,
		  'a BEGIN ATOMIC body alone keeps it transactional');
DELETE FROM covet.migrations WHERE name = 'sp_txn';

-- Syntax errors: named at their statement, after the ones before ran (and
-- were rolled back with the migration).
SELECT lives_ok($$ SELECT covet_define('sp_syntax', 'INSERT INTO sp_t VALUES (13); SELECT 1; SELEC 2; SELECT 3') $$,
				'setup: define sp_syntax');
SELECT throws_ok($$ SELECT covet_migrate_up('sp_syntax', dry_run => true) $$, '42601',
				 'dry run: migration "sp_syntax" failed at statement 3: syntax error at or near "SELEC"',
				 'a syntax error is named at its statement');
SELECT throws_ok($$ SELECT covet_migrate_up('sp_syntax') $$, '42601',
				 'migration "sp_syntax" failed: syntax error at or near "SELEC"', 'a syntax error fails the migration');
SELECT is_empty('SELECT 1 FROM sp_t WHERE n = 13', 'the statements before it were rolled back');
SELECT lives_ok($$ SELECT covet_define('sp_syntax', E'SELECT 1;\nSELECT ''unterminated') $$, 'setup: redefine sp_syntax');
SELECT throws_ok($$ SELECT covet_migrate_up('sp_syntax') $$, '42601',
				 'migration "sp_syntax" failed: unterminated quoted string at or near "''unterminated"',
				 'an unterminated string at the end');
DELETE FROM covet.migrations WHERE name = 'sp_syntax';

-- Longer than the 1 MB window: 30,000 statements (several windows of at
-- most 8,192), a 1.5 MB string with ';' inside crossing the window's end,
-- a 1.2 MB dollar-quoted string, a 1.1 MB comment, and one 2.4 MB INSERT
-- with no ';' for a long way.
SELECT is(pg_temp.apply('sp_many',
		(SELECT string_agg(format('INSERT INTO sp_t VALUES (14, %L);', i), E'\n') FROM generate_series(1, 30000) i)),
		  'applied sp_many (30000 statements, 30000 rows)', 'many statements, several windows');
SELECT is((SELECT count(DISTINCT s)::int FROM sp_t WHERE n = 14), 30000, 'every statement ran once');
SELECT is(pg_temp.apply('sp_long_string',
		'INSERT INTO sp_t VALUES (15, ''head''); INSERT INTO sp_t VALUES (15, ''' || repeat('x;', 750000) ||
		'''); /* ' || repeat(';', 1100000) || ' */ INSERT INTO sp_t VALUES (15, $q$' || repeat('$;', 600000) || '$q$); INSERT INTO sp_t VALUES (15, ''tail'')'),
		  'applied sp_long_string (4 statements, 4 rows)', 'strings and a comment longer than the window');
SELECT is(array_agg(length(s) ORDER BY length(s)), ARRAY[4, 4, 1200000, 1500000],
		  'the long strings are whole') FROM sp_t WHERE n = 15;
SELECT is(pg_temp.apply('sp_long_insert',
		'INSERT INTO sp_t VALUES ' || (SELECT string_agg(format('(16, %L)', i), ', ') FROM generate_series(1, 200000) i) ||
		'; INSERT INTO sp_t VALUES (16, ''last'')'),
		  'applied sp_long_insert (2 statements, 200001 rows)', 'a statement longer than the window');
SELECT lives_ok($$ SELECT covet_define('sp_long_error',
		(SELECT string_agg('SELECT 1;', ' ') FROM generate_series(1, 20000)) || ' SELECT ''' || repeat('y', 2000000)) $$,
				'setup: define sp_long_error');
SELECT throws_ok($$ SELECT covet_migrate_up('sp_long_error') $$, '42601', NULL,
				 'an unterminated string after 20,000 statements');
SELECT throws_like($$ SELECT covet_migrate_up('sp_long_error', dry_run => true) $$,
				   'dry run: migration "sp_long_error" failed at statement 20001: unterminated quoted string%',
				   'it is named at statement 20001');
DELETE FROM covet.migrations WHERE name = 'sp_long_error';

-- The history counts what ran.
SELECT results_eq($$ SELECT name, statements, rows FROM covet.applied WHERE name IN ('sp_dollar', 'sp_many', 'sp_long_insert') ORDER BY name $$,
				  $$ VALUES ('sp_dollar', 3, 1::bigint), ('sp_long_insert', 2, 200001), ('sp_many', 30000, 30000) $$,
				  'applied rows record the statements and rows');

SELECT * FROM finish();
ROLLBACK;
