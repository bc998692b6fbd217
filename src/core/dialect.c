/*-------------------------------------------------------------------------
 *
 * dialect.c
 *		The SQL differences between PostgreSQL and SQLite, in one table.
 *
 * The core writes its statements once, as templates: "{history}" names
 * covet's table, "{1}" a parameter, "{now}" the clock.  Expansion gives
 * "covet"."history", $1 and clock_timestamp() in PostgreSQL, and
 * "covet_history", ?1 and strftime(...) in SQLite (never $1 there: SQLite
 * numbers $N parameters by first appearance).
 *
 * PostgreSQL resolves an unqualified operator, function or type name
 * through the caller's search_path, where anyone with CREATE on a schema
 * can put a closer match (public.=(varchar, varchar), public.lower(varchar),
 * a domain public.text) and have it run as whoever calls covet.  So every
 * built-in in the SQL covet writes is pg_catalog's: "{=}" in a template
 * (or covet_sql_op) is OPERATOR(pg_catalog.=), "{pg}" the pg_catalog.
 * before a built-in function or type, types in casts are keywords or
 * qualified (the describe queries give that spelling), and covet's own
 * functions are called by their schema with arguments of exactly their
 * types.  IS NOT DISTINCT FROM, IN (...) and CASE x WHEN take "=" from the
 * search_path, so the PostgreSQL dialect writes none of them.  SQLite
 * keeps its plain spellings.
 *
 * PostgreSQL's tables come from the extension script; SQLite's are created
 * on first use from schema_ddl below, which must stay equivalent to
 * sql/covet--0.1.0.sql with sql/covet--0.1.0--0.2.0.sql applied.
 *
 *-------------------------------------------------------------------------
 */
#include "covet.h"

#include <string.h>

