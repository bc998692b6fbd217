/*-------------------------------------------------------------------------
 *
 * fixture_check.c
 *		One judgement on both engines: a fixture's value checked against
 *		its column's declared type as PostgreSQL would, before any SQL.
 *
 * covet_fx_check_plan reads a column's type (PostgreSQL's format_type, or
 * SQLite's declared type by its affinity rules plus the names Django and
 * PostgreSQL write) into a CovetFxCheck; covet_fx_check_value judges one
 * value (JSON text, as the parsers deliver it).  Both engines run the same
 * check, so the same fixture fails on both with the same message, which is
 * PostgreSQL's own wording where PostgreSQL has one:
 *
 *     invalid input syntax for type integer: "abc"
 *     value "3000000000" is out of range for type integer
 *     value too long for type character varying(5)
 *     date/time field value out of range: "2024-02-30"
 *
 * A JSON list or object goes only into a json/jsonb (or array) column.
 * What is not covered (intervals, inet, enums, ranges ...) is left to the
 * engine: PostgreSQL's cast judges it, SQLite stores it.
 *
 * On SQLite an accepted value may be rewritten to what SQLite and Django
 * store: booleans as 1/0, integers given as strings as numbers, dates and
 * times in SQLite's text form (YYYY-MM-DD HH:MM:SS[.ffffff]; a value with
 * a UTC offset or Z is moved to UTC and written without one, as Django's
 * sqlite3 backend does with USE_TZ).
 *
 *-------------------------------------------------------------------------
 */
#include "fixture.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* --- the plan of a column -------------------------------------------------- */

static void
upper_copy(char *up, size_t size, const char *type)
{
	size_t		i;

	for (i = 0; type != NULL && type[i] != '\0' && i < size - 1; i++)
		up[i] = (char) toupper((unsigned char) type[i]);
	up[i] = '\0';
}

/* "(5)" or "(10, 2)" after a name: the numbers, or -1 */
static void
type_mods(const char *up, int *a, int *b)
{
	const char *p = strchr(up, '(');

	*a = *b = -1;
	if (p == NULL)
		return;
	p++;
	while (*p == ' ')
		p++;
	if (!isdigit((unsigned char) *p))
		return;
	*a = atoi(p);
	while (isdigit((unsigned char) *p))
		p++;
	while (*p == ' ')
		p++;
	if (*p == ',')
	{
		p++;
		while (*p == ' ')
			p++;
		if (isdigit((unsigned char) *p))
			*b = atoi(p);
	}
}

static bool
starts(const char *s, const char *word)
{
	return strncmp(s, word, strlen(word)) == 0;
}

static bool
has(const char *s, const char *word)
{
	return strstr(s, word) != NULL;
}

