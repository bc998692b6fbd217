/*-------------------------------------------------------------------------
 *
 * sqlfrag.c
 *		Quoting, and the check of SQL fragments supplied by callers.
 *
 * Identifiers covet puts into SQL are always double-quoted (quotes inside
 * doubled), which both engines read the same way.  Literals are
 * single-quoted with quotes doubled (standard_conforming_strings).
 *
 * A fragment (a SET list, a WHERE filter, an expression) is SQL by design:
 * the caller writes it and it runs with the caller's rights.  What the check
 * prevents is a fragment that escapes the place covet puts it: a ';' that
 * starts another statement, a ')' that closes covet's own parenthesis (and
 * would turn "AND (key range) AND (x) OR (y)" into an update of every row),
 * an unterminated string or comment that swallows the rest.  covet also
 * puts every fragment on lines of its own, so a trailing "--" comment ends
 * with the fragment.
 *
 *-------------------------------------------------------------------------
 */
#include "covet.h"

#include <string.h>

void
covet_quote_ident(CovetBuf *out, const char *name)
{
	const char *p;

	covet_buf_appendc(out, '"');
	for (p = name; *p; p++)
	{
		if (*p == '"')
			covet_buf_appendc(out, '"');
		covet_buf_appendc(out, *p);
	}
	covet_buf_appendc(out, '"');
}

void
covet_quote_literal(CovetBuf *out, const char *value)
{
	const char *p;

	covet_buf_appendc(out, '\'');
	for (p = value; *p; p++)
	{
		if (*p == '\'')
			covet_buf_appendc(out, '\'');
		covet_buf_appendc(out, *p);
	}
	covet_buf_appendc(out, '\'');
}

static bool
is_ident_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		(c >= '0' && c <= '9') || c == '_' || (unsigned char) c >= 0x80;
}

/* Length of a dollar-quote tag ("$tag$" or "$$") at p, or 0. */
static size_t
dollar_tag(const char *start, const char *p)
{
	const char *q = p + 1;

	if (p > start && is_ident_char(p[-1]))
		return 0;
	if (*q >= '0' && *q <= '9')
		return 0;
	while (is_ident_char(*q))
		q++;
	return *q == '$' ? (size_t) (q - p + 1) : 0;
}

/*
 * If p starts a string, quoted identifier, comment or dollar quote, return
 * the position just after it (NULL when it is not terminated, *problem
 * says what); otherwise return p itself.
 */
static const char *
skip_quoted(const char *start, const char *p, const char **problem)
{
	char		c = *p;
	size_t		tag;

	if (c == '\'' || c == '"')
	{
		for (p++;; p++)
		{
			if (*p == '\0')
			{
				*problem = c == '\'' ? "unterminated string" : "unterminated quoted identifier";
				return NULL;
			}
			if (*p == c)
			{
				if (p[1] != c)
					return p + 1;
				p++;
			}
		}
	}
	if (c == '-' && p[1] == '-')
	{
		while (*p && *p != '\n')
			p++;
		return p;
	}
	if (c == '/' && p[1] == '*')
	{
		int			nest = 1;

		for (p += 2; nest > 0; p++)
		{
			if (*p == '\0')
			{
				*problem = "unterminated comment";
				return NULL;
			}
			if (p[0] == '*' && p[1] == '/')
			{
				nest--;
				p++;
			}
			else if (p[0] == '/' && p[1] == '*')
			{
				nest++;
				p++;
			}
		}
		return p;
	}
	if (c == '$' && (tag = dollar_tag(start, p)) > 0)
	{
		const char *end = p + tag;

		for (;;)
		{
			end = strchr(end, '$');
			if (end == NULL)
			{
				*problem = "unterminated dollar-quoted string";
				return NULL;
			}
			if (strncmp(end, p, tag) == 0)
				return end + tag;
			end++;
		}
	}
	return p;
}

static CovetStatus
fragment_error(CovetError *err, const char *what, const char *sql,
			   const char *problem)
{
	covet_error_set(err, COVET_ERR_INVALID, "invalid %s: %s", what, problem);
	covet_error_detail(err, "The %s was: %.300s", what, sql);
	covet_error_hint(err, "Give one SQL expression (a SET list for set); covet adds the rest of the statement.");
	return COVET_ERR_INVALID;
}

