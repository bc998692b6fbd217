/*-------------------------------------------------------------------------
 *
 * fuzz_fragment.c
 *		Fuzz target: a caller's SQL fragment (covet_sql_check_fragment) as
 *		a set list, and the targets of a set list that passed
 *		(covet_sql_set_targets).
 *
 *-------------------------------------------------------------------------
 */
#include "fuzz.h"

/* The one place that knows the check's signature. */
#define CHECK_FRAGMENT(what, sql, err) covet_sql_check_fragment(what, sql, err)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *text = fuzz_text(data, size);
	CovetError	err;
	CovetStatus rc;
	char	  **names;
	int			n,
				i;

	covet_error_clear(&err);
	rc = CHECK_FRAGMENT("set", text, &err);
	fuzz_check_error(rc, &err);
	if (rc == COVET_OK)
	{
		rc = covet_sql_set_targets(&fuzz_mem, text, &names, &n, &err);
		fuzz_check_error(rc, &err);
		if (rc == COVET_OK)
		{
			for (i = 0; i < n; i++)
				covet_free(&fuzz_mem, names[i]);
			covet_free(&fuzz_mem, names);
		}
	}
	free(text);
	return 0;
}