void
covet_fx_check_plan(const CovetDialect *dl, const char *type,
					CovetFixtureKind kind, CovetFxCheck *ck)
{
	char		up[128];
	int			a,
				b;

	memset(ck, 0, sizeof(*ck));
	ck->len = -1;
	ck->precision = -1;
	ck->scale = -1;
	upper_copy(up, sizeof(up), type);
	type_mods(up, &a, &b);

	if (kind == COVET_FX_JSON || kind == COVET_FX_ARRAY)
	{
		ck->type = COVET_CK_CONTAINER;
		return;
	}
	if (kind == COVET_FX_BLOB)
	{
		ck->type = COVET_CK_NONE;
		return;
	}
	if (dl->engine == COVET_ENGINE_POSTGRES)
	{
		/* format_type() spellings */
		if (strcmp(up, "SMALLINT") == 0)
			ck->type = COVET_CK_INT2;
		else if (strcmp(up, "INTEGER") == 0)
			ck->type = COVET_CK_INT4;
		else if (strcmp(up, "BIGINT") == 0)
			ck->type = COVET_CK_INT8;
		else if (strcmp(up, "REAL") == 0)
			ck->type = COVET_CK_FLOAT4;
		else if (strcmp(up, "DOUBLE PRECISION") == 0)
			ck->type = COVET_CK_FLOAT8;
		else if (starts(up, "NUMERIC"))
		{
			ck->type = COVET_CK_NUMERIC;
			ck->precision = a;
			ck->scale = a >= 0 ? (b >= 0 ? b : 0) : -1;
		}
		else if (strcmp(up, "BOOLEAN") == 0)
			ck->type = COVET_CK_BOOL;
		else if (strcmp(up, "DATE") == 0)
			ck->type = COVET_CK_DATE;
		else if (starts(up, "TIMESTAMP"))
			ck->type = has(up, "WITH TIME ZONE") && !has(up, "WITHOUT") ? COVET_CK_TIMESTAMPTZ : COVET_CK_TIMESTAMP;
		else if (starts(up, "TIME") && !has(up, "WITH TIME ZONE"))
			ck->type = COVET_CK_TIME;
		else if (starts(up, "CHARACTER VARYING"))
		{
			ck->type = COVET_CK_TEXT;
			ck->len = a;
			ck->varying = true;
		}
		else if (starts(up, "CHARACTER") || starts(up, "\"CHAR\""))
		{
			ck->type = COVET_CK_TEXT;
			ck->len = starts(up, "\"CHAR\"") ? -1 : (a >= 0 ? a : 1);
		}
		else if (strcmp(up, "TEXT") == 0)
			ck->type = COVET_CK_TEXT;
		else if (strcmp(up, "UUID") == 0)
			ck->type = COVET_CK_UUID;
		else
			ck->type = COVET_CK_OTHER;
		return;
	}

	/* SQLite: the names first, then the affinity the type gives */
	if (up[0] == '\0')
		ck->type = COVET_CK_NONE;	/* no type: any value, as it comes */
	else if (kind == COVET_FX_BOOL)
		ck->type = COVET_CK_BOOL;
	else if (has(up, "INT"))
	{
		if (has(up, "BIG") || has(up, "INT8"))
			ck->type = COVET_CK_INT8;
		else if (has(up, "SMALL") || has(up, "TINY") || has(up, "INT2"))
			ck->type = COVET_CK_INT2;
		else
			ck->type = COVET_CK_INT4;
	}
	else if (has(up, "CHAR") || has(up, "CLOB") || has(up, "TEXT"))
	{
		ck->type = COVET_CK_TEXT;
		if (has(up, "VAR") || (has(up, "CHAR") && has(up, "VARYING")))
		{
			ck->len = a;
			ck->varying = true;
		}
		else if (has(up, "CHAR") && !has(up, "TEXT") && !has(up, "CLOB"))
			ck->len = a;
	}
	else if (has(up, "REAL") || has(up, "FLOA") || has(up, "DOUB"))
		ck->type = COVET_CK_FLOAT8;
	else if (starts(up, "TIMESTAMP") || starts(up, "DATETIME"))
		ck->type = has(up, "WITH TIME ZONE") && !has(up, "WITHOUT") ? COVET_CK_TIMESTAMPTZ : COVET_CK_TIMESTAMP;
	else if (starts(up, "DATE"))
		ck->type = COVET_CK_DATE;
	else if (starts(up, "TIME"))
		ck->type = COVET_CK_TIME;
	else if (starts(up, "NUMERIC") || starts(up, "DECIMAL"))
	{
		ck->type = COVET_CK_NUMERIC;
		ck->precision = a;
		ck->scale = a >= 0 ? (b >= 0 ? b : 0) : -1;
	}
	else if (strcmp(up, "UUID") == 0)
		ck->type = COVET_CK_UUID;
	else
		ck->type = COVET_CK_OTHER;
	ck->rewrite = true;
}

/* --- messages ------------------------------------------------------------ */

static void
type_name(const CovetFxCheck *ck, char *buf, size_t size)
{
	const char *name = "text";

	switch (ck->type)
	{
		case COVET_CK_INT2:
			name = "smallint";
			break;
		case COVET_CK_INT4:
			name = "integer";
			break;
		case COVET_CK_INT8:
			name = "bigint";
			break;
		case COVET_CK_FLOAT4:
			name = "real";
			break;
		case COVET_CK_FLOAT8:
			name = "double precision";
			break;
		case COVET_CK_NUMERIC:
			name = "numeric";
			break;
		case COVET_CK_BOOL:
			name = "boolean";
			break;
		case COVET_CK_DATE:
			name = "date";
			break;
		case COVET_CK_TIME:
			name = "time without time zone";
			break;
		case COVET_CK_TIMESTAMP:
			name = "timestamp without time zone";
			break;
		case COVET_CK_TIMESTAMPTZ:
			name = "timestamp with time zone";
			break;
		case COVET_CK_UUID:
			name = "uuid";
			break;
		case COVET_CK_TEXT:
			if (ck->len >= 0)
			{
				snprintf(buf, size, "%s(%d)", ck->varying ? "character varying" : "character", ck->len);
				return;
			}
			name = ck->varying ? "character varying" : "text";
			break;
		default:
			break;
	}
	snprintf(buf, size, "%s", name);
}

