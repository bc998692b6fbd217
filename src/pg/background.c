/*-------------------------------------------------------------------------
 *
 * background.c
 *		Background runs: a dynamic background worker per run, the run lock,
 *		covet_resume_background and covet_wait.
 *
 *		SELECT covet_backfill_background('users', 'email_norm = lower(email)');
 *		-- 7, at once; the client may disconnect
 *		SELECT covet_wait(7);			-- 'completed'
 *
 * Launching.  covet_<op>_background (covet_pg.c) creates the run, state
 * pending, in the caller's transaction; covet_resume_background sets a
 * resumable run back to pending the same way.  Then
 * covet_pg_background_launch registers a dynamic background worker
 * (library covet_pg, no shared_preload_libraries needed) and returns.  The
 * worker gets what it needs through bgw_extra: the database, the session
 * user (it connects as that role, which may log in) and the current user
 * (whose privileges it runs with, as SET ROLE would), the launching
 * transaction's id, the launcher's covet.batch_sleep,
 * covet.max_replication_lag and covet.background_start_timeout, and its
 * search_path (at most WORKER_SEARCH_PATH_MAX bytes).  It commits with
 * synchronous_commit off (see covet_worker_main).  No slot free is an
 * error, so the pending run goes with the caller's rolled back transaction.
 *
 * The worker.  It waits (polling every 100 ms, up to
 * covet.background_start_timeout) until the launching transaction has
 * ended; if it rolled back, the worker logs that and exits.  It then takes
 * the run lock (waiting the same way: a previous worker of a paused run
 * may still be finishing its batch), reads the run FOR UPDATE and, if it is
 * pending, carries it out with covet_batch_resume in the same transaction.
 * batch_commit (pg_driver.c) ends each transaction and starts the next;
 * throttle sleeps covet.batch_sleep and waits while a standby's replay lag
 * exceeds covet.max_replication_lag; progress goes to pg_stat_activity
 * (application_name "covet run N", backend_type "covet worker").  A failing
 * batch leaves the run failed (committed by the core) and is logged; the
 * worker exits normally.  SIGTERM (pg_terminate_backend, shutdown) ends
 * the worker at the next interrupt check: the batch in progress rolls
 * back, the run stays 'running' at its last checkpoint, and
 * covet_resume_background carries on from there.
 *
 * The run lock.  pg_try_advisory_lock(1668249202, run id) (see
 * covet_pg.h) is held by a worker for its whole life and by a CALL that
 * commits per batch while it runs, and taken for a transaction by the
 * atomic forms of resume and undo.  So two processes never carry out the
 * same run, and a run that is 'running' while nobody holds its lock was
 * interrupted.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <limits.h>

#include "access/transam.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "replication/walsender.h"
#include "replication/walsender_private.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "storage/procarray.h"
#include "storage/spin.h"
#include "tcop/tcopprot.h"
#include "utils/backend_status.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"
#include "utils/wait_event.h"

#include "covet_pg.h"

/* How often the worker and covet_wait look again, in milliseconds. */
#define POLL_MS 100

/* What a worker is told through bgw_extra; the run id is bgw_main_arg. */
#define WORKER_HEADER_SIZE (7 * 4)
#define WORKER_SEARCH_PATH_MAX (BGW_EXTRALEN - WORKER_HEADER_SIZE)

typedef struct CovetWorkerArgs
{
	Oid			dboid;
	Oid			sessionoid;		/* connects as this role */
	Oid			useroid;		/* runs with this role's privileges */
	TransactionId xid;			/* the launching transaction */
	int32		batch_sleep;
	int32		max_replication_lag;
	int32		start_timeout;
	char		search_path[WORKER_SEARCH_PATH_MAX];
} CovetWorkerArgs;

StaticAssertDecl(sizeof(CovetWorkerArgs) <= BGW_EXTRALEN,
				 "CovetWorkerArgs must fit in bgw_extra");
StaticAssertDecl(SIZEOF_DATUM >= 8, "the run id travels in a Datum");

PGDLLEXPORT void covet_worker_main(Datum main_arg);

static void raise_error(CovetError *err) pg_attribute_noreturn();

static void
raise_error(CovetError *err)
{
	covet_pg_raise(err);
}

