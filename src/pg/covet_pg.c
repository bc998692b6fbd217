/*-------------------------------------------------------------------------
 *
 * covet_pg.c
 *		covet's SQL functions in PostgreSQL: thin wrappers around the core.
 *
 * Each wrapper unpacks its arguments, starts a call (pg_driver.c), runs
 * one core entry point, copies the result into the caller's memory and
 * maps a failure to an ERROR in covet_pg_raise.  The runner works in the
 * caller's transaction: a failure aborts it, so the database is as before
 * the call.
 *
 *		SELECT covet_define('001_users', 'CREATE TABLE users (id int)',
 *							'DROP TABLE users');
 *		SELECT covet_migrate_up();
 *		SELECT name, state, drift FROM covet_status();
 *
 * Functions are not STRICT: a NULL where a value is required is an error
 * naming the argument (22004), rather than a silent NULL result.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <limits.h>

#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/tuplestore.h"

#include "covet_pg.h"

PG_MODULE_MAGIC;

/* covet.lock_timeout: how long a runner waits for the runner lock, in ms. */
static int	covet_lock_timeout = 60000;

void		_PG_init(void);

void
_PG_init(void)
{
	DefineCustomIntVariable("covet.lock_timeout",
							"Sets how long a migration runner waits for the runner lock.",
							"A runner that does not get the lock in time fails with an error naming the holder. Zero tries once.",
							&covet_lock_timeout,
							60000, 0, INT_MAX,
							PGC_USERSET,
							GUC_UNIT_MS,
							NULL, NULL, NULL);
	MarkGUCPrefixReserved("covet");
}

/* ---------------------------------------------------------------------
 * Arguments
 * ---------------------------------------------------------------------
 */
static void raise_null(const char *name) pg_attribute_noreturn();
static void raise_empty(const char *name) pg_attribute_noreturn();

static void
raise_null(const char *name)
{
	CovetError	err;

	covet_error_set(&err, COVET_ERR_NULL, "%s must not be null", name);
	covet_pg_raise(&err);
}

static void
raise_empty(const char *name)
{
	CovetError	err;

	covet_error_set(&err, COVET_ERR_INVALID, "%s must not be empty", name);
	covet_pg_raise(&err);
}

/* Text argument n, or NULL when SQL NULL is allowed. */
static char *
arg_text(FunctionCallInfo fcinfo, int n, const char *name, bool required)
{
	if (PG_ARGISNULL(n))
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
	if (PG_ARGISNULL(n))
		raise_null(name);
	return PG_GETARG_BOOL(n);
}

/* ---------------------------------------------------------------------
 * Running the core
 * ---------------------------------------------------------------------
 */

/* Run fn in a call and return its report as text, or raise its error. */
static Datum
run_report(CovetPgCoreFn fn, void *arg)
{
	CovetPgCall call;
	text	   *result = NULL;

	covet_pg_call_begin(&call, covet_lock_timeout);
	covet_pg_call_run(&call, fn, arg);
	if (call.status == COVET_OK)
	{
		MemoryContext old = MemoryContextSwitchTo(call.callercxt);

		result = cstring_to_text(call.report ? call.report : "");
		MemoryContextSwitchTo(old);
	}
	covet_pg_call_end(&call);
	if (call.status != COVET_OK)
		covet_pg_raise(&call.err);
	PG_RETURN_TEXT_P(result);
}

static CovetStatus
core_define(CovetDriver *d, void *arg, char **report, CovetError *err)
{
	return covet_runner_define(d, (const CovetDefine *) arg, report, err);
}

static CovetStatus
core_load(CovetDriver *d, void *arg, char **report, CovetError *err)
{
	return covet_runner_load(d, (const char *) arg, report, err);
}

typedef struct RunArgs
{
	const char *name;			/* target or migration name */
	int			steps;
	bool		dry_run;
} RunArgs;

static CovetStatus
core_up(CovetDriver *d, void *arg, char **report, CovetError *err)
{
	RunArgs    *a = (RunArgs *) arg;

	return covet_runner_up(d, a->name, a->dry_run, report, err);
}

static CovetStatus
core_down(CovetDriver *d, void *arg, char **report, CovetError *err)
{
	RunArgs    *a = (RunArgs *) arg;

	return covet_runner_down(d, a->steps, a->name, a->dry_run, report, err);
}

static CovetStatus
core_apply(CovetDriver *d, void *arg, char **report, CovetError *err)
{
	RunArgs    *a = (RunArgs *) arg;

	return covet_runner_apply(d, a->name, a->dry_run, report, err);
}

static CovetStatus
core_status(CovetDriver *d, void *arg, char **report, CovetError *err)
{
	return covet_runner_status(d, (CovetResult *) arg, err);
}

/* ---------------------------------------------------------------------
 * SQL functions
 * ---------------------------------------------------------------------
 */

/* covet_version(): the library's version. */
PG_FUNCTION_INFO_V1(covet_version);
Datum
covet_version(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(cstring_to_text(COVET_VERSION));
}

/*
 * covet_checksum(up, down): a migration's checksum.  A NULL down means no
 * down section, as in covet.migrations; a NULL up gives NULL.
 */
PG_FUNCTION_INFO_V1(covet_checksum);
Datum
covet_checksum(PG_FUNCTION_ARGS)
{
	char		out[COVET_CHECKSUM_LEN + 1];
	char	   *up;
	char	   *down;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	up = text_to_cstring(PG_GETARG_TEXT_PP(0));
	down = PG_ARGISNULL(1) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(1));
	covet_checksum_compute(up, down, out);
	PG_RETURN_TEXT_P(cstring_to_text(out));
}

