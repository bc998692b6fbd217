/*-------------------------------------------------------------------------
 *
 * batch_parts.c
 *		Parallel runs: one run split into parts over disjoint key ranges,
 *		each part a run of its own that a worker carries out.
 *
 *		SELECT covet_backfill_background('t', 'n = n + 1', workers => 4);
 *		-- 7: the parent; runs 8..11 are its parts (parent_id 7)
 *
 * The parent is an ordinary runs row: it names the operation, holds the
 * undo table and is what the caller steers (covet_wait, covet_pause,
 * covet_cancel, covet_resume_background, covet_undo).  It never runs a
 * batch itself.  A part is a run with parent_id set, the parent's
 * statements and undo table, and a key range: lower_key (exclusive; NULL
 * for the first part) to upper_key (inclusive).  Its last_key starts at
 * lower_key, so the ordinary batch loop (batch.c) carries it out as any run
 * that was checkpointed there: its own batches, its own checkpoint
 * committed with each batch, its own run lock.  After a crash every part
 * resumes from its own checkpoint; nothing is skipped or done twice.
 *
 * Splitting.  The split keys are the N-quantiles of a sample of the
 * table's keys up to the run's upper key (row_number over the key order; a
 * TABLESAMPLE SYSTEM of about SAMPLE_ROWS rows when the planner's estimate
 * is larger, the whole key column otherwise), so the parts hold about as
 * many rows each whatever the key's type: integer, text or composite.  A
 * table with fewer keys than workers gets fewer parts.
 *
 * The parent's row.  covet_batch_parts_sync sums the parts (rows_done,
 * rows_total, batches, the running parts' rates, so the ETA) and derives
 * the state: completed when every part is, running while any part is
 * pending or running, else failed (with the first failed part's error),
 * paused or cancelled.  A pause or cancel of the parent stays until every
 * part has completed.  Workers call it at most once a second and when
 * their part ends, each time in a short transaction of its own: the first
 * statement locks the parent's row, so the counters read after it include
 * every part that committed before (no stale total overwrites a newer one).
 *
 * Undo.  All parts write their old values into the parent's undo table,
 * so covet_undo of the parent is the single-run undo; the parts become
 * 'rolled back' with it.  Without an undo table, the reverse SET list is
 * applied to the range each part reached.
 *
 *-------------------------------------------------------------------------
 */
#include "batch_parts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A sample of about this many keys gives the split keys. */
#define SAMPLE_ROWS 100000

/* (keys) op ($first, ...), parameters cast to the key types where needed */
static void
key_compare(CovetBuf *b, const CovetDialect *dl, const CovetTableInfo *t,
			const char *prefix, const char *op, int first)
{
	covet_buf_appendc(b, '(');
	covet_batch_key_list(b, t, prefix, "");
	covet_buf_appendc(b, ')');
	covet_sql_op(b, dl, op);
	covet_batch_key_params(b, dl, t, first);
}

/*
 * The split keys: rows of npk values, in key order, each the last key of
 * a part.  The planner's estimate sizes the sample.
 */
