/*-------------------------------------------------------------------------
 *
 * fixtures.c
 *		covet's fixtures in PostgreSQL: dumpdata and loaddata, as text or
 *		server-side files.
 *
 *		SELECT covet_dumpdata('users, orders');            -- JSON
 *		SELECT covet_dumpdata('users', 'csv');
 *		SELECT covet_loaddata(:'fixture', 'yaml', 'update');
 *		SELECT covet_dumpdata_file('/srv/shop.json');
 *		SELECT covet_loaddata_file('/srv/users.csv', 'csv', 'error', 'users');
 *		SELECT covet_loaddata(:'fixture', model_map => '{"auth.user": "users"}',
 *							  ignore_unknown => true);
 *		SELECT covet_dumpdata('blog_post, blog_tag', style => 'django');
 *
 * The core does the work (src/core/fixture_*.c); these wrappers unpack the
 * arguments, run it in a call (pg_driver.c) and map its status.  A load is
 * one subtransaction of the caller's transaction, so it is all or nothing
 * and a failure aborts the caller as any ERROR does.  The SQL functions
 * are declared with SET extra_float_digits, IntervalStyle and bytea_output
 * so that a dump is exact and reads back whatever the session's settings.
 *
 * Files are the server's: reading needs pg_read_server_files, writing
 * pg_write_server_files (or a superuser); the driver's write_file replaces
 * a file atomically.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <fcntl.h>
#include <unistd.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "storage/fd.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

#include "covet_pg.h"

typedef struct DumpArgs
{
	const char *path;			/* NULL: return the text */
	const char *tables;
	CovetFixtureFormat format;
	CovetFixtureOptions opts;
	char	   *text;
	size_t		len;
	int64_t		records;
} DumpArgs;

typedef struct LoadArgs
{
	const char *path;			/* NULL: data */
	const char *data;
	size_t		len;
	CovetFixtureFormat format;
	CovetOnConflict on_conflict;
	const char *table;
	CovetFixtureOptions opts;
	int64_t		records;
} LoadArgs;

static void raise_null(const char *name) pg_attribute_noreturn();

static void
raise_null(const char *name)
{
	CovetError	err;

	covet_error_set(&err, COVET_ERR_NULL, "%s must not be null", name);
	covet_pg_raise(&err);
}

static char *
arg_text(FunctionCallInfo fcinfo, int n)
{
	if (PG_NARGS() <= n || PG_ARGISNULL(n))
		return NULL;
	return text_to_cstring(PG_GETARG_TEXT_PP(n));
}

/* format and on_conflict (NULL: the defaults), or an ERROR */
static void
fx_args(const char *format, const char *on_conflict, CovetFixtureFormat *fmt,
		CovetOnConflict *oc)
{
	CovetError	err;

	if (covet_fixture_format(format, fmt, &err) != COVET_OK ||
		(oc != NULL && covet_fixture_on_conflict(on_conflict, oc, &err) != COVET_OK))
		covet_pg_raise(&err);
}

/* --- files in pieces -------------------------------------------------------- */

/*
 * read_chunk: up to size bytes at offset, opened and closed each time (no
 * handle outlives a call, whatever error ends it).  The bytes must be valid
 * in the database's encoding; a multibyte character cut by the chunk's end
 * is held back for the next chunk.
 */
