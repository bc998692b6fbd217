/*-------------------------------------------------------------------------
 *
 * pg_health.c
 *		Health signals between the batches of a run that commits per batch
 *		(a _commit procedure CALLed at top level, a _background worker):
 *		the driver's health_check, which the core's wait loop
 *		(src/core/batch_health.c) asks after each committed batch.
 *
 *		SET covet.max_wal_rate = '16MB';	-- WAL bytes per second
 *		SET covet.lock_wait_pause = '2s';	-- after a batch others waited on
 *		SET covet.throttle_when = 'SELECT count(*) > 100 FROM app.queue';
 *		CALL covet_backfill_commit('t', 'n = n + 1');
 *
 * - covet.max_wal_rate: the WAL the whole server wrote (the insert
 *   position, GetXLogInsertRecPtr) since the last check, over the time
 *   since then.  While above the limit the run waits; the window grows
 *   while it waits (the position and time of the last check are kept),
 *   so the rate it sees falls back under the limit as soon as the server
 *   is quiet enough.
 * - covet.lock_wait_pause: just before a batch commits
 *   (covet_pg_health_before_commit, from drv_batch_commit), the sessions
 *   waiting for a lock this backend holds (pg_blocking_pids) are counted;
 *   after a batch that made any wait, the run waits this long once, so
 *   they get ahead of the next batch.
 * - covet.throttle_when: a query returning one boolean, read by the
 *   engine's parser as exactly one SELECT (no WITH, no second statement),
 *   run as the run's statements are (as its owner) in a subtransaction;
 *   while it returns true the run waits.  An error in it fails the run.
 *
 * A background worker gets the settings its database and role have
 * (ALTER DATABASE / ALTER ROLE ... SET, postgresql.conf), not a SET of
 * the session that launched it.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <limits.h>

#include "access/xlog.h"
#include "executor/spi.h"
#include "utils/guc.h"
#include "utils/timestamp.h"

#include "covet_pg.h"

int			covet_max_wal_rate = 0;
int			covet_lock_wait_pause = 0;
char	   *covet_throttle_when = NULL;

/* The last check of the WAL rate, and the lock waits of the last batch. */
static const CovetPgCall *health_call;
static XLogRecPtr health_lsn;
static TimestampTz health_at;
static int	health_blocked;
static TimestampTz health_blocked_until;

void
covet_pg_health_gucs(void)
{
	DefineCustomIntVariable("covet.max_wal_rate",
							"Sets the WAL generated per second above which a run waits between batches.",
							"Between the batches of a run that commits per batch, covet waits while the server's WAL rate since the last check exceeds this. Zero turns the check off.",
							&covet_max_wal_rate,
							0, 0, INT_MAX,
							PGC_USERSET,
							GUC_UNIT_BYTE,
							NULL, NULL, NULL);
	DefineCustomIntVariable("covet.lock_wait_pause",
							"Sets how long a run waits after a batch that other sessions waited on.",
							"Sessions waiting for a lock the run's batch holds are counted before it commits; after such a batch the run waits this long. Zero turns the check off.",
							&covet_lock_wait_pause,
							0, 0, 3600 * 1000,
							PGC_USERSET,
							GUC_UNIT_MS,
							NULL, NULL, NULL);
	DefineCustomStringVariable("covet.throttle_when",
							   "Sets a query that makes a run wait between batches while it returns true.",
							   "One SELECT returning a boolean, run as the run's owner after each committed batch. Empty turns the check off.",
							   &covet_throttle_when,
							   "",
							   /*
								* superusers only: the query runs as the run's owner,
								* who may be a superuser the setter is not (ALTER
								* DATABASE ... SET by a database owner)
								*/
							   PGC_SUSET,
							   0,
							   NULL, NULL, NULL);
}

/*
 * Just before a batch of call commits: how many sessions wait for a lock
 * this backend holds.  Only with covet.lock_wait_pause on.
 */
