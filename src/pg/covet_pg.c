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
 * Batched operations: one C entry point, covet_named_op, behind every
 * covet_<op>(...) function (atomic, returns the run id) and covet_<op>_commit
 * procedure (commits per batch when CALLed outside a transaction block); it
 * finds the operation by the SQL name in covet_op_defs.
 *
 *		SELECT covet_backfill('users', 'email_norm = lower(email)', 5000);
 *		CALL covet_backfill_commit('users', 'email_norm = lower(email)', 5000);
 *		SELECT covet_backfill_background('users', 'email_norm = lower(email)');
 *
 * covet_pause and covet_cancel set a run's state; background runs, waiting
 * and the run lock live in background.c.
 *
 * Functions are not STRICT: a NULL where a value is required is an error
 * naming the argument (22004), rather than a silent NULL result.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <limits.h>

#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "parser/parse_type.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/syscache.h"
#include "utils/tuplestore.h"

#include "covet_pg.h"

PG_MODULE_MAGIC;

/* covet.lock_timeout: how long a runner waits for the runner lock, in ms. */
int			covet_lock_timeout = 60000;

/* covet.progress_interval: ms between progress reports of a batched run. */
int			covet_progress_interval = 5000;

/* covet.batch_sleep: ms a background run sleeps after each batch. */
int			covet_batch_sleep = 0;

/* covet.max_replication_lag: a background run waits while replay lags more. */
int			covet_max_replication_lag = 0;

/* covet.background_start_timeout: how long a worker waits for its launcher. */
int			covet_background_start_timeout = 60000;

/*
 * covet.fixture_fk_check: when a fixture load looks for the record that
 * breaks a deferred foreign key ('end' of each covet_loaddata call), or
 * leaves deferred keys to COMMIT ('commit': the covet command's pieces,
 * whose parents may come in a later piece).  fixture_fkcheck.c reads it
 * with current_setting().
 */
static int	covet_fixture_fk_check = 0;

static const struct config_enum_entry fixture_fk_check_options[] = {
	{"end", 0, false},
	{"commit", 1, false},
	{NULL, 0, false}
};

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
	DefineCustomIntVariable("covet.progress_interval",
							"Sets the time between progress reports of a batched operation.",
							"Each report is a NOTICE and the text of pg_stat_activity.query. Zero reports after every batch.",
							&covet_progress_interval,
							5000, 0, INT_MAX,
							PGC_USERSET,
							GUC_UNIT_MS,
							NULL, NULL, NULL);
	DefineCustomIntVariable("covet.batch_sleep",
							"Sets how long a background run sleeps after each batch.",
							"Spreads the load of a covet_*_background run; the value in force when the run is started is the one it uses.",
							&covet_batch_sleep,
							0, 0, 3600 * 1000,
							PGC_USERSET,
							GUC_UNIT_MS,
							NULL, NULL, NULL);
	DefineCustomIntVariable("covet.max_replication_lag",
							"Sets the replay lag of the standbys above which a background run waits.",
							"Between batches a covet_*_background run waits while the largest replay_lag in pg_stat_replication exceeds this. Zero turns the check off.",
							&covet_max_replication_lag,
							0, 0, INT_MAX,
							PGC_USERSET,
							GUC_UNIT_MS,
							NULL, NULL, NULL);
	DefineCustomIntVariable("covet.background_start_timeout",
							"Sets how long a background worker waits for the transaction that started it.",
							"The worker starts at once but runs only after that transaction commits; if it has not ended in time, the run stays pending.",
							&covet_background_start_timeout,
							60000, 0, INT_MAX,
							PGC_USERSET,
							GUC_UNIT_MS,
							NULL, NULL, NULL);
	DefineCustomIntVariable("covet.ddl_lock_timeout",
							"Sets how long a migration statement waits for a lock before covet retries the migration.",
							"Each statement of a migration runs with lock_timeout set to this; on a lock timeout covet rolls the migration back, waits and tries again. Zero turns it off (the session's lock_timeout applies).",
							&covet_ddl_lock_timeout,
							2000, 0, INT_MAX,
							PGC_USERSET,
							GUC_UNIT_MS,
							NULL, NULL, NULL);
	DefineCustomIntVariable("covet.ddl_lock_retries",
							"Sets how many times covet retries a migration that timed out waiting for a lock.",
							"Retries wait 100 ms doubling to 5 s, jittered; after the last one the migration fails naming the blocking sessions.",
							&covet_ddl_lock_retries,
							10, 0, 1000,
							PGC_USERSET,
							0,
							NULL, NULL, NULL);
	DefineCustomEnumVariable("covet.fixture_fk_check",
							 "Sets when a fixture load checks deferred foreign keys.",
							 "end: at the end of each covet_loaddata call, naming the record that breaks one; commit: left to COMMIT, for a transaction that loads parents in a later call.",
							 &covet_fixture_fk_check,
							 0, fixture_fk_check_options,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);
	covet_pg_health_gucs();
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