static CovetStatus
split_keys(CovetDriver *d, const CovetTableInfo *t, char *const *upper, int workers,
		   CovetResult *res, CovetError *err)
{
	const CovetDialect *dl = d->dialect;
	CovetBuf	b;
	char	   *sql = NULL;
	double		estimate = 0;
	CovetStatus rc;

	if (dl->estimate_sql != NULL)
	{
		CovetResult est = {0};
		const char *p[] = {t->sql_name};

		covet_buf_init(&b, &d->mem);
		covet_sql_expand(dl, &b, dl->estimate_sql);
		if ((rc = covet_buf_finish(&b, &sql, err)) != COVET_OK)
			return rc;
		rc = d->query(d->ctx, sql, 1, p, &est, err);
		covet_free(&d->mem, sql);
		if (rc == COVET_OK && est.nrows == 1 && COVET_VALUE(&est, 0, 0) != NULL)
			estimate = strtod(COVET_VALUE(&est, 0, 0), NULL);
		covet_result_free(d, &est);
		if (rc != COVET_OK)
			return rc;
	}

	covet_buf_init(&b, &d->mem);
	covet_buf_append(&b, "SELECT ");
	covet_batch_key_list(&b, t, "s.", "");
	covet_buf_append(&b, " FROM (SELECT ");
	covet_batch_key_list(&b, t, "t.", "");
	covet_buf_appendf(&b, ", %srow_number() OVER (ORDER BY ", dl->catalog);
	covet_batch_key_list(&b, t, "t.", "");
	covet_buf_appendf(&b, ") AS \"covet n\", %scount(*) OVER () AS \"covet c\" FROM %s AS t",
					  dl->catalog, t->sql_name);
	/* only PostgreSQL has an estimate, and TABLESAMPLE; SQLite never splits */
	if (estimate > 2.0 * SAMPLE_ROWS)
		covet_buf_appendf(&b, " TABLESAMPLE SYSTEM (%.6f)", 100.0 * SAMPLE_ROWS / estimate);
	covet_buf_append(&b, " WHERE ");
	key_compare(&b, dl, t, "t.", "<=", 1);
	/*
	 * row n ends a part when floor((n - 1) * N / c) < floor(n * N / c);
	 * every operator parenthesized: OPERATOR() ones share one precedence
	 */
	covet_buf_append(&b, ") AS s WHERE (((s.\"covet n\"");
	covet_sql_op(&b, dl, "-");
	covet_buf_append(&b, "1)");
	covet_sql_op(&b, dl, "*");
	covet_buf_appendf(&b, "%d)", workers);
	covet_sql_op(&b, dl, "/");
	covet_buf_append(&b, "s.\"covet c\")");
	covet_sql_op(&b, dl, "<");
	covet_buf_append(&b, "((s.\"covet n\"");
	covet_sql_op(&b, dl, "*");
	covet_buf_appendf(&b, "%d)", workers);
	covet_sql_op(&b, dl, "/");
	covet_buf_append(&b, "s.\"covet c\") AND s.\"covet n\"");
	covet_sql_op(&b, dl, "<");
	covet_buf_append(&b, "s.\"covet c\" ORDER BY ");
	covet_batch_key_list(&b, t, "s.", "");
	if ((rc = covet_buf_finish(&b, &sql, err)) != COVET_OK)
		return rc;
	rc = d->query(d->ctx, sql, t->npk, (const char *const *) upper, res, err);
	covet_free(&d->mem, sql);
	return rc;
}

static CovetStatus
insert_part(CovetDriver *d, const char *parent, const char *lower, const char *upper,
			int64_t rows_total, CovetError *err)
{
	char		total[32];
	const char *p[] = {parent, lower, upper, total};

	snprintf(total, sizeof(total), "%lld", (long long) rows_total);
	return covet_sql_run(d,
						 "INSERT INTO {runs} (op, table_name, args, kind, set_sql, where_sql,"
						 " reverse_set, key_columns, upper_key, last_key, lower_key, batch_size,"
						 " rows_total, migration, who, state, rows_done, batches, started_at,"
						 " updated_at, undo_table, undo_columns, parent_id)"
						 " SELECT op, table_name, args, kind, set_sql, where_sql, reverse_set,"
						 " key_columns, {3}, {2}, {2}, batch_size, CAST({4} AS bigint), migration,"
						 " who, 'pending', 0, 0, {now}, {now}, undo_table, undo_columns, id"
						 " FROM {runs} WHERE id {=} CAST({1} AS bigint)",
						 4, p, NULL, err);
}