void
covet_pg_health_before_commit(const CovetPgCall *call)
{
	if (covet_lock_wait_pause <= 0)
		return;
	if (health_call != call)
	{
		health_call = call;
		health_lsn = InvalidXLogRecPtr;
		health_blocked = 0;
	}
	if (SPI_execute("SELECT pg_catalog.count(*) FROM pg_catalog.pg_stat_activity a"
					" WHERE pg_catalog.pg_backend_pid() OPERATOR(pg_catalog.=)"
					" ANY (pg_catalog.pg_blocking_pids(a.pid))", true, 1) == SPI_OK_SELECT &&
		SPI_processed == 1)
	{
		bool		isnull;
		Datum		n = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);

		if (!isnull && DatumGetInt64(n) > 0)
		{
			health_blocked = (int) DatumGetInt64(n);
			health_blocked_until = TimestampTzPlusMilliseconds(GetCurrentTimestamp(),
															   covet_lock_wait_pause);
		}
	}
}

static CovetStatus
throttle_when_true(CovetPgCall *call, bool *yes, CovetError *err)
{
	CovetDriver *d = &call->driver;
	CovetResult res = {0};
	CovetStatus rc;

	*yes = false;
	if ((rc = d->check_statement(call, covet_throttle_when, COVET_SQL_SELECT, 0, err)) != COVET_OK)
	{
		covet_error_prefix(err, "covet.throttle_when: ");
		return rc;
	}
	if ((rc = d->savepoint_begin(call, err)) != COVET_OK)
		return rc;
	rc = d->query(call, covet_throttle_when, 0, NULL, &res, err);
	if (rc != COVET_OK)
	{
		CovetError	ignore;

		(void) d->savepoint_rollback(call, &ignore);
		covet_error_prefix(err, "covet.throttle_when failed: ");
		return rc;
	}
	if (res.nrows != 1 || res.ncols != 1)
	{
		(void) d->savepoint_release(call, err);
		covet_result_free(d, &res);
		covet_error_set(err, COVET_ERR_INVALID, "covet.throttle_when must return one row with one boolean");
		covet_error_detail(err, "It returned %d rows of %d columns.", res.nrows, res.ncols);
		return COVET_ERR_INVALID;
	}
	*yes = COVET_VALUE(&res, 0, 0) != NULL && strcmp(COVET_VALUE(&res, 0, 0), "t") == 0;
	covet_result_free(d, &res);
	return d->savepoint_release(call, err);
}

/* The driver's health_check (see CovetDriver). */
CovetStatus
covet_pg_health_check(void *ctx, char *reason, size_t len, CovetError *err)
{
	CovetPgCall *call = (CovetPgCall *) ctx;
	TimestampTz now = GetCurrentTimestamp();

	reason[0] = '\0';
	if (health_call != call)
	{
		health_call = call;
		health_lsn = InvalidXLogRecPtr;
		health_blocked = 0;
	}
	if (health_blocked > 0)
	{
		if (now < health_blocked_until)
		{
			snprintf(reason, len, "%d session%s waited for the locks of its last batch (covet.lock_wait_pause %d ms)",
					 health_blocked, health_blocked == 1 ? "" : "s", covet_lock_wait_pause);
			return COVET_OK;
		}
		health_blocked = 0;
	}
	if (covet_max_wal_rate > 0)
	{
		XLogRecPtr	lsn = GetXLogInsertRecPtr();

		if (health_lsn != InvalidXLogRecPtr && now > health_at)
		{
			double		secs = (double) (now - health_at) / 1000000.0;
			double		rate = (double) (lsn - health_lsn) / secs;

			if (rate > (double) covet_max_wal_rate)
			{
				snprintf(reason, len, "WAL rate %.0f bytes/s exceeds covet.max_wal_rate (%d bytes/s)",
						 rate, covet_max_wal_rate);
				return COVET_OK;
			}
		}
		health_lsn = lsn;
		health_at = now;
	}
	if (covet_throttle_when != NULL && covet_throttle_when[0] != '\0')
	{
		bool		yes;
		CovetStatus rc = throttle_when_true(call, &yes, err);

		if (rc != COVET_OK)
			return rc;
		if (yes)
			snprintf(reason, len, "covet.throttle_when is true");
	}
	return COVET_OK;
}
