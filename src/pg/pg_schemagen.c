/*-------------------------------------------------------------------------
 *
 * pg_schemagen.c
 *		covet_makemigration and covet_squash for PostgreSQL: arguments in,
 *		the core (makemig.c, squash.c), the migration text out.
 *
 *     SELECT covet_makemigration('0007_email', 'public',
 *                                $$CREATE TABLE users (id int PRIMARY KEY, email text)$$);
 *     SELECT covet_squash('0001_init', '0040_orders', '0040_squashed');
 *
 * An SQL target is built in the scratch schema covet_diff_<pid>; a squash
 * applies the migrations in covet_squash_<pid> with search_path set to
 * it, inside a savepoint that is rolled back.  Both run in the caller's
 * transaction.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "catalog/namespace.h"
#include "utils/lsyscache.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "covet_pg.h"
#include "schemagen.h"

static void
raise_null(const char *name)
{
	CovetError	err;

	covet_error_set(&err, COVET_ERR_NULL, "%s must not be null", name);
	covet_pg_raise(&err);
}

static char *
arg_text(FunctionCallInfo fcinfo, int n, const char *name, bool required)
{
	if (PG_NARGS() <= n || PG_ARGISNULL(n))
	{
		if (required)
			raise_null(name);
		return NULL;
	}
	return text_to_cstring(PG_GETARG_TEXT_PP(n));
}

static bool
arg_bool(FunctionCallInfo fcinfo, int n, const char *name)
{
	if (PG_NARGS() <= n)
		return false;
	if (PG_ARGISNULL(n))
		raise_null(name);
	return PG_GETARG_BOOL(n);
}

/* Run fn; its text, or SQL NULL when it gives none. */
static Datum
run_text(FunctionCallInfo fcinfo, CovetPgCoreFn fn, void *arg)
{
	CovetPgCall call;
	text	   *result = NULL;

	covet_pg_call_begin(&call, covet_lock_timeout);
	covet_pg_call_run(&call, fn, arg);
	if (call.status == COVET_OK && call.report != NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(call.callercxt);

		result = cstring_to_text(call.report);
		MemoryContextSwitchTo(old);
	}
	covet_pg_call_end(&call);
	if (call.status != COVET_OK)
		covet_pg_raise(&call.err);
	if (result == NULL)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(result);
}

static bool
is_sql_text(const char *s)
{
	return strpbrk(s, " \t\r\n(;") != NULL;
}

static CovetStatus
core_makemigration(CovetDriver *d, void *arg, char **report, CovetError *err)
{
	return covet_makemigration_run(d, (const CovetMakeMigration *) arg, report, err);
}

typedef struct SquashCall
{
	CovetSquash args;
	const char *setup[3];
} SquashCall;

static CovetStatus
core_squash(CovetDriver *d, void *arg, char **report, CovetError *err)
{
	SquashCall *sc = arg;

	sc->args.scratch = d;
	sc->args.scratch_setup = sc->setup;
	sc->args.scratch_savepoint = true;
	return covet_squash_run(d, &sc->args, report, err);
}

/*
 * covet_makemigration(name, source, target, renames, allow_data_loss):
 * define a migration (and its non-transactional parts) from a diff.
 */
PG_FUNCTION_INFO_V1(covet_makemigration);
Datum
covet_makemigration(PG_FUNCTION_ARGS)
{
	CovetMakeMigration a;

	memset(&a, 0, sizeof(a));
	a.name = arg_text(fcinfo, 0, "name", true);
	a.diff.source = arg_text(fcinfo, 1, "source", true);
	a.diff.target = arg_text(fcinfo, 2, "target", true);
	a.diff.renames = arg_text(fcinfo, 3, "renames", false);
	a.allow_data_loss = arg_bool(fcinfo, 4, "allow_data_loss");
	a.diff.target_is_sql = is_sql_text(a.diff.target);
	a.diff.scratch_name = psprintf("covet_diff_%d", MyProcPid);
	a.diff.scratch_create = psprintf("CREATE SCHEMA %s", quote_identifier(a.diff.scratch_name));
	/* quietly, as covet_diff: no NOTICE listing what the cascade dropped */
	a.diff.scratch_drop = psprintf("SELECT pg_catalog.set_config('client_min_messages', 'warning', true);"
								   " DROP SCHEMA %s CASCADE;"
								   " SELECT pg_catalog.set_config('client_min_messages', %s, true)",
								   quote_identifier(a.diff.scratch_name),
								   quote_literal_cstr(GetConfigOption("client_min_messages", false, false)));
	return run_text(fcinfo, core_makemigration, &a);
}

/*
 * covet_squash(first, last, name, elide, renames, allow_data_loss): one
 * migration replacing first..last.
 */
PG_FUNCTION_INFO_V1(covet_squash);
Datum
covet_squash(PG_FUNCTION_ARGS)
{
	SquashCall	sc;
	char	   *schema;

	memset(&sc, 0, sizeof(sc));
	sc.args.first = arg_text(fcinfo, 0, "first", true);
	sc.args.last = arg_text(fcinfo, 1, "last", true);
	sc.args.name = arg_text(fcinfo, 2, "name", true);
	sc.args.elide = arg_text(fcinfo, 3, "elide", false);
	sc.args.renames = arg_text(fcinfo, 4, "renames", false);
	sc.args.allow_data_loss = arg_bool(fcinfo, 5, "allow_data_loss");
	schema = psprintf("covet_squash_%d", MyProcPid);
	{
		List	   *path = fetch_search_path(false);

		if (path != NIL)
			sc.args.home_schema = get_namespace_name(linitial_oid(path));
	}
	sc.args.scratch_schema = schema;
	sc.setup[0] = psprintf("CREATE SCHEMA %s", quote_identifier(schema));
	sc.setup[1] = psprintf("SELECT pg_catalog.set_config('search_path', %s, true)",
						   quote_literal_cstr(quote_identifier(schema)));
	sc.setup[2] = NULL;
	return run_text(fcinfo, core_squash, &sc);
}
