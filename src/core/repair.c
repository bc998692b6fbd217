/*-------------------------------------------------------------------------
 *
 * repair.c
 *		Repair, baseline, fake and forget: changing what covet knows about
 *		migrations without running them; and the order of a roll back.
 *
 *		SELECT covet_baseline('0042_orders');		-- existed before covet
 *		SELECT covet_mark_applied('0043_index');	-- done by hand
 *		SELECT covet_mark_rolled_back('0043_index');
 *		SELECT covet_repair();				-- accept edited applied texts
 *		SELECT covet_repair('0044_concurrent');	-- clear an incomplete one
 *		SELECT covet_forget('0045_typo');		-- drop a pending definition
 *
 * Each entry point takes the runner lock and works in the run's
 * transaction (begin_run/end_run), reads the definitions with their
 * applied and incomplete state, checks everything before it writes, and
 * writes one history row per migration it changes (baseline, fake, repair,
 * forget).  Nothing here runs a migration's SQL.
 *
 * Invariants kept: an applied migration's dependencies are applied (a
 * migration is marked applied only after them, and rolled back only before
 * them); a baseline is a prefix of the plan (nothing after it applied);
 * only pending, complete definitions nothing depends on are forgotten.
 *
 * covet_down_select gives covet_migrate_down its order: the reverse of the
 * order of application (the history row that made each migration applied,
 * then applied_at, then name), never rolling back a migration before an
 * applied one that depends on it.
 *
 *-------------------------------------------------------------------------
 */
#include "repair.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct RepMig
{
	char	   *name;
	char	   *up;
	char	   *down;
	char	   *checksum;		/* as stored at define time */
	char	   *applied;		/* applied checksum, NULL: pending */
	char	   *inc_action;		/* incomplete apply|rollback, or NULL */
	char	   *inc_statement;
	char		actual[COVET_CHECKSUM_LEN + 1];
	char	  **deps;
	int			ndeps;
} RepMig;

typedef struct RepState
{
	CovetResult res;
	RepMig	   *migs;			/* sorted by name */
	int			n;
	int		   *order;			/* plan order, NULL when the graph is broken */
	CovetError	plan_err;
} RepState;

typedef CovetStatus (*RepBody) (CovetDriver *d, RepState *st, const void *arg,
								CovetBuf *report, CovetError *err);

static const char *const rep_load_sql =
"SELECT m.name, m.up_sql, m.down_sql, m.depends_on, m.checksum, a.checksum,"
" i.action, i.statement"
" FROM {migrations} m LEFT JOIN {applied} a ON a.name {=} m.name"
" LEFT JOIN {incomplete} i ON i.name {=} m.name"
" ORDER BY m.name";

static void
rep_free(CovetDriver *d, RepState *st)
{
	int			i,
				j;

	for (i = 0; st->migs != NULL && i < st->n; i++)
	{
		for (j = 0; j < st->migs[i].ndeps; j++)
			covet_free(&d->mem, st->migs[i].deps[j]);
		covet_free(&d->mem, st->migs[i].deps);
	}
	covet_free(&d->mem, st->migs);
	covet_free(&d->mem, st->order);
	covet_result_free(d, &st->res);
	memset(st, 0, sizeof(*st));
}

