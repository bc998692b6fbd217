-- covet_dumpdata json on SQLite: each record made by one covet_json_record
-- call gives the text of the per-column expressions (CASE typeof,
-- json_quote, covet_float_text, base64), for every storage class, every
-- control character, booleans and JSON columns, keys of every shape.
--   sqlite3 :memory: < test/sqlite/fixtures_dump_fast.sql
.load ./covet
.headers off
.mode list
.nullvalue NULL
-- every ASCII character and some UTF-8, as json_quote writes it
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 127)
SELECT 'differing from json_quote: ' || count(*) FROM c
 WHERE covet_json_record('v', 'a' || char(i) || 'b') IS NOT json_quote('a' || char(i) || 'b');
SELECT covet_json_record('cvcvcvcvcv', '[', 42, ',', -9223372036854775808, ',', 0.1, ',', x'00ff', ',', NULL) || ']';
SELECT covet_json_record('v', 'é ☃ ' || char(127));
SELECT covet_json_record('vv', 1);
SELECT covet_json_record();
CREATE TABLE fast_pair (a integer, b text, v varchar(10), PRIMARY KEY (a, b));
INSERT INTO fast_pair VALUES (1, 'x', 'q"\'), (1, 'y', NULL), (2, 'tab' || char(9) || 'here', 'é');
CREATE TABLE fast_word (w text PRIMARY KEY, n numeric, f real, ok boolean, j json, bin blob, any_);
INSERT INTO fast_word VALUES ('b', 1.5, 0.1, 1, '{"k": [1, null]}', x'00ff', 3),
	('a', NULL, NULL, NULL, NULL, NULL, NULL), ('c', 'text', 1024.5, 2, 'not json', 'text', x'01');
CREATE TABLE fast_nokey (t text, i bigint);
INSERT INTO fast_nokey VALUES ('line' || char(10) || 'break', -9223372036854775808);
SELECT covet_dumpdata('fast_pair, fast_word, fast_nokey');
SELECT covet_dumpdata('fast_pair, fast_word, fast_nokey', 'json', NULL, 'django');
-- 2,500 rows in key order, none lost; the same text as the per-column SQL
CREATE TABLE fast_many (id integer PRIMARY KEY, label text, at text);
WITH RECURSIVE g(i) AS (SELECT 2500 UNION ALL SELECT i - 1 FROM g WHERE i > 1)
INSERT INTO fast_many SELECT i, 'row ' || i, datetime(1704067200 + i * 60, 'unixepoch') FROM g;
SELECT length(covet_dumpdata('fast_many')),
	covet_dumpdata('fast_many') = (SELECT '[' || char(10) || group_concat(r, ',' || char(10)) || char(10) || ']' || char(10)
		FROM (SELECT '{"model": "fast_many", "pk": ' || id || ', "fields": {"label": ' || json_quote(label)
			|| ', "at": ' || json_quote(at) || '}}' AS r FROM fast_many ORDER BY id));