static const char *const sqlite_schema[] = {
	"CREATE TABLE IF NOT EXISTS covet_migrations ("
	" name text PRIMARY KEY,"
	" kind text NOT NULL DEFAULT 'schema' CHECK (kind IN ('schema', 'data')),"
	" up_sql text NOT NULL,"
	" down_sql text,"
	" depends_on text NOT NULL DEFAULT '',"
	" atomic integer NOT NULL DEFAULT 1,"
	" checksum text NOT NULL,"
	" defined_at text NOT NULL,"
	" repeatable integer NOT NULL DEFAULT 0,"
	" version text,"
	" source text,"
	" format text)",
	"CREATE TABLE IF NOT EXISTS covet_applied ("
	" name text PRIMARY KEY REFERENCES covet_migrations (name),"
	" checksum text NOT NULL,"
	" applied_at text NOT NULL,"
	" duration_ms integer NOT NULL,"
	" statements integer NOT NULL,"
	" rows integer NOT NULL,"
	" who text NOT NULL)",
	"CREATE TABLE IF NOT EXISTS covet_history ("
	" id integer PRIMARY KEY,"
	" name text NOT NULL,"
	" action text NOT NULL CHECK (action IN ('apply', 'rollback', 'baseline', 'fake',"
	" 'repair', 'adopt', 'retry', 'forget', 'incomplete')),"
	" checksum text NOT NULL,"
	" started_at text NOT NULL,"
	" duration_ms integer NOT NULL,"
	" statements integer NOT NULL,"
	" rows integer NOT NULL,"
	" who text NOT NULL,"
	" outcome text NOT NULL,"
	" detail text)",
	"CREATE TABLE IF NOT EXISTS covet_incomplete ("
	" name text PRIMARY KEY REFERENCES covet_migrations (name),"
	" action text NOT NULL CHECK (action IN ('apply', 'rollback')),"
	" statement integer NOT NULL DEFAULT 0,"
	" checksum text NOT NULL,"
	" started_at text NOT NULL,"
	" updated_at text NOT NULL,"
	" who text NOT NULL,"
	" error text)",
	"CREATE TABLE IF NOT EXISTS covet_lock ("
	" id integer PRIMARY KEY CHECK (id = 1),"
	" pid integer NOT NULL,"
	" host text NOT NULL,"
	" who text NOT NULL,"
	" since text NOT NULL,"
	" proc_start text NOT NULL)",
	"CREATE TABLE IF NOT EXISTS covet_runs ("
	" id integer PRIMARY KEY,"
	" op text NOT NULL,"
	" table_name text NOT NULL,"
	" args text,"
	" kind text NOT NULL CHECK (kind IN ('update', 'delete')),"
	" set_sql text,"
	" where_sql text,"
	" reverse_set text,"
	" key_columns text NOT NULL,"
	" upper_key text,"
	" last_key text,"
	" rows_done integer NOT NULL DEFAULT 0,"
	" rows_total integer,"
	" batches integer NOT NULL DEFAULT 0,"
	" batch_size integer NOT NULL,"
	" rows_per_sec real,"
	" eta_seconds real,"
	" state text NOT NULL CHECK (state IN ('pending', 'running', 'completed', 'failed',"
	" 'paused', 'cancelled', 'rolled back', 'completed with errors')),"
	" undo_table text,"
	" undo_columns text,"
	" migration text,"
	" who text NOT NULL,"
	" started_at text NOT NULL,"
	" updated_at text NOT NULL,"
	" finished_at text,"
	" error text,"
	" error_key text,"
	" parent_id integer,"
	" lower_key text,"
	" retried integer NOT NULL DEFAULT 0,"
	" throttled text,"
	" throttled_ms integer NOT NULL DEFAULT 0)",
	"CREATE TABLE IF NOT EXISTS covet_run_errors ("
	" run_id integer NOT NULL REFERENCES covet_runs (id) ON DELETE CASCADE,"
	" key text NOT NULL,"
	" error text NOT NULL,"
	" sqlstate text,"
	" at text NOT NULL,"
	" PRIMARY KEY (run_id, key))",
	"CREATE TABLE IF NOT EXISTS covet_squashed ("
	" name text NOT NULL,"
	" replaces text NOT NULL,"
	" checksum text NOT NULL,"
	" PRIMARY KEY (name, replaces))",
	"CREATE TABLE IF NOT EXISTS covet_meta ("
	" key text PRIMARY KEY,"
	" value text NOT NULL)",
	NULL
};

/*
 * The version of the tables sqlite_schema creates (covet_meta's
 * schema_version), and how a database written by an earlier release gets
 * there.  1: 0.1.0 (no covet_meta).  2: 0.2.0.
 *
 * Changing a table above means one more entry here, with the version the
 * change ships in (bump SQLITE_SCHEMA_VERSION once per release): a column
 * added at the END of its CREATE TABLE above is COVET_STEP_ADD_COLUMN with
 * the same definition (the stored CREATE text then matches a new
 * database's, which test/sqlite/upgrade.py checks); a changed constraint
 * is COVET_STEP_REBUILD; a new table needs no step (schema_ddl runs after
 * the steps).
 */
#define SQLITE_SCHEMA_VERSION 2

static const CovetSchemaStep sqlite_schema_steps[] = {
	{2, COVET_STEP_ADD_COLUMN, "covet_migrations", "repeatable integer NOT NULL DEFAULT 0"},
	{2, COVET_STEP_ADD_COLUMN, "covet_migrations", "version text"},
	{2, COVET_STEP_ADD_COLUMN, "covet_migrations", "source text"},
	{2, COVET_STEP_ADD_COLUMN, "covet_migrations", "format text"},
	/* the CHECK on action took the new actions; detail comes with it */
	{2, COVET_STEP_REBUILD, "covet_history", NULL},
	/* parallel runs (PostgreSQL only; the columns keep the shapes alike) */
	{2, COVET_STEP_ADD_COLUMN, "covet_runs", "parent_id integer"},
	{2, COVET_STEP_ADD_COLUMN, "covet_runs", "lower_key text"},
	/* issue 16: the CHECK on state took 'completed with errors', and three columns */
	{2, COVET_STEP_REBUILD, "covet_runs", NULL},
	{0, COVET_STEP_SQL, NULL, NULL}
};

