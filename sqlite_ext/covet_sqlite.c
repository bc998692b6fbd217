/*-------------------------------------------------------------------------
 *
 * covet_sqlite.c
 *		The SQLite loadable extension: entry point and SQL functions.
 *
 * How it works: `.load ./covet` (or load_extension('./covet') from any
 * host) calls sqlite3_covet_init, which registers the functions below from
 * one table and the eponymous virtual table covet_status.  Each function is
 * a thin wrapper: unpack arguments (NULLs explicitly), run the core through
 * a SqliteCall, turn a CovetError into sqlite3_result_error with the same
 * text PostgreSQL shows (message, then DETAIL and HINT lines).
 *
 *     sqlite> .load ./covet
 *     sqlite> SELECT covet_define('0001_init', 'CREATE TABLE t (id integer)',
 *        ...>                     'DROP TABLE t');
 *     sqlite> SELECT covet_migrate_up();
 *     sqlite> SELECT name, state FROM covet_status();
 *
 * Functions that run SQL or write are SQLITE_DIRECTONLY: a schema object
 * (view, trigger) cannot call them.
 *
 *-------------------------------------------------------------------------
 */
#define COVET_SQLITE_MAIN
#include "covet_sqlite.h"

SQLITE_EXTENSION_INIT1

#include <stdlib.h>
#include <string.h>

/* --- errors and arguments --------------------------------------------------- */

/* The one place a CovetError becomes a SQLite error. */
static void
result_error(sqlite3_context *ctx, const CovetError *err)
{
	char	   *msg;

	if (err->code == COVET_ERR_NOMEM)
	{
		sqlite3_result_error_nomem(ctx);
		return;
	}
	msg = sqlite3_mprintf("%s%s%s%s%s", err->message,
						  err->detail[0] ? "\nDETAIL: " : "", err->detail,
						  err->hint[0] ? "\nHINT: " : "", err->hint);
	if (msg == NULL)
	{
		sqlite3_result_error_nomem(ctx);
		return;
	}
	sqlite3_result_error(ctx, msg, -1);
	if (err->code == COVET_ERR_LOCK)
		sqlite3_result_error_code(ctx, SQLITE_BUSY);
	sqlite3_free(msg);
}

static void
error_text(sqlite3_context *ctx, CovetStatus code, const char *fmt, const char *arg)
{
	CovetError	err;

	covet_error_set(&err, code, fmt, arg);
	result_error(ctx, &err);
}

/* Argument i as text; NULL when absent or SQL NULL. */
static const char *
arg_text(int argc, sqlite3_value **argv, int i)
{
	if (i >= argc || sqlite3_value_type(argv[i]) == SQLITE_NULL)
		return NULL;
	return (const char *) sqlite3_value_text(argv[i]);
}

/* A required boolean argument (absent = false); false on a NULL, with the error set. */
static bool
arg_bool(sqlite3_context *ctx, int argc, sqlite3_value **argv, int i,
		 const char *name, bool *out)
{
	*out = false;
	if (i >= argc)
		return true;
	if (sqlite3_value_type(argv[i]) == SQLITE_NULL)
	{
		error_text(ctx, COVET_ERR_NULL, "%s must not be null", name);
		return false;
	}
	*out = sqlite3_value_int(argv[i]) != 0;
	return true;
}

static bool
arg_required(sqlite3_context *ctx, const char *value, const char *name)
{
	if (value == NULL)
	{
		error_text(ctx, COVET_ERR_NULL, "%s must not be null", name);
		return false;
	}
	return true;
}

/* Finish a call that produced a report. */
static void
finish(sqlite3_context *ctx, SqliteCall *call, CovetStatus rc,
	   const char *report, const CovetError *err)
{
	if (rc == COVET_OK)
		sqlite3_result_text(ctx, report, -1, SQLITE_TRANSIENT);
	else
		result_error(ctx, err);
	covet_sqlite_call_done(call);
}

