/*-------------------------------------------------------------------------
 *
 * fixture_codec.c
 *		The pure encodings of fixtures: base64, shortest round-tripping
 *		doubles, JSON strings, CSV fields; the names of formats and
 *		conflict modes.
 *
 * Nothing here touches the database or allocates outside a CovetBuf, so
 * the unit tests exercise it directly.
 *
 *-------------------------------------------------------------------------
 */
#include "covet.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char b64chars[] =
"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void
covet_base64_encode(CovetBuf *out, const unsigned char *data, size_t len)
{
	size_t		i;

	for (i = 0; i + 2 < len; i += 3)
	{
		char		q[4];

		q[0] = b64chars[data[i] >> 2];
		q[1] = b64chars[((data[i] & 3) << 4) | (data[i + 1] >> 4)];
		q[2] = b64chars[((data[i + 1] & 15) << 2) | (data[i + 2] >> 6)];
		q[3] = b64chars[data[i + 2] & 63];
		covet_buf_appendn(out, q, 4);
	}
	if (i < len)
	{
		char		q[4];

		q[0] = b64chars[data[i] >> 2];
		if (i + 1 < len)
		{
			q[1] = b64chars[((data[i] & 3) << 4) | (data[i + 1] >> 4)];
			q[2] = b64chars[(data[i + 1] & 15) << 2];
		}
		else
		{
			q[1] = b64chars[(data[i] & 3) << 4];
			q[2] = '=';
		}
		q[3] = '=';
		covet_buf_appendn(out, q, 4);
	}
	/* an empty blob is "", not NULL */
	covet_buf_append(out, "");
}

static int
b64val(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

bool
covet_base64_decode(const char *text, size_t len, unsigned char *out,
					size_t *outlen)
{
	size_t		i,
				n = 0;

	*outlen = 0;
	if (len % 4 != 0)
		return false;
	for (i = 0; i < len; i += 4)
	{
		int			v[4],
					k,
					pad = 0;

		for (k = 0; k < 4; k++)
		{
			if (text[i + k] == '=' && i + 4 == len && k >= 2)
			{
				v[k] = 0;
				pad++;
				continue;
			}
			if (pad > 0 || (v[k] = b64val(text[i + k])) < 0)
				return false;
		}
		/* canonical: the bits padding drops must be zero */
		if ((pad == 1 && (v[2] & 3) != 0) || (pad == 2 && (v[1] & 15) != 0))
			return false;
		out[n++] = (unsigned char) ((v[0] << 2) | (v[1] >> 4));
		if (pad < 2)
			out[n++] = (unsigned char) (((v[1] & 15) << 4) | (v[2] >> 2));
		if (pad < 1)
			out[n++] = (unsigned char) (((v[2] & 3) << 6) | v[3]);
	}
	*outlen = n;
	return true;
}

/* Same double, including the sign of zero. */
static bool
same_double(double a, double b)
{
	return a == b && signbit(a) == signbit(b);
}

void
covet_format_double(double v, char *out, size_t outlen)
{
	int			prec;

	if (isnan(v))
	{
		snprintf(out, outlen, "NaN");
		return;
	}
	if (isinf(v))
	{
		snprintf(out, outlen, v > 0 ? "Infinity" : "-Infinity");
		return;
	}
	for (prec = 1; prec <= 17; prec++)
	{
		snprintf(out, outlen, "%.*g", prec, v);
		if (same_double(strtod(out, NULL), v))
			break;
	}
	/* 100, not 1e+02: as many digits as the integer part has, up to 17 */
	if (strchr(out, 'e') != NULL && (v >= 1.0 || v <= -1.0) && v < 1e17 && v > -1e17)
	{
		double		a = v < 0 ? -v : v;
		int			digits = 1;

		while (a >= 10.0)
		{
			a /= 10.0;
			digits++;
		}
		if (digits > prec && digits <= 17)
			snprintf(out, outlen, "%.*g", digits, v);
	}
}

void
covet_json_double(CovetBuf *out, double v)
{
	char		text[COVET_DOUBLE_LEN];

	if (isnan(v))
	{
		covet_buf_append(out, "null");
		return;
	}
	if (isinf(v))
	{
		covet_buf_append(out, v > 0 ? "1e999" : "-1e999");
		return;
	}
	covet_format_double(v, text, sizeof(text));
	covet_buf_append(out, text);
	if (strpbrk(text, ".e") == NULL)
		covet_buf_append(out, ".0");
}

void
covet_json_string(CovetBuf *out, const char *s, size_t len)
{
	size_t		i,
				start = 0;

	covet_buf_appendc(out, '"');
	for (i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) s[i];
		const char *esc = NULL;
		char		u[8];

		switch (c)
		{
			case '"':
				esc = "\\\"";
				break;
			case '\\':
				esc = "\\\\";
				break;
			case '\n':
				esc = "\\n";
				break;
			case '\r':
				esc = "\\r";
				break;
			case '\t':
				esc = "\\t";
				break;
			case '\b':
				esc = "\\b";
				break;
			case '\f':
				esc = "\\f";
				break;
			default:
				if (c < 0x20 || c == 0x7f)
				{
					snprintf(u, sizeof(u), "\\u%04x", c);
					esc = u;
				}
				break;
		}
		if (esc != NULL)
		{
			covet_buf_appendn(out, s + start, i - start);
			covet_buf_append(out, esc);
			start = i + 1;
		}
	}
	covet_buf_appendn(out, s + start, len - start);
	covet_buf_appendc(out, '"');
}

