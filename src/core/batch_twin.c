/*-------------------------------------------------------------------------
 *
 * batch_twin.c
 *		A new batched run identical to an unfinished one: refused, or
 *		resumed when its own migration runs again (batch.c, run creation).
 *
 * A run that failed, was paused, is pending, or was 'running' when its
 * process died has changed part of its table.  A second run of the same
 * operation with the same arguments (runs.op and runs.args, which hold the
 * table as the caller named it) would apply a transform that need not be
 * idempotent (n = n + 1) a second time to those rows, so it is refused,
 * naming the run to resume or cancel (SQLSTATE 55000; 55006 when another
 * process is carrying the run out right now, as the run lock says).
 *
 * The exception: a data migration run by covet_migrate_up_commit whose
 * CALL covet_<op>_commit(...) commits per batch, and whose runner died.
 * The next covet_migrate_up_commit runs the migration again, and the run
 * it starts is the one it started before: that run (same migration, started
 * after the migration's last history row other than a failed attempt's,
 * 'incomplete', or a lock timeout's, 'retry'; nobody carrying it out) is
 * resumed from its checkpoint instead of refused, and one it already
 * completed is not run again (covet_batch_twin_completed) before the
 * migration is recorded applied.  The driver says whether the migration
 * is run by a _commit form (migration_commits).
 *
 *-------------------------------------------------------------------------
 */
#include "covet.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Columns: id, state, table_name, current (1: started by this attempt of
 * the migration being applied by a _commit form). */
static const char *const twin_sql =
"SELECT r.id, r.state, r.table_name,"
" CASE WHEN {3} IS NOT NULL AND r.migration {=} {3} AND NOT EXISTS"
" (SELECT 1 FROM {history} h WHERE h.name {=} r.migration AND h.started_at {>} r.started_at"
" AND h.action NOT IN ('incomplete', 'retry'))"
" THEN 1 ELSE 0 END"
" FROM {runs} r WHERE r.op {=} {1} AND r.args {=} {2} AND r.parent_id IS NULL"
" AND r.state IN ('pending', 'running', 'failed', 'paused', 'completed')"
" ORDER BY r.id DESC";

/* The migration being applied by a _commit form, or NULL. */
static const char *
committing_migration(CovetDriver *d)
{
	if (d->get_migration == NULL || d->migration_commits == NULL ||
		!d->migration_commits(d->ctx))
		return NULL;
	return d->get_migration(d->ctx);
}

static CovetStatus
refuse(int64_t id, const char *op, const char *table, const char *state,
	   bool alive, CovetError *err)
{
	covet_error_set(err, COVET_ERR_STATE,
					"an identical run is unfinished: run %lld (%s on %s, %s)",
					(long long) id, op, table, state);
	covet_error_detail(err, "A new run of the same operation with the same arguments would change again the rows run %lld changed.",
					   (long long) id);
	if (alive)
	{
		strncpy(err->sqlstate, "55006", sizeof(err->sqlstate));
		covet_error_hint(err, "Another process is carrying run %lld out: wait for it, or stop it with covet_cancel(%lld).",
						 (long long) id, (long long) id);
	}
	else
		covet_error_hint(err, "Resume it with covet_resume(%lld), or cancel it with covet_cancel(%lld) and start again.",
						 (long long) id, (long long) id);
	return COVET_ERR_STATE;
}

/*
 * Before a run of op is created: *twin_id = 0 (create it), or the id of
 * the run to carry on instead (its own migration runs again); an error if
 * an identical run is unfinished.
 */
CovetStatus
covet_batch_twin(CovetDriver *d, const CovetOp *op, int64_t *twin_id,
				 CovetError *err)
{
	CovetResult res = {0};
	const char *p[] = {op->op, op->args, committing_migration(d)};
	CovetStatus rc;
	int			i;

	*twin_id = 0;
	if (op->args == NULL)
		return COVET_OK;
	if ((rc = covet_sql_run(d, twin_sql, 3, p, &res, err)) != COVET_OK)
		return rc;
	for (i = 0; i < res.nrows; i++)
	{
		int64_t		id = strtoll(COVET_VALUE(&res, i, 0), NULL, 10);
		const char *state = COVET_VALUE(&res, i, 1);
		bool		current = strcmp(COVET_VALUE(&res, i, 3), "1") == 0;
		bool		alive;

		if (strcmp(state, "completed") == 0)
		{
			if (!current)
				continue;
			*twin_id = id;		/* covet_batch_resume does nothing more */
			break;
		}
		alive = d->run_alive != NULL && d->run_alive(d->ctx, id);
		if (current && !alive)
		{
			*twin_id = id;
			break;
		}
		rc = refuse(id, op->op, COVET_VALUE(&res, i, 2), state, alive, err);
		break;
	}
	covet_result_free(d, &res);
	if (rc == COVET_OK && *twin_id != 0 && d->notice != NULL)
	{
		char		msg[COVET_NAME_MAX + 96];

		snprintf(msg, sizeof(msg), "migration \"%s\" carries on with its run %lld",
				 p[2], (long long) *twin_id);
		d->notice(d->ctx, msg);
	}
	return rc;
}

/*
 * May covet_batch_resume treat completed run_id as done?  Only the run a
 * migration being applied by a _commit form started in this attempt
 * (covet_batch_twin handed it back).
 */
CovetStatus
covet_batch_twin_completed(CovetDriver *d, int64_t run_id, bool *yes,
						   CovetError *err)
{
	CovetResult res = {0};
	char		id[32];
	const char *p[] = {id, committing_migration(d)};
	CovetStatus rc;

	*yes = false;
	if (p[1] == NULL)
		return COVET_OK;
	snprintf(id, sizeof(id), "%lld", (long long) run_id);
	rc = covet_sql_run(d,
					   "SELECT 1 FROM {runs} r WHERE r.id {=} CAST({1} AS bigint)"
					   " AND r.state = 'completed' AND r.migration {=} {2} AND NOT EXISTS"
					   " (SELECT 1 FROM {history} h WHERE h.name {=} r.migration"
					   " AND h.started_at {>} r.started_at"
					   " AND h.action NOT IN ('incomplete', 'retry'))",
					   2, p, &res, err);
	*yes = rc == COVET_OK && res.nrows == 1;
	covet_result_free(d, &res);
	return rc;
}
