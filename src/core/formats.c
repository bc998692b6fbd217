/*-------------------------------------------------------------------------
 *
 * formats.c
 *		Migration files as golang-migrate, dbmate, goose, Flyway and sqitch
 *		write them, read as they are; versions compared as versions.
 *
 * A file is recognised by its name first, then by its content:
 *
 *		1_init.up.sql, 1_init.down.sql	golang-migrate: the whole file is
 *										the up (or down) text
 *		V1_1__init.sql, U1_1__init.sql	Flyway: versioned script, its undo
 *		R__views.sql					Flyway: repeatable script
 *		sqitch.plan, deploy/x.sql,		sqitch: the plan, a change's deploy,
 *		revert/x.sql, verify/x.sql		revert and (ignored) verify script
 *		"-- migrate:up" line			dbmate (20240101_x.sql)
 *		"-- +goose Up" line				goose (00001_x.sql)
 *		anything else					covet's own format (migfile.c)
 *
 * Markers may be indented.  A migration's name is the file's base name
 * without ".up.sql", ".down.sql" or ".sql" (sqitch: the change's name);
 * its version is the file name's version as spelled there ("1_1" for
 * V1_1__init.sql), NULL for covet's own files and sqitch.
 *
 * Sections (dbmate, goose) follow covet's rules: before the up marker
 * only blank lines and comments; a section's text without the blank lines
 * around it; no down marker: no down section (irreversible); a down marker
 * with nothing after it: a down section with no statement ("", a no-op).
 * Options: dbmate "transaction:false" on either marker, goose
 * "-- +goose NO TRANSACTION" make the migration non-transactional (atomic
 * false).  goose's StatementBegin/StatementEnd lines stay in the text as
 * the comments they are: the engine's own parser splits statements.
 *
 * Errors are COVET_ERR_PARSE "FILE:LINE: what", as in migfile.c.  All
 * memory comes from the caller's CovetMem; on error nothing is kept.
 *
 *-------------------------------------------------------------------------
 */
#include "formats.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *const format_names[COVET_NFORMATS] = {
	"covet", "golang-migrate", "dbmate", "goose", "flyway", "sqitch"
};

const char *
covet_format_name(CovetFormat f)
{
	if ((int) f < 0 || (int) f >= COVET_NFORMATS)
		return "unknown";
	return format_names[f];
}

/* --- versions -------------------------------------------------------------- */

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool
is_vsep(char c)
{
	return c == '.' || c == '_' || c == '-';
}

/*
 * Token classes at *p (prev: the character before, or NUL): a digit run,
 * a version separator (between digit runs), the end, or a byte.
 */
typedef enum VTok
{
	VT_END,
	VT_BYTE,
	VT_SEP,
	VT_NUM
} VTok;

static VTok
vtok(const char *p, bool after_digit)
{
	if (*p == '\0')
		return VT_END;
	if (is_digit(*p))
		return VT_NUM;
	if (after_digit && is_vsep(*p) && is_digit(p[1]))
		return VT_SEP;
	return VT_BYTE;
}

/*
 * After a digit run: skip parts that are all zeros up to the version's end
 * ("1.0" is "1", as in Flyway); p unchanged if a non-zero part follows.
 */
static const char *
zero_parts(const char *p)
{
	const char *q = p;

	while (is_vsep(*q) && is_digit(q[1]))
	{
		const char *r = q + 1;

		while (*r == '0')
			r++;
		if (is_digit(*r))
			return p;
		q = r;
	}
	return q;
}