static CovetStatus
rep_load(CovetDriver *d, RepState *st, CovetError *err)
{
	CovetNode  *nodes;
	CovetStatus rc;
	int			i;

	if ((rc = covet_sql_run(d, rep_load_sql, 0, NULL, &st->res, err)) != COVET_OK)
		return rc;
	st->n = st->res.nrows;
	st->migs = covet_alloc0(&d->mem, sizeof(RepMig) * (size_t) (st->n + 1));
	nodes = covet_alloc0(&d->mem, sizeof(CovetNode) * (size_t) (st->n + 1));
	if (st->migs == NULL || nodes == NULL)
	{
		covet_free(&d->mem, nodes);
		return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
	}
	for (i = 0; i < st->n; i++)
	{
		RepMig	   *m = &st->migs[i];

		m->name = COVET_VALUE(&st->res, i, 0);
		m->up = COVET_VALUE(&st->res, i, 1);
		m->down = COVET_VALUE(&st->res, i, 2);
		m->checksum = COVET_VALUE(&st->res, i, 4);
		m->applied = COVET_VALUE(&st->res, i, 5);
		m->inc_action = COVET_VALUE(&st->res, i, 6);
		m->inc_statement = COVET_VALUE(&st->res, i, 7);
		covet_checksum_compute(m->up, m->down, m->actual);
		rc = covet_depends_split(&d->mem, COVET_VALUE(&st->res, i, 3), &m->deps,
								 &m->ndeps, err);
		if (rc != COVET_OK)
		{
			covet_free(&d->mem, nodes);
			return rc;
		}
		nodes[i].name = m->name;
		nodes[i].deps = (const char *const *) m->deps;
		nodes[i].ndeps = m->ndeps;
	}
	covet_error_clear(&st->plan_err);
	rc = covet_plan_order(&d->mem, nodes, st->n, &st->order, &st->plan_err);
	covet_free(&d->mem, nodes);
	if (rc == COVET_ERR_NOMEM)
	{
		*err = st->plan_err;
		return rc;
	}
	if (rc != COVET_OK)
		st->order = NULL;
	return COVET_OK;
}

/* The frame of every entry point: lock, transaction, state, report. */
static CovetStatus
rep_run(CovetDriver *d, RepBody body, const void *arg, char **report,
		CovetError *err)
{
	RepState	st;
	CovetBuf	buf;
	CovetStatus rc;
	CovetError	end_err;

	*report = NULL;
	memset(&st, 0, sizeof(st));
	covet_buf_init(&buf, &d->mem);
	if ((rc = d->begin_run(d->ctx, err)) != COVET_OK)
		return rc;
	rc = rep_load(d, &st, err);
	if (rc == COVET_OK)
		rc = body(d, &st, arg, &buf, err);
	rep_free(d, &st);
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
	if (buf.len == 0)
		covet_buf_append(&buf, "");
	return covet_buf_finish(&buf, report, err);
}

static int
rep_find(const RepState *st, const char *name)
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
rep_find_required(const RepState *st, const char *name, int *idx, CovetError *err)
{
	if ((*idx = rep_find(st, name)) >= 0)
		return COVET_OK;
	covet_error_set(err, COVET_ERR_NOT_FOUND, "unknown migration \"%s\"", name);
	covet_error_hint(err, "covet_status() lists the defined migrations.");
	return COVET_ERR_NOT_FOUND;
}

static void
report_line(CovetBuf *report, const char *fmt, const char *a, const char *b)
{
	if (report->len > 0)
		covet_buf_appendc(report, '\n');
	covet_buf_appendf(report, fmt, a, b);
}

/* One history row; duration, statements and rows are 0: nothing ran. */
static CovetStatus
history_row(CovetDriver *d, const char *name, const char *action,
			const char *checksum, const char *detail, CovetError *err)
{
	const char *p[] = {name, action, checksum, d->who(d->ctx), detail};

	return covet_sql_run(d,
						 "INSERT INTO {history} (name, action, checksum, started_at,"
						 " duration_ms, statements, rows, who, outcome, detail)"
						 " VALUES ({1}, {2}, {3}, {now}, 0, 0, 0, {4}, 'ok', {5})",
						 5, p, NULL, err);
}

static CovetStatus
clear_incomplete(CovetDriver *d, const RepMig *m, CovetError *err)
{
	const char *p[] = {m->name};

	if (m->inc_action == NULL)
		return COVET_OK;
	return covet_sql_run(d, "DELETE FROM {incomplete} WHERE name {=} {1}", 1, p,
						 NULL, err);
}

