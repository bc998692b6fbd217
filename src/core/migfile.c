/*-------------------------------------------------------------------------
 *
 * migfile.c
 *		Parsing one migration file, and splitting a depends_on list.
 *
 * A migration file, e.g. 0002_add_email.sql, looks like:
 *
 *		-- any ordinary comments
 *		-- covet:depends 0001_init
 *		-- covet:kind schema
 *		-- covet:no-transaction
 *
 *		-- covet:up
 *		ALTER TABLE users ADD COLUMN email text;
 *
 *		-- covet:down
 *		ALTER TABLE users DROP COLUMN email;
 *
 * A directive is a line whose first non-blank characters are "-- covet:"
 * (case-sensitive).  The header, everything before "-- covet:up", holds only
 * blank lines, SQL comments and the header directives (depends, kind,
 * no-transaction).  A section's text is its lines up to the next section
 * directive or the end, without the blank lines around it; inner text is
 * kept byte for byte.  Lines end in "\n" or "\r\n".  An empty (or
 * comment-only) "-- covet:down" section is a down that does nothing (down
 * ""); no "-- covet:down" line at all leaves the migration irreversible
 * (down NULL).
 *
 * Errors are COVET_ERR_PARSE with the message "FILE:LINE: what", FILE as the
 * caller gave it, LINE counted from 1; a file without an up section is
 * "FILE: no ...".  All memory comes from the caller's CovetMem; on error
 * everything allocated here is freed and *out is left zeroed.
 *
 *-------------------------------------------------------------------------
 */
#include "covet.h"

#include <stdio.h>
#include <string.h>

#define DIRECTIVE		"-- covet:"
#define DIRECTIVE_LEN	(sizeof(DIRECTIVE) - 1)

#define DIRECTIVE_HINT \
	"The directives are \"-- covet:up\", \"-- covet:down\", " \
	"\"-- covet:depends\", \"-- covet:kind\" and \"-- covet:no-transaction\"."

/* A growing list of distinct, checked names. */
typedef struct NameList
{
	char	  **names;
	int			n;
	int			cap;
} NameList;

typedef enum ParseState
{
	IN_HEADER,
	IN_UP,
	IN_DOWN
} ParseState;

typedef struct MigParser
{
	CovetMem   *mem;
	const char *filename;
	CovetError *err;
	NameList	depends;
	const char *kind;			/* a static string */
	int			kind_line;		/* 0 = no kind directive yet */
	bool		atomic;
	int			up_line;		/* 0 = no up section yet */
	size_t		up_start;
	size_t		up_end;
	int			down_line;		/* 0 = no down section */
	size_t		down_start;
	size_t		down_end;
} MigParser;

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
		c == '\f' || c == '\v';
}

static void
namelist_free(CovetMem *mem, NameList *list)
{
	int			i;

	for (i = 0; i < list->n; i++)
		covet_free(mem, list->names[i]);
	covet_free(mem, list->names);
	list->names = NULL;
	list->n = 0;
	list->cap = 0;
}

/*
 * Check one name and add it unless it is there already.  The list stays
 * short (a migration's dependencies), so a linear search for duplicates is
 * cheaper than anything cleverer.
 */
static CovetStatus
namelist_add(CovetMem *mem, NameList *list, const char *s, size_t len,
			 const char *what, CovetError *err)
{
	char	   *name;
	CovetStatus rc;
	int			i;

	name = covet_strndup(mem, s, len);
	if (name == NULL)
		return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
	if ((rc = covet_name_check(what, name, err)) != COVET_OK)
	{
		covet_free(mem, name);
		return rc;
	}
	for (i = 0; i < list->n; i++)
	{
		if (strcmp(list->names[i], name) == 0)
		{
			covet_free(mem, name);
			return COVET_OK;
		}
	}
	if (list->n == list->cap)
	{
		int			cap = list->cap ? list->cap * 2 : 4;
		char	  **names = covet_alloc(mem, sizeof(char *) * (size_t) cap);

		if (names == NULL)
		{
			covet_free(mem, name);
			return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
		}
		if (list->n > 0)
			memcpy(names, list->names, sizeof(char *) * (size_t) list->n);
		covet_free(mem, list->names);
		list->names = names;
		list->cap = cap;
	}
	list->names[list->n++] = name;
	return COVET_OK;
}

