/*-------------------------------------------------------------------------
 *
 * diff.c
 *		covet_diff(source, target [, renames]) as an eponymous-only virtual
 *		table, so that `SELECT * FROM covet_diff('main', 'other')` reads as
 *		PostgreSQL's set-returning function does; and
 *		covet_foreign_key_check(schema), the check a rebuild runs before
 *		its end.
 *
 *     ATTACH 'next.db' AS other;
 *     SELECT ordinal, statement, hazards FROM covet_diff('main', 'other');
 *     SELECT statement FROM covet_diff('main', 'CREATE TABLE t (id integer PRIMARY KEY)');
 *
 * source and target are attached database names; a target holding white
 * space, "(" or ";" is SQL text instead, built in an in-memory database of
 * a connection of its own, closed with the cursor (an attached database
 * cannot be detached while the caller's SELECT runs).  xFilter asks the core for all
 * the rows (covet_diff_run); the cursor keeps them until it is closed.
 *
 *-------------------------------------------------------------------------
 */
#include "covet_sqlite.h"
#include "diff.h"

#include <stdlib.h>
#include <string.h>

enum
{
	COL_SOURCE = COVET_DIFF_NCOLS,
	COL_TARGET,
	COL_RENAMES
};

typedef struct DiffVtab
{
	sqlite3_vtab base;
	CovetConn  *conn;
} DiffVtab;

typedef struct DiffCursor
{
	sqlite3_vtab_cursor base;
	SqliteCall	call;
	bool		have_call;
	sqlite3    *scratch;		/* the SQL target's database, or NULL */
	CovetConn	scratch_conn;
	SqliteCall	scratch_call;
	CovetResult rows;
	int			row;
} DiffCursor;

static int
diff_connect(sqlite3 *db, void *aux, int argc, const char *const *argv,
			 sqlite3_vtab **out, char **pzErr)
{
	DiffVtab   *vt;
	int			rc;

	(void) argc;
	(void) argv;
	(void) pzErr;
	rc = sqlite3_declare_vtab(db, "CREATE TABLE x(ordinal integer, statement text,"
							  " reverse_statement text, object text, hazards text,"
							  " source hidden, target hidden, renames hidden)");
	if (rc != SQLITE_OK)
		return rc;
	if ((vt = sqlite3_malloc(sizeof(*vt))) == NULL)
		return SQLITE_NOMEM;
	memset(vt, 0, sizeof(*vt));
	vt->conn = aux;
	sqlite3_vtab_config(db, SQLITE_VTAB_DIRECTONLY);
	*out = &vt->base;
	return SQLITE_OK;
}

static int
diff_disconnect(sqlite3_vtab *vtab)
{
	sqlite3_free(vtab);
	return SQLITE_OK;
}

static int
diff_open(sqlite3_vtab *vtab, sqlite3_vtab_cursor **out)
{
	DiffCursor *cur = sqlite3_malloc(sizeof(*cur));

	(void) vtab;
	if (cur == NULL)
		return SQLITE_NOMEM;
	memset(cur, 0, sizeof(*cur));
	*out = &cur->base;
	return SQLITE_OK;
}

static void
cursor_reset(DiffCursor *cur)
{
	if (cur->have_call)
	{
		covet_result_free(&cur->call.driver, &cur->rows);
		covet_sqlite_call_done(&cur->call);
		cur->have_call = false;
	}
	if (cur->scratch != NULL)
	{
		covet_sqlite_call_done(&cur->scratch_call);
		sqlite3_close(cur->scratch);
		cur->scratch = NULL;
	}
	memset(&cur->rows, 0, sizeof(cur->rows));
	cur->row = 0;
}

static int
diff_close(sqlite3_vtab_cursor *c)
{
	cursor_reset((DiffCursor *) c);
	sqlite3_free(c);
	return SQLITE_OK;
}

