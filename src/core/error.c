/*-------------------------------------------------------------------------
 *
 * error.c
 *		CovetError: a status code, a SQLSTATE and three bounded messages.
 *
 * Messages follow PostgreSQL's style guide: the message is lower case
 * without a trailing period; detail and hint are sentences.  Formatting
 * never allocates.
 *
 * A text longer than its buffer keeps its end, where the reason usually is
 * ('column "<5,000 characters>" does not exist'): the format's conversions
 * are formatted one by one into pieces, and the middle of the longest piece
 * (a name, an engine's message) gives way to "...".  Only when no piece is
 * long enough is the middle of the whole text cut instead.  A cut never
 * splits a UTF-8 character.
 *
 *-------------------------------------------------------------------------
 */
#include "covet.h"

#include <stdio.h>
#include <string.h>

#define ELLIPSIS "..."
#define ELLIPSIS_LEN 3
#define MAX_PIECES 48
#define MAX_NUMBERS 16
#define NUMBER_LEN 64
/* a piece is cut only when this much of it stays */
#define MIN_KEPT 16

typedef struct Piece
{
	const char *s;
	size_t		len;
} Piece;

/* A formatted text as pieces: literal runs, arguments, formatted numbers. */
typedef struct Pieces
{
	Piece		p[MAX_PIECES];
	int			n;
	char		numbers[MAX_NUMBERS][NUMBER_LEN];
	int			nnumbers;
	size_t		total;
	bool		lost;			/* more pieces or numbers than room */
} Pieces;

static void
piece_add(Pieces *ps, const char *s, size_t len)
{
	if (len == 0)
		return;
	if (ps->n == MAX_PIECES)
	{
		ps->lost = true;
		return;
	}
	ps->p[ps->n].s = s;
	ps->p[ps->n].len = len;
	ps->n++;
	ps->total += len;
}

/* Room for one formatted number; NULL when none is left. */
static char *
number_buf(Pieces *ps)
{
	if (ps->nnumbers == MAX_NUMBERS)
	{
		ps->lost = true;
		return NULL;
	}
	return ps->numbers[ps->nnumbers++];
}

/* Format one argument of type T with spec into buf (when there is one). */
#define FORMAT_ARG(T) \
	do { \
		T			v_ = va_arg(*ap, T); \
		if (buf != NULL) \
			snprintf(buf, NUMBER_LEN, spec, v_); \
	} while (0)

/*
 * One conversion: spec is "%" up to and including the conversion letter,
 * with any '*' already replaced by its number; lenmod its length letters.
 */
static void
piece_convert(Pieces *ps, const char *spec, const char *lenmod, char conv,
			  int precision, int width, va_list *ap)
{
	char	   *buf;

	if (conv == 's')
	{
		const char *str = va_arg(*ap, const char *);
		size_t		len;

		if (str == NULL)
			str = "(null)";
		len = precision >= 0 ? strnlen(str, (size_t) precision) : strlen(str);
		if (width > 0 && (size_t) width > len && width < NUMBER_LEN &&
			(buf = number_buf(ps)) != NULL)
		{
			snprintf(buf, NUMBER_LEN, spec, str);
			piece_add(ps, buf, strlen(buf));
		}
		else
			piece_add(ps, str, len);
		return;
	}
	buf = number_buf(ps);
	if (strchr("fFeEgGaA", conv) != NULL)
	{
		if (strcmp(lenmod, "L") == 0)
			FORMAT_ARG(long double);
		else
			FORMAT_ARG(double);
	}
	else if (conv == 'p')
		FORMAT_ARG(void *);
	else if (conv == 'c' || lenmod[0] == '\0' || lenmod[0] == 'h')
		FORMAT_ARG(int);
	else if (strcmp(lenmod, "l") == 0)
		FORMAT_ARG(long);
	else if (strcmp(lenmod, "z") == 0)
		FORMAT_ARG(size_t);
	else if (strcmp(lenmod, "j") == 0)
		FORMAT_ARG(intmax_t);
	else if (strcmp(lenmod, "t") == 0)
		FORMAT_ARG(ptrdiff_t);
	else
		FORMAT_ARG(long long);
	if (buf != NULL)
		piece_add(ps, buf, strlen(buf));
}

