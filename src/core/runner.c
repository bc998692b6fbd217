/*-------------------------------------------------------------------------
 *
 * runner.c
 *		The migration runner: define, load, up, down, apply, status.
 *
 * Every entry point that writes takes the runner lock and opens the run's
 * transaction through the driver (begin_run), checks everything it can
 * before the first migration runs (names, targets, dependencies, cycles,
 * checksum drift, missing down sections), then runs each migration in its
 * own savepoint together with its `applied` and `history` rows (a migration
 * that timed out waiting for a lock is rolled back and tried again:
 * covet_lock_retry, retry.c).  A failure rolls the savepoint back and ends
 * the run with end_run(commit = false), so the database is as it was
 * before the call.  A dry run wraps the migrations in one more savepoint
 * that is always rolled back, and raises the first error after that
 * rollback (naming the statement; DETAIL: the report so far).  With the
 * driver's commit_steps set (commit.c) each migration is committed after
 * its rows are written instead.
 *
 * Migrations are few (thousands at most), so the whole definition table is
 * read into memory for a run; memory comes from the driver and is freed on
 * every path.
 *
 *-------------------------------------------------------------------------
 */
#include "covet.h"
#include "formats.h"
#include "repair.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * What covet_squash's bookkeeping (covet.squashed) makes of a migration on
 * this database: an original that its squashed migration stands in for
 * (none of the originals applied, or the squashed one applied), a squashed
 * migration waiting while the originals go on (some applied), or one whose
 * originals are all applied (shown applied, runs nothing, never rolled
 * back itself).
 */
typedef enum SquashRole
{
	SQ_NONE,
	SQ_REPLACED,
	SQ_DEFERRED,
	SQ_COVERED
} SquashRole;

typedef struct Migration
{
	char	   *name;
	char	   *kind;
	char	   *up;
	char	   *down;			/* NULL: no down section */
	char	   *depends_text;	/* space-separated */
	char	   *checksum;		/* as stored at define time */
	char	   *actual;			/* recomputed from up and down */
	char	   *applied_checksum;	/* NULL: pending */
	char	   *applied_at;
	char	   *duration_ms;
	char	   *rows;
	char	   *who;
	char	  **deps;
	int			ndeps;
	bool		atomic;
	bool		repeatable;		/* re-applied when its checksum changes */
	char	   *incomplete;		/* toplevel.c: "apply"/"rollback" stopped, or NULL */
	char	   *incomplete_at;	/* statements committed */
	char	   *incomplete_error;
	SquashRole squash;			/* covet_squash's bookkeeping (squash.c) */
	int			squash_by;		/* SQ_REPLACED: the squashed migration */
} Migration;

typedef struct RunState
{
	CovetResult res;			/* owns the strings Migration points into */
	Migration  *migs;			/* sorted by name */
	int			n;
	int		   *order;			/* plan order; NULL when the graph is broken */
	CovetResult squashed;		/* covet.squashed: name, replaces */
	CovetError	plan_err;		/* why order is NULL */
} RunState;

typedef enum Direction
{
	DIR_UP,
	DIR_DOWN
} Direction;

#define MIG_COLS 17

static CovetStatus has_undoable_runs(CovetDriver *d, const Migration *m, bool *yes,
									 CovetError *err);

static const char *const load_sql =
"SELECT m.name, m.kind, m.up_sql, m.down_sql, m.depends_on, m.checksum,"
" CASE WHEN m.atomic THEN 1 ELSE 0 END,"
" a.checksum, a.applied_at, a.duration_ms, a.rows, a.who, a.name,"
" CASE WHEN m.repeatable THEN 1 ELSE 0 END,"
" i.action, i.statement, i.error"
" FROM {migrations} m LEFT JOIN {applied} a ON a.name {=} m.name"
" LEFT JOIN {incomplete} i ON i.name {=} m.name"
" ORDER BY m.name";

const CovetColumn covet_status_columns[COVET_STATUS_NCOLS] = {
	{"name", COVET_COL_TEXT},
	{"kind", COVET_COL_TEXT},
	{"state", COVET_COL_TEXT},
	{"depends_on", COVET_COL_TEXT},
	{"applied_at", COVET_COL_TIMESTAMP},
	{"duration_ms", COVET_COL_INT},
	{"rows", COVET_COL_INT},
	{"who", COVET_COL_TEXT},
	{"checksum", COVET_COL_TEXT},
	{"applied_checksum", COVET_COL_TEXT},
	{"drift", COVET_COL_BOOL},
	{"statement", COVET_COL_INT},
	{"error", COVET_COL_TEXT},
};

static void
free_names(CovetDriver *d, char **names, int n)
{
	int			i;

	for (i = 0; i < n; i++)
		covet_free(&d->mem, names[i]);
	covet_free(&d->mem, names);
}

static void
state_free(CovetDriver *d, RunState *st)
{
	int			i;

	for (i = 0; st->migs != NULL && i < st->n; i++)
	{
		covet_free(&d->mem, st->migs[i].actual);
		free_names(d, st->migs[i].deps, st->migs[i].ndeps);
	}
	covet_free(&d->mem, st->migs);
	covet_free(&d->mem, st->order);
	covet_result_free(d, &st->res);
	covet_result_free(d, &st->squashed);
	memset(st, 0, sizeof(*st));
}

static int state_find(const RunState *st, const char *name);

/* Free the dependency lists squash_plan_deps made longer, and nodes. */
static void
plan_nodes_free(CovetDriver *d, const RunState *st, CovetNode *nodes)
{
	int			i;

	for (i = 0; nodes != NULL && i < st->n; i++)
		if (nodes[i].deps != (const char *const *) st->migs[i].deps)
			covet_free(&d->mem, (void *) nodes[i].deps);
	covet_free(&d->mem, nodes);
}

static CovetStatus squash_plan_deps(CovetDriver *d, RunState *st, CovetNode *nodes,
									int s, int lo, int hi, CovetError *err);

/*
 * covet_squash's bookkeeping: each squashed migration's originals (rows of
 * covet.squashed) decide, on this database, which of the two stands in
 * (SquashRole).  A migration outside a squashed range that depends on an
 * original depends on the squashed migration too, for the plan: on a
 * database that runs the squashed one, it comes after it.
 */