/* Record m as applied without running it (baseline or fake). */
static CovetStatus
mark_applied_row(CovetDriver *d, const RepMig *m, const char *action,
				 const char *detail, CovetError *err)
{
	const char *p[] = {m->name, m->actual, d->who(d->ctx)};
	CovetStatus rc;

	rc = covet_sql_run(d,
					   "INSERT INTO {applied} (name, checksum, applied_at, duration_ms,"
					   " statements, rows, who) VALUES ({1}, {2}, {now}, 0, 0, 0, {3})",
					   3, p, NULL, err);
	if (rc == COVET_OK)
		rc = clear_incomplete(d, m, err);
	if (rc == COVET_OK)
		rc = history_row(d, m->name, action, m->actual, detail, err);
	return rc;
}

/* --- baseline ------------------------------------------------------------ */

static CovetStatus
baseline_body(CovetDriver *d, RepState *st, const void *arg, CovetBuf *report,
			  CovetError *err)
{
	const char *name = arg;
	CovetStatus rc;
	int			target;
	int			pos;
	int			i;

	if (st->order == NULL)
	{
		*err = st->plan_err;
		return err->code;
	}
	if ((rc = rep_find_required(st, name, &target, err)) != COVET_OK)
		return rc;
	for (pos = 0; st->order[pos] != target; pos++)
		;
	for (i = pos + 1; i < st->n; i++)
	{
		const RepMig *m = &st->migs[st->order[i]];

		if (m->applied != NULL || m->inc_action != NULL)
		{
			covet_error_set(err, COVET_ERR_STATE,
							"cannot baseline at \"%s\": \"%s\", which comes after it, is %s",
							name, m->name, m->applied ? "applied" : "incomplete");
			covet_error_detail(err, "A baseline marks the start of the plan as applied; everything after it must be pending.");
			covet_error_hint(err, "Mark single migrations with covet_mark_applied instead.");
			return COVET_ERR_STATE;
		}
	}
	for (i = 0; i <= pos; i++)
	{
		const RepMig *m = &st->migs[st->order[i]];

		if (m->applied != NULL)
			continue;
		if ((rc = mark_applied_row(d, m, "baseline", name, err)) != COVET_OK)
			return rc;
		report_line(report, "baselined %s%s", m->name, "");
	}
	if (report->len == 0)
		report_line(report, "nothing to baseline: %s and everything before it are applied%s",
					name, "");
	return COVET_OK;
}

CovetStatus
covet_repair_baseline(CovetDriver *d, const char *name, char **report,
					  CovetError *err)
{
	CovetStatus rc;

	*report = NULL;
	if ((rc = covet_name_check("migration name", name, err)) != COVET_OK)
		return rc;
	return rep_run(d, baseline_body, name, report, err);
}

/* --- mark applied / rolled back ------------------------------------------ */

typedef struct MarkArgs
{
	const char *name;
	bool		applied;
} MarkArgs;

/* Every dependency of m is defined and applied. */
static CovetStatus
check_deps_applied(const RepState *st, const RepMig *m, CovetError *err)
{
	int			i;

	for (i = 0; i < m->ndeps; i++)
	{
		int			dep = rep_find(st, m->deps[i]);

		if (dep < 0)
			return covet_error_set(err, COVET_ERR_DEPENDENCY,
								   "migration \"%s\" depends on \"%s\", which is not defined",
								   m->name, m->deps[i]);
		if (st->migs[dep].applied == NULL)
		{
			covet_error_set(err, COVET_ERR_STATE,
							"migration \"%s\" depends on \"%s\", which is not applied",
							m->name, m->deps[i]);
			covet_error_hint(err, "Mark \"%s\" applied first, or mark it and everything before it with covet_baseline('%s').",
							 m->deps[i], m->name);
			return COVET_ERR_STATE;
		}
	}
	return COVET_OK;
}

