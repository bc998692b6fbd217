/*-------------------------------------------------------------------------
 *
 * fuzz_formats.c
 *		Fuzz target: other tools' migration files (covet_piece_parse) under
 *		each file name that selects a parser, version comparison and
 *		Flyway's checksum, from the same bytes.
 *
 * The first byte picks the file name (golang-migrate up and down, dbmate
 * or goose or covet by content, Flyway V/U/R, sqitch plan, deploy, revert,
 * verify); the rest is the file's text.
 *
 *-------------------------------------------------------------------------
 */
#include "fuzz.h"
#include "formats.h"

static const char *const names[] = {
	"1_init.up.sql", "1_init.down.sql", "20240101_x.sql", "V1_1__x.sql",
	"U1_1__x.sql", "R__x.sql", "sqitch.plan", "deploy/x.sql", "revert/x.sql",
	"verify/x.sql",
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *file;
	char	   *text;
	CovetPiece	p;
	CovetError	err;
	CovetStatus rc;
	int			i,
				j;
	char	   *half;

	if (size == 0)
		return 0;
	file = names[data[0] % (sizeof(names) / sizeof(names[0]))];
	text = fuzz_text(data + 1, size - 1);
	covet_error_clear(&err);
	rc = covet_piece_parse(&fuzz_mem, file, text, size - 1, &p, &err);
	fuzz_check_error(rc, &err);
	if (rc == COVET_OK)
	{
		if (p.kind == COVET_PIECE_DEF && p.def.up == NULL)
			abort();
		if (p.kind != COVET_PIECE_PLAN && covet_name_check("name", p.def.name, &err) != COVET_OK)
			abort();
		for (i = 0; i < p.nchanges; i++)
			for (j = 0; j < p.changes[i].ndeps; j++)
				if (covet_name_check("dep", p.changes[i].deps[j], &err) != COVET_OK)
					abort();
		covet_piece_free(&fuzz_mem, &p);
	}
	(void) covet_flyway_checksum(text, size - 1);
	/* version comparison: antisymmetric on the text's two halves */
	half = strdup(text);
	if (half != NULL)
	{
		size_t		n = strlen(half);
		char	   *b = half + n / 2;
		char		save = *b;
		int			x,
					y;

		*b = '\0';
		x = covet_version_cmp(half, text + n / 2);
		y = covet_version_cmp(text + n / 2, half);
		if ((x > 0) != (y < 0) || (x == 0) != (y == 0))
			abort();
		*b = save;
		free(half);
	}
	free(text);
	return 0;
}