static CovetStatus
squash_roles(CovetDriver *d, RunState *st, CovetNode *nodes, CovetError *err)
{
	CovetResult *sq = &st->squashed;
	CovetStatus rc;
	int			i,
				j;

	rc = covet_sql_run(d, "SELECT name, replaces FROM {squashed} ORDER BY name, replaces",
					   0, NULL, sq, err);
	if (rc != COVET_OK)
		return rc;
	for (i = 0; i < sq->nrows; i = j)
	{
		int			s = state_find(st, COVET_VALUE(sq, i, 0));
		int			total = 0,
					applied = 0;

		for (j = i; j < sq->nrows && strcmp(COVET_VALUE(sq, j, 0), COVET_VALUE(sq, i, 0)) == 0; j++)
		{
			int			o = state_find(st, COVET_VALUE(sq, j, 1));

			if (o < 0)
				continue;
			total++;
			if (st->migs[o].applied_checksum != NULL)
				applied++;
		}
		if (s < 0 || total == 0)
			continue;
		if (st->migs[s].applied_checksum == NULL && applied == total)
			st->migs[s].squash = SQ_COVERED;
		else if (st->migs[s].applied_checksum == NULL && applied > 0)
			st->migs[s].squash = SQ_DEFERRED;
		else
		{
			int			k;

			for (k = i; k < j; k++)
			{
				int			o = state_find(st, COVET_VALUE(sq, k, 1));

				if (o >= 0 && st->migs[o].applied_checksum == NULL)
				{
					st->migs[o].squash = SQ_REPLACED;
					st->migs[o].squash_by = s;
				}
			}
		}
		if ((rc = squash_plan_deps(d, st, nodes, s, i, j, err)) != COVET_OK)
			return rc;
	}
	return COVET_OK;
}

/* Is name one of the originals rows [lo, hi) of covet.squashed name? */
static bool
squash_replaces(const CovetResult *sq, int lo, int hi, const char *name)
{
	int			k;

	for (k = lo; k < hi; k++)
		if (strcmp(COVET_VALUE(sq, k, 1), name) == 0)
			return true;
	return false;
}

/*
 * Migrations outside the range [lo, hi) of squashed migration s that
 * depend on one inside it also depend on s, in the plan only (a new list
 * in nodes; m->deps stays as defined).
 */
static CovetStatus
squash_plan_deps(CovetDriver *d, RunState *st, CovetNode *nodes, int s,
				 int lo, int hi, CovetError *err)
{
	const CovetResult *sq = &st->squashed;
	int			i,
				k;

	for (i = 0; i < st->n; i++)
	{
		const char **deps;
		bool		hit = false;

		if (i == s || squash_replaces(sq, lo, hi, st->migs[i].name))
			continue;
		for (k = 0; k < nodes[i].ndeps && !hit; k++)
			hit = squash_replaces(sq, lo, hi, nodes[i].deps[k]);
		if (!hit)
			continue;
		deps = covet_alloc(&d->mem, sizeof(char *) * (size_t) (nodes[i].ndeps + 1));
		if (deps == NULL)
			return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
		for (k = 0; k < nodes[i].ndeps; k++)
			deps[k] = nodes[i].deps[k];
		deps[k] = st->migs[s].name;
		if (nodes[i].deps != (const char *const *) st->migs[i].deps)
			covet_free(&d->mem, (void *) nodes[i].deps);
		nodes[i].deps = deps;
		nodes[i].ndeps++;
	}
	return COVET_OK;
}

/* Read every migration with its applied state, and order them. */
static CovetStatus
state_load(CovetDriver *d, RunState *st, CovetError *err)
{
	CovetNode  *nodes = NULL;
	CovetStatus rc;
	int			i;

	memset(st, 0, sizeof(*st));
	if ((rc = covet_sql_run(d, load_sql, 0, NULL, &st->res, err)) != COVET_OK)
		return rc;
	if (st->res.ncols != MIG_COLS)
		return covet_error_set(err, COVET_ERR_INTERNAL,
							   "unexpected column count %d reading migrations",
							   st->res.ncols);
	st->migs = covet_alloc0(&d->mem, sizeof(Migration) * (size_t) (st->res.nrows + 1));
	nodes = covet_alloc0(&d->mem, sizeof(CovetNode) * (size_t) (st->res.nrows + 1));
	if (st->migs == NULL || nodes == NULL)
	{
		covet_free(&d->mem, nodes);
		return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
	}
	st->n = st->res.nrows;
	for (i = 0; i < st->n; i++)
	{
		Migration  *m = &st->migs[i];

		m->name = COVET_VALUE(&st->res, i, 0);
		m->kind = COVET_VALUE(&st->res, i, 1);
		m->up = COVET_VALUE(&st->res, i, 2);
		m->down = COVET_VALUE(&st->res, i, 3);
		m->depends_text = COVET_VALUE(&st->res, i, 4);
		m->checksum = COVET_VALUE(&st->res, i, 5);
		m->atomic = strcmp(COVET_VALUE(&st->res, i, 6), "1") == 0;
		m->applied_checksum = COVET_VALUE(&st->res, i, 7);
		m->applied_at = COVET_VALUE(&st->res, i, 8);
		m->duration_ms = COVET_VALUE(&st->res, i, 9);
		m->rows = COVET_VALUE(&st->res, i, 10);
		m->who = COVET_VALUE(&st->res, i, 11);
		m->repeatable = strcmp(COVET_VALUE(&st->res, i, 13), "1") == 0;
		m->incomplete = COVET_VALUE(&st->res, i, 14);
		m->incomplete_at = COVET_VALUE(&st->res, i, 15);
		m->incomplete_error = COVET_VALUE(&st->res, i, 16);
		if (m->up == NULL || m->name == NULL)
		{
			covet_free(&d->mem, nodes);
			return covet_error_set(err, COVET_ERR_INTERNAL,
								   "migration row without name or up text");
		}
		m->actual = covet_alloc(&d->mem, COVET_CHECKSUM_LEN + 1);
		if (m->actual == NULL)
		{
			covet_free(&d->mem, nodes);
			return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
		}
		covet_checksum_compute(m->up, m->down, m->actual);
		rc = covet_depends_split(&d->mem, m->depends_text, &m->deps, &m->ndeps, err);
		if (rc != COVET_OK)
		{
			covet_free(&d->mem, nodes);
			covet_error_prefix(err, "migration \"%s\": ", m->name);
			return rc;
		}
		nodes[i].name = m->name;
		nodes[i].deps = (const char *const *) m->deps;
		nodes[i].ndeps = m->ndeps;
	}
	rc = squash_roles(d, st, nodes, err);
	if (rc != COVET_OK)
	{
		plan_nodes_free(d, st, nodes);
		return rc;
	}
	covet_error_clear(&st->plan_err);
	rc = covet_plan_order(&d->mem, nodes, st->n, &st->order, &st->plan_err);
	plan_nodes_free(d, st, nodes);
	if (rc == COVET_ERR_NOMEM)
	{
		*err = st->plan_err;
		return rc;
	}
	if (rc != COVET_OK)
		st->order = NULL;
	return COVET_OK;
}