static int64
arg_run_id(FunctionCallInfo fcinfo)
{
	if (PG_ARGISNULL(0))
	{
		CovetError	err;

		covet_error_set(&err, COVET_ERR_NULL, "run_id must not be null");
		raise_error(&err);
	}
	return PG_GETARG_INT64(0);
}

/* ---------------------------------------------------------------------
 * The run lock
 * ---------------------------------------------------------------------
 */

/* Try the run lock: session-level, or for the current transaction. */
bool
covet_pg_run_lock_try(int64 run_id, bool session)
{
	Datum		classid = Int32GetDatum(COVET_RUN_LOCK_CLASSID);
	Datum		objid = Int32GetDatum((int32) run_id);

	if (session)
		return DatumGetBool(DirectFunctionCall2(pg_try_advisory_lock_int4, classid, objid));
	return DatumGetBool(DirectFunctionCall2(pg_try_advisory_xact_lock_int4, classid, objid));
}

/* Take the run lock or fail: another process is carrying the run out. */
void
covet_pg_run_lock(int64 run_id, bool session)
{
	CovetError	err;

	if (covet_pg_run_lock_try(run_id, session))
		return;
	covet_error_set(&err, COVET_ERR_STATE,
					"run %lld is being carried out by another process", (long long) run_id);
	strlcpy(err.sqlstate, "55006", sizeof(err.sqlstate));
	covet_error_hint(&err, "Wait for it with covet_wait(%lld), or stop it with covet_pause(%lld) or covet_cancel(%lld).",
					 (long long) run_id, (long long) run_id, (long long) run_id);
	raise_error(&err);
}

void
covet_pg_run_unlock(int64 run_id)
{
	(void) DirectFunctionCall2(pg_advisory_unlock_int4,
							   Int32GetDatum(COVET_RUN_LOCK_CLASSID),
							   Int32GetDatum((int32) run_id));
}

/* Is the run lock held by any process (this one included)?  SPI connected. */
static bool
run_lock_held(int64 run_id)
{
	Oid			types[2] = {OIDOID, OIDOID};
	Datum		values[2];
	bool		isnull;
	bool		held;

	values[0] = ObjectIdGetDatum(MyDatabaseId);
	values[1] = ObjectIdGetDatum((Oid) (uint32) (int32) run_id);
	if (SPI_execute_with_args("SELECT pg_catalog.count(*) OPERATOR(pg_catalog.>) 0"
							  " FROM pg_catalog.pg_locks"
							  " WHERE locktype OPERATOR(pg_catalog.=) 'advisory'"
							  " AND database OPERATOR(pg_catalog.=) $1"
							  " AND classid OPERATOR(pg_catalog.=) 1668249202::pg_catalog.oid"
							  " AND objid OPERATOR(pg_catalog.=) $2"
							  " AND objsubid OPERATOR(pg_catalog.=) 2::pg_catalog.int2"
							  " AND granted",
							  2, types, values, NULL, false, 0) != SPI_OK_SELECT ||
		SPI_processed != 1)
		elog(ERROR, "could not read pg_locks");
	held = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	SPI_freetuptable(SPI_tuptable);
	return !isnull && held;
}

/*
 * The run's state (palloc'd in the current memory context), NULL if there
 * is no such run; SPI connected.  *mine: the row version is this
 * transaction's.  *owner (if wanted): runs.who.  Read with covet's rights
 * (covet_pg_as_catalog), as the core reads its tables.
 */
static char *
run_state(int64 run_id, bool for_update, bool *mine, char **owner)
{
	Oid			types[1] = {INT8OID};
	Datum		values[1];
	char	   *state = NULL;
	CovetPgRights rights;
	int			rc;

	/* SPI leaves its procedure memory current, which a commit frees */
	MemoryContext cxt = CurrentMemoryContext;

	values[0] = Int64GetDatum(run_id);
	covet_pg_as_catalog(&rights);
	rc = SPI_execute_with_args(for_update ?
							   "SELECT state, xmin, who FROM covet.runs WHERE id OPERATOR(pg_catalog.=) $1 FOR UPDATE" :
							   "SELECT state, xmin, who FROM covet.runs WHERE id OPERATOR(pg_catalog.=) $1",
							   1, types, values, NULL, false, 0);
	covet_pg_rights_restore(&rights);
	if (rc < 0)
		elog(ERROR, "could not read covet.runs");
	if (mine)
		*mine = false;
	if (owner)
		*owner = NULL;
	if (SPI_processed == 1)
	{
		bool		isnull;
		Datum		xmin = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull);

		MemoryContext old = MemoryContextSwitchTo(cxt);

		state = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
		if (mine && !isnull)
			*mine = TransactionIdIsCurrentTransactionId(DatumGetTransactionId(xmin));
		if (owner)
			*owner = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 3);
		MemoryContextSwitchTo(old);
	}
	SPI_freetuptable(SPI_tuptable);
	return state;
}

