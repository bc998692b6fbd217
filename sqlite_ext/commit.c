/*-------------------------------------------------------------------------
 *
 * commit.c
 *		covet_migrate_up_commit and covet_migrate_down_commit in SQLite:
 *		each migration committed with its applied and history rows
 *		(src/core/commit.c).
 *
 *     sqlite> SELECT covet_migrate_up_commit();
 *     sqlite> SELECT covet_migrate_up_commit('0003_orders', 1);	-- dry run
 *     sqlite> SELECT covet_migrate_down_commit(2);
 *
 * Only in autocommit mode: inside a transaction the host opened nothing
 * could commit, so they refuse (the plain names apply all or nothing
 * there).  The run takes the lock row as every run does (sqlite_driver.c)
 * and keeps it to the end; each migration is one BEGIN IMMEDIATE ...
 * COMMIT (step_commit commits and begins the next), so a failure rolls
 * back that migration only.
 *
 *-------------------------------------------------------------------------
 */
#include "covet_sqlite.h"

#include <string.h>

/* How long a migration's COMMIT waits for readers (as end_run's). */
#define STEP_COMMIT_WAIT_MS 10000

/* step_commit: COMMIT the migration just recorded, BEGIN IMMEDIATE the next. */
static CovetStatus
drv_step_commit(void *ctx, CovetError *err)
{
	SqliteCall *call = ctx;
	int			wait = call->conn->lock_timeout_ms > STEP_COMMIT_WAIT_MS ?
		call->conn->lock_timeout_ms : STEP_COMMIT_WAIT_MS;
	CovetStatus rc;

	sqlite3_busy_timeout(call->db, wait);
	if ((rc = covet_sqlite_exec(call, "COMMIT", err)) != COVET_OK)
		return rc;
	sqlite3_busy_timeout(call->db, call->conn->lock_timeout_ms);
	return covet_sqlite_exec(call, "BEGIN IMMEDIATE", err);
}

/*
 * The common start: no NUL in the arguments, a dry_run that is not NULL,
 * autocommit mode.  false with the error set.
 */
static bool
commit_args(sqlite3_context *ctx, int argc, sqlite3_value **argv,
			const char *fname, const char *names, bool *dry_run)
{
	sqlite3 *db = sqlite3_context_db_handle(ctx);
	CovetError	err;

	*dry_run = false;
	if (!covet_sqlite_no_nul(ctx, argc, argv, names))
		return false;
	if (!covet_sqlite_arg_bool(ctx, argc, argv, 1, fname, "dry_run", false, dry_run))
		return false;
	if (!sqlite3_get_autocommit(db))
	{
		covet_error_set(&err, COVET_ERR_STATE,
						"%s cannot commit inside a transaction block", fname);
		covet_error_hint(&err, "Call it at top level in autocommit mode, or use %.*s() to apply all or nothing in the transaction.",
						 (int) (strlen(fname) - strlen("_commit")), fname);
		covet_sqlite_result_error(ctx, &err);
		return false;
	}
	return true;
}

/* covet_migrate_up_commit(target, dry_run) */
void
covet_sqlite_fn_migrate_up_commit(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	SqliteCall	call;
	CovetError	err;
	char	   *report = NULL;
	bool		dry_run;
	CovetStatus rc;

	if (!commit_args(ctx, argc, argv, "covet_migrate_up_commit", "target dry_run", &dry_run))
		return;
	covet_sqlite_call_init(&call, sqlite3_user_data(ctx));
	call.driver.step_commit = drv_step_commit;
	rc = covet_runner_up_commit(&call.driver, covet_sqlite_arg_text(argc, argv, 0),
								dry_run, &report, &err);
	covet_sqlite_finish(ctx, &call, rc, report, &err);
}

/* covet_migrate_down_commit(steps | target, dry_run): an integer is steps. */
void
covet_sqlite_fn_migrate_down_commit(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	SqliteCall	call;
	CovetError	err;
	char	   *report = NULL;
	const char *target = NULL;
	int64_t		steps = 1;
	bool		dry_run;
	CovetStatus rc;

	if (!commit_args(ctx, argc, argv, "covet_migrate_down_commit", "target dry_run", &dry_run))
		return;
	if (argc > 0)
	{
		switch (sqlite3_value_type(argv[0]))
		{
			case SQLITE_NULL:
				covet_sqlite_error_text(ctx, COVET_ERR_NULL, "%s must not be null", "steps");
				return;
			case SQLITE_INTEGER:
			case SQLITE_FLOAT:
				if (!covet_sqlite_value_int(ctx, argv[0], false, &steps))
					return;
				break;
			default:
				target = (const char *) sqlite3_value_text(argv[0]);
				break;
		}
	}
	covet_sqlite_call_init(&call, sqlite3_user_data(ctx));
	call.driver.step_commit = drv_step_commit;
	rc = covet_runner_down_commit(&call.driver, (int) steps, target, dry_run, &report, &err);
	covet_sqlite_finish(ctx, &call, rc, report, &err);
}
