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
 * A boolean argument read as PostgreSQL's boolean input reads it: an
 * integer (0 is false), or text t/true/y/yes/on/1, f/false/n/no/off/0 in
 * any case, or a unique prefix, with white space around.  false with the
 * error set.
 */
static bool
arg_bool(sqlite3_context *ctx, sqlite3_value *v, const char *name, const char *fname,
		 bool *out)
{
	static const struct
	{
		const char *word;
		size_t		min;		/* shortest prefix accepted */
		bool		value;
	}			words[] = {
		{"true", 1, true}, {"yes", 1, true}, {"on", 2, true}, {"1", 1, true},
		{"false", 1, false}, {"no", 1, false}, {"off", 2, false}, {"0", 1, false},
	};
	const char *text;
	size_t		len;
	size_t		i;
	CovetError	err;

	if (sqlite3_value_type(v) == SQLITE_INTEGER)
	{
		*out = sqlite3_value_int64(v) != 0;
		return true;
	}
	text = (const char *) sqlite3_value_text(v);
	if (text == NULL)
		text = "";
	while (*text == ' ' || *text == '\t' || *text == '\n' || *text == '\r')
		text++;
	len = strlen(text);
	while (len > 0 && (text[len - 1] == ' ' || text[len - 1] == '\t' ||
					   text[len - 1] == '\n' || text[len - 1] == '\r'))
		len--;
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (len >= words[i].min && len <= strlen(words[i].word) &&
			sqlite3_strnicmp(text, words[i].word, (int) len) == 0)
		{
			*out = words[i].value;
			return true;
		}
	covet_error_set(&err, COVET_ERR_INVALID, "invalid input syntax for type boolean: \"%s\"",
					(const char *) sqlite3_value_text(v));
	strncpy(err.sqlstate, "22P02", sizeof(err.sqlstate));
	covet_error_detail(&err, "Argument %s of %s.", name, fname);
	covet_sqlite_result_error(ctx, &err);
	return false;
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
	if (argc > 1)
	{
		if (sqlite3_value_type(argv[1]) == SQLITE_NULL)
		{
			covet_sqlite_error_text(ctx, COVET_ERR_NULL, "%s must not be null", "dry_run");
			return false;
		}
		if (!arg_bool(ctx, argv[1], "dry_run", fname, dry_run))
			return false;
	}
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

static void
commit_finish(sqlite3_context *ctx, SqliteCall *call, CovetStatus rc,
			  const char *report, const CovetError *err)
{
	if (rc == COVET_OK)
		sqlite3_result_text(ctx, report, -1, SQLITE_TRANSIENT);
	else
		covet_sqlite_result_error(ctx, err);
	covet_sqlite_call_done(call);
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
	commit_finish(ctx, &call, rc, report, &err);
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
	commit_finish(ctx, &call, rc, report, &err);
}
