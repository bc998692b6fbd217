/*-------------------------------------------------------------------------
 *
 * boolarg.c
 *		Boolean arguments read as PostgreSQL's boolean input function reads
 *		them, with its message.
 *
 * PostgreSQL checks a boolean argument before covet sees it; SQLite passes
 * any value.  Its binding hands the value's text (an integer as its
 * digits) to covet_bool_parse, which accepts exactly what boolin
 * (PostgreSQL 15's parse_bool_with_len) accepts: white space around, any
 * case, t/true, f/false, y/yes, n/no, on, off, 1, 0 and any unique prefix
 * of those words ("tr", "of"; not "o"); anything else is "invalid input
 * syntax for type boolean", SQLSTATE 22P02.  covet_bool_arg adds which
 * argument of which function it was, so that
 *
 *		SELECT covet_migrate_up(NULL, 'maybe');
 *
 * fails naming dry_run instead of applying for real.
 *
 *-------------------------------------------------------------------------
 */
#include "covet.h"

#include <string.h>
#include <strings.h>

static bool
is_blank(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* Is text[0..len) a prefix of word, at least min characters, any case? */
static bool
prefix_of(const char *text, size_t len, const char *word, size_t min)
{
	return len >= min && len <= strlen(word) && strncasecmp(text, word, len) == 0;
}

CovetStatus
covet_bool_parse(const char *text, bool *out, CovetError *err)
{
	const char *p = text;
	size_t		len;

	while (is_blank(*p))
		p++;
	len = strlen(p);
	while (len > 0 && is_blank(p[len - 1]))
		len--;
	if (len > 0)
	{
		switch (*p)
		{
			case 't':
			case 'T':
			case 'y':
			case 'Y':
				if (prefix_of(p, len, "true", 1) || prefix_of(p, len, "yes", 1))
				{
					*out = true;
					return COVET_OK;
				}
				break;
			case 'f':
			case 'F':
			case 'n':
			case 'N':
				if (prefix_of(p, len, "false", 1) || prefix_of(p, len, "no", 1))
				{
					*out = false;
					return COVET_OK;
				}
				break;
			case 'o':
			case 'O':
				/* "o" alone is not unique */
				if (prefix_of(p, len, "on", 2) || prefix_of(p, len, "off", 2))
				{
					*out = len == 2 ? (p[1] == 'n' || p[1] == 'N') : false;
					return COVET_OK;
				}
				break;
			case '1':
			case '0':
				if (len == 1)
				{
					*out = *p == '1';
					return COVET_OK;
				}
				break;
			default:
				break;
		}
	}
	covet_error_set(err, COVET_ERR_INVALID, "invalid input syntax for type boolean: \"%s\"", text);
	memcpy(err->sqlstate, "22P02", 6);
	return COVET_ERR_INVALID;
}

CovetStatus
covet_bool_arg(const char *function, const char *name, const char *text, bool *out,
			   CovetError *err)
{
	CovetStatus rc = covet_bool_parse(text, out, err);

	if (rc != COVET_OK)
		covet_error_detail(err, "Argument %s of %s.", name, function);
	return rc;
}
