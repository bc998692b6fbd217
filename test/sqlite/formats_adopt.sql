-- covet_adopt on SQLite: each tool's history table as it is, matched to
-- the migrations loaded from its files by format and version.
.load ./covet
.headers off
.mode list
.bail off
SELECT covet_adopt();
-- golang-migrate: every version up to the stored one; dirty is refused
SELECT covet_load('test/fixtures/formats/golang');
SELECT covet_adopt();
CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL);
INSERT INTO schema_migrations VALUES (2, 1);
SELECT covet_adopt();
SELECT count(*) FROM covet_applied;
UPDATE schema_migrations SET dirty = 0;
SELECT covet_adopt();
SELECT name, action, checksum = (SELECT checksum FROM covet_migrations m WHERE m.name = h.name), detail FROM covet_history h ORDER BY id;
SELECT covet_adopt();
UPDATE schema_migrations SET version = 11;
SELECT covet_adopt();
DROP TABLE schema_migrations;
-- dbmate: one row per applied version
SELECT covet_load('test/fixtures/formats/dbmate');
CREATE TABLE schema_migrations (version varchar(128) PRIMARY KEY);
INSERT INTO schema_migrations VALUES ('20240101000000'), ('20231231000000');
SELECT covet_adopt();
DROP TABLE schema_migrations;
-- goose: the newest row of each version decides
SELECT covet_load('test/fixtures/formats/goose');
CREATE TABLE goose_db_version (id integer PRIMARY KEY, version_id integer NOT NULL, is_applied integer NOT NULL, tstamp text);
INSERT INTO goose_db_version (version_id, is_applied) VALUES (0, 1), (1, 1), (2, 1), (2, 0);
SELECT covet_adopt();
-- Flyway: successful rows; undo and repair's DELETE take one back; repeatable by Flyway's checksum
SELECT covet_load('test/fixtures/formats/flyway');
CREATE TABLE flyway_schema_history (installed_rank integer PRIMARY KEY, version text, description text, type text, script text, checksum integer, success boolean);
INSERT INTO flyway_schema_history VALUES
 (1, '1', 'users', 'SQL', 'V1__users.sql', 1, 1),
 (2, '1.1', 'a', 'SQL', 'V1_1__a.sql', 1, 1),
 (3, '1.2', 'b', 'SQL', 'V1.2__b.sql', 1, 1),
 (4, '1.2', 'b', 'UNDO_SQL', 'U1.2__b.sql', 1, 1),
 (5, '1.10', 'c', 'SQL', 'V1_10__c.sql', 1, 0),
 (6, NULL, 'names view', 'SQL', 'R__names_view.sql', -1, 1),
 (7, NULL, 'names view', 'SQL', 'R__names_view.sql', -746007273, 1),
 (8, '1.1', 'a', 'DELETE', 'V1_1__a.sql', NULL, 1);
SELECT covet_adopt();
UPDATE flyway_schema_history SET checksum = -17 WHERE installed_rank = 7;
DELETE FROM covet_applied WHERE name = 'R__names_view';
SELECT covet_adopt();
-- sqitch: its registry attached as "sqitch"
SELECT covet_load('test/fixtures/formats/sqitch');
ATTACH ':memory:' AS sqitch;
CREATE TABLE sqitch.changes (change_id text PRIMARY KEY, change text, project text, committed_at text);
INSERT INTO sqitch.changes VALUES ('a1', 'sq_users', 'shop', '2024-01-01'), ('a2', 'sq_gone', 'shop', '2024-01-02');
-- another project's change of the same name as one of ours is not adopted (%project=shop)
INSERT INTO sqitch.changes VALUES ('a3', 'sq_orders', 'otherproject', '2024-01-03');
SELECT covet_adopt();
SELECT name, state FROM covet_status() ORDER BY name;
SELECT action, count(*) FROM covet_history GROUP BY action;
-- the table is resolved once, never through temp: a schema_migrations
-- planted in temp (searched first by an unqualified name) is not read
CREATE TABLE main.schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL);
INSERT INTO main.schema_migrations VALUES (1, 0);
CREATE TEMP TABLE schema_migrations (version bigint, dirty boolean);
INSERT INTO temp.schema_migrations VALUES (99, 1);
SELECT covet_adopt();
