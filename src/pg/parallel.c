/*-------------------------------------------------------------------------
 *
 * parallel.c
 *		Parallel background runs (workers => N): a worker per part of a
 *		parent run (batch_parts.c), and what steering the parent means for
 *		its parts.
 *
 *		SELECT covet_backfill_background('t', 'n = n + 1', workers => 2);
 *		-- 7; runs 8 and 9 are its parts, each carried out by a worker
 *		SELECT covet_wait(7);			-- 'completed' once both are
 *
 * Launching.  covet_pg_background_launch hands a parent to
 * covet_pg_parallel_launch, which registers one dynamic background worker
 * per pending part, in key order, each one an ordinary covet worker
 * (background.c) whose run is the part.  When a registration fails
 * (max_worker_processes) after at least one succeeded, the parts left wait:
 * a worker that has finished its part takes the next pending part whose
 * run lock is free, so the parts run with fewer workers, one after another
 * on each.  When none can be registered the call fails as for a single
 * worker, and nothing is left behind.
 *
 * The parent's row.  A worker carrying a part out brings the parent's
 * counters up to date (covet_batch_parts_sync) at most once a second,
 * between batches, in a transaction of its own, and once more when its
 * part ends, while it still holds the part's run lock: so the parent is
 * 'completed' (or 'failed', 'paused', 'cancelled') before the last lock
 * goes, and covet_wait, which takes a parent 'running' that nobody holds
 * a part lock of for an interrupted run, never sees a finished run so.
 *
 * Locks.  Each part has its own run lock, held by its worker for as long
 * as it carries the part out.  A session that resumes a parent (the
 * procedure form, or the SELECT form atomically) takes each part's lock
 * while it runs that part (run_lock of the driver); undo takes them all,
 * so no part is undone while a worker still writes it.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

#include "covet_pg.h"
#include "batch_parts.h"

/* How often a worker brings its parent's row up to date, in ms. */
#define SYNC_MS 1000

/* The worker's part: its parent (0: not a part) and the last sync. */
static int64 worker_parent = 0;
static TimestampTz worker_last_sync = 0;

/* Part locks a session took at session level (run_lock), to release. */
static int64 session_locks[COVET_MAX_WORKERS];
static int	nsession_locks = 0;

/*
 * Run a query on covet.runs with covet's rights; SPI connected.  The
 * result stays in SPI_tuptable.
 */
static void
runs_query(const char *sql, int64 run_id, int want)
{
	Oid			types[1] = {INT8OID};
	Datum		values[1];
	CovetPgRights rights;
	int			rc;

	values[0] = Int64GetDatum(run_id);
	covet_pg_as_catalog(&rights);
	rc = SPI_execute_with_args(sql, 1, types, values, NULL, false, 0);
	covet_pg_rights_restore(&rights);
	if (rc != want)
		elog(ERROR, "could not read covet.runs");
}

static int64
tuple_int8(int row, int col)
{
	bool		isnull;
	Datum		v = SPI_getbinval(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, col, &isnull);

	return isnull ? 0 : DatumGetInt64(v);
}

/*
 * The pending parts of run_id, in key order, allocated in the memory
 * context current at the call (SPI leaves its own current); SPI connected.
 */
static int64 *
pending_parts(int64 run_id, int *npending, int *nparts)
{
	MemoryContext cxt = CurrentMemoryContext;
	int64	   *ids;
	int			i;

	runs_query("SELECT id, state OPERATOR(pg_catalog.=) 'pending' FROM covet.runs"
			   " WHERE parent_id OPERATOR(pg_catalog.=) $1 ORDER BY id",
			   run_id, SPI_OK_SELECT);
	*nparts = (int) SPI_processed;
	*npending = 0;
	ids = MemoryContextAlloc(cxt, sizeof(int64) * (SPI_processed + 1));
	for (i = 0; i < (int) SPI_processed; i++)
	{
		bool		isnull;

		if (DatumGetBool(SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2, &isnull)))
			ids[(*npending)++] = tuple_int8(i, 1);
	}
	SPI_freetuptable(SPI_tuptable);
	return ids;
}

/*
 * If run_id is the parent of a parallel run, register a worker for each of
 * its pending parts and return true; false for any other run.
 */