static void raise_no_run(int64 run_id) pg_attribute_noreturn();

static void
raise_no_run(int64 run_id)
{
	CovetError	err;

	covet_error_set(&err, COVET_ERR_NOT_FOUND, "run %lld does not exist", (long long) run_id);
	covet_error_hint(&err, "covet.runs lists the runs.");
	raise_error(&err);
}

/* ---------------------------------------------------------------------
 * Launching
 * ---------------------------------------------------------------------
 */

/*
 * Register the worker for a run the caller's transaction has made pending,
 * or a worker per pending part of a parallel run (parallel.c).  It starts
 * at once and waits for this transaction to end.
 */
void
covet_pg_background_launch(int64 run_id)
{
	if (!covet_pg_parallel_launch(run_id))
		(void) covet_pg_background_launch_one(run_id, true);
}

/*
 * Register one worker for run_id.  No slot free: an error when must, else
 * false.
 */
bool
covet_pg_background_launch_one(int64 run_id, bool must)
{
	BackgroundWorker worker;
	BackgroundWorkerHandle *handle;
	CovetWorkerArgs args;
	const char *search_path = namespace_search_path ? namespace_search_path : "";

	if (strlen(search_path) >= sizeof(args.search_path))
	{
		CovetError	err;

		covet_error_set(&err, COVET_ERR_INVALID, "search_path is too long for a background run");
		strlcpy(err.sqlstate, "54000", sizeof(err.sqlstate));
		covet_error_detail(&err, "A background worker takes at most %d bytes of it; it has %d.",
						   (int) sizeof(args.search_path) - 1, (int) strlen(search_path));
		covet_error_hint(&err, "SET search_path to the schemas the operation needs, or qualify names with their schema.");
		raise_error(&err);
	}

	/*
	 * Inside a SECURITY DEFINER routine or a security-restricted operation
	 * (a run's own statements, an index expression, a materialized view)
	 * the current user is one the session could not SET ROLE to, and the
	 * worker could not keep the restriction: a run's SQL there could get
	 * the session user's rights.  Refuse.
	 */
	if (InLocalUserIdChange() || InSecurityRestrictedOperation())
	{
		CovetError	err;

		covet_error_set(&err, COVET_ERR_PRIVILEGE,
						"cannot start a background run inside a security-definer function or a security-restricted operation");
		covet_error_detail(&err, "A background worker runs as a role the session could SET ROLE to; here the current role is \"%s\".",
						   GetUserNameFromId(GetUserId(), false));
		covet_error_hint(&err, "Call the _background form from a session of the role that owns the run, or use the _commit form.");
		raise_error(&err);
	}

	memset(&args, 0, sizeof(args));
	args.dboid = MyDatabaseId;
	args.sessionoid = GetSessionUserId();
	args.useroid = GetUserId();
	args.xid = GetTopTransactionId();
	args.batch_sleep = covet_batch_sleep;
	args.max_replication_lag = covet_max_replication_lag;
	args.start_timeout = covet_background_start_timeout;
	strlcpy(args.search_path, search_path, sizeof(args.search_path));

	memset(&worker, 0, sizeof(worker));
	worker.bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
	worker.bgw_start_time = BgWorkerStart_RecoveryFinished;
	worker.bgw_restart_time = BGW_NEVER_RESTART;
	strlcpy(worker.bgw_library_name, "covet_pg", sizeof(worker.bgw_library_name));
	strlcpy(worker.bgw_function_name, "covet_worker_main", sizeof(worker.bgw_function_name));
	snprintf(worker.bgw_name, sizeof(worker.bgw_name), "covet run %lld", (long long) run_id);
	strlcpy(worker.bgw_type, "covet worker", sizeof(worker.bgw_type));
	worker.bgw_main_arg = Int64GetDatum(run_id);
	worker.bgw_notify_pid = 0;
	memcpy(worker.bgw_extra, &args, sizeof(args));

	if (RegisterDynamicBackgroundWorker(&worker, &handle))
		return true;
	if (!must)
		return false;
	ereport(ERROR,
				(errcode(ERRCODE_CONFIGURATION_LIMIT_EXCEEDED),
				 errmsg("could not start a background worker for covet run %lld",
						(long long) run_id),
				 errdetail("Every background worker slot is in use (max_worker_processes is %d).",
						   max_worker_processes),
				 errhint("Raise max_worker_processes, or wait for other background workers to finish. Nothing was started.")));
	return false;
}

