--
-- runner_load: covet_load reads migration files on the server
--
-- The files are written into a fresh directory under /tmp that the server
-- can read (pg_regress runs on the same machine as the server, but the
-- checkout may sit in a home directory the postgres user cannot enter), and
-- the shipped examples are copied there too; the directory's absolute path
-- is replaced by <fixtures> in what is shown.
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS covet;
RESET client_min_messages;

\set srvdir `d=$(mktemp -d /tmp/covet_regress.XXXXXX) && cp -r examples "$d/examples" && chmod -R a+rX "$d" && echo "$d"`
\setenv SRVDIR :srvdir
\set fixdir :srvdir/covet_fixtures
\set exdir :srvdir/examples
\! mkdir -p "$SRVDIR"/covet_fixtures/good "$SRVDIR"/covet_fixtures/bad "$SRVDIR"/covet_fixtures/empty
\! printf '%s\n' '-- people' '-- covet:up' 'CREATE TABLE ld_people (id int);' '' '-- covet:down' 'DROP TABLE ld_people;' > "$SRVDIR"/covet_fixtures/good/001_people.sql
\! printf '%s\n' '-- covet:depends 001_people' '-- covet:kind data' '-- covet:up' 'INSERT INTO ld_people VALUES (1), (2);' '-- covet:down' 'DELETE FROM ld_people;' > "$SRVDIR"/covet_fixtures/good/002_seed.sql
\! printf '%s\n' 'not a migration: ignored' > "$SRVDIR"/covet_fixtures/good/README.txt
\! printf '%s\n' '-- covet:up' 'SELECT 1;' '-- covet:sideways' > "$SRVDIR"/covet_fixtures/bad/001_bad.sql
\! printf '%s\n' 'SELECT 1;' > "$SRVDIR"/covet_fixtures/bad/002_no_up.sql
\! printf '%s\n' '-- covet:up' 'SELECT 1;' > "$SRVDIR"/covet_fixtures/bad/003_ok.sql
\! printf '%s\n' '-- covet:up' 'SELECT 1;' > "$SRVDIR/covet_fixtures/bad name.sql"

-- covet_load(path) with results shown relative to the fixtures.
CREATE FUNCTION pg_temp.load(path text, dir text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	st text;
	msg text;
	det text;
	hnt text;
BEGIN
	RETURN replace(covet_load(path), dir, '<fixtures>');
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT,
		det = PG_EXCEPTION_DETAIL, hnt = PG_EXCEPTION_HINT;
	RETURN replace(format('ERROR %s: %s', st, msg)
				   || CASE WHEN det <> '' THEN E'\nDETAIL: ' || det ELSE '' END
				   || CASE WHEN hnt <> '' THEN E'\nHINT: ' || hnt ELSE '' END,
				   dir, '<fixtures>');
END
$$;

-- A directory: every *.sql file in it, nothing else.
SELECT pg_temp.load(:'fixdir' || '/good', :'fixdir');
SELECT name, kind, depends_on, up_sql, down_sql FROM covet.migrations ORDER BY name;
SELECT pg_temp.load(:'fixdir' || '/good/', :'fixdir');
SELECT covet_migrate_up();
SELECT * FROM ld_people ORDER BY id;

-- Changed files are redefined while pending, refused once applied.
\! printf '%s\n' '-- covet:depends 001_people' '-- covet:kind data' '-- covet:up' 'INSERT INTO ld_people VALUES (3);' '-- covet:down' 'DELETE FROM ld_people;' > "$SRVDIR"/covet_fixtures/good/002_seed.sql
SELECT pg_temp.load(:'fixdir' || '/good', :'fixdir');
SELECT covet_migrate_down();
SELECT pg_temp.load(:'fixdir' || '/good', :'fixdir');
SELECT covet_migrate_up();
SELECT * FROM ld_people ORDER BY id;

-- One file.
SELECT pg_temp.load(:'fixdir' || '/bad/003_ok.sql', :'fixdir');
SELECT name, state FROM covet_status();

-- An empty directory.
SELECT pg_temp.load(:'fixdir' || '/empty', :'fixdir');

-- Errors: malformed files stop the whole load, nothing is defined.
SELECT count(*) AS migrations FROM covet.migrations;
SELECT pg_temp.load(:'fixdir' || '/bad', :'fixdir');
SELECT pg_temp.load(:'fixdir' || '/bad/002_no_up.sql', :'fixdir');
SELECT pg_temp.load(:'fixdir' || '/bad name.sql', :'fixdir');
SELECT pg_temp.load(:'fixdir' || '/nonexistent', :'fixdir');
SELECT pg_temp.load(:'fixdir' || '/good/README.txt', :'fixdir');
SELECT count(*) AS migrations FROM covet.migrations;

-- Reading server files needs pg_read_server_files.
CREATE ROLE regress_covet_loader;
GRANT EXECUTE ON FUNCTION covet_load(text) TO regress_covet_loader;
SET ROLE regress_covet_loader;
SELECT pg_temp.load(:'fixdir' || '/good', :'fixdir');
RESET ROLE;
GRANT pg_read_server_files TO regress_covet_loader;
SET ROLE regress_covet_loader;
SELECT pg_temp.load(:'fixdir' || '/good', :'fixdir');
RESET ROLE;
DROP OWNED BY regress_covet_loader;
DROP ROLE regress_covet_loader;

-- The examples shipped with covet load, apply and roll back (their number
-- and names may change, so only properties are shown).
SELECT covet_migrate_down(10);
DROP EXTENSION covet;
CREATE EXTENSION covet;
\set nexamples `ls examples/*.sql | wc -l`
SELECT covet_load(:'exdir') = format('loaded %s migrations from %s (%s new, 0 redefined, 0 unchanged)',
									  :nexamples, :'exdir', :nexamples) AS examples_loaded;
-- In covet_status(), every dependency comes before its dependents.
WITH s AS (SELECT name, depends_on, row_number() OVER () AS pos FROM covet_status())
SELECT count(*) AS misordered
  FROM s, unnest(string_to_array(nullif(s.depends_on, ''), ' ')) AS dep
  JOIN s AS d ON d.name = dep
 WHERE d.pos > s.pos;
SELECT covet_migrate_up() ~ '^(applied \S+ \(\d+ statements?, \d+ rows?\)\n?)+$' AS examples_applied;
SELECT count(*) = :nexamples AS all_applied FROM covet.applied;
SELECT covet_migrate_down(:nexamples) ~ '^(rolled back \S+ \(\d+ statements?, \d+ rows?\)\n?)+$' AS examples_rolled_back;
SELECT count(*) AS applied FROM covet.applied;

DROP EXTENSION covet;
\! rm -rf "$SRVDIR"