static CovetStatus
pg_read_chunk(void *ctx, const char *path, int64_t offset, char *buf, size_t size,
			  size_t *got, CovetError *err)
{
	int			fd;
	size_t		n = 0;
	int			valid;

	(void) ctx;
	*got = 0;
	fd = OpenTransientFile(path, O_RDONLY | PG_BINARY);
	if (fd < 0)
		return covet_error_set(err, COVET_ERR_IO, "could not open \"%s\": %s", path, strerror(errno));
	while (n < size)
	{
		ssize_t		r = pg_pread(fd, buf + n, size - n, (off_t) offset + (off_t) n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
		{
			int			save = errno;

			CloseTransientFile(fd);
			return covet_error_set(err, COVET_ERR_IO, "could not read \"%s\": %s", path, strerror(save));
		}
		if (r == 0)
			break;
		n += (size_t) r;
	}
	CloseTransientFile(fd);
	valid = pg_encoding_verifymbstr(GetDatabaseEncoding(), buf, (int) n);
	if ((size_t) valid < n &&
		(n < size || n - (size_t) valid >= (size_t) pg_encoding_max_length(GetDatabaseEncoding()) ||
		 buf[valid] == '\0'))
	{
		covet_error_set(err, COVET_ERR_IO, "fixture file \"%s\" is not valid in the database encoding \"%s\"",
						path, GetDatabaseEncodingName());
		covet_error_detail(err, "The first invalid byte is at offset %lld.", (long long) (offset + valid));
		strlcpy(err->sqlstate, "22021", sizeof(err->sqlstate));
		return COVET_ERR_IO;
	}
	*got = (size_t) valid;
	return COVET_OK;
}

static char *
tmp_path(const char *path)
{
	return psprintf("%s.covet-tmp.%d", path, MyProcPid);
}

/* append_file: to path's temporary twin, the privilege checked first */
static CovetStatus
pg_append_file(void *ctx, const char *path, const char *data, size_t len, bool first,
			   CovetError *err)
{
	char	   *tmp;
	FILE	   *f;
	CovetStatus rc = COVET_OK;

	(void) ctx;
	if (first)
	{
		if (covet_pg_check_file_privilege(true, "fixture files",
										  "Grant pg_write_server_files to the role, or call covet_dumpdata() and save its result on the client.",
										  err) != COVET_OK)
			return err->code;
		if (path[0] == '\0')
			return covet_error_set(err, COVET_ERR_INVALID, "path must not be empty");
	}
	tmp = tmp_path(path);
	f = AllocateFile(tmp, first ? PG_BINARY_W : PG_BINARY_A);
	if (f == NULL)
		rc = covet_error_set(err, COVET_ERR_IO, "could not open \"%s\" for writing: %s",
							 path, strerror(errno));
	else
	{
		off_t		end;

		errno = 0;
		if (len > 0 && fwrite(data, 1, len, f) != len)
			rc = covet_error_set(err, COVET_ERR_IO, "could not write \"%s\": %s", path,
								 strerror(errno ? errno : ENOSPC));

		/*
		 * Start writing the piece back now (sync_file_range, where there is
		 * one), so that finish_file's fsync does not wait for the whole file
		 * at the end.
		 */
		if (rc == COVET_OK && len > 0 && fflush(f) == 0 && (end = ftello(f)) >= (off_t) len)
			pg_flush_data(fileno(f), end - (off_t) len, (off_t) len);
		if (FreeFile(f) != 0 && rc == COVET_OK)
			rc = covet_error_set(err, COVET_ERR_IO, "could not write \"%s\": %s", path, strerror(errno));
	}
	pfree(tmp);
	return rc;
}

/* finish_file: fsync the twin and rename it over path, or remove it */
static CovetStatus
pg_finish_file(void *ctx, const char *path, bool keep, CovetError *err)
{
	char	   *tmp = tmp_path(path);
	CovetStatus rc = COVET_OK;

	(void) ctx;
	if (keep && durable_rename(tmp, path, LOG) != 0)
		rc = covet_error_set(err, COVET_ERR_IO, "could not replace \"%s\": %m", path);
	if (!keep || rc != COVET_OK)
		(void) unlink(tmp);
	pfree(tmp);
	return rc;
}

/* dumpdata's model_map and style at i, i + 1 */
static void
dump_opts(FunctionCallInfo fcinfo, int i, CovetFixtureOptions *o)
{
	CovetError	err;

	o->model_map = arg_text(fcinfo, i);
	if (covet_fixture_style(arg_text(fcinfo, i + 1), &o->style, &err) != COVET_OK)
		covet_pg_raise(&err);
}

/* loaddata's model_map and ignore_unknown at 4, 5 */
static void
load_opts(FunctionCallInfo fcinfo, CovetFixtureOptions *o)
{
	o->model_map = arg_text(fcinfo, 4);
	if (PG_NARGS() > 5)
	{
		if (PG_ARGISNULL(5))
			raise_null("ignore_unknown");
		o->ignore_unknown = PG_GETARG_BOOL(5);
	}
}

static CovetStatus
core_dump_run(CovetDriver *d, DumpArgs *a, CovetError *err)
{
	volatile CovetStatus rc = COVET_OK;

	if (a->path == NULL)
		return covet_fixture_dump_ex(d, a->tables, a->format, &a->opts, &a->text, &a->len,
									 &a->records, err);
	/* streamed; a cancel or an ERROR removes the temporary file too */
	d->append_file = pg_append_file;
	d->finish_file = pg_finish_file;
	PG_TRY();
	{
		rc = covet_fixture_dump_file_ex(d, a->path, a->tables, a->format, &a->opts,
										&a->records, err);
	}
	PG_CATCH();
	{
		(void) unlink(tmp_path(a->path));
		PG_RE_THROW();
	}
	PG_END_TRY();
	return rc;
}

/*
 * A dump reads each table in pages by primary key (WHERE key > last ORDER
 * BY key LIMIT n).  A table just loaded has no statistics yet; the planner
 * then takes the key's order for random and each page becomes a scan of
 * the whole table and a sort (a 100,000-row table dumped in seconds, not a
 * tenth of one).  For the dump's own statements, walk the key's index:
 * sequential and bitmap scans off, restored when the dump returns (an
 * ERROR's abort restores them too).
 */
static CovetStatus
core_dump(CovetDriver *d, void *arg, char **report, CovetError *err)
{
	int			nest = NewGUCNestLevel();
	CovetStatus rc;

	(void) set_config_option("enable_seqscan", "off", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	(void) set_config_option("enable_bitmapscan", "off", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	rc = core_dump_run(d, (DumpArgs *) arg, err);
	AtEOXact_GUC(false, nest);
	return rc;
}

static CovetStatus
core_load(CovetDriver *d, void *arg, char **report, CovetError *err)
{
	LoadArgs   *a = arg;

	if (a->path != NULL)
	{
		/* before the core's message, which speaks of migration files */
		if (covet_pg_check_file_privilege(false, "fixture files",
										  "Grant pg_read_server_files to the role, or read the file on the client and call covet_loaddata().",
										  err) != COVET_OK)
			return err->code;
		d->read_chunk = pg_read_chunk;
		return covet_fixture_load_file_ex(d, a->path, a->format, a->on_conflict, a->table,
										  &a->opts, &a->records, err);
	}
	return covet_fixture_load_ex(d, a->data, a->len, a->format, a->on_conflict, a->table,
								 &a->opts, &a->records, err);
}

/* Run a dump; the text (if any) is copied into the caller's memory. */
static text *
dump_call(FunctionCallInfo fcinfo, DumpArgs *a)
{
	CovetPgCall call;
	CovetDialect dialect = covet_dialect_postgres;
	text	   *result = NULL;
	char	   *schema;

	/* covet_json_quote lives where this function does */
	schema = get_namespace_name(get_func_namespace(fcinfo->flinfo->fn_oid));
	if (schema != NULL)
		dialect.func_prefix = psprintf("%s.", quote_identifier(schema));
	covet_pg_call_begin(&call, covet_lock_timeout);
	call.driver.dialect = &dialect;
	covet_pg_call_run(&call, core_dump, a);
	if (call.status == COVET_OK && a->path == NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(call.callercxt);

		if (a->len >= MaxAllocSize - VARHDRSZ)
		{
			MemoryContextSwitchTo(old);
			covet_error_set(&call.err, COVET_ERR_INVALID,
							"the dump is too large to return as text (%zu bytes)", a->len);
			strlcpy(call.err.sqlstate, "54000", sizeof(call.err.sqlstate));
			covet_error_hint(&call.err, "Dump fewer tables at a time, or use covet_dumpdata_file().");
			call.status = COVET_ERR_INVALID;
		}
		else
		{
			result = cstring_to_text_with_len(a->text, (int) a->len);
			MemoryContextSwitchTo(old);
		}
	}
	covet_pg_call_end(&call);
	if (call.status != COVET_OK)
		covet_pg_raise(&call.err);
	return result;
}

static int64
load_call(FunctionCallInfo fcinfo, LoadArgs *a)
{
	CovetPgCall call;
	CovetDialect dialect = covet_dialect_postgres;
	char	   *schema;

	/* covet_fixture_rows lives where this function does */
	schema = get_namespace_name(get_func_namespace(fcinfo->flinfo->fn_oid));
	if (schema != NULL)
		dialect.func_prefix = psprintf("%s.", quote_identifier(schema));
	covet_pg_call_begin(&call, covet_lock_timeout);
	call.driver.dialect = &dialect;
	covet_pg_call_run(&call, core_load, a);
	covet_pg_call_end(&call);
	if (call.status != COVET_OK)
		covet_pg_raise(&call.err);
	return (int64) a->records;
}

/* covet_dumpdata(tables text DEFAULT NULL, format text DEFAULT 'json',
 *				  model_map text DEFAULT NULL, style text DEFAULT 'covet') */
PG_FUNCTION_INFO_V1(covet_dumpdata);
Datum
covet_dumpdata(PG_FUNCTION_ARGS)
{
	DumpArgs	a;

	memset(&a, 0, sizeof(a));
	a.tables = arg_text(fcinfo, 0);
	fx_args(arg_text(fcinfo, 1), NULL, &a.format, NULL);
	dump_opts(fcinfo, 2, &a.opts);
	PG_RETURN_TEXT_P(dump_call(fcinfo, &a));
}

/* covet_dumpdata_file(path text, tables text DEFAULT NULL, format text DEFAULT 'json',
 *					   model_map text DEFAULT NULL, style text DEFAULT 'covet') */
PG_FUNCTION_INFO_V1(covet_dumpdata_file);
Datum
covet_dumpdata_file(PG_FUNCTION_ARGS)
{
	DumpArgs	a;

	memset(&a, 0, sizeof(a));
	if ((a.path = arg_text(fcinfo, 0)) == NULL)
		raise_null("path");
	a.tables = arg_text(fcinfo, 1);
	fx_args(arg_text(fcinfo, 2), NULL, &a.format, NULL);
	dump_opts(fcinfo, 3, &a.opts);
	(void) dump_call(fcinfo, &a);
	PG_RETURN_INT64((int64) a.records);
}

/* covet_loaddata(data text, format, on_conflict, table_name, model_map, ignore_unknown) */
PG_FUNCTION_INFO_V1(covet_loaddata);
Datum
covet_loaddata(PG_FUNCTION_ARGS)
{
	LoadArgs	a;
	text	   *data;

	memset(&a, 0, sizeof(a));
	if (PG_ARGISNULL(0))
		raise_null("data");
	data = PG_GETARG_TEXT_PP(0);
	a.data = text_to_cstring(data);
	a.len = VARSIZE_ANY_EXHDR(data);
	fx_args(arg_text(fcinfo, 1), arg_text(fcinfo, 2), &a.format, &a.on_conflict);
	a.table = arg_text(fcinfo, 3);
	load_opts(fcinfo, &a.opts);
	PG_RETURN_INT64(load_call(fcinfo, &a));
}

/* covet_loaddata_file(path text, format, on_conflict, table_name, model_map, ignore_unknown) */
PG_FUNCTION_INFO_V1(covet_loaddata_file);
Datum
covet_loaddata_file(PG_FUNCTION_ARGS)
{
	LoadArgs	a;

	memset(&a, 0, sizeof(a));
	if ((a.path = arg_text(fcinfo, 0)) == NULL)
		raise_null("path");
	fx_args(arg_text(fcinfo, 1), arg_text(fcinfo, 2), &a.format, &a.on_conflict);
	a.table = arg_text(fcinfo, 3);
	load_opts(fcinfo, &a.opts);
	PG_RETURN_INT64(load_call(fcinfo, &a));
}

/* --- covet_fixture_rows ------------------------------------------------------ */

/*
 * One field of a line at *p, up to a tab, a newline or the end, as a text
 * datum (copied once: through scratch only when it holds escapes).
 */
static Datum
read_field(const char **p, const char *end, StringInfo scratch, bool *isnull)
{
	const char *s = *p;
	const char *stop = s;
	bool		escaped = false;

	*isnull = end - s >= 2 && s[0] == '\\' && s[1] == 'N' &&
		(end - s == 2 || s[2] == '\t' || s[2] == '\n');
	if (*isnull)
	{
		*p = s + 2;
		return (Datum) 0;
	}
	while (stop < end && *stop != '\t' && *stop != '\n')
	{
		if (*stop == '\\' && stop + 1 < end)
		{
			escaped = true;
			stop++;
		}
		stop++;
	}
	*p = stop;
	if (!escaped)
		return PointerGetDatum(cstring_to_text_with_len(s, (int) (stop - s)));
	resetStringInfo(scratch);
	for (; s < stop; s++)
	{
		char		c = *s;

		if (c == '\\' && s + 1 < stop)
		{
			c = *++s;
			if (c == 't')
				c = '\t';
			else if (c == 'n')
				c = '\n';
			else if (c == 'r')
				c = '\r';
		}
		appendStringInfoChar(scratch, c);
	}
	return PointerGetDatum(cstring_to_text_with_len(scratch->data, scratch->len));
}

/*
 * covet_fixture_rows(batch): the records of a fixture load's batch (the
 * core writes it, src/core/fixture_load.c) as rows of the caller's column
 * definition list, all text: one line per record, fields separated by
 * tabs in COPY's text format.  The load casts each field to its column's
 * type, so values go through the types' input functions as COPY's would.
 */
PG_FUNCTION_INFO_V1(covet_fixture_rows);
Datum
covet_fixture_rows(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	text	   *batch = PG_GETARG_TEXT_PP(0);
	const char *p = VARDATA_ANY(batch);
	const char *end = p + VARSIZE_ANY_EXHDR(batch);
	TupleDesc	desc;
	Datum	   *values;
	bool	   *nulls;
	StringInfoData field;
	int			natts,
				i;
	int64		line = 0;

	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
	desc = rsinfo->setDesc;
	natts = desc->natts;
	for (i = 0; i < natts; i++)
		if (TupleDescAttr(desc, i)->atttypid != TEXTOID)
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("covet_fixture_rows returns text columns only")));
	values = palloc(sizeof(Datum) * natts);
	nulls = palloc(sizeof(bool) * natts);
	initStringInfo(&field);
	while (p < end)
	{
		line++;
		for (i = 0; i < natts; i++)
		{
			values[i] = read_field(&p, end, &field, &nulls[i]);
			if (i < natts - 1)
			{
				if (p >= end || *p != '\t')
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("covet_fixture_rows: line %lld has %d fields, not %d",
									(long long) line, i + 1, natts)));
				p++;
			}
		}
		if (p < end && *p != '\n')
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("covet_fixture_rows: line %lld has more than %d fields",
							(long long) line, natts)));
		p++;
		tuplestore_putvalues(rsinfo->setResult, desc, values, nulls);
		for (i = 0; i < natts; i++)
			if (!nulls[i])
				pfree(DatumGetPointer(values[i]));
	}
	return (Datum) 0;
}

