/*-------------------------------------------------------------------------
 *
 * fuzz_seed_spec.c
 *		Fuzz target: covet_seed's spec, a JSON object of generators
 *		(covet_json_parse, seed_json.c), each generator string through
 *		covet_fake_parse and a few rows of covet_fake_eval; the whole input
 *		as one generator spec too; and the row source's encoding of the
 *		generators (covet_seed_gens_next).
 *
 *-------------------------------------------------------------------------
 */
#include "fuzz.h"
#include "seed_json.h"

static void
one_generator(const char *spec, int64_t key)
{
	CovetFakeGen *g = NULL;
	CovetError	err;
	CovetStatus rc;
	int64_t		row;

	covet_error_clear(&err);
	rc = covet_fake_parse(&fuzz_mem, spec, &g, &err);
	fuzz_check_error(rc, &err);
	if (rc != COVET_OK)
		return;
	for (row = 1; row <= 3; row++)
	{
		CovetFakeValue v;
		const char *text;

		covet_fake_eval(g, key, row, &v);
		text = covet_fake_text(&v);
		if (text != NULL && strlen(text) > sizeof(v.buf) + 4096)
			abort();
	}
	/* rows far out must work as well */
	{
		CovetFakeValue v;

		covet_fake_eval(g, key, INT64_MAX, &v);
		(void) covet_fake_text(&v);
	}
	(void) covet_fake_nullable(g);
	covet_fake_free(&fuzz_mem, g);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *text = fuzz_text(data, size);
	CovetJson  *j = NULL;
	CovetError	err;
	CovetStatus rc;
	const char *p;
	int64_t		key;
	const char *spec;
	size_t		len;
	bool		bad;
	int			i;

	covet_error_clear(&err);
	rc = covet_json_parse(&fuzz_mem, text, &j, &err);
	fuzz_check_error(rc, &err);
	if (rc == COVET_OK && j->type == COVET_JSON_OBJECT)
	{
		for (i = 0; i < j->n && i < 16; i++)
			if (j->items[i]->type == COVET_JSON_STRING)
				one_generator(j->items[i]->text, covet_fake_key(42, j->keys[i]));
	}
	covet_json_free(&fuzz_mem, j);

	if (size < 4096)
		one_generator(text, covet_fake_key(7, "c"));

	/* the encoding of a row source's generators */
	p = text;
	for (i = 0; i < 64 && covet_seed_gens_next(&p, &key, &spec, &len, &bad); i++)
	{
		char	   *one = fuzz_text((const uint8_t *) spec, len);

		if (len < 4096)
			one_generator(one, key);
		free(one);
	}
	free(text);
	return 0;
}
