/*-------------------------------------------------------------------------
 *
 * commit.c
 *		Commit per migration: covet_migrate_up_commit and
 *		covet_migrate_down_commit.
 *
 * The runs are runner.c's (the same checks before anything runs, the same
 * order, the same report); with commit_steps set on the driver the run
 * loop commits each migration, together with its applied and history rows,
 * through the driver's step_commit, and the runner lock stays held from
 * the first migration to the last (PostgreSQL: the session-level advisory
 * lock of the procedure; SQLite: the lock row).  A failure rolls back the
 * failing migration only; the error names it, and its DETAIL lists the
 * migrations this call committed before it.
 *
 * Where a driver's errors cannot come back to the core outside a savepoint
 * (PostgreSQL, step_failure_text), a migration of such a run has no
 * savepoint of its own, so that a procedure it CALLs may commit (a data
 * migration's CALL covet_backfill_commit(...) commits per batch).  The
 * driver then re-raises an error with the text the core gives it before
 * the migration runs: the same message and DETAIL as the core's own.
 *
 *		CALL covet_migrate_up_commit();				-- PostgreSQL, autocommit
 *		SELECT covet_migrate_up_commit();			-- SQLite, autocommit
 *
 * A dry run commits nothing: it is the run of covet_migrate_up (every
 * migration executed inside one savepoint that is rolled back).
 *
 *-------------------------------------------------------------------------
 */
#include "covet.h"

#include <stdio.h>
#include <string.h>

static CovetStatus
cannot_commit(const char *fname, CovetError *err)
{
	covet_error_set(err, COVET_ERR_STATE, "%s cannot commit here", fname);
	strncpy(err->sqlstate, "2D000", sizeof(err->sqlstate));
	covet_error_hint(err, "Call it at top level in autocommit mode, or call %.*s() to apply atomically.",
					 (int) (strlen(fname) - strlen("_commit")), fname);
	return COVET_ERR_STATE;
}

CovetStatus
covet_runner_up_commit(CovetDriver *d, const char *target, bool dry_run,
					   char **report, CovetError *err)
{
	CovetStatus rc;

	*report = NULL;
	if (dry_run)
		return covet_runner_up(d, target, true, report, err);
	if (d->step_commit == NULL)
		return cannot_commit("covet_migrate_up_commit", err);
	d->commit_steps = true;
	rc = covet_runner_up(d, target, false, report, err);
	d->commit_steps = false;
	return rc;
}

CovetStatus
covet_runner_down_commit(CovetDriver *d, int steps, const char *target,
						 bool dry_run, char **report, CovetError *err)
{
	CovetStatus rc;

	*report = NULL;
	if (dry_run)
		return covet_runner_down(d, steps, target, true, report, err);
	if (d->step_commit == NULL)
		return cannot_commit("covet_migrate_down_commit", err);
	d->commit_steps = true;
	rc = covet_runner_down(d, steps, target, false, report, err);
	d->commit_steps = false;
	return rc;
}

/*
 * The DETAIL of a failed migration: what this call committed before it
 * (done: the names, separated by ", ").
 */
void
covet_commit_detail(CovetBuf *out, bool up, const CovetBuf *done)
{
	if (done->len == 0)
		covet_buf_appendf(out, "No migration was %s before it.",
						  up ? "applied" : "rolled back");
	else
		covet_buf_appendf(out, "%s and committed before it: %s.",
						  up ? "Applied" : "Rolled back", done->data);
}

/* Before a migration of a commit-per-migration run. */
void
covet_commit_step_begin(CovetDriver *d, const char *name, bool up,
						const CovetBuf *done)
{
	char		prefix[COVET_NAME_MAX + 32];
	CovetBuf	detail;

	if (d->step_failure_text == NULL)
		return;
	snprintf(prefix, sizeof(prefix), "migration \"%s\" failed: ", name);
	covet_buf_init(&detail, &d->mem);
	covet_commit_detail(&detail, up, done);
	/* out of memory: no detail, the message still names the migration */
	d->step_failure_text(d->ctx, prefix, detail.failed ? NULL : detail.data);
	covet_buf_free(&detail);
}

/*
 * A migration is recorded: commit it, and remember its name.  A failure of
 * the commit (a deferred constraint, SQLite's busy) is the migration's.
 */
CovetStatus
covet_commit_step_end(CovetDriver *d, const char *name, CovetBuf *done,
					  CovetError *err)
{
	CovetStatus rc = d->step_commit(d->ctx, err);

	if (d->step_failure_text != NULL)
		d->step_failure_text(d->ctx, NULL, NULL);
	if (rc != COVET_OK)
	{
		covet_error_prefix(err, "migration \"%s\" failed: ", name);
		return rc;
	}
	if (done->len > 0)
		covet_buf_append(done, ", ");
	covet_buf_append(done, name);
	return COVET_OK;
}

/*
 * A migration failed and was rolled back (the error already names it):
 * add which ones stayed applied to the error's own DETAIL.
 */
void
covet_commit_step_failed(CovetDriver *d, bool up, const CovetBuf *done,
						 CovetError *err)
{
	CovetBuf	detail;

	if (d->step_failure_text != NULL)
		d->step_failure_text(d->ctx, NULL, NULL);
	covet_buf_init(&detail, &d->mem);
	if (err->detail[0] != '\0')
	{
		covet_buf_append(&detail, err->detail);
		covet_buf_appendc(&detail, '\n');
	}
	covet_commit_detail(&detail, up, done);
	if (!detail.failed)
		covet_error_detail(err, "%s", detail.data);
	covet_buf_free(&detail);
}