/*
 * Add the names in s[0..len), separated by commas and/or white space, to
 * list.  *found counts the names seen, duplicates included.
 */
static CovetStatus
split_names(CovetMem *mem, const char *s, size_t len, const char *what,
			NameList *list, int *found, CovetError *err)
{
	size_t		i = 0;

	*found = 0;
	while (i < len)
	{
		size_t		start;
		CovetStatus rc;

		if (s[i] == ',' || is_space(s[i]))
		{
			i++;
			continue;
		}
		start = i;
		while (i < len && s[i] != ',' && !is_space(s[i]))
			i++;
		(*found)++;
		if ((rc = namelist_add(mem, list, s + start, i - start, what, err)) != COVET_OK)
			return rc;
	}
	return COVET_OK;
}

CovetStatus
covet_depends_split(CovetMem *mem, const char *text, char ***names, int *n,
					CovetError *err)
{
	NameList	list = {NULL, 0, 0};
	int			found;
	CovetStatus rc;

	*names = NULL;
	*n = 0;
	if (text == NULL)
		return COVET_OK;
	rc = split_names(mem, text, strlen(text), "dependency name", &list,
					 &found, err);
	if (rc != COVET_OK)
	{
		namelist_free(mem, &list);
		return rc;
	}
	*names = list.names;
	*n = list.n;
	return COVET_OK;
}

/* Set a parse error "FILE:LINE: what". */
static CovetStatus
parse_error(MigParser *p, int line, const char *fmt,...)
			__attribute__((format(printf, 3, 4)));

static CovetStatus
parse_error(MigParser *p, int line, const char *fmt,...)
{
	va_list		ap;

	va_start(ap, fmt);
	covet_error_setv(p->err, COVET_ERR_PARSE, fmt, ap);
	va_end(ap);
	covet_error_prefix(p->err, "%s:%d: ", p->filename, line);
	return COVET_ERR_PARSE;
}

/* Turn an error from a name check into a parse error at a place. */
static CovetStatus
name_error(MigParser *p, int line, CovetStatus rc)
{
	if (rc == COVET_ERR_NOMEM)
		return rc;
	p->err->code = COVET_ERR_PARSE;
	if (line > 0)
		covet_error_prefix(p->err, "%s:%d: ", p->filename, line);
	else
		covet_error_prefix(p->err, "%s: ", p->filename);
	return COVET_ERR_PARSE;
}

/*
 * One directive line.  word is what follows "-- covet:" up to white space,
 * args the rest of the line without surrounding white space.  start is the
 * offset of the line, next that of the line after it.
 */
