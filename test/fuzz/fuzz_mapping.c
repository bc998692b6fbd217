/*-------------------------------------------------------------------------
 *
 * fuzz_mapping.c
 *		Fuzz target: rename_values' mapping, {"old": "new", ...}
 *		(covet_mapping_sql, ops.c), case-sensitive and not; what it
 *		builds must pass covet's own fragment check.
 *
 *-------------------------------------------------------------------------
 */
#include "fuzz.h"
#include "ops.h"

static void
one_mapping(const CovetDialect *dialect, const char *json, bool case_sensitive)
{
	CovetBuf	set,
				where;
	CovetError	err;
	CovetStatus rc;

	covet_error_clear(&err);
	covet_buf_init(&set, &fuzz_mem);
	covet_buf_init(&where, &fuzz_mem);
	rc = covet_mapping_sql(&fuzz_mem, dialect, json, "status", case_sensitive, &set, &where, &err);
	fuzz_check_error(rc, &err);
	if (rc == COVET_OK && !set.failed && !where.failed)
	{
		/* covet's own SQL from a valid mapping is one safe piece */
		if (covet_sql_check_fragment(dialect->engine, "set", set.data, &err) != COVET_OK ||
			covet_sql_check_fragment(dialect->engine, "where", where.data, &err) != COVET_OK)
		{
			fprintf(stderr, "mapping built SQL its own check refuses: %s\n", err.message);
			abort();
		}
	}
	covet_buf_free(&set);
	covet_buf_free(&where);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *text = fuzz_text(data, size);

	one_mapping(&covet_dialect_postgres, text, true);
	one_mapping(&covet_dialect_postgres, text, false);
	one_mapping(&covet_dialect_sqlite, text, true);
	one_mapping(&covet_dialect_sqlite, text, false);
	free(text);
	return 0;
}
