/*-------------------------------------------------------------------------
 *
 * fuzz_codec.c
 *		Fuzz target: the small readers of fixture_codec.c: the strict JSON
 *		string reader (covet_json_read_string), the lenient one
 *		(covet_json_unescape), COPY fields from JSON (covet_copy_field) and
 *		base64 (covet_base64_decode, checked against covet_base64_encode).
 *
 *-------------------------------------------------------------------------
 */
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *text = fuzz_text(data, size);
	CovetBuf	out,
				scratch;
	const char *p = text;
	const char *why = NULL;
	unsigned char *bin;
	size_t		binlen;

	covet_buf_init(&out, &fuzz_mem);
	covet_buf_init(&scratch, &fuzz_mem);

	/* strict: every string of a sequence, as a mapping reads them */
	while (*p == '"' && covet_json_read_string(&out, &p, &why))
		while (*p == ' ' || *p == ',' || *p == ':')
			p++;
	if (*p != '\0' && *p == '"' && why == NULL)
		abort();				/* failed without saying why */

	/* lenient: the whole input as one literal */
	if (size >= 2 && text[0] == '"' && text[size - 1] == '"')
	{
		covet_buf_reset(&out);
		(void) covet_json_unescape(&out, text, size);
	}

	/* a JSON value as a COPY field, decoded and raw */
	covet_buf_reset(&out);
	(void) covet_copy_field(&out, &scratch, text, size, false);
	covet_buf_reset(&out);
	(void) covet_copy_field(&out, &scratch, text, size, true);

	/* base64: what decodes must encode back to the same text */
	bin = malloc(COVET_BASE64_DECODED_MAX(size));
	if (bin == NULL)
		abort();
	if (covet_base64_decode(text, size, bin, &binlen))
	{
		if (binlen > COVET_BASE64_DECODED_MAX(size))
			abort();
		covet_buf_reset(&out);
		covet_base64_encode(&out, bin, binlen);
		if (!out.failed && (out.len != size || memcmp(out.data, text, size) != 0))
		{
			fprintf(stderr, "base64 does not round-trip\n");
			abort();
		}
	}
	free(bin);
	covet_buf_free(&out);
	covet_buf_free(&scratch);
	free(text);
	return 0;
}
