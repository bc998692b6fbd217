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
 * the caller writes it and it runs with the caller's rights.  What the
 * checks prevent is a fragment that escapes the place covet puts it: a ';'
 * that starts another statement, a ')' that closes covet's own parenthesis
 * (and would turn "AND (key range) AND (x) OR (y)" into an update of every
 * row), a string or comment that swallows the rest, a parameter that reads
 * covet's own key bounds.  covet puts every fragment on lines of its own,
 * so a trailing "--" comment ends with the fragment.
 *
 * Three checks, each on its own sufficient for what it covers:
 *
 *	 1. covet_sql_check_fragment: a scanner that reads the fragment as the
 *		engine's tokenizer does (per engine: PostgreSQL's nested comments,
 *		E'' strings, U&'' and U&"", dollar quotes, $n parameters; SQLite's
 *		`` and [] identifiers, flat comments, ?N :a @a $a #a parameters).
 *		Outside strings, quoted identifiers and comments it allows no ';',
 *		no parameter, no ')' without its '(' and no '(' left open; every
 *		string, identifier and comment must be closed, and a "--" comment
 *		must not hold a lone carriage return (PostgreSQL ends the comment
 *		there, SQLite does not).  Pure: the fuzz targets call it.
 *	 2. the driver's check_fragment (optional): the same rules on the
 *		engine's own tokens (PostgreSQL's core_yylex), so the check is the
 *		engine's reading and not covet's idea of it.
 *	 3. the driver's check_statement: the statement with the fragments in
 *		place must parse as exactly one statement of the expected kind,
 *		with exactly the parameters covet binds (batch.c).
 *
 *-------------------------------------------------------------------------
 */
#include "covet.h"
#include "sqltok.h"

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

/* The engines' tokenizers, as far as the checks need them: sqltok.h. */

static bool
is_ident_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
		(unsigned char) c >= 0x80;
}

/* What may follow the first character of a bare word, in both engines. */
static bool
is_ident_char(char c)
{
	return is_ident_start(c) || (c >= '0' && c <= '9') || c == '$';
}

/* Past a '...'-style quoted text that doubles its quote; NULL if open. */
static const char *
skip_doubled(const char *p, char quote)
{
	for (p++; *p; p++)
	{
		if (*p == quote)
		{
			if (p[1] != quote)
				return p + 1;
			p++;
		}
	}
	return NULL;
}

/* PostgreSQL's E'...': backslash escapes, and doubled quotes. */
static const char *
skip_escape_string(const char *p)
{
	for (p++; *p; p++)
	{
		if (*p == '\\')
		{
			if (p[1] == '\0')
				return NULL;
			p++;
		}
		else if (*p == '\'')
		{
			if (p[1] != '\'')
				return p + 1;
			p++;
		}
	}
	return NULL;
}

/* Length of a dollar-quote delimiter ("$tag$" or "$$") at p, or 0. */
static size_t
dollar_tag(const char *p)
{
	const char *q = p + 1;

	if (is_ident_start(*q))
		while (is_ident_start(*q) || (*q >= '0' && *q <= '9'))
			q++;
	return *q == '$' ? (size_t) (q - p + 1) : 0;
}

/*
 * A "--" comment: to a line feed in SQLite, to a line feed or carriage
 * return in PostgreSQL.  A carriage return that does not start a line feed
 * ends the comment in one engine and not in the other: refused in both.
 */
static TokKind
line_comment(const char *p, const char **next, const char **problem)
{
	for (p += 2; *p && *p != '\n'; p++)
	{
		if (*p == '\r' && p[1] != '\n')
		{
			*problem = "a carriage return inside a \"--\" comment";
			return TOK_BAD;
		}
		if (*p == '\r')
			break;
	}
	*next = p;
	return TOK_SPACE;
}

/* A block comment: nested in PostgreSQL, not in SQLite. */
static TokKind
block_comment(CovetEngine engine, const char *p, const char **next,
			  const char **problem)
{
	int			depth = 1;

	for (p += 2; *p; p++)
	{
		if (p[0] == '*' && p[1] == '/')
		{
			p++;
			if (--depth == 0)
			{
				*next = p + 1;
				return TOK_SPACE;
			}
		}
		else if (p[0] == '/' && p[1] == '*' && engine == COVET_ENGINE_POSTGRES)
		{
			p++;
			depth++;
		}
	}
	*problem = "unterminated comment";
	return TOK_BAD;
}