/* the value as PostgreSQL's messages quote it (cut at 200 bytes) */
static CovetStatus
fail(CovetError *err, const char *sqlstate, const char *fmt, const char *type,
	 const char *text)
{
	char		shown[204];
	size_t		n = strlen(text);

	if (n > 200)
	{
		n = 200;
		while (n > 0 && ((unsigned char) text[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(shown, text, n);
	shown[n] = '\0';
	if (type != NULL)
		covet_error_set(err, COVET_ERR_INVALID, fmt, type, shown);
	else
		covet_error_set(err, COVET_ERR_INVALID, fmt, shown);
	memcpy(err->sqlstate, sqlstate, 6);
	return COVET_ERR_INVALID;
}

static CovetStatus
bad_syntax(CovetError *err, const CovetFxCheck *ck, const char *text)
{
	char		tn[64];

	type_name(ck, tn, sizeof(tn));
	/* PostgreSQL names timestamp without time zone "timestamp" here */
	if (ck->type == COVET_CK_TIMESTAMP)
		snprintf(tn, sizeof(tn), "timestamp");
	else if (ck->type == COVET_CK_TIME)
		snprintf(tn, sizeof(tn), "time");
	else if (ck->type == COVET_CK_TEXT)
		snprintf(tn, sizeof(tn), "text");
	return fail(err, ck->type >= COVET_CK_DATE && ck->type <= COVET_CK_TIMESTAMPTZ ? "22007" : "22P02",
				"invalid input syntax for type %s: \"%s\"", tn, text);
}

/* --- numbers ------------------------------------------------------------- */

static const char *
skip_space(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\f' || *s == '\v')
		s++;
	return s;
}

/* [+-]digits with optional white space around; the digits and sign out */
static bool
int_text(const char *s, bool *neg, const char **digits, size_t *ndigits)
{
	const char *p = skip_space(s);
	const char *e;

	*neg = false;
	if (*p == '+' || *p == '-')
		*neg = *p++ == '-';
	*digits = p;
	while (isdigit((unsigned char) *p))
		p++;
	*ndigits = (size_t) (p - *digits);
	e = skip_space(p);
	return *ndigits > 0 && *e == '\0';
}

static bool
int_fits(bool neg, const char *digits, size_t n, int bits)
{
	static const char *const maxp[] = {"32767", "2147483647", "9223372036854775807"};
	static const char *const maxn[] = {"32768", "2147483648", "9223372036854775808"};
	const char *lim;
	size_t		len;

	while (n > 1 && digits[0] == '0')
	{
		digits++;
		n--;
	}
	lim = (neg ? maxn : maxp)[bits == 16 ? 0 : bits == 32 ? 1 : 2];
	len = strlen(lim);
	if (n != len)
		return n < len;
	return memcmp(digits, lim, n) <= 0;
}

/* PostgreSQL numeric syntax: [+-](digits[.digits]|.digits)[e[+-]digits] */
static bool
numeric_text(const char *s, int *intdigits, bool *special)
{
	const char *p = skip_space(s);
	const char *q;
	int			before = 0,
				after = 0,
				lead = 0;
	long		exp = 0;
	bool		seen = false;

	*special = false;
	*intdigits = 0;
	if (*p == '+' || *p == '-')
		p++;
	if (strncasecmp(p, "nan", 3) == 0 || strncasecmp(p, "infinity", 8) == 0 ||
		strncasecmp(p, "inf", 3) == 0)
	{
		q = p + (strncasecmp(p, "infinity", 8) == 0 ? 8 : 3);
		*special = true;
		return *skip_space(q) == '\0' && (p == skip_space(s) || strncasecmp(p, "nan", 3) != 0);
	}
	while (*p == '0')
	{
		p++;
		seen = true;
		lead++;
	}
	while (isdigit((unsigned char) *p))
	{
		p++;
		before++;
	}
	if (*p == '.')
	{
		p++;
		while (isdigit((unsigned char) *p))
		{
			p++;
			after++;
		}
	}
	if (before == 0 && after == 0 && !seen)
		return false;
	if (*p == 'e' || *p == 'E')
	{
		p++;
		q = p;
		if (*p == '+' || *p == '-')
			p++;
		if (!isdigit((unsigned char) *p))
			return false;
		errno = 0;
		exp = strtol(q, (char **) &q, 10);
		p = q;
	}
	if (*skip_space(p) != '\0')
		return false;
	/* digits before the point after the exponent (a rough count) */
	if (before > 0)
		*intdigits = (int) (before + exp > 0 ? before + exp : 0);
	else
		*intdigits = 0;
	return true;
}

static bool
float_text(const char *s)
{
	const char *p = skip_space(s);
	const char *q = p;
	char	   *end;

	if (*q == '+' || *q == '-')
		q++;
	if (strncasecmp(q, "nan", 3) == 0 && q == p)
		return *skip_space(q + 3) == '\0';
	if (strncasecmp(q, "infinity", 8) == 0)
		return *skip_space(q + 8) == '\0';
	if (strncasecmp(q, "inf", 3) == 0)
		return *skip_space(q + 3) == '\0';
	if (!(isdigit((unsigned char) *q) || *q == '.'))
		return false;
	errno = 0;
	(void) strtod(p, &end);
	return end != p && *skip_space(end) == '\0';
}

/* --- dates and times ----------------------------------------------------- */

typedef struct Stamp
{
	int			year,
				month,
				day,
				hour,
				min,
				sec;
	int64_t		usec;
	bool		has_date,
				has_time,
				has_zone,
				bc;				/* PostgreSQL's " BC" */
	int			zone_sec;		/* east of UTC */
	int			zone_sec_extra; /* seconds of an offset such as -07:52:58 */
} Stamp;

static int
digits(const char **p, int min, int max, int *out)
{
	int			n = 0,
				v = 0;

	while (n < max && isdigit((unsigned char) (*p)[0]))
	{
		v = v * 10 + ((*p)[0] - '0');
		(*p)++;
		n++;
	}
	*out = v;
	return n >= min;
}

static bool
leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
month_days(int y, int m)
{
	static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	return m == 2 && leap(y) ? 29 : d[m - 1];
}

/* HH:MM[:SS[.f*]]; false: not this shape; *range false: a field too big */
static bool
parse_time(const char **pp, Stamp *st, bool *range)
{
	const char *p = *pp;

	if (!digits(&p, 1, 2, &st->hour) || *p != ':')
		return false;
	p++;
	if (!digits(&p, 2, 2, &st->min))
		return false;
	st->sec = 0;
	st->usec = 0;
	if (*p == ':')
	{
		p++;
		if (!digits(&p, 2, 2, &st->sec))
			return false;
		if (*p == '.')
		{
			int64_t		scale = 100000;
			int			n = 0;

			p++;
			if (!isdigit((unsigned char) *p))
				return false;
			while (isdigit((unsigned char) *p))
			{
				if (n < 6)
					st->usec += (*p - '0') * scale;
				else if (n == 6 && *p >= '5')
					st->usec++; /* rounded, as PostgreSQL does */
				scale /= 10;
				n++;
				p++;
			}
		}
	}
	if (st->hour > 24 || st->min > 59 || st->sec > 60 ||
		(st->hour == 24 && (st->min > 0 || st->sec > 0 || st->usec > 0)))
		*range = false;
	st->has_time = true;
	*pp = p;
	return true;
}

/* Z, or [+-]HH[[:]MM], after optional blanks */
static bool
parse_zone(const char **pp, Stamp *st)
{
	const char *p = *pp;
	int			h = 0,
				m = 0,
				sign;

	while (*p == ' ')
		p++;
	if (*p == 'Z' || *p == 'z')
	{
		st->has_zone = true;
		st->zone_sec = 0;
		*pp = p + 1;
		return true;
	}
	if (strncasecmp(p, "UTC", 3) == 0)
	{
		st->has_zone = true;
		st->zone_sec = 0;
		*pp = p + 3;
		return true;
	}
	if (*p != '+' && *p != '-')
		return true;			/* none; what follows is judged after */
	sign = *p++ == '-' ? -1 : 1;
	if (!digits(&p, 1, 2, &h))
		return false;
	if (*p == ':')
	{
		p++;
		if (!digits(&p, 2, 2, &m))
			return false;
		if (p[0] == ':' && isdigit((unsigned char) p[1]))
		{
			int			sec;

			p++;
			if (!digits(&p, 2, 2, &sec))
				return false;
			st->zone_sec_extra = sec;
		}
	}
	else if (isdigit((unsigned char) *p) && !digits(&p, 2, 2, &m))
		return false;
	if (h > 15 || m > 59)
		return false;
	st->has_zone = true;
	st->zone_sec = sign * (h * 3600 + m * 60 + st->zone_sec_extra);
	*pp = p;
	return true;
}

/*
 * An ISO 8601 date, time or both (what Django, PyYAML's !!timestamp and
 * covet write): 1 parsed, 0 not this syntax, -1 a field out of range.
 */
static int
parse_stamp(const char *s, Stamp *st, bool want_date)
{
	const char *p = skip_space(s);
	bool		range = true;

	memset(st, 0, sizeof(*st));
	if (want_date)
	{
		if (!digits(&p, 4, 7, &st->year) || *p != '-')
			return 0;
		p++;
		if (!digits(&p, 1, 2, &st->month) || *p != '-')
			return 0;
		p++;
		if (!digits(&p, 1, 2, &st->day))
			return 0;
		st->has_date = true;
		if (*p == 'T' || *p == 't' || *p == ' ')
		{
			const char *q = p + 1;

			while (*q == ' ')
				q++;
			if (isdigit((unsigned char) *q))
			{
				p = q;
				if (!parse_time(&p, st, &range))
					return 0;
			}
		}
	}
	else if (!parse_time(&p, st, &range))
		return 0;
	if (!parse_zone(&p, st))
		return 0;
	p = skip_space(p);
	if (st->has_date && (strncasecmp(p, "BC", 2) == 0 || strncasecmp(p, "AD", 2) == 0))
	{
		st->bc = toupper((unsigned char) *p) == 'B';
		p += 2;
	}
	if (*skip_space(p) != '\0')
		return 0;
	if (st->has_date && (st->year < 1 || st->month < 1 || st->month > 12 || st->day < 1 ||
						 st->day > month_days(st->year, st->month)))
		return -1;
	return range ? 1 : -1;
}

static int64_t
floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* SQLite's text form of an accepted value */
static void
stamp_text(CovetBuf *out, const CovetFxCheck *ck, Stamp *st)
{
	char		buf[64];
	int64_t		us = 0,
				days = 0,
				year;

	if (st->has_date)
		days = covet_days_from_civil(st->year, st->month, st->day);
	if (st->has_time)
		us = ((int64_t) st->hour * 3600 + st->min * 60 + st->sec) * 1000000 + st->usec;
	if (ck->type != COVET_CK_DATE)
	{
		/* an offset: to UTC, as Django's sqlite3 backend stores it */
		if (st->has_zone && st->has_date)
			us -= (int64_t) st->zone_sec * 1000000;
		days += floor_div(us, INT64_C(86400000000));
		us -= floor_div(us, INT64_C(86400000000)) * INT64_C(86400000000);
	}
	covet_civil_from_days(days, &year, &st->month, &st->day);
	st->year = (int) year;
	st->hour = (int) (us / INT64_C(3600000000));
	st->min = (int) (us / 60000000 % 60);
	st->sec = (int) (us / 1000000 % 60);
	st->usec = us % 1000000;
	covet_buf_appendc(out, '"');
	if (ck->type == COVET_CK_DATE)
		snprintf(buf, sizeof(buf), "%04d-%02d-%02d", st->year, st->month, st->day);
	else if (ck->type == COVET_CK_TIME)
		snprintf(buf, sizeof(buf), "%02d:%02d:%02d", st->hour, st->min, st->sec);
	else
		snprintf(buf, sizeof(buf), "%04d-%02d-%02d %02d:%02d:%02d", st->year, st->month, st->day,
				 st->hour, st->min, st->sec);
	covet_buf_append(out, buf);
	if (ck->type != COVET_CK_DATE && st->usec != 0)
		covet_buf_appendf(out, ".%06lld", (long long) st->usec);
	covet_buf_appendc(out, '"');
}

/* --- booleans, uuids, text ----------------------------------------------- */

/* PostgreSQL's boolin: a word or a unique prefix of one; -1 not a boolean */
static int
bool_text(const char *s)
{
	static const char *const t[] = {"true", "yes", "on", "1", NULL};
	static const char *const f[] = {"false", "no", "off", "0", NULL};
	const char *p = skip_space(s);
	size_t		n = strlen(p);
	int			i;

	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\n' || p[n - 1] == '\r'))
		n--;
	if (n == 0)
		return -1;
	/* "o" alone is ambiguous (on/off) */
	if (n == 1 && (p[0] == 'o' || p[0] == 'O'))
		return -1;
	for (i = 0; t[i] != NULL; i++)
		if (n <= strlen(t[i]) && strncasecmp(p, t[i], n) == 0 && (i != 2 || n >= 2))
			return 1;
	for (i = 0; f[i] != NULL; i++)
		if (n <= strlen(f[i]) && strncasecmp(p, f[i], n) == 0 && (i != 2 || n >= 2))
			return 0;
	return -1;
}

/* uuid_in: 32 hex digits, a hyphen allowed after each group of 4, braces */
static bool
uuid_text(const char *s)
{
	const char *p = s;
	bool		brace = false;
	int			n = 0;

	if (*p == '{')
	{
		brace = true;
		p++;
	}
	while (n < 32 && *p != '\0')
	{
		if (!isxdigit((unsigned char) *p))
			return false;
		p++;
		n++;
		if (n % 4 == 0 && n < 32 && *p == '-')
			p++;
	}
	if (n != 32)
		return false;
	if (brace && *p++ != '}')
		return false;
	return *p == '\0';
}

static size_t
utf8_chars(const char *s, size_t len)
{
	size_t		n = 0,
				i;

	for (i = 0; i < len; i++)
		if (((unsigned char) s[i] & 0xC0) != 0x80)
			n++;
	return n;
}

/* --- one value ----------------------------------------------------------- */

CovetStatus
covet_fx_check_value(const CovetFxCheck *ck, const char *val, CovetBuf *tmp,
					 CovetBuf *out, bool *rewritten, CovetError *err)
{
	char		tn[64];
	const char *text;
	bool		is_string = val[0] == '"';
	bool		neg;
	const char *dg;
	size_t		nd;
	int			r;
	Stamp		st;

	*rewritten = false;
	if (ck->type == COVET_CK_NONE || ck->type == COVET_CK_CONTAINER || strcmp(val, "null") == 0)
		return COVET_OK;
	if (val[0] == '[' || val[0] == '{')
	{
		type_name(ck, tn, sizeof(tn));
		if (ck->type == COVET_CK_OTHER)
			covet_error_set(err, COVET_ERR_INVALID, "a JSON %s goes only into a json column",
							val[0] == '[' ? "list" : "object");
		else
			covet_error_set(err, COVET_ERR_INVALID, "a JSON %s is not a value of type %s",
							val[0] == '[' ? "list" : "object", tn);
		memcpy(err->sqlstate, "42804", 6);	/* datatype_mismatch */
		return COVET_ERR_INVALID;
	}
	if (ck->type == COVET_CK_OTHER || (ck->type == COVET_CK_TEXT && ck->len < 0))
		return COVET_OK;		/* any scalar's text will do */

	/* the value's text, as PostgreSQL's input function would see it */
	covet_buf_reset(tmp);
	if (is_string)
	{
		if (!covet_json_unescape(tmp, val, strlen(val)))
			return COVET_OK;	/* not ours to judge */
		covet_buf_append(tmp, "");
	}
	else
		covet_buf_append(tmp, val);
	if (tmp->failed)
		return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
	text = tmp->data;

	switch (ck->type)
	{
		case COVET_CK_INT2:
		case COVET_CK_INT4:
		case COVET_CK_INT8:
			if (!int_text(text, &neg, &dg, &nd))
				return bad_syntax(err, ck, text);
			if (!int_fits(neg, dg, nd, ck->type == COVET_CK_INT2 ? 16 : ck->type == COVET_CK_INT4 ? 32 : 64))
			{
				type_name(ck, tn, sizeof(tn));
				covet_error_set(err, COVET_ERR_INVALID, "value \"%.200s\" is out of range for type %s", text, tn);
				memcpy(err->sqlstate, "22003", 6);
				return COVET_ERR_INVALID;
			}
			if (ck->rewrite && is_string)
			{
				while (nd > 1 && dg[0] == '0')
				{
					dg++;
					nd--;
				}
				if (neg && !(nd == 1 && dg[0] == '0'))
					covet_buf_appendc(out, '-');
				covet_buf_appendn(out, dg, nd);
				*rewritten = true;
			}
			return COVET_OK;
		case COVET_CK_FLOAT4:
		case COVET_CK_FLOAT8:
			if (!is_string)
				return COVET_OK;
			if (!float_text(text))
				return bad_syntax(err, ck, text);
			return COVET_OK;
		case COVET_CK_NUMERIC:
			{
				int			intdigits;
				bool		special;

				if (!numeric_text(text, &intdigits, &special))
					return bad_syntax(err, ck, text);
				if (ck->precision > 0 && !special && intdigits > ck->precision - ck->scale)
				{
					covet_error_set(err, COVET_ERR_INVALID, "numeric field overflow");
					memcpy(err->sqlstate, "22003", 6);
					if (ck->precision - ck->scale > 0)
						covet_error_detail(err, "A field with precision %d, scale %d must round to an absolute value less than 10^%d.",
										   ck->precision, ck->scale, ck->precision - ck->scale);
					else
						covet_error_detail(err, "A field with precision %d, scale %d must round to an absolute value less than 1.",
										   ck->precision, ck->scale);
					return COVET_ERR_INVALID;
				}
				return COVET_OK;
			}
		case COVET_CK_BOOL:
			if ((r = bool_text(text)) < 0)
				return bad_syntax(err, ck, text);
			if (ck->rewrite)
			{
				covet_buf_append(out, r ? "1" : "0");
				*rewritten = true;
			}
			return COVET_OK;
		case COVET_CK_DATE:
		case COVET_CK_TIME:
		case COVET_CK_TIMESTAMP:
		case COVET_CK_TIMESTAMPTZ:
			{
				const char *w = skip_space(text);

				if (strcasecmp(w, "infinity") == 0 || strcasecmp(w, "-infinity") == 0 ||
					strcasecmp(w, "epoch") == 0)
				{
					if (ck->type != COVET_CK_TIME)
						return COVET_OK;
				}
				r = is_string ? parse_stamp(text, &st, ck->type != COVET_CK_TIME) : 0;
				if (r == 0)
					return bad_syntax(err, ck, text);
				if (r < 0)
					return fail(err, "22008", "date/time field value out of range: \"%s\"", NULL, text);
				if (ck->type == COVET_CK_TIME && st.has_date)
					return bad_syntax(err, ck, text);
				if (ck->rewrite && !st.bc)
				{
					stamp_text(out, ck, &st);
					*rewritten = true;
				}
				return COVET_OK;
			}
		case COVET_CK_UUID:
			if (!uuid_text(text))
				return bad_syntax(err, ck, text);
			return COVET_OK;
		case COVET_CK_TEXT:
			if (ck->len >= 0)
			{
				size_t		len = strlen(text);
				size_t		n = utf8_chars(text, len);

				if (n > (size_t) ck->len)
				{
					/* PostgreSQL cuts trailing blanks that do not fit */
					size_t		keep = len;

					while (keep > 0 && text[keep - 1] == ' ' && utf8_chars(text, keep) > (size_t) ck->len)
						keep--;
					if (utf8_chars(text, keep) > (size_t) ck->len)
					{
						type_name(ck, tn, sizeof(tn));
						covet_error_set(err, COVET_ERR_INVALID, "value too long for type %s", tn);
						memcpy(err->sqlstate, "22001", 6);
						return COVET_ERR_INVALID;
					}
				}
			}
			return COVET_OK;
		default:
			return COVET_OK;
	}
}
