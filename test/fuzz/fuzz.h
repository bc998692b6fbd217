/*-------------------------------------------------------------------------
 *
 * fuzz.h
 *		What covet's fuzz harnesses share: an allocator that can be told to
 *		fail, the input as a C string, and a fake driver for fixture loads.
 *
 * Each harness (fuzz_<target>.c) defines LLVMFuzzerTestOneInput and calls
 * the core with no database.  Built two ways (test/fuzz/run.sh):
 * with clang -fsanitize=fuzzer,address,undefined by "make fuzz", and with
 * standalone.c's main (gcc, ASan and UBSan) by "make test", which runs the
 * corpus in test/fuzz/corpus/<target>/ once.
 *
 * The allocator counts allocations; fuzz_fail_after(n) makes the n-th and
 * every later one fail (n < 0: never).  It is malloc underneath, so
 * LeakSanitizer reports what the core forgets to free.
 *
 * The fake driver answers the queries a fixture load makes: tables "t"
 * (one column of each kind a fixture knows, a generated column), "child"
 * (composite key, referencing t), and those of test/fixtures/data/schema.sql
 * (users, orders, order_lines); any other name does not exist.
 * Every other statement succeeds, except that a batch whose text holds
 * FAIL fails as the engine would (with "FAILCOL": naming column "name"),
 * which drives the search for the failing record.
 *
 *-------------------------------------------------------------------------
 */
#ifndef COVET_FUZZ_H
#define COVET_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "covet.h"
#include "fixture.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* --- the allocator --------------------------------------------------------- */

static long fuzz_allocs;		/* allocations so far */
static long fuzz_fail_at = -1;	/* the first that fails; < 0: none */
static long fuzz_failed;		/* allocations refused */

static void
fuzz_fail_after(long n)
{
	fuzz_allocs = 0;
	fuzz_failed = 0;
	fuzz_fail_at = n;
}

/* Shared with the interposed allocators of libyaml and libcsv (fuzz_oom.c). */
static int
fuzz_should_fail(void)
{
	if (fuzz_fail_at >= 0 && fuzz_allocs++ >= fuzz_fail_at)
	{
		fuzz_failed++;
		return 1;
	}
	return 0;
}

static void *
fuzz_alloc(void *ctx, size_t size)
{
	(void) ctx;
	if (fuzz_should_fail())
		return NULL;
	return malloc(size);
}

static void
fuzz_free(void *ctx, void *ptr)
{
	(void) ctx;
	free(ptr);
}

static CovetMem fuzz_mem = {NULL, fuzz_alloc, fuzz_free};