static TokKind
quoted(const char *end, const char **next, const char **problem,
	   const char *what)
{
	if (end == NULL)
	{
		*problem = what;
		return TOK_BAD;
	}
	*next = end;
	return TOK_WORD;
}

/* PostgreSQL-only token starts: E'', U&'', U&"", $n, $tag$...$tag$. */
static TokKind
pg_token(const char *p, const char **next, const char **problem, bool *done)
{
	size_t		tag;

	*done = true;
	if ((p[0] == 'e' || p[0] == 'E') && p[1] == '\'')
		return quoted(skip_escape_string(p + 1), next, problem, "unterminated string");
	if ((p[0] == 'u' || p[0] == 'U') && p[1] == '&' && (p[2] == '\'' || p[2] == '"'))
		return quoted(skip_doubled(p + 2, p[2]), next, problem,
					  p[2] == '\'' ? "unterminated string" : "unterminated quoted identifier");
	if (p[0] == '$' && p[1] >= '0' && p[1] <= '9')
	{
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
		*next = p;
		return TOK_PARAM;
	}
	if (p[0] == '$' && (tag = dollar_tag(p)) > 0)
	{
		const char *end = p + tag;

		for (;;)
		{
			end = strchr(end, '$');
			if (end == NULL)
			{
				*problem = "unterminated dollar-quoted string";
				return TOK_BAD;
			}
			if (strncmp(end, p, tag) == 0)
			{
				*next = end + tag;
				return TOK_WORD;
			}
			end++;
		}
	}
	*done = false;
	return TOK_OTHER;
}

/* SQLite-only token starts: `ident`, [ident], parameters ?N :a @a $a #a. */
static TokKind
sqlite_token(const char *p, const char **next, const char **problem, bool *done)
{
	*done = true;
	if (*p == '`')
		return quoted(skip_doubled(p, '`'), next, problem, "unterminated quoted identifier");
	if (*p == '[')
	{
		const char *end = strchr(p, ']');

		return quoted(end ? end + 1 : NULL, next, problem, "unterminated quoted identifier");
	}
	if (*p == '?' || *p == ':' || *p == '@' || *p == '$' || *p == '#')
	{
		for (p++; is_ident_char(*p); p++)
			;
		*next = p;
		return TOK_PARAM;
	}
	*done = false;
	return TOK_OTHER;
}

/*
 * The token at p as the engine reads it (as far as the check needs):
 * *next is just past it.
 */