static int
vtab_error(sqlite3_vtab *vt, const CovetError *err)
{
	sqlite3_free(vt->zErrMsg);
	vt->zErrMsg = sqlite3_mprintf("%s%s%s%s%s", err->message,
								  err->detail[0] ? "\nDETAIL: " : "", err->detail,
								  err->hint[0] ? "\nHINT: " : "", err->hint);
	return err->code == COVET_ERR_NOMEM ? SQLITE_NOMEM : SQLITE_ERROR;
}

/* Is a target argument SQL text rather than a database name? */
static bool
is_sql_text(const char *s)
{
	return strpbrk(s, " \t\r\n(;") != NULL;
}

static int
diff_filter(sqlite3_vtab_cursor *c, int idxNum, const char *idxStr,
			int argc, sqlite3_value **argv)
{
	DiffCursor *cur = (DiffCursor *) c;
	DiffVtab   *vt = (DiffVtab *) c->pVtab;
	CovetError	err;
	CovetDiffArgs args;
	int			i;
	static const char *const names[] = {"source", "target", "renames"};

	(void) idxStr;
	cursor_reset(cur);
	memset(&args, 0, sizeof(args));
	for (i = 0; i < 2; i++)
		if (i >= argc || sqlite3_value_type(argv[i]) == SQLITE_NULL)
		{
			covet_error_set(&err, COVET_ERR_NULL, "%s must not be null", names[i]);
			return vtab_error(c->pVtab, &err);
		}
	args.source = (const char *) sqlite3_value_text(argv[0]);
	args.target = (const char *) sqlite3_value_text(argv[1]);
	args.renames = idxNum == 1 && argc > 2 && sqlite3_value_type(argv[2]) != SQLITE_NULL ?
		(const char *) sqlite3_value_text(argv[2]) : NULL;
	if (args.source == NULL || args.target == NULL)
		return SQLITE_NOMEM;
	args.target_is_sql = is_sql_text(args.target);
	covet_sqlite_call_init(&cur->call, vt->conn);
	cur->have_call = true;
	if (args.target_is_sql)
	{
		if (sqlite3_open_v2(":memory:", &cur->scratch,
							SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
		{
			sqlite3_close(cur->scratch);
			cur->scratch = NULL;
			return SQLITE_NOMEM;
		}
		memset(&cur->scratch_conn, 0, sizeof(cur->scratch_conn));
		cur->scratch_conn.db = cur->scratch;
		covet_sqlite_call_init(&cur->scratch_call, &cur->scratch_conn);
		args.target_driver = &cur->scratch_call.driver;
	}
	if (covet_diff_run(&cur->call.driver, &args, &cur->rows, &err) != COVET_OK)
		return vtab_error(c->pVtab, &err);
	return SQLITE_OK;
}

static int
diff_next(sqlite3_vtab_cursor *c)
{
	((DiffCursor *) c)->row++;
	return SQLITE_OK;
}

static int
diff_eof(sqlite3_vtab_cursor *c)
{
	DiffCursor *cur = (DiffCursor *) c;

	return cur->row >= cur->rows.nrows;
}

static int
diff_column(sqlite3_vtab_cursor *c, sqlite3_context *ctx, int col)
{
	DiffCursor *cur = (DiffCursor *) c;
	const char *v;

	if (col >= COVET_DIFF_NCOLS)
	{
		sqlite3_result_null(ctx);
		return SQLITE_OK;
	}
	v = COVET_VALUE(&cur->rows, cur->row, col);
	if (v == NULL)
		sqlite3_result_null(ctx);
	else if (covet_diff_columns[col].type == COVET_COL_INT)
		sqlite3_result_int64(ctx, strtoll(v, NULL, 10));
	else
		sqlite3_result_text(ctx, v, -1, SQLITE_TRANSIENT);
	return SQLITE_OK;
}

static int
diff_rowid(sqlite3_vtab_cursor *c, sqlite3_int64 *rowid)
{
	*rowid = ((DiffCursor *) c)->row + 1;
	return SQLITE_OK;
}

/* source and target are required, renames optional: idxNum 1 when given. */
static int
diff_best_index(sqlite3_vtab *vt, sqlite3_index_info *info)
{
	int			at[3] = {-1, -1, -1},
				i,
				n = 0;

	for (i = 0; i < info->nConstraint; i++)
	{
		const struct sqlite3_index_constraint *c = &info->aConstraint[i];

		if (c->op != SQLITE_INDEX_CONSTRAINT_EQ ||
			c->iColumn < COL_SOURCE || c->iColumn > COL_RENAMES)
			continue;
		if (!c->usable)
			return SQLITE_CONSTRAINT;
		at[c->iColumn - COL_SOURCE] = i;
	}
	if (at[0] < 0 || at[1] < 0)
	{
		sqlite3_free(vt->zErrMsg);
		vt->zErrMsg = sqlite3_mprintf("covet_diff takes two arguments, source and target, and optionally renames");
		return SQLITE_ERROR;
	}
	for (i = 0; i < 3; i++)
		if (at[i] >= 0)
		{
			info->aConstraintUsage[at[i]].argvIndex = ++n;
			info->aConstraintUsage[at[i]].omit = 1;
		}
	info->idxNum = at[2] >= 0;
	info->estimatedCost = 1000;
	info->estimatedRows = 100;
	return SQLITE_OK;
}

static const sqlite3_module diff_module = {
	.iVersion = 0,
	.xCreate = NULL,			/* eponymous-only */
	.xConnect = diff_connect,
	.xBestIndex = diff_best_index,
	.xDisconnect = diff_disconnect,
	.xDestroy = diff_disconnect,
	.xOpen = diff_open,
	.xClose = diff_close,
	.xFilter = diff_filter,
	.xNext = diff_next,
	.xEof = diff_eof,
	.xColumn = diff_column,
	.xRowid = diff_rowid,
};

/*
 * covet_foreign_key_check(schema): an error naming the first row that
 * violates a foreign key in the database, or NULL; what a rebuild runs
 * before its end (PRAGMA foreign_key_check only lists the rows).
 */
static void
fn_foreign_key_check(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	sqlite3    *db = sqlite3_context_db_handle(ctx);
	sqlite3_stmt *stmt = NULL;
	const char *schema = argc > 0 ? (const char *) sqlite3_value_text(argv[0]) : NULL;
	int			rc;

	if (schema == NULL)
	{
		sqlite3_result_error(ctx, "schema must not be null", -1);
		return;
	}
	rc = sqlite3_prepare_v2(db, "SELECT \"table\", rowid, parent FROM pragma_foreign_key_check(NULL, ?1)",
							-1, &stmt, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(stmt, 1, schema, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK && (rc = sqlite3_step(stmt)) == SQLITE_ROW)
	{
		char	   *msg = sqlite3_mprintf("foreign key violation in table \"%s\": row %lld has no parent in \"%s\"",
										  (const char *) sqlite3_column_text(stmt, 0),
										  (long long) sqlite3_column_int64(stmt, 1),
										  (const char *) sqlite3_column_text(stmt, 2));

		sqlite3_result_error(ctx, msg ? msg : "foreign key violation", -1);
		sqlite3_free(msg);
	}
	else if (rc != SQLITE_DONE && rc != SQLITE_OK)
		sqlite3_result_error(ctx, sqlite3_errmsg(db), -1);
	else
		sqlite3_result_null(ctx);
	sqlite3_finalize(stmt);
}

int
covet_diff_register(sqlite3 *db, CovetConn *conn, char **pzErrMsg)
{
	int			rc = sqlite3_create_module_v2(db, "covet_diff", &diff_module, conn, NULL);

	if (rc == SQLITE_OK)
		rc = sqlite3_create_function(db, "covet_foreign_key_check", 1,
									 SQLITE_UTF8 | SQLITE_DIRECTONLY, NULL,
									 fn_foreign_key_check, NULL, NULL);
	if (rc != SQLITE_OK && pzErrMsg != NULL)
		*pzErrMsg = sqlite3_mprintf("covet: registering covet_diff failed: %s", sqlite3_errstr(rc));
	return rc;
}