int
covet_version_cmp_loose(const char *a, const char *b)
{
	bool		ad = false,
				bd = false;

	for (;;)
	{
		VTok		ta = vtok(a, ad);
		VTok		tb = vtok(b, bd);

		/* a version that goes on sorts after one that ends here */
		if ((ta == VT_SEP) != (tb == VT_SEP))
		{
			const char **p = ta == VT_SEP ? &a : &b;
			const char *rest = zero_parts(*p);

			if (rest == *p)
				return ta == VT_SEP ? 1 : -1;
			*p = rest;			/* only zeros: the same version so far */
			continue;
		}
		if (ta == VT_END || tb == VT_END)
			return (ta != VT_END) - (tb != VT_END);
		if (ta == VT_NUM && tb == VT_NUM)
		{
			const char *ea,
					   *eb;
			size_t		la,
						lb;

			while (*a == '0' && is_digit(a[1]))
				a++;
			while (*b == '0' && is_digit(b[1]))
				b++;
			for (ea = a; is_digit(*ea); ea++)
				;
			for (eb = b; is_digit(*eb); eb++)
				;
			la = (size_t) (ea - a);
			lb = (size_t) (eb - b);
			if (la != lb)
				return la < lb ? -1 : 1;
			if (memcmp(a, b, la) != 0)
				return memcmp(a, b, la) < 0 ? -1 : 1;
			a = ea;
			b = eb;
			ad = bd = true;
			continue;
		}
		if (ta == VT_SEP && tb == VT_SEP)
		{
			a++;
			b++;
			ad = bd = false;
			continue;
		}
		if (ta == VT_NUM || tb == VT_NUM)
			return (unsigned char) *a < (unsigned char) *b ? -1 : 1;
		if (*a != *b)
			return (unsigned char) *a < (unsigned char) *b ? -1 : 1;
		a++;
		b++;
		ad = bd = false;
	}
}

int
covet_version_cmp(const char *a, const char *b)
{
	int			c = covet_version_cmp_loose(a, b);

	return c != 0 ? c : strcmp(a, b);
}

/* --- Flyway's checksum ------------------------------------------------------- */

static uint32_t
crc32_update(uint32_t crc, const unsigned char *p, size_t n)
{
	size_t		i;
	int			k;

	for (i = 0; i < n; i++)
	{
		crc ^= p[i];
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
	}
	return crc;
}

int32_t
covet_flyway_checksum(const char *text, size_t len)
{
	uint32_t	crc = 0xFFFFFFFFu;
	size_t		pos = 0;
	bool		first = true;

	while (pos < len)
	{
		size_t		e = pos;

		while (e < len && text[e] != '\n' && text[e] != '\r')
			e++;
		if (first && e - pos >= 3 && memcmp(text + pos, "\xEF\xBB\xBF", 3) == 0)
			pos += 3;
		first = false;
		crc = crc32_update(crc, (const unsigned char *) text + pos, e - pos);
		if (e < len && text[e] == '\r' && e + 1 < len && text[e + 1] == '\n')
			e++;
		pos = e + 1;
	}
	return (int32_t) (crc ^ 0xFFFFFFFFu);
}

/* --- file names ------------------------------------------------------------ */

static const char *
base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static bool
has_suffix(const char *s, size_t len, const char *suffix)
{
	size_t		m = strlen(suffix);

	return len >= m && memcmp(s + len - m, suffix, m) == 0;
}

/* Length of a Flyway version at s ([0-9] then [0-9._], not "__"), or 0. */
static size_t
flyway_version_len(const char *s)
{
	size_t		i = 0;

	if (!is_digit(s[0]))
		return 0;
	while (is_digit(s[i]) || s[i] == '.' || (s[i] == '_' && s[i + 1] != '_'))
		i++;
	return i;
}

/* The sqitch directory a path starts with: 1 deploy, 2 revert, 3 verify. */
static int
sqitch_dir(const char *path)
{
	if (strncmp(path, "deploy/", 7) == 0)
		return 1;
	if (strncmp(path, "revert/", 7) == 0)
		return 2;
	if (strncmp(path, "verify/", 7) == 0)
		return 3;
	return 0;
}

