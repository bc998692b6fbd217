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
#include "repair.h"

SQLITE_EXTENSION_INIT1

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- errors and arguments --------------------------------------------------- */

/* The one place a CovetError becomes a SQLite error. */
void
covet_sqlite_result_error(sqlite3_context *ctx, const CovetError *err)
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

void
covet_sqlite_error_text(sqlite3_context *ctx, CovetStatus code, const char *fmt, const char *arg)
{
	CovetError	err;

	covet_error_set(&err, code, fmt, arg);
	covet_sqlite_result_error(ctx, &err);
}

/* Argument i as text; NULL when absent or SQL NULL. */
const char *
covet_sqlite_arg_text(int argc, sqlite3_value **argv, int i)
{
	if (i >= argc || sqlite3_value_type(argv[i]) == SQLITE_NULL)
		return NULL;
	return (const char *) sqlite3_value_text(argv[i]);
}

/*
 * SQLite text may hold NUL characters; the core reads C strings, so a NUL
 * would cut a value short (a filter 'id' || char(0) || '; x' would run as
 * "id").  PostgreSQL text cannot hold one.  Every covet function refuses
 * one in every text argument, before anything else.  names: the
 * arguments' names separated by spaces (the last one serves the rest).
 * false with the error set.
 */
static bool
value_has_nul(sqlite3_value *v)
{
	const unsigned char *t;
	int			type = sqlite3_value_type(v);

	if (type != SQLITE_TEXT && type != SQLITE_BLOB)
		return false;
	t = sqlite3_value_text(v);
	return t != NULL && memchr(t, 0, (size_t) sqlite3_value_bytes(v)) != NULL;
}

bool
covet_sqlite_no_nul(sqlite3_context *ctx, int argc, sqlite3_value **argv,
					const char *names)
{
	int			i;
	const char *name = names;
	size_t		len = strcspn(names, " ");

	for (i = 0; i < argc; i++)
	{
		if (i > 0 && name[len] == ' ')
		{
			name += len + 1;
			len = strcspn(name, " ");
		}
		if (value_has_nul(argv[i]))
		{
			char		buf[64];

			snprintf(buf, sizeof(buf), "%.*s", (int) len, name);
			covet_sqlite_error_text(ctx, COVET_ERR_INVALID, "%s must not contain a NUL character", buf);
			return false;
		}
	}
	return true;
}

/*
 * A value (not NULL) as a boolean, read as PostgreSQL reads a boolean's
 * text (boolarg.c): 1/0, true/false, yes/no, on/off, any case, ...; an
 * integer by its digits (only 1 and 0 are booleans).  false with the
 * error set, naming the argument and the function.
 */
bool
covet_sqlite_value_bool(sqlite3_context *ctx, sqlite3_value *v, const char *function,
						const char *name, bool *out)
{
	const char *text = (const char *) sqlite3_value_text(v);
	CovetError	err;

	if (text == NULL)
	{
		sqlite3_result_error_nomem(ctx);
		return false;
	}
	if (covet_bool_arg(function, name, text, out, &err) != COVET_OK)
	{
		covet_sqlite_result_error(ctx, &err);
		return false;
	}
	return true;
}

/*
 * Boolean argument i of function: dflt when absent; a NULL is an error.
 * false with the error set.
 */
bool
covet_sqlite_arg_bool(sqlite3_context *ctx, int argc, sqlite3_value **argv, int i,
					  const char *function, const char *name, bool dflt, bool *out)
{
	*out = dflt;
	if (i >= argc)
		return true;
	if (sqlite3_value_type(argv[i]) == SQLITE_NULL)
	{
		covet_sqlite_error_text(ctx, COVET_ERR_NULL, "%s must not be null", name);
		return false;
	}
	return covet_sqlite_value_bool(ctx, argv[i], function, name, out);
}

static bool
arg_required(sqlite3_context *ctx, const char *value, const char *name)
{
	if (value == NULL)
	{
		covet_sqlite_error_text(ctx, COVET_ERR_NULL, "%s must not be null", name);
		return false;
	}
	return true;
}