TokKind
covet_sql_scan_token(CovetEngine engine, const char *p, const char **next,
		   const char **problem)
{
	TokKind		kind;
	bool		done;

	*next = p + 1;
	switch (*p)
	{
		case '\0':
			*next = p;
			return TOK_END;
		case ' ':
		case '\t':
		case '\n':
		case '\r':
		case '\f':
			return TOK_SPACE;
		case '(':
			return TOK_LP;
		case ')':
			return TOK_RP;
		case ';':
			return TOK_SEMI;
		case ',':
			return TOK_COMMA;
		case '\'':
		case '"':
			return quoted(skip_doubled(p, *p), next, problem,
						  *p == '\'' ? "unterminated string" : "unterminated quoted identifier");
		case '-':
			if (p[1] == '-')
				return line_comment(p, next, problem);
			return TOK_OTHER;
		case '/':
			if (p[1] == '*')
				return block_comment(engine, p, next, problem);
			return TOK_OTHER;
		default:
			break;
	}
	kind = engine == COVET_ENGINE_POSTGRES ? pg_token(p, next, problem, &done) :
		sqlite_token(p, next, problem, &done);
	if (done)
		return kind;
	if (is_ident_start(*p))
	{
		for (p++; is_ident_char(*p); p++)
			;
		*next = p;
		return TOK_WORD;
	}
	if ((*p >= '0' && *p <= '9') || (*p == '.' && p[1] >= '0' && p[1] <= '9'))
	{
		/* a number, with whatever sticks to it */
		for (p++; is_ident_char(*p) || *p == '.'; p++)
			;
		*next = p;
		return TOK_WORD;
	}
	return TOK_OTHER;
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
covet_sql_check_fragment(CovetEngine engine, const char *what, const char *sql,
						 CovetError *err)
{
	const char *p;
	int			depth = 0;
	bool		blank = true;

	if (sql == NULL)
		return covet_error_set(err, COVET_ERR_NULL, "%s must not be null", what);
	for (p = sql; *p;)
	{
		const char *problem = NULL;
		const char *next;
		TokKind		kind = covet_sql_scan_token(engine, p, &next, &problem);

		switch (kind)
		{
			case TOK_END:
				break;
			case TOK_BAD:
				return fragment_error(err, what, sql, problem);
			case TOK_SEMI:
				return fragment_error(err, what, sql, "\";\" is not allowed");
			case TOK_PARAM:
				return fragment_error(err, what, sql, "parameters are not allowed");
			case TOK_LP:
				depth++;
				break;
			case TOK_RP:
				if (--depth < 0)
					return fragment_error(err, what, sql, "unbalanced \")\"");
				break;
			default:
				break;
		}
		if (kind != TOK_SPACE)
			blank = false;
		p = next;
	}
	if (blank)
		return covet_error_set(err, COVET_ERR_INVALID, "%s must not be empty", what);
	if (depth != 0)
		return fragment_error(err, what, sql, "unbalanced \"(\"");
	return COVET_OK;
}

/* The scanner, then the engine's own tokenizer where the driver has one. */
CovetStatus
covet_fragment_check(CovetDriver *d, const char *what, const char *sql,
					 CovetError *err)
{
	CovetStatus rc = covet_sql_check_fragment(d->dialect->engine, what, sql, err);

	if (rc == COVET_OK && d->check_fragment != NULL)
		rc = d->check_fragment(d->ctx, what, sql, err);
	return rc;
}

/* Past white space and comments. */
static const char *
skip_space(CovetEngine engine, const char *p)
{
	const char *next;
	const char *problem;

	while (covet_sql_scan_token(engine, p, &next, &problem) == TOK_SPACE)
		p = next;
	return p;
}

/*
 * One identifier: "quoted" (and in SQLite `quoted` or [quoted]) kept as
 * it is, bare folded to lower case.  NULL when there is none, or (*oom
 * set) when memory ran out.
 */
static const char *
read_ident(CovetEngine engine, CovetMem *mem, const char *p, char **out, bool *oom)
{
	CovetBuf	b;
	char		close = *p == '[' ? ']' : *p;

	*out = NULL;
	*oom = false;
	covet_buf_init(&b, mem);
	if (*p == '"' || (engine == COVET_ENGINE_SQLITE && (*p == '`' || *p == '[')))
	{
		for (p++; *p; p++)
		{
			if (*p == close)
			{
				if (close == ']' || p[1] != close)
					break;
				p++;
			}
			covet_buf_appendc(&b, *p);
		}
		if (*p != close)
		{
			covet_buf_free(&b);
			return NULL;
		}
		p++;
	}
	else
	{
		if (!is_ident_start(*p))
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
covet_sql_set_targets(CovetEngine engine, CovetMem *mem, const char *set_sql,
					  char ***names, int *n, CovetError *err)
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

		p = skip_space(engine, p);
		multi = *p == '(';
		if (multi)
			p = skip_space(engine, p + 1);
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
			if ((p = read_ident(engine, mem, p, &name, &oom)) == NULL)
			{
				if (oom)
					goto nomem;
				goto bad;
			}
			list[count++] = name;
			p = skip_space(engine, p);
			if (!multi || *p != ',')
				break;
			p = skip_space(engine, p + 1);
		}
		if (multi)
		{
			if (*p != ')')
				goto bad;
			p = skip_space(engine, p + 1);
		}
		if (*p != '=')
			goto bad;
		/* skip the value up to a top-level comma or the end */
		for (p++, depth = 0; *p;)
		{
			const char *problem = NULL;
			const char *next;
			TokKind		kind = covet_sql_scan_token(engine, p, &next, &problem);

			if (kind == TOK_BAD)
				goto bad;
			if (kind == TOK_LP)
				depth++;
			else if (kind == TOK_RP)
				depth--;
			else if (kind == TOK_COMMA && depth == 0)
				break;
			p = next;
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

/* Is the token [p, end) the bare word w (any case)? */
static bool
is_word(const char *p, const char *end, const char *w)
{
	size_t		n = strlen(w);
	size_t		i;

	if ((size_t) (end - p) != n)
		return false;
	for (i = 0; i < n; i++)
		if ((p[i] | 0x20) != w[i])
			return false;
	return true;
}

#define ORDER_MAX_TOKENS 4

/*
 * One ORDER BY item [p, end): the expression, then ASC/DESC and NULLS
 * FIRST/LAST as given or as PostgreSQL's defaults (ASC; NULLS LAST for
 * ASC, FIRST for DESC), flipped with reverse.  The expression keeps its
 * own line, so a "--" comment in it ends there.
 */
static bool
order_item(CovetEngine engine, CovetBuf *out, const char *p, const char *end, bool reverse)
{
	const char *starts[ORDER_MAX_TOKENS] = {0};
	const char *ends[ORDER_MAX_TOKENS] = {0};
	const char *q = p;
	const char *expr_end;
	int			n = 0;
	bool		desc = false;
	int			nulls = 0;		/* 0 default, 1 first, 2 last */

	/* the last few significant tokens, to find the modifiers */
	while (q < end)
	{
		const char *next;
		const char *problem;
		TokKind		kind = covet_sql_scan_token(engine, q, &next, &problem);

		if (kind == TOK_END || kind == TOK_BAD)
			break;
		if (kind != TOK_SPACE)
		{
			memmove(starts, starts + (n == ORDER_MAX_TOKENS), sizeof(char *) * (ORDER_MAX_TOKENS - 1));
			memmove(ends, ends + (n == ORDER_MAX_TOKENS), sizeof(char *) * (ORDER_MAX_TOKENS - 1));
			if (n < ORDER_MAX_TOKENS)
				n++;
			starts[n - 1] = q;
			ends[n - 1] = next > end ? end : next;
		}
		q = next;
	}
	if (n == 0)
		return false;
	expr_end = end;
	if (n >= 3 && is_word(starts[n - 2], ends[n - 2], "nulls") &&
		(is_word(starts[n - 1], ends[n - 1], "first") || is_word(starts[n - 1], ends[n - 1], "last")))
	{
		nulls = is_word(starts[n - 1], ends[n - 1], "first") ? 1 : 2;
		expr_end = starts[n - 2];
		n -= 2;
	}
	if (n >= 2 && (is_word(starts[n - 1], ends[n - 1], "asc") ||
				   is_word(starts[n - 1], ends[n - 1], "desc")))
	{
		desc = is_word(starts[n - 1], ends[n - 1], "desc");
		expr_end = starts[n - 1];
	}
	if (nulls == 0)
		nulls = desc ? 1 : 2;
	if (reverse)
	{
		desc = !desc;
		nulls = 3 - nulls;
	}
	while (p < expr_end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f'))
		p++;
	while (expr_end > p && (expr_end[-1] == ' ' || expr_end[-1] == '\t' || expr_end[-1] == '\n' ||
							expr_end[-1] == '\f'))
		expr_end--;
	covet_buf_appendf(out, "%.*s\n%s NULLS %s", (int) (expr_end - p), p,
					  desc ? "DESC" : "ASC", nulls == 1 ? "FIRST" : "LAST");
	return true;
}

/*
 * An ORDER BY list (it has passed covet_sql_check_fragment and the
 * engine's parser) with every item's direction and NULLS placement
 * spelled out, so that both engines order alike (SQLite's default puts
 * NULLs first, PostgreSQL's last), and reversed with reverse (dedup's
 * keep last).  Items are split at top-level commas.
 */
CovetStatus
covet_sql_order_by(CovetEngine engine, CovetMem *mem, const char *list, bool reverse,
				   char **out, CovetError *err)
{
	CovetBuf	b;
	const char *p = list;
	const char *item = list;
	int			depth = 0;
	bool		first = true;

	*out = NULL;
	covet_buf_init(&b, mem);
	for (;;)
	{
		const char *next;
		const char *problem;
		TokKind		kind = covet_sql_scan_token(engine, p, &next, &problem);

		if (kind == TOK_BAD)
			break;
		if (kind == TOK_LP)
			depth++;
		else if (kind == TOK_RP)
			depth--;
		if (kind == TOK_END || (kind == TOK_COMMA && depth == 0))
		{
			if (!first)
				covet_buf_append(&b, ",\n");
			if (!order_item(engine, &b, item, p, reverse))
			{
				covet_buf_free(&b);
				covet_error_set(err, COVET_ERR_INVALID, "invalid order_by list: an item is empty");
				covet_error_detail(err, "The order_by was: %.300s", list);
				return COVET_ERR_INVALID;
			}
			first = false;
			if (kind == TOK_END)
				break;
			item = next;
		}
		p = next;
	}
	return covet_buf_finish(&b, out, err);
}
