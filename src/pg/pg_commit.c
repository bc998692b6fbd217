/*-------------------------------------------------------------------------
 *
 * pg_commit.c
 *		The procedures that commit per migration: covet_migrate_up_commit
 *		and covet_migrate_down_commit (src/core/commit.c).
 *
 *		CALL covet_migrate_up_commit();
 *		CALL covet_migrate_up_commit('0003_orders', dry_run => true);
 *		CALL covet_migrate_down_commit(2);
 *		CALL covet_migrate_down_commit('0001_users');
 *
 * Each is a C procedure whose SPI connection is nonatomic, so it commits
 * (SPI_commit, which starts the next transaction) after each migration and
 * its applied and history rows.  That is possible only in a CALL at top
 * level outside a transaction block; anywhere else (inside BEGIN, from a
 * function or a DO block) they refuse rather than commit nothing.  The
 * report comes back as the INOUT parameter report.
 *
 * The runner lock.  SELECT covet_migrate_up() takes the transaction-level
 * advisory lock (1668249204, 1), which is released after its commit is
 * visible (ARCHITECTURE.md, "The runner lock").  A procedure commits many
 * times, and the transaction-level lock would go at the first commit, so
 * it takes the session-level lock on the same key (the two forms exclude
 * each other across sessions) and releases it on its way out, by any way:
 * after its last commit (everything it did is visible by then), or when an
 * error leaves it (the failing migration's transaction aborts right after;
 * another runner that gets in before the abort sees only committed work,
 * which does not hold that migration).  A backend that dies releases it
 * too.
 *
 * A migration runs without a savepoint (step_failure_text), so that a
 * CALL covet_<op>_commit(...) in it may itself commit per batch: the
 * driver runs a migration's CALL statements as nonatomic ones
 * (pg_driver.c, script_run).  An error then ends the procedure, renamed
 * with the migration's name and, in DETAIL, the migrations committed
 * before it.  A dry run commits nothing (the atomic run's savepoint).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/xact.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "nodes/parsenodes.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"

#include "covet_pg.h"

typedef struct CommitArgs
{
	const char *target;
	int			steps;
	bool		up;
	bool		dry_run;
} CommitArgs;

/* Refuse where a CALL cannot commit: never commit silently nothing. */
static void
require_nonatomic(FunctionCallInfo fcinfo, const char *fname)
{
	CovetError	err;
	char		atomic_name[NAMEDATALEN];

	if (fcinfo->context != NULL && IsA(fcinfo->context, CallContext) &&
		!castNode(CallContext, fcinfo->context)->atomic)
		return;
	strlcpy(atomic_name, fname, sizeof(atomic_name));
	atomic_name[strlen(fname) - strlen("_commit")] = '\0';
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
	covet_error_hint(&err, "Call it at top level in autocommit mode, or use %s() to apply all or nothing in the transaction.",
					 atomic_name);
	covet_pg_raise(&err);
}

/*
 * step_commit: the migration just recorded commits (SPI_commit).  An error
 * of the commit itself (a deferred constraint) is the migration's: it is
 * raised with the migration's name and DETAIL, as one of its statements'.
 */
static CovetStatus
drv_step_commit(void *ctx, CovetError *err)
{
	CovetPgCall *call = (CovetPgCall *) ctx;
	bool		committed = false;
	volatile CovetStatus rc = COVET_OK;

	PG_TRY();
	{
		rc = call->driver.batch_commit(ctx, &committed, err);
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(call->callcxt);
		edata = CopyErrorData();
		FlushErrorState();
		if (call->failure_prefix != NULL)
			edata->message = psprintf("%s%s", call->failure_prefix,
									  edata->message ? edata->message : "unknown error");
		if (call->failure_detail != NULL)
			edata->detail = edata->detail ?
				psprintf("%s\n%s", edata->detail, call->failure_detail) :
				pstrdup(call->failure_detail);
		ReThrowError(edata);
	}
	PG_END_TRY();
	if (rc == COVET_OK && !committed)
		rc = covet_error_set(err, COVET_ERR_INTERNAL, "covet could not commit a migration");
	return rc;
}

/* step_failure_text: how an error of the migration about to run is raised. */
static void
drv_step_failure_text(void *ctx, const char *prefix, const char *detail)
{
	CovetPgCall *call = (CovetPgCall *) ctx;

	if (call->failure_prefix != NULL)
		pfree(call->failure_prefix);
	if (call->failure_detail != NULL)
		pfree(call->failure_detail);
	call->failure_prefix = prefix ? MemoryContextStrdup(call->callcxt, prefix) : NULL;
	call->failure_detail = detail ? MemoryContextStrdup(call->callcxt, detail) : NULL;
}