/* Finish a call that produced a report: the report, or the error. */
void
covet_sqlite_finish(sqlite3_context *ctx, SqliteCall *call, CovetStatus rc,
					const char *report, const CovetError *err)
{
	if (rc == COVET_OK)
		sqlite3_result_text(ctx, report, -1, SQLITE_TRANSIENT);
	else
		covet_sqlite_result_error(ctx, err);
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
	const char *up = covet_sqlite_arg_text(argc, argv, 0);

	if (!covet_sqlite_no_nul(ctx, argc, argv, "up down"))
		return;

	if (up == NULL)
	{
		sqlite3_result_null(ctx);
		return;
	}
	covet_checksum_compute(up, covet_sqlite_arg_text(argc, argv, 1), sum);
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

	if (!covet_sqlite_no_nul(ctx, argc, argv, "name up down depends_on kind atomic"))
		return;

	def.name = covet_sqlite_arg_text(argc, argv, 0);
	def.up = covet_sqlite_arg_text(argc, argv, 1);
	def.down = covet_sqlite_arg_text(argc, argv, 2);
	def.depends_on = covet_sqlite_arg_text(argc, argv, 3);
	def.kind = covet_sqlite_arg_text(argc, argv, 4);
	def.atomic = true;
	if (argc > 4 && def.kind == NULL)
	{
		covet_sqlite_error_text(ctx, COVET_ERR_NULL, "%s must not be null", "kind");
		return;
	}
	if (!covet_sqlite_arg_bool(ctx, argc, argv, 5, "covet_define", "atomic", true, &def.atomic))
		return;
	covet_sqlite_call_init(&call, sqlite3_user_data(ctx));
	rc = covet_runner_define(&call.driver, &def, &report, &err);
	covet_sqlite_finish(ctx, &call, rc, report, &err);
}

static void
fn_load(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	SqliteCall	call;
	CovetError	err;
	char	   *report = NULL;
	CovetStatus rc;

	if (!covet_sqlite_no_nul(ctx, argc, argv, "path"))
		return;

	covet_sqlite_call_init(&call, sqlite3_user_data(ctx));
	rc = covet_runner_load(&call.driver, covet_sqlite_arg_text(argc, argv, 0), &report, &err);
	covet_sqlite_finish(ctx, &call, rc, report, &err);
}

static void
fn_migrate_up(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	SqliteCall	call;
	CovetError	err;
	char	   *report = NULL;
	bool		dry_run;
	CovetStatus rc;

	if (!covet_sqlite_no_nul(ctx, argc, argv, "target dry_run"))
		return;

	if (!covet_sqlite_arg_bool(ctx, argc, argv, 1, "covet_migrate_up", "dry_run", false, &dry_run))
		return;
	covet_sqlite_call_init(&call, sqlite3_user_data(ctx));
	rc = covet_runner_up(&call.driver, covet_sqlite_arg_text(argc, argv, 0), dry_run, &report, &err);
	covet_sqlite_finish(ctx, &call, rc, report, &err);
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

	if (!covet_sqlite_no_nul(ctx, argc, argv, "target dry_run"))
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
				{
					int64_t		v;

					if (!covet_sqlite_value_int(ctx, argv[0], false, &v))
						return;
					steps = (int) v;
					break;
				}
			default:
				target = (const char *) sqlite3_value_text(argv[0]);
				break;
		}
	}
	if (!covet_sqlite_arg_bool(ctx, argc, argv, 1, "covet_migrate_down", "dry_run", false, &dry_run))
		return;
	covet_sqlite_call_init(&call, sqlite3_user_data(ctx));
	rc = covet_runner_down(&call.driver, steps, target, dry_run, &report, &err);
	covet_sqlite_finish(ctx, &call, rc, report, &err);
}

static void
fn_apply(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	SqliteCall	call;
	CovetError	err;
	char	   *report = NULL;
	bool		dry_run;
	CovetStatus rc;

	if (!covet_sqlite_no_nul(ctx, argc, argv, "name dry_run"))
		return;

	if (!covet_sqlite_arg_bool(ctx, argc, argv, 1, "covet_apply", "dry_run", false, &dry_run))
		return;
	covet_sqlite_call_init(&call, sqlite3_user_data(ctx));
	rc = covet_runner_apply(&call.driver, covet_sqlite_arg_text(argc, argv, 0), dry_run, &report, &err);
	covet_sqlite_finish(ctx, &call, rc, report, &err);
}

/* --- repair, baseline, fake, forget (src/core/repair.c) --------------------- */

