/*-------------------------------------------------------------------------
 *
 * fixtures.c
 *		SQLite functions of covet's fixtures: dumpdata and loaddata, and
 *		the pure helpers the core's generated SQL calls.
 *
 *     sqlite> SELECT covet_dumpdata('users, orders');            -- JSON
 *     sqlite> SELECT covet_dumpdata('users', 'csv');
 *     sqlite> SELECT covet_loaddata(readfile('f.json'), 'json', 'update');
 *     sqlite> SELECT covet_loaddata_file('users.csv', 'csv', 'error', 'users');
 *     sqlite> SELECT covet_dumpdata_file('all.yaml', NULL, 'yaml');
 *     sqlite> SELECT covet_loaddata(readfile('auth.json'), 'json', 'error', NULL,
 *                                   '{"auth.user": "users"}', true);
 *     sqlite> SELECT covet_dumpdata('blog_post', 'json', NULL, 'django');
 *
 * Arguments after the 0.1.0 ones, positional in PostgreSQL's order:
 * loaddata's model_map and ignore_unknown, dumpdata's model_map and style.
 * What ignore_unknown skipped goes to SQLite's error log as SQLITE_NOTICE
 * (the shell shows it after ".log stderr"), the text PostgreSQL's NOTICE
 * has.
 *
 * The core does the work (src/core/fixture_*.c); these wrappers unpack
 * arguments and own the transaction: in autocommit mode a load is its own
 * BEGIN IMMEDIATE ... COMMIT, inside the host's transaction it is one
 * savepoint; a dump reads in one transaction so the tables agree.  Paths
 * are relative to the process's working directory.
 *
 * covet_float_text(real) and covet_float_parse(text) carry doubles exactly
 * (shortest text that reads back to the same value; SQLite's own text has
 * 15 digits); covet_base64_encode(blob) / covet_base64_decode(text) carry
 * blobs.
 *
 *-------------------------------------------------------------------------
 */
#include "covet_sqlite.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* format and on_conflict arguments; false with the error set */
static bool
fx_args(sqlite3_context *ctx, const char *format, const char *on_conflict,
		CovetFixtureFormat *fmt, CovetOnConflict *oc)
{
	CovetError	err;

	if (covet_fixture_format(format, fmt, &err) != COVET_OK ||
		(oc != NULL && covet_fixture_on_conflict(on_conflict, oc, &err) != COVET_OK))
	{
		covet_sqlite_result_error(ctx, &err);
		return false;
	}
	return true;
}

static CovetStatus
fx_write_file(void *ctx, const char *path, const char *data, size_t len, CovetError *err)
{
	FILE	   *f;

	(void) ctx;
	if ((f = fopen(path, "wb")) == NULL)
		return covet_error_set(err, COVET_ERR_IO, "could not open \"%s\" for writing: %s",
							   path, strerror(errno));
	if (fwrite(data, 1, len, f) != len)
	{
		int			e = errno;

		fclose(f);
		return covet_error_set(err, COVET_ERR_IO, "could not write \"%s\": %s", path, strerror(e));
	}
	if (fclose(f) != 0)
		return covet_error_set(err, COVET_ERR_IO, "could not write \"%s\": %s", path, strerror(errno));
	return COVET_OK;
}

/*
 * Fixture files in pieces (the core's read_chunk, append_file and
 * finish_file), so that memory stays flat whatever the file's size.  A dump
 * goes to "<path>.covet-tmp", renamed over path when it is complete.
 */
static CovetStatus
fx_read_chunk(void *ctx, const char *path, int64_t offset, char *buf, size_t size,
			  size_t *got, CovetError *err)
{
	FILE	   *f;

	(void) ctx;
	*got = 0;
	if ((f = fopen(path, "rb")) == NULL)
		return covet_error_set(err, COVET_ERR_IO, "could not open \"%s\": %s", path, strerror(errno));
	if (offset > 0 && fseeko(f, (off_t) offset, SEEK_SET) != 0)
	{
		int			e = errno;

		fclose(f);
		return covet_error_set(err, COVET_ERR_IO, "could not read \"%s\": %s", path, strerror(e));
	}
	*got = fread(buf, 1, size, f);
	if (ferror(f))
	{
		int			e = errno;

		fclose(f);
		return covet_error_set(err, COVET_ERR_IO, "could not read \"%s\": %s", path, strerror(e));
	}
	fclose(f);
	return COVET_OK;
}

static char *
fx_tmp_path(const char *path)
{
	return sqlite3_mprintf("%s.covet-tmp", path);
}