/*
 * Run fn in a call and return its report as text, or raise its error.
 * dialect: the SQL dialect of the call (NULL: PostgreSQL's as it is).
 */
Datum
covet_pg_run_report(CovetPgCoreFn fn, void *arg, const CovetDialect *dialect)
{
	CovetPgCall call;
	text	   *result = NULL;

	covet_pg_call_begin(&call, covet_lock_timeout);
	if (dialect != NULL)
		call.driver.dialect = dialect;
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

/* covet_define(name, up, down, depends_on, kind, atomic): define one migration. */
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
	/* atomic => false: a non-transactional migration (toplevel.c) */
	def.atomic = PG_NARGS() > 5 ? arg_bool(fcinfo, 5, "atomic") : true;
	return covet_pg_run_report(core_define, &def, NULL);
}

/* covet_load(path): define the migrations in a server file or directory. */
PG_FUNCTION_INFO_V1(covet_load);
Datum
covet_load(PG_FUNCTION_ARGS)
{
	char	   *path = arg_text(fcinfo, 0, "path", true);

	return covet_pg_run_report(core_load, path, NULL);
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
	return covet_pg_run_report(core_up, &a, NULL);
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
	return covet_pg_run_report(core_down, &a, NULL);
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
	return covet_pg_run_report(core_down, &a, NULL);
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
	return covet_pg_run_report(core_apply, &a, NULL);
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

/*
 * covet_set(name, value): change a covet setting for the session (the GUCs
 * covet.lock_timeout and covet.progress_interval); SQLite reads the value
 * with the same rules and messages (covet_setting_ms_parse).
 */
PG_FUNCTION_INFO_V1(covet_set);
Datum
covet_set(PG_FUNCTION_ARGS)
{
	char	   *name = arg_text(fcinfo, 0, "name", true);
	char	   *value = arg_text(fcinfo, 1, "value", true);
	bool		lock = strcmp(name, "lock_timeout") == 0;

	if (!lock && strcmp(name, "progress_interval") != 0)
	{
		CovetError	err;

		covet_error_set(&err, COVET_ERR_INVALID, "unknown covet setting \"%s\"",
						name);
		covet_error_hint(&err, COVET_SETTINGS_HINT);
		covet_pg_raise(&err);
	}
	if (value[0] == '\0')
		raise_empty("value");
	(void) set_config_option(lock ? "covet.lock_timeout" : "covet.progress_interval", value,
							 superuser() ? PGC_SUSET : PGC_USERSET,
							 PGC_S_SESSION, GUC_ACTION_SET, true, 0, false);
	PG_RETURN_TEXT_P(cstring_to_text(psprintf("%d", lock ? covet_lock_timeout :
											  covet_progress_interval)));
}

/* ---------------------------------------------------------------------
 * Batched operations
 * ---------------------------------------------------------------------
 */

/* What a batched call runs, and the run id it produced. */
typedef struct BatchArgs
{
	const char *name;			/* operation (covet_op_defs) */
	const char *args[COVET_OP_MAXARGS];
	int			nargs;
	int64		run_id;
	bool		nonatomic;		/* a CALL that commits per batch */
	bool		create_only;	/* a background run: create it, no more */
	const char *fname;			/* the SQL routine called */
	bool		run_locked;		/* holds the session-level run lock */
	CovetRunState state;		/* covet_pause, covet_cancel */
} BatchArgs;

/*
 * A run carried out while its 'running' state is visible to others holds
 * the run lock (see COVET_RUN_LOCK_CLASSID): the session-level one when it
 * commits per batch, else the transaction-level one.
 */
static void
batch_run_lock(BatchArgs *a)
{
	covet_pg_run_lock(a->run_id, a->nonatomic);
	a->run_locked = a->nonatomic;
}

static CovetStatus
core_named_op(CovetDriver *d, void *arg, char **report, CovetError *err)
{
	BatchArgs  *a = (BatchArgs *) arg;
	CovetOp		op;
	CovetStatus rc;

	rc = covet_op_prepare(d, a->name, a->args, a->nargs, &op, err);
	if (rc == COVET_OK)
		rc = covet_op_check_workers(COVET_ENGINE_POSTGRES, a->fname, a->create_only,
									op.workers, err);
	if (rc == COVET_OK)
	{
		/* covet.progress_interval = 0 means every batch: -1 for the core */
		op.progress_ms = covet_progress_interval > 0 ? covet_progress_interval : -1;
		if (a->create_only)
			rc = covet_batch_create(d, &op, &a->run_id, err);
		else if (a->nonatomic)
		{
			/* covet_batch_start, with the run lock taken once it commits */
			bool		committed;

			rc = covet_batch_create(d, &op, &a->run_id, err);
			if (rc == COVET_OK)
				rc = d->batch_commit(d->ctx, &committed, err);
			if (rc == COVET_OK)
			{
				batch_run_lock(a);
				rc = covet_batch_resume(d, a->run_id, op.progress_ms, err);
			}
		}
		else
			rc = covet_batch_start(d, &op, &a->run_id, err);
	}
	covet_op_free(&d->mem, &op);
	return rc;
}

static CovetStatus
core_resume(CovetDriver *d, void *arg, char **report, CovetError *err)
{
	BatchArgs  *a = (BatchArgs *) arg;

	batch_run_lock(a);
	covet_pg_parallel_driver(d);	/* a parallel run's parts lock too */
	return covet_batch_resume(d, a->run_id,
							  covet_progress_interval > 0 ? covet_progress_interval : -1, err);
}

static CovetStatus
core_undo(CovetDriver *d, void *arg, char **report, CovetError *err)
{
	BatchArgs  *a = (BatchArgs *) arg;

	batch_run_lock(a);
	covet_pg_parallel_driver(d);
	return covet_batch_undo(d, a->run_id, err);
}

static CovetStatus
core_set_state(CovetDriver *d, void *arg, char **report, CovetError *err)
{
	BatchArgs  *a = (BatchArgs *) arg;

	return covet_batch_set_state(d, a->run_id, a->state, err);
}

/*
 * May this call commit?  Only a procedure called with CALL outside a
 * transaction block (CallContext not atomic).  A procedure that cannot
 * commit runs atomically with a NOTICE, or fails when require_commit is
 * true; a function never commits.
 */
static bool
batch_nonatomic(FunctionCallInfo fcinfo, const char *fname, int require_arg)
{
	bool		require;
	CovetError	err;

	if (fcinfo->context == NULL || !IsA(fcinfo->context, CallContext))
		return false;
	if (!castNode(CallContext, fcinfo->context)->atomic)
		return true;
	if (PG_ARGISNULL(require_arg))
		raise_null("require_commit");
	require = PG_GETARG_BOOL(require_arg);
	if (require)
	{
		if (IsTransactionBlock())
		{
			covet_error_set(&err, COVET_ERR_STATE,
							"%s cannot commit inside a transaction block", fname);
			strlcpy(err.sqlstate, "25001", sizeof(err.sqlstate));
		}
		else
		{
			covet_error_set(&err, COVET_ERR_STATE, "%s cannot commit here", fname);
			strlcpy(err.sqlstate, "2D000", sizeof(err.sqlstate));
			covet_error_detail(&err, "It was called from a function, or from a procedure that cannot commit.");
		}
		covet_error_hint(&err, "CALL it at top level in autocommit mode, or pass require_commit => false to run it atomically.");
		covet_pg_raise(&err);
	}
	ereport(NOTICE,
			(errmsg("%s runs atomically: it cannot commit %s", fname,
					IsTransactionBlock() ? "inside a transaction block" : "here"),
			 errdetail("All its batches commit or roll back with the caller's transaction."),
			 errhint("CALL it at top level in autocommit mode to commit after each batch.")));
	return false;
}

/* Run a batched core entry point; a procedure returns nothing. */
static Datum
run_batch(FunctionCallInfo fcinfo, CovetPgCoreFn fn, BatchArgs *a, bool nonatomic)
{
	CovetPgCall call;
	bool		is_proc = fcinfo->context != NULL && IsA(fcinfo->context, CallContext);

	a->nonatomic = nonatomic;
	covet_pg_call_begin_batch(&call, covet_lock_timeout, nonatomic);
	PG_TRY();
	{
		covet_pg_call_run(&call, fn, a);
		covet_pg_call_end(&call);
	}
	PG_CATCH();
	{
		covet_pg_call_cleanup(&call);
		if (a->run_locked)
			covet_pg_run_unlock(a->run_id);
		covet_pg_parallel_unlock_all();
		PG_RE_THROW();
	}
	PG_END_TRY();
	if (a->run_locked)
		covet_pg_run_unlock(a->run_id);
	covet_pg_parallel_unlock_all();
	a->run_locked = false;
	if (call.status != COVET_OK)
		covet_pg_raise(&call.err);
	if (is_proc)
		PG_RETURN_VOID();
	PG_RETURN_INT64(a->run_id);
}

static void raise_declaration(const char *fname) pg_attribute_noreturn();

static void
raise_declaration(const char *fname)
{
	CovetError	err;

	/* a script of another release: say which, and what to run */
	covet_pg_check_version();
	covet_error_set(&err, COVET_ERR_INTERNAL,
					"%s is declared with other arguments than the covet library expects", fname);
	covet_error_hint(&err, "The installed SQL script and covet_pg.so do not match; reinstall the extension.");
	covet_pg_raise(&err);
}

/*
 * Every named operation, as a function covet_<op>(...), a procedure
 * covet_<op>_commit(..., require_commit) and a function
 * covet_<op>_background(...): the operation is found by the SQL name, its
 * arguments (declared as in covet_op_defs) go to the core as text,
 * booleans as "true"/"false", NULL as NULL.  The background form creates
 * the run (state pending) in the caller's transaction and hands it to a
 * background worker (background.c), which starts on it once that
 * transaction commits.
 */
PG_FUNCTION_INFO_V1(covet_named_op);
Datum
covet_named_op(PG_FUNCTION_ARGS)
{
	HeapTuple	tup;
	Form_pg_proc proc;
	char		fname[NAMEDATALEN];
	char		opname[NAMEDATALEN];
	bool		is_proc;
	bool		is_background = false;
	int			nargs;
	Oid			argtypes[FUNC_MAX_ARGS];
	const CovetOpDef *def;
	BatchArgs	a;
	size_t		len;
	int			i;

	tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(fcinfo->flinfo->fn_oid));
	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for function %u", fcinfo->flinfo->fn_oid);
	proc = (Form_pg_proc) GETSTRUCT(tup);
	strlcpy(fname, NameStr(proc->proname), sizeof(fname));
	is_proc = proc->prokind == PROKIND_PROCEDURE;
	nargs = proc->pronargs;
	memcpy(argtypes, proc->proargtypes.values, sizeof(Oid) * nargs);
	ReleaseSysCache(tup);

	/* covet_<op>, covet_<op>_commit or covet_<op>_background */
	len = strlen(fname);
	if (strncmp(fname, "covet_", 6) != 0 ||
		(is_proc && (len < 13 || strcmp(fname + len - 7, "_commit") != 0)))
		raise_declaration(fname);
	strlcpy(opname, fname + 6, sizeof(opname));
	if (is_proc)
		opname[len - 6 - 7] = '\0';
	else if (len > 17 && strcmp(fname + len - 11, "_background") == 0)
	{
		is_background = true;
		opname[len - 6 - 11] = '\0';
	}
	def = covet_op_find(opname);
	if (def == NULL || nargs != def->nargs + (is_proc ? 1 : 0) || PG_NARGS() != nargs)
		raise_declaration(fname);
	for (i = 0; i < def->nargs; i++)
	{
		Oid			want = def->args[i].type == COVET_ARG_TEXT ? TEXTOID :
			def->args[i].type == COVET_ARG_INT ? INT4OID : BOOLOID;

		if (argtypes[i] != want)
			raise_declaration(fname);
	}
	if (is_proc && argtypes[nargs - 1] != BOOLOID)
		raise_declaration(fname);

	memset(&a, 0, sizeof(a));
	a.name = def->name;
	a.fname = fname;
	a.nargs = def->nargs;
	for (i = 0; i < def->nargs; i++)
	{
		if (PG_ARGISNULL(i))
			a.args[i] = NULL;
		else if (argtypes[i] == TEXTOID)
			a.args[i] = text_to_cstring(PG_GETARG_TEXT_PP(i));
		else if (argtypes[i] == INT4OID)
			a.args[i] = psprintf("%d", PG_GETARG_INT32(i));
		else
			a.args[i] = PG_GETARG_BOOL(i) ? "true" : "false";
	}
	if (is_background)
	{
		Datum		result;

		a.create_only = true;
		result = run_batch(fcinfo, core_named_op, &a, false);
		covet_pg_background_launch(a.run_id);
		return result;
	}
	return run_batch(fcinfo, core_named_op, &a,
					 is_proc && batch_nonatomic(fcinfo, fname, nargs - 1));
}