/* The functions of one migration name: the name is required. */
typedef enum RepairFn
{
	REPAIR_BASELINE,
	REPAIR_MARK_APPLIED,
	REPAIR_MARK_ROLLED_BACK,
	REPAIR_REPAIR,
	REPAIR_FORGET
} RepairFn;

static void
repair_call(sqlite3_context *ctx, int argc, sqlite3_value **argv, RepairFn fn)
{
	SqliteCall	call;
	CovetError	err;
	char	   *report = NULL;
	const char *name;
	CovetStatus rc;

	if (!covet_sqlite_no_nul(ctx, argc, argv, "name"))
		return;
	name = covet_sqlite_arg_text(argc, argv, 0);
	if (name == NULL && fn != REPAIR_REPAIR)
	{
		covet_sqlite_error_text(ctx, COVET_ERR_NULL, "%s must not be null", "name");
		return;
	}
	covet_sqlite_call_init(&call, sqlite3_user_data(ctx));
	switch (fn)
	{
		case REPAIR_BASELINE:
			rc = covet_repair_baseline(&call.driver, name, &report, &err);
			break;
		case REPAIR_MARK_APPLIED:
		case REPAIR_MARK_ROLLED_BACK:
			rc = covet_repair_mark(&call.driver, name, fn == REPAIR_MARK_APPLIED,
								   &report, &err);
			break;
		case REPAIR_REPAIR:
			rc = covet_repair_repair(&call.driver, name, &report, &err);
			break;
		default:
			rc = covet_repair_forget(&call.driver, name, &report, &err);
			break;
	}
	covet_sqlite_finish(ctx, &call, rc, report, &err);
}

static void
fn_baseline(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	repair_call(ctx, argc, argv, REPAIR_BASELINE);
}

static void
fn_mark_applied(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	repair_call(ctx, argc, argv, REPAIR_MARK_APPLIED);
}

static void
fn_mark_rolled_back(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	repair_call(ctx, argc, argv, REPAIR_MARK_ROLLED_BACK);
}

static void
fn_repair(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	repair_call(ctx, argc, argv, REPAIR_REPAIR);
}

static void
fn_forget(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	repair_call(ctx, argc, argv, REPAIR_FORGET);
}

/* --- batched operations ------------------------------------------------------ */

/* Run one batched operation or a resume/undo; the result is the run id. */
typedef CovetStatus (*BatchFn) (CovetDriver *d, const void *arg, int64_t *run_id,
								CovetError *err);

static void
batch_call(sqlite3_context *ctx, BatchFn fn, const void *arg)
{
	SqliteCall	call;
	CovetError	err;
	CovetError	end_err;
	int64_t		run_id = 0;
	CovetStatus rc;

	covet_sqlite_call_init(&call, sqlite3_user_data(ctx));
	rc = covet_sqlite_batch_begin(&call, &err);
	if (rc == COVET_OK)
		rc = fn(&call.driver, arg, &run_id, &err);
	if (covet_sqlite_batch_end(&call, rc == COVET_OK, &end_err) != COVET_OK && rc == COVET_OK)
	{
		err = end_err;
		rc = end_err.code;
	}
	if (rc == COVET_OK)
		sqlite3_result_int64(ctx, run_id);
	else
		covet_sqlite_result_error(ctx, &err);
	covet_sqlite_call_done(&call);
}

typedef struct ResumeArgs
{
	int64_t		run_id;
	int			progress_ms;
} ResumeArgs;

static CovetStatus
resume_op(CovetDriver *d, const void *arg, int64_t *run_id, CovetError *err)
{
	*run_id = ((const ResumeArgs *) arg)->run_id;
	return covet_batch_resume(d, *run_id, ((const ResumeArgs *) arg)->progress_ms, err);
}

static CovetStatus
undo_op(CovetDriver *d, const void *arg, int64_t *run_id, CovetError *err)
{
	*run_id = *(const int64_t *) arg;
	return covet_batch_undo(d, *run_id, err);
}

/*
 * The text covet_int_parse reads for an integer argument: a whole REAL is
 * its digits (10000.0 is 10000, 1e30 is out of range), anything else the
 * value's own text (2.5 and 'ten' are invalid input syntax).  buf holds
 * COVET_SQLITE_INT_TEXT bytes.  NULL when SQLite runs out of memory.
 */
