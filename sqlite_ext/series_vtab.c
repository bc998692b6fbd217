/*-------------------------------------------------------------------------
 *
 * series_vtab.c
 *		covet_series(lo, hi [, generators]): the integers lo..hi as a
 *		table-valued function, the row source of covet_seed's INSERT ...
 *		SELECT, and with generators the fake values of each row as well.
 *
 *     SELECT r FROM covet_series(1, 3);   -- 1, 2, 3
 *     SELECT r, c1, c2 FROM covet_series(1, 3, '7 5:email11 10:int(1, 9)');
 *
 * SQLite's generate_series lives in the shell, not in the library that
 * Python and other hosts load, and a recursive CTE counting a million rows
 * costs about a third of a seed.  This is a small eponymous virtual table
 * that counts: one visible column r, hidden arguments lo, hi and generators,
 * and hidden columns c1 .. c64.  Column cN is covet_fake(spec, key, r) for
 * the Nth generator (encoded by covet_seed_gens_encode, src/core); computed
 * here, a value costs no SQL function call (25 ns each, a quarter of a
 * seed's generating time).  The generators are parsed once per scan.
 *
 *-------------------------------------------------------------------------
 */
#include "covet_sqlite.h"

#include <stdio.h>
#include <string.h>

#define MAX_GENS 64

enum
{
	COL_R,
	COL_LO,
	COL_HI,
	COL_GENS,
	COL_C1
};

typedef struct SeriesCursor
{
	sqlite3_vtab_cursor base;
	sqlite3_int64 r;
	sqlite3_int64 hi;
	int			ngens;
	CovetFakeGen *gens[MAX_GENS];
	int64_t		keys[MAX_GENS];
	CovetFakeValue v;
} SeriesCursor;