/*
 * format_type's spelling without the "pg_catalog." it gives a built-in
 * type that something on the search_path hides (a public.text domain).
 * Needs a (pg_attribute of the column).
 */
#define PG_FORMAT_TYPE \
"pg_catalog.regexp_replace(pg_catalog.format_type(a.atttypid, a.atttypmod), '^pg_catalog[.]', '')"

/*
 * A column's type as a cast may spell it whatever the caller's search_path
 * holds: PG_FORMAT_TYPE when it is one of the SQL keywords that always mean
 * pg_catalog's type (integer, character varying(20), timestamp with time
 * zone, ...), "pg_catalog." before any other built-in type (text, uuid,
 * "char"), and any other type qualified with its schema (the element
 * type's, then "[]", for an array; typmods of such types are left out).
 * Needs t (pg_type of the column) and a.
 */
#define PG_SAFE_TYPE \
" CASE WHEN t.typnamespace {=} CAST('pg_catalog' AS pg_catalog.regnamespace) THEN" \
" CASE WHEN pg_catalog.textregexeq(" PG_FORMAT_TYPE "," \
" '^(bit|boolean|character|numeric|smallint|integer|bigint|real|double precision|time|timestamp|interval)([ ([]|$)')" \
" THEN " PG_FORMAT_TYPE \
" ELSE pg_catalog.concat('pg_catalog.', " PG_FORMAT_TYPE ") END" \
" ELSE (SELECT pg_catalog.concat(pg_catalog.quote_ident(en.nspname), '.', pg_catalog.quote_ident(e.typname)," \
" CASE WHEN e.oid {<>} t.oid THEN '[]' END)" \
" FROM pg_catalog.pg_type e JOIN pg_catalog.pg_namespace en ON en.oid {=} e.typnamespace" \
" WHERE e.oid {=} CASE WHEN t.typelem {<>} 0 AND t.typlen {=} -1 THEN t.typelem ELSE t.oid END) END"

/*
 * Columns: schema, table, column, type (format_type), key position,
 * relkind, generated, the type as a cast spells it (PG_SAFE_TYPE).  Every
 * operator and function is pg_catalog's, whatever the search_path.
 */
static const char pg_describe[] =
"SELECT n.nspname, c.relname, a.attname, " PG_FORMAT_TYPE ","
" COALESCE((SELECT k.i {+} 1 FROM pg_catalog.pg_index x,"
" pg_catalog.generate_subscripts(x.indkey, 1) AS k(i)"
" WHERE x.indrelid {=} c.oid AND x.indisprimary AND x.indkey[k.i] {=} a.attnum), 0),"
" CAST(c.relkind AS pg_catalog.text), CASE WHEN a.attgenerated {<>} '' THEN 1 ELSE 0 END,"
PG_SAFE_TYPE
" FROM pg_catalog.pg_class c"
" JOIN pg_catalog.pg_namespace n ON n.oid {=} c.relnamespace"
" JOIN pg_catalog.pg_attribute a ON a.attrelid {=} c.oid AND a.attnum {>} 0 AND NOT a.attisdropped"
" JOIN pg_catalog.pg_type t ON t.oid {=} a.atttypid"
" WHERE c.oid {=} pg_catalog.to_regclass({1})"
" ORDER BY a.attnum";

static const char sqlite_describe[] =
"SELECT 'main', m.name, p.name, p.type, p.pk, m.type,"
" CASE WHEN p.hidden IN (2, 3) THEN 1 ELSE 0 END, p.type"
" FROM sqlite_master AS m, pragma_table_xinfo(m.name) AS p"
" WHERE m.name = {1} COLLATE NOCASE AND m.type IN ('table', 'view') AND p.hidden <> 1"
" ORDER BY p.cid";

