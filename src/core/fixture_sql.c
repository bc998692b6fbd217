/*-------------------------------------------------------------------------
 *
 * fixture_sql.c
 *		The SQL of fixtures, per dialect: how a column's value becomes JSON
 *		text in a dump, how a batch record's JSON value becomes the
 *		column's value in a load, and the catalog queries (tables, foreign
 *		keys, sequences).
 *
 * The core only ever sees JSON-ready text: conversion happens in SQL.
 * PostgreSQL: to_json() for most types (numbers keep their text, floats
 * come out shortest-exact under extra_float_digits >= 1, which the SQL
 * functions set; timestamps ISO 8601, timestamptz with its offset; arrays
 * and json/jsonb as embedded JSON), encode(..., 'base64') for bytea.  Loads
 * send a batch as lines of COPY's text format to covet_fixture_rows (a C
 * set-returning function of the binding, src/pg/fixtures.c) and cast each
 * text field to the column's own type (format_type), so the type's input
 * function reads it as COPY would; arrays go through json_to_record, which
 * turns a JSON array of any dimensions into the array type.  (JSON batches
 * through json_to_recordset spent two thirds of a load parsing JSON and
 * hashing each record's keys.)
 * SQLite: CASE typeof(col) with covet_float_text() (shortest text that
 * reads back to the same double; SQLite's own has 15 digits) and
 * covet_base64_encode() for blobs; loads through json_each with
 * covet_float_parse() and covet_base64_decode().
 *
 * Templates: %C quoted column, %T quoted table, %K batch record key ("c0"),
 * %Y declared type, %D column definitions, %P the func_prefix, {1} the
 * parameter.
 *
 *-------------------------------------------------------------------------
 */
#include "fixture.h"

#include <ctype.h>
#include <string.h>

/* --- PostgreSQL ------------------------------------------------------------ */

#define PG_DUMP_GENERIC "COALESCE(CAST(pg_catalog.to_json(%C) AS pg_catalog.text), 'null')"
/* text and varchar: covet_json_quote (src/pg/fixtures.c) is to_json without
 * its catalog look-up per call */
#define PG_DUMP_QUOTE "COALESCE(%Pcovet_json_quote(CAST(%C AS pg_catalog.text)), 'null')"
/* style 'django': a timestamptz as Django with USE_TZ = False reads it */
#define PG_DUMP_NAIVE_TSTZ "COALESCE(CAST(pg_catalog.to_json(CAST(%C AS pg_catalog.\"timestamp\"))" \
	" AS pg_catalog.text), 'null')"
/* a field's text through the type's input function, as COPY does */
#define PG_LOAD_CAST "CAST(r.%K AS %Y)"
#define PG_LOAD_DEF "%K pg_catalog.text"
/* a table's name as a fixture gives it: schema-qualified unless visible */
#define PG_MODEL_NAME \
"CASE WHEN pg_catalog.pg_table_is_visible(c.oid) THEN c.relname" \
" ELSE pg_catalog.concat(n.nspname, '.', c.relname) END"

/*
 * Every operator and function is pg_catalog's (OPERATOR(pg_catalog.=)), and
 * every type a keyword or qualified, whatever the caller's search_path.
 */
