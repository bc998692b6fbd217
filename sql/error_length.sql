--
-- error_length: a message longer than covet's buffer (1,023 bytes) gives
-- way in its middle, so its end, where the reason is, survives; the same
-- on SQLite (test/sqlite/error_length.py).
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS covet;
CREATE TABLE el (id integer PRIMARY KEY, n integer);
INSERT INTO el VALUES (1, 1), (2, 2);

-- A statement's error: its length in bytes, whether it was cut, its start
-- and its end.
CREATE FUNCTION pg_temp.error_shape(sql text,
	OUT bytes integer, OUT cut boolean, OUT head text, OUT tail text) LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE sql;
	head := 'no error';
EXCEPTION WHEN OTHERS THEN
	bytes := octet_length(SQLERRM);
	cut := position('...' in SQLERRM) > 0;
	head := left(SQLERRM, 45);
	tail := right(SQLERRM, 45);
END
$$;

-- covet's own message about a 5,000-character column name
SELECT * FROM pg_temp.error_shape(format('SELECT covet_copy_field(%L, %L, %L)', 'el', repeat('a', 5000), 'n'));
-- 3,000 two-byte characters: cut between characters (else the server
-- would refuse the message as invalid UTF-8)
SELECT * FROM pg_temp.error_shape(format('SELECT covet_populate_field(%L, %L, %L)', 'el', repeat(U&'\00e9', 3000), '1'));
-- a set naming such a column: PostgreSQL shortens identifiers to 63 bytes
SELECT * FROM pg_temp.error_shape(format('SELECT covet_backfill(%L, %L)', 'el', repeat('a', 5000) || ' = 1'));
-- a migration failing with a long message: covet's prefix in front, the
-- reason at the end
SELECT covet_define('0001_fails', $m$DO $d$ BEGIN RAISE EXCEPTION '% does not exist', repeat('a', 5000); END $d$$m$);
SELECT * FROM pg_temp.error_shape('SELECT covet_migrate_up()');
-- a fixture record with a 5,000-character field name
SELECT * FROM pg_temp.error_shape(format('SELECT covet_loaddata(%L)',
	format('[{"model": "el", "pk": 3, "fields": {"%s": 1}}]', repeat('a', 5000))));
SELECT string_agg(n::text, ',' ORDER BY id) AS unchanged FROM el;

DROP EXTENSION covet;
DROP TABLE el;