/* --- functions ------------------------------------------------------------ */

static void
fn_version(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void) argc;
	(void) argv;
	sqlite3_result_text(ctx, COVET_VERSION, -1, SQLITE_STATIC);
}

static void
fn_checksum(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	char		sum[COVET_CHECKSUM_LEN + 1];
	const char *up = arg_text(argc, argv, 0);

	if (up == NULL)
	{
		sqlite3_result_null(ctx);
		return;
	}
	covet_checksum_compute(up, arg_text(argc, argv, 1), sum);
	sqlite3_result_text(ctx, sum, -1, SQLITE_TRANSIENT);
}

static void
fn_define(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	SqliteCall	call;
	CovetDefine def;
	CovetError	err;
	char	   *report = NULL;
	CovetStatus rc;

	def.name = arg_text(argc, argv, 0);
	def.up = arg_text(argc, argv, 1);
	def.down = arg_text(argc, argv, 2);
	def.depends_on = arg_text(argc, argv, 3);
	def.kind = arg_text(argc, argv, 4);
	def.atomic = true;
	if (argc > 4 && def.kind == NULL)
	{
		error_text(ctx, COVET_ERR_NULL, "%s must not be null", "kind");
		return;
	}
	covet_sqlite_call_init(&call, sqlite3_user_data(ctx));
	rc = covet_runner_define(&call.driver, &def, &report, &err);
	finish(ctx, &call, rc, report, &err);
}

static void
fn_load(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	SqliteCall	call;
	CovetError	err;
	char	   *report = NULL;
	CovetStatus rc;

	covet_sqlite_call_init(&call, sqlite3_user_data(ctx));
	rc = covet_runner_load(&call.driver, arg_text(argc, argv, 0), &report, &err);
	finish(ctx, &call, rc, report, &err);
}

static void
fn_migrate_up(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	SqliteCall	call;
	CovetError	err;
	char	   *report = NULL;
	bool		dry_run;
	CovetStatus rc;

	if (!arg_bool(ctx, argc, argv, 1, "dry_run", &dry_run))
		return;
	covet_sqlite_call_init(&call, sqlite3_user_data(ctx));
	rc = covet_runner_up(&call.driver, arg_text(argc, argv, 0), dry_run, &report, &err);
	finish(ctx, &call, rc, report, &err);
}

/* covet_migrate_down(steps | target, dry_run): an integer is steps. */
static void
fn_migrate_down(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	SqliteCall	call;
	CovetError	err;
	char	   *report = NULL;
	const char *target = NULL;
	int			steps = 1;
	bool		dry_run;
	CovetStatus rc;

	if (argc > 0)
	{
		switch (sqlite3_value_type(argv[0]))
		{
			case SQLITE_NULL:
				error_text(ctx, COVET_ERR_NULL, "%s must not be null", "steps");
				return;
			case SQLITE_INTEGER:
				{
					sqlite3_int64 v = sqlite3_value_int64(argv[0]);

					steps = v > 1000000000 ? 1000000000 : v < -1 ? -1 : (int) v;
					break;
				}
			default:
				target = (const char *) sqlite3_value_text(argv[0]);
				break;
		}
	}
	if (!arg_bool(ctx, argc, argv, 1, "dry_run", &dry_run))
		return;
	covet_sqlite_call_init(&call, sqlite3_user_data(ctx));
	rc = covet_runner_down(&call.driver, steps, target, dry_run, &report, &err);
	finish(ctx, &call, rc, report, &err);
}

static void
fn_apply(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	SqliteCall	call;
	CovetError	err;
	char	   *report = NULL;
	bool		dry_run;
	CovetStatus rc;

	if (!arg_bool(ctx, argc, argv, 1, "dry_run", &dry_run))
		return;
	covet_sqlite_call_init(&call, sqlite3_user_data(ctx));
	rc = covet_runner_apply(&call.driver, arg_text(argc, argv, 0), dry_run, &report, &err);
	finish(ctx, &call, rc, report, &err);
}