/*
 * covet_resume_background(run_id): hand a paused, failed, pending or
 * interrupted run to a new background worker; returns the run id.
 */
PG_FUNCTION_INFO_V1(covet_resume_background);
Datum
covet_resume_background(PG_FUNCTION_ARGS)
{
	int64		run_id = arg_run_id(fcinfo);
	char	   *state;
	char	   *owner;
	Oid			owner_oid;
	Oid			types[1] = {INT8OID};
	Datum		values[1];
	CovetPgRights rights;
	CovetError	err;
	int			rc;

	covet_pg_check_version();
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	state = run_state(run_id, true, NULL, &owner);
	if (state == NULL)
		raise_no_run(run_id);
	/* the worker checks again, and runs the run's statements as the owner */
	if (covet_pg_run_owner_check(run_id, owner ? owner : "", "resume", &owner_oid, &err) != COVET_OK)
		raise_error(&err);
	if (strcmp(state, "pending") != 0 && strcmp(state, "running") != 0 &&
		strcmp(state, "failed") != 0 && strcmp(state, "paused") != 0)
	{
		CovetError	err;

		covet_error_set(&err, COVET_ERR_STATE, "run %lld is %s and cannot be resumed",
						(long long) run_id, state);
		covet_error_hint(&err, "Only pending, running (after a crash), failed and paused runs can be resumed.");
		raise_error(&err);
	}
	/* a live worker or CALL holds the lock; only probe it */
	if (covet_pg_run_lock_try(run_id, true))
		covet_pg_run_unlock(run_id);
	else
		covet_pg_run_lock(run_id, false);	/* raises the error */
	/* a parallel run: its unfinished parts become pending too */
	covet_pg_parallel_resume_prepare(run_id);

	values[0] = Int64GetDatum(run_id);
	covet_pg_as_catalog(&rights);
	rc = SPI_execute_with_args("UPDATE covet.runs SET state = 'pending',"
							   " updated_at = pg_catalog.clock_timestamp()"
							   " WHERE id OPERATOR(pg_catalog.=) $1",
							   1, types, values, NULL, false, 0);
	covet_pg_rights_restore(&rights);
	if (rc != SPI_OK_UPDATE)
		elog(ERROR, "could not update covet.runs");
	if (SPI_finish() != SPI_OK_FINISH)
		elog(ERROR, "SPI_finish failed");
	covet_pg_background_launch(run_id);
	PG_RETURN_INT64(run_id);
}

/* ---------------------------------------------------------------------
 * Waiting
 * ---------------------------------------------------------------------
 */

/*
 * covet_wait(run_id, timeout_ms): wait until the run is completed, failed,
 * rolled back, or paused or cancelled with nobody left working on it;
 * return its state.  Each look runs a new statement, so it sees other
 * transactions' commits (READ COMMITTED only).  After timeout_ms (NULL:
 * no limit) it returns the state as it is, with a NOTICE.  A run 'running'
 * that nobody holds the run lock of (twice in a row) was interrupted: its
 * state comes back with a WARNING.
 */