/*
 * covet_json_quote(value text): the value as a JSON string, what
 * to_json(value) gives, for the SQL of covet_dumpdata.  to_json looks the
 * argument's type up in the catalog on every call; this does not.
 */
PG_FUNCTION_INFO_V1(covet_json_quote);
Datum
covet_json_quote(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	const char *s = VARDATA_ANY(t);
	size_t		len = VARSIZE_ANY_EXHDR(t);
	size_t		n = covet_json_quoted_len(s, len);
	text	   *out;

	if (n > MaxAllocSize - VARHDRSZ)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("the value is too large to quote as JSON (%zu bytes)", len)));
	out = (text *) palloc(VARHDRSZ + n);
	SET_VARSIZE(out, VARHDRSZ + covet_json_quote_to(VARDATA(out), s, len));
	PG_RETURN_TEXT_P(out);
}

/* The argument types of a covet_json_record call site, looked up once. */
typedef struct JsonRecordArgs
{
	int			nargs;
	Oid			types[FLEXIBLE_ARRAY_MEMBER];
} JsonRecordArgs;

/*
 * covet_json_record(flags text, VARIADIC parts "any"): the JSON text of a
 * dumped record in one call, for the SQL of covet_dumpdata (fixture_dump.c):
 * one allocation per row instead of a concatenation per column.  flags has
 * a letter per part: 'c' the part's text as it is (the record's constant
 * pieces, and values the SQL already made JSON), 'q' a text or varchar
 * value as a JSON string (covet_json_quote), 'i' a smallint, integer or
 * bigint as its digits; a NULL part is null.
 */