const CovetFixtureSql covet_fixture_sql_postgres = {
	.dump_expr = {
		[COVET_FX_TEXT] = PG_DUMP_GENERIC,
		[COVET_FX_INT] = "COALESCE(CAST(%C AS pg_catalog.text), 'null')",
		[COVET_FX_REAL] = PG_DUMP_GENERIC,
		[COVET_FX_NUMERIC] = PG_DUMP_GENERIC,
		[COVET_FX_BOOL] = PG_DUMP_GENERIC,
		[COVET_FX_BLOB] = "COALESCE(CAST(pg_catalog.to_json(pg_catalog.translate("
		"pg_catalog.encode(%C, 'base64'), E'\\n', '')) AS pg_catalog.text), 'null')",
		[COVET_FX_JSON] = PG_DUMP_GENERIC,
		[COVET_FX_ARRAY] = PG_DUMP_GENERIC,
	},
	.load_expr = {
		[COVET_FX_TEXT] = PG_LOAD_CAST,
		[COVET_FX_INT] = PG_LOAD_CAST,
		[COVET_FX_REAL] = PG_LOAD_CAST,
		[COVET_FX_NUMERIC] = PG_LOAD_CAST,
		[COVET_FX_BOOL] = PG_LOAD_CAST,
		[COVET_FX_BLOB] = "pg_catalog.decode(r.%K, 'base64')",
		[COVET_FX_JSON] = PG_LOAD_CAST,
		[COVET_FX_ARRAY] = "(SELECT a.%K FROM pg_catalog.json_to_record(pg_catalog.json_build_object("
		"'%K', CAST(r.%K AS pg_catalog.json))) AS a(%K %Y))",
	},
	.load_def = {
		[COVET_FX_TEXT] = PG_LOAD_DEF,
		[COVET_FX_INT] = PG_LOAD_DEF,
		[COVET_FX_REAL] = PG_LOAD_DEF,
		[COVET_FX_NUMERIC] = PG_LOAD_DEF,
		[COVET_FX_BOOL] = PG_LOAD_DEF,
		[COVET_FX_BLOB] = PG_LOAD_DEF,
		[COVET_FX_JSON] = PG_LOAD_DEF,
		[COVET_FX_ARRAY] = PG_LOAD_DEF,
	},
	.load_from = "%Pcovet_fixture_rows(CAST({1} AS pg_catalog.text)) AS r(%D)",
	.batch_lines = true,
	.tables_sql =
	"SELECT " PG_MODEL_NAME
	" FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n"
	" ON n.oid OPERATOR(pg_catalog.=) c.relnamespace"
	" WHERE (c.relkind OPERATOR(pg_catalog.=) 'r' OR c.relkind OPERATOR(pg_catalog.=) 'p')"
	" AND NOT c.relispartition"
	" AND n.nspname OPERATOR(pg_catalog.<>) 'pg_catalog'"
	" AND n.nspname OPERATOR(pg_catalog.<>) 'information_schema'"
	" AND n.nspname OPERATOR(pg_catalog.<>) 'covet'"
	" AND NOT n.nspname OPERATOR(pg_catalog.~~) 'pg\\_%'"
	" AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend dep"
	" WHERE dep.classid OPERATOR(pg_catalog.=) CAST('pg_catalog.pg_class' AS pg_catalog.regclass)"
	" AND dep.objid OPERATOR(pg_catalog.=) c.oid AND dep.deptype OPERATOR(pg_catalog.=) 'e')"
	" ORDER BY 1",
	.model_sql =
	"SELECT " PG_MODEL_NAME
	" FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n"
	" ON n.oid OPERATOR(pg_catalog.=) c.relnamespace"
	" WHERE c.oid OPERATOR(pg_catalog.=) pg_catalog.to_regclass({1})",
	.parents_sql =
	"SELECT DISTINCT " PG_MODEL_NAME
	" FROM pg_catalog.pg_constraint k"
	" JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) k.confrelid"
	" JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace"
	" WHERE k.contype OPERATOR(pg_catalog.=) 'f'"
	" AND k.conrelid OPERATOR(pg_catalog.=) pg_catalog.to_regclass({1})",
	/*
	 * Move a column's sequence (serial or identity) to the column's largest
	 * value, only forward: the value it last gave, or one before its start
	 * when it has given none.  max() runs only for a column with a sequence.
	 */
	.sequence_sql =
	"SELECT pg_catalog.setval(q.s, q.m) FROM (SELECT x.s, (SELECT pg_catalog.max(%C) FROM %T) AS m,"
	" COALESCE(pg_catalog.pg_sequence_last_value(x.s), p.seqstart OPERATOR(pg_catalog.-) 1) AS l"
	" FROM (SELECT CAST(pg_catalog.pg_get_serial_sequence({1}, {2}) AS pg_catalog.regclass) AS s) AS x"
	" JOIN pg_catalog.pg_sequence p ON p.seqrelid OPERATOR(pg_catalog.=) x.s"
	" WHERE p.seqincrement OPERATOR(pg_catalog.>) 0) AS q"
	" WHERE q.m OPERATOR(pg_catalog.>) q.l",
	.fks_sql =
	"SELECT a.attname, " PG_MODEL_NAME ", pa.attname"
	" FROM pg_catalog.pg_constraint k"
	" JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) k.confrelid"
	" JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace"
	" JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) k.conrelid"
	" AND a.attnum OPERATOR(pg_catalog.=) k.conkey[1]"
	" JOIN pg_catalog.pg_attribute pa ON pa.attrelid OPERATOR(pg_catalog.=) k.confrelid"
	" AND pa.attnum OPERATOR(pg_catalog.=) k.confkey[1]"
	" WHERE k.contype OPERATOR(pg_catalog.=) 'f'"
	" AND k.conrelid OPERATOR(pg_catalog.=) pg_catalog.to_regclass({1})"
	" AND pg_catalog.array_length(k.conkey, 1) OPERATOR(pg_catalog.=) 1"
	" ORDER BY k.oid",
	.uniques_sql =
	"SELECT CAST(x.indexrelid AS pg_catalog.text), a.attname,"
	" CASE WHEN x.indisprimary THEN 1 ELSE 0 END"
	" FROM pg_catalog.pg_index x"
	" CROSS JOIN LATERAL pg_catalog.generate_series(0, x.indnkeyatts OPERATOR(pg_catalog.-) 1) AS k(i)"
	" LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) x.indrelid"
	" AND a.attnum OPERATOR(pg_catalog.=) x.indkey[k.i]"
	" WHERE x.indrelid OPERATOR(pg_catalog.=) pg_catalog.to_regclass({1})"
	" AND x.indisunique AND x.indpred IS NULL"
	" ORDER BY x.indisprimary, x.indexrelid, k.i",
	.key_eq = "%C OPERATOR(pg_catalog.=) CAST(%K AS %Y)",
};