/*
 * covet_resume(run_id) and the procedure covet_resume_commit(run_id,
 * require_commit): continue a run from its checkpoint.
 */
PG_FUNCTION_INFO_V1(covet_resume);
Datum
covet_resume(PG_FUNCTION_ARGS)
{
	BatchArgs	a;
	bool		nonatomic;

	memset(&a, 0, sizeof(a));
	if (PG_ARGISNULL(0))
		raise_null("run_id");
	a.run_id = PG_GETARG_INT64(0);
	nonatomic = PG_NARGS() == 2 && batch_nonatomic(fcinfo, "covet_resume_commit", 1);
	return run_batch(fcinfo, core_resume, &a, nonatomic);
}

/*
 * covet_pause(run_id) and covet_cancel(run_id): set the run's state in the
 * caller's transaction; whoever carries the run out stops after the batch
 * it is in once that commits.
 */
PG_FUNCTION_INFO_V1(covet_pause);
Datum
covet_pause(PG_FUNCTION_ARGS)
{
	BatchArgs	a;

	memset(&a, 0, sizeof(a));
	if (PG_ARGISNULL(0))
		raise_null("run_id");
	a.run_id = PG_GETARG_INT64(0);
	a.state = COVET_RUN_PAUSED;
	return run_batch(fcinfo, core_set_state, &a, false);
}

