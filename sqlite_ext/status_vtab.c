/*-------------------------------------------------------------------------
 *
 * status_vtab.c
 *		covet_status as an eponymous-only virtual table, so that
 *		`SELECT * FROM covet_status()` reads the same in SQLite as in
 *		PostgreSQL, where covet_status() is a set-returning function.
 *
 * xFilter asks the core for the rows (covet_runner_status) and the cursor
 * keeps them until it is closed.  A database without covet's tables yet
 * has no migrations: the table is empty, nothing is created.
 *
 * The module's destructor frees the connection state (CovetConn) that the
 * functions share: it runs when the connection closes.
 *
 *-------------------------------------------------------------------------
 */
#include "covet_sqlite.h"

#include <stdlib.h>
#include <string.h>

typedef struct StatusVtab
{
	sqlite3_vtab base;
	CovetConn  *conn;
} StatusVtab;

typedef struct StatusCursor
{
	sqlite3_vtab_cursor base;
	SqliteCall	call;
	bool		have_call;
	CovetResult rows;
	int			row;
} StatusCursor;

static int
status_connect(sqlite3 *db, void *aux, int argc, const char *const *argv,
			   sqlite3_vtab **out, char **pzErr)
{
	StatusVtab *vt;
	char	   *decl;
	int			i,
				rc;
	static const char *const sqltype[] = {"text", "integer", "integer", "text"};

	(void) argc;
	(void) argv;
	(void) pzErr;
	decl = sqlite3_mprintf("CREATE TABLE x(");
	for (i = 0; decl != NULL && i < COVET_STATUS_NCOLS; i++)
	{
		char	   *next = sqlite3_mprintf("%s%s\"%w\" %s", decl, i ? ", " : "",
										   covet_status_columns[i].name,
										   sqltype[covet_status_columns[i].type]);

		sqlite3_free(decl);
		decl = next;
	}
	if (decl == NULL)
		return SQLITE_NOMEM;
	{
		char	   *full = sqlite3_mprintf("%s)", decl);

		sqlite3_free(decl);
		if (full == NULL)
			return SQLITE_NOMEM;
		rc = sqlite3_declare_vtab(db, full);
		sqlite3_free(full);
	}
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
status_disconnect(sqlite3_vtab *vtab)
{
	sqlite3_free(vtab);
	return SQLITE_OK;
}

static int
status_open(sqlite3_vtab *vtab, sqlite3_vtab_cursor **out)
{
	StatusCursor *cur = sqlite3_malloc(sizeof(*cur));

	(void) vtab;
	if (cur == NULL)
		return SQLITE_NOMEM;
	memset(cur, 0, sizeof(*cur));
	*out = &cur->base;
	return SQLITE_OK;
}

static void
cursor_reset(StatusCursor *cur)
{
	if (cur->have_call)
	{
		covet_result_free(&cur->call.driver, &cur->rows);
		covet_sqlite_call_done(&cur->call);
		cur->have_call = false;
	}
	memset(&cur->rows, 0, sizeof(cur->rows));
	cur->row = 0;
}

static int
status_close(sqlite3_vtab_cursor *c)
{
	cursor_reset((StatusCursor *) c);
	sqlite3_free(c);
	return SQLITE_OK;
}

static int
status_filter(sqlite3_vtab_cursor *c, int idxNum, const char *idxStr,
			  int argc, sqlite3_value **argv)
{
	StatusCursor *cur = (StatusCursor *) c;
	StatusVtab *vt = (StatusVtab *) c->pVtab;
	CovetError	err;

	(void) idxNum;
	(void) idxStr;
	(void) argc;
	(void) argv;
	cursor_reset(cur);
	covet_sqlite_call_init(&cur->call, vt->conn);
	cur->have_call = true;
	if (!covet_sqlite_schema_exists(&cur->call))
		return SQLITE_OK;
	/* a read cannot upgrade an earlier release's tables (DDL under a SELECT) */
	if (covet_sqlite_schema_check(&cur->call, &err) != COVET_OK ||
		covet_runner_status(&cur->call.driver, &cur->rows, &err) != COVET_OK)
	{
		sqlite3_free(vt->base.zErrMsg);
		vt->base.zErrMsg = sqlite3_mprintf("%s%s%s%s%s", err.message,
										   err.detail[0] ? "\nDETAIL: " : "", err.detail,
										   err.hint[0] ? "\nHINT: " : "", err.hint);
		return err.code == COVET_ERR_NOMEM ? SQLITE_NOMEM : SQLITE_ERROR;
	}
	return SQLITE_OK;
}

static int
status_next(sqlite3_vtab_cursor *c)
{
	((StatusCursor *) c)->row++;
	return SQLITE_OK;
}

static int
status_eof(sqlite3_vtab_cursor *c)
{
	StatusCursor *cur = (StatusCursor *) c;

	return cur->row >= cur->rows.nrows;
}

static int
status_column(sqlite3_vtab_cursor *c, sqlite3_context *ctx, int col)
{
	StatusCursor *cur = (StatusCursor *) c;
	const char *v = COVET_VALUE(&cur->rows, cur->row, col);

	if (v == NULL)
		sqlite3_result_null(ctx);
	else if (covet_status_columns[col].type == COVET_COL_INT)
		sqlite3_result_int64(ctx, strtoll(v, NULL, 10));
	else if (covet_status_columns[col].type == COVET_COL_BOOL)
		sqlite3_result_int(ctx, strcmp(v, "true") == 0);
	else
		sqlite3_result_text(ctx, v, -1, SQLITE_TRANSIENT);
	return SQLITE_OK;
}

static int
status_rowid(sqlite3_vtab_cursor *c, sqlite3_int64 *rowid)
{
	*rowid = ((StatusCursor *) c)->row + 1;
	return SQLITE_OK;
}

static int
status_best_index(sqlite3_vtab *vtab, sqlite3_index_info *info)
{
	(void) vtab;
	info->estimatedCost = 1000;
	info->estimatedRows = 1000;
	return SQLITE_OK;
}

static const sqlite3_module status_module = {
	.iVersion = 0,
	.xCreate = NULL,			/* eponymous-only */
	.xConnect = status_connect,
	.xBestIndex = status_best_index,
	.xDisconnect = status_disconnect,
	.xDestroy = status_disconnect,
	.xOpen = status_open,
	.xClose = status_close,
	.xFilter = status_filter,
	.xNext = status_next,
	.xEof = status_eof,
	.xColumn = status_column,
	.xRowid = status_rowid,
};

static void
conn_destroy(void *p)
{
	CovetConn  *conn = p;

	sqlite3_free(conn->progress_log);
	sqlite3_free(conn);
}

int
covet_status_vtab_register(sqlite3 *db, CovetConn *conn)
{
	return sqlite3_create_module_v2(db, "covet_status", &status_module, conn, conn_destroy);
}
