/*-------------------------------------------------------------------------
 *
 * batch_errors.c
 *		Errors per batch: retries and on_error 'skip' (issue 16).
 *
 * A batch that fails in its SQL is rolled back (its savepoint, or its own
 * transaction), so it changed nothing.  In a run whose batches commit one
 * by one (PostgreSQL's _commit procedures CALLed at top level and
 * _background runs; SQLite in autocommit mode) batch.c then:
 *
 *	- with retries => K, runs it again when the error is transient
 *	  (deadlock 40P01, serialization failure 40001, lock not available
 *	  55P03; SQLite's SQLITE_BUSY and SQLITE_LOCKED, which the SQLite
 *	  driver reports as 55P03), at most K times per batch, after a wait
 *	  of 100 ms doubling to 5 s, each jittered by +-50% (retry.c's
 *	  covet_retry_delay_ms); each retry adds one to runs.retried;
 *	- with on_error => 'skip', halves the batch until the failing row is
 *	  alone (a bisection: the halves before it commit), records its key,
 *	  error and SQLSTATE in run_errors, and steps over it in the same
 *	  transaction as the record; the size comes back after the skip.  The
 *	  run ends "completed with errors"; covet_resume of such a run tries
 *	  just the recorded keys again, and forgets each that now succeeds.
 *
 * A run in one transaction (the plain SELECT forms, a _commit form inside
 * a transaction block, SQLite inside the host's transaction) cannot roll a
 * batch back alone and refuses both settings (covet_batch_errors_refuse).
 *
 *-------------------------------------------------------------------------
 */
#include "batch_tune.h"
#include "repair.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool
covet_batch_error_transient(const char *sqlstate)
{
	static const char *const transient[] = {"40P01", "40001", "55P03", NULL};
	int			i;

	if (sqlstate == NULL)
		return false;
	for (i = 0; transient[i] != NULL; i++)
		if (strcmp(sqlstate, transient[i]) == 0)
			return true;
	return false;
}

CovetStatus
covet_batch_retry_wait(CovetDriver *d, const char *run_id, int attempt,
					   const CovetError *cause, CovetError *err)
{
	uint32_t	rnd = (uint32_t) d->clock_ms(d->ctx) * 2654435761u + (uint32_t) attempt;
	int			ms = covet_retry_delay_ms(attempt, rnd);
	const char *p[] = {run_id};
	char		line[1200];
	CovetStatus rc;

	if (d->notice != NULL)
	{
		snprintf(line, sizeof(line), "covet run %s retries a batch (attempt %d) in %d ms after: %s",
				 run_id, attempt, ms, cause->message);
		d->notice(d->ctx, line);
	}
	rc = covet_sql_run(d, "UPDATE {runs} SET retried = retried + 1, updated_at = {now}"
					   " WHERE id {=} CAST({1} AS bigint)", 1, p, NULL, err);
	if (rc == COVET_OK && d->sleep_ms != NULL)
		rc = d->sleep_ms(d->ctx, ms, err);
	return rc;
}

CovetStatus
covet_batch_error_record(CovetDriver *d, const char *run_id, const char *key,
						 const CovetError *cause, CovetError *err)
{
	/* the engine's own SQLSTATE; SQLite has none (NULL) but busy's 55P03 */
	const char *p[] = {run_id, key, cause->message, cause->sqlstate[0] ? cause->sqlstate : NULL};
	CovetStatus rc;

	if ((rc = covet_batch_error_forget(d, run_id, key, err)) != COVET_OK)
		return rc;
	return covet_sql_run(d, "INSERT INTO {run_errors} (run_id, key, error, sqlstate, at)"
						 " VALUES (CAST({1} AS bigint), {2}, {3}, {4}, {now})",
						 4, p, NULL, err);
}

CovetStatus
covet_batch_error_forget(CovetDriver *d, const char *run_id, const char *key,
						 CovetError *err)
{
	const char *p[] = {run_id, key};

	return covet_sql_run(d, "DELETE FROM {run_errors} WHERE run_id {=} CAST({1} AS bigint)"
						 " AND key {=} {2}", 2, p, NULL, err);
}

CovetStatus
covet_batch_errors_count(CovetDriver *d, const char *run_id, int64_t *n, CovetError *err)
{
	const char *p[] = {run_id};
	CovetResult res = {0};
	CovetStatus rc;

	*n = 0;
	rc = covet_sql_run(d, "SELECT count(*) FROM {run_errors} WHERE run_id {=} CAST({1} AS bigint)",
					   1, p, &res, err);
	if (rc == COVET_OK && res.nrows == 1 && COVET_VALUE(&res, 0, 0) != NULL)
		*n = strtoll(COVET_VALUE(&res, 0, 0), NULL, 10);
	covet_result_free(d, &res);
	return rc;
}

CovetStatus
covet_batch_errors_refuse(CovetError *err)
{
	covet_error_set(err, COVET_ERR_INVALID,
					"retries and on_error 'skip' need batches that commit one by one");
	covet_error_detail(err, "This call runs every batch in one transaction, where a failed batch cannot be rolled back alone.");
	covet_error_hint(err, "CALL the _commit form at top level or use the _background form (PostgreSQL); call it in autocommit mode (SQLite).");
	return COVET_ERR_INVALID;
}