PG_FUNCTION_INFO_V1(covet_wait);
Datum
covet_wait(PG_FUNCTION_ARGS)
{
	int64		run_id = arg_run_id(fcinfo);
	int			timeout_ms = PG_ARGISNULL(1) ? -1 : PG_GETARG_INT32(1);
	MemoryContext callercxt = CurrentMemoryContext;
	TimestampTz start = GetCurrentTimestamp();
	int			orphaned = 0;
	char	   *state = NULL;
	text	   *result;
	CovetError	err;

	if (timeout_ms < 0 && !PG_ARGISNULL(1))
	{
		covet_error_set(&err, COVET_ERR_INVALID, "timeout_ms must not be negative");
		covet_error_detail(&err, "timeout_ms was %d.", timeout_ms);
		raise_error(&err);
	}
	if (IsolationUsesXactSnapshot())
	{
		covet_error_set(&err, COVET_ERR_STATE, "covet_wait must run at READ COMMITTED");
		covet_error_detail(&err, "At REPEATABLE READ or SERIALIZABLE it would never see the run change.");
		covet_error_hint(&err, "Call it outside an explicit REPEATABLE READ or SERIALIZABLE transaction.");
		raise_error(&err);
	}

	covet_pg_check_version();
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	for (;;)
	{
		bool		held;
		bool		mine;
		long		waited;

		CHECK_FOR_INTERRUPTS();
		/* the lock first: a run seen 'running' after it was free is orphaned */
		held = run_lock_held(run_id) || covet_pg_parallel_parts_held(run_id);
		state = run_state(run_id, false, &mine, NULL);
		if (state == NULL)
			raise_no_run(run_id);
		if (strcmp(state, "completed") == 0 || strcmp(state, "failed") == 0 ||
			strcmp(state, "rolled back") == 0 || strcmp(state, "completed with errors") == 0)
			break;
		if ((strcmp(state, "paused") == 0 || strcmp(state, "cancelled") == 0) && !held)
			break;
		if (mine && strcmp(state, "pending") == 0)
		{
			covet_error_set(&err, COVET_ERR_STATE,
							"run %lld was started in this transaction and cannot run before it commits",
							(long long) run_id);
			strlcpy(err.sqlstate, "25001", sizeof(err.sqlstate));
			covet_error_hint(&err, "COMMIT first, then call covet_wait(%lld).", (long long) run_id);
			raise_error(&err);
		}
		if (strcmp(state, "running") == 0 && !held)
		{
			if (++orphaned >= 2)
			{
				ereport(WARNING,
						(errmsg("run %lld is running but no process is carrying it out",
								(long long) run_id),
						 errdetail("Its worker or session ended before the run did (a server restart, a terminated worker)."),
						 errhint("Resume it with covet_resume_background(%lld).", (long long) run_id)));
				break;
			}
		}
		else
			orphaned = 0;

		waited = (long) ((GetCurrentTimestamp() - start) / 1000);
		if (timeout_ms >= 0 && waited >= timeout_ms)
		{
			ereport(NOTICE,
					(errmsg("run %lld is still %s after %d ms", (long long) run_id, state, timeout_ms)));
			break;
		}
		pfree(state);
		state = NULL;
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						 timeout_ms >= 0 ? Min(POLL_MS, Max(timeout_ms - waited, 1)) : POLL_MS,
						 PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
	}
	result = (text *) MemoryContextAlloc(callercxt, VARHDRSZ + strlen(state));
	SET_VARSIZE(result, VARHDRSZ + strlen(state));
	memcpy(VARDATA(result), state, strlen(state));
	if (SPI_finish() != SPI_OK_FINISH)
		elog(ERROR, "SPI_finish failed");
	PG_RETURN_TEXT_P(result);
}

/* ---------------------------------------------------------------------
 * The worker
 * ---------------------------------------------------------------------
 */

/* Where the worker is, for the exit message. */
typedef enum WorkerPhase
{
	PHASE_STARTING,				/* nothing of the run done here yet */
	PHASE_RUNNING,				/* covet_batch_resume under way */
	PHASE_DONE
} WorkerPhase;

static int64 worker_run_id;
static WorkerPhase worker_phase = PHASE_STARTING;
static bool worker_stopped;		/* paused or cancelled during a throttle wait */
static bool worker_final;		/* the last progress report came */
static int64 worker_rows;
static int64 worker_batches;

/* SIGTERM and the like end the process in the middle of a run: say so. */
static void
worker_on_exit(int code, Datum arg)
{
	if (worker_phase == PHASE_RUNNING)
		ereport(LOG,
				(errmsg("covet run %lld stopped before it finished", (long long) worker_run_id),
				 errdetail("The batch in progress was rolled back; the run stays 'running' at its last checkpoint."),
				 errhint("Resume it with covet_resume_background(%lld).", (long long) worker_run_id)));
}

/* Sleep ms milliseconds; SIGTERM ends the process here (die). */
static void
worker_sleep(long ms)
{
	TimestampTz end = TimestampTzPlusMilliseconds(GetCurrentTimestamp(), ms);

	for (;;)
	{
		long		left;

		CHECK_FOR_INTERRUPTS();
		left = (long) ((end - GetCurrentTimestamp()) / 1000);
		if (left <= 0)
			break;
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						 left, PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
	}
}