bool
covet_pg_parallel_launch(int64 run_id)
{
	int64	   *ids;
	int			npending,
				nparts,
				started = 0;
	MemoryContext cxt = CurrentMemoryContext;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	{
		/* in the caller's context: SPI's goes with SPI_finish */
		MemoryContext old = MemoryContextSwitchTo(cxt);

		ids = pending_parts(run_id, &npending, &nparts);
		MemoryContextSwitchTo(old);
	}
	if (SPI_finish() != SPI_OK_FINISH)
		elog(ERROR, "SPI_finish failed");
	if (nparts == 0)
		return false;
	while (started < npending && covet_pg_background_launch_one(ids[started], started == 0))
		started++;
	if (started < npending)
		ereport(NOTICE,
				(errmsg("run %lld has %d parts waiting for a worker: %d of %d background workers started",
						(long long) run_id, npending - started, started, npending),
				 errdetail("Every background worker slot is in use (max_worker_processes is %d). A worker that finishes its part takes the next one waiting.",
						   max_worker_processes),
				 errhint("Raise max_worker_processes to run every part at once.")));
	pfree(ids);
	return true;
}

/*
 * covet_resume_background of a parent (SPI connected, its row locked):
 * every unfinished part becomes pending, unless a process still carries
 * one out.
 */
void
covet_pg_parallel_resume_prepare(int64 run_id)
{
	int			i,
				n;

	runs_query("SELECT id FROM covet.runs WHERE parent_id OPERATOR(pg_catalog.=) $1"
			   " AND state NOT IN ('completed', 'rolled back') ORDER BY id",
			   run_id, SPI_OK_SELECT);
	n = (int) SPI_processed;
	for (i = 0; i < n; i++)
	{
		int64		part = tuple_int8(i, 1);

		if (covet_pg_run_lock_try(part, true))
			covet_pg_run_unlock(part);
		else
		{
			CovetError	err;

			covet_error_set(&err, COVET_ERR_STATE,
							"run %lld is being carried out by another process", (long long) run_id);
			strlcpy(err.sqlstate, "55006", sizeof(err.sqlstate));
			covet_error_detail(&err, "Its part, run %lld, is still running.", (long long) part);
			covet_error_hint(&err, "Wait for it with covet_wait(%lld), or stop it with covet_pause(%lld) or covet_cancel(%lld).",
							 (long long) run_id, (long long) run_id, (long long) run_id);
			covet_pg_raise(&err);
		}
	}
	SPI_freetuptable(SPI_tuptable);
	runs_query("UPDATE covet.runs SET state = 'pending', updated_at = pg_catalog.clock_timestamp()"
			   " WHERE parent_id OPERATOR(pg_catalog.=) $1 AND state NOT IN ('completed', 'rolled back')",
			   run_id, SPI_OK_UPDATE);
}

/* Does any process hold the run lock of one of run_id's parts?  SPI connected. */
bool
covet_pg_parallel_parts_held(int64 run_id)
{
	bool		held = false;
	bool		isnull;

	runs_query("SELECT pg_catalog.count(*) OPERATOR(pg_catalog.>) 0 FROM pg_catalog.pg_locks l"
			   " JOIN covet.runs r ON l.objid OPERATOR(pg_catalog.=) r.id::pg_catalog.oid"
			   " WHERE r.parent_id OPERATOR(pg_catalog.=) $1"
			   " AND l.locktype OPERATOR(pg_catalog.=) 'advisory'"
			   " AND l.database OPERATOR(pg_catalog.=) (SELECT oid FROM pg_catalog.pg_database"
			   " WHERE datname OPERATOR(pg_catalog.=) pg_catalog.current_database())"
			   " AND l.classid OPERATOR(pg_catalog.=) 1668249202::pg_catalog.oid"
			   " AND l.objsubid OPERATOR(pg_catalog.=) 2::pg_catalog.int2 AND l.granted",
			   run_id, SPI_OK_SELECT);
	if (SPI_processed == 1)
		held = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull)) && !isnull;
	SPI_freetuptable(SPI_tuptable);
	return held;
}

/* ---------------------------------------------------------------------
 * A session steering a parent: the parts' run locks (CovetDriver.run_lock)
 * ---------------------------------------------------------------------
 */