/*
 * Read a number or a '*' (taken from ap) at *f into spec, which has room
 * for SPEC_NUMBER_MAX more characters; -1 when absent.
 */
#define SPEC_NUMBER_MAX 11
static int
spec_number(const char **f, char *spec, size_t *n, va_list *ap)
{
	int			v = -1;
	size_t		start = *n;

	if (**f == '*')
	{
		v = va_arg(*ap, int);
		(*f)++;
		*n += (size_t) snprintf(spec + *n, SPEC_NUMBER_MAX + 1, "%d", v);
		return v;
	}
	while (**f >= '0' && **f <= '9')
	{
		if (v < 100000000)
			v = (v < 0 ? 0 : v * 10) + (**f - '0');
		if (*n - start < SPEC_NUMBER_MAX - 1)
			spec[(*n)++] = **f;
		(*f)++;
	}
	return v;
}

/* Split what fmt and ap format into pieces. */
static void
pieces_format(Pieces *ps, const char *fmt, va_list ap_in)
{
	const char *f = fmt;
	va_list		ap;

	va_copy(ap, ap_in);
	while (*f)
	{
		const char *lit = f;
		/* "%", 5 flags, width, ".", precision, 2 letters, conversion, NUL */
		char		spec[1 + 5 + SPEC_NUMBER_MAX + 1 + SPEC_NUMBER_MAX + 2 + 1 + 1];
		char		lenmod[3] = "";
		size_t		n = 0;
		int			width;
		int			precision = -1;

		while (*f && *f != '%')
			f++;
		piece_add(ps, lit, (size_t) (f - lit));
		if (*f == '\0')
			break;
		if (f[1] == '%')
		{
			piece_add(ps, "%", 1);
			f += 2;
			continue;
		}
		spec[n++] = *f++;
		while (*f && strchr("-+ #0'", *f))
		{
			if (n < 6)
				spec[n++] = *f;
			f++;
		}
		width = spec_number(&f, spec, &n, &ap);
		if (*f == '.')
		{
			spec[n++] = *f++;
			precision = spec_number(&f, spec, &n, &ap);
			if (precision < 0)
				precision = 0;
		}
		while (*f && strchr("hlLqjzt", *f) && strlen(lenmod) < 2)
		{
			lenmod[strlen(lenmod)] = *f;
			spec[n++] = *f++;
		}
		if (*f == '\0')
			break;
		spec[n++] = *f;
		spec[n] = '\0';
		piece_convert(ps, spec, lenmod, *f++, precision, width, &ap);
	}
	va_end(ap);
}

/* The byte at offset off of the pieces' text. */
static unsigned char
pieces_byte(const Pieces *ps, size_t off)
{
	int			i;

	for (i = 0; i < ps->n; i++)
	{
		if (off < ps->p[i].len)
			return (unsigned char) ps->p[i].s[off];
		off -= ps->p[i].len;
	}
	return 0;
}

/* Copy bytes [from, to) of the pieces' text to dst; returns dst's end. */
static char *
pieces_copy(const Pieces *ps, size_t from, size_t to, char *dst)
{
	size_t		off = 0;
	int			i;

	for (i = 0; i < ps->n && off < to; i++)
	{
		size_t		a = from > off ? from - off : 0;
		size_t		b = to - off < ps->p[i].len ? to - off : ps->p[i].len;

		if (a < b)
		{
			memcpy(dst, ps->p[i].s + a, b - a);
			dst += b - a;
		}
		off += ps->p[i].len;
	}
	return dst;
}

static bool
utf8_continuation(unsigned char c)
{
	return (c & 0xC0) == 0x80;
}