/* covet_define(name, up, down, depends_on, kind): define one migration. */
PG_FUNCTION_INFO_V1(covet_define);
Datum
covet_define(PG_FUNCTION_ARGS)
{
	CovetDefine def;

	def.name = arg_text(fcinfo, 0, "name", true);
	def.up = arg_text(fcinfo, 1, "up", true);
	def.down = arg_text(fcinfo, 2, "down", false);
	def.depends_on = arg_text(fcinfo, 3, "depends_on", false);
	def.kind = arg_text(fcinfo, 4, "kind", false);
	def.atomic = true;
	return run_report(core_define, &def);
}

/* covet_load(path): define the migrations in a server file or directory. */
PG_FUNCTION_INFO_V1(covet_load);
Datum
covet_load(PG_FUNCTION_ARGS)
{
	char	   *path = arg_text(fcinfo, 0, "path", true);

	return run_report(core_load, path);
}

/* covet_migrate_up(target, dry_run): apply pending migrations. */
PG_FUNCTION_INFO_V1(covet_migrate_up);
Datum
covet_migrate_up(PG_FUNCTION_ARGS)
{
	RunArgs		a;

	a.name = arg_text(fcinfo, 0, "target", false);
	a.dry_run = arg_bool(fcinfo, 1, "dry_run");
	a.steps = 0;
	return run_report(core_up, &a);
}

/* covet_migrate_down(steps integer, dry_run): roll back the last steps. */
PG_FUNCTION_INFO_V1(covet_migrate_down_steps);
Datum
covet_migrate_down_steps(PG_FUNCTION_ARGS)
{
	RunArgs		a;

	if (PG_ARGISNULL(0))
		raise_null("steps");
	a.steps = PG_GETARG_INT32(0);
	a.name = NULL;
	a.dry_run = arg_bool(fcinfo, 1, "dry_run");
	return run_report(core_down, &a);
}

/* covet_migrate_down(target text, dry_run): roll back until target is last. */
PG_FUNCTION_INFO_V1(covet_migrate_down_target);
Datum
covet_migrate_down_target(PG_FUNCTION_ARGS)
{
	RunArgs		a;

	a.name = arg_text(fcinfo, 0, "target", true);
	a.steps = 0;
	a.dry_run = arg_bool(fcinfo, 1, "dry_run");
	return run_report(core_down, &a);
}

/* covet_apply(name, dry_run): apply one migration (dependencies first). */
PG_FUNCTION_INFO_V1(covet_apply);
Datum
covet_apply(PG_FUNCTION_ARGS)
{
	RunArgs		a;

	a.name = arg_text(fcinfo, 0, "name", true);
	a.steps = 0;
	a.dry_run = arg_bool(fcinfo, 1, "dry_run");
	return run_report(core_apply, &a);
}

/* covet_status(): one row per defined migration, in plan order. */
PG_FUNCTION_INFO_V1(covet_status);
Datum
covet_status(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	CovetPgCall call;
	CovetResult res;
	TupleDesc	desc;
	int			i;

	InitMaterializedSRF(fcinfo, 0);
	desc = rsinfo->setDesc;

	memset(&res, 0, sizeof(res));
	covet_pg_call_begin(&call, covet_lock_timeout);
	covet_pg_call_run(&call, core_status, &res);

	if (call.status == COVET_OK)
	{
		bool		match = desc->natts == COVET_STATUS_NCOLS &&
			res.ncols == COVET_STATUS_NCOLS;

		for (i = 0; match && i < COVET_STATUS_NCOLS; i++)
			match = strcmp(NameStr(TupleDescAttr(desc, i)->attname),
						   covet_status_columns[i].name) == 0;
		if (!match)
			call.status = covet_error_set(&call.err, COVET_ERR_INTERNAL,
										  "covet_status() is declared with other columns than the library returns");
		else
		{
			AttInMetadata *meta = TupleDescGetAttInMetadata(desc);

			for (i = 0; i < res.nrows; i++)
			{
				HeapTuple	tuple;

				tuple = BuildTupleFromCStrings(meta, &res.values[i * res.ncols]);
				tuplestore_puttuple(rsinfo->setResult, tuple);
				heap_freetuple(tuple);
			}
		}
	}
	covet_pg_call_end(&call);
	if (call.status != COVET_OK)
		covet_pg_raise(&call.err);
	return (Datum) 0;
}

/* covet_set(name, value): change a covet setting for the session. */
PG_FUNCTION_INFO_V1(covet_set);
Datum
covet_set(PG_FUNCTION_ARGS)
{
	char	   *name = arg_text(fcinfo, 0, "name", true);
	char	   *value = arg_text(fcinfo, 1, "value", true);

	if (strcmp(name, "lock_timeout") != 0)
	{
		CovetError	err;

		covet_error_set(&err, COVET_ERR_INVALID, "unknown covet setting \"%s\"",
						name);
		covet_error_hint(&err, "The only setting is \"lock_timeout\".");
		covet_pg_raise(&err);
	}
	if (value[0] == '\0')
		raise_empty("value");
	(void) set_config_option("covet.lock_timeout", value,
							 superuser() ? PGC_SUSET : PGC_USERSET,
							 PGC_S_SESSION, GUC_ACTION_SET, true, 0, false);
	PG_RETURN_TEXT_P(cstring_to_text(psprintf("%d", covet_lock_timeout)));
}
