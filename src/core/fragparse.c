/*-------------------------------------------------------------------------
 *
 * fragparse.c
 *		A caller's SQL fragment read by the engine's own parser, alone, so
 *		that one that does not parse is reported with the caller's text.
 *
 * covet wraps fragments (a transform becomes "col = (\n<expr>\n)", a
 * where joins covet's key range), so the engine's error about the whole
 * statement points into covet's wrapping ('near ")": syntax error' for a
 * where of "id <").  Before that, each fragment is put in a probe of its
 * own over a table that does not exist:
 *
 *		expression:  SELECT (\n<fragment>\n) FROM covet_fragment_probe
 *		SET list:    UPDATE covet_fragment_probe SET\n<fragment>\n
 *		ORDER BY:    SELECT 1 FROM covet_fragment_probe ORDER BY\n<fragment>\n, 1 LIMIT 1
 *
 * and the driver's check_syntax parses it without resolving names.  A
 * failing expression is parsed once more as a bare WHERE, whose error
 * (when it fails there too) is the DETAIL: the engine's words then point
 * at the caller's text, not at covet's parenthesis.  A failure is
 *
 *		invalid where expression "id <"
 *		DETAIL: syntax error at end of input        (the engine's words)
 *
 * on both engines; the message quotes at most FRAG_QUOTE_MAX bytes of the
 * text (cut on a character boundary, with "...").  Names that do not
 * exist are left to the compile step (batch.c), which sees the table.
 * The fragment has passed covet_fragment_check (sqlfrag.c) first: it
 * cannot close covet's parenthesis or start a statement of its own.
 *
 *-------------------------------------------------------------------------
 */
#include "covet.h"

#include <string.h>

#define FRAG_QUOTE_MAX 80

static const char *
noun(CovetFragKind kind)
{
	return kind == COVET_FRAG_EXPR ? "expression" : "list";
}

CovetStatus
covet_fragment_parse(CovetDriver *d, const char *what, CovetFragKind kind,
					 const char *sql, CovetError *err)
{
	CovetBuf	b;
	char	   *probe = NULL;
	CovetError	perr;
	CovetStatus rc;
	size_t		len;
	char		quoted[FRAG_QUOTE_MAX + 4];

	if (d->check_syntax == NULL || sql == NULL)
		return COVET_OK;
	covet_buf_init(&b, &d->mem);
	if (kind == COVET_FRAG_SET)
		covet_buf_appendf(&b, "UPDATE %s SET\n%s\n", COVET_FRAGMENT_PROBE, sql);
	else if (kind == COVET_FRAG_ORDER_BY)
		/* what follows fails to parse after a LIMIT or OFFSET in the list */
		covet_buf_appendf(&b, "SELECT 1 FROM %s ORDER BY\n%s\n, 1 LIMIT 1", COVET_FRAGMENT_PROBE, sql);
	else
		covet_buf_appendf(&b, "SELECT (\n%s\n) FROM %s", sql, COVET_FRAGMENT_PROBE);
	if ((rc = covet_buf_finish(&b, &probe, err)) != COVET_OK)
		return rc;
	rc = d->check_syntax(d->ctx, probe, kind == COVET_FRAG_SET ? COVET_SQL_UPDATE : COVET_SQL_SELECT,
						 &perr);
	covet_free(&d->mem, probe);
	if (rc == COVET_OK)
		return COVET_OK;
	if (rc == COVET_ERR_NOMEM)
	{
		*err = perr;
		return rc;
	}
	/*
	 * The engine's words about the parenthesis covet put around an
	 * expression would point at covet's text: when the expression fails
	 * as a bare WHERE too, say what the engine says of that.
	 */
	if (kind == COVET_FRAG_EXPR)
	{
		CovetError	bare;

		covet_buf_init(&b, &d->mem);
		covet_buf_appendf(&b, "SELECT 1 FROM %s WHERE\n%s\n", COVET_FRAGMENT_PROBE, sql);
		if ((rc = covet_buf_finish(&b, &probe, err)) != COVET_OK)
			return rc;
		rc = d->check_syntax(d->ctx, probe, COVET_SQL_SELECT, &bare);
		covet_free(&d->mem, probe);
		if (rc == COVET_ERR_NOMEM)
		{
			*err = bare;
			return rc;
		}
		if (rc != COVET_OK)
			perr = bare;
	}
	len = strlen(sql);
	if (len > FRAG_QUOTE_MAX)
	{
		len = FRAG_QUOTE_MAX - 3;
		/* not inside a UTF-8 character */
		while (len > 0 && ((unsigned char) sql[len] & 0xC0) == 0x80)
			len--;
		memcpy(quoted, sql, len);
		memcpy(quoted + len, "...", 4);
	}
	else
		memcpy(quoted, sql, len + 1);
	covet_error_set(err, COVET_ERR_INVALID, "invalid %s %s \"%s\"", what, noun(kind), quoted);
	if (perr.sqlstate[0] != '\0')
		memcpy(err->sqlstate, perr.sqlstate, sizeof(err->sqlstate));
	covet_error_detail(err, "%s", perr.message);
	if (kind == COVET_FRAG_SET)
		covet_error_hint(err, "Give a SET list such as \"a = 1, b = b + 1\"; covet adds the rest of the statement.");
	else if (kind == COVET_FRAG_ORDER_BY)
		covet_error_hint(err, "Give an ORDER BY list such as \"created_at DESC, id\".");
	else
		covet_error_hint(err, "Give one SQL expression; covet adds the rest of the statement.");
	return COVET_ERR_INVALID;
}