static CovetStatus
fx_append_file(void *ctx, const char *path, const char *data, size_t len, bool first,
			   CovetError *err)
{
	char	   *tmp = fx_tmp_path(path);
	FILE	   *f;
	CovetStatus rc = COVET_OK;

	(void) ctx;
	if (tmp == NULL)
		return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
	if ((f = fopen(tmp, first ? "wb" : "ab")) == NULL)
		rc = covet_error_set(err, COVET_ERR_IO, "could not open \"%s\" for writing: %s",
							 path, strerror(errno));
	else
	{
		if (len > 0 && fwrite(data, 1, len, f) != len)
			rc = covet_error_set(err, COVET_ERR_IO, "could not write \"%s\": %s", path, strerror(errno));
		if (fclose(f) != 0 && rc == COVET_OK)
			rc = covet_error_set(err, COVET_ERR_IO, "could not write \"%s\": %s", path, strerror(errno));
	}
	sqlite3_free(tmp);
	return rc;
}

static CovetStatus
fx_finish_file(void *ctx, const char *path, bool keep, CovetError *err)
{
	char	   *tmp = fx_tmp_path(path);
	CovetStatus rc = COVET_OK;

	(void) ctx;
	if (tmp == NULL)
		return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
	if (keep && rename(tmp, path) != 0)
		rc = covet_error_set(err, COVET_ERR_IO, "could not write \"%s\": %s", path, strerror(errno));
	if (!keep || rc != COVET_OK)
		(void) remove(tmp);
	sqlite3_free(tmp);
	return rc;
}

typedef struct DumpArgs
{
	const char *path;			/* NULL: return the text */
	const char *tables;
	CovetFixtureFormat format;
	CovetFixtureOptions opts;
} DumpArgs;

/* Notices of a fixture call: SQLite's error log, as SQLITE_NOTICE. */
static void
fx_notice(void *ctx, const char *msg)
{
	(void) ctx;
	sqlite3_log(SQLITE_NOTICE, "%s", msg);
}

/* dumpdata's model_map and style at i, i + 1 */
static bool
dump_opts(sqlite3_context *ctx, int argc, sqlite3_value **argv, int i, CovetFixtureOptions *o)
{
	CovetError	err;

	o->model_map = covet_sqlite_arg_text(argc, argv, i);
	if (covet_fixture_style(covet_sqlite_arg_text(argc, argv, i + 1), &o->style, &err) != COVET_OK)
	{
		covet_sqlite_result_error(ctx, &err);
		return false;
	}
	return true;
}

static void
dump_call(sqlite3_context *ctx, const DumpArgs *a)
{
	SqliteCall	call;
	CovetError	err;
	char	   *text = NULL;
	size_t		len = 0;
	int64_t		records = 0;
	bool		own;
	CovetStatus rc;

	covet_sqlite_call_init(&call, sqlite3_user_data(ctx));
	call.driver.write_file = fx_write_file;
	call.driver.append_file = fx_append_file;
	call.driver.finish_file = fx_finish_file;
	if (a->path == NULL)
	{
		/* the dump's text is handed to SQLite without a copy */
		call.driver.mem = covet_sqlite_malloc_mem;
	}
	own = sqlite3_get_autocommit(call.db) != 0;
	rc = own ? covet_sqlite_exec(&call, "BEGIN", &err) : COVET_OK;
	if (rc == COVET_OK)
	{
		if (a->path == NULL)
			rc = covet_fixture_dump_ex(&call.driver, a->tables, a->format, &a->opts, &text, &len,
									   &records, &err);
		else
			rc = covet_fixture_dump_file_ex(&call.driver, a->path, a->tables, a->format, &a->opts,
											&records, &err);
		if (own)
			covet_sqlite_exec(&call, rc == COVET_OK ? "COMMIT" : "ROLLBACK", &(CovetError) {0});
	}
	if (rc != COVET_OK)
		covet_sqlite_result_error(ctx, &err);
	else if (a->path == NULL)
	{
		sqlite3_result_text64(ctx, text, (sqlite3_uint64) len, sqlite3_free, SQLITE_UTF8);
		text = NULL;
	}
	else
		sqlite3_result_int64(ctx, records);
	sqlite3_free(text);
	covet_sqlite_call_done(&call);
}