CovetStatus
covet_batch_parts_create(CovetDriver *d, int64_t parent_id, const CovetTableInfo *t,
						 char *const *upper, int64_t rows_total, int workers,
						 int *nparts, CovetError *err)
{
	CovetResult res = {0};
	char		parent[32];
	char	   *lower = NULL;
	char	   *upper_text = NULL;
	CovetStatus rc;
	int			nsplit = 0;
	int			i;

	*nparts = 0;
	snprintf(parent, sizeof(parent), "%lld", (long long) parent_id);
	if ((rc = covet_batch_key_encode(&d->mem, upper, t->npk, &upper_text, err)) != COVET_OK)
		return rc;
	if (workers > 1 &&
		(rc = split_keys(d, t, upper, workers, &res, err)) != COVET_OK)
		goto done;
	nsplit = workers > 1 ? res.nrows : 0;
	for (i = 0; rc == COVET_OK && i <= nsplit; i++)
	{
		char	   *end = NULL;

		if (i < nsplit)
		{
			char	  **row = &res.values[(size_t) i * (size_t) res.ncols];

			if ((rc = covet_batch_key_encode(&d->mem, row, t->npk, &end, err)) != COVET_OK)
				break;
			if (strcmp(end, upper_text) == 0)
			{
				/* the upper key itself: the last part would be empty */
				covet_free(&d->mem, end);
				continue;
			}
		}
		rc = insert_part(d, parent, lower, end ? end : upper_text,
						 rows_total / (nsplit + 1), err);
		covet_free(&d->mem, lower);
		lower = end;
		(*nparts)++;
	}
done:
	covet_free(&d->mem, lower);
	covet_free(&d->mem, upper_text);
	covet_result_free(d, &res);
	return rc;
}

/* --- the parent's row ------------------------------------------------------ */

static int64_t
value_int(const CovetResult *res, int col)
{
	const char *v = COVET_VALUE(res, 0, col);

	return v ? strtoll(v, NULL, 10) : 0;
}