PG_FUNCTION_INFO_V1(covet_json_record);
Datum
covet_json_record(PG_FUNCTION_ARGS)
{
	JsonRecordArgs *ta = (JsonRecordArgs *) fcinfo->flinfo->fn_extra;
	text	   *ft;
	const char *flags;
	size_t		nflags;
	size_t		total = 0;
	text	   *out;
	char	   *d;
	int			i;

	if (PG_ARGISNULL(0))
		ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("flags must not be null")));
	ft = PG_GETARG_TEXT_PP(0);
	flags = VARDATA_ANY(ft);
	nflags = VARSIZE_ANY_EXHDR(ft);
	if (nflags != (size_t) (PG_NARGS() - 1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("covet_json_record: one flag per argument expected")));
	if (ta == NULL || ta->nargs != PG_NARGS())
	{
		ta = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt,
								offsetof(JsonRecordArgs, types) + sizeof(Oid) * PG_NARGS());
		ta->nargs = PG_NARGS();
		for (i = 1; i < PG_NARGS(); i++)
			ta->types[i] = get_fn_expr_argtype(fcinfo->flinfo, i);
		fcinfo->flinfo->fn_extra = ta;
	}
	/* every call: the flags are a value and may differ from row to row */
	for (i = 1; i < PG_NARGS(); i++)
	{
		Oid			t = ta->types[i];
		char		f = flags[i - 1];

		if ((f == 'i' && t != INT2OID && t != INT4OID && t != INT8OID) ||
			(f != 'i' && t != TEXTOID && t != VARCHAROID) ||
			(f != 'c' && f != 'q' && f != 'i'))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("covet_json_record: argument %d does not fit its flag", i + 1)));
	}

	/* the length first, then one allocation */
	for (i = 1; i < PG_NARGS(); i++)
	{
		if (PG_ARGISNULL(i))
			total += 4;
		else if (flags[i - 1] == 'i')
			total += 21;		/* pg_lltoa: MAXINT8LEN and its NUL */
		else
		{
			text	   *t = (text *) PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(i));

			total += flags[i - 1] == 'q' ?
				covet_json_quoted_len(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t)) : VARSIZE_ANY_EXHDR(t);
		}
		if (total > MaxAllocSize - VARHDRSZ)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("a dumped record is too large (over %zu bytes)", total)));
	}
	out = (text *) palloc(VARHDRSZ + total);
	d = VARDATA(out);
	for (i = 1; i < PG_NARGS(); i++)
	{
		if (PG_ARGISNULL(i))
		{
			memcpy(d, "null", 4);
			d += 4;
		}
		else if (flags[i - 1] == 'i')
		{
			Datum		v = PG_GETARG_DATUM(i);
			int64		x = ta->types[i] == INT8OID ? DatumGetInt64(v) :
				ta->types[i] == INT4OID ? (int64) DatumGetInt32(v) : (int64) DatumGetInt16(v);

			d += pg_lltoa(x, d);
		}
		else
		{
			text	   *t = (text *) PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(i));
			size_t		n = VARSIZE_ANY_EXHDR(t);

			if (flags[i - 1] == 'q')
				d += covet_json_quote_to(d, VARDATA_ANY(t), n);
			else
			{
				memcpy(d, VARDATA_ANY(t), n);
				d += n;
			}
		}
	}
	SET_VARSIZE(out, VARHDRSZ + (d - VARDATA(out)));
	PG_RETURN_TEXT_P(out);
}
