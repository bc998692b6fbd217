/*-------------------------------------------------------------------------
 *
 * intarg.c
 *		Integer arguments read as PostgreSQL's integer and bigint input
 *		functions read them, with their messages.
 *
 * PostgreSQL checks a function's integer argument before covet sees it:
 * '99999999999999999999' for an integer gives "value ... is out of range
 * for type integer", 'ten' gives "invalid input syntax for type integer".
 * SQLite passes any value; its binding hands the value's text to
 * covet_int_parse, which accepts exactly what int4in/int8in (PostgreSQL 15)
 * accept (blanks around, a sign, decimal digits) and fails with the same
 * message and SQLSTATE otherwise, so that both engines judge the same call
 * the same way.  Nothing is clamped.
 *
 *-------------------------------------------------------------------------
 */
#include "covet.h"

#include <string.h>

static bool
is_blank(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

CovetStatus
covet_int_parse(const char *text, bool bigint, int64_t *out, CovetError *err)
{
	const char *type = bigint ? "bigint" : "integer";
	uint64_t	limit = bigint ? (uint64_t) 1 << 63 : (uint64_t) 1 << 31;
	uint64_t	mag = 0;
	bool		neg = false;
	const char *p = text;

	while (is_blank(*p))
		p++;
	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	if (*p < '0' || *p > '9')
		goto syntax;
	/* as PostgreSQL: too many digits is out of range, whatever follows */
	while (*p >= '0' && *p <= '9')
	{
		uint64_t	digit = (uint64_t) (*p++ - '0');

		if (mag > (limit - digit) / 10)
			goto range;
		mag = mag * 10 + digit;
	}
	while (is_blank(*p))
		p++;
	if (*p != '\0')
		goto syntax;
	if (!neg && mag == limit)
		goto range;
	*out = neg ? (int64_t) (0 - mag) : (int64_t) mag;
	return COVET_OK;

range:
	covet_error_set(err, COVET_ERR_INVALID, "value \"%s\" is out of range for type %s",
					text, type);
	memcpy(err->sqlstate, "22003", 6);
	return COVET_ERR_INVALID;

syntax:
	covet_error_set(err, COVET_ERR_INVALID, "invalid input syntax for type %s: \"%s\"",
					type, text);
	memcpy(err->sqlstate, "22P02", 6);
	return COVET_ERR_INVALID;
}