/* The largest replay lag of the connected standbys, in ms (0: none known). */
static int64
max_replay_lag_ms(void)
{
	TimeOffset	max = 0;
	int			i;

	for (i = 0; WalSndCtl != NULL && i < max_wal_senders; i++)
	{
		WalSnd	   *walsnd = &WalSndCtl->walsnds[i];
		pid_t		pid;
		TimeOffset	lag;

		SpinLockAcquire(&walsnd->mutex);
		pid = walsnd->pid;
		lag = walsnd->applyLag;	/* pg_stat_replication.replay_lag */
		SpinLockRelease(&walsnd->mutex);
		if (pid != 0 && lag > max)
			max = lag;
	}
	return (int64) (max / 1000);
}

static void
worker_activity(const char *fmt,...) pg_attribute_printf(1, 2);

static void
worker_activity(const char *fmt,...)
{
	char		line[256];
	va_list		ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	pgstat_report_activity(STATE_RUNNING, line);
}

/*
 * Between committed batches: sleep covet.batch_sleep, then wait while
 * replication lags.  No snapshot is held while waiting, so the worker does
 * not hold back vacuum.  A pause or cancel seen during a long wait for
 * replication stops the run there.
 */
static CovetStatus
worker_throttle(void *ctx, CovetError *err)
{
	bool		logged = false;
	CovetStatus rc;
	int64		max_lag = 0;
	TimestampTz wait_start = 0;

	/* a part of a parallel run: its parent's row, now and then */
	if ((rc = covet_pg_parallel_between_batches(ctx, err)) != COVET_OK)
		return rc;
	if (covet_batch_sleep <= 0 && covet_max_replication_lag <= 0)
		return COVET_OK;
	PopActiveSnapshot();
	InvalidateCatalogSnapshot();
	if (covet_batch_sleep > 0)
		worker_sleep(covet_batch_sleep);
	while (covet_max_replication_lag > 0)
	{
		int64		lag = max_replay_lag_ms();
		char	   *state;

		if (lag <= covet_max_replication_lag)
			break;
		max_lag = Max(max_lag, lag);
		if (!logged)
		{
			wait_start = GetCurrentTimestamp();
			ereport(LOG,
					(errmsg("covet run %lld waits for replication: replay lag %lld ms exceeds covet.max_replication_lag (%d ms)",
							(long long) worker_run_id, (long long) lag, covet_max_replication_lag)));
			worker_activity("covet run %lld: waiting for replication (replay lag %lld ms)",
							(long long) worker_run_id, (long long) lag);
			logged = true;
		}
		worker_sleep(Min(1000, Max(covet_max_replication_lag, POLL_MS)));

		PushActiveSnapshot(GetTransactionSnapshot());
		state = run_state(worker_run_id, false, NULL, NULL);
		PopActiveSnapshot();
		InvalidateCatalogSnapshot();
		if (state != NULL && (strcmp(state, "paused") == 0 || strcmp(state, "cancelled") == 0))
		{
			worker_stopped = true;
			PushActiveSnapshot(GetTransactionSnapshot());
			covet_error_set(err, COVET_ERR_STATE, "run %lld was %s while it waited for replication",
							(long long) worker_run_id, state);
			pfree(state);
			return COVET_ERR_STATE;
		}
		if (state != NULL)
			pfree(state);
	}
	if (logged)
		ereport(LOG,
				(errmsg("covet run %lld goes on: replay lag is back under covet.max_replication_lag",
						(long long) worker_run_id)));
	PushActiveSnapshot(GetTransactionSnapshot());
	/* the wait, in the runs row (it commits with the next batch) */
	if (logged)
	{
		CovetPgCall *call = (CovetPgCall *) ctx;
		char		id[32],
					ms[32],
					reason[160];
		const char *p[] = {id, reason, ms};

		snprintf(id, sizeof(id), "%lld", (long long) worker_run_id);
		snprintf(ms, sizeof(ms), "%lld",
				 (long long) ((GetCurrentTimestamp() - wait_start) / 1000));
		snprintf(reason, sizeof(reason), "replication lag %lld ms exceeds covet.max_replication_lag (%d ms)",
				 (long long) max_lag, covet_max_replication_lag);
		return covet_sql_run(&call->driver, "UPDATE {runs} SET throttled = {2},"
							 " throttled_ms = throttled_ms + CAST({3} AS bigint)"
							 " WHERE id {=} CAST({1} AS bigint)", 3, p, NULL, err);
	}
	return COVET_OK;
}

