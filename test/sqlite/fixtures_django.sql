-- Django's naming on SQLite (issue 13): "app.model" tables, model_map,
-- foreign keys by field name, many-to-many lists (self-referencing too),
-- natural keys (also of records loaded earlier by the same fixture),
-- multi-table inheritance, ignore_unknown, and the errors of each.  The
-- fixture and the schema are test/fixtures/django-naming/; the same
-- calls run on PostgreSQL in sql/fixtures_django.sql.
--   sqlite3 :memory: < test/sqlite/fixtures_django.sql
.load ./covet
.headers off
.mode list
.nullvalue NULL
PRAGMA foreign_keys = ON;
.read test/fixtures/django-naming/schema.sql

-- === the whole fixture; accounts.member is the custom db_table "members"
SELECT covet_loaddata(readfile('test/fixtures/django-naming/blog.json'), 'json', 'error', NULL,
                      '{"accounts.member": "members"}');
SELECT 'post', id, title, author_id FROM blog_post ORDER BY id;
SELECT 'post_tags', post_id, tag_id FROM blog_post_tags ORDER BY post_id, tag_id;
SELECT 'comment', id, content_type_id, object_id, body, user_id FROM blog_comment;
SELECT 'group_permissions', group_id, permission_id FROM auth_group_permissions;
SELECT 'friends', from_person_id, to_person_id FROM people_person_friends ORDER BY 2, 3;
SELECT 'place', p.id, p.name, r.serves_pizza FROM places_place p JOIN places_restaurant r ON r.place_ptr_id = p.id;
SELECT 'member', id, user_id, since FROM members;

-- === style => 'django': foreign keys by field name, many-to-many tables as
-- list fields of their owner, models named as Django does (model_map for
-- the custom db_table); the dump loads back to the same rows
CREATE TEMP TABLE dump AS SELECT covet_dumpdata('auth_user, django_content_type, auth_permission, auth_group, auth_group_permissions, blog_tag, blog_post, blog_post_tags, blog_comment, people_person, people_person_friends, places_place, places_restaurant, members', 'json', '{"accounts.member": "members"}', 'django') AS j;
SELECT j FROM dump;
DELETE FROM members; DELETE FROM places_restaurant; DELETE FROM places_place;
DELETE FROM people_person_friends; DELETE FROM people_person; DELETE FROM blog_comment;
DELETE FROM blog_post_tags; DELETE FROM blog_post; DELETE FROM blog_tag;
DELETE FROM auth_group_permissions; DELETE FROM auth_group; DELETE FROM auth_permission;
DELETE FROM django_content_type; DELETE FROM auth_user;
SELECT covet_loaddata((SELECT j FROM dump), 'json', 'error', NULL, '{"accounts.member": "members"}');
SELECT 'same dump', covet_dumpdata('auth_user, django_content_type, auth_permission, auth_group, auth_group_permissions, blog_tag, blog_post, blog_post_tags, blog_comment, people_person, people_person_friends, places_place, places_restaurant, members', 'json', '{"accounts.member": "members"}', 'django') = (SELECT j FROM dump);
SELECT covet_dumpdata('blog_post, blog_post_tags, blog_tag', 'yaml', NULL, 'django');
SELECT covet_dumpdata('blog_tag', 'json', NULL, 'nope');
SELECT covet_dumpdata('blog_tag', 'json', '["blog.tag"]', 'django');
SELECT covet_dumpdata_file('nosuch/dir/x.json', 'blog_tag', 'json', NULL, 'nope');
SELECT covet_dumpdata('blog_tag', 'json', '{"blog.tag": "blog_tag"}', 'django');

-- === loading again: on_conflict applies to many-to-many rows too
SELECT covet_loaddata(readfile('test/fixtures/django-naming/blog.json'), 'json', 'ignore', NULL,
                      '{"accounts.member": "members"}');
SELECT 'post_tags', count(*) FROM blog_post_tags;
SELECT covet_loaddata('[{"model": "blog.post", "pk": 3, "fields": {"title": "Draft", "author": 2, "tags": [1]}}]',
                      'json', 'update');
SELECT 'post_tags', post_id, tag_id FROM blog_post_tags ORDER BY post_id, tag_id;
SELECT covet_loaddata('[{"model": "blog.post", "pk": 3, "fields": {"title": "Draft", "author": 2, "tags": [1]}}]');

-- === the table named exactly so comes first
CREATE TABLE "shop.item" (id integer PRIMARY KEY, name text);
CREATE TABLE shop_item (id integer PRIMARY KEY, name text);
SELECT covet_loaddata('[{"model": "shop.item", "pk": 1, "fields": {"name": "exact"}}]');
SELECT 'exact', (SELECT count(*) FROM "shop.item"), (SELECT count(*) FROM shop_item);
SELECT covet_loaddata('[{"model": "Shop.Item", "pk": 2, "fields": {"name": "django"}}]');
SELECT 'django', (SELECT count(*) FROM "shop.item"), (SELECT count(*) FROM shop_item);

-- === ignore_unknown: fields and models no table has are skipped, and said so
.log stdout
SELECT covet_loaddata('[
 {"model": "blog.tag", "pk": 3, "fields": {"name": "go", "colour": "red", "slug": "go"}},
 {"model": "gone.model", "pk": 1, "fields": {"x": 1}},
 {"model": "blog.tag", "pk": 4, "fields": {"name": "rust", "colour": "rust"}}
]', 'json', 'error', NULL, NULL, true);
.log off
SELECT 'tags', group_concat(name, ',') FROM (SELECT name FROM blog_tag ORDER BY id) AS t;

