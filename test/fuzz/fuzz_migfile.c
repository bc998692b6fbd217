/*-------------------------------------------------------------------------
 *
 * fuzz_migfile.c
 *		Fuzz target: one migration file (covet_migfile_parse), and a
 *		depends_on list (covet_depends_split) from the same bytes.
 *
 *-------------------------------------------------------------------------
 */
#include "fuzz.h"

static void
migfile_free(CovetMigFile *f)
{
	int			i;

	covet_free(&fuzz_mem, f->name);
	covet_free(&fuzz_mem, f->up);
	covet_free(&fuzz_mem, f->down);
	covet_free(&fuzz_mem, f->kind);
	for (i = 0; i < f->ndepends; i++)
		covet_free(&fuzz_mem, f->depends[i]);
	covet_free(&fuzz_mem, f->depends);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *text = fuzz_text(data, size);
	CovetMigFile f;
	CovetError	err;
	CovetStatus rc;
	char	  **names;
	int			n,
				i;

	covet_error_clear(&err);
	rc = covet_migfile_parse(&fuzz_mem, "0001_fuzz.sql", text, size, &f, &err);
	fuzz_check_error(rc, &err);
	if (rc == COVET_OK)
	{
		if (f.up == NULL || f.name == NULL || strcmp(f.name, "0001_fuzz") != 0)
			abort();
		for (i = 0; i < f.ndepends; i++)
			if (covet_name_check("dependency", f.depends[i], &err) != COVET_OK)
				abort();
		migfile_free(&f);
	}
	rc = covet_depends_split(&fuzz_mem, text, &names, &n, &err);
	fuzz_check_error(rc, &err);
	if (rc == COVET_OK)
	{
		for (i = 0; i < n; i++)
			covet_free(&fuzz_mem, names[i]);
		covet_free(&fuzz_mem, names);
	}
	free(text);
	return 0;
}
