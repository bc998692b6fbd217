/*-------------------------------------------------------------------------
 *
 * formats.c
 *		SQLite functions covet_load_text and covet_adopt (src/core/load.c,
 *		src/core/adopt.c).
 *
 * How it works: covet_load_text(filename, text) defines migrations from a
 * file's text sent by the host (the file name decides golang-migrate and
 * Flyway files, the text the others); covet_adopt() reads the history
 * table of the tool the loaded files came from and marks what it applied
 * as applied.  Both run SQL and write: SQLITE_DIRECTONLY.
 *
 *     sqlite> .load ./covet
 *     sqlite> SELECT covet_load_text('1_init.up.sql', readfile('m/1_init.up.sql'));
 *     defined 1_init from 1_init.up.sql (golang-migrate format)
 *     sqlite> SELECT covet_adopt();
 *
 *-------------------------------------------------------------------------
 */
#include "covet_sqlite.h"
#include "formats.h"

#include <string.h>

static void
fn_load_text(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	SqliteCall	call;
	CovetError	err;
	char	   *report = NULL;
	CovetStatus rc;
	const char *filename = covet_sqlite_arg_text(argc, argv, 0);
	const char *text = covet_sqlite_arg_text(argc, argv, 1);

	if (filename == NULL)
	{
		covet_sqlite_error_text(ctx, COVET_ERR_NULL, "%s must not be null", "filename");
		return;
	}
	if (text == NULL)
	{
		covet_sqlite_error_text(ctx, COVET_ERR_NULL, "%s must not be null", "text");
		return;
	}
	if (!covet_sqlite_no_nul(ctx, 1, argv, "filename"))
		return;
	covet_sqlite_call_init(&call, sqlite3_user_data(ctx));
	rc = covet_runner_load_text(&call.driver, filename, text,
								(size_t) sqlite3_value_bytes(argv[1]), &report, &err);
	covet_sqlite_finish(ctx, &call, rc, report, &err);
}

static void
fn_adopt(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	SqliteCall	call;
	CovetError	err;
	char	   *report = NULL;
	CovetStatus rc;

	(void) argc;
	(void) argv;
	covet_sqlite_call_init(&call, sqlite3_user_data(ctx));
	rc = covet_runner_adopt(&call.driver, &report, &err);
	covet_sqlite_finish(ctx, &call, rc, report, &err);
}

static const struct
{
	const char *name;
	int			nargs;
	void		(*fn) (sqlite3_context *, int, sqlite3_value **);
}			format_functions[] = {
	{"covet_load_text", 2, fn_load_text},
	{"covet_adopt", 0, fn_adopt},
};

int
covet_formats_register(sqlite3 *db, CovetConn *conn, char **pzErrMsg)
{
	size_t		i;

	for (i = 0; i < sizeof(format_functions) / sizeof(format_functions[0]); i++)
	{
		int			rc = sqlite3_create_function_v2(db, format_functions[i].name,
													format_functions[i].nargs,
													SQLITE_UTF8 | SQLITE_DIRECTONLY, conn,
													format_functions[i].fn, NULL, NULL, NULL);

		if (rc != SQLITE_OK)
		{
			*pzErrMsg = sqlite3_mprintf("covet: could not register %s: %s",
										format_functions[i].name, sqlite3_errmsg(db));
			return rc;
		}
	}
	return SQLITE_OK;
}