/* No applied migration depends on m. */
static CovetStatus
check_no_applied_dependent(const RepState *st, const RepMig *m, CovetError *err)
{
	int			i,
				j;

	for (i = 0; i < st->n; i++)
	{
		const RepMig *o = &st->migs[i];

		if (o->applied == NULL)
			continue;
		for (j = 0; j < o->ndeps; j++)
			if (strcmp(o->deps[j], m->name) == 0)
			{
				covet_error_set(err, COVET_ERR_STATE,
								"migration \"%s\" is needed by \"%s\", which is applied",
								m->name, o->name);
				covet_error_hint(err, "Mark \"%s\" rolled back first.", o->name);
				return COVET_ERR_STATE;
			}
	}
	return COVET_OK;
}

static CovetStatus
mark_body(CovetDriver *d, RepState *st, const void *arg, CovetBuf *report,
		  CovetError *err)
{
	const MarkArgs *a = arg;
	const RepMig *m;
	CovetStatus rc;
	int			idx;

	if ((rc = rep_find_required(st, a->name, &idx, err)) != COVET_OK)
		return rc;
	m = &st->migs[idx];
	if (a->applied)
	{
		if (m->applied != NULL)
		{
			report_line(report, "%s is already applied%s", m->name, "");
			return COVET_OK;
		}
		if ((rc = check_deps_applied(st, m, err)) != COVET_OK)
			return rc;
		if ((rc = mark_applied_row(d, m, "fake", "marked applied", err)) != COVET_OK)
			return rc;
		report_line(report, "marked %s applied%s (nothing was run)", m->name, "");
		return COVET_OK;
	}
	if (m->applied == NULL)
	{
		report_line(report, "%s is not applied%s", m->name, "");
		return COVET_OK;
	}
	if ((rc = check_no_applied_dependent(st, m, err)) != COVET_OK)
		return rc;
	{
		const char *p[] = {m->name};

		rc = covet_sql_run(d, "DELETE FROM {applied} WHERE name {=} {1}", 1, p, NULL, err);
	}
	if (rc == COVET_OK)
		rc = clear_incomplete(d, m, err);
	if (rc == COVET_OK)
		rc = history_row(d, m->name, "fake", m->applied, "marked rolled back", err);
	if (rc == COVET_OK)
		report_line(report, "marked %s rolled back%s (nothing was run)", m->name, "");
	return rc;
}

CovetStatus
covet_repair_mark(CovetDriver *d, const char *name, bool applied,
				  char **report, CovetError *err)
{
	MarkArgs	a = {name, applied};
	CovetStatus rc;

	*report = NULL;
	if ((rc = covet_name_check("migration name", name, err)) != COVET_OK)
		return rc;
	return rep_run(d, mark_body, &a, report, err);
}

/* --- repair -------------------------------------------------------------- */

/* The first 12 characters of a checksum, for the report. */
static const char *
short_sum(char *buf, const char *sum)
{
	size_t		n = strlen(sum);

	if (n > 12)
		n = 12;
	memcpy(buf, sum, n);
	buf[n] = '\0';
	return buf;
}

static CovetStatus
repair_drift(CovetDriver *d, const RepMig *m, CovetBuf *report, CovetError *err)
{
	char		detail[2 * COVET_CHECKSUM_LEN + 64];
	char		a[13],
				b[13];
	const char *p[] = {m->name, m->actual};
	CovetStatus rc;

	snprintf(detail, sizeof(detail), "checksum %s -> %s", m->applied, m->actual);
	rc = covet_sql_run(d, "UPDATE {applied} SET checksum = {2} WHERE name {=} {1}",
					   2, p, NULL, err);
	if (rc == COVET_OK)
		rc = history_row(d, m->name, "repair", m->actual, detail, err);
	if (rc != COVET_OK)
		return rc;
	if (report->len > 0)
		covet_buf_appendc(report, '\n');
	covet_buf_appendf(report, "repaired %s: accepted its current text (checksum %s... -> %s...)",
					  m->name, short_sum(a, m->applied), short_sum(b, m->actual));
	return COVET_OK;
}