int
covet_format_by_name(const char *filename)
{
	const char *base = base_name(filename);
	size_t		len = strlen(base);
	size_t		i;

	if (strcmp(base, "sqitch.plan") == 0 ||
		(sqitch_dir(filename) && strchr(filename + 7, '/') == NULL &&
		 has_suffix(filename, strlen(filename), ".sql")))
		return COVET_FMT_SQITCH;
	if (has_suffix(base, len, ".up.sql") || has_suffix(base, len, ".down.sql"))
	{
		for (i = 0; is_digit(base[i]); i++)
			;
		if (i > 0 && base[i] == '_')
			return COVET_FMT_GOLANG_MIGRATE;
	}
	if (has_suffix(base, len, ".sql"))
	{
		if (base[0] == 'R' && base[1] == '_' && base[2] == '_')
			return COVET_FMT_FLYWAY;
		if ((base[0] == 'V' || base[0] == 'U') &&
			(i = flyway_version_len(base + 1)) > 0 &&
			base[1 + i] == '_' && base[2 + i] == '_')
			return COVET_FMT_FLYWAY;
	}
	return -1;
}

/* --- parsing helpers ------------------------------------------------------- */

typedef struct Parse
{
	CovetMem   *mem;
	const char *filename;
	CovetError *err;
} Parse;

static CovetStatus
perr(Parse *p, int line, const char *fmt,...)
			__attribute__((format(printf, 3, 4)));

static CovetStatus
perr(Parse *p, int line, const char *fmt,...)
{
	va_list		ap;

	va_start(ap, fmt);
	covet_error_setv(p->err, COVET_ERR_PARSE, fmt, ap);
	va_end(ap);
	if (line > 0)
		covet_error_prefix(p->err, "%s:%d: ", p->filename, line);
	else
		covet_error_prefix(p->err, "%s: ", p->filename);
	return COVET_ERR_PARSE;
}

