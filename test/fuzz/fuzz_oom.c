/*-------------------------------------------------------------------------
 *
 * fuzz_oom.c
 *		Fuzz target: the parsers with an allocator that fails.
 *
 * The input is a selector byte (the parser; 8: the SQLite dialect; 16: a
 * sweep, below), two bytes of N, and the text: the N-th
 * allocation (counting from 0) and every later one fail, covet's own and
 * those of libyaml and libcsv, which call malloc themselves; this harness
 * interposes them: libyaml calls yaml_malloc, yaml_realloc and
 * yaml_strdup through its PLT (so the executable's win), and covet's call
 * of csv_init is answered here, handing libcsv a realloc that fails too.
 * yajl gets covet's allocator (src/core/yajl_mem.c).
 *
 * What must hold: no crash, no leak, and a call during which an
 * allocation failed does not succeed; it fails with covet's "out of
 * memory" (COVET_ERR_NOMEM), or with the error the input gives anyway,
 * found before the allocation failed (libcsv goes on through its chunk
 * after covet has stopped listening).
 *
 *-------------------------------------------------------------------------
 */
#include "fuzz.h"
#include "ops.h"
#include "seed_json.h"

#include <csv.h>
#include <dlfcn.h>

/* --- libyaml's allocation functions -------------------------------------- */

void	   *yaml_malloc(size_t size);
void	   *yaml_realloc(void *ptr, size_t size);
char	   *yaml_strdup(const char *s);

void *
yaml_malloc(size_t size)
{
	return fuzz_should_fail() ? NULL : malloc(size ? size : 1);
}

void *
yaml_realloc(void *ptr, size_t size)
{
	if (fuzz_should_fail())
		return NULL;
	return ptr ? realloc(ptr, size ? size : 1) : malloc(size ? size : 1);
}

char *
yaml_strdup(const char *s)
{
	if (s == NULL)
		return NULL;
	return fuzz_should_fail() ? NULL : strdup(s);
}

/* --- libcsv: covet's csv_init, with a realloc that can fail ---------------- */

static void *
csv_realloc(void *ptr, size_t size)
{
	return fuzz_should_fail() ? NULL : realloc(ptr, size);
}

int
csv_init(struct csv_parser *p, unsigned char options)
{
	static int	(*real) (struct csv_parser *, unsigned char);
	int			rc;

	if (real == NULL)
		*(void **) &real = dlsym(RTLD_NEXT, "csv_init");
	if (real == NULL)
		abort();
	rc = real(p, options);
	if (rc == 0)
		csv_set_realloc_func(p, csv_realloc);
	return rc;
}

/* --- the parsers ----------------------------------------------------------- */

static CovetStatus
run_migfile(const uint8_t *data, size_t size, CovetError *err)
{
	char	   *text = fuzz_text(data, size);
	CovetMigFile f;
	CovetStatus rc = covet_migfile_parse(&fuzz_mem, "0001_oom.sql", text, size, &f, err);
	int			i;

	if (rc == COVET_OK)
	{
		covet_free(&fuzz_mem, f.name);
		covet_free(&fuzz_mem, f.up);
		covet_free(&fuzz_mem, f.down);
		covet_free(&fuzz_mem, f.kind);
		for (i = 0; i < f.ndepends; i++)
			covet_free(&fuzz_mem, f.depends[i]);
		covet_free(&fuzz_mem, f.depends);
	}
	free(text);
	return rc;
}

static CovetStatus
run_seed_spec(const uint8_t *data, size_t size, CovetError *err)
{
	char	   *text = fuzz_text(data, size);
	CovetJson  *j = NULL;
	CovetFakeGen *g = NULL;
	CovetStatus rc = covet_json_parse(&fuzz_mem, text, &j, err);

	covet_json_free(&fuzz_mem, j);
	if (rc == COVET_OK)
	{
		rc = covet_fake_parse(&fuzz_mem, text, &g, err);
		if (rc == COVET_OK)
			covet_fake_free(&fuzz_mem, g);
		else if (rc != COVET_ERR_NOMEM)
			rc = COVET_OK;		/* not a generator: fine */
	}
	free(text);
	return rc;
}

static CovetStatus
run_mapping(const uint8_t *data, size_t size, CovetError *err)
{
	char	   *text = fuzz_text(data, size);
	CovetBuf	set,
				where;
	char	   *s = NULL,
			   *w = NULL;
	CovetStatus rc;

	covet_buf_init(&set, &fuzz_mem);
	covet_buf_init(&where, &fuzz_mem);
	rc = covet_mapping_sql(&fuzz_mem, &covet_dialect_postgres, text, "status", false, &set, &where, err);
	if (rc == COVET_OK)
		rc = covet_buf_finish(&set, &s, err);
	if (rc == COVET_OK)
		rc = covet_buf_finish(&where, &w, err);
	covet_buf_free(&set);
	covet_buf_free(&where);
	covet_free(&fuzz_mem, s);
	covet_free(&fuzz_mem, w);
	free(text);
	return rc;
}