CovetStatus
covet_batch_parts_sync(CovetDriver *d, int64_t parent_id, CovetError *err)
{
	CovetResult res = {0};
	CovetResult failed = {0};
	char		id[32];
	char		done[32],
				total[32],
				batches[32],
				rate_s[48],
				eta_s[48];
	const char *state;
	const char *error = NULL;
	const char *p[] = {id, NULL, done, total, batches, rate_s, eta_s, NULL};
	int64_t		nparts,
				ncompleted,
				nactive,
				nfailed,
				npaused;
	double		rate;
	char	   *parent_state = NULL;
	CovetStatus rc;

	snprintf(id, sizeof(id), "%lld", (long long) parent_id);
	/* lock the parent's row first: what is read next is at least as new */
	rc = covet_sql_run(d, "UPDATE {runs} SET updated_at = updated_at WHERE id {=} CAST({1} AS bigint)"
					   " RETURNING state", 1, p, &res, err);
	if (rc == COVET_OK && res.nrows == 1 && COVET_VALUE(&res, 0, 0) != NULL &&
		(parent_state = covet_strdup(&d->mem, COVET_VALUE(&res, 0, 0))) == NULL)
		rc = covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
	covet_result_free(d, &res);
	if (rc != COVET_OK || parent_state == NULL)
		goto done;
	rc = covet_sql_run(d,
					   "SELECT {pg}count(*),"
					   " {pg}sum(CASE WHEN state IN ('completed', 'completed with errors') THEN 1 ELSE 0 END),"
					   " {pg}sum(CASE WHEN state IN ('pending', 'running') THEN 1 ELSE 0 END),"
					   " {pg}sum(CASE WHEN state {=} 'failed' THEN 1 ELSE 0 END),"
					   " {pg}sum(CASE WHEN state {=} 'paused' THEN 1 ELSE 0 END),"
					   " {pg}sum(rows_done), {pg}sum(coalesce(rows_total, 0)), {pg}sum(batches),"
					   " {pg}sum(CASE WHEN state IN ('running', 'completed')"
					   " THEN coalesce(rows_per_sec, 0) ELSE 0 END),"
					   " {pg}sum(CASE WHEN state {=} 'running' THEN coalesce(rows_per_sec, 0) ELSE 0 END),"
					   " {pg}sum(CASE WHEN state {=} 'completed with errors' THEN 1 ELSE 0 END)"
					   " FROM {runs} WHERE parent_id {=} CAST({1} AS bigint)",
					   1, p, &res, err);
	if (rc != COVET_OK || res.nrows != 1)
		goto done;
	nparts = value_int(&res, 0);
	ncompleted = value_int(&res, 1);
	nactive = value_int(&res, 2);
	nfailed = value_int(&res, 3);
	npaused = value_int(&res, 4);
	/* while parts run, the rate of those running; at the end, of all */
	rate = COVET_VALUE(&res, 0, ncompleted == nparts ? 8 : 9) ?
		strtod(COVET_VALUE(&res, 0, ncompleted == nparts ? 8 : 9), NULL) : 0.0;
	if (nparts == 0 || strcmp(parent_state, "rolled back") == 0)
		goto done;
	if (ncompleted == nparts)
		/* a part that skipped rows (on_error 'skip') makes the whole run so */
		state = value_int(&res, 10) > 0 ? "completed with errors" : "completed";
	else if (strcmp(parent_state, "paused") == 0 || strcmp(parent_state, "cancelled") == 0)
		state = parent_state;
	else if (nactive > 0)
		state = "running";
	else if (nfailed > 0)
		state = "failed";
	else if (npaused > 0)
		state = "paused";
	else
		state = "cancelled";
	snprintf(done, sizeof(done), "%lld", (long long) value_int(&res, 5));
	snprintf(total, sizeof(total), "%lld",
			 (long long) (ncompleted == nparts ? value_int(&res, 5) : value_int(&res, 6)));
	snprintf(batches, sizeof(batches), "%lld", (long long) value_int(&res, 7));
	snprintf(rate_s, sizeof(rate_s), "%.1f", rate);
	{
		int64_t		left = value_int(&res, 6) - value_int(&res, 5);

		snprintf(eta_s, sizeof(eta_s), "%.1f",
				 ncompleted == nparts || left <= 0 || rate <= 0 ? 0.0 : (double) left / rate);
	}
	if (strcmp(state, "failed") == 0)
	{
		rc = covet_sql_run(d,
						   "SELECT id, error FROM {runs} WHERE parent_id {=} CAST({1} AS bigint)"
						   " AND state {=} 'failed' ORDER BY id LIMIT 1", 1, p, &failed, err);
		if (rc != COVET_OK)
			goto done;
		if (failed.nrows == 1)
			error = COVET_VALUE(&failed, 0, 1);
	}
	p[1] = state;
	p[7] = error;
	rc = covet_sql_run(d,
					   "UPDATE {runs} SET state = {2}, rows_done = CAST({3} AS bigint),"
					   " rows_total = CAST({4} AS bigint), batches = CAST({5} AS bigint),"
					   " rows_per_sec = CAST({6} AS double precision),"
					   " eta_seconds = CAST({7} AS double precision),"
					   " error = {8}, updated_at = {now},"
					   " finished_at = CASE WHEN {2} IN ('completed', 'completed with errors', 'failed', 'cancelled')"
					   " THEN coalesce(finished_at, {now}) END"
					   " WHERE id {=} CAST({1} AS bigint)",
					   8, p, NULL, err);
done:
	covet_result_free(d, &res);
	covet_result_free(d, &failed);
	covet_free(&d->mem, parent_state);
	return rc;
}

CovetStatus
covet_batch_parts_set_state(CovetDriver *d, int64_t parent_id, CovetRunState state,
							CovetError *err)
{
	char		id[32];
	const char *p[] = {id, covet_run_state_name(state)};

	snprintf(id, sizeof(id), "%lld", (long long) parent_id);
	return covet_sql_run(d,
						 state == COVET_RUN_CANCELLED ?
						 "UPDATE {runs} SET state = {2}, updated_at = {now}"
						 " WHERE parent_id {=} CAST({1} AS bigint)"
						 " AND state IN ('pending', 'running', 'paused', 'failed')" :
						 "UPDATE {runs} SET state = {2}, updated_at = {now}"
						 " WHERE parent_id {=} CAST({1} AS bigint)"
						 " AND state IN ('pending', 'running')",
						 2, p, NULL, err);
}

