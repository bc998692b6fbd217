-- A fixture name holding U+0000 (a JSON "\u0000", a YAML "\0") is refused,
-- naming the record and the field's position, before it is cut at the NUL
-- ({"id\u0000x": 1} was reported as field "id" given twice).  Nothing is
-- loaded.  The PostgreSQL side: sql/fixtures_nul.sql, the same messages.
-- Run from the repository root: sqlite3 :memory: < test/sqlite/fixtures_nul.sql
.load ./covet
.headers off
.mode list
CREATE TABLE fn (id integer PRIMARY KEY, x integer);
CREATE TABLE fn2 (a integer, b integer, n integer, PRIMARY KEY (a, b));
-- JSON: a field, a second field, the model, a record key, a pk member
SELECT covet_loaddata('[{"model": "fn", "pk": 1, "fields": {"id\u0000x": 1}}]');
SELECT covet_loaddata('[{"model": "fn", "pk": 1, "fields": {"x": 1, "x\u0000y": 2}}]');
SELECT covet_loaddata('[{"model": "fn\u0000x", "pk": 1, "fields": {"x": 1}}]');
SELECT covet_loaddata('[{"model": "fn", "pk": 1, "fields": {"x": 1}}, {"model\u0000": "fn", "pk": 2}]');
SELECT covet_loaddata('[{"model": "fn2", "pk": {"a": 1, "b\u0000": 2}, "fields": {"n": 1}}]');
-- YAML: the same
SELECT covet_loaddata('- model: fn
  pk: 1
  fields:
    "id\0x": 1
', 'yaml');
SELECT covet_loaddata('- model: fn
  pk: 1
  fields:
    x: 1
    "x\0y": 2
', 'yaml');
SELECT covet_loaddata('- model: "fn\0x"
  pk: 1
', 'yaml');
SELECT covet_loaddata('- model: fn
  pk: 1
- model: fn
  "pk\0": 2
', 'yaml');
SELECT covet_loaddata('- model: fn2
  pk: {a: 1, "b\0": 2}
  fields: {n: 1}
', 'yaml');
SELECT 'loaded', (SELECT count(*) FROM fn) + (SELECT count(*) FROM fn2);
-- a name with "\u0000" escaped as text (not U+0000) is just an unknown field
SELECT covet_loaddata('[{"model": "fn", "pk": 1, "fields": {"id\\u0000x": 1}}]');
