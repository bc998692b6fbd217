/*-------------------------------------------------------------------------
 *
 * series_vtab.c
 *		covet_series(lo, hi): the integers lo..hi as a table-valued function,
 *		the row source of covet_seed's INSERT ... SELECT.
 *
 *     SELECT r FROM covet_series(1, 3);   -- 1, 2, 3
 *
 * SQLite's generate_series lives in the shell, not in the library that
 * Python and other hosts load, and a recursive CTE counting a million rows
 * costs about a third of a seed.  This is the smallest eponymous virtual
 * table that counts: one visible column r, two hidden arguments.
 *
 *-------------------------------------------------------------------------
 */
#include "covet_sqlite.h"

#include <string.h>

enum
{
	COL_R,
	COL_LO,
	COL_HI
};

typedef struct SeriesCursor
{
	sqlite3_vtab_cursor base;
	sqlite3_int64 r;
	sqlite3_int64 hi;
} SeriesCursor;

static int
series_connect(sqlite3 *db, void *aux, int argc, const char *const *argv,
			   sqlite3_vtab **out, char **pzErr)
{
	sqlite3_vtab *vt;
	int			rc;

	(void) aux;
	(void) argc;
	(void) argv;
	(void) pzErr;
	rc = sqlite3_declare_vtab(db, "CREATE TABLE x(r integer, lo hidden, hi hidden)");
	if (rc != SQLITE_OK)
		return rc;
	if ((vt = sqlite3_malloc(sizeof(*vt))) == NULL)
		return SQLITE_NOMEM;
	memset(vt, 0, sizeof(*vt));
	sqlite3_vtab_config(db, SQLITE_VTAB_INNOCUOUS);
	*out = vt;
	return SQLITE_OK;
}

static int
series_disconnect(sqlite3_vtab *vt)
{
	sqlite3_free(vt);
	return SQLITE_OK;
}

static int
series_open(sqlite3_vtab *vt, sqlite3_vtab_cursor **out)
{
	SeriesCursor *cur = sqlite3_malloc(sizeof(*cur));

	(void) vt;
	if (cur == NULL)
		return SQLITE_NOMEM;
	memset(cur, 0, sizeof(*cur));
	*out = &cur->base;
	return SQLITE_OK;
}

static int
series_close(sqlite3_vtab_cursor *c)
{
	sqlite3_free(c);
	return SQLITE_OK;
}

/* Both arguments are required: idxNum says where they are in argv. */
static int
series_best_index(sqlite3_vtab *vt, sqlite3_index_info *info)
{
	int			lo = -1,
				hi = -1,
				i;

	for (i = 0; i < info->nConstraint; i++)
	{
		const struct sqlite3_index_constraint *c = &info->aConstraint[i];

		if (c->op != SQLITE_INDEX_CONSTRAINT_EQ)
			continue;
		if (!c->usable)
			return SQLITE_CONSTRAINT;
		if (c->iColumn == COL_LO)
			lo = i;
		else if (c->iColumn == COL_HI)
			hi = i;
	}
	if (lo < 0 || hi < 0)
	{
		sqlite3_free(vt->zErrMsg);
		vt->zErrMsg = sqlite3_mprintf("covet_series takes two arguments: lo and hi");
		return SQLITE_ERROR;
	}
	info->aConstraintUsage[lo].argvIndex = 1;
	info->aConstraintUsage[lo].omit = 1;
	info->aConstraintUsage[hi].argvIndex = 2;
	info->aConstraintUsage[hi].omit = 1;
	info->estimatedCost = 1.0;
	info->estimatedRows = 1000;
	if (info->nOrderBy == 1 && info->aOrderBy[0].iColumn == COL_R && !info->aOrderBy[0].desc)
		info->orderByConsumed = 1;
	return SQLITE_OK;
}

static int
series_filter(sqlite3_vtab_cursor *c, int idxNum, const char *idxStr,
			  int argc, sqlite3_value **argv)
{
	SeriesCursor *cur = (SeriesCursor *) c;

	(void) idxNum;
	(void) idxStr;
	if (argc != 2 || sqlite3_value_type(argv[0]) == SQLITE_NULL ||
		sqlite3_value_type(argv[1]) == SQLITE_NULL)
	{
		/* no rows for NULL bounds, as generate_series */
		cur->r = 1;
		cur->hi = 0;
		return SQLITE_OK;
	}
	cur->r = sqlite3_value_int64(argv[0]);
	cur->hi = sqlite3_value_int64(argv[1]);
	return SQLITE_OK;
}

static int
series_next(sqlite3_vtab_cursor *c)
{
	((SeriesCursor *) c)->r++;
	return SQLITE_OK;
}

static int
series_eof(sqlite3_vtab_cursor *c)
{
	SeriesCursor *cur = (SeriesCursor *) c;

	return cur->r > cur->hi;
}

static int
series_column(sqlite3_vtab_cursor *c, sqlite3_context *ctx, int col)
{
	(void) col;
	sqlite3_result_int64(ctx, ((SeriesCursor *) c)->r);
	return SQLITE_OK;
}

static int
series_rowid(sqlite3_vtab_cursor *c, sqlite3_int64 *rowid)
{
	*rowid = ((SeriesCursor *) c)->r;
	return SQLITE_OK;
}

static const sqlite3_module series_module = {
	.iVersion = 0,
	.xCreate = NULL,			/* eponymous-only */
	.xConnect = series_connect,
	.xBestIndex = series_best_index,
	.xDisconnect = series_disconnect,
	.xDestroy = series_disconnect,
	.xOpen = series_open,
	.xClose = series_close,
	.xFilter = series_filter,
	.xNext = series_next,
	.xEof = series_eof,
	.xColumn = series_column,
	.xRowid = series_rowid,
};

int
covet_series_vtab_register(sqlite3 *db)
{
	return sqlite3_create_module(db, "covet_series", &series_module, NULL);
}