/* covet_dumpdata(tables DEFAULT NULL, format DEFAULT 'json', model_map DEFAULT NULL, style DEFAULT 'covet') */
static void
fn_dumpdata(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	DumpArgs	a = {NULL, covet_sqlite_arg_text(argc, argv, 0), COVET_FORMAT_JSON, {NULL, false, COVET_STYLE_COVET}};

	if (!covet_sqlite_no_nul(ctx, argc, argv, "tables format model_map style"))
		return;

	if (!fx_args(ctx, covet_sqlite_arg_text(argc, argv, 1), NULL, &a.format, NULL) ||
		!dump_opts(ctx, argc, argv, 2, &a.opts))
		return;
	dump_call(ctx, &a);
}

/* covet_dumpdata_file(path, tables DEFAULT NULL, format DEFAULT 'json', model_map DEFAULT NULL, style DEFAULT 'covet') */
static void
fn_dumpdata_file(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	DumpArgs	a = {covet_sqlite_arg_text(argc, argv, 0), covet_sqlite_arg_text(argc, argv, 1), COVET_FORMAT_JSON,
		{NULL, false, COVET_STYLE_COVET}};

	if (!covet_sqlite_no_nul(ctx, argc, argv, "path tables format model_map style"))
		return;

	if (a.path == NULL)
	{
		sqlite3_result_error(ctx, "path must not be null", -1);
		return;
	}
	if (!fx_args(ctx, covet_sqlite_arg_text(argc, argv, 2), NULL, &a.format, NULL) ||
		!dump_opts(ctx, argc, argv, 3, &a.opts))
		return;
	dump_call(ctx, &a);
}

typedef struct LoadArgs
{
	const char *path;			/* NULL: data */
	const char *data;
	size_t		len;
	CovetFixtureFormat format;
	CovetOnConflict on_conflict;
	const char *table;
	CovetFixtureOptions opts;
} LoadArgs;

/* loaddata's model_map and ignore_unknown at 4, 5 */
static bool
load_opts(sqlite3_context *ctx, int argc, sqlite3_value **argv, const char *function,
		  CovetFixtureOptions *o)
{
	o->model_map = covet_sqlite_arg_text(argc, argv, 4);
	return covet_sqlite_arg_bool(ctx, argc, argv, 5, function, "ignore_unknown", false,
								 &o->ignore_unknown);
}

static void
load_call(sqlite3_context *ctx, const LoadArgs *a)
{
	SqliteCall	call;
	CovetError	err;
	int64_t		records = 0;
	bool		own;
	CovetStatus rc = COVET_OK;

	covet_sqlite_call_init(&call, sqlite3_user_data(ctx));
	call.driver.read_chunk = fx_read_chunk;
	call.driver.notice = fx_notice;
	rc = covet_sqlite_check_no_writer(&call, "covet_loaddata", &err);
	own = sqlite3_get_autocommit(call.db) != 0;
	if (rc == COVET_OK && own)
		rc = covet_sqlite_exec(&call, "BEGIN IMMEDIATE", &err);
	if (rc == COVET_OK)
	{
		if (a->path == NULL)
			rc = covet_fixture_load_ex(&call.driver, a->data, a->len, a->format, a->on_conflict,
									   a->table, &a->opts, &records, &err);
		else
			rc = covet_fixture_load_file_ex(&call.driver, a->path, a->format, a->on_conflict,
											a->table, &a->opts, &records, &err);
		if (own && rc == COVET_OK)
			rc = covet_sqlite_exec(&call, "COMMIT", &err);
		if (own && !sqlite3_get_autocommit(call.db))
			covet_sqlite_exec(&call, "ROLLBACK", &(CovetError) {0});
	}
	if (rc == COVET_OK)
		sqlite3_result_int64(ctx, records);
	else
		covet_sqlite_result_error(ctx, &err);
	covet_sqlite_call_done(&call);
}

/* covet_loaddata(data, format DEFAULT 'json', on_conflict DEFAULT 'error', table_name DEFAULT NULL,
 *				  model_map DEFAULT NULL, ignore_unknown DEFAULT false) */
static void
fn_loaddata(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	LoadArgs	a;

	if (!covet_sqlite_no_nul(ctx, argc, argv, "data format on_conflict table_name model_map ignore_unknown"))
		return;

	memset(&a, 0, sizeof(a));
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
	{
		sqlite3_result_error(ctx, "data must not be null", -1);
		return;
	}
	a.data = (const char *) sqlite3_value_text(argv[0]);
	a.len = (size_t) sqlite3_value_bytes(argv[0]);
	if (a.data == NULL)
	{
		sqlite3_result_error_nomem(ctx);
		return;
	}
	a.table = covet_sqlite_arg_text(argc, argv, 3);
	if (!fx_args(ctx, covet_sqlite_arg_text(argc, argv, 1), covet_sqlite_arg_text(argc, argv, 2), &a.format, &a.on_conflict) ||
		!load_opts(ctx, argc, argv, "covet_loaddata", &a.opts))
		return;
	load_call(ctx, &a);
}