const char *
covet_sqlite_int_text(sqlite3_value *v, char *buf)
{
	if (sqlite3_value_type(v) == SQLITE_FLOAT)
	{
		double		d = sqlite3_value_double(v);

		/* whole: every double from 2^52 on is */
		if (isfinite(d) && (fabs(d) >= 4503599627370496.0 || d == (double) (int64_t) d))
		{
			snprintf(buf, COVET_SQLITE_INT_TEXT, "%.0f", d);
			return buf;
		}
	}
	return (const char *) sqlite3_value_text(v);
}

/*
 * A value (not NULL) as an integer (bigint false) or a bigint, judged as
 * PostgreSQL judges the same value given for that type; false with the
 * error set.
 */
bool
covet_sqlite_value_int(sqlite3_context *ctx, sqlite3_value *v, bool bigint, int64_t *out)
{
	char		buf[COVET_SQLITE_INT_TEXT];
	const char *text;
	CovetError	err;

	if (sqlite3_value_type(v) == SQLITE_INTEGER)
	{
		*out = sqlite3_value_int64(v);
		if (bigint || (*out >= INT32_MIN && *out <= INT32_MAX))
			return true;
	}
	if ((text = covet_sqlite_int_text(v, buf)) == NULL)
	{
		sqlite3_result_error_nomem(ctx);
		return false;
	}
	if (covet_int_parse(text, bigint, out, &err) != COVET_OK)
	{
		covet_sqlite_result_error(ctx, &err);
		return false;
	}
	return true;
}

/* An optional bigint argument; false with the error set on NULL or a bad value. */
bool
covet_sqlite_arg_int(sqlite3_context *ctx, int argc, sqlite3_value **argv, int i,
		const char *name, int64_t *out)
{
	if (i >= argc)
		return true;
	if (sqlite3_value_type(argv[i]) == SQLITE_NULL)
	{
		covet_sqlite_error_text(ctx, COVET_ERR_NULL, "%s must not be null", name);
		return false;
	}
	return covet_sqlite_value_int(ctx, argv[i], true, out);
}

typedef struct OpCall
{
	const char *name;
	const char *args[COVET_OP_MAXARGS];
	int			nargs;
	int			progress_ms;
} OpCall;

static CovetStatus
named_op(CovetDriver *d, const void *arg, int64_t *run_id, CovetError *err)
{
	const OpCall *c = arg;
	CovetOp		op;
	CovetStatus rc;

	rc = covet_op_prepare(d, c->name, c->args, c->nargs, &op, err);
	if (rc == COVET_OK)
	{
		char		function[64];

		snprintf(function, sizeof(function), "covet_%s", c->name);
		rc = covet_op_check_workers(COVET_ENGINE_SQLITE, function, false, op.workers, err);
	}
	if (rc == COVET_OK)
	{
		op.progress_ms = c->progress_ms;
		rc = covet_batch_start(d, &op, run_id, err);
	}
	covet_op_free(&d->mem, &op);
	return rc;
}

/*
 * Every named operation (covet_op_defs): arguments as text, booleans as
 * "true"/"false", then the core checks and builds them.
 */
static void
fn_named_op(sqlite3_context *ctx, int argc, sqlite3_value **argv, const CovetOpDef *def)
{
	CovetConn  *conn = sqlite3_user_data(ctx);
	OpCall		c;
	char		intbuf[COVET_OP_MAXARGS][COVET_SQLITE_INT_TEXT];
	char		function[64];
	int			i;

	for (i = 0; i < argc && i < def->nargs; i++)
		if (value_has_nul(argv[i]))
		{
			covet_sqlite_error_text(ctx, COVET_ERR_INVALID, "%s must not contain a NUL character",
									def->args[i].name);
			return;
		}
	snprintf(function, sizeof(function), "covet_%s", def->name);
	memset(&c, 0, sizeof(c));
	c.name = def->name;
	c.nargs = argc;
	c.progress_ms = conn->progress_ms;
	for (i = 0; i < argc && i < COVET_OP_MAXARGS; i++)
	{
		if (sqlite3_value_type(argv[i]) == SQLITE_NULL)
			c.args[i] = NULL;
		else if (i < def->nargs && def->args[i].type == COVET_ARG_BOOL)
		{
			bool		b;

			if (!covet_sqlite_value_bool(ctx, argv[i], function, def->args[i].name, &b))
				return;
			c.args[i] = b ? "true" : "false";
		}
		else if (def->args[i].type == COVET_ARG_INT)
			c.args[i] = covet_sqlite_int_text(argv[i], intbuf[i]);
		else
			c.args[i] = (const char *) sqlite3_value_text(argv[i]);
	}
	batch_call(ctx, named_op, &c);
}