static CovetStatus
run_set_targets(const uint8_t *data, size_t size, CovetError *err)
{
	char	   *text = fuzz_text(data, size);
	char	  **names;
	int			n,
				i;
	CovetStatus rc = covet_sql_check_fragment(COVET_ENGINE_POSTGRES, "set", text, err);

	if (rc != COVET_OK)
		rc = COVET_OK;			/* not a set list: nothing to fail */
	else if ((rc = covet_sql_set_targets(COVET_ENGINE_POSTGRES, &fuzz_mem, text, &names, &n, err)) == COVET_OK)
	{
		for (i = 0; i < n; i++)
			covet_free(&fuzz_mem, names[i]);
		covet_free(&fuzz_mem, names);
	}
	free(text);
	return rc;
}

/* One call; n < 0: no allocation fails. */
static CovetStatus
call(unsigned selector, long n, const uint8_t *data, size_t size, CovetError *err)
{
	const CovetDialect *dl = (selector & 8) ? &covet_dialect_sqlite : &covet_dialect_postgres;
	CovetStatus rc = COVET_OK;

	covet_error_clear(err);
	fuzz_fail_after(n);
	switch (selector % 8)
	{
		case 0:
			rc = fuzz_load(dl, data, size, COVET_FORMAT_JSON, COVET_CONFLICT_ERROR, err);
			break;
		case 1:
			rc = fuzz_load(dl, data, size, COVET_FORMAT_YAML, COVET_CONFLICT_ERROR, err);
			break;
		case 2:
			rc = fuzz_load(dl, data, size, COVET_FORMAT_CSV, COVET_CONFLICT_IGNORE, err);
			break;
		case 3:
			rc = run_migfile(data, size, err);
			break;
		case 4:
			rc = run_seed_spec(data, size, err);
			break;
		case 5:
			rc = run_mapping(data, size, err);
			break;
		case 6:
			rc = run_set_targets(data, size, err);
			break;
		default:
			rc = fuzz_load(dl, data, size, COVET_FORMAT_JSON, COVET_CONFLICT_UPDATE, err);
			break;
	}
	fuzz_fail_at = -1;			/* disarm; fuzz_failed stays */
	fuzz_check_error(rc, err);
	return rc;
}

/*
 * One call with the n-th allocation failing; true if one failed.  It must
 * then fail with out of memory, or with the error the input gives anyway
 * (an error found before the allocation failed: the same status, and the
 * same message but for the engine's errors, whose naming of the failing
 * record may itself have needed memory).
 */
static bool
one_run(unsigned selector, long n, const uint8_t *data, size_t size)
{
	CovetError	err,
				plain;
	CovetStatus rc = call(selector, n, data, size, &err);
	long		failed = fuzz_failed;
	CovetStatus rc2;

	if (getenv("FUZZ_VERBOSE") != NULL)
		fprintf(stderr, "selector %u, fail at %ld: %ld refused, status %d: %s\n",
				selector, n, failed, (int) rc, rc == COVET_OK ? "ok" : err.message);
	if (failed == 0 || rc == COVET_ERR_NOMEM)
		return failed > 0;
	rc2 = call(selector, -1, data, size, &plain);
	if (rc == COVET_OK || rc != rc2 ||
		(rc != COVET_ERR_SQL && strcmp(err.message, plain.message) != 0))
	{
		fprintf(stderr, "allocation %ld failed, but the call gave status %d (%s), and %d (%s) without the failure\n",
				n, (int) rc, rc == COVET_OK ? "success" : err.message,
				(int) rc2, rc2 == COVET_OK ? "success" : plain.message);
		abort();
	}
	return true;
}

/*
 * Selector bit 16: a sweep, every allocation from the n-th on failing in
 * turn (one call each) until a call makes no more allocations than that,
 * 1000 calls at most (the corpus's sweeps need a few hundred).
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned	selector;
	long		n;

	if (size < 3)
		return 0;
	selector = data[0];
	n = (long) data[1] | ((long) data[2] << 8);
	data += 3;
	size -= 3;
	if (selector & 16)
	{
		long		last = n + 1000;

		while (n < last && one_run(selector, n, data, size))
			n++;
	}
	else
		one_run(selector, n, data, size);
	return 0;
}
