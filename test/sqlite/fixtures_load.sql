-- Loading fixtures on SQLite: on_conflict modes, foreign-key order, all
-- or nothing with the failing record named (position, line, model, pk,
-- field), big fixtures in batches, CSV NULL versus empty string, and the
-- error of each kind of malformed input.  The snapshot line shows what the
-- tables hold after each call: a failed call leaves it unchanged.
--   sqlite3 :memory: < test/sqlite/fixtures_load.sql
.load ./covet
.headers off
.mode list
.nullvalue NULL
PRAGMA foreign_keys = ON;
CREATE TABLE users (id integer PRIMARY KEY, name text NOT NULL, email text UNIQUE, age integer);
CREATE TABLE orders (id integer PRIMARY KEY, user_id integer NOT NULL REFERENCES users (id),
                     total real, note text);
CREATE TABLE items (order_id integer REFERENCES orders (id), line integer, sku text,
                    PRIMARY KEY (order_id, line));
CREATE TABLE strict_t (id integer PRIMARY KEY, n integer, b blob) STRICT;
CREATE TABLE nopk (a text, b integer);
CREATE VIEW snapshot AS SELECT
  (SELECT count(*) FROM users) || ' users ' || (SELECT count(*) FROM orders) || ' orders '
  || (SELECT count(*) FROM items) || ' items ' || (SELECT count(*) FROM strict_t) || ' strict '
  || (SELECT count(*) FROM nopk) || ' nopk';

-- === children listed before their parents: loaded parents first
SELECT covet_loaddata('[
 {"model": "items", "pk": {"order_id": 10, "line": 1}, "fields": {"sku": "A-1"}},
 {"model": "items", "pk": {"order_id": 10, "line": 2}, "fields": {"sku": "B-2"}},
 {"model": "orders", "pk": 10, "fields": {"user_id": 1, "total": 19.99, "note": null}},
 {"model": "users", "pk": 1, "fields": {"name": "Ada", "email": "ada@example.org", "age": 36}},
 {"model": "users", "pk": 2, "fields": {"name": "Grace", "email": "grace@example.org", "age": null}}
]');
SELECT * FROM snapshot;
SELECT * FROM users ORDER BY id;
SELECT * FROM items ORDER BY order_id, line;

-- === on_conflict
-- error (the default): the duplicate is named, nothing is loaded
SELECT covet_loaddata('[{"model": "users", "pk": 3, "fields": {"name": "Cy"}},
 {"model": "users", "pk": 1, "fields": {"name": "Ada L."}}]');
SELECT * FROM snapshot;
-- ignore: rows already there stay as they are, new ones come in
SELECT covet_loaddata('[{"model": "users", "pk": 3, "fields": {"name": "Cy"}},
 {"model": "users", "pk": 1, "fields": {"name": "Ada L."}}]', 'json', 'ignore');
SELECT * FROM users ORDER BY id;
-- update: rows already there take the fixture's fields (only those given)
SELECT covet_loaddata('[{"model": "users", "pk": 1, "fields": {"name": "Ada L.", "age": 37}},
 {"model": "users", "pk": 4, "fields": {"name": "Dan", "email": "dan@example.org"}}]', 'json', 'update');
SELECT * FROM users ORDER BY id;
-- a composite key, updated
SELECT covet_loaddata('[{"model": "items", "pk": {"order_id": 10, "line": 2}, "fields": {"sku": "B-3"}}]',
                      'json', 'update');
SELECT * FROM items ORDER BY order_id, line;
-- ignore or update needs a primary key
SELECT covet_loaddata('[{"model": "nopk", "fields": {"a": "x", "b": 1}}]', 'json', 'ignore');
SELECT covet_loaddata('[{"model": "nopk", "fields": {"a": "x", "b": 1}}]');
SELECT * FROM nopk;
SELECT covet_loaddata('[]', 'json', 'replace');