#define NAMED_OP(i) \
static void fn_op_##i(sqlite3_context *ctx, int argc, sqlite3_value **argv) \
{ fn_named_op(ctx, argc, argv, &covet_op_defs[i]); }
NAMED_OP(0) NAMED_OP(1) NAMED_OP(2) NAMED_OP(3) NAMED_OP(4)
NAMED_OP(5) NAMED_OP(6) NAMED_OP(7) NAMED_OP(8)

static void (*const op_fns[]) (sqlite3_context *, int, sqlite3_value **) = {
	fn_op_0, fn_op_1, fn_op_2, fn_op_3, fn_op_4, fn_op_5, fn_op_6, fn_op_7, fn_op_8
};

/* --- pure helpers used by generated SQL ------------------------------------- */

/* covet_split_part(text, delimiter, n, rest) */
static void
fn_split_part(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *s = covet_sqlite_arg_text(argc, argv, 0);
	const char *delim = covet_sqlite_arg_text(argc, argv, 1);
	const char *part;
	size_t		len;
	int64_t		n;
	bool		rest;

	if (!covet_sqlite_no_nul(ctx, argc, argv, "string delimiter n rest"))
		return;
	if (s == NULL || delim == NULL || sqlite3_value_type(argv[2]) == SQLITE_NULL ||
		sqlite3_value_type(argv[3]) == SQLITE_NULL)
	{
		sqlite3_result_null(ctx);
		return;
	}
	if (!covet_sqlite_value_int(ctx, argv[2], false, &n) ||
		!covet_sqlite_value_bool(ctx, argv[3], "covet_split_part", "rest", &rest))
		return;
	if (covet_split_part(s, delim, (int) n, rest, &part, &len))
		sqlite3_result_text(ctx, part, (int) len, SQLITE_TRANSIENT);
	else
		sqlite3_result_null(ctx);
}

/* covet_concat_ws(separator, ...): NULL parts skipped, as PostgreSQL's concat_ws */
static void
fn_concat_ws(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *sep = covet_sqlite_arg_text(argc, argv, 0);
	sqlite3_str *str;
	bool		first = true;
	int			i;

	if (!covet_sqlite_no_nul(ctx, argc, argv, "separator value"))
		return;

	if (sep == NULL)
	{
		sqlite3_result_null(ctx);
		return;
	}
	str = sqlite3_str_new(sqlite3_context_db_handle(ctx));
	for (i = 1; i < argc; i++)
	{
		const char *v = covet_sqlite_arg_text(argc, argv, i);

		if (v == NULL)
			continue;
		if (!first)
			sqlite3_str_appendall(str, sep);
		sqlite3_str_appendall(str, v);
		first = false;
	}
	if (sqlite3_str_errcode(str) != SQLITE_OK)
	{
		sqlite3_free(sqlite3_str_finish(str));
		sqlite3_result_error_nomem(ctx);
		return;
	}
	{
		int			n = sqlite3_str_length(str);
		char	   *out = sqlite3_str_finish(str);

		sqlite3_result_text(ctx, out ? out : "", out ? n : 0, out ? sqlite3_free : SQLITE_STATIC);
	}
}

/* covet_try_cast(text, type): the text when it is a complete value of type, else NULL */
static void
fn_try_cast(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *text = covet_sqlite_arg_text(argc, argv, 0);
	const char *type = covet_sqlite_arg_text(argc, argv, 1);
	CovetError	err;
	bool		ok;

	if (!covet_sqlite_no_nul(ctx, argc, argv, "value type"))
		return;

	if (text == NULL || type == NULL)
	{
		sqlite3_result_null(ctx);
		return;
	}
	if (covet_text_converts(text, type, &ok, &err) != COVET_OK)
	{
		covet_sqlite_result_error(ctx, &err);
		return;
	}
	if (ok)
		sqlite3_result_value(ctx, argv[0]);
	else
		sqlite3_result_null(ctx);
}