/* covet_set(name, value): per-connection settings, like PostgreSQL's SET. */
static void
fn_set(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	CovetConn  *conn = sqlite3_user_data(ctx);
	const char *name = arg_text(argc, argv, 0);
	const char *value = arg_text(argc, argv, 1);
	char	   *end;
	long		v;

	if (!arg_required(ctx, name, "name") || !arg_required(ctx, value, "value"))
		return;
	if (strcmp(name, "lock_timeout") != 0)
	{
		error_text(ctx, COVET_ERR_INVALID, "unknown covet setting \"%s\"", name);
		return;
	}
	v = strtol(value, &end, 10);
	if (end == value || *end != '\0' || v < 0 || v > 2147483647L)
	{
		CovetError	err;

		covet_error_set(&err, COVET_ERR_INVALID,
						"invalid value for setting \"lock_timeout\": \"%s\"", value);
		covet_error_hint(&err, "lock_timeout is a number of milliseconds, 0 or more.");
		result_error(ctx, &err);
		return;
	}
	conn->lock_timeout_ms = (int) v;
	sqlite3_result_text(ctx, value, -1, SQLITE_TRANSIENT);
}

/* --- registration ---------------------------------------------------------- */

#define PURE (SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS)
#define RUNS_SQL (SQLITE_UTF8 | SQLITE_DIRECTONLY)

static const struct
{
	const char *name;
	int			min_args;
	int			max_args;
	int			flags;
	void		(*fn) (sqlite3_context *, int, sqlite3_value **);
}			functions[] = {
	{"covet_version", 0, 0, PURE, fn_version},
	{"covet_checksum", 2, 2, PURE, fn_checksum},
	{"covet_define", 2, 5, RUNS_SQL, fn_define},
	{"covet_load", 1, 1, RUNS_SQL, fn_load},
	{"covet_migrate_up", 0, 2, RUNS_SQL, fn_migrate_up},
	{"covet_migrate_down", 0, 2, RUNS_SQL, fn_migrate_down},
	{"covet_apply", 1, 2, RUNS_SQL, fn_apply},
	{"covet_set", 2, 2, RUNS_SQL, fn_set},
};

static void
conn_free(void *p)
{
	sqlite3_free(p);
}

#ifdef _WIN32
__declspec(dllexport)
#endif
int
sqlite3_covet_init(sqlite3 *db, char **pzErrMsg, const sqlite3_api_routines *pApi)
{
	CovetConn  *conn;
	size_t		i;
	int			rc;

	SQLITE_EXTENSION_INIT2(pApi);
	if ((conn = sqlite3_malloc(sizeof(*conn))) == NULL)
		return SQLITE_NOMEM;
	memset(conn, 0, sizeof(*conn));
	conn->db = db;
	conn->lock_timeout_ms = 60000;

	/*
	 * The connection state is freed with the module of covet_status: the
	 * module destructor runs when the connection closes.
	 */
	if ((rc = covet_status_vtab_register(db, conn)) != SQLITE_OK)
	{
		*pzErrMsg = sqlite3_mprintf("covet: could not register covet_status: %s",
									sqlite3_errstr(rc));
		conn_free(conn);
		return rc;
	}
	for (i = 0; i < sizeof(functions) / sizeof(functions[0]); i++)
	{
		int			n;

		for (n = functions[i].min_args; n <= functions[i].max_args; n++)
		{
			rc = sqlite3_create_function_v2(db, functions[i].name, n, functions[i].flags,
											conn, functions[i].fn, NULL, NULL, NULL);
			if (rc != SQLITE_OK)
			{
				*pzErrMsg = sqlite3_mprintf("covet: could not register %s: %s",
											functions[i].name, sqlite3_errmsg(db));
				return rc;
			}
		}
	}
	return SQLITE_OK;
}