/* covet_loaddata_file(path, format DEFAULT 'json', on_conflict DEFAULT 'error', table_name DEFAULT NULL,
 *					   model_map DEFAULT NULL, ignore_unknown DEFAULT false) */
static void
fn_loaddata_file(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	LoadArgs	a;

	if (!covet_sqlite_no_nul(ctx, argc, argv, "path format on_conflict table_name model_map ignore_unknown"))
		return;

	memset(&a, 0, sizeof(a));
	if ((a.path = covet_sqlite_arg_text(argc, argv, 0)) == NULL)
	{
		sqlite3_result_error(ctx, "path must not be null", -1);
		return;
	}
	a.table = covet_sqlite_arg_text(argc, argv, 3);
	if (!fx_args(ctx, covet_sqlite_arg_text(argc, argv, 1), covet_sqlite_arg_text(argc, argv, 2), &a.format, &a.on_conflict) ||
		!load_opts(ctx, argc, argv, "covet_loaddata_file", &a.opts))
		return;
	load_call(ctx, &a);
}

/* --- pure helpers of the generated SQL ----------------------------------- */

/* covet_float_text(x): a REAL as a JSON number that reads back exactly */
static void
fn_float_text(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	CovetMem	mem = covet_sqlite_malloc_mem;
	CovetBuf	b;
	CovetError	err;
	char	   *out;

	(void) argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
	{
		sqlite3_result_null(ctx);
		return;
	}
	covet_buf_init(&b, &mem);
	covet_json_double(&b, sqlite3_value_double(argv[0]));
	if (covet_buf_finish(&b, &out, &err) != COVET_OK)
	{
		sqlite3_result_error_nomem(ctx);
		return;
	}
	sqlite3_result_text(ctx, out, -1, sqlite3_free);
}

/* covet_float_parse(text): the double strtod reads (correctly rounded) */
static void
fn_float_parse(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *s;
	char	   *end;
	double		v;

	if (!covet_sqlite_no_nul(ctx, argc, argv, "text"))
		return;

	(void) argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
	{
		sqlite3_result_null(ctx);
		return;
	}
	if (sqlite3_value_type(argv[0]) != SQLITE_TEXT)
	{
		sqlite3_result_double(ctx, sqlite3_value_double(argv[0]));
		return;
	}
	s = (const char *) sqlite3_value_text(argv[0]);
	v = strtod(s, &end);
	if (end == s || *end != '\0')
	{
		sqlite3_result_value(ctx, argv[0]);
		return;
	}
	sqlite3_result_double(ctx, v);
}

static void
fn_base64_encode(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	CovetMem	mem = covet_sqlite_malloc_mem;
	CovetBuf	b;
	CovetError	err;
	char	   *out;
	const void *data;
	int			n;

	(void) argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
	{
		sqlite3_result_null(ctx);
		return;
	}
	data = sqlite3_value_blob(argv[0]);
	n = sqlite3_value_bytes(argv[0]);
	covet_buf_init(&b, &mem);
	covet_base64_encode(&b, data, (size_t) n);
	if (covet_buf_finish(&b, &out, &err) != COVET_OK)
	{
		sqlite3_result_error_nomem(ctx);
		return;
	}
	sqlite3_result_text(ctx, out, -1, sqlite3_free);
}

static void
fn_base64_decode(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *s;
	size_t		len,
				n;
	unsigned char *out;

	if (!covet_sqlite_no_nul(ctx, argc, argv, "text"))
		return;

	(void) argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
	{
		sqlite3_result_null(ctx);
		return;
	}
	s = (const char *) sqlite3_value_text(argv[0]);
	len = (size_t) sqlite3_value_bytes(argv[0]);
	if (s == NULL || (out = sqlite3_malloc64(COVET_BASE64_DECODED_MAX(len))) == NULL)
	{
		sqlite3_result_error_nomem(ctx);
		return;
	}
	if (!covet_base64_decode(s, len, out, &n))
	{
		sqlite3_free(out);
		sqlite3_result_error(ctx, "invalid base64 text", -1);
		return;
	}
	sqlite3_result_blob64(ctx, out, n, sqlite3_free);
}

/* text as a JSON string into b (covet_json_quote_to, through a piece of
 * stack for short values) */