CovetStatus
covet_sql_check_fragment(const char *what, const char *sql, CovetError *err)
{
	const char *p;
	int			depth = 0;
	bool		blank = true;

	if (sql == NULL)
		return covet_error_set(err, COVET_ERR_NULL, "%s must not be null", what);
	for (p = sql; *p; p++)
	{
		if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
			blank = false;
	}
	if (blank)
		return covet_error_set(err, COVET_ERR_INVALID, "%s must not be empty", what);

	for (p = sql; *p;)
	{
		const char *problem = NULL;
		const char *next = skip_quoted(sql, p, &problem);

		if (next == NULL)
			return fragment_error(err, what, sql, problem);
		if (next != p)
		{
			p = next;
			continue;
		}
		if (*p == '(')
			depth++;
		else if (*p == ')' && --depth < 0)
			return fragment_error(err, what, sql, "unbalanced \")\"");
		else if (*p == ';')
			return fragment_error(err, what, sql, "\";\" is not allowed");
		p++;
	}
	if (depth != 0)
		return fragment_error(err, what, sql, "unbalanced \"(\"");
	return COVET_OK;
}

static const char *
skip_space(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

/*
 * One identifier: "quoted" (kept) or bare (folded to lower case).  NULL when
 * there is none, or (*oom set) when memory ran out.
 */
static const char *
read_ident(CovetMem *mem, const char *p, char **out, bool *oom)
{
	CovetBuf	b;

	*out = NULL;
	*oom = false;
	covet_buf_init(&b, mem);
	if (*p == '"')
	{
		for (p++; *p; p++)
		{
			if (*p == '"')
			{
				if (p[1] != '"')
					break;
				p++;
			}
			covet_buf_appendc(&b, *p);
		}
		if (*p != '"')
		{
			covet_buf_free(&b);
			return NULL;
		}
		p++;
	}
	else
	{
		if (!(is_ident_char(*p) && !(*p >= '0' && *p <= '9')))
			return NULL;
		for (; is_ident_char(*p); p++)
			covet_buf_appendc(&b, (*p >= 'A' && *p <= 'Z') ? (char) (*p + 32) : *p);
	}
	if (b.failed || b.data == NULL)
	{
		*oom = b.failed;
		covet_buf_free(&b);
		return NULL;
	}
	*out = b.data;
	return p;
}

/*
 * The columns a SET list assigns: "a = 1, b = f(x, y)" gives a, b; the
 * multi-column form "(a, b) = (1, 2)" gives a, b too.  The list has passed
 * covet_sql_check_fragment.
 */
CovetStatus
covet_sql_set_targets(CovetMem *mem, const char *set_sql, char ***names, int *n,
					  CovetError *err)
{
	const char *p = set_sql;
	char	  **list = NULL;
	int			count = 0,
				cap = 0;

	*names = NULL;
	*n = 0;
	for (;;)
	{
		bool		multi;
		int			depth;

		p = skip_space(p);
		multi = *p == '(';
		if (multi)
			p = skip_space(p + 1);
		for (;;)
		{
			char	   *name;
			bool		oom;

			if (count == cap)
			{
				char	  **nl = covet_alloc(mem, sizeof(char *) * (size_t) (cap ? cap * 2 : 8));

				if (nl == NULL)
					goto nomem;
				if (list != NULL)
				{
					memcpy(nl, list, sizeof(char *) * (size_t) count);
					covet_free(mem, list);
				}
				list = nl;
				cap = cap ? cap * 2 : 8;
			}
			if ((p = read_ident(mem, p, &name, &oom)) == NULL)
			{
				if (oom)
					goto nomem;
				goto bad;
			}
			list[count++] = name;
			p = skip_space(p);
			if (!multi || *p != ',')
				break;
			p = skip_space(p + 1);
		}
		if (multi)
		{
			if (*p != ')')
				goto bad;
			p = skip_space(p + 1);
		}
		if (*p != '=')
			goto bad;
		/* skip the value up to a top-level comma or the end */
		for (p++, depth = 0; *p;)
		{
			const char *problem = NULL;
			const char *next = skip_quoted(set_sql, p, &problem);

			if (next == NULL)
				goto bad;
			if (next != p)
			{
				p = next;
				continue;
			}
			if (*p == '(')
				depth++;
			else if (*p == ')')
				depth--;
			else if (*p == ',' && depth == 0)
				break;
			p++;
		}
		if (*p != ',')
			break;
		p++;
	}
	*names = list;
	*n = count;
	return COVET_OK;

nomem:
	while (count > 0)
		covet_free(mem, list[--count]);
	covet_free(mem, list);
	return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
bad:
	while (count > 0)
		covet_free(mem, list[--count]);
	covet_free(mem, list);
	covet_error_set(err, COVET_ERR_INVALID, "invalid set: expected \"column = expression, ...\"");
	covet_error_detail(err, "The set was: %.300s", set_sql);
	return COVET_ERR_INVALID;
}