static CovetStatus
drv_run_lock(void *ctx, int64_t run_id, bool take, CovetError *err)
{
	CovetPgCall *call = (CovetPgCall *) ctx;
	int			i;

	if (!take)
	{
		for (i = 0; i < nsession_locks; i++)
		{
			if (session_locks[i] != run_id)
				continue;
			covet_pg_run_unlock(run_id);
			session_locks[i] = session_locks[--nsession_locks];
			break;
		}
		return COVET_OK;
	}
	if (call->nonatomic && nsession_locks >= COVET_MAX_WORKERS)
		return covet_error_set(err, COVET_ERR_INTERNAL, "too many part locks");
	if (!covet_pg_run_lock_try(run_id, call->nonatomic))
	{
		covet_error_set(err, COVET_ERR_STATE,
						"run %lld is being carried out by another process", (long long) run_id);
		strlcpy(err->sqlstate, "55006", sizeof(err->sqlstate));
		covet_error_hint(err, "Wait for its parallel run with covet_wait, or stop it with covet_pause or covet_cancel.");
		return COVET_ERR_STATE;
	}
	if (call->nonatomic)
		session_locks[nsession_locks++] = run_id;
	return COVET_OK;
}

void
covet_pg_parallel_driver(CovetDriver *d)
{
	d->run_lock = drv_run_lock;
}

/* After a session's call, however it ended: release the part locks left. */
void
covet_pg_parallel_unlock_all(void)
{
	while (nsession_locks > 0)
		covet_pg_run_unlock(session_locks[--nsession_locks]);
}

/* ---------------------------------------------------------------------
 * The worker's side
 * ---------------------------------------------------------------------
 */

static CovetStatus
core_sync(CovetDriver *d, void *arg, char **report, CovetError *err)
{
	return covet_batch_parts_sync(d, *(int64 *) arg, err);
}

/*
 * A worker starts on run_id (in a transaction, SPI connected): if it is a
 * part, remember its parent.
 */
void
covet_pg_parallel_worker_begin(int64 run_id)
{
	runs_query("SELECT parent_id FROM covet.runs WHERE id OPERATOR(pg_catalog.=) $1",
			   run_id, SPI_OK_SELECT);
	worker_parent = SPI_processed == 1 ? tuple_int8(0, 1) : 0;
	SPI_freetuptable(SPI_tuptable);
	worker_last_sync = GetCurrentTimestamp();
}

/*
 * Between committed batches of a part (the driver's throttle calls it
 * first): at most once a second, the parent's row in a transaction of its
 * own.
 */
CovetStatus
covet_pg_parallel_between_batches(void *ctx, CovetError *err)
{
	CovetPgCall *call = (CovetPgCall *) ctx;
	TimestampTz now = GetCurrentTimestamp();
	bool		committed;
	CovetStatus rc;

	if (worker_parent == 0 || !TimestampDifferenceExceeds(worker_last_sync, now, SYNC_MS))
		return COVET_OK;
	worker_last_sync = now;
	rc = covet_batch_parts_sync(&call->driver, worker_parent, err);
	if (rc == COVET_OK)
		rc = call->driver.batch_commit(call, &committed, err);
	return rc;
}

/*
 * The worker's part has ended, however (no transaction open): bring the
 * parent up to date and take the next pending part whose run lock is free.
 * Returns that part's id, its run lock held for the session, or 0.
 */
int64
covet_pg_parallel_worker_next(int64 run_id, int lock_timeout_ms)
{
	CovetPgCall call;
	int64		next = 0;
	int64		parent = worker_parent;

	if (parent == 0)
		return 0;
	StartTransactionCommand();
	covet_pg_call_begin_worker(&call, lock_timeout_ms);
	PushActiveSnapshot(GetTransactionSnapshot());
	covet_pg_call_run(&call, core_sync, &parent);
	if (call.status != COVET_OK)
		ereport(LOG,
				(errmsg("covet run %lld: its parent run %lld could not be brought up to date: %s",
						(long long) run_id, (long long) parent, call.err.message)));
	else
	{
		int64	   *ids;
		int			npending,
					nparts,
					i;

		ids = pending_parts(parent, &npending, &nparts);
		for (i = 0; i < npending && next == 0; i++)
		{
			if (covet_pg_run_lock_try(ids[i], true))
				next = ids[i];
		}
	}
	PopActiveSnapshot();
	covet_pg_call_end(&call);
	CommitTransactionCommand();
	return next;
}