/* Progress: the text of pg_stat_activity.query, after every batch. */
static void
worker_progress(void *ctx, const CovetProgress *p)
{
	char		line[512];

	covet_progress_format(p, line, sizeof(line));
	pgstat_report_activity(STATE_RUNNING, line);
	worker_final = p->final;
	worker_rows = p->rows_done;
	worker_batches = p->batches;
}

static CovetStatus
core_worker_resume(CovetDriver *d, void *arg, char **report, CovetError *err)
{
	return covet_batch_resume(d, *(int64 *) arg, -1, err);
}

static void
worker_set(const char *name, const char *value)
{
	(void) set_config_option(name, value, PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SET, true, 0, false);
}

static void
worker_set_int(const char *name, int value)
{
	char		text[32];

	snprintf(text, sizeof(text), "%d", value);
	worker_set(name, text);
}

/*
 * Wait until the launching transaction has ended.  Returns whether it
 * committed; exits the process when it did not end in time.
 */
static bool
wait_for_launcher(TransactionId xid, int timeout_ms)
{
	TimestampTz start = GetCurrentTimestamp();

	while (TransactionIdIsInProgress(xid))
	{
		if (TimestampDifferenceExceeds(start, GetCurrentTimestamp(), timeout_ms))
		{
			ereport(LOG,
					(errmsg("covet run %lld was not started: the transaction that launched it has not ended after %d ms",
							(long long) worker_run_id, timeout_ms),
					 errdetail("The run stays pending."),
					 errhint("Once it has committed, start the run with covet_resume_background(%lld), or raise covet.background_start_timeout.",
							 (long long) worker_run_id)));
			proc_exit(0);
		}
		worker_sleep(POLL_MS);
	}
	return TransactionIdDidCommit(xid);
}

/* Take the run lock for this process's life, waiting up to timeout_ms. */
static void
wait_for_run_lock(int timeout_ms)
{
	TimestampTz start = GetCurrentTimestamp();

	for (;;)
	{
		bool		got;

		StartTransactionCommand();
		got = covet_pg_run_lock_try(worker_run_id, true);
		CommitTransactionCommand();
		if (got)
			return;
		if (TimestampDifferenceExceeds(start, GetCurrentTimestamp(), timeout_ms))
		{
			ereport(LOG,
					(errmsg("covet run %lld is being carried out by another process after %d ms; this worker exits",
							(long long) worker_run_id, timeout_ms)));
			proc_exit(0);
		}
		worker_sleep(POLL_MS);
	}
}

