-- covet_dumpdata json: the records the engine makes (covet_json_quote for
-- text, a page of an integer-keyed table as one string_agg row) are the
-- text the per-value path gives: every escape, keys of every shape, pages.
SET TimeZone = 'UTC';
-- covet_json_quote is to_json(text) for every ASCII character
SELECT count(*) AS differing
  FROM generate_series(1, 127) AS c
 WHERE covet_json_quote('a' || chr(c) || 'b') IS DISTINCT FROM to_json('a' || chr(c) || 'b')::text;
SELECT covet_json_quote(E'"\\\b\f\n\r\t\x01\x1f\x7f'), covet_json_quote(''), covet_json_quote(NULL);
-- covet_json_record: constant pieces, quoted text, integers, NULL as null
SELECT covet_json_record('cqcicicqc', '['::text, E'a"\n'::text, ','::text, 7::smallint, ','::text,
	'-9223372036854775808'::bigint, ','::text, NULL::varchar, ']'::text);
SELECT covet_json_record('ci', '['::text);
SELECT covet_json_record('i', 'x'::text);
SELECT covet_json_record('x', 'x'::text);
-- flags are checked on every call, not only the first of a call site
SELECT covet_json_record(f, 1::int8) FROM (VALUES ('i'), ('q')) AS v(f);
-- a composite key (a row per record), a text key, no key, an integer key
CREATE TABLE fast_pair (a integer, b text, v varchar(10), PRIMARY KEY (a, b));
INSERT INTO fast_pair VALUES (1, 'x', E'q"\\'), (1, 'y', NULL), (2, E'tab\there', 'é');
CREATE TABLE fast_word (w text PRIMARY KEY, n numeric, f double precision, ok boolean, j jsonb, arr int[], bin bytea);
INSERT INTO fast_word VALUES ('b', 1.50, 0.1, true, '{"k": [1, null]}', '{1,2}', '\x00ff'),
	('a', NULL, NULL, NULL, NULL, NULL, NULL);
CREATE TABLE fast_nokey (t text, i bigint);
INSERT INTO fast_nokey VALUES (E'line\nbreak', -9223372036854775808);
SELECT covet_dumpdata('fast_pair, fast_word, fast_nokey');
SELECT covet_dumpdata('fast_pair, fast_word, fast_nokey', style => 'django');
-- 2,500 rows: pages of an integer key (1,000, then about 1 MB), in key order, none lost
CREATE TABLE fast_many (id bigint PRIMARY KEY, label text, at timestamptz);
INSERT INTO fast_many SELECT g, 'row ' || g, timestamptz '2024-01-01 00:00:00+00' + g * interval '1 minute'
  FROM generate_series(2500, 1, -1) AS g;
SELECT length(d) AS chars, md5(d) = md5(e) AS same_as_per_row_path
  FROM (SELECT covet_dumpdata('fast_many') AS d) AS x,
	   (SELECT E'[\n' || string_agg(pg_catalog.format('{"model": "fast_many", "pk": %s, "fields": {"label": %s, "at": %s}}',
			id, to_json(label), to_json(at)), E',\n' ORDER BY id) || E'\n]\n' AS e FROM fast_many) AS y;
CREATE TABLE fast_many_copy (LIKE fast_many INCLUDING ALL);
SELECT covet_loaddata(covet_dumpdata('fast_many'), model_map => '{"fast_many": "fast_many_copy"}');
SELECT count(*) AS differing FROM (TABLE fast_many EXCEPT TABLE fast_many_copy) AS d;
-- the dump's planner settings do not outlive it
SHOW enable_seqscan;
SHOW enable_bitmapscan;
DROP TABLE fast_pair, fast_word, fast_nokey, fast_many, fast_many_copy;
RESET TimeZone;
