--
-- runner_up_down: applying and rolling back, order, applied and history
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS covet;
RESET client_min_messages;

-- Plan order: dependencies first, ties by name.  m_zeta has no dependency
-- but sorts last among the roots; m_alpha depends on m_users.
SELECT covet_define('m_users', 'CREATE TABLE ud_users (id int PRIMARY KEY, name text);
INSERT INTO ud_users VALUES (1, ''ada''), (2, ''grace'');
UPDATE ud_users SET name = initcap(name);',
					'DROP TABLE ud_users', depends_on => 'm_base');
SELECT covet_define('m_base', 'CREATE TABLE ud_base (id int)', 'DROP TABLE ud_base');
SELECT covet_define('m_alpha', 'CREATE TABLE ud_alpha (user_id int REFERENCES ud_users)',
					'DROP TABLE ud_alpha', depends_on => 'm_users');
SELECT covet_define('m_zeta', 'CREATE TABLE ud_zeta (id int)', 'DROP TABLE ud_zeta');
SELECT covet_define('m_data', $$
-- a dollar-quoted body and a DO block count as one statement each
CREATE FUNCTION ud_f() RETURNS int LANGUAGE sql AS $f$ SELECT 1; $f$;
DO $d$ BEGIN PERFORM 1; END $d$;
INSERT INTO ud_zeta SELECT g FROM generate_series(1, 5) g;
DELETE FROM ud_zeta WHERE id > 3;
$$, 'DROP FUNCTION ud_f(); DELETE FROM ud_zeta', depends_on => 'm_zeta', kind => 'data');

SELECT name, state, depends_on FROM covet_status();

-- Up to a target: the target and what it needs, nothing else.
SELECT covet_migrate_up('m_users');
SELECT name, state FROM covet_status();
SELECT * FROM ud_users ORDER BY id;

-- The rest.
SELECT covet_migrate_up();
SELECT covet_migrate_up();
SELECT name, kind, state, rows, who = current_user AS by_me,
	   applied_at IS NOT NULL AS has_applied_at, duration_ms >= 0 AS has_duration,
	   applied_checksum = checksum AS same_checksum, drift
  FROM covet_status();
SELECT name, statements, rows, checksum = covet_checksum(m.up_sql, m.down_sql) AS checksum_ok
  FROM covet.applied a JOIN covet.migrations m USING (name, checksum) ORDER BY name;
SELECT * FROM ud_zeta ORDER BY id;

-- History in the order things happened.
SELECT row_number() OVER (ORDER BY id) AS n, name, action, outcome, statements, rows,
	   who = current_user AS by_me
  FROM covet.history ORDER BY id;

-- apply: one migration; an applied one is reported as such.
SELECT covet_apply('m_alpha');

-- Down by steps: the last ones in plan order, latest first.
SELECT covet_migrate_down();
SELECT covet_migrate_down(2);
SELECT name, state FROM covet_status();
SELECT to_regclass('ud_zeta') AS zeta, to_regclass('ud_alpha') AS alpha;

-- apply needs the dependencies applied.
SELECT covet_apply('m_data');
SELECT covet_apply('m_zeta');
SELECT covet_apply('m_data');

-- Down to a target: the target stays applied.
SELECT covet_migrate_down('m_base');
SELECT name, state FROM covet_status();
SELECT covet_migrate_down(10);
SELECT covet_migrate_down();
SELECT count(*) AS applied FROM covet.applied;

SELECT row_number() OVER (ORDER BY id) AS n, name, action
  FROM covet.history ORDER BY id;

-- A run is part of the caller's transaction: rolled back with it.
BEGIN;
SELECT covet_migrate_up('m_base');
SELECT name, state FROM covet_status() WHERE name = 'm_base';
ROLLBACK;
SELECT name, state FROM covet_status() WHERE name = 'm_base';
SELECT to_regclass('ud_base') AS base;

-- The lock timeout setting.
SHOW covet.lock_timeout;
SELECT covet_set('lock_timeout', '2500');
SHOW covet.lock_timeout;
SELECT covet_set('lock_timeout', '1min');
RESET covet.lock_timeout;

DROP EXTENSION covet;
