/*-------------------------------------------------------------------------
 *
 * error.c
 *		CovetError: a status code, a SQLSTATE and three bounded messages.
 *
 * Messages follow PostgreSQL's style guide: the message is lower case
 * without a trailing period; detail and hint are sentences.  Formatting
 * never allocates and truncates silently at the buffer size.
 *
 *-------------------------------------------------------------------------
 */
#include "covet.h"

#include <stdio.h>
#include <string.h>

void
covet_error_clear(CovetError *err)
{
	err->code = COVET_OK;
	err->sqlstate[0] = '\0';
	err->message[0] = '\0';
	err->detail[0] = '\0';
	err->hint[0] = '\0';
}

CovetStatus
covet_error_set(CovetError *err, CovetStatus code, const char *fmt,...)
{
	va_list		ap;

	covet_error_clear(err);
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return code;
}

void
covet_error_detail(CovetError *err, const char *fmt,...)
{
	va_list		ap;

	va_start(ap, fmt);
	vsnprintf(err->detail, sizeof(err->detail), fmt, ap);
	va_end(ap);
}

void
covet_error_hint(CovetError *err, const char *fmt,...)
{
	va_list		ap;

	va_start(ap, fmt);
	vsnprintf(err->hint, sizeof(err->hint), fmt, ap);
	va_end(ap);
}

/* Put context in front of the message: "migration "x" failed: <message>". */
void
covet_error_prefix(CovetError *err, const char *fmt,...)
{
	char		old[sizeof(err->message)];
	size_t		n;
	va_list		ap;

	memcpy(old, err->message, sizeof(old));
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	/* append the old message, truncating at the buffer's end */
	n = strlen(err->message);
	if (n < sizeof(err->message) - 1)
	{
		size_t		room = sizeof(err->message) - 1 - n;
		size_t		len = strnlen(old, sizeof(old));

		if (len > room)
			len = room;
		memcpy(err->message + n, old, len);
		err->message[n + len] = '\0';
	}
}

const char *
covet_status_sqlstate(CovetStatus code)
{
	switch (code)
	{
		case COVET_OK:
			return "00000";
		case COVET_ERR_NOMEM:
			return "53200";
		case COVET_ERR_INVALID:
			return "22023";
		case COVET_ERR_NULL:
			return "22004";
		case COVET_ERR_NOT_FOUND:
			return "42704";
		case COVET_ERR_DUPLICATE:
			return "42710";
		case COVET_ERR_DEPENDENCY:
			return "42P17";
		case COVET_ERR_CHECKSUM:
			return "55000";
		case COVET_ERR_PARSE:
			return "42601";
		case COVET_ERR_SQL:
			return "XX000";
		case COVET_ERR_LOCK:
			return "55P03";
		case COVET_ERR_IO:
			return "58030";
		case COVET_ERR_PRIVILEGE:
			return "42501";
		case COVET_ERR_STATE:
			return "55000";
		case COVET_ERR_INTERNAL:
			return "XX000";
	}
	return "XX000";
}

/* The SQLSTATE to report: the engine's own when it gave one. */
const char *
covet_error_sqlstate(const CovetError *err)
{
	if (err->sqlstate[0] != '\0')
		return err->sqlstate;
	return covet_status_sqlstate(err->code);
}
