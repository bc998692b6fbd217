#!/usr/bin/env bash
# pg_fixtures_cross.sh: a fixture dumped by one engine loads into the other
# (TAP).
#
# Run inside pg_virtualenv (PGHOST, PGPORT, PGUSER set; a superuser) with
# the extension installed and covet.so built; test/run-all.sh does that.
# It creates and drops its own database and works in a temporary directory.
#
# What it proves: the same portable schema (integers, text, double
# precision, numeric, a blob/bytea, booleans kept as 0/1 integers, dates
# and timestamps as ISO text, a composite key, foreign keys) in a SQLite
# file and in PostgreSQL; rows seeded in SQLite, dumped as JSON, loaded into
# PostgreSQL, dumped again, loaded into a fresh SQLite file: the rows equal
# the originals (EXCEPT both ways, storage classes included), the SQLite
# dumps are identical, and the PostgreSQL dump is the SQLite one except
# that a whole-number double is written 2.0 by SQLite and 2 by PostgreSQL.
# YAML one way (SQLite to PostgreSQL) and CSV the other way (PostgreSQL to
# SQLite), each compared by rows.
set -u

cd "$(dirname "$0")/../.." || exit 1
ROOT=$(pwd)

# shellcheck source=test/scripts/lib/tap.sh
. test/scripts/lib/tap.sh
# shellcheck source=test/scripts/lib/pg.sh
. test/scripts/lib/pg.sh

pg_scratch fxcross

# pg_load FILE FORMAT [TABLE]: covet_loaddata of a client-side file
pg_load() {
	psql -X -qAt -v ON_ERROR_STOP=1 -d "$DB" -v "fx=$(cat "$1")" -v "fmt=$2" -v "tab=${3:-}" 2>&1 <<'SQL'
SELECT covet_loaddata(:'fx', :'fmt', 'error', NULLIF(:'tab', ''));
SQL
}

# lite DBFILE SQL...: the sqlite3 shell with covet loaded
lite() {
	local db=$1
	shift
	sqlite3 -bail -batch "$db" ".load $ROOT/covet" "$@" 2>&1
}

if [ ! -f "$ROOT/covet.so" ] || ! command -v sqlite3 >/dev/null; then
	echo "Bail out! covet.so or sqlite3 missing: build with make first"
	exit 1
fi
create_db
ok "fresh database $DB with CREATE EXTENSION covet"