static const char pg_seed_describe[] =
"SELECT n.nspname, c.relname, CAST(c.relkind AS pg_catalog.text), a.attname,"
" " PG_FORMAT_TYPE ", a.attnotnull,"
" a.atthasdef OR a.attidentity {<>} '',"
" COALESCE((SELECT k.i {+} 1 FROM pg_catalog.pg_index x,"
" pg_catalog.generate_subscripts(x.indkey, 1) AS k(i)"
" WHERE x.indrelid {=} c.oid AND x.indisprimary AND x.indkey[k.i] {=} a.attnum), 0),"
" a.attidentity {<>} '' OR COALESCE(pg_catalog.pg_get_expr(d.adbin, d.adrelid) {~~} 'nextval(%', false),"
" a.attgenerated {<>} '',"
" EXISTS (SELECT 1 FROM pg_catalog.pg_index x WHERE x.indrelid {=} c.oid AND x.indisunique"
" AND x.indnkeyatts {=} 1 AND x.indkey[0] {=} a.attnum AND x.indpred IS NULL),"
PG_SAFE_TYPE
" FROM pg_catalog.pg_class c"
" JOIN pg_catalog.pg_namespace n ON n.oid {=} c.relnamespace"
" JOIN pg_catalog.pg_attribute a ON a.attrelid {=} c.oid AND a.attnum {>} 0 AND NOT a.attisdropped"
" JOIN pg_catalog.pg_type t ON t.oid {=} a.atttypid"
" LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid {=} c.oid AND d.adnum {=} a.attnum"
" WHERE c.oid {=} pg_catalog.to_regclass({1})"
" ORDER BY a.attnum";

static const char pg_seed_fks[] =
"SELECT CAST(con.oid AS pg_catalog.text), k.i, a.attname, pn.nspname, pc.relname, pa.attname"
" FROM pg_catalog.pg_constraint con"
" CROSS JOIN LATERAL pg_catalog.generate_subscripts(con.conkey, 1) AS k(i)"
" JOIN pg_catalog.pg_attribute a ON a.attrelid {=} con.conrelid AND a.attnum {=} con.conkey[k.i]"
" JOIN pg_catalog.pg_class pc ON pc.oid {=} con.confrelid"
" JOIN pg_catalog.pg_namespace pn ON pn.oid {=} pc.relnamespace"
" JOIN pg_catalog.pg_attribute pa ON pa.attrelid {=} con.confrelid AND pa.attnum {=} con.confkey[k.i]"
" WHERE con.conrelid {=} pg_catalog.to_regclass({1}) AND con.contype {=} 'f'"
" ORDER BY con.oid, k.i";

/*
 * A rowid alias is a lone INTEGER PRIMARY KEY of a rowid table (one with
 * no index of origin 'pk'); SQLite fills it.  table_info omits generated
 * columns, so none is reported as generated.
 */
static const char sqlite_seed_describe[] =
"SELECT 'main', m.name, m.type, p.name, p.type, p.\"notnull\", p.dflt_value IS NOT NULL, p.pk,"
" p.pk = 1 AND upper(p.type) = 'INTEGER'"
" AND (SELECT count(*) FROM pragma_table_info(m.name) AS q WHERE q.pk > 0) = 1"
" AND NOT EXISTS (SELECT 1 FROM pragma_index_list(m.name) AS i WHERE i.origin = 'pk'),"
" 0,"
" EXISTS (SELECT 1 FROM pragma_index_list(m.name) AS i WHERE i.\"unique\" AND NOT i.partial"
" AND (SELECT count(*) FROM pragma_index_info(i.name)) = 1"
" AND (SELECT ii.name FROM pragma_index_info(i.name) AS ii) = p.name),"
" p.type"
" FROM sqlite_master AS m, pragma_table_info(m.name) AS p"
" WHERE m.name = {1} COLLATE NOCASE AND m.type IN ('table', 'view')"
" ORDER BY p.cid";