static int
series_connect(sqlite3 *db, void *aux, int argc, const char *const *argv,
			   sqlite3_vtab **out, char **pzErr)
{
	sqlite3_vtab *vt;
	char		ddl[96 + 12 * MAX_GENS];
	size_t		len;
	int			rc,
				i;

	(void) aux;
	(void) argc;
	(void) argv;
	(void) pzErr;
	len = (size_t) snprintf(ddl, sizeof(ddl),
							"CREATE TABLE x(r integer, lo hidden, hi hidden, generators hidden");
	for (i = 1; i <= MAX_GENS; i++)
		len += (size_t) snprintf(ddl + len, sizeof(ddl) - len, ", c%d hidden", i);
	snprintf(ddl + len, sizeof(ddl) - len, ")");
	rc = sqlite3_declare_vtab(db, ddl);
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

static void
free_gens(SeriesCursor *cur)
{
	while (cur->ngens > 0)
		covet_fake_free(&covet_sqlite_malloc_mem, cur->gens[--cur->ngens]);
}

static int
series_close(sqlite3_vtab_cursor *c)
{
	free_gens((SeriesCursor *) c);
	sqlite3_free(c);
	return SQLITE_OK;
}

/*
 * lo and hi are required, generators optional: idxNum 1 when given.  argv
 * holds them in that order.
 */
static int
series_best_index(sqlite3_vtab *vt, sqlite3_index_info *info)
{
	int			at[3] = {-1, -1, -1},
				i,
				n = 0;

	for (i = 0; i < info->nConstraint; i++)
	{
		const struct sqlite3_index_constraint *c = &info->aConstraint[i];

		if (c->op != SQLITE_INDEX_CONSTRAINT_EQ ||
			c->iColumn < COL_LO || c->iColumn > COL_GENS)
			continue;
		if (!c->usable)
			return SQLITE_CONSTRAINT;
		at[c->iColumn - COL_LO] = i;
	}
	if (at[0] < 0 || at[1] < 0)
	{
		sqlite3_free(vt->zErrMsg);
		vt->zErrMsg = sqlite3_mprintf("covet_series takes two arguments, lo and hi, and optionally generators");
		return SQLITE_ERROR;
	}
	for (i = 0; i < 3; i++)
		if (at[i] >= 0)
		{
			info->aConstraintUsage[at[i]].argvIndex = ++n;
			info->aConstraintUsage[at[i]].omit = 1;
		}
	info->idxNum = at[2] >= 0;
	info->estimatedCost = 1.0;
	info->estimatedRows = 1000;
	if (info->nOrderBy == 1 && info->aOrderBy[0].iColumn == COL_R && !info->aOrderBy[0].desc)
		info->orderByConsumed = 1;
	return SQLITE_OK;
}

/* Parse the generators argument into the cursor. */
static int
parse_gens(SeriesCursor *cur, const char *text)
{
	const char *p = text;
	const char *spec;
	size_t		len;
	int64_t		key;
	bool		bad;
	CovetError	err;

	while (covet_seed_gens_next(&p, &key, &spec, &len, &bad))
	{
		char	   *copy;
		CovetStatus rc;

		if (cur->ngens == MAX_GENS)
		{
			cur->base.pVtab->zErrMsg =
				sqlite3_mprintf("covet_series: more than %d generators", MAX_GENS);
			return SQLITE_ERROR;
		}
		if ((copy = sqlite3_mprintf("%.*s", (int) len, spec)) == NULL)
			return SQLITE_NOMEM;
		rc = covet_fake_parse(&covet_sqlite_malloc_mem, copy, &cur->gens[cur->ngens], &err);
		sqlite3_free(copy);
		if (rc != COVET_OK)
		{
			cur->base.pVtab->zErrMsg = sqlite3_mprintf("covet_series: %s", err.message);
			return SQLITE_ERROR;
		}
		cur->keys[cur->ngens++] = key;
	}
	if (bad)
	{
		cur->base.pVtab->zErrMsg =
			sqlite3_mprintf("covet_series: generators must be \"<key> <length>:<spec>\" back to back, not \"%s\"", p);
		return SQLITE_ERROR;
	}
	return SQLITE_OK;
}

/* A bound (not NULL) as a bigint, judged as PostgreSQL's generate_series judges it. */
static int
series_bound(sqlite3_vtab_cursor *c, sqlite3_value *v, sqlite3_int64 *out)
{
	char		buf[COVET_SQLITE_INT_TEXT];
	const char *text;
	CovetError	err;
	int64_t		n;

	if (sqlite3_value_type(v) == SQLITE_INTEGER)
	{
		*out = sqlite3_value_int64(v);
		return SQLITE_OK;
	}
	if ((text = covet_sqlite_int_text(v, buf)) == NULL)
		return SQLITE_NOMEM;
	if (covet_int_parse(text, true, &n, &err) != COVET_OK)
	{
		sqlite3_free(c->pVtab->zErrMsg);
		c->pVtab->zErrMsg = sqlite3_mprintf("covet_series: %s", err.message);
		return c->pVtab->zErrMsg ? SQLITE_ERROR : SQLITE_NOMEM;
	}
	*out = n;
	return SQLITE_OK;
}

static int
series_filter(sqlite3_vtab_cursor *c, int idxNum, const char *idxStr,
			  int argc, sqlite3_value **argv)
{
	SeriesCursor *cur = (SeriesCursor *) c;
	int			rc;

	(void) idxStr;
	free_gens(cur);
	if (argc < 2 || sqlite3_value_type(argv[0]) == SQLITE_NULL ||
		sqlite3_value_type(argv[1]) == SQLITE_NULL)
	{
		/* no rows for NULL bounds, as generate_series */
		cur->r = 1;
		cur->hi = 0;
		return SQLITE_OK;
	}
	if ((rc = series_bound(c, argv[0], &cur->r)) != SQLITE_OK ||
		(rc = series_bound(c, argv[1], &cur->hi)) != SQLITE_OK)
		return rc;
	if (idxNum == 1 && argc == 3 && sqlite3_value_type(argv[2]) != SQLITE_NULL)
	{
		const char *text = (const char *) sqlite3_value_text(argv[2]);

		if (text == NULL)
			return SQLITE_NOMEM;
		sqlite3_free(c->pVtab->zErrMsg);
		c->pVtab->zErrMsg = NULL;
		if (strlen(text) != (size_t) sqlite3_value_bytes(argv[2]))
		{
			c->pVtab->zErrMsg = sqlite3_mprintf("generators must not contain a NUL character");
			return SQLITE_ERROR;
		}
		return parse_gens(cur, text);
	}
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

/* r, or the value of generator cN (NULL past the last one) */
static int
series_column(sqlite3_vtab_cursor *c, sqlite3_context *ctx, int col)
{
	SeriesCursor *cur = (SeriesCursor *) c;
	CovetFakeValue *v = &cur->v;
	int			g = col - COL_C1;

	if (col == COL_R)
	{
		sqlite3_result_int64(ctx, cur->r);
		return SQLITE_OK;
	}
	if (g < 0 || g >= cur->ngens)
		return SQLITE_OK;		/* NULL */
	covet_fake_eval(cur->gens[g], cur->keys[g], cur->r, v);
	covet_sqlite_result_fake(ctx, v);
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