static CovetStatus
parse_directive(MigParser *p, ParseState *state, int line,
				const char *word, size_t wordlen,
				const char *args, size_t argslen,
				size_t start, size_t next)
{
#define WORD_IS(w)	(wordlen == sizeof(w) - 1 && memcmp(word, w, wordlen) == 0)

	if (WORD_IS("up") || WORD_IS("down") || WORD_IS("no-transaction"))
	{
		if (argslen > 0)
		{
			parse_error(p, line, "unexpected text after \"-- covet:%.*s\"",
						(int) wordlen, word);
			covet_error_hint(p->err, "This directive takes no arguments; "
							 "it stands alone on its line.");
			return COVET_ERR_PARSE;
		}
	}
	else if (!WORD_IS("depends") && !WORD_IS("kind"))
	{
		parse_error(p, line, "unknown directive \"-- covet:%.*s\"",
					(int) (wordlen > 100 ? 100 : wordlen), word);
		covet_error_hint(p->err, DIRECTIVE_HINT);
		return COVET_ERR_PARSE;
	}

	if (WORD_IS("up"))
	{
		if (p->up_line > 0)
		{
			parse_error(p, line, "duplicate \"-- covet:up\" section");
			covet_error_detail(p->err, "The first \"-- covet:up\" is on line %d.",
							   p->up_line);
			return COVET_ERR_PARSE;
		}
		p->up_line = line;
		p->up_start = next;
		*state = IN_UP;
		return COVET_OK;
	}
	if (WORD_IS("down"))
	{
		if (p->down_line > 0)
		{
			parse_error(p, line, "duplicate \"-- covet:down\" section");
			covet_error_detail(p->err, "The first \"-- covet:down\" is on line %d.",
							   p->down_line);
			return COVET_ERR_PARSE;
		}
		if (*state == IN_HEADER)
		{
			parse_error(p, line, "\"-- covet:down\" before \"-- covet:up\"");
			covet_error_hint(p->err, "The down section follows the up section.");
			return COVET_ERR_PARSE;
		}
		p->up_end = start;
		p->down_line = line;
		p->down_start = next;
		*state = IN_DOWN;
		return COVET_OK;
	}

	/* A header directive. */
	if (*state != IN_HEADER)
	{
		parse_error(p, line, "\"-- covet:%.*s\" after \"-- covet:up\"",
					(int) wordlen, word);
		covet_error_hint(p->err, "Put \"-- covet:depends\", \"-- covet:kind\" and "
						 "\"-- covet:no-transaction\" before the \"-- covet:up\" line.");
		return COVET_ERR_PARSE;
	}

	if (WORD_IS("depends"))
	{
		int			found;
		CovetStatus rc;

		rc = split_names(p->mem, args, argslen, "dependency name",
						 &p->depends, &found, p->err);
		if (rc != COVET_OK)
			return name_error(p, line, rc);
		if (found == 0)
		{
			parse_error(p, line, "\"-- covet:depends\" needs at least one migration name");
			covet_error_hint(p->err, "Separate names with commas or spaces, as in "
							 "\"-- covet:depends 0001_init, 0002_users\".");
			return COVET_ERR_PARSE;
		}
		return COVET_OK;
	}
	if (WORD_IS("kind"))
	{
		if (p->kind_line > 0)
		{
			parse_error(p, line, "duplicate \"-- covet:kind\" directive");
			covet_error_detail(p->err, "The first \"-- covet:kind\" is on line %d.",
							   p->kind_line);
			return COVET_ERR_PARSE;
		}
		if (argslen == 6 && memcmp(args, "schema", 6) == 0)
			p->kind = "schema";
		else if (argslen == 4 && memcmp(args, "data", 4) == 0)
			p->kind = "data";
		else
		{
			if (argslen == 0)
				parse_error(p, line, "\"-- covet:kind\" needs a value");
			else
				parse_error(p, line, "invalid kind \"%.*s\"",
							(int) (argslen > 100 ? 100 : argslen), args);
			covet_error_hint(p->err, "The kind is \"schema\" or \"data\".");
			return COVET_ERR_PARSE;
		}
		p->kind_line = line;
		return COVET_OK;
	}
	/* no-transaction */
	p->atomic = false;
	return COVET_OK;
#undef WORD_IS
}

/*
 * Trim a section: drop its leading blank lines and all trailing white
 * space.  Returns false if nothing is left.
 */
static bool
trim_section(const char *text, size_t *start, size_t *end)
{
	size_t		s = *start;
	size_t		e = *end;
	size_t		i = s;

	while (i < e)
	{
		if (text[i] == '\n')
			s = i + 1;
		else if (!is_space(text[i]))
			break;
		i++;
	}
	if (i == e)
		return false;
	while (e > s && is_space(text[e - 1]))
		e--;
	*start = s;
	*end = e;
	return true;
}

/* The migration's name: the file name without directory and ".sql". */
static CovetStatus
file_name(MigParser *p, char **name)
{
	const char *base = strrchr(p->filename, '/');
	size_t		len;
	CovetStatus rc;

	base = base ? base + 1 : p->filename;
	len = strlen(base);
	if (len >= 4 && memcmp(base + len - 4, ".sql", 4) == 0)
		len -= 4;
	*name = covet_strndup(p->mem, base, len);
	if (*name == NULL)
		return covet_error_set(p->err, COVET_ERR_NOMEM, "out of memory");
	if ((rc = covet_name_check("migration name", *name, p->err)) != COVET_OK)
	{
		covet_free(p->mem, *name);
		*name = NULL;
		return name_error(p, 0, rc);
	}
	return COVET_OK;
}

