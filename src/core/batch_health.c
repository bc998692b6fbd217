/*-------------------------------------------------------------------------
 *
 * batch_health.c
 *		Throttling on health between batches (issue 16).
 *
 * After a batch has committed and the run was neither paused nor
 * cancelled, the driver's health_check says whether the database is
 * healthy enough for the next batch (PostgreSQL: WAL generated per second
 * against covet.max_wal_rate, other sessions that waited on the batch's
 * locks with covet.lock_wait_pause, a user's predicate covet.throttle_when;
 * pg_health.c).  While it names a reason, the run waits HEALTH_POLL_MS at a
 * time and asks again.  After each wait the runs row gets the reason
 * (throttled) and the time waited (throttled_ms, a total), committed, so
 * covet_runs shows a waiting run and why; a pause or cancel seen there
 * ends the wait and the run.  A NOTICE says when the run starts waiting
 * and when it goes on.
 *
 * SQLite has no such signals (one writer, no replication, no WAL shared
 * with a server): its driver leaves health_check NULL.
 *
 *-------------------------------------------------------------------------
 */
#include "batch_tune.h"

#include <stdio.h>
#include <string.h>

#define HEALTH_POLL_MS 200

/* Record a wait of waited_ms for reason; *stop when the run was paused or cancelled. */
static CovetStatus
record_wait(CovetDriver *d, const char *run_id, const char *reason, int64_t waited_ms,
			bool *stop, CovetError *err)
{
	char		ms[32];
	const char *p[] = {run_id, reason, ms};
	CovetResult res = {0};
	CovetStatus rc;
	bool		committed;

	snprintf(ms, sizeof(ms), "%lld", (long long) waited_ms);
	rc = covet_sql_run(d, "UPDATE {runs} SET throttled = {2},"
					   " throttled_ms = throttled_ms + CAST({3} AS bigint), updated_at = {now}"
					   " WHERE id {=} CAST({1} AS bigint) RETURNING state", 3, p, &res, err);
	if (rc == COVET_OK && res.nrows == 1 && COVET_VALUE(&res, 0, 0) != NULL &&
		(strcmp(COVET_VALUE(&res, 0, 0), "paused") == 0 ||
		 strcmp(COVET_VALUE(&res, 0, 0), "cancelled") == 0))
		*stop = true;
	covet_result_free(d, &res);
	if (rc == COVET_OK && d->batch_commit != NULL)
		rc = d->batch_commit(d->ctx, &committed, err);
	return rc;
}

CovetStatus
covet_batch_health_wait(CovetDriver *d, const char *run_id, bool *stop, CovetError *err)
{
	char		reason[256];
	char		line[400];
	int64_t		start,
				last;
	bool		waiting = false;
	CovetStatus rc = COVET_OK;

	*stop = false;
	if (d->health_check == NULL || d->sleep_ms == NULL)
		return COVET_OK;
	start = last = d->clock_ms(d->ctx);
	for (;;)
	{
		int64_t		now;

		reason[0] = '\0';
		if ((rc = d->health_check(d->ctx, reason, sizeof(reason), err)) != COVET_OK ||
			reason[0] == '\0')
			break;
		if (!waiting && d->notice != NULL)
		{
			snprintf(line, sizeof(line), "covet run %s waits: %s", run_id, reason);
			d->notice(d->ctx, line);
		}
		waiting = true;
		if ((rc = d->sleep_ms(d->ctx, HEALTH_POLL_MS, err)) != COVET_OK)
			break;
		now = d->clock_ms(d->ctx);
		rc = record_wait(d, run_id, reason, now - last, stop, err);
		last = now;
		if (rc != COVET_OK || *stop)
			break;
	}
	if (rc == COVET_OK && waiting && !*stop && d->notice != NULL)
	{
		snprintf(line, sizeof(line), "covet run %s goes on after waiting %lld ms",
				 run_id, (long long) (d->clock_ms(d->ctx) - start));
		d->notice(d->ctx, line);
	}
	return rc;
}
