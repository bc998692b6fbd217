/*-------------------------------------------------------------------------
 *
 * pg_lockwait.c
 *		Lock timeouts of migration statements in PostgreSQL: the driver's
 *		lock_guard, is_lock_timeout, lock_blockers and sleep_ms, which the
 *		core's retry loop (src/core/retry.c) uses.
 *
 *		SET covet.ddl_lock_timeout = '2s';	-- 0 turns it off
 *		SET covet.ddl_lock_retries = 10;
 *		SELECT covet_migrate_up();
 *
 * lock_guard(on) sets lock_timeout to covet.ddl_lock_timeout for the
 * statements of one attempt, in a GUC nest level of its own (as a function's
 * SET clause does), and lock_guard(off) pops that level, so the caller's
 * lock_timeout is back after every attempt; an error that escapes unwinds
 * it with the transaction.  A commit inside the attempt (a commit-per-batch
 * CALL in a migration) ends the level too; then off leaves it alone.
 *
 * Who blocked a timed-out statement: by the time the error reaches covet
 * the wait is over (ProcessInterrupts cleans it up before raising), so
 * while a guard is on a periodic timer (a USER_TIMEOUT, every half lock
 * timeout, at most 1 s apart, so it fires at least once during any wait
 * that ends in a timeout) copies the LOCKTAG and mode this backend waits
 * for (MyProc->waitLock) into a static; a plain memcpy, nothing that is
 * unsafe in a signal handler.  After the error, GetLockConflicts names the
 * transactions that hold conflicting locks on that object, and
 * pg_stat_activity (read with the caller's rights, so another role's query
 * text shows only to those allowed to see it) gives their pid, user,
 * application and query.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "storage/latch.h"
#include "storage/lock.h"
#include "storage/proc.h"
#include "storage/sinvaladt.h"
#include "utils/guc.h"
#include "utils/timeout.h"
#include "utils/timestamp.h"

#include "covet_pg.h"

/* covet.ddl_lock_timeout: ms a migration statement waits for a lock (0: off). */
int			covet_ddl_lock_timeout = 2000;

/* covet.ddl_lock_retries: retries of a migration after a lock timeout. */
int			covet_ddl_lock_retries = 10;

/* The guards open in this backend (nested calls nest them). */
typedef struct LockGuard
{
	int			nest;			/* GUC nest level holding lock_timeout */
	LocalTransactionId lxid;	/* the transaction it was set in */
	int			xact_depth;		/* and its subtransaction depth */
} LockGuard;

#define MAX_GUARDS 8

static LockGuard guards[MAX_GUARDS];
static int	nguards = 0;

/* The periodic timer and what it saw. */
static TimeoutId watch_id;
static bool watch_registered = false;
static volatile sig_atomic_t seen_wait = 0;
static LOCKTAG seen_tag;
static LOCKMODE seen_mode;

static void blocker_pids(StringInfo pids);

static void
watch_handler(void)
{
	PGPROC	   *proc = MyProc;
	LOCK	   *lock;

	if (proc == NULL)
		return;
	lock = proc->waitLock;
	if (lock == NULL)
		return;
	memcpy(&seen_tag, &lock->tag, sizeof(LOCKTAG));
	seen_mode = proc->waitLockMode;
	seen_wait = 1;
}

static void
watch_start(int timeout_ms)
{
	int			period = Max(5, Min(timeout_ms / 2, 1000));

	if (!watch_registered)
	{
		watch_id = RegisterTimeout(USER_TIMEOUT, watch_handler);
		watch_registered = true;
	}
	seen_wait = 0;
	enable_timeout_every(watch_id,
						 TimestampTzPlusMilliseconds(GetCurrentTimestamp(), period),
						 period);
}

static void
watch_stop(void)
{
	if (watch_registered)
		disable_timeout(watch_id, false);
}

/*
 * The worker of a non-transactional migration (toplevel.c) waits for the
 * locks itself: it watches its own waits (covet_pg_lock_watch) and, after
 * a lock timeout, passes the blockers' pids ("{1,2}") to the caller, whose
 * lock_blockers then names them (covet_pg_lock_worker_blockers).
 */
static char worker_pids[256];

void
covet_pg_lock_watch(int timeout_ms)
{
	if (timeout_ms > 0)
		watch_start(timeout_ms);
}

void
covet_pg_lock_seen_pids(char *out, size_t len)
{
	StringInfoData pids;

	out[0] = '\0';
	if (!seen_wait)
		return;
	initStringInfo(&pids);
	blocker_pids(&pids);
	if (pids.len > 2)
		strlcpy(out, pids.data, len);
	pfree(pids.data);
}

void
covet_pg_lock_worker_blockers(const char *pids)
{
	strlcpy(worker_pids, pids ? pids : "", sizeof(worker_pids));
}

/* After an error that escaped the core: no guard is open any more. */
void
covet_pg_lock_guard_reset(void)
{
	nguards = 0;
	watch_stop();
}