static CovetStatus
repair_incomplete(CovetDriver *d, const RepMig *m, CovetBuf *report, CovetError *err)
{
	char		detail[128];
	CovetStatus rc;

	snprintf(detail, sizeof(detail), "cleared incomplete %s at statement %s",
			 m->inc_action, m->inc_statement ? m->inc_statement : "?");
	rc = clear_incomplete(d, m, err);
	if (rc == COVET_OK)
		rc = history_row(d, m->name, "repair", m->actual, detail, err);
	if (rc != COVET_OK)
		return rc;
	if (report->len > 0)
		covet_buf_appendc(report, '\n');
	covet_buf_appendf(report, "repaired %s: %s; it is %s again", m->name, detail,
					  m->applied ? "applied" : "pending");
	return COVET_OK;
}

static CovetStatus
repair_body(CovetDriver *d, RepState *st, const void *arg, CovetBuf *report,
			CovetError *err)
{
	const char *name = arg;
	CovetStatus rc = COVET_OK;
	int			only = -1;
	int			i;

	if (name != NULL && (rc = rep_find_required(st, name, &only, err)) != COVET_OK)
		return rc;
	for (i = 0; rc == COVET_OK && i < st->n; i++)
	{
		const RepMig *m = &st->migs[i];

		if (only >= 0 && i != only)
			continue;
		if (m->applied != NULL && strcmp(m->applied, m->actual) != 0)
			rc = repair_drift(d, m, report, err);
		if (rc != COVET_OK || m->inc_action == NULL)
			continue;
		if (only >= 0)
			rc = repair_incomplete(d, m, report, err);
		else
		{
			if (report->len > 0)
				covet_buf_appendc(report, '\n');
			covet_buf_appendf(report, "%s is incomplete (%s stopped after statement %s): fix the database by hand, then run covet_repair('%s')",
							  m->name, m->inc_action,
							  m->inc_statement ? m->inc_statement : "?", m->name);
		}
	}
	if (rc == COVET_OK && report->len == 0)
		covet_buf_append(report, "nothing to repair");
	return rc;
}

CovetStatus
covet_repair_repair(CovetDriver *d, const char *name, char **report,
					CovetError *err)
{
	CovetStatus rc;

	*report = NULL;
	if (name != NULL && (rc = covet_name_check("migration name", name, err)) != COVET_OK)
		return rc;
	return rep_run(d, repair_body, name, report, err);
}

/* --- forget -------------------------------------------------------------- */

static CovetStatus
forget_body(CovetDriver *d, RepState *st, const void *arg, CovetBuf *report,
			CovetError *err)
{
	const char *name = arg;
	const RepMig *m;
	CovetStatus rc;
	int			idx;
	int			i,
				j;

	if ((rc = rep_find_required(st, name, &idx, err)) != COVET_OK)
		return rc;
	m = &st->migs[idx];
	if (m->applied != NULL)
	{
		covet_error_set(err, COVET_ERR_STATE, "cannot forget applied migration \"%s\"", name);
		covet_error_hint(err, "Roll it back with covet_migrate_down, or mark it rolled back with covet_mark_rolled_back('%s'), first.",
						 name);
		return COVET_ERR_STATE;
	}
	if (m->inc_action != NULL)
	{
		covet_error_set(err, COVET_ERR_STATE, "cannot forget incomplete migration \"%s\"", name);
		covet_error_hint(err, "Fix the database by hand and clear it with covet_repair('%s') first.", name);
		return COVET_ERR_STATE;
	}
	for (i = 0; i < st->n; i++)
		for (j = 0; j < st->migs[i].ndeps; j++)
			if (strcmp(st->migs[i].deps[j], name) == 0)
			{
				covet_error_set(err, COVET_ERR_STATE,
								"cannot forget migration \"%s\": \"%s\" depends on it",
								name, st->migs[i].name);
				covet_error_hint(err, "Forget \"%s\" first, or remove its dependency.",
								 st->migs[i].name);
				return COVET_ERR_STATE;
			}
	{
		const char *p[] = {name};

		rc = covet_sql_run(d, "DELETE FROM {migrations} WHERE name {=} {1}", 1, p, NULL, err);
	}
	if (rc == COVET_OK)
		rc = history_row(d, name, "forget", m->checksum, NULL, err);
	if (rc == COVET_OK)
		report_line(report, "forgot %s%s", name, "");
	return rc;
}