static CovetStatus
nomem(Parse *p)
{
	return covet_error_set(p->err, COVET_ERR_NOMEM, "out of memory");
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* A copy of text[start, end) without its blank lines around; "" if none. */
static char *
section_copy(CovetMem *mem, const char *text, size_t start, size_t end)
{
	size_t		s = start,
				i = start;

	while (i < end)
	{
		if (text[i] == '\n')
			s = i + 1;
		else if (!is_space(text[i]))
			break;
		i++;
	}
	if (i == end)
		return covet_strdup(mem, "");
	while (end > s && is_space(text[end - 1]))
		end--;
	return covet_strndup(mem, text + s, end - s);
}

/* The migration name: the base name without suffix; checked. */
static CovetStatus
set_name(Parse *p, const char *base, size_t len, char **out)
{
	CovetStatus rc;

	if ((*out = covet_strndup(p->mem, base, len)) == NULL)
		return nomem(p);
	if ((rc = covet_name_check("migration name", *out, p->err)) != COVET_OK)
	{
		covet_free(p->mem, *out);
		*out = NULL;
		if (rc == COVET_ERR_NOMEM)
			return rc;
		p->err->code = COVET_ERR_PARSE;
		covet_error_prefix(p->err, "%s: ", p->filename);
		return COVET_ERR_PARSE;
	}
	return COVET_OK;
}

/* The leading digits of a base name as the version; error if none. */
static CovetStatus
set_digit_version(Parse *p, const char *base, const char *tool, char **out)
{
	size_t		i;

	for (i = 0; is_digit(base[i]); i++)
		;
	if (i == 0)
	{
		perr(p, 0, "%s file name does not start with a version", tool);
		covet_error_hint(p->err, "Name the file {version}_{description}.sql, as %s does.", tool);
		return COVET_ERR_PARSE;
	}
	if ((*out = covet_strndup(p->mem, base, i)) == NULL)
		return nomem(p);
	return COVET_OK;
}

static CovetStatus
check_nul(Parse *p, const char *text, size_t len)
{
	const char *nul = len > 0 ? memchr(text, '\0', len) : NULL;
	int			line = 1;
	const char *c;

	if (nul == NULL)
		return COVET_OK;
	for (c = text; c < nul; c++)
		if (*c == '\n')
			line++;
	return perr(p, line, "null character not permitted");
}

/* --- golang-migrate and Flyway: the whole file ------------------------------ */

static CovetStatus
parse_golang(Parse *p, const char *text, size_t len, CovetPiece *out)
{
	const char *base = base_name(p->filename);
	size_t		blen = strlen(base);
	bool		down = has_suffix(base, blen, ".down.sql");
	CovetStatus rc;
	char	   *body;

	if ((rc = set_name(p, base, blen - (down ? 9 : 7), &out->def.name)) != COVET_OK)
		return rc;
	if ((rc = set_digit_version(p, base, "golang-migrate", &out->version)) != COVET_OK)
		return rc;
	if ((body = section_copy(p->mem, text, 0, len)) == NULL)
		return nomem(p);
	out->kind = down ? COVET_PIECE_DOWN : COVET_PIECE_DEF;
	if (down)
		out->def.down = body;
	else
		out->def.up = body;
	return COVET_OK;
}

static CovetStatus
parse_flyway(Parse *p, const char *text, size_t len, CovetPiece *out)
{
	const char *base = base_name(p->filename);
	size_t		blen = strlen(base);
	CovetStatus rc;
	char	   *body;

	if ((rc = set_name(p, base, blen - 4, &out->def.name)) != COVET_OK)
		return rc;
	if (base[0] == 'R')
		out->repeatable = true;
	else if ((out->version = covet_strndup(p->mem, base + 1,
										   flyway_version_len(base + 1))) == NULL)
		return nomem(p);
	/*
	 * As it is but for its final line ends (which psql's `cat` drops):
	 * Flyway's checksum (covet_adopt) is over the file's lines, and final
	 * line ends add no line.
	 */
	while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r'))
		len--;
	if ((body = covet_strndup(p->mem, text, len)) == NULL)
		return nomem(p);
	if (base[0] == 'U')
	{
		out->kind = COVET_PIECE_DOWN;
		out->def.down = body;
	}
	else
	{
		out->kind = COVET_PIECE_DEF;
		out->def.up = body;
	}
	return COVET_OK;
}

/* --- dbmate and goose: marked sections -------------------------------------- */

typedef enum Mark
{
	MARK_NONE,
	MARK_UP,
	MARK_DOWN,
	MARK_OTHER					/* a goose annotation that is no section */
} Mark;

typedef struct Sections
{
	int			up_line;
	size_t		up_start;
	size_t		up_end;
	int			down_line;
	size_t		down_start;
	size_t		down_end;
	bool		atomic;
} Sections;

/* "--", optional blanks, then word (case-insensitive if nocase); the rest. */
static bool
comment_word(const char *l, size_t n, const char *word, bool nocase,
			 const char **rest, size_t *restlen)
{
	size_t		i = 0;
	size_t		w = strlen(word);

	if (n < 2 || l[0] != '-' || l[1] != '-')
		return false;
	i = 2;
	while (i < n && (l[i] == ' ' || l[i] == '\t'))
		i++;
	if (n - i < w || (nocase ? strncasecmp(l + i, word, w) : strncmp(l + i, word, w)) != 0)
		return false;
	i += w;
	if (i < n && !is_space(l[i]))
		return false;
	while (i < n && is_space(l[i]))
		i++;
	*rest = l + i;
	*restlen = n - i;
	return true;
}

/* dbmate's options after a marker: "transaction:false" or ":true". */
static CovetStatus
dbmate_options(Parse *p, int line, const char *s, size_t n, Sections *sec)
{
	size_t		i = 0;

	while (i < n)
	{
		size_t		st;

		while (i < n && is_space(s[i]))
			i++;
		st = i;
		while (i < n && !is_space(s[i]))
			i++;
		if (i == st)
			break;
		if (i - st == 17 && memcmp(s + st, "transaction:false", 17) == 0)
			sec->atomic = false;
		else if (!(i - st == 16 && memcmp(s + st, "transaction:true", 16) == 0))
		{
			perr(p, line, "unknown dbmate option \"%.*s\"",
				 (int) (i - st > 100 ? 100 : i - st), s + st);
			covet_error_hint(p->err, "dbmate's option is \"transaction:false\".");
			return COVET_ERR_PARSE;
		}
	}
	return COVET_OK;
}

/* Which marker a dbmate or goose line (without indentation) is. */
static CovetStatus
line_mark(Parse *p, CovetFormat f, int line, const char *l, size_t n,
		  Sections *sec, Mark *mark)
{
	const char *rest;
	size_t		rl;

	*mark = MARK_NONE;
	if (f == COVET_FMT_DBMATE)
	{
		if (comment_word(l, n, "migrate:up", false, &rest, &rl))
			*mark = MARK_UP;
		else if (comment_word(l, n, "migrate:down", false, &rest, &rl))
			*mark = MARK_DOWN;
		else
			return COVET_OK;
		return dbmate_options(p, line, rest, rl, sec);
	}
	if (!comment_word(l, n, "+goose", false, &rest, &rl))
		return COVET_OK;
	while (rl > 0 && is_space(rest[rl - 1]))
		rl--;
#define IS(w) (rl == sizeof(w) - 1 && strncasecmp(rest, w, rl) == 0)
	if (IS("Up"))
		*mark = MARK_UP;
	else if (IS("Down"))
		*mark = MARK_DOWN;
	else if (IS("StatementBegin") || IS("StatementEnd") ||
			 IS("ENVSUB ON") || IS("ENVSUB OFF"))
		*mark = MARK_OTHER;
	else if (IS("NO TRANSACTION"))
	{
		*mark = MARK_OTHER;
		sec->atomic = false;
	}
	else
	{
		perr(p, line, "unknown goose annotation \"-- +goose %.*s\"",
			 (int) (rl > 100 ? 100 : rl), rest);
		covet_error_hint(p->err, "The annotations are Up, Down, StatementBegin, StatementEnd, NO TRANSACTION and ENVSUB ON/OFF.");
		return COVET_ERR_PARSE;
	}
#undef IS
	return COVET_OK;
}

static CovetStatus
find_sections(Parse *p, CovetFormat f, const char *text, size_t len,
			  Sections *sec)
{
	const char *upm = f == COVET_FMT_DBMATE ? "-- migrate:up" : "-- +goose Up";
	const char *downm = f == COVET_FMT_DBMATE ? "-- migrate:down" : "-- +goose Down";
	size_t		pos = 0;
	int			line = 0;
	int			state = 0;		/* 0 header, 1 up, 2 down */

	memset(sec, 0, sizeof(*sec));
	sec->atomic = true;
	while (pos < len)
	{
		const char *l = text + pos;
		const char *eol = memchr(l, '\n', len - pos);
		size_t		n = eol ? (size_t) (eol - l) : len - pos;
		size_t		next = eol ? pos + n + 1 : len;
		size_t		i = 0;
		Mark		mark;
		CovetStatus rc;

		line++;
		while (i < n && (l[i] == ' ' || l[i] == '\t'))
			i++;
		if ((rc = line_mark(p, f, line, l + i, n - i, sec, &mark)) != COVET_OK)
			return rc;
		if (mark == MARK_UP)
		{
			if (sec->up_line > 0)
			{
				perr(p, line, "duplicate \"%s\" section", upm);
				covet_error_detail(p->err, "The first is on line %d.", sec->up_line);
				return COVET_ERR_PARSE;
			}
			sec->up_line = line;
			sec->up_start = next;
			state = 1;
		}
		else if (mark == MARK_DOWN)
		{
			if (sec->down_line > 0)
			{
				perr(p, line, "duplicate \"%s\" section", downm);
				covet_error_detail(p->err, "The first is on line %d.", sec->down_line);
				return COVET_ERR_PARSE;
			}
			if (state == 0)
			{
				perr(p, line, "\"%s\" before \"%s\"", downm, upm);
				covet_error_hint(p->err, "The down section follows the up section.");
				return COVET_ERR_PARSE;
			}
			sec->up_end = pos;
			sec->down_line = line;
			sec->down_start = next;
			state = 2;
		}
		else if (state == 0 && mark == MARK_NONE)
		{
			size_t		r = n;

			while (r > i && is_space(l[r - 1]))
				r--;
			if (r > i && !(r - i >= 2 && l[i] == '-' && l[i + 1] == '-'))
			{
				perr(p, line, "text before \"%s\"", upm);
				covet_error_hint(p->err, "Only comments may come before the \"%s\" line.", upm);
				return COVET_ERR_PARSE;
			}
		}
		pos = next;
	}
	if (sec->up_line == 0)
	{
		perr(p, 0, "no \"%s\" section", upm);
		covet_error_hint(p->err, "Put the migration's SQL after a line \"%s\".", upm);
		return COVET_ERR_PARSE;
	}
	if (state == 1)
		sec->up_end = len;
	else
		sec->down_end = len;
	return COVET_OK;
}

static CovetStatus
parse_sections(Parse *p, CovetFormat f, const char *text, size_t len,
			   CovetPiece *out)
{
	const char *base = base_name(p->filename);
	size_t		blen = strlen(base);
	Sections	sec;
	CovetStatus rc;

	if ((rc = set_name(p, base, has_suffix(base, blen, ".sql") ? blen - 4 : blen,
					   &out->def.name)) != COVET_OK)
		return rc;
	if ((rc = set_digit_version(p, base, covet_format_name(f), &out->version)) != COVET_OK)
		return rc;
	if ((rc = find_sections(p, f, text, len, &sec)) != COVET_OK)
		return rc;
	if ((out->def.up = section_copy(p->mem, text, sec.up_start, sec.up_end)) == NULL)
		return nomem(p);
	if (out->def.up[0] == '\0')
		return perr(p, sec.up_line, "\"%s\" section is empty",
					f == COVET_FMT_DBMATE ? "-- migrate:up" : "-- +goose Up");
	if (sec.down_line > 0 &&
		(out->def.down = section_copy(p->mem, text, sec.down_start, sec.down_end)) == NULL)
		return nomem(p);
	out->def.atomic = sec.atomic;
	out->kind = COVET_PIECE_DEF;
	return COVET_OK;
}

/* Does a line of the text (indented or not) hold marker? */
static bool
has_marker(const char *text, size_t len, const char *word)
{
	size_t		pos = 0;

	while (pos < len)
	{
		const char *l = text + pos;
		const char *eol = memchr(l, '\n', len - pos);
		size_t		n = eol ? (size_t) (eol - l) : len - pos;
		size_t		i = 0;
		const char *rest;
		size_t		rl;

		while (i < n && (l[i] == ' ' || l[i] == '\t'))
			i++;
		if (comment_word(l + i, n - i, word, false, &rest, &rl))
			return true;
		pos = eol ? pos + n + 1 : len;
	}
	return false;
}

/* --- sqitch ------------------------------------------------------------------ */

static void
plan_free(CovetMem *mem, CovetPlanChange *c, int n)
{
	int			i,
				j;

	for (i = 0; c != NULL && i < n; i++)
	{
		covet_free(mem, c[i].name);
		for (j = 0; j < c[i].ndeps; j++)
			covet_free(mem, c[i].deps[j]);
		covet_free(mem, c[i].deps);
	}
	covet_free(mem, c);
}

static int
plan_index(const CovetPlanChange *c, int n, const char *name, size_t len)
{
	int			i;

	for (i = 0; i < n; i++)
		if (strlen(c[i].name) == len && memcmp(c[i].name, name, len) == 0)
			return i;
	return -1;
}

/* Add dependency name[0..len) to change c unless it is there. */
static CovetStatus
plan_dep_add(Parse *p, CovetPlanChange *c, const char *name, size_t len,
			 int maxdeps)
{
	int			j;

	for (j = 0; j < c->ndeps; j++)
		if (strlen(c->deps[j]) == len && memcmp(c->deps[j], name, len) == 0)
			return COVET_OK;
	if (c->ndeps >= maxdeps)
		return covet_error_set(p->err, COVET_ERR_INTERNAL, "too many dependencies");
	if ((c->deps[c->ndeps] = covet_strndup(p->mem, name, len)) == NULL)
		return nomem(p);
	c->ndeps++;
	return COVET_OK;
}

/* One change line: name, optional [deps], the rest ignored. */
static CovetStatus
plan_change(Parse *p, int line, const char *l, size_t n, CovetPlanChange *all,
			int nall, CovetPlanChange *c)
{
	size_t		i = 0,
				st;
	int			maxdeps = 1;
	CovetStatus rc;

	while (i < n && !is_space(l[i]) && l[i] != '[')
		i++;
	if (plan_index(all, nall, l, i) >= 0)
	{
		perr(p, line, "change \"%.*s\" is reworked, which covet does not read",
			 (int) (i > 100 ? 100 : i), l);
		covet_error_hint(p->err, "Give the reworked change a new name, or load the changes before the rework.");
		return COVET_ERR_PARSE;
	}
	if ((rc = set_name(p, l, i, &c->name)) != COVET_OK)
	{
		covet_error_prefix(p->err, "line %d: ", line);
		return rc;
	}
	for (st = 0; st < n; st++)
		if (is_space(l[st]) || l[st] == '[')
			maxdeps++;
	c->deps = covet_alloc0(p->mem, sizeof(char *) * (size_t) maxdeps);
	if (c->deps == NULL)
		return nomem(p);
	if (nall > 0 && (rc = plan_dep_add(p, c, all[nall - 1].name,
									   strlen(all[nall - 1].name), maxdeps)) != COVET_OK)
		return rc;
	while (i < n && (l[i] == ' ' || l[i] == '\t'))
		i++;
	if (i >= n || l[i] != '[')
		return COVET_OK;
	for (i++;;)
	{
		size_t		e,
					at;

		while (i < n && is_space(l[i]))
			i++;
		if (i >= n)
			return perr(p, line, "unterminated \"[\" in the dependencies of \"%s\"", c->name);
		if (l[i] == ']')
			return COVET_OK;
		st = i;
		while (i < n && !is_space(l[i]) && l[i] != ']')
			i++;
		if (l[st] == '!' || memchr(l + st, ':', i - st) != NULL)
			continue;			/* a conflict, or another project's change */
		for (e = st, at = i; e < i; e++)
			if (l[e] == '@')
			{
				at = e;
				break;
			}
		if (plan_index(all, nall, l + st, at - st) < 0)
		{
			perr(p, line, "change \"%s\" requires \"%.*s\", which is not earlier in the plan",
				 c->name, (int) (at - st > 100 ? 100 : at - st), l + st);
			covet_error_hint(p->err, "A sqitch change may require only changes planned before it.");
			return COVET_ERR_PARSE;
		}
		if ((rc = plan_dep_add(p, c, l + st, at - st, maxdeps)) != COVET_OK)
			return rc;
	}
}

static CovetStatus
parse_plan(Parse *p, const char *text, size_t len, CovetPiece *out)
{
	size_t		pos = 0;
	int			line = 0;
	int			cap = 1;
	size_t		k;

	for (k = 0; k < len; k++)
		if (text[k] == '\n')
			cap++;
	out->kind = COVET_PIECE_PLAN;
	out->changes = covet_alloc0(p->mem, sizeof(CovetPlanChange) * (size_t) cap);
	if (out->changes == NULL)
		return nomem(p);
	while (pos < len)
	{
		const char *l = text + pos;
		const char *eol = memchr(l, '\n', len - pos);
		size_t		n = eol ? (size_t) (eol - l) : len - pos;
		size_t		i = 0;
		CovetStatus rc;

		line++;
		pos = eol ? pos + n + 1 : len;
		while (i < n && is_space(l[i]))
			i++;
		while (n > i && is_space(l[n - 1]))
			n--;
		if (i == n || l[i] == '#' || l[i] == '%' || l[i] == '@')
			continue;			/* blank, comment, pragma, tag */
		rc = plan_change(p, line, l + i, n - i, out->changes, out->nchanges,
						 &out->changes[out->nchanges]);
		out->nchanges++;
		if (rc != COVET_OK)
			return rc;
	}
	if (out->nchanges == 0)
		return perr(p, 0, "the plan has no change");
	return COVET_OK;
}

static CovetStatus
parse_sqitch(Parse *p, const char *text, size_t len, CovetPiece *out)
{
	const char *base = base_name(p->filename);
	int			dir = sqitch_dir(p->filename);
	CovetStatus rc;
	char	   *body;

	if (strcmp(base, "sqitch.plan") == 0)
		return parse_plan(p, text, len, out);
	if ((rc = set_name(p, base, strlen(base) - 4, &out->def.name)) != COVET_OK)
		return rc;
	if (dir == 3)
	{
		out->kind = COVET_PIECE_IGNORED;
		return COVET_OK;
	}
	if ((body = section_copy(p->mem, text, 0, len)) == NULL)
		return nomem(p);
	if (dir == 1)
	{
		out->kind = COVET_PIECE_DEF;
		out->def.up = body;
	}
	else
	{
		out->kind = COVET_PIECE_DOWN;
		out->def.down = body;
	}
	return COVET_OK;
}

/* --- entry points ------------------------------------------------------------ */

void
covet_piece_free(CovetMem *mem, CovetPiece *p)
{
	int			i;

	covet_free(mem, p->def.name);
	covet_free(mem, p->def.up);
	covet_free(mem, p->def.down);
	covet_free(mem, p->def.kind);
	for (i = 0; i < p->def.ndepends; i++)
		covet_free(mem, p->def.depends[i]);
	covet_free(mem, p->def.depends);
	covet_free(mem, p->version);
	plan_free(mem, p->changes, p->nchanges);
	memset(p, 0, sizeof(*p));
}

CovetStatus
covet_piece_parse(CovetMem *mem, const char *filename, const char *text,
				  size_t len, CovetPiece *out, CovetError *err)
{
	Parse		p = {mem, filename, err};
	int			f;
	CovetStatus rc = COVET_OK;

	memset(out, 0, sizeof(*out));
	if (filename == NULL)
		return covet_error_set(err, COVET_ERR_NULL, "file name must not be null");
	if (text == NULL && len > 0)
		return covet_error_set(err, COVET_ERR_NULL, "file text must not be null");
	if (text == NULL)
		text = "";
	if ((rc = check_nul(&p, text, len)) != COVET_OK)
		return rc;
	f = covet_format_by_name(filename);
	if (f < 0)
	{
		if (has_marker(text, len, "migrate:up") || has_marker(text, len, "migrate:down"))
			f = COVET_FMT_DBMATE;
		else if (has_marker(text, len, "+goose"))
			f = COVET_FMT_GOOSE;
		else
			f = COVET_FMT_COVET;
	}
	out->format = (CovetFormat) f;
	out->def.atomic = true;
	switch (out->format)
	{
		case COVET_FMT_COVET:
			rc = covet_migfile_parse(mem, filename, text, len, &out->def, err);
			out->kind = COVET_PIECE_DEF;
			out->repeatable = rc == COVET_OK && out->def.repeatable;
			out->format = COVET_FMT_COVET;
			return rc;
		case COVET_FMT_GOLANG_MIGRATE:
			rc = parse_golang(&p, text, len, out);
			break;
		case COVET_FMT_DBMATE:
		case COVET_FMT_GOOSE:
			rc = parse_sections(&p, out->format, text, len, out);
			break;
		case COVET_FMT_FLYWAY:
			rc = parse_flyway(&p, text, len, out);
			break;
		case COVET_FMT_SQITCH:
			rc = parse_sqitch(&p, text, len, out);
			break;
	}
	if (rc == COVET_OK && out->kind == COVET_PIECE_DEF &&
		(out->def.kind = covet_strdup(mem, "schema")) == NULL)
		rc = nomem(&p);
	if (rc != COVET_OK)
	{
		CovetFormat keep = out->format;

		covet_piece_free(mem, out);
		out->format = keep;
	}
	return rc;
}