/* --- SQLite ------------------------------------------------------------------ */

#define SQ_DUMP_GENERIC \
	"CASE typeof(%C) WHEN 'integer' THEN CAST(%C AS text)" \
	" WHEN 'real' THEN covet_float_text(%C)" \
	" WHEN 'text' THEN json_quote(%C)" \
	" WHEN 'blob' THEN json_quote(covet_base64_encode(%C))" \
	" ELSE 'null' END"

#define SQ_LOAD_GENERIC \
	"CASE json_type(value, '$.%K') WHEN 'real' THEN covet_float_parse(value -> '$.%K')" \
	" ELSE json_extract(value, '$.%K') END"

const CovetFixtureSql covet_fixture_sql_sqlite = {
	.dump_expr = {
		[COVET_FX_TEXT] = SQ_DUMP_GENERIC,
		[COVET_FX_INT] = SQ_DUMP_GENERIC,
		[COVET_FX_REAL] = SQ_DUMP_GENERIC,
		[COVET_FX_NUMERIC] = SQ_DUMP_GENERIC,
		[COVET_FX_BOOL] = "CASE WHEN typeof(%C) = 'integer' AND %C IN (0, 1)"
		" THEN CASE %C WHEN 1 THEN 'true' ELSE 'false' END ELSE " SQ_DUMP_GENERIC " END",
		[COVET_FX_BLOB] = SQ_DUMP_GENERIC,
		[COVET_FX_JSON] = "CASE WHEN typeof(%C) = 'text' AND json_valid(%C)"
		" THEN json(%C) ELSE " SQ_DUMP_GENERIC " END",
		[COVET_FX_ARRAY] = SQ_DUMP_GENERIC,	/* not a SQLite kind */
	},
	.load_expr = {
		[COVET_FX_TEXT] = SQ_LOAD_GENERIC,
		[COVET_FX_INT] = SQ_LOAD_GENERIC,
		[COVET_FX_REAL] = SQ_LOAD_GENERIC,
		[COVET_FX_NUMERIC] = SQ_LOAD_GENERIC,
		[COVET_FX_BOOL] = SQ_LOAD_GENERIC,
		[COVET_FX_BLOB] = "CASE json_type(value, '$.%K')"
		" WHEN 'text' THEN covet_base64_decode(json_extract(value, '$.%K'))"
		" WHEN 'real' THEN covet_float_parse(value -> '$.%K')"
		" ELSE json_extract(value, '$.%K') END",
		[COVET_FX_JSON] = "CASE json_type(value, '$.%K') WHEN 'null' THEN NULL"
		" ELSE value -> '$.%K' END",
		[COVET_FX_ARRAY] = SQ_LOAD_GENERIC,	/* not a SQLite kind */
	},
	.load_def = {NULL},
	.load_from = "json_each({1})",
	.tables_sql =
	"SELECT name FROM sqlite_master WHERE type = 'table'"
	" AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
	" AND name NOT LIKE 'covet\\_%' ESCAPE '\\'"
	" ORDER BY name",
	.model_sql = NULL,
	.parents_sql =
	"SELECT DISTINCT m.name FROM pragma_foreign_key_list({1}) AS f"
	" JOIN sqlite_master AS m ON m.type = 'table' AND m.name = f.\"table\" COLLATE NOCASE",
	.sequence_sql = NULL,
	.fks_sql =
	"SELECT f.\"from\", m.name, f.\"to\" FROM pragma_foreign_key_list({1}) AS f"
	" JOIN sqlite_master AS m ON m.type = 'table' AND m.name = f.\"table\" COLLATE NOCASE"
	" WHERE (SELECT count(*) FROM pragma_foreign_key_list({1}) AS g WHERE g.id = f.id) = 1"
	" ORDER BY f.id",
	.uniques_sql =
	"SELECT l.name, i.name, l.origin = 'pk'"
	" FROM pragma_index_list({1}) AS l, pragma_index_info(l.name) AS i"
	" WHERE l.\"unique\" AND NOT l.partial"
	" ORDER BY l.origin = 'pk', l.seq DESC, i.seqno",
	.key_eq = "%C = %K",
};

