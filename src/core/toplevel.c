/*-------------------------------------------------------------------------
 *
 * toplevel.c
 *		Non-transactional migrations: a migration's statements run one by
 *		one as top-level statements, outside any transaction of covet's,
 *		with covet.incomplete keeping how far they got.
 *
 *		-- covet:no-transaction
 *		-- covet:up
 *		CREATE INDEX CONCURRENTLY users_email ON users (email);
 *
 * Bookkeeping (the driver's exec_toplevel does the statements):
 *
 *	 1. Before the first statement, an incomplete row (name, action,
 *		statement 0, checksum, started_at, who) is committed.  If one is
 *		there already, from a run that failed or died, the migration goes
 *		on after its statement K: nothing before K runs twice.
 *	 2. After each statement that leaves no transaction block open, the
 *		driver sets statement = K, in the transaction of the statement
 *		itself where the engine allows it, so a crash never leaves the row
 *		behind the work; a file's own BEGIN ... COMMIT group counts only
 *		once its COMMIT has committed.
 *	 3. At the end the row is deleted in an open transaction, in which the
 *		runner writes applied and history and commits: all three or none.
 *	 4. A failure keeps the row (statement K, the error) and adds a
 *		history row with action "incomplete" (detail: the statement and
 *		the error), committed, then the error is raised.  covet_status()
 *		shows the migration incomplete at K.
 *
 * An incomplete row of the other direction (a rollback that stopped while
 * this is an apply) is an error: finish that first, or clear it with
 * covet_repair(name) after fixing the database by hand.  A text changed since
 * the row was written (the failing statement fixed) goes on after K with a
 * NOTICE: the statements before K are taken as done.
 *
 *-------------------------------------------------------------------------
 */
#include "covet.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const mark_tmpl =
"UPDATE {incomplete} SET statement = CAST({2} AS integer), updated_at = {now}"
" WHERE name {=} {1}";

/* What an earlier run left: none, or its action, statement and checksum. */
typedef struct Earlier
{
	bool		found;
	char		action[16];
	int			statement;
	bool		same_text;
} Earlier;

static CovetStatus
earlier_read(CovetDriver *d, const CovetToplevelStep *step, Earlier *e,
			 CovetError *err)
{
	CovetResult res = {0};
	const char *p[] = {step->name};
	CovetStatus rc;

	memset(e, 0, sizeof(*e));
	rc = covet_sql_run(d, "SELECT action, statement, checksum FROM {incomplete}"
					   " WHERE name {=} {1}", 1, p, &res, err);
	if (rc == COVET_OK && res.nrows == 1)
	{
		e->found = true;
		snprintf(e->action, sizeof(e->action), "%s", COVET_VALUE(&res, 0, 0));
		e->statement = atoi(COVET_VALUE(&res, 0, 1));
		e->same_text = strcmp(COVET_VALUE(&res, 0, 2), step->checksum) == 0;
	}
	covet_result_free(d, &res);
	return rc;
}

/* Write (or take over) the incomplete row; *skip: statements done before. */
static CovetStatus
incomplete_begin(CovetDriver *d, const CovetToplevelStep *step, int *skip,
				 bool *retry, CovetError *err)
{
	Earlier		e;
	CovetStatus rc;
	char		msg[512];

	*skip = 0;
	*retry = false;
	if ((rc = earlier_read(d, step, &e, err)) != COVET_OK)
		return rc;
	if (!e.found)
	{
		const char *p[] = {step->name, step->action, step->checksum,
		step->started_at, d->who(d->ctx)};

		return covet_sql_run(d, "INSERT INTO {incomplete} (name, action, statement,"
							 " checksum, started_at, updated_at, who) VALUES ({1}, {2}, 0,"
							 " {3}, {t4}, {now}, {5})", 5, p, NULL, err);
	}
	if (strcmp(e.action, step->action) != 0)
	{
		covet_error_set(err, COVET_ERR_STATE,
						"migration \"%s\" is incomplete: its %s stopped after statement %d",
						step->name, strcmp(e.action, "apply") == 0 ? "apply" : "rollback",
						e.statement);
		covet_error_hint(err, "Finish it with %s, or fix the database by hand and clear it with covet_repair('%s').",
						 strcmp(e.action, "apply") == 0 ? "covet_migrate_up_commit()" :
						 "covet_migrate_down_commit()", step->name);
		return COVET_ERR_STATE;
	}
	*skip = e.statement;
	*retry = true;
	snprintf(msg, sizeof(msg), "migration %s continues after statement %d, where its last run stopped%s",
			 step->name, e.statement,
			 e.same_text ? "" : " (its text has changed since)");
	d->notice(d->ctx, msg);
	{
		const char *p[] = {step->name, step->checksum};

		return covet_sql_run(d, "UPDATE {incomplete} SET checksum = {2}, updated_at = {now},"
							 " error = NULL WHERE name {=} {1}", 2, p, NULL, err);
	}
}

