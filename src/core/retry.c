/*-------------------------------------------------------------------------
 *
 * retry.c
 *		A migration that times out waiting for a lock is retried.
 *
 * DDL that waits for a lock queues every later session behind it, so a
 * migration's statements wait at most covet.ddl_lock_timeout (the driver's
 * lock_guard sets the engine's lock timeout around one attempt and
 * restores the caller's after it).  When an attempt fails with a lock
 * timeout, its savepoint has already been rolled back, so the lock queue
 * drains; covet then writes a NOTICE and a history row (action 'retry',
 * outcome 'lock timeout', detail naming the sessions that held the lock),
 * waits 100 ms doubling to a cap of 5 s, each wait jittered by +-50%, and
 * tries again, up to covet.ddl_lock_retries more times.  The last failure
 * is the lock timeout itself (SQLSTATE 55P03) with the blockers in its
 * detail.  covet never falls back to waiting without a timeout.
 *
 * The retry rows are written in the run's transaction: they stay if the
 * run (or, for the commit-per-migration forms, the migration) commits,
 * and go with everything else when it fails; the NOTICEs and the final
 * error say the same at once.
 *
 * A driver without lock_guard (SQLite: its busy timeout governs waits)
 * runs each migration once.
 *
 *-------------------------------------------------------------------------
 */
#include "repair.h"

#include <stdio.h>
#include <string.h>

#define RETRY_FIRST_MS	100
#define RETRY_CAP_MS	5000

int
covet_retry_delay_ms(int attempt, uint32_t rnd)
{
	int64_t		base = RETRY_FIRST_MS;
	int			i;

	for (i = 1; i < attempt && base < RETRY_CAP_MS; i++)
		base *= 2;
	if (base > RETRY_CAP_MS)
		base = RETRY_CAP_MS;
	/* a factor of 0.50 to 1.50 */
	return (int) (base * (50 + (int64_t) (rnd % 101)) / 100);
}

/* A small generator for the jitter; the core keeps no state between calls. */
static uint32_t
next_random(uint32_t *state)
{
	uint32_t	x = *state ? *state : 0x9e3779b9u;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*state = x;
	return x;
}

static CovetStatus
retry_row(CovetDriver *d, const char *name, const char *checksum, int attempt,
		  int wait_ms, const char *blockers, CovetError *err)
{
	char		detail[1024];
	const char *p[4];

	snprintf(detail, sizeof(detail), "attempt %d, next in %d ms. %s", attempt,
			 wait_ms, blockers[0] ? blockers : "The blocking sessions could not be found.");
	p[0] = name;
	p[1] = checksum;
	p[2] = d->who(d->ctx);
	p[3] = detail;
	return covet_sql_run(d,
						 "INSERT INTO {history} (name, action, checksum, started_at,"
						 " duration_ms, statements, rows, who, outcome, detail)"
						 " VALUES ({1}, 'retry', {2}, {now}, 0, 0, 0, {3},"
						 " 'lock timeout', {4})",
						 4, p, NULL, err);
}

static CovetStatus
run_guarded(CovetDriver *d, CovetAttemptFn attempt, void *arg, bool guard,
			CovetError *err)
{
	CovetStatus rc;
	CovetError	gerr;

	if (guard && (rc = d->lock_guard(d->ctx, true, err)) != COVET_OK)
		return rc;
	rc = attempt(d, arg, err);
	if (guard && d->lock_guard(d->ctx, false, &gerr) != COVET_OK && rc == COVET_OK)
	{
		*err = gerr;
		rc = gerr.code;
	}
	return rc;
}

/* The last attempt failed: the lock timeout, with what blocked it. */
static CovetStatus
give_up(CovetDriver *d, int attempts, const char *blockers, CovetStatus rc,
		CovetError *err)
{
	covet_error_detail(err, "%s Gave up after %d %s, each waiting at most %d ms for a lock.",
					   blockers[0] ? blockers : "The blocking sessions could not be found.",
					   attempts, attempts == 1 ? "attempt" : "attempts",
					   d->ddl_lock_timeout_ms);
	covet_error_hint(err, "End or wait for the blocking sessions, or raise covet.ddl_lock_retries or covet.ddl_lock_timeout.");
	return rc;
}

CovetStatus
covet_lock_retry(CovetDriver *d, const char *name, const char *checksum,
				 CovetAttemptFn attempt, void *arg, CovetError *err)
{
	bool		guard = d->lock_guard != NULL && d->ddl_lock_timeout_ms > 0;
	int			retries = guard ? d->ddl_lock_retries : 0;
	uint32_t	rnd = (uint32_t) d->clock_ms(d->ctx);
	int			n;

	for (n = 1;; n++)
	{
		char	   *blockers = NULL;
		const char *who;
		CovetStatus rc;
		CovetError	berr;
		int			wait_ms;
		char		line[1536];

		rc = run_guarded(d, attempt, arg, guard, err);
		if (rc == COVET_OK || !guard || d->is_lock_timeout == NULL ||
			!d->is_lock_timeout(d->ctx, err))
			return rc;
		if (d->lock_blockers == NULL ||
			d->lock_blockers(d->ctx, &blockers, &berr) != COVET_OK)
			blockers = NULL;
		who = blockers ? blockers : "";
		if (n > retries)
		{
			rc = give_up(d, n, who, rc, err);
			covet_free(&d->mem, blockers);
			return rc;
		}
		wait_ms = covet_retry_delay_ms(n, next_random(&rnd));
		snprintf(line, sizeof(line),
				 "migration \"%s\": lock timeout (attempt %d of %d), retrying in %d ms%s%s",
				 name, n, retries + 1, wait_ms, who[0] ? "; " : "", who);
		d->notice(d->ctx, line);
		rc = retry_row(d, name, checksum, n, wait_ms, who, err);
		covet_free(&d->mem, blockers);
		if (rc == COVET_OK && d->sleep_ms != NULL)
			rc = d->sleep_ms(d->ctx, wait_ms, err);
		if (rc != COVET_OK)
			return rc;
	}
}