PG_FUNCTION_INFO_V1(covet_cancel);
Datum
covet_cancel(PG_FUNCTION_ARGS)
{
	BatchArgs	a;

	memset(&a, 0, sizeof(a));
	if (PG_ARGISNULL(0))
		raise_null("run_id");
	a.run_id = PG_GETARG_INT64(0);
	a.state = COVET_RUN_CANCELLED;
	return run_batch(fcinfo, core_set_state, &a, false);
}

/* covet_undo(run_id): put back what a run changed, atomically. */
PG_FUNCTION_INFO_V1(covet_undo);
Datum
covet_undo(PG_FUNCTION_ARGS)
{
	BatchArgs	a;

	memset(&a, 0, sizeof(a));
	if (PG_ARGISNULL(0))
		raise_null("run_id");
	a.run_id = PG_GETARG_INT64(0);
	return run_batch(fcinfo, core_undo, &a, false);
}

/* covet_split_part(value, delimiter, n, rest): see covet_split_part in ops.c. */
PG_FUNCTION_INFO_V1(covet_split_part_sql);
Datum
covet_split_part_sql(PG_FUNCTION_ARGS)
{
	char	   *s = text_to_cstring(PG_GETARG_TEXT_PP(0));
	char	   *delim = text_to_cstring(PG_GETARG_TEXT_PP(1));
	const char *part;
	size_t		len;

	if (!covet_split_part(s, delim, PG_GETARG_INT32(2), PG_GETARG_BOOL(3), &part, &len))
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text_with_len(part, (int) len));
}