CovetStatus
covet_repair_forget(CovetDriver *d, const char *name, char **report,
					CovetError *err)
{
	CovetStatus rc;

	*report = NULL;
	if ((rc = covet_name_check("migration name", name, err)) != COVET_OK)
		return rc;
	return rep_run(d, forget_body, name, report, err);
}

/* --- the order of a roll back -------------------------------------------- */

static int
node_find(const CovetDownNode *nodes, int n, const char *name)
{
	int			i;

	for (i = 0; i < n; i++)
		if (strcmp(nodes[i].name, name) == 0)
			return i;
	return -1;
}

/*
 * Repeatedly take the latest applied migration that no remaining one
 * depends on.  Quadratic; runs are thousands of migrations at most.
 */
CovetStatus
covet_down_order(CovetMem *mem, const CovetDownNode *nodes, const int64_t *seq,
				 int n, int **order, CovetError *err)
{
	int		   *users;			/* remaining applied dependents of each */
	int		  **dep_idx;
	bool	   *done;
	int			k,
				i,
				j;
	CovetStatus rc = COVET_OK;

	*order = covet_alloc(mem, sizeof(int) * (size_t) (n + 1));
	users = covet_alloc0(mem, sizeof(int) * (size_t) (n + 1));
	done = covet_alloc0(mem, sizeof(bool) * (size_t) (n + 1));
	dep_idx = covet_alloc0(mem, sizeof(int *) * (size_t) (n + 1));
	if (*order == NULL || users == NULL || done == NULL || dep_idx == NULL)
	{
		rc = covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < n; i++)
	{
		dep_idx[i] = covet_alloc(mem, sizeof(int) * (size_t) (nodes[i].ndeps + 1));
		if (dep_idx[i] == NULL)
		{
			rc = covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
			goto done;
		}
		for (j = 0; j < nodes[i].ndeps; j++)
		{
			dep_idx[i][j] = node_find(nodes, n, nodes[i].deps[j]);
			if (dep_idx[i][j] >= 0 && dep_idx[i][j] != i)
				users[dep_idx[i][j]]++;
		}
	}
	for (k = 0; k < n; k++)
	{
		int			best = -1;

		for (i = 0; i < n; i++)
			if (!done[i] && users[i] == 0 &&
				(best < 0 || seq[i] > seq[best] ||
				 (seq[i] == seq[best] && strcmp(nodes[i].name, nodes[best].name) > 0)))
				best = i;
		if (best < 0)
		{
			rc = covet_error_set(err, COVET_ERR_DEPENDENCY,
								 "dependency cycle among applied migrations");
			goto done;
		}
		done[best] = true;
		(*order)[k] = best;
		for (j = 0; j < nodes[best].ndeps; j++)
			if (dep_idx[best][j] >= 0 && dep_idx[best][j] != best)
				users[dep_idx[best][j]]--;
	}
done:
	for (i = 0; dep_idx != NULL && i < n; i++)
		covet_free(mem, dep_idx[i]);
	covet_free(mem, dep_idx);
	covet_free(mem, users);
	covet_free(mem, done);
	if (rc != COVET_OK)
	{
		covet_free(mem, *order);
		*order = NULL;
	}
	return rc;
}