static CovetStatus
drv_lock_guard(void *ctx, bool on, CovetError *err)
{
	CovetPgCall *call = (CovetPgCall *) ctx;
	LockGuard  *g;

	if (on)
	{
		char		value[32];

		/* guards of an earlier transaction were ended by its end */
		while (nguards > 0 && guards[nguards - 1].lxid != MyProc->lxid)
			nguards--;
		if (nguards == MAX_GUARDS)
			return covet_error_set(err, COVET_ERR_INTERNAL,
								   "lock timeout guards nested too deeply");
		g = &guards[nguards++];
		g->nest = NewGUCNestLevel();
		g->lxid = MyProc->lxid;
		g->xact_depth = GetCurrentTransactionNestLevel();
		snprintf(value, sizeof(value), "%d", call->driver.ddl_lock_timeout_ms);
		(void) set_config_option("lock_timeout", value, PGC_USERSET, PGC_S_SESSION,
								 GUC_ACTION_SAVE, true, 0, false);
		watch_start(call->driver.ddl_lock_timeout_ms);
		return COVET_OK;
	}
	if (nguards == 0)
		return COVET_OK;		/* reset by an inner call's error */
	g = &guards[--nguards];
	if (nguards == 0)
		watch_stop();
	if (g->lxid == MyProc->lxid && g->xact_depth == GetCurrentTransactionNestLevel())
		AtEOXact_GUC(true, g->nest);
	return COVET_OK;
}

static bool
drv_is_lock_timeout(void *ctx, const CovetError *err)
{
	return err->code == COVET_ERR_SQL && strcmp(err->sqlstate, "55P03") == 0;
}

/* The pids of the sessions holding locks that conflict with the one awaited. */
static void
blocker_pids(StringInfo pids)
{
	VirtualTransactionId *vxids;
	LOCKTAG		tag;
	int			count = 0;
	int			i;

	memcpy(&tag, (const void *) &seen_tag, sizeof(tag));
	vxids = GetLockConflicts(&tag, seen_mode, &count);
	appendStringInfoChar(pids, '{');
	for (i = 0; i < count; i++)
	{
		PGPROC	   *proc = BackendIdGetProc(vxids[i].backendId);

		if (proc == NULL || proc->pid == 0)
			continue;
		if (pids->len > 1)
			appendStringInfoChar(pids, ',');
		appendStringInfo(pids, "%d", proc->pid);
	}
	appendStringInfoChar(pids, '}');
}

static CovetStatus
drv_lock_blockers(void *ctx, char **text, CovetError *err)
{
	CovetPgCall *call = (CovetPgCall *) ctx;
	const char *sql =
		"SELECT pg_catalog.string_agg(pg_catalog.format("
		"'process %s (user \"%s\", application \"%s\", query \"%s\")',"
		" pid, usename, application_name, pg_catalog.left(query, 200)), ', ' ORDER BY pid)"
		" FROM pg_catalog.pg_stat_activity"
		" WHERE pid OPERATOR(pg_catalog.=) ANY (CAST($1 AS pg_catalog.int4[]))";
	StringInfoData pids;
	CovetResult res;
	const char *params[1];
	CovetStatus rc;

	*text = NULL;
	initStringInfo(&pids);
	if (worker_pids[0] != '\0')
	{
		/* a statement the toplevel.c worker ran timed out */
		appendStringInfoString(&pids, worker_pids);
		worker_pids[0] = '\0';
	}
	else if (seen_wait)
		blocker_pids(&pids);
	if (pids.len <= 2)
	{
		pfree(pids.data);
		*text = covet_strdup(&call->driver.mem, "");
		return *text ? COVET_OK : covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
	}
	params[0] = pids.data;
	rc = call->driver.query(call, sql, 1, params, &res, err);
	pfree(pids.data);
	if (rc != COVET_OK)
		return rc;
	if (res.nrows == 1 && COVET_VALUE(&res, 0, 0) != NULL)
	{
		char	   *s = psprintf("Blocked by %s.", COVET_VALUE(&res, 0, 0));

		*text = covet_strdup(&call->driver.mem, s);
		pfree(s);
	}
	else
		*text = covet_strdup(&call->driver.mem, "");
	covet_result_free(&call->driver, &res);
	return *text ? COVET_OK : covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
}

static CovetStatus
drv_sleep_ms(void *ctx, int ms, CovetError *err)
{
	CovetPgCall *call = (CovetPgCall *) ctx;
	TimestampTz end = TimestampTzPlusMilliseconds(GetCurrentTimestamp(), ms);

	for (;;)
	{
		long		left = TimestampDifferenceMilliseconds(GetCurrentTimestamp(), end);

		if (left <= 0)
			return COVET_OK;
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						 left, PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
		if (call->driver.check_interrupts(call, err) != COVET_OK)
			return err->code;
	}
}

/* Fill the driver's lock-timeout members (pg_driver.c's call_init). */
void
covet_pg_lockwait_init(CovetDriver *d)
{
	d->ddl_lock_timeout_ms = covet_ddl_lock_timeout;
	d->ddl_lock_retries = covet_ddl_lock_retries;
	d->lock_guard = drv_lock_guard;
	d->is_lock_timeout = drv_is_lock_timeout;
	d->lock_blockers = drv_lock_blockers;
	d->sleep_ms = drv_sleep_ms;
}