static void
fn_resume(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	CovetConn  *conn = sqlite3_user_data(ctx);
	ResumeArgs	a = {0, conn->progress_ms};

	if (!covet_sqlite_no_nul(ctx, argc, argv, "run_id"))
		return;

	if (argc < 1 || sqlite3_value_type(argv[0]) == SQLITE_NULL)
	{
		covet_sqlite_error_text(ctx, COVET_ERR_NULL, "%s must not be null", "run_id");
		return;
	}
	if (!covet_sqlite_arg_int(ctx, argc, argv, 0, "run_id", &a.run_id))
		return;
	batch_call(ctx, resume_op, &a);
}

static void
fn_undo(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	int64_t		run_id = 0;

	if (!covet_sqlite_no_nul(ctx, argc, argv, "run_id"))
		return;

	if (argc < 1 || sqlite3_value_type(argv[0]) == SQLITE_NULL)
	{
		covet_sqlite_error_text(ctx, COVET_ERR_NULL, "%s must not be null", "run_id");
		return;
	}
	if (!covet_sqlite_arg_int(ctx, argc, argv, 0, "run_id", &run_id))
		return;
	batch_call(ctx, undo_op, &run_id);
}

/* covet_pause(run_id), covet_cancel(run_id): the run stops after its batch. */
static void
set_run_state(sqlite3_context *ctx, int argc, sqlite3_value **argv, CovetRunState state)
{
	SqliteCall	call;
	CovetError	err;
	int64_t		run_id = 0;
	CovetStatus rc;

	if (!covet_sqlite_no_nul(ctx, argc, argv, "run_id"))
		return;

	if (argc < 1 || sqlite3_value_type(argv[0]) == SQLITE_NULL)
	{
		covet_sqlite_error_text(ctx, COVET_ERR_NULL, "%s must not be null", "run_id");
		return;
	}
	if (!covet_sqlite_arg_int(ctx, argc, argv, 0, "run_id", &run_id))
		return;
	covet_sqlite_call_init(&call, sqlite3_user_data(ctx));
	rc = covet_sqlite_ensure_schema(&call, &err);
	if (rc == COVET_OK)
		rc = covet_batch_set_state(&call.driver, run_id, state, &err);
	if (rc == COVET_OK)
		sqlite3_result_int64(ctx, run_id);
	else
		covet_sqlite_result_error(ctx, &err);
	covet_sqlite_call_done(&call);
}

static void
fn_pause(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	set_run_state(ctx, argc, argv, COVET_RUN_PAUSED);
}

static void
fn_cancel(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	set_run_state(ctx, argc, argv, COVET_RUN_CANCELLED);
}