-- === all or nothing: one bad record anywhere fails the whole load
-- a NOT NULL column (field named from the engine's message)
SELECT covet_loaddata('[{"model": "users", "pk": 5, "fields": {"name": "Eve"}},
 {"model": "orders", "pk": 11, "fields": {"user_id": 5, "total": 1.5}},
 {"model": "users", "pk": 6, "fields": {"name": null}}]');
SELECT * FROM snapshot;
-- a unique column in another record
SELECT covet_loaddata('[{"model": "users", "pk": 5, "fields": {"name": "Eve", "email": "ada@example.org"}}]');
-- a foreign key to nothing
SELECT covet_loaddata('[{"model": "users", "pk": 5, "fields": {"name": "Eve"}},
 {"model": "orders", "pk": 12, "fields": {"user_id": 99, "total": 2}}]');
SELECT * FROM snapshot;
-- a wrong type in a STRICT table; invalid base64 for a blob
SELECT covet_loaddata('[{"model": "strict_t", "pk": 1, "fields": {"n": 1, "b": "AA=="}},
 {"model": "strict_t", "pk": 2, "fields": {"n": "two", "b": null}}]');
SELECT covet_loaddata('[{"model": "strict_t", "pk": 1, "fields": {"n": 1, "b": "not base64!"}}]');
SELECT covet_loaddata('[{"model": "strict_t", "pk": 1, "fields": {"n": 1, "b": "AA=="}}]');
SELECT id, n, hex(b) FROM strict_t;
-- record 4321 of 5000, found inside its batch
SELECT covet_loaddata((
  WITH RECURSIVE s(i) AS (SELECT 100 UNION ALL SELECT i + 1 FROM s WHERE i < 5099)
  SELECT json_group_array(json_object('model', 'users', 'pk', i, 'fields',
           json_object('name', CASE WHEN i = 4420 THEN NULL ELSE 'u' || i END)))
  FROM s));
SELECT * FROM snapshot;
-- the same fixture, fixed: 5000 records in a few statements
SELECT covet_loaddata((
  WITH RECURSIVE s(i) AS (SELECT 100 UNION ALL SELECT i + 1 FROM s WHERE i < 5099)
  SELECT json_group_array(json_object('model', 'users', 'pk', i, 'fields',
           json_object('name', 'u' || i, 'age', i % 90)))
  FROM s));
SELECT * FROM snapshot;
SELECT count(*), min(id), max(id), sum(age) FROM users WHERE id >= 100;
-- inside the host's transaction the load is a savepoint of it
BEGIN;
SELECT covet_loaddata('[{"model": "users", "pk": 7, "fields": {"name": "Fay"}}]');
SELECT covet_loaddata('[{"model": "users", "pk": 8, "fields": {"name": null}}]');
SELECT name FROM users WHERE id IN (7, 8);
ROLLBACK;
SELECT * FROM snapshot;

-- === malformed input: each names where, and nothing is loaded
SELECT covet_loaddata('[{"model": "users", "pk": 9, "fields": {"name": "x"}},
 {"model": "users", "pk": 10, "fields": {"name": "y",}}]');
SELECT covet_loaddata('[{"model": "users", "pk": 9, "fields": {"name": "x"}}');
SELECT covet_loaddata('{"model": "users"}');
SELECT covet_loaddata('');
SELECT covet_loaddata('[{"model": "users", "pk": 9, "fields": {"name": "x"}},
 {"model": "customers", "pk": 1, "fields": {}}]');
SELECT covet_loaddata('[{"model": "users", "pk": 9, "fields": {"name": "x"}},

 {"model": "users", "pk": 10, "fields": {"nmae": "y"}}]');
SELECT covet_loaddata('[{"model": "users", "pk": 9, "feilds": {"name": "x"}}]');
SELECT covet_loaddata('[{"model": "users", "pk": 9, "fields": {"name": "x", "name": "y"}}]');
SELECT covet_loaddata('[{"model": "users", "pk": 9, "fields": {"id": 9, "name": "y"}}]');
SELECT covet_loaddata('[{"model": "items", "pk": 1, "fields": {"sku": "x"}}]');
SELECT covet_loaddata('[{"model": "items", "pk": {"order_id": 10, "sku": "x"}}]');
SELECT covet_loaddata('[{"model": "nopk", "pk": 1, "fields": {"a": "x"}}]');
SELECT covet_loaddata('[{"model": "users", "pk": [1], "fields": {"name": "x"}}]');
SELECT covet_loaddata('[{"model": ["users"]}]');
SELECT covet_loaddata('- model: users
  pk: 9
  fields:
    name: x
- model: users
  pk: 10
  fields:
    name: "y
', 'yaml');
SELECT covet_loaddata('- model: users
  pk: 9
  fields: {name: x}
- model: users
  pk: 10
  fields: {name: y, shoe_size: 44}
', 'yaml');
SELECT covet_loaddata('users: [1, 2]', 'yaml');
SELECT covet_loaddata('id,name
9,x
10,"y
', 'csv', 'error', 'users');
SELECT covet_loaddata('id,name
9,x
10,y,z
', 'csv', 'error', 'users');
SELECT covet_loaddata('id,name,shoe_size
9,x,44
', 'csv', 'error', 'users');
SELECT covet_loaddata('id,name
9,x
', 'csv');
SELECT covet_loaddata('[]', 'xml');
SELECT covet_loaddata(NULL);
SELECT * FROM snapshot;

-- === CSV: an unquoted empty field is NULL, a quoted one the empty string
SELECT covet_loaddata('id,name,email,age
20,"Doe, Jane",,
21,"",""," 5"
22,"say ""hi""
on two lines",x@example.org,7
', 'csv', 'error', 'users');
SELECT id, quote(name), quote(email), quote(age) FROM users WHERE id >= 20 AND id < 100;
-- " 5" became the integer 5 (the column's affinity)
SELECT covet_dumpdata('users', 'csv') LIKE '%
20,"Doe, Jane",,
21,"","",5
22,"say ""hi""
on two lines",x@example.org,7
%';

-- === YAML written by hand: plain scalars typed as YAML 1.2 reads them
SELECT covet_loaddata('# a comment
- model: users
  pk: 30
  fields:
    name: "007"
    email: ~
    age: 31
- model: users
  pk: 31
  fields: {name: yes, email: null, age: +12}
- model: users
  pk: 32
  fields:
    name: |
      two
      lines
    age: !!str 12
', 'yaml');
SELECT id, quote(name), quote(email), quote(age) FROM users WHERE id >= 30 AND id < 100;
