/*-------------------------------------------------------------------------
 *
 * json_quote.c
 *		Text as a JSON string literal, fast: the escaper of the dump
 *		functions that make a record's JSON in the engine
 *		(covet_json_quote in PostgreSQL, covet_json_record in SQLite).
 *
 * The escapes are PostgreSQL's to_json(text) and SQLite's json_quote(),
 * which agree: \" \\ \b \f \n \r \t, any other byte below 0x20 as \u00xx
 * (lower-case hex), everything else as it is (UTF-8 untouched).  Runs
 * without an escape are copied whole.
 *
 *-------------------------------------------------------------------------
 */
#include "covet.h"

#include <string.h>

/* 0: as it is; a letter: backslash and it; 'u': \u00xx */
static const char json_esc[32] = {
	'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'b', 't', 'n', 'u', 'f', 'r', 'u', 'u',
	'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u'
};

static inline int
esc_of(unsigned char c)
{
	if (c < 0x20)
		return json_esc[c];
	if (c == '"' || c == '\\')
		return c;
	return 0;
}

size_t
covet_json_quoted_len(const char *s, size_t len)
{
	size_t		n = len + 2;
	size_t		i;

	for (i = 0; i < len; i++)
	{
		int			e = esc_of((unsigned char) s[i]);

		if (e == 'u')
			n += 5;
		else if (e != 0)
			n += 1;
	}
	return n;
}

size_t
covet_json_quote_to(char *dst, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	char	   *d = dst;
	size_t		i,
				start = 0;

	*d++ = '"';
	for (i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) s[i];
		int			e = esc_of(c);

		if (e == 0)
			continue;
		if (i > start)
		{
			memcpy(d, s + start, i - start);
			d += i - start;
		}
		start = i + 1;
		*d++ = '\\';
		if (e == 'u')
		{
			*d++ = 'u';
			*d++ = '0';
			*d++ = '0';
			*d++ = hex[c >> 4];
			*d++ = hex[c & 15];
		}
		else
			*d++ = (char) e;
	}
	if (len > start)
	{
		memcpy(d, s + start, len - start);
		d += len - start;
	}
	*d++ = '"';
	return (size_t) (d - dst);
}