CovetStatus
covet_migfile_parse(CovetMem *mem, const char *filename, const char *text,
					size_t len, CovetMigFile *out, CovetError *err)
{
	MigParser	p;
	ParseState	state = IN_HEADER;
	char	   *name = NULL;
	char	   *up = NULL;
	char	   *down = NULL;
	char	   *kind = NULL;
	const char *nul;
	size_t		pos;
	int			line;
	CovetStatus rc;

	memset(out, 0, sizeof(*out));
	if (filename == NULL)
		return covet_error_set(err, COVET_ERR_NULL, "file name must not be null");
	if (text == NULL && len > 0)
		return covet_error_set(err, COVET_ERR_NULL, "file text must not be null");

	memset(&p, 0, sizeof(p));
	p.mem = mem;
	p.filename = filename;
	p.err = err;
	p.kind = "schema";
	p.atomic = true;

	if ((rc = file_name(&p, &name)) != COVET_OK)
		return rc;

	/* A NUL byte would silently cut the text short later: refuse it. */
	if (len > 0 && (nul = memchr(text, '\0', len)) != NULL)
	{
		const char *c;

		line = 1;
		for (c = text; c < nul; c++)
			if (*c == '\n')
				line++;
		parse_error(&p, line, "null character not permitted");
		rc = COVET_ERR_PARSE;
		goto fail;
	}

	pos = 0;
	line = 0;
	while (pos < len)
	{
		const char *l = text + pos;
		const char *eolp = memchr(l, '\n', len - pos);
		size_t		linelen = eolp ? (size_t) (eolp - l) : len - pos;
		size_t		next = eolp ? pos + linelen + 1 : len;
		size_t		i = 0;
		size_t		rend = linelen;

		line++;
		while (i < linelen && (l[i] == ' ' || l[i] == '\t'))
			i++;
		while (rend > i && is_space(l[rend - 1]))
			rend--;

		if (rend - i >= DIRECTIVE_LEN &&
			memcmp(l + i, DIRECTIVE, DIRECTIVE_LEN) == 0)
		{
			size_t		w = i + DIRECTIVE_LEN;
			size_t		we = w;
			size_t		a;

			while (we < rend && !is_space(l[we]))
				we++;
			a = we;
			while (a < rend && is_space(l[a]))
				a++;
			rc = parse_directive(&p, &state, line, l + w, we - w,
								 l + a, rend - a, pos, next);
			if (rc != COVET_OK)
				goto fail;
		}
		else if (state == IN_HEADER && i < rend &&
				 !(rend - i >= 2 && l[i] == '-' && l[i + 1] == '-'))
		{
			parse_error(&p, line, "text before \"-- covet:up\"");
			covet_error_hint(err, "Only comments and header directives may come "
							 "before the \"-- covet:up\" line.");
			rc = COVET_ERR_PARSE;
			goto fail;
		}
		pos = next;
	}

	if (p.up_line == 0)
	{
		covet_error_set(err, COVET_ERR_PARSE, "%s: no \"-- covet:up\" section",
						filename);
		covet_error_hint(err, "Put the migration's SQL after a line \"-- covet:up\".");
		rc = COVET_ERR_PARSE;
		goto fail;
	}
	if (state == IN_UP)
		p.up_end = len;
	else
		p.down_end = len;

	if (!trim_section(text, &p.up_start, &p.up_end))
	{
		parse_error(&p, p.up_line, "\"-- covet:up\" section is empty");
		rc = COVET_ERR_PARSE;
		goto fail;
	}
	up = covet_strndup(mem, text + p.up_start, p.up_end - p.up_start);
	if (up == NULL)
		goto nomem;
	if (p.down_line > 0)
	{
		/* An empty section is a down that does nothing, as in dbmate. */
		if (!trim_section(text, &p.down_start, &p.down_end))
			p.down_end = p.down_start;
		down = covet_strndup(mem, text + p.down_start,
							 p.down_end - p.down_start);
		if (down == NULL)
			goto nomem;
	}
	kind = covet_strdup(mem, p.kind);
	if (kind == NULL)
		goto nomem;

	out->name = name;
	out->up = up;
	out->down = down;
	out->depends = p.depends.names;
	out->ndepends = p.depends.n;
	out->kind = kind;
	out->atomic = p.atomic;
	return COVET_OK;

nomem:
	rc = covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
fail:
	covet_free(mem, name);
	covet_free(mem, up);
	covet_free(mem, down);
	covet_free(mem, kind);
	namelist_free(mem, &p.depends);
	return rc;
}