/* covet_try_cast's type, looked up once per call site (fn_extra). */
typedef struct TryCastType
{
	char	   *name;
	Oid			typid;
	int32		typmod;
	Oid			ioparam;
	FmgrInfo	input;
} TryCastType;

/*
 * covet_try_cast(value, type): value when the type's input function accepts
 * it, else NULL.  The input function runs in an internal subtransaction, as
 * a PL/pgSQL exception block would; only data errors (classes 22 and 23)
 * mean "does not convert", anything else (a cancel, out of memory) is
 * raised.  An unknown type is an error.
 */
PG_FUNCTION_INFO_V1(covet_try_cast);
Datum
covet_try_cast(PG_FUNCTION_ARGS)
{
	char	   *value = text_to_cstring(PG_GETARG_TEXT_PP(0));
	char	   *typname = text_to_cstring(PG_GETARG_TEXT_PP(1));
	TryCastType *t = (TryCastType *) fcinfo->flinfo->fn_extra;
	MemoryContext oldcxt;
	ResourceOwner oldowner;
	volatile bool ok = false;

	if (t == NULL || strcmp(t->name, typname) != 0)
	{
		Oid			typid;
		int32		typmod;
		Oid			infunc;
		Oid			ioparam;

		parseTypeString(typname, &typid, &typmod, false);
		getTypeInputInfo(typid, &infunc, &ioparam);
		if (t == NULL)
			t = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(TryCastType));
		else
			pfree(t->name);
		t->name = MemoryContextStrdup(fcinfo->flinfo->fn_mcxt, typname);
		t->typid = typid;
		t->typmod = typmod;
		t->ioparam = ioparam;
		fmgr_info_cxt(infunc, &t->input, fcinfo->flinfo->fn_mcxt);
		fcinfo->flinfo->fn_extra = t;
	}

	oldcxt = CurrentMemoryContext;
	oldowner = CurrentResourceOwner;
	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(oldcxt);
	PG_TRY();
	{
		(void) InputFunctionCall(&t->input, value, t->ioparam, t->typmod);
		ReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcxt);
		CurrentResourceOwner = oldowner;
		ok = true;
	}
	PG_CATCH();
	{
		ErrorData  *edata;
		int			category;

		MemoryContextSwitchTo(oldcxt);
		edata = CopyErrorData();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcxt);
		CurrentResourceOwner = oldowner;
		category = ERRCODE_TO_CATEGORY(edata->sqlerrcode);
		if (category != ERRCODE_DATA_EXCEPTION &&
			category != ERRCODE_INTEGRITY_CONSTRAINT_VIOLATION)
			ReThrowError(edata);
		FreeErrorData(edata);
	}
	PG_END_TRY();
	if (!ok)
		PG_RETURN_NULL();
	PG_RETURN_DATUM(PG_GETARG_DATUM(0));
}
