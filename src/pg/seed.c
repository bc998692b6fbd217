/*-------------------------------------------------------------------------
 *
 * seed.c
 *		covet's seed functions in PostgreSQL: covet_seed and covet_fake.
 *
 * How it works: covet_seed(table, n, spec, seed) asks the core (seed.c in
 * src/core) for one INSERT ... SELECT over generate_series, whose values
 * come from covet_fake(generator, key, row), a pure function of its
 * arguments (src/core/seed_gen.c), cast to each column's type.  The core
 * runs it inside a savepoint of the caller's transaction: all rows or none.
 *
 *		SELECT covet_seed('users', 1000, '{"status": "choice(new:3, done:1)"}', 42);
 *		SELECT covet_fake('email', 7, 1);
 *
 * The generated SQL names covet_fake qualified by the schema covet's
 * functions live in (that of covet_seed itself), so it works whatever the
 * caller's search_path, and a function of that name elsewhere is never
 * called instead.
 *
 * covet_fake parses its generator once per call site: the parsed form is
 * kept in fn_extra, allocated in fn_mcxt (the core's memory for it too),
 * and parsed again only when the generator text changes, so a million rows
 * cost one parse per column.  It is IMMUTABLE STRICT PARALLEL SAFE;
 * covet_seed runs SQL and writes, VOLATILE.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

#include "covet_pg.h"

/* --- covet_fake ------------------------------------------------------------- */

/* A call site's parsed generator and the text it was parsed from. */
typedef struct FakeCache
{
	CovetMem	mem;			/* fn_mcxt, for the core */
	CovetFakeGen *gen;			/* NULL until a parse succeeds */
	char	   *spec;			/* the generator text, not terminated */
	int			speclen;
} FakeCache;

static void *
fake_mem_alloc(void *ctx, size_t size)
{
	return MemoryContextAllocExtended((MemoryContext) ctx, size, MCXT_ALLOC_NO_OOM);
}

static void
fake_mem_free(void *ctx, void *ptr)
{
	pfree(ptr);
}

/* The parsed generator of spec, from the cache or parsed now. */
static const CovetFakeGen *
fake_generator(FunctionCallInfo fcinfo, text *spec)
{
	FakeCache  *cache = (FakeCache *) fcinfo->flinfo->fn_extra;
	const char *data = VARDATA_ANY(spec);
	int			len = VARSIZE_ANY_EXHDR(spec);
	CovetError	err;
	char	   *cstr;

	if (cache != NULL && cache->gen != NULL && cache->speclen == len &&
		memcmp(cache->spec, data, len) == 0)
		return cache->gen;

	if (cache == NULL)
	{
		cache = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(FakeCache));
		cache->mem.ctx = fcinfo->flinfo->fn_mcxt;
		cache->mem.alloc = fake_mem_alloc;
		cache->mem.free = fake_mem_free;
		fcinfo->flinfo->fn_extra = cache;
	}
	/* forget the old one first: a failed parse leaves no stale generator */
	covet_fake_free(&cache->mem, cache->gen);
	cache->gen = NULL;
	if (cache->spec != NULL)
		pfree(cache->spec);
	cache->spec = NULL;
	cache->speclen = 0;

	cstr = text_to_cstring(spec);
	if (covet_fake_parse(&cache->mem, cstr, &cache->gen, &err) != COVET_OK)
		covet_pg_raise(&err);
	pfree(cstr);
	cache->spec = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, Max(len, 1));
	memcpy(cache->spec, data, len);
	cache->speclen = len;
	return cache->gen;
}

/*
 * covet_fake(spec, key, row): the value of row in the stream key, as text
 * (NULL for a null value); covet_seed casts it to the column's type.
 */
PG_FUNCTION_INFO_V1(covet_fake);
Datum
covet_fake(PG_FUNCTION_ARGS)
{
	const CovetFakeGen *gen = fake_generator(fcinfo, PG_GETARG_TEXT_PP(0));
	CovetFakeValue v;
	const char *s;

	covet_fake_eval(gen, PG_GETARG_INT64(1), PG_GETARG_INT64(2), &v);
	s = covet_fake_text(&v);
	if (s == NULL)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text_with_len(s, (int) v.len));
}

/* --- covet_seed ------------------------------------------------------------- */

typedef struct SeedArgs
{
	const char *table;
	int64		n;
	const char *spec;
	int64		seed;
} SeedArgs;

static CovetStatus
core_seed(CovetDriver *d, void *arg, char **report, CovetError *err)
{
	SeedArgs   *a = (SeedArgs *) arg;

	return covet_seed(d, a->table, a->n, a->spec, a->seed, report, err);
}

static void seed_raise_null(const char *name) pg_attribute_noreturn();

static void
seed_raise_null(const char *name)
{
	CovetError	err;

	covet_error_set(&err, COVET_ERR_NULL, "%s must not be null", name);
	covet_pg_raise(&err);
}

/*
 * covet_seed(table_name, n, spec, seed): insert n rows of fake data; NULL
 * spec infers every column, NULL table_name, n or seed is an error (22004),
 * as in SQLite.
 */
PG_FUNCTION_INFO_V1(covet_seed_pg);
Datum
covet_seed_pg(PG_FUNCTION_ARGS)
{
	SeedArgs	a;
	CovetDialect dialect;
	char	   *schema;

	if (PG_ARGISNULL(0))
		seed_raise_null("table_name");
	if (PG_ARGISNULL(1))
		seed_raise_null("n");
	if (PG_NARGS() > 3 && PG_ARGISNULL(3))
		seed_raise_null("seed");
	a.table = text_to_cstring(PG_GETARG_TEXT_PP(0));
	a.n = PG_GETARG_INT64(1);
	a.spec = PG_NARGS() > 2 && !PG_ARGISNULL(2) ? text_to_cstring(PG_GETARG_TEXT_PP(2)) : NULL;
	a.seed = PG_NARGS() > 3 ? PG_GETARG_INT64(3) : 0;

	/* covet_fake lives where this function does */
	dialect = covet_dialect_postgres;
	schema = get_namespace_name(get_func_namespace(fcinfo->flinfo->fn_oid));
	if (schema != NULL)
		dialect.func_prefix = psprintf("%s.", quote_identifier(schema));

	return covet_pg_run_report(core_seed, &a, &dialect);
}