/*
 * Write the pieces into dst (size bytes): whole when they fit, else with
 * "..." in place of the middle of the longest piece, or of the whole text.
 */
static void
pieces_fit(const Pieces *ps, char *dst, size_t size)
{
	size_t		room = size - 1;
	size_t		excess;
	size_t		cut_from;
	size_t		cut_to;
	size_t		off = 0;
	size_t		longest_off = 0;
	size_t		longest = 0;
	int			i;
	char	   *end;

	if (ps->total <= room)
	{
		*pieces_copy(ps, 0, ps->total, dst) = '\0';
		return;
	}
	excess = ps->total - room + ELLIPSIS_LEN;
	for (i = 0; i < ps->n; i++)
	{
		if (ps->p[i].len > longest)
		{
			longest = ps->p[i].len;
			longest_off = off;
		}
		off += ps->p[i].len;
	}
	if (longest >= excess + MIN_KEPT)
	{
		size_t		keep = longest - excess;

		cut_from = longest_off + keep / 2;
		cut_to = cut_from + excess;
	}
	else
	{
		size_t		keep = room - ELLIPSIS_LEN;

		cut_from = keep / 2;
		cut_to = ps->total - (keep - keep / 2);
	}
	while (cut_from > 0 && utf8_continuation(pieces_byte(ps, cut_from)))
		cut_from--;
	while (cut_to < ps->total && utf8_continuation(pieces_byte(ps, cut_to)))
		cut_to++;
	end = pieces_copy(ps, 0, cut_from, dst);
	memcpy(end, ELLIPSIS, ELLIPSIS_LEN);
	end = pieces_copy(ps, cut_to, ps->total, end + ELLIPSIS_LEN);
	*end = '\0';
}

/* vsnprintf into dst, but a text too long keeps its end (see above). */
static void format_fit(char *dst, size_t size, const char *fmt, va_list ap)
			__attribute__((format(printf, 3, 0)));

static void
format_fit(char *dst, size_t size, const char *fmt, va_list ap)
{
	Pieces		ps;

	ps.n = 0;
	ps.nnumbers = 0;
	ps.total = 0;
	ps.lost = false;
	pieces_format(&ps, fmt, ap);
	if (ps.lost)
		vsnprintf(dst, size, fmt, ap);	/* a format covet does not write */
	else
		pieces_fit(&ps, dst, size);
}

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

	va_start(ap, fmt);
	covet_error_setv(err, code, fmt, ap);
	va_end(ap);
	return code;
}

CovetStatus
covet_error_setv(CovetError *err, CovetStatus code, const char *fmt, va_list ap)
{
	covet_error_clear(err);
	err->code = code;
	format_fit(err->message, sizeof(err->message), fmt, ap);
	return code;
}

void
covet_error_detail(CovetError *err, const char *fmt,...)
{
	va_list		ap;

	va_start(ap, fmt);
	format_fit(err->detail, sizeof(err->detail), fmt, ap);
	va_end(ap);
}

void
covet_error_hint(CovetError *err, const char *fmt,...)
{
	va_list		ap;

	va_start(ap, fmt);
	format_fit(err->hint, sizeof(err->hint), fmt, ap);
	va_end(ap);
}

/*
 * Put context in front of the message: "migration "x" failed: <message>".
 * When both do not fit, the longest of the prefix's pieces and the old
 * message gives way, as in covet_error_set.
 */
void
covet_error_prefix(CovetError *err, const char *fmt,...)
{
	char		old[sizeof(err->message)];
	Pieces		ps;
	va_list		ap;

	memcpy(old, err->message, sizeof(old));
	old[sizeof(old) - 1] = '\0';
	ps.n = 0;
	ps.nnumbers = 0;
	ps.total = 0;
	ps.lost = false;
	va_start(ap, fmt);
	pieces_format(&ps, fmt, ap);
	va_end(ap);
	piece_add(&ps, old, strlen(old));
	pieces_fit(&ps, err->message, sizeof(err->message));
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