/* covet_set(name, value): per-connection settings, like PostgreSQL's SET. */
static void
fn_set(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	CovetConn  *conn = sqlite3_user_data(ctx);
	const char *name = covet_sqlite_arg_text(argc, argv, 0);
	const char *value = covet_sqlite_arg_text(argc, argv, 1);
	CovetError	err;
	char		text[16];
	int			v;

	if (!covet_sqlite_no_nul(ctx, argc, argv, "name value"))
		return;

	if (!arg_required(ctx, name, "name") || !arg_required(ctx, value, "value"))
		return;
	if (strcmp(name, "progress_log") == 0)
	{
		char	   *copy = value[0] ? sqlite3_mprintf("%s", value) : NULL;

		if (value[0] && copy == NULL)
		{
			sqlite3_result_error_nomem(ctx);
			return;
		}
		sqlite3_free(conn->progress_log);
		conn->progress_log = copy;
		sqlite3_result_text(ctx, value, -1, SQLITE_TRANSIENT);
		return;
	}
	if (strcmp(name, "lock_timeout") != 0 && strcmp(name, "progress_interval") != 0)
	{
		covet_error_set(&err, COVET_ERR_INVALID, "unknown covet setting \"%s\"", name);
		covet_error_hint(&err, COVET_SETTINGS_HINT);
		covet_sqlite_result_error(ctx, &err);
		return;
	}
	if (value[0] == '\0')
	{
		covet_sqlite_error_text(ctx, COVET_ERR_INVALID, "%s must not be empty", "value");
		return;
	}
	/* PostgreSQL's GUCs covet.lock_timeout and covet.progress_interval */
	if (covet_setting_ms_parse(name, value, 0, INT_MAX, &v, &err) != COVET_OK)
	{
		covet_sqlite_result_error(ctx, &err);
		return;
	}
	if (strcmp(name, "lock_timeout") == 0)
		conn->lock_timeout_ms = v;
	else
		conn->progress_ms = v == 0 ? -1 : v;	/* 0: every batch */
	snprintf(text, sizeof(text), "%d", v);
	sqlite3_result_text(ctx, text, -1, SQLITE_TRANSIENT);
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
	{"covet_define", 2, 6, RUNS_SQL, fn_define},
	{"covet_load", 1, 1, RUNS_SQL, fn_load},
	{"covet_migrate_up", 0, 2, RUNS_SQL, fn_migrate_up},
	{"covet_migrate_down", 0, 2, RUNS_SQL, fn_migrate_down},
	{"covet_apply", 1, 2, RUNS_SQL, fn_apply},
	{"covet_migrate_up_commit", 0, 2, RUNS_SQL, covet_sqlite_fn_migrate_up_commit},
	{"covet_migrate_down_commit", 0, 2, RUNS_SQL, covet_sqlite_fn_migrate_down_commit},
	{"covet_baseline", 1, 1, RUNS_SQL, fn_baseline},
	{"covet_mark_applied", 1, 1, RUNS_SQL, fn_mark_applied},
	{"covet_mark_rolled_back", 1, 1, RUNS_SQL, fn_mark_rolled_back},
	{"covet_repair", 0, 1, RUNS_SQL, fn_repair},
	{"covet_forget", 1, 1, RUNS_SQL, fn_forget},
	{"covet_set", 2, 2, RUNS_SQL, fn_set},
	{"covet_resume", 1, 1, RUNS_SQL, fn_resume},
	{"covet_undo", 1, 1, RUNS_SQL, fn_undo},
	{"covet_pause", 1, 1, RUNS_SQL, fn_pause},
	{"covet_cancel", 1, 1, RUNS_SQL, fn_cancel},
	{"covet_split_part", 4, 4, PURE, fn_split_part},
	{"covet_concat_ws", 1, 100, PURE, fn_concat_ws},
	{"covet_try_cast", 2, 2, PURE, fn_try_cast},
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
	if ((rc = covet_series_vtab_register(db)) != SQLITE_OK)
	{
		*pzErrMsg = sqlite3_mprintf("covet: could not register covet_series: %s",
									sqlite3_errstr(rc));
		return rc;
	}
	for (i = 0; covet_op_defs[i].name != NULL; i++)
	{
		const CovetOpDef *def = &covet_op_defs[i];
		char		name[64];
		int			n,
					required = 0;

		if (i >= sizeof(op_fns) / sizeof(op_fns[0]))
		{
			*pzErrMsg = sqlite3_mprintf("covet: more operations than wrappers");
			return SQLITE_INTERNAL;
		}
		while (required < def->nargs && def->args[required].default_sql == NULL)
			required++;
		snprintf(name, sizeof(name), "covet_%s", def->name);
		for (n = required; n <= def->nargs; n++)
		{
			rc = sqlite3_create_function_v2(db, name, n, RUNS_SQL, conn, op_fns[i],
											NULL, NULL, NULL);
			if (rc != SQLITE_OK)
			{
				*pzErrMsg = sqlite3_mprintf("covet: could not register %s: %s", name,
											sqlite3_errmsg(db));
				return rc;
			}
		}
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
	if ((rc = covet_fixtures_register(db, conn, pzErrMsg)) != SQLITE_OK ||
		(rc = covet_seed_register(db, conn, pzErrMsg)) != SQLITE_OK ||
		(rc = covet_formats_register(db, conn, pzErrMsg)) != SQLITE_OK ||
		(rc = covet_schemagen_register(db, conn, pzErrMsg)) != SQLITE_OK ||
		(rc = covet_diff_register(db, conn, pzErrMsg)) != SQLITE_OK ||
		(rc = covet_pg_only_register(db, pzErrMsg)) != SQLITE_OK)
		return rc;
	return SQLITE_OK;
}