static const char sqlite_seed_fks[] =
"SELECT f.id, f.seq, f.\"from\", 'main', f.\"table\", f.\"to\""
" FROM pragma_foreign_key_list({1}) AS f ORDER BY f.id, f.seq";

const CovetDialect covet_dialect_postgres = {
	.engine = COVET_ENGINE_POSTGRES,
	.name = "postgresql",
	.param_prefix = "$",
	.table_prefix = "\"covet\".\"",
	.now_expr = "pg_catalog.clock_timestamp()",
	.ts_param_open = "CAST(",
	.ts_param_close = " AS pg_catalog.timestamptz)",
	.schema_ddl = NULL,
	.cast_key_params = true,
	.describe_sql = pg_describe,
	.check_key_storage = false,
	.rowid_key = false,
	.insert_override = " OVERRIDING SYSTEM VALUE",
	.estimate_sql = "SELECT CAST(reltuples AS bigint) FROM pg_catalog.pg_class"
	" WHERE oid {=} pg_catalog.to_regclass({1})",
	.split_part_fn = "covet_split_part",	/* covet's own get func_prefix */
	.concat_ws_fn = "pg_catalog.concat_ws",
	.try_cast_fn = "covet_try_cast",
	.null_safe_eq = "(%L OPERATOR(pg_catalog.=) %R OR (%L IS NULL AND %R IS NULL))",
	.in_open = " OPERATOR(pg_catalog.=) ANY (ARRAY[",
	.in_close = "])",
	.fixture = &covet_fixture_sql_postgres,
	.seed_describe_sql = pg_seed_describe,
	.seed_fks_sql = pg_seed_fks,
	.seed_rows_cte = NULL,
	.seed_rows_from = "pg_catalog.generate_series(CAST({lo} AS bigint), CAST({hi} AS bigint))"
	" AS covet_rows(r)",
	.seed_cast_values = true,
	.op_open = "OPERATOR(pg_catalog.",
	.op_close = ")",
	.catalog = "pg_catalog.",
	.cast_fn_args = true,
};

const CovetDialect covet_dialect_sqlite = {
	.engine = COVET_ENGINE_SQLITE,
	.name = "sqlite",
	.param_prefix = "?",
	.table_prefix = "\"covet_",
	.now_expr = "strftime('%Y-%m-%d %H:%M:%f', 'now')",
	.ts_param_open = "",
	.ts_param_close = "",
	.schema_ddl = sqlite_schema,
	.schema_version = SQLITE_SCHEMA_VERSION,
	.schema_steps = sqlite_schema_steps,
	.cast_key_params = true,
	.describe_sql = sqlite_describe,
	.check_key_storage = true,
	.rowid_key = true,
	.insert_override = "",
	.estimate_sql = NULL,
	.split_part_fn = "covet_split_part",
	.concat_ws_fn = "covet_concat_ws",
	.try_cast_fn = "covet_try_cast",
	.null_safe_eq = "%L IS %R",
	.in_open = " IN (",
	.in_close = ")",
	.fixture = &covet_fixture_sql_sqlite,
	.seed_describe_sql = sqlite_seed_describe,
	.seed_fks_sql = sqlite_seed_fks,
	.seed_rows_cte = NULL,
	/* covet_series (sqlite_ext/series_vtab.c): a recursive CTE cost a third */
	.seed_rows_from = "covet_series({lo}, {hi}) AS covet_rows",
	/* ... which also makes the values: a covet_fake call each cost 25 ns */
	.seed_rows_gen_from = "covet_series({lo}, {hi}, {gens}) AS covet_rows",
	.seed_rows_gen_max = 64,
	.seed_cast_values = false,
	.op_open = "",
	.op_close = "",
	.catalog = "",
	.cast_fn_args = false,
};