/* The input as a NUL-terminated string (free it). */
static char *
fuzz_text(const uint8_t *data, size_t size)
{
	char	   *s = malloc(size + 1);

	if (s == NULL)
		abort();
	if (size > 0)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* Every status comes with a message; NOMEM says so. */
static void
fuzz_check_error(CovetStatus rc, const CovetError *err)
{
	if (rc == COVET_OK)
		return;
	if (err->code != rc || err->message[0] == '\0')
	{
		fprintf(stderr, "status %d with error code %d and message \"%s\"\n",
				(int) rc, (int) err->code, err->message);
		abort();
	}
	if (rc == COVET_ERR_NOMEM && strcmp(err->message, "out of memory") != 0)
	{
		fprintf(stderr, "out of memory reported as \"%s\"\n", err->message);
		abort();
	}
}

/* --- the fake driver --------------------------------------------------------- */

typedef struct FuzzCol
{
	const char *name;
	const char *pg_type;
	const char *sqlite_type;
	const char *key;			/* position in the primary key, "0" = none */
	const char *generated;
} FuzzCol;

static const FuzzCol fuzz_t_cols[] = {
	{"id", "integer", "INTEGER", "1", "0"},
	{"name", "text", "TEXT", "0", "0"},
	{"score", "double precision", "REAL", "0", "0"},
	{"price", "numeric(10,2)", "NUMERIC", "0", "0"},
	{"flag", "boolean", "BOOLEAN", "0", "0"},
	{"data", "bytea", "BLOB", "0", "0"},
	{"doc", "jsonb", "JSON", "0", "0"},
	{"tags", "integer[]", "TEXT", "0", "0"},
	{"born", "timestamp with time zone", "TIMESTAMP", "0", "0"},
	{"total", "numeric", "NUMERIC", "0", "1"},
	{NULL, NULL, NULL, NULL, NULL}
};

static const FuzzCol fuzz_child_cols[] = {
	{"a", "integer", "INTEGER", "1", "0"},
	{"b", "text", "TEXT", "2", "0"},
	{"t_id", "bigint", "BIGINT", "0", "0"},
	{"note", "character varying(20)", "VARCHAR(20)", "0", "0"},
	{NULL, NULL, NULL, NULL, NULL}
};

/* the tables of test/fixtures/data/schema.sql, so that its fixtures load */
static const FuzzCol fuzz_users_cols[] = {
	{"id", "integer", "integer", "1", "0"},
	{"name", "text", "text", "0", "0"},
	{"email", "text", "text", "0", "0"},
	{"active", "boolean", "boolean", "0", "0"},
	{"score", "real", "real", "0", "0"},
	{"avatar", "bytea", "blob", "0", "0"},
	{"joined", "date", "date", "0", "0"},
	{NULL, NULL, NULL, NULL, NULL}
};

static const FuzzCol fuzz_orders_cols[] = {
	{"id", "integer", "integer", "1", "0"},
	{"user_id", "integer", "integer", "0", "0"},
	{"total", "numeric", "numeric", "0", "0"},
	{"placed_at", "timestamp without time zone", "timestamp", "0", "0"},
	{"meta", "json", "json", "0", "0"},
	{NULL, NULL, NULL, NULL, NULL}
};

static const FuzzCol fuzz_order_lines_cols[] = {
	{"order_id", "integer", "integer", "1", "0"},
	{"line", "integer", "integer", "2", "0"},
	{"sku", "text", "text", "0", "0"},
	{"qty", "integer", "integer", "0", "0"},
	{NULL, NULL, NULL, NULL, NULL}
};

static const struct
{
	const char *name;
	const FuzzCol *cols;
	const char *parent;
}			fuzz_tables[] = {
	{"t", fuzz_t_cols, NULL},
	{"child", fuzz_child_cols, "t"},
	{"users", fuzz_users_cols, NULL},
	{"orders", fuzz_orders_cols, "users"},
	{"order_lines", fuzz_order_lines_cols, "orders"},
	{NULL, NULL, NULL}
};

static int
fuzz_table_index(const char *name)
{
	int			i;

	for (i = 0; fuzz_tables[i].name != NULL; i++)
		if (strcmp(fuzz_tables[i].name, name) == 0)
			return i;
	return -1;
}

typedef struct FuzzDriver
{
	CovetDriver d;
	int			savepoints;
	char	   *describe;		/* expanded templates, to recognise them */
	char	   *model;
	char	   *parents;
} FuzzDriver;

static char *
fuzz_expand(const CovetDialect *dl, const char *tmpl)
{
	CovetMem	plain = {NULL, fuzz_alloc, fuzz_free};
	CovetBuf	b;
	long		saved = fuzz_fail_at;
	char	   *out;

	if (tmpl == NULL)
		return NULL;
	fuzz_fail_at = -1;
	covet_buf_init(&b, &plain);
	covet_sql_expand(dl, &b, tmpl);
	out = b.data;
	fuzz_fail_at = saved;
	if (out == NULL)
		abort();
	return out;
}

/* The table a describe parameter names: "t", "public"."t", t */
static const char *
fuzz_table_of(const char *param, char *buf, size_t buflen)
{
	const char *dot = strrchr(param, '.');
	const char *p = dot ? dot + 1 : param;
	size_t		n = 0;

	for (; *p && n + 1 < buflen; p++)
		if (*p != '"')
			buf[n++] = *p;
	buf[n] = '\0';
	return buf;
}

static CovetStatus
fuzz_result(CovetResult *res, int nrows, int ncols, const char *const *cells,
			CovetError *err)
{
	int			i;

	if (res == NULL)
		return COVET_OK;
	res->nrows = nrows;
	res->ncols = ncols;
	res->values = fuzz_alloc(NULL, sizeof(char *) * (size_t) (nrows * ncols + 1));
	if (res->values == NULL)
		goto nomem;
	for (i = 0; i < nrows * ncols; i++)
	{
		res->values[i] = NULL;
		if (cells[i] != NULL && (res->values[i] = fuzz_alloc(NULL, strlen(cells[i]) + 1)) == NULL)
		{
			while (--i >= 0)
				free(res->values[i]);
			free(res->values);
			goto nomem;
		}
		if (cells[i] != NULL)
			strcpy(res->values[i], cells[i]);
	}
	return COVET_OK;
nomem:
	memset(res, 0, sizeof(*res));
	return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
}

static CovetStatus
fuzz_query(void *ctx, const char *sql, int nparams, const char *const *params,
		   CovetResult *res, CovetError *err)
{
	FuzzDriver *f = ctx;
	bool		pg = f->d.dialect->engine == COVET_ENGINE_POSTGRES;
	char		name[64];

	if (res != NULL)
		memset(res, 0, sizeof(*res));
	if (nparams >= 1 && strcmp(sql, f->describe) == 0)
	{
		const FuzzCol *cols = NULL;
		const char *cells[7 * 16];
		int			n = 0;

		int			ti = fuzz_table_index(fuzz_table_of(params[0], name, sizeof(name)));

		if (ti >= 0)
			cols = fuzz_tables[ti].cols;
		for (; cols != NULL && cols[n].name != NULL; n++)
		{
			cells[n * 7 + 0] = "public";
			cells[n * 7 + 1] = name;
			cells[n * 7 + 2] = cols[n].name;
			cells[n * 7 + 3] = pg ? cols[n].pg_type : cols[n].sqlite_type;
			cells[n * 7 + 4] = cols[n].key;
			cells[n * 7 + 5] = pg ? "r" : "table";
			cells[n * 7 + 6] = cols[n].generated;
		}
		return fuzz_result(res, n, 7, cells, err);
	}
	if (nparams >= 1 && f->model != NULL && strcmp(sql, f->model) == 0)
	{
		const char *cell = fuzz_table_of(params[0], name, sizeof(name));

		return fuzz_result(res, 1, 1, &cell, err);
	}
	if (nparams >= 1 && strcmp(sql, f->parents) == 0)
	{
		int			ti = fuzz_table_index(fuzz_table_of(params[0], name, sizeof(name)));
		const char *cell = ti >= 0 ? fuzz_tables[ti].parent : NULL;

		return fuzz_result(res, cell != NULL ? 1 : 0, 1, &cell, err);
	}
	/* a batch, a probe or a sequence: succeeds unless told to fail */
	if (nparams >= 1 && params[0] != NULL && strstr(params[0], "FAIL") != NULL)
	{
		covet_error_set(err, COVET_ERR_SQL, strstr(params[0], "FAILCOL") != NULL ?
						"value too long for column \"name\"" : "invalid input syntax");
		memcpy(err->sqlstate, "22P02", 6);
		return COVET_ERR_SQL;
	}
	if (res != NULL)
		return fuzz_result(res, 0, 1, NULL, err);
	return COVET_OK;
}

static CovetStatus
fuzz_savepoint_begin(void *ctx, CovetError *err)
{
	(void) err;
	((FuzzDriver *) ctx)->savepoints++;
	return COVET_OK;
}

static CovetStatus
fuzz_savepoint_end(void *ctx, CovetError *err)
{
	FuzzDriver *f = ctx;

	if (f->savepoints <= 0)
	{
		fprintf(stderr, "savepoint released or rolled back that was not begun\n");
		abort();
	}
	(void) err;
	f->savepoints--;
	return COVET_OK;
}

static CovetStatus
fuzz_ok(void *ctx, CovetError *err)
{
	(void) ctx;
	(void) err;
	return COVET_OK;
}

static int64_t
fuzz_clock(void *ctx)
{
	(void) ctx;
	return 0;
}

static const char *
fuzz_who(void *ctx)
{
	(void) ctx;
	return "fuzz";
}

static void
fuzz_notice(void *ctx, const char *msg)
{
	(void) ctx;
	(void) msg;
}

static void
fuzz_driver_init(FuzzDriver *f, const CovetDialect *dl)
{
	memset(f, 0, sizeof(*f));
	f->d.mem = fuzz_mem;
	f->d.dialect = dl;
	f->d.ctx = f;
	f->d.query = fuzz_query;
	f->d.savepoint_begin = fuzz_savepoint_begin;
	f->d.savepoint_release = fuzz_savepoint_end;
	f->d.savepoint_rollback = fuzz_savepoint_end;
	f->d.check_interrupts = fuzz_ok;
	f->d.clock_ms = fuzz_clock;
	f->d.who = fuzz_who;
	f->d.notice = fuzz_notice;
	f->describe = fuzz_expand(dl, dl->describe_sql);
	f->model = fuzz_expand(dl, dl->fixture->model_sql);
	f->parents = fuzz_expand(dl, dl->fixture->parents_sql);
}

static void
fuzz_driver_done(FuzzDriver *f)
{
	if (f->savepoints != 0)
	{
		fprintf(stderr, "%d savepoints left open\n", f->savepoints);
		abort();
	}
	free(f->describe);
	free(f->model);
	free(f->parents);
}

/* One load on one dialect; CSV fixtures are for table t. */
static CovetStatus
fuzz_load(const CovetDialect *dl, const uint8_t *data, size_t size,
		  CovetFixtureFormat format, CovetOnConflict on_conflict,
		  CovetError *err)
{
	FuzzDriver	f;
	int64_t		records;
	CovetStatus rc;

	fuzz_driver_init(&f, dl);
	rc = covet_fixture_load(&f.d, (const char *) data, size, format, on_conflict,
							"t", &records, err);
	fuzz_driver_done(&f);
	return rc;
}

#endif							/* COVET_FUZZ_H */
