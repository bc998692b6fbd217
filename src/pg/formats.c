/*-------------------------------------------------------------------------
 *
 * formats.c
 *		covet_load_text and covet_adopt in PostgreSQL: thin wrappers around
 *		the core (src/core/load.c, src/core/adopt.c).
 *
 * covet_load_text(filename, text) defines migrations from text the client
 * sends, so nothing has to be on the database server and no file
 * privilege is needed:
 *
 *		\set content `cat migrations/1_init.up.sql`
 *		SELECT covet_load_text('1_init.up.sql', :'content');
 *
 * covet_adopt() reads the history table of the tool the loaded files came
 * from and marks what it applied as applied.  Both run in the caller's
 * transaction under the runner lock, like covet_load.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <string.h>

#include "fmgr.h"
#include "utils/builtins.h"

#include "covet_pg.h"
#include "formats.h"

typedef struct LoadTextArgs
{
	const char *filename;
	const char *text;
} LoadTextArgs;

static CovetStatus
core_load_text(CovetDriver *d, void *arg, char **report, CovetError *err)
{
	LoadTextArgs *a = (LoadTextArgs *) arg;

	return covet_runner_load_text(d, a->filename, a->text, strlen(a->text), report, err);
}

static CovetStatus
core_adopt(CovetDriver *d, void *arg, char **report, CovetError *err)
{
	return covet_runner_adopt(d, report, err);
}

static char *
required_text(FunctionCallInfo fcinfo, int n, const char *name)
{
	CovetError	err;

	if (PG_ARGISNULL(n))
	{
		covet_error_set(&err, COVET_ERR_NULL, "%s must not be null", name);
		covet_pg_raise(&err);
	}
	return text_to_cstring(PG_GETARG_TEXT_PP(n));
}

/* covet_load_text(filename, text): define the migrations of one file's text. */
PG_FUNCTION_INFO_V1(covet_load_text);
Datum
covet_load_text(PG_FUNCTION_ARGS)
{
	LoadTextArgs a;

	a.filename = required_text(fcinfo, 0, "filename");
	a.text = required_text(fcinfo, 1, "text");
	return covet_pg_run_report(core_load_text, &a, NULL);
}

/* covet_adopt(): mark applied what another tool's history says it applied. */
PG_FUNCTION_INFO_V1(covet_adopt);
Datum
covet_adopt(PG_FUNCTION_ARGS)
{
	return covet_pg_run_report(core_adopt, NULL, NULL);
}
