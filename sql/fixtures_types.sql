--
-- fixtures_types: every kind of value survives a round trip through a
-- fixture exactly: dump, TRUNCATE, load, dump again gives the same text,
-- and the rows equal a copy taken before (EXCEPT both ways), in JSON, YAML
-- and CSV
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS covet;

-- Rows of a and b that are not in the other (0 and 0: the same rows).
CREATE FUNCTION pg_temp.differences(a text, b text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	x bigint;
	y bigint;
BEGIN
	EXECUTE format('SELECT count(*) FROM (SELECT * FROM %s EXCEPT ALL SELECT * FROM %s) s', a, b) INTO x;
	EXECUTE format('SELECT count(*) FROM (SELECT * FROM %s EXCEPT ALL SELECT * FROM %s) s', b, a) INTO y;
	RETURN x || ' and ' || y;
END
$$;

CREATE TYPE fx_mood AS ENUM ('sad', 'ok', 'happy');
CREATE TABLE fx_types (
	id bigint PRIMARY KEY,
	i2 smallint, i4 integer, i8 bigint,
	n numeric, n2 numeric(12,4),
	f4 real, f8 double precision,
	t text, vc varchar(20), ch char(5),
	b bytea, bo boolean,
	d date, tm time, ttz timetz, ts timestamp, tstz timestamptz, iv interval,
	u uuid, j json, jb jsonb,
	ai int[], at text[], a2 integer[][], atz timestamptz[], an numeric[],
	mood fx_mood
);
INSERT INTO fx_types VALUES
 (1, 32767, 2147483647, 9223372036854775807,
  123456789012345678901234567890.123456789012345678901234567890, 12345678.1234,
  3.4028235e38, 0.30000000000000004,
  'it''s "quoted", back\slash, tab	and
newline', 'Zoë 日本 😀', 'ab',
  '\x00ff10deadbeef'::bytea, true,
  '2024-02-29', '23:59:59.999999', '12:34:56.789+05:30', '2024-02-29 23:59:59.123456',
  '2024-02-29 23:59:59.123456+02', '1 year 2 mons -3 days 04:05:06.7',
  '0b5e2d3c-91f1-4c6b-a0a5-5d2b8b1a0c77', '{"a":[1,2.50,{"b":null}],"z":"é"}',
  '{"z": 1, "a": [true, false, null], "n": 1.0e2}',
  '{1,NULL,-3}', '{"a,b","c\"d","NULL",NULL,"","é"}', '{{1,2},{3,4}}',
  '{"2024-01-01 00:00:00+00","1999-12-31 23:59:59.5-08"}', '{1.50,NaN,-0.000001}',
  'happy'),
 (2, -32768, -2147483648, -9223372036854775808,
  -0.000000000000000000000000000001, -99999999.9999,
  1.4e-45, 5e-324,
  '', '', '',
  ''::bytea, false,
  '4713-01-01 BC', '00:00', '00:00:00-12', '0001-01-01 00:00:00',
  '1900-01-01 00:00:00+00', '-178000000 years',
  '00000000-0000-0000-0000-000000000000', '[]', '{}',
  '{}', '{}', '{{NULL,2},{3,NULL}}', '{}', '{}',
  'sad'),
 (3, 0, 0, 0,
  'NaN', 0,
  'NaN', '-Infinity',
  'x', NULL, NULL,
  NULL, NULL,
  'infinity', NULL, NULL, '-infinity',
  'infinity', '00:00:00',
  NULL, '"a string"', '12.5',
  NULL, '{"only"}', NULL, NULL, NULL,
  NULL),
 (4, NULL, NULL, NULL, 1e-100, NULL, '-0', '-0', NULL, NULL, NULL, NULL, NULL,
  '2000-01-01', NULL, NULL, NULL, '1970-01-01 00:00:00.000001+00', NULL,
  NULL, 'true', 'false', NULL, NULL, NULL, NULL, NULL, NULL),
 (5, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);

-- a composite key, and a table without a key
CREATE TABLE fx_pairs (a text, b integer, v double precision, note text, PRIMARY KEY (a, b));
INSERT INTO fx_pairs VALUES ('x', 1, 0.1, 'first'), ('x', 2, 1e-7, NULL), ('y', 1, 100, 'a,b');
CREATE TABLE fx_nokey (k integer, v text);
INSERT INTO fx_nokey VALUES (2, 'two'), (1, 'one'), (1, 'one');

-- copies to compare with (json as text: json has no equality)
CREATE VIEW fx_types_v AS
	SELECT id, i2, i4, i8, n, n2, f4, f8, t, vc, ch, b, bo, d, tm, ttz, ts, tstz, iv,
		   u, j::text AS j, jb, ai, at, a2, atz, an, mood FROM fx_types;
CREATE TABLE fx_types_copy AS SELECT * FROM fx_types_v;
CREATE TABLE fx_pairs_copy AS SELECT * FROM fx_pairs;
CREATE TABLE fx_nokey_copy AS SELECT * FROM fx_nokey;
CREATE TABLE fx_dumps (name text PRIMARY KEY, body text);

-- === JSON
INSERT INTO fx_dumps VALUES ('json', covet_dumpdata('fx_types fx_pairs fx_nokey'));
SELECT body FROM fx_dumps WHERE name = 'json';
TRUNCATE fx_types, fx_pairs, fx_nokey;
SELECT covet_loaddata((SELECT body FROM fx_dumps WHERE name = 'json'));
SELECT 'json second dump identical', covet_dumpdata('fx_types fx_pairs fx_nokey') = body FROM fx_dumps WHERE name = 'json';
SELECT 'json rows differing', pg_temp.differences('fx_types_v', 'fx_types_copy'),
	   pg_temp.differences('fx_pairs', 'fx_pairs_copy'), pg_temp.differences('fx_nokey', 'fx_nokey_copy');
-- exact bits: -0, NaN and the extremes of both float types
SELECT 'floats', f4::text, f8::text, (f8 = 0.1::float8 + 0.2::float8) AS sum_exact
  FROM fx_types ORDER BY id;
-- the same instant, whatever the session's time zone
SET TimeZone = 'Asia/Kolkata';
TRUNCATE fx_types, fx_pairs, fx_nokey;
SELECT covet_loaddata((SELECT body FROM fx_dumps WHERE name = 'json'));
RESET TimeZone;
SELECT 'json in another time zone', pg_temp.differences('fx_types_v', 'fx_types_copy');
SELECT 'json second dump identical', covet_dumpdata('fx_types fx_pairs fx_nokey') = body FROM fx_dumps WHERE name = 'json';
-- session settings do not make a dump lossy
SET extra_float_digits = -3;
SET IntervalStyle = 'sql_standard';
SET bytea_output = 'escape';
SELECT 'settings ignored', covet_dumpdata('fx_types fx_pairs fx_nokey') = body FROM fx_dumps WHERE name = 'json';
RESET extra_float_digits;
RESET IntervalStyle;
RESET bytea_output;

-- === YAML
INSERT INTO fx_dumps VALUES ('yaml', covet_dumpdata('fx_types, fx_pairs, fx_nokey', 'yaml'));
SELECT body FROM fx_dumps WHERE name = 'yaml';
TRUNCATE fx_types, fx_pairs, fx_nokey;
SELECT covet_loaddata((SELECT body FROM fx_dumps WHERE name = 'yaml'), 'yaml');
SELECT 'yaml second dump identical', covet_dumpdata('fx_types, fx_pairs, fx_nokey', 'yaml') = body FROM fx_dumps WHERE name = 'yaml';
SELECT 'yaml gives the json dump', covet_dumpdata('fx_types fx_pairs fx_nokey') = body FROM fx_dumps WHERE name = 'json';
SELECT 'yaml rows differing', pg_temp.differences('fx_types_v', 'fx_types_copy'),
	   pg_temp.differences('fx_pairs', 'fx_pairs_copy'), pg_temp.differences('fx_nokey', 'fx_nokey_copy');

-- === CSV, one table at a time
INSERT INTO fx_dumps VALUES ('types.csv', covet_dumpdata('fx_types', 'csv'));
INSERT INTO fx_dumps VALUES ('pairs.csv', covet_dumpdata('fx_pairs', 'csv'));
SELECT body FROM fx_dumps WHERE name = 'types.csv';
TRUNCATE fx_types, fx_pairs, fx_nokey;
SELECT covet_loaddata((SELECT body FROM fx_dumps WHERE name = 'types.csv'), 'csv', 'error', 'fx_types');
SELECT covet_loaddata((SELECT body FROM fx_dumps WHERE name = 'pairs.csv'), 'csv', 'error', 'fx_pairs');
SELECT 'csv second dump identical',
	   covet_dumpdata('fx_types', 'csv') = (SELECT body FROM fx_dumps WHERE name = 'types.csv'),
	   covet_dumpdata('fx_pairs', 'csv') = (SELECT body FROM fx_dumps WHERE name = 'pairs.csv');
-- CSV carries no types: a json string column comes back as a string only
-- when it is not itself valid JSON ('"a string"' is, so row 3 keeps it)
SELECT 'csv rows differing', pg_temp.differences('fx_types_v', 'fx_types_copy'),
	   pg_temp.differences('fx_pairs', 'fx_pairs_copy');

-- === files: written whole, read back
SELECT covet_dumpdata_file('fx_types.json', 'fx_types');
TRUNCATE fx_types;
SELECT covet_loaddata_file('fx_types.json');
SELECT 'file rows differing', pg_temp.differences('fx_types_v', 'fx_types_copy');
SELECT 'file as text', pg_catalog.pg_read_file('fx_types.json') = covet_dumpdata('fx_types');
SELECT covet_dumpdata_file('fx_types.yaml', 'fx_types', 'yaml');
SELECT 'no temporary file left', count(*) FROM pg_catalog.pg_ls_dir('.') AS f WHERE f LIKE 'fx_types.%';

-- === an empty table, and an empty list
TRUNCATE fx_types, fx_pairs, fx_nokey;
SELECT covet_dumpdata('fx_types fx_pairs');
SELECT covet_dumpdata('fx_types', 'yaml');
SELECT covet_dumpdata('fx_pairs', 'csv');
SELECT covet_loaddata('[]');

DROP VIEW fx_types_v;
DROP TABLE fx_types, fx_pairs, fx_nokey, fx_types_copy, fx_pairs_copy, fx_nokey_copy, fx_dumps;
DROP TYPE fx_mood;