# --- one schema, two engines ---------------------------------------------------
# Only the blob column's type is spelled differently.
schema() {
	cat <<SQL
CREATE TABLE authors (id integer PRIMARY KEY, name text NOT NULL, born text,
                      rating double precision, active integer, photo $1);
CREATE TABLE books (id integer PRIMARY KEY, author_id integer NOT NULL REFERENCES authors (id),
                    title text, price numeric, pages integer, published text);
CREATE TABLE tags (book_id integer REFERENCES books (id), tag text, weight double precision,
                   PRIMARY KEY (book_id, tag));
SQL
}
SEED="INSERT INTO authors VALUES
 (1, 'Ada Lovelace', '1815-12-10', 4.75, 1, x'89504e470d0a1a0a'),
 (2, 'Zoë \"Z\" Müller, 日本 😀', NULL, 0.1, 0, x''),
 (3, 'it''s
multi-line	tabbed \\ backslash', '1900-01-01', 1e-300, NULL, NULL),
 (4, '', '2024-02-29', -2.0, 1, x'00ff');
INSERT INTO books VALUES
 (10, 1, 'Notes', 12.5, 66, '1843-09-01 10:15:00'),
 (11, 1, NULL, 0.3, NULL, NULL),
 (12, 2, 'Ünïcödé', 1234567.25, 300, '2024-02-29T23:59:59+02:00');
INSERT INTO tags VALUES (10, 'math', 0.30000000000000004), (10, 'engines', 5e-324), (12, 'x,y', NULL);"

lite "$TMP/a.db" "$(schema blob)" "$SEED" >"$TMP/setup" &&
	is "$(lite "$TMP/a.db" "SELECT (SELECT count(*) FROM authors) || '|' || (SELECT count(*) FROM books) || '|' || (SELECT count(*) FROM tags)")" \
		"4|3|3" "SQLite: schema and 10 rows seeded" ||
	not_ok "SQLite: schema and rows" "$(cat "$TMP/setup")"
is "$(q "$(schema bytea)" && echo created)" "created" "PostgreSQL: the same schema (bytea for blob)"

# --- JSON: SQLite -> PostgreSQL -> SQLite -----------------------------------------
lite "$TMP/a.db" "SELECT covet_dumpdata(NULL, 'json')" >"$TMP/a.json"
like "$(head -c 200 "$TMP/a.json")" '^\[' "SQLite dumps JSON"
is "$(pg_load "$TMP/a.json" json)" "10" "PostgreSQL loads the SQLite dump: 10 records"
is "$(q "SELECT count(*) FROM authors WHERE active = 1 AND photo IS NOT NULL") $(q "SELECT encode(photo, 'hex') FROM authors WHERE id = 1")" \
	"2 89504e470d0a1a0a" "PostgreSQL: booleans as 0/1, a blob as bytea"
is "$(q "SELECT rating = 0.1::float8, price::text FROM authors JOIN books ON author_id = authors.id WHERE books.id = 12")" \
	"t|1234567.25" "PostgreSQL: doubles exact, numeric digits kept"
q "SELECT covet_dumpdata(NULL, 'json')" >"$TMP/b.json"
# PostgreSQL writes a whole-number double without ".0"
sed -E 's/(: -?[0-9]+)\.0([,}])/\1\2/g' "$TMP/a.json" >"$TMP/a-normalized.json"
if cmp -s "$TMP/a-normalized.json" "$TMP/b.json"; then
	ok "the PostgreSQL dump is the SQLite dump (2.0 written 2)"
else
	not_ok "the PostgreSQL dump is the SQLite dump (2.0 written 2)" "$(diff "$TMP/a-normalized.json" "$TMP/b.json" | head -20)"
fi

lite "$TMP/c.db" "$(schema blob)" >/dev/null
is "$(lite "$TMP/c.db" "SELECT covet_loaddata(readfile('$TMP/b.json'))")" "10" "a fresh SQLite file loads the PostgreSQL dump"
lite "$TMP/c.db" "SELECT covet_dumpdata(NULL, 'json')" >"$TMP/c.json"
if cmp -s "$TMP/a.json" "$TMP/c.json"; then
	ok "SQLite -> PostgreSQL -> SQLite: the dumps are identical"
else
	not_ok "SQLite -> PostgreSQL -> SQLite: the dumps are identical" "$(diff "$TMP/a.json" "$TMP/c.json" | head -20)"
fi

# rows and storage classes, both ways
differ() {
	lite "$1" "ATTACH '$2' AS o" \
		"SELECT (SELECT count(*) FROM (SELECT id, name, typeof(name), born, typeof(born), rating, typeof(rating), active, typeof(active), photo, typeof(photo) FROM main.authors
		                              EXCEPT SELECT id, name, typeof(name), born, typeof(born), rating, typeof(rating), active, typeof(active), photo, typeof(photo) FROM o.authors))
		 || ' ' || (SELECT count(*) FROM (SELECT id, author_id, title, typeof(title), price, typeof(price), pages, typeof(pages), published FROM main.books
		                              EXCEPT SELECT id, author_id, title, typeof(title), price, typeof(price), pages, typeof(pages), published FROM o.books))
		 || ' ' || (SELECT count(*) FROM (SELECT book_id, tag, weight, typeof(weight) FROM main.tags
		                              EXCEPT SELECT book_id, tag, weight, typeof(weight) FROM o.tags))"
}
is "$(differ "$TMP/a.db" "$TMP/c.db") / $(differ "$TMP/c.db" "$TMP/a.db")" "0 0 0 / 0 0 0" \
	"SQLite -> PostgreSQL -> SQLite: the same rows, values and storage classes"

# --- YAML: SQLite -> PostgreSQL ----------------------------------------------------
lite "$TMP/a.db" "SELECT covet_dumpdata(NULL, 'yaml')" >"$TMP/a.yaml"
q "CREATE TABLE keep_authors AS SELECT * FROM authors; CREATE TABLE keep_books AS SELECT * FROM books;
   CREATE TABLE keep_tags AS SELECT * FROM tags; TRUNCATE tags, books, authors" >/dev/null
is "$(pg_load "$TMP/a.yaml" yaml)" "10" "PostgreSQL loads the SQLite YAML dump"
is "$(q "SELECT (SELECT count(*) FROM (SELECT * FROM authors EXCEPT SELECT * FROM keep_authors) x)
	+ (SELECT count(*) FROM (SELECT * FROM keep_authors EXCEPT SELECT * FROM authors) x)
	+ (SELECT count(*) FROM (SELECT * FROM books EXCEPT SELECT * FROM keep_books) x)
	+ (SELECT count(*) FROM (SELECT * FROM keep_books EXCEPT SELECT * FROM books) x)
	+ (SELECT count(*) FROM (SELECT * FROM tags EXCEPT SELECT * FROM keep_tags) x)
	+ (SELECT count(*) FROM (SELECT * FROM keep_tags EXCEPT SELECT * FROM tags) x)")" "0" \
	"YAML: the same rows as the JSON load"
is "$(q "SELECT covet_dumpdata('authors books tags')")" "$(cat "$TMP/b.json")" "YAML: PostgreSQL dumps the same JSON"

# --- CSV: PostgreSQL -> SQLite ------------------------------------------------------
lite "$TMP/d.db" "$(schema blob)" >/dev/null
for t in authors books tags; do
	q "SELECT covet_dumpdata('$t', 'csv')" >"$TMP/$t.csv"
	is "$(lite "$TMP/d.db" "SELECT covet_loaddata(readfile('$TMP/$t.csv'), 'csv', 'error', '$t')")" \
		"$(q "SELECT count(*) FROM $t")" "CSV: SQLite loads PostgreSQL's $t"
done
is "$(differ "$TMP/d.db" "$TMP/a.db") / $(differ "$TMP/a.db" "$TMP/d.db")" "0 0 0 / 0 0 0" \
	"CSV: the same rows, values and storage classes as the original SQLite file"

done_testing
