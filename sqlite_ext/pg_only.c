/*-------------------------------------------------------------------------
 *
 * pg_only.c
 *		The functions that exist only in PostgreSQL, registered on SQLite
 *		to say so and to name the SQLite way, instead of "no such function".
 *
 *		sqlite> SELECT covet_backfill_background('t', 'n = n + 1');
 *		Error: covet_backfill_background is not available on SQLite
 *		HINT: SQLite has no background workers; call covet_backfill(...)
 *		from a separate connection in autocommit mode (it commits after
 *		each batch), and watch it in covet_runs.
 *
 * Each is registered for any number of arguments (nArg -1): SQLite
 * prefers a registration with the exact count, so a function that gains a
 * real SQLite form later keeps it.  The list: every named operation's
 * _background and _commit forms (from covet_op_defs), and the few others
 * below.  test/sqlite/engines.py checks it against the install scripts.
 *
 *-------------------------------------------------------------------------
 */
#include "covet_sqlite.h"

#include <string.h>

typedef struct PgOnly
{
	char	   *name;
	char	   *hint;
} PgOnly;

static const struct
{
	const char *name;
	const char *hint;
}			others[] = {
	{"covet_resume_background",
	 "SQLite has no background workers; call covet_resume(run_id) from a separate connection"
	 " in autocommit mode (it commits after each batch), and watch it in covet_runs."},
	{"covet_resume_commit",
	 "On SQLite, covet_resume(run_id) commits after each batch when called in autocommit mode."},
	{"covet_wait",
	 "SQLite has no background runs to wait for; a run ends when its call returns."
	 " Another connection can follow it in covet_runs (state, rows_done)."},
	{"covet_fixture_rows",
	 "It is an internal helper of covet_loaddata in PostgreSQL; SQLite's covet_loaddata"
	 " does without it."},
	{"covet_json_quote",
	 "It is an internal helper of covet_dumpdata in PostgreSQL; SQLite's covet_dumpdata"
	 " does without it (json_quote() is SQLite's own)."},
};

static void
fn_pg_only(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const PgOnly *p = sqlite3_user_data(ctx);
	CovetError	err;

	(void) argc;
	(void) argv;
	covet_error_set(&err, COVET_ERR_STATE, "%s is not available on SQLite", p->name);
	covet_error_hint(&err, "%s", p->hint);
	covet_sqlite_result_error(ctx, &err);
}

static void
pg_only_free(void *p)
{
	sqlite3_free(((PgOnly *) p)->name);
	sqlite3_free(((PgOnly *) p)->hint);
	sqlite3_free(p);
}

static int
add(sqlite3 *db, char *name, char *hint, char **pzErrMsg)
{
	PgOnly	   *p = sqlite3_malloc(sizeof(PgOnly));
	int			rc;

	if (p == NULL || name == NULL || hint == NULL)
	{
		sqlite3_free(p);
		sqlite3_free(name);
		sqlite3_free(hint);
		return SQLITE_NOMEM;
	}
	p->name = name;
	p->hint = hint;
	/* on failure SQLite calls pg_only_free itself */
	rc = sqlite3_create_function_v2(db, name, -1, SQLITE_UTF8 | SQLITE_DIRECTONLY, p,
									fn_pg_only, NULL, NULL, pg_only_free);
	if (rc != SQLITE_OK)
		*pzErrMsg = sqlite3_mprintf("covet: could not register a PostgreSQL-only name: %s",
									sqlite3_errmsg(db));
	return rc;
}

int
covet_pg_only_register(sqlite3 *db, char **pzErrMsg)
{
	size_t		i;
	int			rc = SQLITE_OK;

	for (i = 0; rc == SQLITE_OK && covet_op_defs[i].name != NULL; i++)
	{
		const char *op = covet_op_defs[i].name;

		rc = add(db, sqlite3_mprintf("covet_%s_background", op),
				 sqlite3_mprintf("SQLite has no background workers; call covet_%s(...) from a"
								 " separate connection in autocommit mode (it commits after each"
								 " batch), and watch it in covet_runs.", op), pzErrMsg);
		if (rc == SQLITE_OK)
			rc = add(db, sqlite3_mprintf("covet_%s_commit", op),
					 sqlite3_mprintf("On SQLite, covet_%s(...) commits after each batch when"
									 " called in autocommit mode.", op), pzErrMsg);
	}
	for (i = 0; rc == SQLITE_OK && i < sizeof(others) / sizeof(others[0]); i++)
		rc = add(db, sqlite3_mprintf("%s", others[i].name),
				 sqlite3_mprintf("%s", others[i].hint), pzErrMsg);
	return rc;
}
