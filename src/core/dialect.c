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
 * PostgreSQL's tables come from the extension script; SQLite's are created
 * on first use from schema_ddl below, which must stay equivalent to
 * sql/covet--0.1.0.sql.
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
	" defined_at text NOT NULL)",
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
	" action text NOT NULL CHECK (action IN ('apply', 'rollback')),"
	" checksum text NOT NULL,"
	" started_at text NOT NULL,"
	" duration_ms integer NOT NULL,"
	" statements integer NOT NULL,"
	" rows integer NOT NULL,"
	" who text NOT NULL,"
	" outcome text NOT NULL)",
	"CREATE TABLE IF NOT EXISTS covet_lock ("
	" id integer PRIMARY KEY CHECK (id = 1),"
	" pid integer NOT NULL,"
	" host text NOT NULL,"
	" who text NOT NULL,"
	" since text NOT NULL,"
	" proc_start text NOT NULL)",
	NULL
};

const CovetDialect covet_dialect_postgres = {
	.engine = COVET_ENGINE_POSTGRES,
	.name = "postgresql",
	.param_prefix = "$",
	.table_prefix = "\"covet\".\"",
	.now_expr = "pg_catalog.clock_timestamp()",
	.ts_param_open = "CAST(",
	.ts_param_close = " AS pg_catalog.timestamptz)",
	.schema_ddl = NULL,
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
};

void
covet_sql_expand(const CovetDialect *dialect, CovetBuf *out, const char *tmpl)
{
	const char *p = tmpl;

	while (*p)
	{
		const char *close;

		if (*p != '{' || (close = strchr(p, '}')) == NULL)
		{
			covet_buf_appendc(out, *p++);
			continue;
		}
		if (close - p == 2 && p[1] >= '1' && p[1] <= '9')
		{
			covet_buf_append(out, dialect->param_prefix);
			covet_buf_appendc(out, p[1]);
		}
		else if (close - p == 3 && p[1] == 't' && p[2] >= '1' && p[2] <= '9')
		{
			covet_buf_append(out, dialect->ts_param_open);
			covet_buf_append(out, dialect->param_prefix);
			covet_buf_appendc(out, p[2]);
			covet_buf_append(out, dialect->ts_param_close);
		}
		else if (close - p == 4 && strncmp(p, "{now}", 5) == 0)
			covet_buf_append(out, dialect->now_expr);
		else
		{
			covet_buf_append(out, dialect->table_prefix);
			covet_buf_appendn(out, p + 1, (size_t) (close - p - 1));
			covet_buf_appendc(out, '"');
		}
		p = close + 1;
	}
}

CovetStatus
covet_sql_run(CovetDriver *d, const char *tmpl, int nparams,
			  const char *const *params, CovetResult *res, CovetError *err)
{
	CovetBuf	buf;
	char	   *sql;
	CovetStatus rc;

	covet_buf_init(&buf, &d->mem);
	covet_sql_expand(d->dialect, &buf, tmpl);
	if ((rc = covet_buf_finish(&buf, &sql, err)) != COVET_OK)
		return rc;
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