/* Digits of "{12}" or "{t12}" (one or two, not starting with 0), or NULL. */
static const char *
param_digits(const char *p, const char *close, bool *timestamp)
{
	size_t		n;

	*timestamp = false;
	p++;
	if (*p == 't')
	{
		*timestamp = true;
		p++;
	}
	n = (size_t) (close - p);
	if (n < 1 || n > 2 || *p < '1' || *p > '9' || (n == 2 && (p[1] < '0' || p[1] > '9')))
		return NULL;
	return p;
}

/* What PostgreSQL's operator names are made of (the lexer's op_chars). */
#define OPERATOR_CHARS "~!@#^&|`?+-*/%<>="

void
covet_sql_op(CovetBuf *out, const CovetDialect *dialect, const char *op)
{
	covet_buf_appendc(out, ' ');
	covet_buf_append(out, dialect->op_open);
	covet_buf_append(out, op);
	covet_buf_append(out, dialect->op_close);
	covet_buf_appendc(out, ' ');
}

/* Expand tmpl; *names_table: it named one of covet's tables. */
static void
sql_expand(const CovetDialect *dialect, CovetBuf *out, const char *tmpl,
		   bool *names_table)
{
	const char *p = tmpl;

	*names_table = false;

	while (*p)
	{
		const char *close;
		const char *digits;
		bool		ts;

		if (*p != '{' || (close = strchr(p, '}')) == NULL)
		{
			covet_buf_appendc(out, *p++);
			continue;
		}
		if ((digits = param_digits(p, close, &ts)) != NULL)
		{
			if (ts)
				covet_buf_append(out, dialect->ts_param_open);
			covet_buf_append(out, dialect->param_prefix);
			covet_buf_appendn(out, digits, (size_t) (close - digits));
			if (ts)
				covet_buf_append(out, dialect->ts_param_close);
		}
		else if (close - p == 4 && strncmp(p, "{now}", 5) == 0)
			covet_buf_append(out, dialect->now_expr);
		else if (close - p == 3 && strncmp(p, "{pg}", 4) == 0)
			covet_buf_append(out, dialect->catalog);
		else if (close - p > 1 && strspn(p + 1, OPERATOR_CHARS) == (size_t) (close - p - 1))
		{
			covet_buf_append(out, dialect->op_open);
			covet_buf_appendn(out, p + 1, (size_t) (close - p - 1));
			covet_buf_append(out, dialect->op_close);
		}
		else
		{
			*names_table = true;
			covet_buf_append(out, dialect->table_prefix);
			covet_buf_appendn(out, p + 1, (size_t) (close - p - 1));
			covet_buf_appendc(out, '"');
		}
		p = close + 1;
	}
}

void
covet_sql_expand(const CovetDialect *dialect, CovetBuf *out, const char *tmpl)
{
	bool		names_table;

	sql_expand(dialect, out, tmpl, &names_table);
}

/*
 * covet's own bookkeeping (a template naming covet's tables) goes to
 * query_catalog where the driver has one; see CovetDriver.
 */
CovetStatus
covet_sql_run(CovetDriver *d, const char *tmpl, int nparams,
			  const char *const *params, CovetResult *res, CovetError *err)
{
	CovetBuf	buf;
	char	   *sql;
	bool		catalog;
	CovetStatus rc;

	covet_buf_init(&buf, &d->mem);
	sql_expand(d->dialect, &buf, tmpl, &catalog);
	if ((rc = covet_buf_finish(&buf, &sql, err)) != COVET_OK)
		return rc;
	if (catalog && d->query_catalog != NULL)
		rc = d->query_catalog(d->ctx, sql, nparams, params, res, err);
	else
		rc = d->query(d->ctx, sql, nparams, params, res, err);
	covet_free(&d->mem, sql);
	return rc;
}

void
covet_result_free(CovetDriver *d, CovetResult *res)
{
	int			i;

	if (res == NULL || res->values == NULL)
		return;
	for (i = 0; i < res->nrows * res->ncols; i++)
		covet_free(&d->mem, res->values[i]);
	covet_free(&d->mem, res->values);
	res->values = NULL;
	res->nrows = 0;
}