/* The parts (id, state), in key order. */
static CovetStatus
list_parts(CovetDriver *d, int64_t parent_id, CovetResult *res, CovetError *err)
{
	char		id[32];
	const char *p[] = {id};

	snprintf(id, sizeof(id), "%lld", (long long) parent_id);
	return covet_sql_run(d, "SELECT id, state FROM {runs} WHERE parent_id {=} CAST({1} AS bigint)"
						 " ORDER BY id", 1, p, res, err);
}

static CovetStatus
part_lock(CovetDriver *d, int64_t part_id, bool take, CovetError *err)
{
	if (d->run_lock == NULL)
		return COVET_OK;
	return d->run_lock(d->ctx, part_id, take, err);
}

static CovetStatus
commit_if_possible(CovetDriver *d, CovetError *err)
{
	bool		committed;

	if (d->batch_commit == NULL)
		return COVET_OK;
	return d->batch_commit(d->ctx, &committed, err);
}

CovetStatus
covet_batch_parts_resume(CovetDriver *d, int64_t parent_id, int progress_ms,
						 CovetError *err)
{
	CovetResult parts = {0};
	char		id[32];
	const char *p[] = {id};
	CovetStatus rc;
	int			i;

	snprintf(id, sizeof(id), "%lld", (long long) parent_id);
	rc = covet_sql_run(d, "UPDATE {runs} SET state = 'running', error = NULL, error_key = NULL,"
					   " finished_at = NULL, updated_at = {now} WHERE id {=} CAST({1} AS bigint)",
					   1, p, NULL, err);
	if (rc == COVET_OK)
		rc = commit_if_possible(d, err);
	if (rc == COVET_OK)
		rc = list_parts(d, parent_id, &parts, err);
	for (i = 0; rc == COVET_OK && i < parts.nrows; i++)
	{
		int64_t		part = strtoll(COVET_VALUE(&parts, i, 0), NULL, 10);
		CovetResult now = {0};
		bool		stop;

		if (strcmp(COVET_VALUE(&parts, i, 1), "completed") == 0)
			continue;
		/* paused or cancelled meanwhile: the parts left stay as they are */
		rc = covet_sql_run(d, "SELECT state FROM {runs} WHERE id {=} CAST({1} AS bigint)",
						   1, p, &now, err);
		stop = rc == COVET_OK && now.nrows == 1 && COVET_VALUE(&now, 0, 0) != NULL &&
			(strcmp(COVET_VALUE(&now, 0, 0), "paused") == 0 ||
			 strcmp(COVET_VALUE(&now, 0, 0), "cancelled") == 0);
		covet_result_free(d, &now);
		if (rc != COVET_OK || stop)
			break;
		if ((rc = part_lock(d, part, true, err)) != COVET_OK)
			break;
		rc = covet_batch_resume(d, part, progress_ms, err);
		(void) part_lock(d, part, false, NULL);
	}
	covet_result_free(d, &parts);
	if (rc == COVET_OK)
	{
		rc = covet_batch_parts_sync(d, parent_id, err);
		if (rc == COVET_OK)
			rc = commit_if_possible(d, err);
	}
	else if (rc == COVET_ERR_SQL && d->batch_commit != NULL)
	{
		CovetError	ignore;

		/* a part failed and recorded it: the parent says so too */
		if (covet_batch_parts_sync(d, parent_id, &ignore) == COVET_OK)
			(void) commit_if_possible(d, &ignore);
	}
	return rc;
}