/* Keep the error in the row and add a history row; committed. */
static CovetStatus
incomplete_fail(CovetDriver *d, const CovetToplevelStep *step,
				const CovetToplevelResult *res, int64_t duration_ms,
				const CovetError *failure, CovetError *err)
{
	char		dur[32],
				stmts[32],
				rows[32];
	char		detail[1200];
	CovetStatus rc;

	snprintf(dur, sizeof(dur), "%lld", (long long) duration_ms);
	snprintf(stmts, sizeof(stmts), "%d", res->statements);
	snprintf(rows, sizeof(rows), "%lld", (long long) res->rows);
	snprintf(detail, sizeof(detail), "statement %d failed (%d committed): %s",
			 res->failed, res->statements, failure->message);
	{
		const char *p[] = {step->name, failure->message, stmts};

		rc = covet_sql_run(d, "UPDATE {incomplete} SET error = {2}, updated_at = {now},"
						   " statement = CAST({3} AS integer) WHERE name {=} {1}",
						   3, p, NULL, err);
	}
	if (rc == COVET_OK)
	{
		const char *p[] = {step->name, step->checksum, step->started_at, dur, stmts,
		rows, d->who(d->ctx), detail};

		rc = covet_sql_run(d,
						   "INSERT INTO {history} (name, action, checksum, started_at,"
						   " duration_ms, statements, rows, who, outcome, detail) VALUES"
						   " ({1}, 'incomplete', {2}, {t3}, CAST({4} AS bigint),"
						   " CAST({5} AS integer), CAST({6} AS bigint), {7}, 'failed', {8})",
						   8, p, NULL, err);
	}
	if (rc == COVET_OK)
		rc = d->step_commit(d->ctx, err);
	return rc;
}

static CovetStatus
run_statements(CovetDriver *d, const CovetToplevelStep *step, int skip,
			   bool retry, CovetToplevelResult *res, CovetError *err)
{
	CovetToplevelJob job;
	CovetBuf	buf;
	char	   *mark = NULL;
	CovetStatus rc;

	covet_buf_init(&buf, &d->mem);
	covet_sql_expand(d->dialect, &buf, mark_tmpl);
	if ((rc = covet_buf_finish(&buf, &mark, err)) != COVET_OK)
		return rc;
	memset(&job, 0, sizeof(job));
	job.name = step->name;
	job.sql = step->sql;
	job.skip = skip;
	job.retry = retry;
	job.mark_sql = mark;
	job.lock_timeout_ms = d->ddl_lock_timeout_ms;
	memset(res, 0, sizeof(*res));
	res->statements = skip;
	rc = d->exec_toplevel(d->ctx, &job, res, err);
	covet_free(&d->mem, mark);
	return rc;
}

CovetStatus
covet_toplevel_run(CovetDriver *d, const CovetToplevelStep *step,
				   CovetScriptStats *stats, CovetError *err)
{
	CovetToplevelResult res;
	int			skip;
	bool		retry;
	int64_t		t0;
	CovetStatus rc;

	memset(stats, 0, sizeof(*stats));
	if (d->exec_toplevel == NULL || d->step_commit == NULL)
	{
		covet_error_set(err, COVET_ERR_STATE,
						"migration \"%s\" runs outside a transaction, which is not possible here",
						step->name);
		return COVET_ERR_STATE;
	}
	if ((rc = incomplete_begin(d, step, &skip, &retry, err)) != COVET_OK ||
		(rc = d->step_commit(d->ctx, err)) != COVET_OK)
		return rc;
	t0 = d->clock_ms(d->ctx);
	rc = run_statements(d, step, skip, retry, &res, err);
	stats->statements = res.statements;
	stats->rows = res.rows;
	if (rc == COVET_OK)
	{
		const char *p[] = {step->name};

		return covet_sql_run(d, "DELETE FROM {incomplete} WHERE name {=} {1}",
							 1, p, NULL, err);
	}
	if (res.failed > 0)
	{
		CovetError	failure = *err;
		CovetError	book;

		if (incomplete_fail(d, step, &res, d->clock_ms(d->ctx) - t0, &failure, &book) != COVET_OK)
			d->notice(d->ctx, book.message);
		*err = failure;
		covet_error_prefix(err, "migration \"%s\" failed at statement %d: ",
						   step->name, res.failed);
		if (err->hint[0] == '\0')
			covet_error_hint(err, "%d of its statements committed; fix the cause, then run it again: it continues with statement %d.",
							 res.statements, res.statements + 1);
	}
	return rc;
}

/*
 * At definition: a migration without the no-transaction marker that needs
 * it anyway (its own BEGIN ... COMMIT, or a statement that refuses a
 * transaction block) is stored with atomic false; msg gets the NOTICE
 * ("" when nothing changed).
 */
void
covet_toplevel_detect(CovetEngine engine, const char *name, const char *up,
					  const char *down, bool *atomic, char *msg, size_t msglen)
{
	char		why[256];

	msg[0] = '\0';
	if (!*atomic || up == NULL ||
		!covet_stmt_needs_toplevel(engine, up, down, why, sizeof(why)))
		return;
	*atomic = false;
	snprintf(msg, msglen, "migration %s runs outside a transaction: %s", name, why);
}

/* The SELECT forms (one transaction) refuse a non-transactional migration. */
CovetStatus
covet_toplevel_refuse(const char *name, bool up, CovetError *err)
{
	const char *fn = up ? "covet_migrate_up_commit" : "covet_migrate_down_commit";

	covet_error_set(err, COVET_ERR_STATE,
					"migration \"%s\" must run outside a transaction", name);
	strcpy(err->sqlstate, "25001");
	covet_error_detail(err, "Its statements run one by one as top-level statements (-- covet:no-transaction, atomic => false, its own BEGIN and COMMIT, or a statement such as CREATE INDEX CONCURRENTLY); this call runs every migration in one transaction.");
	covet_error_hint(err, "Run it with CALL %s() at top level (SQLite: SELECT %s() in autocommit mode).",
					 fn, fn);
	return COVET_ERR_STATE;
}