-- === records without "pk": a unique index the fields fill finds the row
-- (Django's natural primary keys); on_conflict decides, as for a pk
SELECT covet_loaddata('[{"model": "blog.tag", "fields": {"name": "c"}}]', 'json', 'ignore');
SELECT covet_loaddata('[{"model": "blog.tag", "fields": {"name": "haskell"}}]');
SELECT 'tags', group_concat(id || ':' || name, ',') FROM (SELECT id, name FROM blog_tag ORDER BY id) AS t;
SELECT covet_loaddata('[{"model": "blog.tag", "fields": {"name": "sql"}}]');

-- === errors, each naming the record and the value; nothing loaded
SELECT covet_loaddata('[{"model": "nope.thing", "pk": 1, "fields": {}}]');
SELECT covet_loaddata('[{"model": "accounts.member", "pk": 1, "fields": {}}]', 'json', 'error', NULL,
                      '{"accounts.member": "accounts_members"}');
SELECT covet_loaddata('[{"model": "blog.tag", "pk": 9, "fields": {"name": "x", "colour": "red"}}]');
SELECT covet_loaddata('[{"model": "blog.post", "pk": 9, "fields": {"title": "x", "author": ["bob"]}}]');
SELECT covet_loaddata('[{"model": "blog.post", "pk": 9, "fields": {"title": "x", "author": ["ada", "x"]}}]');
SELECT covet_loaddata('[{"model": "blog.post", "pk": 9, "fields": {"title": "x", "author": [["ada"]]}}]');
SELECT covet_loaddata('[{"model": "blog.post", "pk": 9, "fields": {"title": "x", "author": 1, "tags": [["nosuch"]]}}]');
SELECT covet_loaddata('[{"model": "blog.post", "pk": 9, "fields": {"title": "x", "author": 1, "tags": [99]}}]');
SELECT covet_loaddata('[{"model": "blog.post", "fields": {"title": "x", "author": 1, "tags": [1]}}]');
SELECT covet_loaddata('[{"model": "people.person", "pk": 9, "fields": {"name": "x", "enemies": [1]}}]');
SELECT covet_loaddata('[{"model": "auth.group", "pk": 9, "fields": {"name": "x", "permissions": [["add_post", "blog", "nosuch"]]}}]');
SELECT covet_loaddata('[{"model": "auth.group", "pk": 9, "fields": {"name": "x", "permissions": [["add_post", "blog", "post", "x"]]}}]');
SELECT 'unchanged', (SELECT count(*) FROM blog_post), (SELECT count(*) FROM blog_post_tags);

-- === forward references by natural key (records listed later): resolved
-- at the end of the load, or a failure naming the record
SELECT covet_loaddata('[{"model": "blog.comment", "pk": 7, "fields": {"content_type": ["blog", "post"], "object_id": 1, "body": "fwd", "user": ["zoe"]}}, {"model": "auth.user", "pk": 7, "fields": {"username": "zoe", "email": "z@x"}}]');
SELECT 'forward fk', c.id, u.username FROM blog_comment c JOIN auth_user u ON u.id = c.user_id WHERE c.id = 7;
SELECT covet_loaddata('[{"model": "blog.post", "pk": 20, "fields": {"title": "fwd", "author": 1, "tags": [["later"]]}}, {"model": "blog.tag", "pk": 20, "fields": {"name": "later"}}]');
SELECT 'forward tags', pt.post_id, t.name FROM blog_post_tags pt JOIN blog_tag t ON t.id = pt.tag_id WHERE pt.post_id = 20;
SELECT covet_loaddata('[{"model": "blog.comment", "pk": 8, "fields": {"content_type": ["blog", "post"], "object_id": 1, "body": "x", "user": ["nobody"]}}]');
SELECT covet_loaddata('[{"model": "blog.comment", "fields": {"content_type": ["blog", "post"], "object_id": 1, "body": "x", "user": ["nobody"]}}]');
SELECT covet_loaddata('[{"model": "blog.post", "pk": 21, "fields": {"title": "x", "author": 1, "tags": [["nosuch"], ["later"]]}}]');
SELECT 'still', (SELECT count(*) FROM blog_comment), (SELECT count(*) FROM blog_post_tags);

-- === bad arguments: the same text as PostgreSQL's
SELECT covet_loaddata('[]', 'json', 'error', NULL, '[1, 2]');
SELECT covet_loaddata('[]', 'json', 'error', NULL, '{"a.b": 1}');
SELECT covet_loaddata('[]', 'json', 'error', NULL, '{"a.b": "t"');
SELECT covet_loaddata('[]', 'json', 'error', NULL, NULL, 'maybe');
SELECT covet_loaddata('[]', 'json', 'error', NULL, NULL, NULL);
SELECT covet_loaddata_file('nosuch.json', 'json', 'error', NULL, '{"a.b": 1}');

-- === all the arguments, positional (PostgreSQL names them)
.log stdout
SELECT covet_loaddata('[{"model": "blog.tag", "pk": 50, "fields": {"name": "perl", "x": 1}}]',
                      'json', 'error', NULL, '{"blog.tag": "blog_tag"}', true);
.log off