CovetStatus
covet_batch_parts_lock(CovetDriver *d, int64_t parent_id, CovetError *err)
{
	CovetResult parts = {0};
	CovetStatus rc = COVET_OK;
	int			i;

	if (d->run_lock == NULL)
		return COVET_OK;
	rc = list_parts(d, parent_id, &parts, err);
	for (i = 0; rc == COVET_OK && i < parts.nrows; i++)
		rc = part_lock(d, strtoll(COVET_VALUE(&parts, i, 0), NULL, 10), true, err);
	covet_result_free(d, &parts);
	return rc;
}

CovetStatus
covet_batch_parts_undone(CovetDriver *d, int64_t parent_id, CovetError *err)
{
	char		id[32];
	const char *p[] = {id};

	snprintf(id, sizeof(id), "%lld", (long long) parent_id);
	return covet_sql_run(d, "UPDATE {runs} SET state = 'rolled back', undo_table = NULL,"
						 " updated_at = {now} WHERE parent_id {=} CAST({1} AS bigint)",
						 1, p, NULL, err);
}

/* --- undo by the reverse SET list ------------------------------------------ */

CovetStatus
covet_batch_parts_reverse(CovetDriver *d, int64_t parent_id, const CovetTableInfo *t,
						  const char *reverse_set, const char *where_sql, char **sql,
						  char ***params, int *nparams, CovetError *err)
{
	CovetResult res = {0};
	CovetBuf	b;
	char		id[32];
	const char *p[] = {id};
	char	  **out = NULL;
	int			n = 0;
	int			ranges = 0;
	CovetStatus rc;
	int			i,
				k;

	*sql = NULL;
	*params = NULL;
	*nparams = 0;
	snprintf(id, sizeof(id), "%lld", (long long) parent_id);
	rc = covet_sql_run(d, "SELECT lower_key, last_key FROM {runs}"
					   " WHERE parent_id {=} CAST({1} AS bigint) AND last_key IS NOT NULL"
					   " AND (lower_key IS NULL OR last_key {<>} lower_key) ORDER BY id",
					   1, p, &res, err);
	if (rc != COVET_OK)
		return rc;
	out = covet_alloc0(&d->mem, sizeof(char *) * (size_t) (2 * t->npk * (res.nrows + 1)));
	if (out == NULL)
	{
		covet_result_free(d, &res);
		return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
	}
	covet_buf_init(&b, &d->mem);
	covet_buf_appendf(&b, "UPDATE %s AS t SET\n%s\nWHERE (false", t->sql_name, reverse_set);
	for (i = 0; rc == COVET_OK && i < res.nrows; i++)
	{
		const char *lower = COVET_VALUE(&res, i, 0);
		char	  **v = NULL;

		covet_buf_append(&b, " OR (");
		if (lower != NULL)
		{
			if ((rc = covet_batch_key_decode(&d->mem, lower, t->npk, &v, err)) != COVET_OK)
				break;
			for (k = 0; k < t->npk; k++)
				out[n + k] = v[k];
			covet_free(&d->mem, v);
			key_compare(&b, d->dialect, t, "t.", ">", n + 1);
			n += t->npk;
			covet_buf_append(&b, " AND ");
		}
		if ((rc = covet_batch_key_decode(&d->mem, COVET_VALUE(&res, i, 1), t->npk, &v, err)) != COVET_OK)
			break;
		for (k = 0; k < t->npk; k++)
			out[n + k] = v[k];
		covet_free(&d->mem, v);
		key_compare(&b, d->dialect, t, "t.", "<=", n + 1);
		n += t->npk;
		covet_buf_append(&b, ")");
		ranges++;
	}
	covet_buf_append(&b, ")");
	if (where_sql != NULL)
		covet_buf_appendf(&b, " AND (\n%s\n)", where_sql);
	covet_result_free(d, &res);
	if (rc == COVET_OK)
		rc = covet_buf_finish(&b, sql, err);
	else
		covet_buf_free(&b);
	if (rc != COVET_OK)
	{
		for (i = 0; i < n; i++)
			covet_free(&d->mem, out[i]);
		covet_free(&d->mem, out);
		return rc;
	}
	*params = out;
	*nparams = n;
	return COVET_OK;
}