static int
hex4(const char *p)
{
	int			v = 0,
				k;

	for (k = 0; k < 4; k++)
	{
		char		c = p[k];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	return v;
}

static void
append_utf8(CovetBuf *out, unsigned long cp)
{
	char		b[4];

	if (cp < 0x80)
		covet_buf_appendc(out, (char) cp);
	else if (cp < 0x800)
	{
		b[0] = (char) (0xc0 | (cp >> 6));
		b[1] = (char) (0x80 | (cp & 0x3f));
		covet_buf_appendn(out, b, 2);
	}
	else if (cp < 0x10000)
	{
		b[0] = (char) (0xe0 | (cp >> 12));
		b[1] = (char) (0x80 | ((cp >> 6) & 0x3f));
		b[2] = (char) (0x80 | (cp & 0x3f));
		covet_buf_appendn(out, b, 3);
	}
	else
	{
		b[0] = (char) (0xf0 | (cp >> 18));
		b[1] = (char) (0x80 | ((cp >> 12) & 0x3f));
		b[2] = (char) (0x80 | ((cp >> 6) & 0x3f));
		b[3] = (char) (0x80 | (cp & 0x3f));
		covet_buf_appendn(out, b, 4);
	}
}

/*
 * One escape of a JSON string: *at is at the character after the
 * backslash, end at the closing quote (NULL: the text ends with a NUL).
 * Appends what it stands for and moves *at past it.  A pair of surrogate
 * escapes is one code point.  strict refuses a lone surrogate and \u0000;
 * the lenient form passes them on (a fixture's loader reports a value the
 * engine cannot store).  On an error *at is where it was found.
 */
static bool
json_escape(CovetBuf *out, const char **at, const char *end, bool strict, const char **why)
{
	const char *s = *at;
	long		cp,
				lo;

	*why = NULL;
	if (end != NULL && s >= end)
		*why = "unterminated string";
	else
		switch (*s)
		{
			case '"':
			case '\\':
			case '/':
				covet_buf_appendc(out, *s);
				break;
			case 'b':
				covet_buf_appendc(out, '\b');
				break;
			case 'f':
				covet_buf_appendc(out, '\f');
				break;
			case 'n':
				covet_buf_appendc(out, '\n');
				break;
			case 'r':
				covet_buf_appendc(out, '\r');
				break;
			case 't':
				covet_buf_appendc(out, '\t');
				break;
			case 'u':
				if ((end != NULL && end - s <= 4) || (cp = hex4(s + 1)) < 0)
				{
					*why = "bad \\u escape";
					break;
				}
				s += 4;
				if (cp >= 0xd800 && cp < 0xdc00 && (end == NULL || end - s > 6) &&
					s[1] == '\\' && s[2] == 'u' && (lo = hex4(s + 3)) >= 0xdc00 && lo < 0xe000)
				{
					cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
					s += 6;
				}
				else if (strict && cp >= 0xd800 && cp < 0xe000)
					*why = "lone surrogate \\u escape";
				if (strict && cp == 0)
					*why = "\\u0000 in a string";
				if (*why == NULL)
					append_utf8(out, (unsigned long) cp);
				break;
			default:
				*why = "bad escape in a string";
				break;
		}
	*at = *why != NULL ? s : s + 1;
	return *why == NULL;
}

bool
covet_json_unescape(CovetBuf *out, const char *text, size_t len)
{
	const char *s,
			   *end,
			   *why;

	if (len < 2 || text[0] != '"' || text[len - 1] != '"')
		return false;
	covet_buf_append(out, "");
	end = text + len - 1;
	for (s = text + 1; s < end;)
	{
		if (*s != '\\')
			covet_buf_appendc(out, *s++);
		else if (s++, !json_escape(out, &s, end, false, &why))
			return false;
	}
	return true;
}

/*
 * Read the JSON string literal at *p (NUL-terminated text) strictly, as
 * the JSON arguments of the operations and seed specs are read: no raw
 * control character, no \u0000, no lone surrogate (a pair is one code
 * point).  Its UTF-8 goes to out (reset first) and *p moves past the
 * closing quote.  On an error *p is left where it is and *why says what.
 */
bool
covet_json_read_string(CovetBuf *out, const char **p, const char **why)
{
	const char *s = *p;

	covet_buf_reset(out);
	covet_buf_append(out, "");
	if (*s++ != '"')
	{
		*why = "a string expected";
		return false;
	}
	while (*s != '"')
	{
		if (*s == '\0')
			*why = "unterminated string";
		else if ((unsigned char) *s < 0x20)
			*why = "control character in a string";
		else if (*s != '\\')
		{
			covet_buf_appendc(out, *s++);
			continue;
		}
		else if (s++, json_escape(out, &s, NULL, true, why))
			continue;
		*p = s;
		return false;
	}
	*p = s + 1;
	return true;
}

/* The escape of c in COPY's text format, or NULL; U+0000 cannot be carried
 * (the caller reports it) and is dropped. */
static const char *
copy_escape_of(char c)
{
	static const char from[] = "\\\t\n\r";
	static const char *const to[] = {"\\\\", "\\t", "\\n", "\\r"};
	const char *hit;

	if (c != '\\' && (unsigned char) c > '\r')
		return NULL;			/* nearly every byte */
	if (c == '\0')
		return "";
	hit = memchr(from, c, sizeof(from) - 1);
	return hit != NULL ? to[hit - from] : NULL;
}

/* text into a field of COPY's text format: \\, \t, \n and \r escaped */
static void
copy_escape(CovetBuf *out, const char *s, size_t len)
{
	size_t		i,
				run = 0;

	for (i = 0; i < len; i++)
	{
		const char *esc = copy_escape_of(s[i]);

		if (esc == NULL)
			continue;
		covet_buf_appendn(out, s + run, i - run);
		covet_buf_append(out, esc);
		run = i + 1;
	}
	covet_buf_appendn(out, s + run, len - run);
}

bool
covet_copy_field(CovetBuf *out, CovetBuf *scratch, const char *json, size_t len, bool raw)
{
	bool		ok = true;

	if (len == 4 && memcmp(json, "null", 4) == 0)
	{
		covet_buf_append(out, "\\N");
		return true;
	}
	if (raw || len < 2 || json[0] != '"')
	{
		copy_escape(out, json, len);
		return true;
	}
	if (memchr(json + 1, '\\', len - 2) == NULL)
	{
		copy_escape(out, json + 1, len - 2);
		return true;
	}
	covet_buf_reset(scratch);
	if (covet_json_unescape(scratch, json, len))
	{
		ok = scratch->data == NULL || memchr(scratch->data, '\0', scratch->len) == NULL;
		copy_escape(out, scratch->data, scratch->len);
	}
	else
		copy_escape(out, json, len);	/* not ours: the cast names it */
	if (scratch->failed)
		out->failed = true;
	return ok;
}

void
covet_csv_field(CovetBuf *out, const char *value, size_t len)
{
	size_t		i;

	if (value == NULL)
		return;
	if (len > 0 && memchr(value, '"', len) == NULL && memchr(value, ',', len) == NULL &&
		memchr(value, '\n', len) == NULL && memchr(value, '\r', len) == NULL)
	{
		covet_buf_appendn(out, value, len);
		return;
	}
	covet_buf_appendc(out, '"');
	for (i = 0; i < len; i++)
	{
		if (value[i] == '"')
			covet_buf_appendc(out, '"');
		covet_buf_appendc(out, value[i]);
	}
	covet_buf_appendc(out, '"');
}

CovetStatus
covet_fixture_format(const char *name, CovetFixtureFormat *out, CovetError *err)
{
	if (name == NULL || strcasecmp(name, "json") == 0)
		*out = COVET_FORMAT_JSON;
	else if (strcasecmp(name, "yaml") == 0 || strcasecmp(name, "yml") == 0)
		*out = COVET_FORMAT_YAML;
	else if (strcasecmp(name, "csv") == 0)
		*out = COVET_FORMAT_CSV;
	else
	{
		covet_error_set(err, COVET_ERR_INVALID, "unknown fixture format \"%s\"", name);
		covet_error_hint(err, "The formats are json, yaml and csv.");
		return COVET_ERR_INVALID;
	}
	return COVET_OK;
}

CovetStatus
covet_fixture_on_conflict(const char *name, CovetOnConflict *out, CovetError *err)
{
	if (name == NULL || strcasecmp(name, "error") == 0)
		*out = COVET_CONFLICT_ERROR;
	else if (strcasecmp(name, "ignore") == 0)
		*out = COVET_CONFLICT_IGNORE;
	else if (strcasecmp(name, "update") == 0)
		*out = COVET_CONFLICT_UPDATE;
	else
	{
		covet_error_set(err, COVET_ERR_INVALID, "invalid on_conflict \"%s\"", name);
		covet_error_hint(err, "on_conflict is error, ignore or update.");
		return COVET_ERR_INVALID;
	}
	return COVET_OK;
}
