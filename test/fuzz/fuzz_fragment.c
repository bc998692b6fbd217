/*-------------------------------------------------------------------------
 *
 * fuzz_fragment.c
 *		Fuzz target: a caller's SQL fragment (covet_sql_check_fragment) as
 *		a set list, and the targets of a set list that passed
 *		(covet_sql_set_targets), and the same text as an ORDER BY list
 *		(covet_sql_order_by, both directions), as each engine's scanner
 *		reads it.
 *
 *-------------------------------------------------------------------------
 */
#include "fuzz.h"

/* The input as a set list, read as one engine reads it. */
static void
one_engine(CovetEngine engine, const char *text)
{
	CovetError	err;
	CovetStatus rc;
	char	  **names;
	int			n,
				i;

	covet_error_clear(&err);
	rc = covet_sql_check_fragment(engine, "set", text, &err);
	fuzz_check_error(rc, &err);
	if (rc == COVET_OK)
	{
		rc = covet_sql_set_targets(engine, &fuzz_mem, text, &names, &n, &err);
		fuzz_check_error(rc, &err);
		if (rc == COVET_OK)
		{
			for (i = 0; i < n; i++)
				covet_free(&fuzz_mem, names[i]);
			covet_free(&fuzz_mem, names);
		}
		for (i = 0; i < 2; i++)
		{
			char	   *list = NULL;

			rc = covet_sql_order_by(engine, &fuzz_mem, text, i == 1, &list, &err);
			fuzz_check_error(rc, &err);
			covet_free(&fuzz_mem, list);
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *text = fuzz_text(data, size);

	one_engine(COVET_ENGINE_POSTGRES, text);
	one_engine(COVET_ENGINE_SQLITE, text);
	free(text);
	return 0;
}