void
covet_worker_main(Datum main_arg)
{
	CovetWorkerArgs args;
	static CovetPgCall call;
	char		name[64];
	char	   *volatile state = NULL;

	worker_run_id = DatumGetInt64(main_arg);
	memcpy(&args, MyBgworkerEntry->bgw_extra, sizeof(args));
	args.search_path[sizeof(args.search_path) - 1] = '\0';

	/* SIGTERM: end at the next interrupt check, like a backend */
	pqsignal(SIGTERM, die);
	BackgroundWorkerUnblockSignals();
	BackgroundWorkerInitializeConnectionByOid(args.dboid, args.sessionoid, 0);

	snprintf(name, sizeof(name), "covet run %lld", (long long) worker_run_id);
	worker_set("application_name", name);
	worker_set("search_path", args.search_path);

	/*
	 * A batch's commit need not wait for its WAL to reach disk: its
	 * checkpoint is in the same transaction, so a crash that loses the
	 * last commits loses their batches and their checkpoints together, and
	 * the resumed run does them again, once.  The run's progress only goes
	 * back a little (at most about three wal_writer_delay), and never past
	 * its end: the last commit of a run is synchronous (below).
	 */
	worker_set("synchronous_commit", "off");
	worker_set_int("covet.batch_sleep", args.batch_sleep);
	worker_set_int("covet.max_replication_lag", args.max_replication_lag);
	worker_set_int("covet.background_start_timeout", args.start_timeout);
	if (args.useroid != args.sessionoid)
	{
		/* the launcher's current role, as SET ROLE would make it */
		StartTransactionCommand();
		SetCurrentRoleId(args.useroid, superuser_arg(args.useroid));
		CommitTransactionCommand();
	}
	before_shmem_exit(worker_on_exit, (Datum) 0);

	worker_activity("%s: waiting for the transaction that started it", name);
	if (!wait_for_launcher(args.xid, args.start_timeout))
	{
		ereport(LOG,
				(errmsg("covet run %lld was not started: the transaction that launched it rolled back",
						(long long) worker_run_id)));
		proc_exit(0);
	}
	worker_activity("%s: waiting for the run lock", name);
	wait_for_run_lock(args.start_timeout);

	/*
	 * One run, or the parts of a parallel run: after its part, a worker
	 * takes the next pending one (parallel.c) until none is left.
	 */
	for (;;)
	{
		int64		next;

		StartTransactionCommand();
		covet_pg_call_begin_worker(&call, covet_lock_timeout);
		call.driver.throttle = worker_throttle;
		call.driver.progress = worker_progress;
		PushActiveSnapshot(GetTransactionSnapshot());
		PG_TRY();
		{
			/* read it FOR UPDATE: a pause now waits until the run is 'running' */
			MemoryContext old = MemoryContextSwitchTo(call.callcxt);

			state = run_state(worker_run_id, true, NULL, NULL);
			MemoryContextSwitchTo(old);
			covet_pg_parallel_worker_begin(worker_run_id);
			if (state != NULL && strcmp(state, "pending") == 0)
			{
				worker_activity("%s: starting", name);
				worker_phase = PHASE_RUNNING;
				covet_pg_call_run(&call, core_worker_resume, &worker_run_id);
			}
		}
		PG_CATCH();
		{
			/* an error the core did not catch: the run stays where it was */
			EmitErrorReport();
			FlushErrorState();
			AbortCurrentTransaction();
			covet_pg_call_cleanup(&call);
			proc_exit(1);
		}
		PG_END_TRY();
		worker_phase = PHASE_DONE;

		PopActiveSnapshot();
		if (state == NULL || strcmp(state, "pending") != 0)
		{
			if (state == NULL)
				ereport(LOG,
						(errmsg("covet run %lld was not started: it does not exist", (long long) worker_run_id),
						 errdetail("The transaction that launched it rolled back its creation.")));
			else
				ereport(LOG,
						(errmsg("covet run %lld was not started: it is %s", (long long) worker_run_id, state)));
			covet_pg_call_end(&call);
			CommitTransactionCommand();
		}
		else if (call.status == COVET_OK)
		{
			/*
			 * The run's last commit waits for its WAL, and so for every
			 * commit before it: a run that reads completed (or paused) stays
			 * so after a crash.
			 */
			worker_set("synchronous_commit", "on");
			covet_pg_call_end(&call);
			CommitTransactionCommand();
			worker_set("synchronous_commit", "off");
			if (worker_final)
				ereport(LOG,
						(errmsg("covet run %lld completed: %lld rows in %lld batches",
								(long long) worker_run_id, (long long) worker_rows,
								(long long) worker_batches)));
			else
				ereport(LOG,
						(errmsg("covet run %lld stopped: it was paused or cancelled", (long long) worker_run_id)));
		}
		else
		{
			CovetError	err = call.err;

			covet_pg_call_end(&call);
			AbortCurrentTransaction();
			if (worker_stopped)
				ereport(LOG, (errmsg("covet run %lld stopped: %s", (long long) worker_run_id, err.message)));
			else
				ereport(LOG,
						(errmsg("covet run %lld failed: %s", (long long) worker_run_id, err.message),
						 err.detail[0] ? errdetail("%s", err.detail) : 0,
						 errhint("Fix the cause, then covet_resume_background(%lld).", (long long) worker_run_id)));
		}
		next = covet_pg_parallel_worker_next(worker_run_id, covet_lock_timeout);
		if (next == 0)
			break;
		StartTransactionCommand();
		covet_pg_run_unlock(worker_run_id);
		CommitTransactionCommand();
		worker_run_id = next;
		worker_phase = PHASE_STARTING;
		worker_stopped = worker_final = false;
		worker_rows = worker_batches = 0;
		state = NULL;
		snprintf(name, sizeof(name), "covet run %lld", (long long) worker_run_id);
		worker_set("application_name", name);
	}
	pgstat_report_stat(true);
	pgstat_report_activity(STATE_IDLE, NULL);
	proc_exit(0);
}