static void
append_quoted(CovetBuf *b, const char *s, size_t len)
{
	char		stack[512];
	size_t		n = covet_json_quoted_len(s, len);
	char	   *q = n <= sizeof(stack) ? stack : sqlite3_malloc64(n);

	if (q == NULL)
	{
		b->failed = true;
		return;
	}
	covet_buf_appendn(b, q, covet_json_quote_to(q, s, len));
	if (q != stack)
		sqlite3_free(q);
}

/*
 * covet_json_record(flags, arg, ...): the JSON text of a dumped record in
 * one call, for the SQL of covet_dumpdata (fixture_dump.c).  flags has a
 * letter per argument: 'c' the argument's text as it is (the record's
 * constant pieces, and values the SQL already made JSON), 'v' a column's
 * value as JSON by its storage class, as the dialect's dump_expr writes it
 * (an integer's digits, covet_float_text, a quoted string, a quoted base64
 * blob, null).  One call instead of a CASE and a concatenation per column.
 */
static void
fn_json_record(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	CovetMem	mem = covet_sqlite_malloc_mem;
	CovetBuf	b;
	CovetError	err;
	const char *flags;
	char	   *out;
	size_t		len;
	int			i;

	flags = argc > 0 ? (const char *) sqlite3_value_text(argv[0]) : NULL;
	if (flags == NULL || strlen(flags) != (size_t) (argc - 1))
	{
		sqlite3_result_error(ctx, "covet_json_record: one flag per argument expected", -1);
		return;
	}
	covet_buf_init(&b, &mem);
	for (i = 1; i < argc; i++)
	{
		sqlite3_value *v = argv[i];
		int			type = sqlite3_value_type(v);

		if (type == SQLITE_NULL)
			covet_buf_appendn(&b, "null", 4);
		else if (flags[i - 1] == 'c')
		{
			const char *s = (const char *) sqlite3_value_text(v);

			covet_buf_appendn(&b, s ? s : "", (size_t) sqlite3_value_bytes(v));
		}
		else if (type == SQLITE_INTEGER)
		{
			char		digits[24];
			sqlite3_int64 x = sqlite3_value_int64(v);
			sqlite3_uint64 u = x < 0 ? (sqlite3_uint64) 0 - (sqlite3_uint64) x : (sqlite3_uint64) x;
			int			k = (int) sizeof(digits);

			do
			{
				digits[--k] = (char) ('0' + (int) (u % 10));
				u /= 10;
			} while (u > 0);
			if (x < 0)
				digits[--k] = '-';
			covet_buf_appendn(&b, digits + k, sizeof(digits) - (size_t) k);
		}
		else if (type == SQLITE_FLOAT)
			covet_json_double(&b, sqlite3_value_double(v));
		else if (type == SQLITE_TEXT)
		{
			const char *s = (const char *) sqlite3_value_text(v);

			append_quoted(&b, s ? s : "", (size_t) sqlite3_value_bytes(v));
		}
		else
		{
			covet_buf_appendc(&b, '"');
			covet_base64_encode(&b, sqlite3_value_blob(v), (size_t) sqlite3_value_bytes(v));
			covet_buf_appendc(&b, '"');
		}
	}
	len = b.len;
	if (covet_buf_finish(&b, &out, &err) != COVET_OK)
	{
		sqlite3_result_error_nomem(ctx);
		return;
	}
	sqlite3_result_text64(ctx, out, (sqlite3_uint64) len, sqlite3_free, SQLITE_UTF8);
}

/* --- registration ------------------------------------------------------------ */

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
	{"covet_dumpdata", 0, 4, RUNS_SQL, fn_dumpdata},
	{"covet_loaddata", 1, 6, RUNS_SQL, fn_loaddata},
	{"covet_dumpdata_file", 1, 5, RUNS_SQL, fn_dumpdata_file},
	{"covet_loaddata_file", 1, 6, RUNS_SQL, fn_loaddata_file},
	{"covet_float_text", 1, 1, PURE, fn_float_text},
	{"covet_float_parse", 1, 1, PURE, fn_float_parse},
	{"covet_base64_encode", 1, 1, PURE, fn_base64_encode},
	{"covet_base64_decode", 1, 1, PURE, fn_base64_decode},
	{"covet_json_record", 1, 100, PURE, fn_json_record},	/* as PostgreSQL's: 100 at most */
};

int
covet_fixtures_register(sqlite3 *db, CovetConn *conn, char **pzErrMsg)
{
	size_t		i;
	int			n,
				rc;

	for (i = 0; i < sizeof(functions) / sizeof(functions[0]); i++)
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
	return SQLITE_OK;
}