/* Release the session-level runner lock if this call holds it. */
void
covet_pg_runner_unlock(CovetPgCall *call)
{
	if (!call->runner_locked)
		return;
	(void) DirectFunctionCall2(pg_advisory_unlock_int4,
							   Int32GetDatum(COVET_LOCK_CLASSID),
							   Int32GetDatum(COVET_LOCK_OBJID));
	call->runner_locked = false;
}

static CovetStatus
core_commit(CovetDriver *d, void *arg, char **report, CovetError *err)
{
	CommitArgs *a = (CommitArgs *) arg;

	if (a->up)
		return covet_runner_up_commit(d, a->target, a->dry_run, report, err);
	return covet_runner_down_commit(d, a->steps, a->target, a->dry_run, report, err);
}

/* Run one of the procedures; the report is the INOUT parameter. */
static Datum
run_commit(FunctionCallInfo fcinfo, const char *fname, CommitArgs *a)
{
	CovetPgCall call;
	TupleDesc	desc;
	Datum		value;
	bool		isnull = false;
	text	   *volatile report = NULL;

	require_nonatomic(fcinfo, fname);
	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE ||
		desc->natts != 1)
		elog(ERROR, "%s is declared with other arguments than the covet library expects", fname);
	desc = BlessTupleDesc(desc);

	covet_pg_call_begin_batch(&call, covet_lock_timeout, true);
	call.runner_session = true;
	call.driver.step_commit = drv_step_commit;
	call.driver.step_failure_text = drv_step_failure_text;
	PG_TRY();
	{
		covet_pg_call_run(&call, core_commit, a);
		if (call.status == COVET_OK)
		{
			MemoryContext old = MemoryContextSwitchTo(call.callercxt);

			report = cstring_to_text(call.report ? call.report : "");
			MemoryContextSwitchTo(old);
		}
		covet_pg_call_end(&call);
	}
	PG_CATCH();
	{
		covet_pg_call_cleanup(&call);
		covet_pg_runner_unlock(&call);
		PG_RE_THROW();
	}
	PG_END_TRY();
	covet_pg_runner_unlock(&call);
	if (call.status != COVET_OK)
		covet_pg_raise(&call.err);
	value = PointerGetDatum(report);
	return HeapTupleGetDatum(heap_form_tuple(desc, &value, &isnull));
}

static bool
arg_dry_run(FunctionCallInfo fcinfo, int n)
{
	CovetError	err;

	if (PG_ARGISNULL(n))
	{
		covet_error_set(&err, COVET_ERR_NULL, "%s must not be null", "dry_run");
		covet_pg_raise(&err);
	}
	return PG_GETARG_BOOL(n);
}

/* covet_migrate_up_commit(target, dry_run, INOUT report) */
PG_FUNCTION_INFO_V1(covet_migrate_up_commit);
Datum
covet_migrate_up_commit(PG_FUNCTION_ARGS)
{
	CommitArgs	a = {NULL, 0, true, false};

	a.target = PG_ARGISNULL(0) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(0));
	a.dry_run = arg_dry_run(fcinfo, 1);
	return run_commit(fcinfo, "covet_migrate_up_commit", &a);
}

/* covet_migrate_down_commit(steps integer, dry_run, INOUT report) */
PG_FUNCTION_INFO_V1(covet_migrate_down_commit_steps);
Datum
covet_migrate_down_commit_steps(PG_FUNCTION_ARGS)
{
	CommitArgs	a = {NULL, 0, false, false};
	CovetError	err;

	if (PG_ARGISNULL(0))
	{
		covet_error_set(&err, COVET_ERR_NULL, "%s must not be null", "steps");
		covet_pg_raise(&err);
	}
	a.steps = PG_GETARG_INT32(0);
	a.dry_run = arg_dry_run(fcinfo, 1);
	return run_commit(fcinfo, "covet_migrate_down_commit", &a);
}

/* covet_migrate_down_commit(target text, dry_run, INOUT report) */
PG_FUNCTION_INFO_V1(covet_migrate_down_commit_target);
Datum
covet_migrate_down_commit_target(PG_FUNCTION_ARGS)
{
	CommitArgs	a = {NULL, 0, false, false};
	CovetError	err;

	if (PG_ARGISNULL(0))
	{
		covet_error_set(&err, COVET_ERR_NULL, "%s must not be null", "target");
		covet_pg_raise(&err);
	}
	a.target = text_to_cstring(PG_GETARG_TEXT_PP(0));
	a.dry_run = arg_dry_run(fcinfo, 1);
	return run_commit(fcinfo, "covet_migrate_down_commit", &a);
}