/* --- dump expressions ---------------------------------------------------------- */

/*
 * Django's dumpdata with USE_TZ = False (the common settings of projects
 * that also run on SQLite) reads a timestamptz in the connection's time
 * zone and writes it without an offset, which its loaddata on SQLite
 * requires; style 'django' does the same with the session's TimeZone.
 */
const char *
covet_fx_dump_expr(const CovetDialect *dl, const CovetFxTable *t, int col, bool naive_tstz)
{
	if (naive_tstz && dl->engine == COVET_ENGINE_POSTGRES &&
		(strcmp(t->sql_types[col], "timestamp with time zone") == 0 ||
		 (strncmp(t->sql_types[col], "timestamp(", 10) == 0 &&
		  strstr(t->sql_types[col], ") with time zone") != NULL)))
		return PG_DUMP_NAIVE_TSTZ;
	if (dl->engine == COVET_ENGINE_POSTGRES && t->kinds[col] == COVET_FX_TEXT &&
		dl->func_prefix != NULL && dl->func_prefix[0] != '\0' &&
		(strcmp(t->sql_types[col], "text") == 0 ||
		 strncmp(t->sql_types[col], "character varying", 17) == 0))
		return PG_DUMP_QUOTE;
	return dl->fixture->dump_expr[t->kinds[col]];
}

/*
 * How a column goes into the engine's record function (fixture_dump.c):
 * SQLite's covet_json_record takes a column of a kind written by storage
 * class as it is ('v'); PostgreSQL's takes text and varchar to quote
 * ('q') and integers ('i').  'c': the column's dump expression, already
 * JSON.
 */
char
covet_fx_record_flag(const CovetDialect *dl, const CovetFxTable *t, int col, bool naive_tstz)
{
	const char *tmpl = covet_fx_dump_expr(dl, t, col, naive_tstz);

	if (dl->engine == COVET_ENGINE_SQLITE)
		return t->kinds[col] == COVET_FX_BOOL || t->kinds[col] == COVET_FX_JSON ? 'c' : 'v';
	if (strcmp(tmpl, PG_DUMP_QUOTE) == 0)
		return 'q';
	if (t->kinds[col] == COVET_FX_INT)
		return 'i';
	return 'c';
}

/* --- kinds ------------------------------------------------------------------- */

static bool
contains(const char *upper, const char *word)
{
	return strstr(upper, word) != NULL;
}

CovetFixtureKind
covet_fixture_kind(const CovetDialect *dialect, const char *type)
{
	char		up[128];
	size_t		i;

	for (i = 0; type != NULL && type[i] != '\0' && i < sizeof(up) - 1; i++)
		up[i] = (char) toupper((unsigned char) type[i]);
	up[i] = '\0';

	if (dialect->engine == COVET_ENGINE_POSTGRES)
	{
		/*
		 * format_type() spellings.  Arrays are embedded JSON arrays (to_json
		 * out, json_to_record back into the array type, any dimensions).
		 */
		if (strchr(up, '[') != NULL)
			return COVET_FX_ARRAY;
		if (strcmp(up, "BYTEA") == 0)
			return COVET_FX_BLOB;
		if (strcmp(up, "BOOLEAN") == 0)
			return COVET_FX_BOOL;
		if (strcmp(up, "JSON") == 0 || strcmp(up, "JSONB") == 0)
			return COVET_FX_JSON;
		if (strcmp(up, "SMALLINT") == 0 || strcmp(up, "INTEGER") == 0 ||
			strcmp(up, "BIGINT") == 0)
			return COVET_FX_INT;
		if (strcmp(up, "REAL") == 0 || strcmp(up, "DOUBLE PRECISION") == 0)
			return COVET_FX_REAL;
		if (strncmp(up, "NUMERIC", 7) == 0)
			return COVET_FX_NUMERIC;
		return COVET_FX_TEXT;
	}

	/* SQLite: its affinity rules, after booleans and JSON */
	if (contains(up, "BOOL"))
		return COVET_FX_BOOL;
	if (contains(up, "JSON"))
		return COVET_FX_JSON;
	if (contains(up, "INT"))
		return COVET_FX_INT;
	if (contains(up, "CHAR") || contains(up, "CLOB") || contains(up, "TEXT"))
		return COVET_FX_TEXT;
	if (contains(up, "BLOB"))
		return COVET_FX_BLOB;
	if (up[0] == '\0')
		return COVET_FX_TEXT;	/* no type: values stay as they come */
	if (contains(up, "REAL") || contains(up, "FLOA") || contains(up, "DOUB"))
		return COVET_FX_REAL;
	return COVET_FX_NUMERIC;
}