/*
 * The order in which the applied migrations were applied: the newest
 * history row that made each one applied (apply, baseline, fake, adopt),
 * then applied_at, then name.  seq[i] is node i's rank.
 */
static CovetStatus
applied_sequence(CovetDriver *d, const CovetDownNode *nodes, int n, int64_t *seq,
				 CovetError *err)
{
	CovetResult res = {0};
	CovetStatus rc;
	int			i;

	rc = covet_sql_run(d,
					   "SELECT a.name FROM {applied} a ORDER BY"
					   " coalesce((SELECT {pg}max(h.id) FROM {history} h WHERE h.name {=} a.name"
					   " AND (h.action {=} 'apply' OR h.action {=} 'baseline' OR h.action {=} 'fake'"
					   " OR h.action {=} 'adopt')), 0),"
					   " a.applied_at, a.name",
					   0, NULL, &res, err);
	if (rc != COVET_OK)
		return rc;
	for (i = 0; i < n; i++)
		seq[i] = -1;
	for (i = 0; i < res.nrows; i++)
	{
		int			k = node_find(nodes, n, COVET_VALUE(&res, i, 0));

		if (k >= 0)
			seq[k] = i;
	}
	covet_result_free(d, &res);
	return COVET_OK;
}

/* With a target: the migrations applied after it, closed under dependents. */
static CovetStatus
select_after(const CovetDownNode *nodes, const int64_t *seq, int n, int target,
			 bool *take, CovetError *err)
{
	bool		grew = true;
	int			i,
				j;

	for (i = 0; i < n; i++)
		take[i] = seq[i] > seq[target];
	while (grew)
	{
		grew = false;
		for (i = 0; i < n; i++)
		{
			if (take[i])
				continue;
			for (j = 0; j < nodes[i].ndeps; j++)
			{
				int			dep = node_find(nodes, n, nodes[i].deps[j]);

				if (dep < 0 || !take[dep])
					continue;
				covet_error_set(err, COVET_ERR_STATE,
								"cannot roll back to \"%s\": \"%s\" depends on \"%s\", which was applied after \"%s\"",
								nodes[target].name, nodes[i].name, nodes[dep].name,
								nodes[target].name);
				covet_error_hint(err, "Roll back \"%s\" first, or name a target applied after it.",
								 nodes[i].name);
				return COVET_ERR_STATE;
			}
		}
	}
	return COVET_OK;
}

CovetStatus
covet_down_select(CovetDriver *d, const CovetDownNode *nodes, int n, int steps,
				  int target, int **todo, int *ntodo, CovetError *err)
{
	int64_t    *seq;
	bool	   *take = NULL;
	int		   *order = NULL;
	CovetStatus rc;
	int			i;

	*todo = NULL;
	*ntodo = 0;
	seq = covet_alloc(&d->mem, sizeof(int64_t) * (size_t) (n + 1));
	take = covet_alloc0(&d->mem, sizeof(bool) * (size_t) (n + 1));
	if (seq == NULL || take == NULL)
	{
		rc = covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
		goto done;
	}
	if ((rc = applied_sequence(d, nodes, n, seq, err)) != COVET_OK)
		goto done;
	if ((rc = covet_down_order(&d->mem, nodes, seq, n, &order, err)) != COVET_OK)
		goto done;
	if (target >= 0)
		rc = select_after(nodes, seq, n, target, take, err);
	else
		for (i = 0; i < n && i < steps; i++)
			take[order[i]] = true;
	if (rc != COVET_OK)
		goto done;
	*todo = covet_alloc(&d->mem, sizeof(int) * (size_t) (n + 1));
	if (*todo == NULL)
	{
		rc = covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < n; i++)
		if (take[order[i]])
			(*todo)[(*ntodo)++] = order[i];
done:
	covet_free(&d->mem, seq);
	covet_free(&d->mem, take);
	covet_free(&d->mem, order);
	return rc;
}