/* The plan must be sound before anything runs. */
static CovetStatus
state_require_plan(RunState *st, CovetError *err)
{
	if (st->order == NULL)
	{
		*err = st->plan_err;
		return err->code;
	}
	return COVET_OK;
}

static int
state_find(const RunState *st, const char *name)
{
	int			lo = 0,
				hi = st->n - 1;

	while (lo <= hi)
	{
		int			mid = lo + (hi - lo) / 2;
		int			c = strcmp(st->migs[mid].name, name);

		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

static CovetStatus
state_find_required(const RunState *st, const char *name, int *idx,
					CovetError *err)
{
	*idx = state_find(st, name);
	if (*idx < 0)
	{
		covet_error_set(err, COVET_ERR_NOT_FOUND, "unknown migration \"%s\"", name);
		covet_error_hint(err, "covet_status() lists the defined migrations.");
		return COVET_ERR_NOT_FOUND;
	}
	return COVET_OK;
}

static CovetStatus
drift_error(const Migration *m, CovetError *err)
{
	covet_error_set(err, COVET_ERR_CHECKSUM,
					"checksum drift in applied migration \"%s\"", m->name);
	covet_error_detail(err, "It was applied with checksum %s; its text now has checksum %s.",
					   m->applied_checksum, m->actual);
	covet_error_hint(err, "Restore the applied text, or roll the migration back with its original text before changing it.");
	return COVET_ERR_CHECKSUM;
}

/* Refuse a run while any applied migration's text differs from what ran. */
static CovetStatus
state_check_drift(const RunState *st, CovetError *err)
{
	int			i;

	for (i = 0; i < st->n; i++)
	{
		const Migration *m = &st->migs[i];

		if (m->applied_checksum != NULL && !m->repeatable &&
			strcmp(m->applied_checksum, m->actual) != 0)
			return drift_error(m, err);
	}
	return COVET_OK;
}

static CovetStatus
check_runnable(CovetDriver *d, const Migration *m, Direction dir, bool dry_run,
			   CovetError *err)
{
	bool		undoable = false;
	CovetStatus rc;

	/*
	 * toplevel.c: only a commit-per-migration run can leave its
	 * transaction; one that stopped part-way goes on as it started.
	 */
	if ((!m->atomic || m->incomplete) && !d->commit_steps && !dry_run)
		return covet_toplevel_refuse(m->name, dir == DIR_UP, err);
	if (dir == DIR_DOWN && m->down == NULL)
	{
		if ((rc = has_undoable_runs(d, m, &undoable, err)) != COVET_OK)
			return rc;
		if (undoable)
			return COVET_OK;
		covet_error_set(err, COVET_ERR_STATE, "migration \"%s\" has no down section", m->name);
		covet_error_hint(err, "Add a \"-- covet:down\" section, or roll back to a later target.");
		return COVET_ERR_STATE;
	}
	return COVET_OK;
}

static const char *
plural(int64_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

static void
report_counts(CovetBuf *report, const char *verb, const char *name,
			  const CovetScriptStats *stats)
{
	if (report->len > 0)
		covet_buf_appendc(report, '\n');
	covet_buf_appendf(report, "%s %s (%d %s, %lld %s)", verb, name,
					  stats->statements, plural(stats->statements, "statement", "statements"),
					  (long long) stats->rows, plural(stats->rows, "row", "rows"));
}

static void
report_line(CovetBuf *report, const char *line)
{
	if (report->len > 0)
		covet_buf_appendc(report, '\n');
	covet_buf_append(report, line);
}

/* Record one applied or rolled-back migration in applied and history. */
static CovetStatus
record_step(CovetDriver *d, const Migration *m, Direction dir,
			const char *started_at, int64_t duration_ms,
			const CovetScriptStats *stats, CovetError *err)
{
	char		dur[32],
				stmts[32],
				rows[32];
	const char *who = d->who(d->ctx);
	CovetStatus rc;

	snprintf(dur, sizeof(dur), "%lld", (long long) duration_ms);
	snprintf(stmts, sizeof(stmts), "%d", stats->statements);
	snprintf(rows, sizeof(rows), "%lld", (long long) stats->rows);

	if (dir == DIR_UP)
	{
		const char *p[] = {m->name, m->actual, started_at, dur, stmts, rows, who};

		/* a repeatable migration applied again replaces its applied row */
		rc = !m->repeatable ? COVET_OK :
			covet_sql_run(d, "DELETE FROM {applied} WHERE name {=} {1}", 1, p, NULL, err);
		if (rc == COVET_OK)
			rc = covet_sql_run(d,
						   "INSERT INTO {applied} (name, checksum, applied_at, duration_ms,"
						   " statements, rows, who) VALUES ({1}, {2}, {t3},"
						   " CAST({4} AS bigint), CAST({5} AS integer), CAST({6} AS bigint), {7})",
						   7, p, NULL, err);
	}
	else
	{
		const char *p[] = {m->name};

		rc = covet_sql_run(d, "DELETE FROM {applied} WHERE name {=} {1}", 1, p, NULL, err);
	}
	if (rc == COVET_OK)
	{
		const char *p[] = {m->name, dir == DIR_UP ? "apply" : "rollback", m->actual,
		started_at, dur, stmts, rows, who};

		rc = covet_sql_run(d,
						   "INSERT INTO {history} (name, action, checksum, started_at,"
						   " duration_ms, statements, rows, who, outcome) VALUES ({1}, {2},"
						   " {3}, {t4}, CAST({5} AS bigint), CAST({6} AS integer),"
						   " CAST({7} AS bigint), {8}, 'ok')",
						   8, p, NULL, err);
	}
	return rc;
}

static const char *const undoable_runs_sql =
"SELECT id FROM {runs} WHERE migration {=} {1} AND state {<>} 'rolled back' AND parent_id IS NULL"
" AND (undo_table IS NOT NULL OR reverse_set IS NOT NULL) ORDER BY id DESC";

/*
 * A data migration without a down section is rolled back by undoing the
 * batched runs it started, latest first.  Each undone run counts as a
 * statement.
 */
static CovetStatus
undo_runs(CovetDriver *d, const Migration *m, CovetScriptStats *stats, CovetError *err)
{
	CovetResult res = {0};
	const char *p[] = {m->name};
	CovetStatus rc;
	int			i;

	if ((rc = covet_sql_run(d, undoable_runs_sql, 1, p, &res, err)) != COVET_OK)
		return rc;
	for (i = 0; rc == COVET_OK && i < res.nrows; i++)
	{
		rc = covet_batch_undo(d, strtoll(COVET_VALUE(&res, i, 0), NULL, 10), err);
		if (rc == COVET_OK)
			stats->statements++;
	}
	covet_result_free(d, &res);
	return rc;
}

/* The newest run id, so that a step can count the rows of the runs it starts. */
static CovetStatus
last_run_id(CovetDriver *d, char out[32], CovetError *err)
{
	CovetResult res = {0};
	CovetStatus rc = covet_sql_run(d, "SELECT coalesce({pg}max(id), 0) FROM {runs}", 0, NULL, &res, err);

	snprintf(out, 32, "%s", rc == COVET_OK && res.nrows == 1 && COVET_VALUE(&res, 0, 0) ?
			 COVET_VALUE(&res, 0, 0) : "0");
	covet_result_free(d, &res);
	return rc;
}

/* Rows changed by the batched runs a migration's statements started. */
static CovetStatus
add_run_rows(CovetDriver *d, const Migration *m, const char *after, CovetScriptStats *stats,
			 CovetError *err)
{
	CovetResult res = {0};
	const char *p[] = {m->name, after};
	CovetStatus rc = covet_sql_run(d,
								   "SELECT coalesce({pg}sum(rows_done), 0) FROM {runs}"
								   " WHERE migration {=} {1} AND id {>} CAST({2} AS bigint) AND parent_id IS NULL",
								   2, p, &res, err);

	if (rc == COVET_OK && res.nrows == 1 && COVET_VALUE(&res, 0, 0) != NULL)
		stats->rows += strtoll(COVET_VALUE(&res, 0, 0), NULL, 10);
	covet_result_free(d, &res);
	return rc;
}

/* Does a migration without a down section have runs that can be undone? */
static CovetStatus
has_undoable_runs(CovetDriver *d, const Migration *m, bool *yes, CovetError *err)
{
	CovetResult res = {0};
	const char *p[] = {m->name};
	CovetStatus rc = covet_sql_run(d, undoable_runs_sql, 1, p, &res, err);

	*yes = rc == COVET_OK && res.nrows > 0;
	covet_result_free(d, &res);
	return rc;
}

static CovetStatus
clock_text(CovetDriver *d, char **out, CovetError *err)
{
	CovetResult res = {0};
	CovetStatus rc;

	*out = NULL;
	if ((rc = covet_sql_run(d, "SELECT {now}", 0, NULL, &res, err)) != COVET_OK)
		return rc;
	if (res.nrows != 1 || COVET_VALUE(&res, 0, 0) == NULL)
		rc = covet_error_set(err, COVET_ERR_INTERNAL, "could not read the clock");
	else if ((*out = covet_strdup(&d->mem, COVET_VALUE(&res, 0, 0))) == NULL)
		rc = covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
	covet_result_free(d, &res);
	return rc;
}

/*
 * A non-transactional migration (toplevel.c): its statements commit one by
 * one outside this run's transaction; then applied and history are written
 * in the transaction in which its incomplete row is deleted.  In a dry run
 * nothing of it runs (none of it could be rolled back).
 */
static CovetStatus
run_step_toplevel(CovetDriver *d, const Migration *m, Direction dir,
				  const char *started_at, CovetScriptStats *stats, CovetError *err)
{
	CovetToplevelStep step = {m->name, dir == DIR_UP ? "apply" : "rollback",
	dir == DIR_UP ? m->up : m->down, m->actual, started_at};
	int64_t		t0 = d->clock_ms(d->ctx);
	CovetStatus rc;

	if (!d->commit_steps)
		return COVET_OK;
	if (dir == DIR_DOWN && m->down == NULL)
		return undo_runs(d, m, stats, err);
	if (d->set_migration)
		d->set_migration(d->ctx, m->name);
	rc = covet_toplevel_run(d, &step, stats, err);
	if (d->set_migration)
		d->set_migration(d->ctx, NULL);
	if (rc == COVET_OK)
		rc = record_step(d, m, dir, started_at, d->clock_ms(d->ctx) - t0, stats, err);
	return rc;
}

/* Does a migration's text hold a CALL statement (which may commit)? */
static bool
text_has_call(CovetEngine engine, const char *sql)
{
	CovetStmtSplit split;
	CovetStmtInfo st;

	if (sql == NULL)
		return false;
	covet_stmt_split_begin(&split, engine, sql);
	while (covet_stmt_split_next(&split, &st))
		if (st.len >= 5 && (st.start[0] == 'c' || st.start[0] == 'C') &&
			(st.start[1] == 'a' || st.start[1] == 'A') &&
			(st.start[2] == 'l' || st.start[2] == 'L') &&
			(st.start[3] == 'l' || st.start[3] == 'L') &&
			!(st.start[4] == '_' || (st.start[4] >= 'a' && st.start[4] <= 'z') ||
			  (st.start[4] >= 'A' && st.start[4] <= 'Z') ||
			  (st.start[4] >= '0' && st.start[4] <= '9') || st.start[4] == '$' ||
			  (unsigned char) st.start[4] >= 0x80))
			return true;
	return false;
}

/*
 * Run one migration in its own savepoint.  *failed_sql is set when the
 * migration's own SQL failed (the savepoint is rolled back and err holds
 * the engine's message); any other error is returned as is.
 */
static CovetStatus
run_step(CovetDriver *d, const Migration *m, Direction dir,
		 CovetScriptStats *stats, bool *failed_sql, CovetError *err)
{
	char	   *started_at = NULL;
	char		last_run[32];
	int64_t		t0;
	CovetStatus rc;
	CovetError	ignore;

	/*
	 * commit.c: a step that may commit itself (a CALL of a _commit
	 * procedure) has no savepoint, and its errors end the call; any other
	 * keeps one, so that a lock timeout comes back to covet_lock_retry
	 */
	bool		bare = d->commit_steps && d->step_failure_text != NULL &&
		text_has_call(d->dialect->engine, dir == DIR_UP ? m->up : m->down);

	*failed_sql = false;
	memset(stats, 0, sizeof(*stats));
	if ((rc = d->check_interrupts(d->ctx, err)) != COVET_OK)
		return rc;
	if ((rc = clock_text(d, &started_at, err)) != COVET_OK)
		return rc;
	if (!m->atomic || m->incomplete)
	{
		rc = run_step_toplevel(d, m, dir, started_at, stats, err);
		goto done;
	}
	if (!bare && (rc = d->savepoint_begin(d->ctx, err)) != COVET_OK)
		goto done;
	t0 = d->clock_ms(d->ctx);
	if (d->set_migration)
		d->set_migration(d->ctx, m->name);
	if (dir == DIR_DOWN && m->down == NULL)
		rc = undo_runs(d, m, stats, err);
	else if ((rc = last_run_id(d, last_run, err)) == COVET_OK)
	{
		rc = d->exec_script(d->ctx, dir == DIR_UP ? m->up : m->down, stats, err);
		if (rc == COVET_OK)
			rc = add_run_rows(d, m, last_run, stats, err);
	}
	if (d->set_migration)
		d->set_migration(d->ctx, NULL);
	if (rc == COVET_OK)
		rc = record_step(d, m, dir, started_at, d->clock_ms(d->ctx) - t0, stats, err);
	else if (rc == COVET_ERR_SQL)
		*failed_sql = true;
	if (bare)
		;
	else if (rc == COVET_OK)
		rc = d->savepoint_release(d->ctx, err);
	else if (d->savepoint_rollback(d->ctx, &ignore) != COVET_OK)
	{
		*err = ignore;
		*failed_sql = false;
		rc = ignore.code;
	}
done:
	covet_free(&d->mem, started_at);
	return rc;
}

/* One attempt at a step, for covet_lock_retry (retry.c). */
typedef struct StepAttempt
{
	const Migration *m;
	Direction	dir;
	CovetScriptStats *stats;
	bool	   *failed_sql;
} StepAttempt;

static CovetStatus
step_attempt(CovetDriver *d, void *arg, CovetError *err)
{
	StepAttempt *a = arg;

	return run_step(d, a->m, a->dir, a->stats, a->failed_sql, err);
}

/*
 * Run the migrations at idx[0..n-1] in that order.  The first failure is
 * returned as an error naming the migration.  In a dry run everything is
 * rolled back first, and the error names the statement too, with the
 * report of what ran before it as DETAIL.  In a commit-per-migration run
 * (commit.c) each migration is committed after it is recorded.
 */
static CovetStatus
run_list(CovetDriver *d, RunState *st, const int *idx, int n, Direction dir,
		 bool dry_run, CovetBuf *report, CovetError *err)
{
	const char *verb;
	CovetStatus rc;
	CovetBuf	done;			/* commit.c: the names committed so far */
	int			failed_at = 0;	/* dry run: the failing statement */
	int			i;

	for (i = 0; i < n; i++)
		if ((rc = check_runnable(d, &st->migs[idx[i]], dir, dry_run, err)) != COVET_OK)
			return rc;
	if (dir == DIR_UP)
		verb = dry_run ? "would apply" : "applied";
	else
		verb = dry_run ? "would roll back" : "rolled back";

	if (n == 0)
		report_line(report, dir == DIR_UP ? "nothing to apply" : "nothing to roll back");
	if (dry_run && (rc = d->savepoint_begin(d->ctx, err)) != COVET_OK)
		return rc;
	covet_buf_init(&done, &d->mem);
	for (i = 0, rc = COVET_OK; i < n; i++)
	{
		const Migration *m = &st->migs[idx[i]];
		CovetScriptStats stats;
		bool		failed_sql;
		StepAttempt sa = {m, dir, &stats, &failed_sql};

		if (d->commit_steps)
			covet_commit_step_begin(d, m->name, dir == DIR_UP, &done);
		rc = covet_lock_retry(d, m->name, m->actual, step_attempt, &sa, err);
		if (rc == COVET_OK && d->commit_steps)
			rc = covet_commit_step_end(d, m->name, &done, err);
		if (rc == COVET_OK && dry_run && (!m->atomic || m->incomplete))
		{
			/* toplevel.c: nothing of it could be rolled back, so nothing ran */
			report_line(report, "");
			covet_buf_appendf(report, "%s %s (outside a transaction: not run in a dry run)",
							  verb, m->name);
			continue;
		}
		if (rc == COVET_OK)
		{
			report_counts(report, verb, m->name, &stats);
			continue;
		}
		if (dry_run && failed_sql)
		{
			covet_error_prefix(err, "dry run: migration \"%s\" failed at statement %d: ",
							   m->name, stats.statements + 1);
			failed_at = stats.statements + 1;
		}
		else if (failed_sql)
			covet_error_prefix(err, "migration \"%s\" failed: ", m->name);
		if (d->commit_steps)
			covet_commit_step_failed(d, dir == DIR_UP, &done, err);
		break;
	}
	covet_buf_free(&done);
	if (dry_run)
	{
		CovetError	rb;

		if (d->savepoint_rollback(d->ctx, &rb) != COVET_OK && rc == COVET_OK)
		{
			*err = rb;
			rc = rb.code;
		}
		if (failed_at > 0)
			covet_error_detail(err, "%s", report->len > 0 ? report->data :
							   "No migration ran before it.");
		report_line(report, "dry run: nothing was changed");
	}
	return rc;
}

/*
 * The frame shared by every writing entry point: lock and transaction,
 * the state, the report; end_run commits only when everything succeeded.
 */
typedef CovetStatus (*RunBody) (CovetDriver *d, RunState *st, const void *arg,
								CovetBuf *report, CovetError *err);

static CovetStatus
with_run(CovetDriver *d, RunBody body, const void *arg, bool need_state,
		 char **report, CovetError *err)
{
	RunState	st;
	CovetBuf	buf;
	CovetStatus rc;
	CovetError	end_err;

	*report = NULL;
	covet_buf_init(&buf, &d->mem);
	memset(&st, 0, sizeof(st));
	if ((rc = d->begin_run(d->ctx, err)) != COVET_OK)
		return rc;
	rc = need_state ? state_load(d, &st, err) : COVET_OK;
	if (rc == COVET_OK)
		rc = body(d, &st, arg, &buf, err);
	state_free(d, &st);
	if (rc == COVET_OK && buf.failed)
		rc = covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
	if (d->end_run(d->ctx, rc == COVET_OK, &end_err) != COVET_OK && rc == COVET_OK)
	{
		*err = end_err;
		rc = end_err.code;
	}
	if (rc != COVET_OK)
	{
		covet_buf_free(&buf);
		return rc;
	}
	return covet_buf_finish(&buf, report, err);
}

/* --- up ------------------------------------------------------------------ */

typedef struct UpArgs
{
	const char *target;			/* NULL: all pending */
	bool		dry_run;
} UpArgs;

/*
 * The repeatable migrations due after the versioned ones, in plan order:
 * those not applied or whose text changed since they were.  None when the
 * target is a versioned migration; only the target when it is repeatable.
 */
static int
repeatables_due(const RunState *st, int target, int *out)
{
	int			n = 0;
	int			i;

	if (target >= 0 && !st->migs[target].repeatable)
		return 0;
	for (i = 0; i < st->n; i++)
	{
		const Migration *m = &st->migs[st->order[i]];

		if (!m->repeatable || (target >= 0 && st->order[i] != target))
			continue;
		if (m->applied_checksum == NULL || strcmp(m->applied_checksum, m->actual) != 0)
			out[n++] = st->order[i];
	}
	return n;
}

static CovetStatus
up_body(CovetDriver *d, RunState *st, const void *arg, CovetBuf *report,
		CovetError *err)
{
	const UpArgs *a = arg;
	CovetStatus rc;
	int		   *todo;
	int			ntodo = 0;
	int			target = -1;
	int			i;

	if ((rc = state_require_plan(st, err)) != COVET_OK)
		return rc;
	if (a->target != NULL &&
		(rc = state_find_required(st, a->target, &target, err)) != COVET_OK)
		return rc;
	if ((rc = state_check_drift(st, err)) != COVET_OK)
		return rc;
	todo = covet_alloc(&d->mem, sizeof(int) * (size_t) (st->n + 1));
	if (todo == NULL)
		return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
	for (i = 0; i < st->n; i++)
	{
		int			k = st->order[i];

		if (st->migs[k].applied_checksum == NULL && !st->migs[k].repeatable &&
			st->migs[k].squash == SQ_NONE)
			todo[ntodo++] = k;
		if (k == target)
			break;
	}
	ntodo += repeatables_due(st, target, todo + ntodo);
	rc = run_list(d, st, todo, ntodo, DIR_UP, a->dry_run, report, err);
	covet_free(&d->mem, todo);
	return rc;
}

CovetStatus
covet_runner_up(CovetDriver *d, const char *target, bool dry_run,
				char **report, CovetError *err)
{
	UpArgs		a = {target, dry_run};
	CovetStatus rc;

	if (target != NULL && (rc = covet_name_check("target", target, err)) != COVET_OK)
		return rc;
	return with_run(d, up_body, &a, true, report, err);
}

/* --- apply --------------------------------------------------------------- */

/*
 * Applied, or stood in for: an original whose squashed migration is
 * applied, a squashed migration whose originals are.
 */
static bool
mig_done(const RunState *st, const Migration *m)
{
	return m->applied_checksum != NULL || m->squash == SQ_COVERED ||
		(m->squash == SQ_REPLACED &&
		 st->migs[m->squash_by].applied_checksum != NULL);
}

/* covet_apply of one side of a squash that does not run here. */
static CovetStatus
squash_check_apply(const RunState *st, const Migration *m, CovetError *err)
{
	if (m->squash == SQ_REPLACED)
	{
		const char *by = st->migs[m->squash_by].name;

		if (st->migs[m->squash_by].applied_checksum != NULL)
		{
			covet_error_set(err, COVET_ERR_STATE,
							"migration \"%s\" is replaced by \"%s\", which is applied",
							m->name, by);
			covet_error_detail(err, "\"%s\" was made by covet_squash from a range holding \"%s\".", by, m->name);
			return COVET_ERR_STATE;
		}
		covet_error_set(err, COVET_ERR_STATE,
						"migration \"%s\" is replaced by \"%s\"", m->name, by);
		covet_error_detail(err, "None of the migrations \"%s\" replaces is applied here, so it runs instead of them.", by);
		covet_error_hint(err, "Apply \"%s\".", by);
		return COVET_ERR_STATE;
	}
	if (m->squash == SQ_DEFERRED)
	{
		covet_error_set(err, COVET_ERR_STATE,
						"squashed migration \"%s\" waits for the migrations it replaces",
						m->name);
		covet_error_detail(err, "Some of them are applied here; the others run, and then \"%s\" counts as applied.", m->name);
		covet_error_hint(err, "Run covet_migrate_up().");
		return COVET_ERR_STATE;
	}
	return COVET_OK;
}

static CovetStatus
apply_body(CovetDriver *d, RunState *st, const void *arg, CovetBuf *report,
		   CovetError *err)
{
	const UpArgs *a = arg;
	const Migration *m;
	CovetStatus rc;
	int			idx;
	int			i;

	if ((rc = state_require_plan(st, err)) != COVET_OK)
		return rc;
	if ((rc = state_find_required(st, a->target, &idx, err)) != COVET_OK)
		return rc;
	if ((rc = state_check_drift(st, err)) != COVET_OK)
		return rc;
	m = &st->migs[idx];
	if (m->applied_checksum != NULL || m->squash == SQ_COVERED)
	{
		covet_buf_appendf(report, "%s is already applied", m->name);
		return COVET_OK;
	}
	if ((rc = squash_check_apply(st, m, err)) != COVET_OK)
		return rc;
	for (i = 0; i < m->ndeps; i++)
	{
		int			dep = state_find(st, m->deps[i]);

		if (dep >= 0 && !mig_done(st, &st->migs[dep]))
		{
			covet_error_set(err, COVET_ERR_STATE,
							"migration \"%s\" depends on \"%s\", which is not applied",
							m->name, m->deps[i]);
			covet_error_hint(err, "Apply \"%s\" first, or run covet_migrate_up('%s').",
							 m->deps[i], m->name);
			return COVET_ERR_STATE;
		}
	}
	return run_list(d, st, &idx, 1, DIR_UP, a->dry_run, report, err);
}

CovetStatus
covet_runner_apply(CovetDriver *d, const char *name, bool dry_run,
				   char **report, CovetError *err)
{
	UpArgs		a = {name, dry_run};
	CovetStatus rc;

	if ((rc = covet_name_check("migration name", name, err)) != COVET_OK)
		return rc;
	return with_run(d, apply_body, &a, true, report, err);
}

/* --- down ---------------------------------------------------------------- */

typedef struct DownArgs
{
	int			steps;
	const char *target;
	bool		dry_run;
} DownArgs;

/*
 * Roll back applied migrations in the reverse order of their application,
 * each after every applied migration that depends on it
 * (covet_down_select, repair.c).
 */
static CovetStatus
down_body(CovetDriver *d, RunState *st, const void *arg, CovetBuf *report,
		  CovetError *err)
{
	const DownArgs *a = arg;
	CovetStatus rc;
	CovetDownNode *nodes;
	int		   *applied;
	int		   *todo = NULL;
	int			napplied = 0;
	int			ntodo = 0;
	int			target = -1;
	int			i;

	if ((rc = state_require_plan(st, err)) != COVET_OK)
		return rc;
	if ((rc = state_check_drift(st, err)) != COVET_OK)
		return rc;
	if (a->target != NULL)
	{
		if ((rc = state_find_required(st, a->target, &target, err)) != COVET_OK)
			return rc;
		if (st->migs[target].repeatable)
		{
			covet_error_set(err, COVET_ERR_STATE,
							"migration \"%s\" is repeatable", a->target);
			covet_error_hint(err, "Repeatable migrations are applied again, never rolled back; name a versioned migration.");
			return COVET_ERR_STATE;
		}
		if (st->migs[target].applied_checksum == NULL)
		{
			covet_error_set(err, COVET_ERR_STATE,
							"migration \"%s\" is not applied", a->target);
			covet_error_hint(err, "The target of covet_migrate_down stays applied; name an applied migration.");
			return COVET_ERR_STATE;
		}
	}
	applied = covet_alloc(&d->mem, sizeof(int) * (size_t) (st->n + 1));
	nodes = covet_alloc(&d->mem, sizeof(CovetDownNode) * (size_t) (st->n + 1));
	if (applied == NULL || nodes == NULL)
	{
		rc = covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
		goto done;
	}
	/* repeatable migrations are applied again, never rolled back */
	for (i = 0; i < st->n; i++)
		if (st->migs[i].applied_checksum != NULL && !st->migs[i].repeatable)
		{
			if (i == target)
				target = napplied;
			nodes[napplied].name = st->migs[i].name;
			nodes[napplied].deps = (const char *const *) st->migs[i].deps;
			nodes[napplied].ndeps = st->migs[i].ndeps;
			applied[napplied++] = i;
		}
	rc = covet_down_select(d, nodes, napplied, a->steps, target, &todo, &ntodo, err);
	for (i = 0; rc == COVET_OK && i < ntodo; i++)
		todo[i] = applied[todo[i]];
	if (rc == COVET_OK)
		rc = run_list(d, st, todo, ntodo, DIR_DOWN, a->dry_run, report, err);
done:
	covet_free(&d->mem, applied);
	covet_free(&d->mem, nodes);
	covet_free(&d->mem, todo);
	return rc;
}

CovetStatus
covet_runner_down(CovetDriver *d, int steps, const char *target, bool dry_run,
				  char **report, CovetError *err)
{
	DownArgs	a = {steps, target, dry_run};
	CovetStatus rc;

	if (target != NULL)
	{
		if ((rc = covet_name_check("target", target, err)) != COVET_OK)
			return rc;
	}
	else if (steps < 1)
	{
		covet_error_set(err, COVET_ERR_INVALID, "steps must be at least 1");
		covet_error_detail(err, "steps was %d.", steps);
		return COVET_ERR_INVALID;
	}
	return with_run(d, down_body, &a, true, report, err);
}

/* --- define ------------------------------------------------------------- */

typedef CovetDefinition Definition;

static bool
is_blank(const char *s)
{
	for (; s != NULL && *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return false;
	return true;
}

/* Check a definition's fields; nothing is read or written. */
CovetStatus
covet_definition_check(const Definition *def, CovetError *err)
{
	CovetStatus rc;
	int			i;

	if ((rc = covet_name_check("migration name", def->name, err)) != COVET_OK)
		return rc;
	if (def->up == NULL)
		return covet_error_set(err, COVET_ERR_NULL, "up must not be null");
	if (is_blank(def->up))
	{
		covet_error_set(err, COVET_ERR_INVALID, "up must not be empty");
		covet_error_detail(err, "Migration \"%s\" has no up text.", def->name);
		return COVET_ERR_INVALID;
	}
	if (strcmp(def->kind, "schema") != 0 && strcmp(def->kind, "data") != 0)
	{
		covet_error_set(err, COVET_ERR_INVALID, "invalid kind \"%s\"", def->kind);
		covet_error_hint(err, "The kind of a migration is \"schema\" or \"data\".");
		return COVET_ERR_INVALID;
	}
	for (i = 0; i < def->ndeps; i++)
		if (strcmp(def->deps[i], def->name) == 0)
			return covet_error_set(err, COVET_ERR_DEPENDENCY,
								   "dependency cycle among migrations: %s -> %s",
								   def->name, def->name);
	return COVET_OK;
}

static bool
same_text(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/*
 * Insert or update one definition; the run is open.  An applied migration
 * whose text changes is refused, unless it is repeatable (it is applied
 * again by the next covet_migrate_up).
 */
CovetStatus
covet_definition_store(CovetDriver *d, const Definition *def,
					   CovetDefineOutcome *outcome, CovetError *err)
{
	char		sum[COVET_CHECKSUM_LEN + 1];
	CovetResult res = {0};
	CovetBuf	deps;
	char	   *deps_text = NULL;
	const char *p1[1];
	CovetStatus rc;
	int			i;

	covet_checksum_compute(def->up, def->down, sum);
	covet_buf_init(&deps, &d->mem);
	covet_buf_append(&deps, "");
	for (i = 0; i < def->ndeps; i++)
	{
		if (i > 0)
			covet_buf_appendc(&deps, ' ');
		covet_buf_append(&deps, def->deps[i]);
	}
	if ((rc = covet_buf_finish(&deps, &deps_text, err)) != COVET_OK)
		return rc;

	p1[0] = def->name;
	rc = covet_sql_run(d,
					   "SELECT m.checksum, m.depends_on, m.kind,"
					   " CASE WHEN m.atomic THEN 1 ELSE 0 END, a.checksum,"
					   " CASE WHEN m.repeatable THEN 1 ELSE 0 END, m.version, m.source, m.format,"
					   " CASE WHEN m.down_sql IS NULL THEN 0 ELSE 1 END"
					   " FROM {migrations} m LEFT JOIN {applied} a ON a.name {=} m.name"
					   " WHERE m.name {=} {1}", 1, p1, &res, err);
	if (rc != COVET_OK)
		goto done;
	if (res.nrows == 0)
	{
		const char *p[] = {def->name, def->kind, def->up, def->down, deps_text,
			def->atomic ? "1" : "0", sum, def->repeatable ? "1" : "0",
		def->version, def->source, def->format};

		*outcome = COVET_DEFINED_NEW;
		rc = covet_sql_run(d,
						   "INSERT INTO {migrations} (name, kind, up_sql, down_sql,"
						   " depends_on, atomic, checksum, defined_at, repeatable, version,"
						   " source, format) VALUES ({1}, {2}, {3}, {4}, {5},"
						   " CAST({6} AS boolean), {7}, {now}, CAST({8} AS boolean), {9},"
						   " {10}, {11})",
						   11, p, NULL, err);
	}
	else
	{
		const char *applied = COVET_VALUE(&res, 0, 4);
		bool		same = strcmp(COVET_VALUE(&res, 0, 0), sum) == 0 &&
			strcmp(COVET_VALUE(&res, 0, 1), deps_text) == 0 &&
			strcmp(COVET_VALUE(&res, 0, 2), def->kind) == 0 &&
			strcmp(COVET_VALUE(&res, 0, 3), def->atomic ? "1" : "0") == 0 &&
			strcmp(COVET_VALUE(&res, 0, 5), def->repeatable ? "1" : "0") == 0 &&
			same_text(COVET_VALUE(&res, 0, 6), def->version) &&
			same_text(COVET_VALUE(&res, 0, 7), def->source) &&
			same_text(COVET_VALUE(&res, 0, 8), def->format) &&
			strcmp(COVET_VALUE(&res, 0, 9), def->down ? "1" : "0") == 0;

		if (applied != NULL && strcmp(applied, sum) != 0 && !def->repeatable)
		{
			rc = covet_error_set(err, COVET_ERR_CHECKSUM,
								 "migration \"%s\" is applied and its text has changed",
								 def->name);
			covet_error_detail(err, "Applied checksum: %s. New checksum: %s.", applied, sum);
			covet_error_hint(err, "Write a new migration instead of editing an applied one.");
		}
		else if (same)
			*outcome = COVET_DEFINED_SAME;
		else
		{
			const char *p[] = {def->name, def->kind, def->up, def->down, deps_text,
				def->atomic ? "1" : "0", sum, def->repeatable ? "1" : "0",
			def->version, def->source, def->format};

			*outcome = COVET_DEFINED_CHANGED;
			rc = covet_sql_run(d,
							   "UPDATE {migrations} SET kind = {2}, up_sql = {3}, down_sql = {4},"
							   " depends_on = {5}, atomic = CAST({6} AS boolean), checksum = {7},"
							   " defined_at = {now}, repeatable = CAST({8} AS boolean),"
							   " version = {9}, source = {10}, format = {11} WHERE name {=} {1}",
							   11, p, NULL, err);
		}
	}
	if (rc == COVET_OK && def->notice[0] != '\0' && *outcome != COVET_DEFINED_SAME)
		d->notice(d->ctx, def->notice);
done:
	covet_result_free(d, &res);
	covet_free(&d->mem, deps_text);
	return rc;
}

/*
 * A definition whose text holds its own transaction control, or a
 * statement that refuses a transaction block, runs outside a transaction
 * (toplevel.c); def->notice says why, and covet_definition_store passes it
 * on when it stores something new.
 */
void
covet_definition_detect(CovetDriver *d, CovetDefinition *def)
{
	covet_toplevel_detect(d->dialect->engine, def->name, def->up, def->down,
						  &def->atomic, def->notice, sizeof(def->notice));
}

static CovetStatus
define_body(CovetDriver *d, RunState *st, const void *arg, CovetBuf *report,
			CovetError *err)
{
	const Definition *def = arg;
	CovetDefineOutcome outcome;
	CovetStatus rc;

	(void) st;					/* a definition needs no run state */
	if ((rc = covet_definition_store(d, def, &outcome, err)) != COVET_OK)
		return rc;
	covet_buf_appendf(report, "%s %s",
					  outcome == COVET_DEFINED_NEW ? "defined" :
					  outcome == COVET_DEFINED_CHANGED ? "redefined" : "unchanged",
					  def->name);
	if (def->notice[0] != '\0')
		covet_buf_append(report, " (outside a transaction)");
	return COVET_OK;
}

CovetStatus
covet_runner_define(CovetDriver *d, const CovetDefine *in, char **report,
					CovetError *err)
{
	Definition	def;
	CovetStatus rc;

	*report = NULL;
	memset(&def, 0, sizeof(def));
	def.name = in->name;
	def.up = in->up;
	def.down = in->down == NULL ? NULL : is_blank(in->down) ? "" : in->down;
	def.kind = in->kind ? in->kind : "schema";
	def.atomic = in->atomic;
	if ((rc = covet_name_check("migration name", in->name, err)) != COVET_OK)
		return rc;
	covet_definition_detect(d, &def);
	rc = covet_depends_split(&d->mem, in->depends_on, &def.deps, &def.ndeps, err);
	if (rc == COVET_OK)
		rc = covet_definition_check(&def, err);
	if (rc == COVET_OK)
		rc = with_run(d, define_body, &def, false, report, err);
	free_names(d, def.deps, def.ndeps);
	return rc;
}

/* The frame of load.c and adopt.c: with_run without the run state. */
typedef struct FrameArgs
{
	CovetFrameBody body;
	void	   *arg;
} FrameArgs;

static CovetStatus
frame_body(CovetDriver *d, RunState *st, const void *arg, CovetBuf *report,
		   CovetError *err)
{
	const FrameArgs *f = arg;

	(void) st;
	return f->body(d, f->arg, report, err);
}

CovetStatus
covet_runner_frame(CovetDriver *d, CovetFrameBody body, void *arg,
				   char **report, CovetError *err)
{
	FrameArgs	f = {body, arg};

	return with_run(d, frame_body, &f, false, report, err);
}

/* --- status -------------------------------------------------------------- */

static CovetStatus
status_fill(CovetDriver *d, RunState *st, CovetResult *out, CovetError *err)
{
	int			i;

	out->ncols = COVET_STATUS_NCOLS;
	out->nrows = st->n;
	out->affected = 0;
	out->values = covet_alloc0(&d->mem, sizeof(char *) * (size_t) (st->n * COVET_STATUS_NCOLS + 1));
	if (out->values == NULL)
		return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
	for (i = 0; i < st->n; i++)
	{
		const Migration *m = &st->migs[st->order ? st->order[i] : i];
		bool		applied = m->applied_checksum != NULL;
		const char *cols[COVET_STATUS_NCOLS];
		int			c;

		cols[0] = m->name;
		cols[1] = m->kind;
		cols[2] = m->incomplete ? "incomplete" : applied ? "applied" :
			m->squash == SQ_COVERED ? "applied" :
			m->squash == SQ_REPLACED ? "replaced" :
			m->squash == SQ_DEFERRED ? "deferred" : "pending";
		cols[3] = m->depends_text;
		cols[4] = m->applied_at;
		cols[5] = m->duration_ms;
		cols[6] = m->rows;
		cols[7] = m->who;
		cols[8] = m->actual;
		cols[9] = m->applied_checksum;
		/* a changed repeatable migration is due again, not drift */
		cols[10] = applied ? (!m->repeatable &&
							  strcmp(m->applied_checksum, m->actual) != 0 ? "true" : "false") : NULL;
		cols[11] = m->incomplete_at;
		cols[12] = m->incomplete_error;
		for (c = 0; c < COVET_STATUS_NCOLS; c++)
		{
			if (cols[c] == NULL)
				continue;
			COVET_VALUE(out, i, c) = covet_strdup(&d->mem, cols[c]);
			if (COVET_VALUE(out, i, c) == NULL)
				return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
		}
	}
	return COVET_OK;
}

CovetStatus
covet_runner_status(CovetDriver *d, CovetResult *out, CovetError *err)
{
	RunState	st;
	CovetStatus rc;

	memset(out, 0, sizeof(*out));
	rc = state_load(d, &st, err);
	if (rc == COVET_OK)
		rc = status_fill(d, &st, out, err);
	if (rc != COVET_OK)
		covet_result_free(d, out);
	state_free(d, &st);
	return rc;
}
