/*-------------------------------------------------------------------------
 *
 * seed_gen.c
 *		Fake-data generators: parse a generator spec once, then compute the
 *		value of any row as a pure function of (generator, key, row).
 *
 * Determinism is the point.  A value depends only on the parsed generator,
 * the column's key (covet_fake_key: the seed mixed with the column name)
 * and the row number; the randomness is splitmix64 over those, and every
 * number is formatted here, with integer arithmetic only (probabilities and
 * weights are fixed-point millionths, decimals are scaled integers, a float
 * is the correctly rounded quotient of two exact doubles).  So the same
 * seed gives the same rows in PostgreSQL and in SQLite, on any platform.
 *
 * Both bindings expose covet_fake_eval as the SQL function covet_fake(spec,
 * key, row), which is what covet_seed's INSERT ... SELECT calls per row;
 * they parse the spec once per statement and keep it (auxdata, fn_extra).
 *
 * Spec grammar (README, "Seeding"):
 *
 *		spec	:= name [ "(" [ arg { "," arg } ] ")" ] { ";" option }
 *		arg		:= bare text | 'quoted text' ('' for a quote)
 *				   (choice only: arg [ ":" weight ])
 *		option	:= "null=" probability | "unique" | "max=" characters
 *
 *-------------------------------------------------------------------------
 */
#include "covet.h"
#include "fake_data.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum GenKind
{
	G_FIRST_NAME,
	G_LAST_NAME,
	G_NAME,
	G_USER_NAME,
	G_EMAIL,
	G_PHONE,
	G_STREET,
	G_CITY,
	G_COUNTRY,
	G_POSTCODE,
	G_COMPANY,
	G_JOB,
	G_WORD,
	G_SENTENCE,
	G_PARAGRAPH,
	G_URL,
	G_UUID,
	G_INT,
	G_FLOAT,
	G_DECIMAL,
	G_BOOL,
	G_DATE,
	G_TIMESTAMP,
	G_TIME,
	G_CHOICE,
	G_SEQUENCE,
	G_CONSTANT,
	G_NULL
} GenKind;

typedef struct GenDef
{
	const char *name;
	GenKind		kind;
	int			min_args;
	int			max_args;
	const char *usage;
} GenDef;

static const GenDef gen_defs[] = {
	{"first_name", G_FIRST_NAME, 0, 0, "first_name"},
	{"last_name", G_LAST_NAME, 0, 0, "last_name"},
	{"name", G_NAME, 0, 0, "name"},
	{"user_name", G_USER_NAME, 0, 0, "user_name"},
	{"username", G_USER_NAME, 0, 0, "username"},
	{"email", G_EMAIL, 0, 0, "email"},
	{"phone", G_PHONE, 0, 0, "phone"},
	{"street", G_STREET, 0, 0, "street"},
	{"city", G_CITY, 0, 0, "city"},
	{"country", G_COUNTRY, 0, 0, "country"},
	{"postcode", G_POSTCODE, 0, 0, "postcode"},
	{"company", G_COMPANY, 0, 0, "company"},
	{"job", G_JOB, 0, 0, "job"},
	{"word", G_WORD, 0, 0, "word"},
	{"sentence", G_SENTENCE, 0, 0, "sentence"},
	{"paragraph", G_PARAGRAPH, 0, 0, "paragraph"},
	{"url", G_URL, 0, 0, "url"},
	{"uuid", G_UUID, 0, 0, "uuid"},
	{"int", G_INT, 0, 2, "int(min, max)"},
	{"integer", G_INT, 0, 2, "integer(min, max)"},
	{"float", G_FLOAT, 0, 3, "float(min, max, scale)"},
	{"decimal", G_DECIMAL, 0, 3, "decimal(min, max, scale)"},
	{"bool", G_BOOL, 0, 1, "bool(probability of true)"},
	{"boolean", G_BOOL, 0, 1, "boolean(probability of true)"},
	{"date", G_DATE, 0, 2, "date(from, to)"},
	{"timestamp", G_TIMESTAMP, 0, 2, "timestamp(from, to)"},
	{"time", G_TIME, 0, 0, "time"},
	{"choice", G_CHOICE, 1, 10000, "choice(value[:weight], ...)"},
	{"sequence", G_SEQUENCE, 0, 2, "sequence(start, step)"},
	{"constant", G_CONSTANT, 1, 1, "constant(value)"},
	{"null", G_NULL, 0, 0, "null"},
};

#define NGEN_DEFS ((int) (sizeof(gen_defs) / sizeof(gen_defs[0])))

#define PPM 1000000
#define MAX_SCALE 9

/*
 * A word list as a generator reads it: each entry with its length, and
 * folded to lower-case ASCII (put_folded) for the generators that want it,
 * once when the generator is parsed instead of for every value.
 */
typedef struct Word
{
	const char *s;
	size_t		len;
} Word;

typedef struct Words
{
	Word	   *w;				/* NULL: slot unused */
	size_t		n;
	char	   *folded;			/* the folded entries' text, or NULL */
} Words;

#define NSLOTS 3

struct CovetFakeGen
{
	GenKind		kind;
	Words		lists[NSLOTS];	/* the lists this kind picks from (gen_lists) */
	int64_t		lo;				/* int, days, seconds, scaled units */
	int64_t		hi;
	int64_t		step;			/* sequence */
	int			scale;			/* float, decimal */
	uint32_t	null_ppm;
	uint32_t	true_ppm;		/* bool */
	bool		unique;
	int			max_chars;		/* 0: no limit */
	int			nchoices;
	char	  **choices;
	uint64_t   *cum;			/* cumulative weights, millionths */
	uint64_t	total;
	char	   *constant;
};

const char *
covet_fake_generator_names(void)
{
	return "first_name, last_name, name, user_name, email, phone, street, city, "
		"country, postcode, company, job, word, sentence, paragraph, url, uuid, "
		"int(min, max), float(min, max, scale), decimal(min, max, scale), "
		"bool(p), date(from, to), timestamp(from, to), time, "
		"choice(a:w, b:w, ...), sequence(start, step), constant(value), null";
}

/* --- randomness ------------------------------------------------------------ */

static inline uint64_t
mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

typedef struct Rng
{
	uint64_t	s;
} Rng;

static inline uint64_t
rng_next(Rng *r)
{
	r->s += 0x9E3779B97F4A7C15ULL;
	return mix64(r->s);
}

/* Uniform in [0, n), n > 0: the high half of a 128-bit product. */
static inline uint64_t
rng_below(Rng *r, uint64_t n)
{
	return (uint64_t) (((unsigned __int128) rng_next(r) * n) >> 64);
}

static const Word *
pick(Rng *r, const Words *l)
{
	return &l->w[rng_below(r, l->n)];
}

int64_t
covet_fake_key(int64_t seed, const char *column)
{
	uint64_t	h = 0xcbf29ce484222325ULL;	/* FNV-1a over the lower-cased name */
	const char *p;

	for (p = column ? column : ""; *p; p++)
	{
		unsigned char c = (unsigned char) *p;

		if (c >= 'A' && c <= 'Z')
			c = (unsigned char) (c + 32);
		h = (h ^ c) * 0x100000001b3ULL;
	}
	return (int64_t) (mix64((uint64_t) seed * 0x9E3779B97F4A7C15ULL ^ mix64(h)) >> 1);
}

/* --- generators of a row source (seed_rows_gen_from) ----------------------- */

void
covet_seed_gens_encode(CovetBuf *b, int64_t key, const char *spec)
{
	covet_buf_appendf(b, "%lld %zu:", (long long) key, strlen(spec));
	covet_buf_append(b, spec);
}

bool
covet_seed_gens_next(const char **p, int64_t *key, const char **spec, size_t *len,
					 bool *bad)
{
	const char *s = *p;
	char	   *end;
	long long	k;
	unsigned long long n;

	*bad = false;
	if (*s == '\0')
		return false;
	*bad = true;
	if (!(*s == '-' || (*s >= '0' && *s <= '9')))
		return false;
	k = strtoll(s, &end, 10);
	if (*end != ' ' || end[1] < '0' || end[1] > '9')
		return false;
	n = strtoull(end + 1, &end, 10);
	if (*end != ':' || strnlen(end + 1, (size_t) n) < n)
		return false;
	*key = (int64_t) k;
	*spec = end + 1;
	*len = (size_t) n;
	*p = end + 1 + n;
	*bad = false;
	return true;
}

/* --- building text ---------------------------------------------------------- */

typedef struct Out
{
	char	   *p;
	size_t		len;
	size_t		cap;			/* bytes usable, NUL excluded */
} Out;

static void
put(Out *o, const char *s, size_t n)
{
	if (n > o->cap - o->len)
		n = o->cap - o->len;
	memcpy(o->p + o->len, s, n);
	o->len += n;
	o->p[o->len] = '\0';
}

static void
puts_(Out *o, const char *s)
{
	put(o, s, strlen(s));
}

static void
put_word(Out *o, const Word *w)
{
	put(o, w->s, w->len);
}

static void
putc_(Out *o, char c)
{
	if (o->len < o->cap)
	{
		o->p[o->len++] = c;
		o->p[o->len] = '\0';
	}
}

/* Decimal digits of v, at least width of them (zero padded). */
static void
put_uint(Out *o, uint64_t v, int width)
{
	char		tmp[24];
	int			n = (int) sizeof(tmp);

	if (width == 2 && v < 100 && o->cap - o->len >= 2)
	{
		/* the fields of dates and times */
		o->p[o->len++] = (char) ('0' + v / 10);
		o->p[o->len++] = (char) ('0' + v % 10);
		o->p[o->len] = '\0';
		return;
	}
	do
	{
		tmp[--n] = (char) ('0' + v % 10);
		v /= 10;
	} while (v > 0);
	while ((int) sizeof(tmp) - n < width && n > 0)
		tmp[--n] = '0';
	put(o, tmp + n, sizeof(tmp) - (size_t) n);
}

static void
put_int(Out *o, int64_t v)
{
	if (v < 0)
	{
		putc_(o, '-');
		put_uint(o, (uint64_t) 0 - (uint64_t) v, 1);
	}
	else
		put_uint(o, (uint64_t) v, 1);
}

/* A scaled integer as a decimal: 1250 at scale 2 is "12.50". */
static void
put_scaled(Out *o, int64_t units, int scale)
{
	uint64_t	u = units < 0 ? (uint64_t) 0 - (uint64_t) units : (uint64_t) units;
	uint64_t	div = 1;
	int			i;

	for (i = 0; i < scale; i++)
		div *= 10;
	if (units < 0)
		putc_(o, '-');
	put_uint(o, u / div, 1);
	if (scale > 0)
	{
		putc_(o, '.');
		put_uint(o, u % div, scale);
	}
}

/* UTF-8 letters that fold to ASCII in emails and user names. */
static const struct
{
	const char *utf8;
	const char *ascii;
}			folds[] = {
	{"\xc3\xa0", "a"}, {"\xc3\xa1", "a"}, {"\xc3\xa2", "a"}, {"\xc3\xa3", "a"},
	{"\xc3\xa4", "a"}, {"\xc3\xa5", "a"}, {"\xc3\xa6", "ae"}, {"\xc3\xa7", "c"},
	{"\xc3\xa8", "e"}, {"\xc3\xa9", "e"}, {"\xc3\xaa", "e"}, {"\xc3\xab", "e"},
	{"\xc3\xac", "i"}, {"\xc3\xad", "i"}, {"\xc3\xae", "i"}, {"\xc3\xaf", "i"},
	{"\xc3\xb1", "n"}, {"\xc3\xb2", "o"}, {"\xc3\xb3", "o"}, {"\xc3\xb4", "o"},
	{"\xc3\xb5", "o"}, {"\xc3\xb6", "o"}, {"\xc3\xb8", "o"}, {"\xc3\xb9", "u"},
	{"\xc3\xba", "u"}, {"\xc3\xbb", "u"}, {"\xc3\xbc", "u"}, {"\xc3\xbd", "y"},
	{"\xc3\x9f", "ss"}, {"\xc3\x85", "a"}, {"\xc3\x96", "o"}, {"\xc3\x98", "o"},
	{"\xc3\x9c", "u"}, {"\xc3\x89", "e"}, {"\xc3\x87", "c"}, {"\xc3\x81", "a"},
	{"\xc5\x81", "l"}, {"\xc5\x82", "l"}, {"\xc5\x9b", "s"}, {"\xc5\x84", "n"},
	{"\xc5\xbc", "z"}, {"\xc5\xba", "z"}, {"\xc4\x87", "c"}, {"\xc4\x99", "e"},
	{"\xc4\x85", "a"}, {"\xc4\x8d", "c"}, {"\xc5\x99", "r"}, {"\xc5\xa1", "s"},
	{"\xc5\xbe", "z"}, {"\xc4\x9b", "e"}, {"\xc5\x91", "o"}, {"\xc5\xb1", "u"},
};

/*
 * Lower-case ASCII letters and digits of s; accents folded, the rest
 * dropped.  Written straight into the buffer: names are most of an email.
 */
static void
put_folded(Out *o, const char *s)
{
	char	   *p = o->p + o->len;
	char	   *end = o->p + o->cap;

	while (*s && p < end)
	{
		unsigned char c = (unsigned char) *s;

		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			*p++ = (char) c;
		else if (c >= 'A' && c <= 'Z')
			*p++ = (char) (c + 32);
		else if (c >= 0x80)
		{
			size_t		i;
			size_t		n = 1;

			while ((((unsigned char) s[n]) & 0xC0) == 0x80)
				n++;
			/* every entry of folds is two bytes long */
			for (i = 0; n == 2 && i < sizeof(folds) / sizeof(folds[0]); i++)
				if (folds[i].utf8[0] == s[0] && folds[i].utf8[1] == s[1])
				{
					const char *a = folds[i].ascii;

					while (*a && p < end)
						*p++ = *a++;
					break;
				}
			s += n;
			continue;
		}
		s++;
	}
	*p = '\0';
	o->len = (size_t) (p - o->p);
}

/* A pattern: '#' is a random digit. */
static void
put_pattern(Out *o, Rng *r, const char *pat)
{
	for (; *pat; pat++)
		putc_(o, *pat == '#' ? (char) ('0' + rng_below(r, 10)) : *pat);
}

static void
put_sentence(Out *o, Rng *r, const Words *words)
{
	int			n = 4 + (int) rng_below(r, 9);
	int			i;

	for (i = 0; i < n; i++)
	{
		const Word *w = pick(r, words);

		if (i == 0)
		{
			putc_(o, (char) (w->s[0] - 32));
			put(o, w->s + 1, w->len - 1);
		}
		else
		{
			putc_(o, ' ');
			put_word(o, w);
		}
	}
	putc_(o, '.');
}

/* --- dates ----------------------------------------------------------------- */

/* "00" to "99": the fields of dates and times, two digits at a time */
static const char digit_pairs[] =
"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
"8081828384858687888990919293949596979899";

static inline void
pair_at(char *p, int v)
{
	p[0] = digit_pairs[2 * v];
	p[1] = digit_pairs[2 * v + 1];
}

static void
put_date(Out *o, int64_t days)
{
	int64_t		y;
	int			m,
				d;

	covet_civil_from_days(days, &y, &m, &d);
	if (y >= 0 && y <= 9999 && o->cap - o->len >= 10)
	{
		/* YYYY-MM-DD in place: every date a generator makes */
		char	   *p = o->p + o->len;

		pair_at(p, (int) (y / 100));
		pair_at(p + 2, (int) (y % 100));
		p[4] = '-';
		pair_at(p + 5, m);
		p[7] = '-';
		pair_at(p + 8, d);
		p[10] = '\0';
		o->len += 10;
		return;
	}
	put_uint(o, (uint64_t) (y < 0 ? 0 : y), 4);
	putc_(o, '-');
	put_uint(o, (uint64_t) m, 2);
	putc_(o, '-');
	put_uint(o, (uint64_t) d, 2);
}

static void
put_time(Out *o, int64_t secs)
{
	if (secs >= 0 && secs < 86400 && o->cap - o->len >= 8)
	{
		char	   *p = o->p + o->len;
		int			t = (int) secs;

		pair_at(p, t / 3600);
		p[2] = ':';
		pair_at(p + 3, t / 60 % 60);
		p[5] = ':';
		pair_at(p + 6, t % 60);
		p[8] = '\0';
		o->len += 8;
		return;
	}
	put_uint(o, (uint64_t) (secs / 3600), 2);
	putc_(o, ':');
	put_uint(o, (uint64_t) (secs / 60 % 60), 2);
	putc_(o, ':');
	put_uint(o, (uint64_t) (secs % 60), 2);
}

static int64_t
floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* --- evaluation ------------------------------------------------------------ */

/* Cut text at max_chars characters (UTF-8). */
static void
limit_chars(CovetFakeValue *v, int max_chars)
{
	size_t		i;
	int			chars = 0;

	for (i = 0; i < v->len; i++)
	{
		if ((((unsigned char) v->text[i]) & 0xC0) != 0x80)
		{
			if (chars == max_chars)
			{
				v->len = i;
				if (v->text == v->buf)
					v->buf[i] = '\0';
				return;
			}
			chars++;
		}
	}
}

void
covet_fake_eval(const CovetFakeGen *g, int64_t key, int64_t row, CovetFakeValue *v)
{
	Rng			r;
	Out			o;
	uint64_t	rowmix = mix64((uint64_t) row ^ 0x632BE59BD9B4E019ULL);

	v->kind = COVET_FAKE_TEXT;
	v->i = 0;
	v->real = 0;
	v->buf[0] = '\0';
	v->text = v->buf;
	v->len = 0;
	o.p = v->buf;
	o.len = 0;
	o.cap = sizeof(v->buf) - 1;

	/* the null draw has a stream of its own: nulls do not shift values */
	if (g->kind == G_NULL ||
		(g->null_ppm > 0 &&
		 mix64((uint64_t) key ^ rowmix ^ 0xD6E8FEB86659FD93ULL) % PPM < g->null_ppm))
	{
		v->kind = COVET_FAKE_NULL;
		v->text = NULL;
		return;
	}
	r.s = mix64((uint64_t) key ^ rowmix);

	switch (g->kind)
	{
		case G_FIRST_NAME:
		case G_LAST_NAME:
		case G_CITY:
		case G_COUNTRY:
		case G_JOB:
		case G_WORD:
			put_word(&o, pick(&r, &g->lists[0]));
			break;
		case G_NAME:
			put_word(&o, pick(&r, &g->lists[0]));
			putc_(&o, ' ');
			put_word(&o, pick(&r, &g->lists[1]));
			break;
		case G_USER_NAME:
			{
				/* folded lists */
				const Word *first = pick(&r, &g->lists[0]);
				const Word *last = pick(&r, &g->lists[1]);
				uint64_t	form = rng_below(&r, 4);
				uint64_t	num = rng_below(&r, 1000);

				if (form == 3)
				{
					Out			f = {v->buf, 0, 1};

					put_word(&f, first);	/* the initial */
					o.len = f.len;
				}
				else
				{
					put_word(&o, first);
					if (form < 2)
						putc_(&o, form == 0 ? '.' : '_');
				}
				put_word(&o, last);
				if (g->unique)
					put_int(&o, row);
				else if (num < 500)
					put_uint(&o, num, 1);
				break;
			}
		case G_EMAIL:
			{
				/* folded first and last names */
				const Word *first = pick(&r, &g->lists[0]);
				const Word *last = pick(&r, &g->lists[1]);
				const Word *domain = pick(&r, &g->lists[2]);
				uint64_t	num = rng_below(&r, 200);

				put_word(&o, first);
				putc_(&o, '.');
				put_word(&o, last);
				if (g->unique)
					put_int(&o, row);
				else if (num < 100)
					put_uint(&o, num, 1);
				putc_(&o, '@');
				put_word(&o, domain);
				break;
			}
		case G_PHONE:
			{
				static const char *const formats[] = {
					"+1 (###) ###-####", "+1 ###-###-####", "+44 20 #### ####",
					"+49 30 ########", "+33 # ## ## ## ##", "+61 # #### ####",
					"(###) ###-####", "+34 ### ### ###",
				};

				put_pattern(&o, &r, formats[rng_below(&r, sizeof(formats) / sizeof(formats[0]))]);
				break;
			}
		case G_STREET:
			put_uint(&o, 1 + rng_below(&r, 9999), 1);
			putc_(&o, ' ');
			put_word(&o, pick(&r, &g->lists[0]));
			putc_(&o, ' ');
			put_word(&o, pick(&r, &g->lists[1]));
			break;
		case G_POSTCODE:
			put_pattern(&o, &r, "#####");
			break;
		case G_COMPANY:
			{
				uint64_t	form = rng_below(&r, 3);

				if (form == 0)
					put_word(&o, pick(&r, &g->lists[0]));
				else
					put_word(&o, pick(&r, &g->lists[1]));
				if (form == 2)
				{
					puts_(&o, " & ");
					put_word(&o, pick(&r, &g->lists[1]));
				}
				else
				{
					putc_(&o, ' ');
					put_word(&o, pick(&r, &g->lists[2]));
				}
				break;
			}
		case G_SENTENCE:
			put_sentence(&o, &r, &g->lists[0]);
			break;
		case G_PARAGRAPH:
			{
				int			n = 3 + (int) rng_below(&r, 4);
				int			i;

				for (i = 0; i < n; i++)
				{
					if (i > 0)
						putc_(&o, ' ');
					put_sentence(&o, &r, &g->lists[0]);
				}
				break;
			}
		case G_URL:
			puts_(&o, "https://www.");
			put_word(&o, pick(&r, &g->lists[0]));	/* folded */
			putc_(&o, '.');
			put_word(&o, pick(&r, &g->lists[1]));
			if (g->unique || rng_below(&r, 2) == 0)
			{
				putc_(&o, '/');
				put_word(&o, pick(&r, &g->lists[2]));
				if (g->unique)
				{
					putc_(&o, '-');
					put_int(&o, row);
				}
			}
			break;
		case G_UUID:
			{
				static const char hex[] = "0123456789abcdef";
				uint64_t	a = rng_next(&r);
				uint64_t	b = rng_next(&r);
				unsigned char bytes[16];
				int			i;

				for (i = 0; i < 8; i++)
				{
					bytes[i] = (unsigned char) (a >> (56 - 8 * i));
					bytes[8 + i] = (unsigned char) (b >> (56 - 8 * i));
				}
				bytes[6] = (unsigned char) ((bytes[6] & 0x0F) | 0x40);
				bytes[8] = (unsigned char) ((bytes[8] & 0x3F) | 0x80);
				for (i = 0; i < 16; i++)
				{
					if (i == 4 || i == 6 || i == 8 || i == 10)
						putc_(&o, '-');
					putc_(&o, hex[bytes[i] >> 4]);
					putc_(&o, hex[bytes[i] & 0x0F]);
				}
				break;
			}
		case G_INT:
			{
				uint64_t	span = (uint64_t) g->hi - (uint64_t) g->lo + 1;

				v->kind = COVET_FAKE_INT;
				v->i = (int64_t) ((uint64_t) g->lo + (span == 0 ? rng_next(&r) : rng_below(&r, span)));
				return;
			}
		case G_SEQUENCE:
			v->kind = COVET_FAKE_INT;
			v->i = (int64_t) ((uint64_t) g->lo + ((uint64_t) row - 1) * (uint64_t) g->step);
			return;
		case G_FLOAT:
		case G_DECIMAL:
			{
				uint64_t	span = (uint64_t) g->hi - (uint64_t) g->lo + 1;
				int64_t		units = (int64_t) ((uint64_t) g->lo + rng_below(&r, span));
				double		div = 1;
				int			i;

				for (i = 0; i < g->scale; i++)
					div *= 10;
				put_scaled(&o, units, g->scale);
				v->kind = g->kind == G_FLOAT ? COVET_FAKE_REAL : COVET_FAKE_DECIMAL;
				/* both exact: the quotient is correctly rounded, as strtod */
				v->real = (double) units / div;
				v->len = o.len;
				return;
			}
		case G_BOOL:
			v->kind = COVET_FAKE_BOOL;
			v->i = rng_below(&r, PPM) < g->true_ppm;
			return;
		case G_DATE:
			put_date(&o, g->lo + (int64_t) rng_below(&r, (uint64_t) (g->hi - g->lo + 1)));
			break;
		case G_TIMESTAMP:
			{
				int64_t		t = g->lo + (int64_t) rng_below(&r, (uint64_t) (g->hi - g->lo + 1));
				int64_t		days = floor_div(t, 86400);

				put_date(&o, days);
				putc_(&o, ' ');
				put_time(&o, t - days * 86400);
				break;
			}
		case G_TIME:
			put_time(&o, (int64_t) rng_below(&r, 86400));
			break;
		case G_CHOICE:
			{
				uint64_t	x = rng_below(&r, g->total);
				int			lo = 0,
							hi = g->nchoices - 1;

				/* the first choice whose cumulative weight exceeds x */
				while (lo < hi)
				{
					int			mid = (lo + hi) / 2;

					if (g->cum[mid] > x)
						hi = mid;
					else
						lo = mid + 1;
				}
				v->text = g->choices[lo];
				v->len = strlen(v->text);
				if (g->max_chars > 0)
					limit_chars(v, g->max_chars);
				return;
			}
		case G_CONSTANT:
			v->text = g->constant;
			v->len = strlen(v->text);
			if (g->max_chars > 0)
				limit_chars(v, g->max_chars);
			return;
		case G_NULL:
			break;
	}

	/* text generators on a unique column carry the row number */
	if (g->unique && g->kind != G_EMAIL && g->kind != G_USER_NAME &&
		g->kind != G_URL && g->kind != G_UUID)
	{
		bool		period = o.len > 0 && o.p[o.len - 1] == '.';

		/* "Some words 12." for sentences, "word-12" for the rest */
		if (period)
			o.len--;
		putc_(&o, period ? ' ' : '-');
		put_int(&o, row);
		if (period)
			putc_(&o, '.');
	}
	v->len = o.len;
	if (g->max_chars > 0)
		limit_chars(v, g->max_chars);
}

const char *
covet_fake_text(CovetFakeValue *v)
{
	Out			o;

	switch (v->kind)
	{
		case COVET_FAKE_NULL:
			return NULL;
		case COVET_FAKE_INT:
			o.p = v->buf;
			o.len = 0;
			o.cap = sizeof(v->buf) - 1;
			put_int(&o, v->i);
			v->text = v->buf;
			v->len = o.len;
			return v->text;
		case COVET_FAKE_BOOL:
			v->text = v->i ? "true" : "false";
			v->len = strlen(v->text);
			return v->text;
		default:
			if (v->text != v->buf && v->text[v->len] != '\0')
			{
				/* a choice or constant cut by max: copy to terminate it */
				size_t		n = v->len < sizeof(v->buf) - 1 ? v->len : sizeof(v->buf) - 1;

				memmove(v->buf, v->text, n);
				v->buf[n] = '\0';
				v->text = v->buf;
				v->len = n;
			}
			return v->text;
	}
}

/* --- parsing ----------------------------------------------------------------- */

typedef struct Arg
{
	const char *start;			/* raw text, trimmed */
	size_t		len;
} Arg;

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static CovetStatus
bad(CovetError *err, const char *spec, const char *fmt, const char *a, const char *b)
{
	covet_error_set(err, COVET_ERR_INVALID, "invalid generator \"%.200s\"", spec);
	covet_error_detail(err, fmt, a, b);
	/* details are sentences */
	if (err->detail[0] >= 'a' && err->detail[0] <= 'z')
		err->detail[0] = (char) (err->detail[0] - 32);
	return COVET_ERR_INVALID;
}

/* An argument as a value: 'quoted' (with '' inside) or bare.  *rest: after it. */
static char *
arg_value(CovetMem *mem, const Arg *a, const char **rest, size_t *restlen,
		  bool *quoted)
{
	char	   *out = covet_alloc(mem, a->len + 1);
	size_t		i = 0,
				n = 0;

	if (out == NULL)
		return NULL;
	*quoted = a->len > 0 && a->start[0] == '\'';
	if (!*quoted)
	{
		memcpy(out, a->start, a->len);
		out[a->len] = '\0';
		*rest = a->start + a->len;
		*restlen = 0;
		return out;
	}
	for (i = 1; i < a->len; i++)
	{
		if (a->start[i] == '\'')
		{
			if (i + 1 < a->len && a->start[i + 1] == '\'')
			{
				out[n++] = '\'';
				i++;
				continue;
			}
			break;
		}
		out[n++] = a->start[i];
	}
	out[n] = '\0';
	if (i >= a->len)
	{
		*rest = NULL;			/* unterminated */
		*restlen = 0;
		return out;
	}
	*rest = a->start + i + 1;
	*restlen = a->len - i - 1;
	while (*restlen > 0 && is_space(**rest))
	{
		(*rest)++;
		(*restlen)--;
	}
	return out;
}

/* A whole signed integer. */
static bool
parse_int(const char *s, size_t len, int64_t *out)
{
	uint64_t	v = 0;
	bool		neg = false;
	size_t		i = 0;

	if (len > 0 && (s[0] == '-' || s[0] == '+'))
	{
		neg = s[0] == '-';
		i++;
	}
	if (i == len)
		return false;
	for (; i < len; i++)
	{
		if (s[i] < '0' || s[i] > '9')
			return false;
		if (v > (UINT64_C(9223372036854775808) - (uint64_t) (s[i] - '0')) / 10)
			return false;
		v = v * 10 + (uint64_t) (s[i] - '0');
	}
	if (!neg && v > (uint64_t) INT64_MAX)
		return false;
	*out = neg ? (int64_t) (0 - v) : (int64_t) v;
	return true;
}

/* A decimal as an integer of units 10^-scale; false if malformed or too precise. */
static bool
parse_scaled(const char *s, size_t len, int scale, int64_t *out)
{
	uint64_t	v = 0;
	bool		neg = false,
				digits = false;
	size_t		i = 0;
	int			frac = -1;

	if (len > 0 && (s[0] == '-' || s[0] == '+'))
	{
		neg = s[0] == '-';
		i++;
	}
	for (; i < len; i++)
	{
		if (s[i] == '.' && frac < 0)
		{
			frac = 0;
			continue;
		}
		if (s[i] < '0' || s[i] > '9')
			return false;
		digits = true;
		if (frac >= 0 && ++frac > scale)
		{
			if (s[i] != '0')
				return false;	/* more precise than the scale */
			continue;
		}
		if (v > (uint64_t) (INT64_MAX / 10) - 9)
			return false;
		v = v * 10 + (uint64_t) (s[i] - '0');
	}
	if (!digits)
		return false;
	for (frac = frac < 0 ? 0 : (frac > scale ? scale : frac); frac < scale; frac++)
	{
		if (v > (uint64_t) (INT64_MAX / 10))
			return false;
		v *= 10;
	}
	*out = neg ? -(int64_t) v : (int64_t) v;
	return true;
}

/* A probability 0..1 in millionths. */
static bool
parse_ppm(const char *s, size_t len, uint32_t *out)
{
	int64_t		v;

	if (!parse_scaled(s, len, 6, &v) || v < 0 || v > PPM)
		return false;
	*out = (uint32_t) v;
	return true;
}

static bool
parse_date(const char *s, size_t len, int64_t *days)
{
	int			y,
				m,
				d;
	size_t		i;

	if (len != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (m < 1 || m > 12 || d < 1 || d > 31)
		return false;
	*days = covet_days_from_civil(y, m, d);
	{
		int64_t		yy;
		int			mm,
					dd;

		covet_civil_from_days(*days, &yy, &mm, &dd);
		if (mm != m || dd != d)
			return false;		/* 2023-02-30 */
	}
	return true;
}

/* YYYY-MM-DD[( |T)HH:MM[:SS]] as seconds since the epoch. */
static bool
parse_timestamp(const char *s, size_t len, int64_t *secs)
{
	int64_t		days;
	int			h = 0,
				mi = 0,
				se = 0;

	if (len < 10 || !parse_date(s, 10, &days))
		return false;
	if (len > 10)
	{
		const char *t = s + 11;
		size_t		tl = len - 11;
		size_t		i;

		if ((s[10] != ' ' && s[10] != 'T') || (tl != 5 && tl != 8) || t[2] != ':' ||
			(tl == 8 && t[5] != ':'))
			return false;
		for (i = 0; i < tl; i++)
			if (i != 2 && i != 5 && (t[i] < '0' || t[i] > '9'))
				return false;
		h = (t[0] - '0') * 10 + (t[1] - '0');
		mi = (t[3] - '0') * 10 + (t[4] - '0');
		if (tl == 8)
			se = (t[6] - '0') * 10 + (t[7] - '0');
		if (h > 23 || mi > 59 || se > 59)
			return false;
	}
	*secs = days * 86400 + h * 3600 + mi * 60 + se;
	return true;
}

/* slot <- list, each entry with its length, folded if asked */
static CovetStatus
words_init(CovetMem *mem, Words *slot, const CovetWordList *list, bool fold, CovetError *err)
{
	size_t		i,
				total = 0;
	Out			o;

	if ((slot->w = covet_alloc(mem, sizeof(Word) * list->n)) == NULL)
		return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
	slot->n = list->n;
	for (i = 0; i < list->n; i++)
	{
		slot->w[i].s = list->words[i];
		slot->w[i].len = strlen(list->words[i]);
		total += slot->w[i].len + 1;
	}
	if (!fold)
		return COVET_OK;
	/* folding never makes an entry longer: a two-byte letter gives one or two */
	if ((slot->folded = covet_alloc(mem, total)) == NULL)
		return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
	o.p = slot->folded;
	o.len = 0;
	o.cap = total - 1;
	for (i = 0; i < list->n; i++)
	{
		size_t		start = o.len;

		put_folded(&o, list->words[i]);
		slot->w[i].s = slot->folded + start;
		slot->w[i].len = o.len - start;
		o.len++;				/* past the NUL put_folded wrote */
	}
	return COVET_OK;
}

/*
 * The word lists each kind picks from, in the slots covet_fake_eval reads,
 * and which of them it wants folded to ASCII.
 */
static const struct
{
	GenKind		kind;
	const CovetWordList *list[NSLOTS];
	bool		fold[NSLOTS];
}			gen_list_defs[] = {
	{G_FIRST_NAME, {&covet_fake_first_names}, {false}},
	{G_LAST_NAME, {&covet_fake_last_names}, {false}},
	{G_NAME, {&covet_fake_first_names, &covet_fake_last_names}, {false}},
	{G_USER_NAME, {&covet_fake_first_names, &covet_fake_last_names}, {true, true}},
	{G_EMAIL, {&covet_fake_first_names, &covet_fake_last_names, &covet_fake_domains}, {true, true}},
	{G_STREET, {&covet_fake_streets, &covet_fake_street_suffixes}, {false}},
	{G_CITY, {&covet_fake_cities}, {false}},
	{G_COUNTRY, {&covet_fake_countries}, {false}},
	{G_COMPANY, {&covet_fake_company_words, &covet_fake_last_names, &covet_fake_company_suffixes}, {false}},
	{G_JOB, {&covet_fake_jobs}, {false}},
	{G_WORD, {&covet_fake_words}, {false}},
	{G_SENTENCE, {&covet_fake_words}, {false}},
	{G_PARAGRAPH, {&covet_fake_words}, {false}},
	{G_URL, {&covet_fake_company_words, &covet_fake_tlds, &covet_fake_words}, {true}},
};

static CovetStatus
gen_lists(CovetMem *mem, CovetFakeGen *g, CovetError *err)
{
	size_t		d;
	int			i;
	CovetStatus rc = COVET_OK;

	for (d = 0; d < sizeof(gen_list_defs) / sizeof(gen_list_defs[0]); d++)
		if (gen_list_defs[d].kind == g->kind)
			for (i = 0; i < NSLOTS && rc == COVET_OK; i++)
				if (gen_list_defs[d].list[i] != NULL)
					rc = words_init(mem, &g->lists[i], gen_list_defs[d].list[i],
									gen_list_defs[d].fold[i], err);
	return rc;
}

void
covet_fake_free(CovetMem *mem, CovetFakeGen *g)
{
	int			i;

	if (g == NULL)
		return;
	for (i = 0; i < NSLOTS; i++)
	{
		covet_free(mem, g->lists[i].w);
		covet_free(mem, g->lists[i].folded);
	}
	for (i = 0; g->choices != NULL && i < g->nchoices; i++)
		covet_free(mem, g->choices[i]);
	covet_free(mem, g->choices);
	covet_free(mem, g->cum);
	covet_free(mem, g->constant);
	covet_free(mem, g);
}

bool
covet_fake_nullable(const CovetFakeGen *g)
{
	return g->kind == G_NULL || g->null_ppm > 0;
}

/* Set the arguments of g from args; spec is for messages. */
static CovetStatus
apply_args(CovetMem *mem, CovetFakeGen *g, const char *spec, Arg *args, int nargs,
		   CovetError *err)
{
	char		a0[64] = "",
				a1[64] = "";
	int			i;

	/* short copies for messages */
	if (nargs > 0)
		snprintf(a0, sizeof(a0), "%.*s", (int) args[0].len, args[0].start);
	if (nargs > 1)
		snprintf(a1, sizeof(a1), "%.*s", (int) args[1].len, args[1].start);

	switch (g->kind)
	{
		case G_INT:
			g->lo = 1;
			g->hi = 1000;
			if (nargs == 1)
				return bad(err, spec, "int takes both min and max%s%s.", "", "");
			if (nargs == 2)
			{
				if (!parse_int(args[0].start, args[0].len, &g->lo))
					return bad(err, spec, "min \"%s\" is not an integer%s.", a0, "");
				if (!parse_int(args[1].start, args[1].len, &g->hi))
					return bad(err, spec, "max \"%s\" is not an integer%s.", a1, "");
				if (g->lo > g->hi)
					return bad(err, spec, "min (%s) is greater than max (%s).", a0, a1);
			}
			return COVET_OK;
		case G_SEQUENCE:
			g->lo = 1;
			g->step = 1;
			if (nargs > 0 && !parse_int(args[0].start, args[0].len, &g->lo))
				return bad(err, spec, "start \"%s\" is not an integer%s.", a0, "");
			if (nargs > 1 && !parse_int(args[1].start, args[1].len, &g->step))
				return bad(err, spec, "step \"%s\" is not an integer%s.", a1, "");
			return COVET_OK;
		case G_FLOAT:
		case G_DECIMAL:
			g->scale = 2;
			if (nargs == 1)
				return bad(err, spec, "give both min and max%s%s.", "", "");
			if (nargs == 3)
			{
				int64_t		s;

				if (!parse_int(args[2].start, args[2].len, &s) || s < 0 || s > MAX_SCALE)
					return bad(err, spec, "the scale must be an integer from 0 to 9%s%s.", "", "");
				g->scale = (int) s;
			}
			if (nargs < 2)
			{
				g->lo = 0;
				if (!parse_scaled("1000", 4, g->scale, &g->hi))
					return bad(err, spec, "the range is too large%s%s.", "", "");
				return COVET_OK;
			}
			if (!parse_scaled(args[0].start, args[0].len, g->scale, &g->lo))
				return bad(err, spec, "min \"%s\" is not a number with at most the scale's decimals%s.", a0, "");
			if (!parse_scaled(args[1].start, args[1].len, g->scale, &g->hi))
				return bad(err, spec, "max \"%s\" is not a number with at most the scale's decimals%s.", a1, "");
			if (g->lo > g->hi)
				return bad(err, spec, "min (%s) is greater than max (%s).", a0, a1);
			if ((uint64_t) g->hi - (uint64_t) g->lo >= (UINT64_C(1) << 53))
				return bad(err, spec, "the range is too large for its scale%s%s.", "", "");
			return COVET_OK;
		case G_BOOL:
			g->true_ppm = PPM / 2;
			if (nargs == 1 && !parse_ppm(args[0].start, args[0].len, &g->true_ppm))
				return bad(err, spec, "the probability \"%s\" is not a number from 0 to 1%s.", a0, "");
			return COVET_OK;
		case G_DATE:
		case G_TIMESTAMP:
			{
				bool		(*parse) (const char *, size_t, int64_t *) =
					g->kind == G_DATE ? parse_date : parse_timestamp;
				const char *form = g->kind == G_DATE ? "YYYY-MM-DD" : "YYYY-MM-DD[ HH:MM[:SS]]";

				if (nargs == 1)
					return bad(err, spec, "give both from and to%s%s.", "", "");
				if (nargs == 0)
				{
					parse("2015-01-01", 10, &g->lo);
					if (g->kind == G_DATE)
						parse("2024-12-31", 10, &g->hi);
					else
						parse_timestamp("2024-12-31 23:59:59", 19, &g->hi);
					return COVET_OK;
				}
				for (i = 0; i < 2; i++)
				{
					Arg		   *a = &args[i];
					int64_t    *dst = i == 0 ? &g->lo : &g->hi;
					const char *s = a->start;
					size_t		len = a->len;

					if (len >= 2 && s[0] == '\'' && s[len - 1] == '\'')
					{
						s++;
						len -= 2;
					}
					if (!parse(s, len, dst))
						return bad(err, spec, "\"%s\" is not a date of the form %s.",
								   i == 0 ? a0 : a1, form);
				}
				if (g->kind == G_TIMESTAMP && args[1].len <= 12)
					g->hi += 86399;	/* a bare date as "to" covers its day */
				if (g->lo > g->hi)
					return bad(err, spec, "from (%s) is after to (%s).", a0, a1);
				return COVET_OK;
			}
		case G_CHOICE:
			g->choices = covet_alloc0(mem, sizeof(char *) * (size_t) nargs);
			g->cum = covet_alloc0(mem, sizeof(uint64_t) * (size_t) nargs);
			if (g->choices == NULL || g->cum == NULL)
				return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
			g->nchoices = nargs;
			for (i = 0; i < nargs; i++)
			{
				const char *rest;
				size_t		restlen;
				bool		quoted;
				int64_t		w = PPM;
				char	   *val = arg_value(mem, &args[i], &rest, &restlen, &quoted);

				if (val == NULL)
					return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
				g->choices[i] = val;
				if (rest == NULL)
					return bad(err, spec, "a quoted value is not terminated%s%s.", "", "");
				if (quoted && restlen > 0)
				{
					if (rest[0] != ':' ||
						!parse_scaled(rest + 1, restlen - 1, 6, &w))
						return bad(err, spec, "expected \":weight\" after the quoted value '%s'%s.", val, "");
				}
				else if (!quoted)
				{
					char	   *colon = strrchr(val, ':');

					if (colon != NULL)
					{
						char	   *ws = colon + 1;
						char	   *we = ws + strlen(ws);
						char	   *ve = colon;

						while (*ws && is_space(*ws))
							ws++;
						while (ve > val && is_space(ve[-1]))
							ve--;
						if (!parse_scaled(ws, (size_t) (we - ws), 6, &w))
							return bad(err, spec, "the weight of \"%s\" is not a number%s.", val, "");
						*ve = '\0';
					}
				}
				if (w < 0)
					return bad(err, spec, "the weight of \"%s\" is negative%s.", val, "");
				g->total += (uint64_t) w;
				g->cum[i] = g->total;
			}
			if (g->total == 0)
				return bad(err, spec, "the weights add up to zero%s%s.", "", "");
			return COVET_OK;
		case G_CONSTANT:
			{
				const char *rest;
				size_t		restlen;
				bool		quoted;

				g->constant = arg_value(mem, &args[0], &rest, &restlen, &quoted);
				if (g->constant == NULL)
					return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
				if (rest == NULL || restlen > 0)
					return bad(err, spec, "constant takes one value ('quote' it to include commas or parentheses)%s%s.", "", "");
				return COVET_OK;
			}
		default:
			return COVET_OK;
	}
}

CovetStatus
covet_fake_parse(CovetMem *mem, const char *spec, CovetFakeGen **out, CovetError *err)
{
	Arg		   *args = NULL;
	int			nargs = 0;
	const char *p = spec;
	const char *name;
	size_t		namelen;
	const GenDef *def = NULL;
	CovetFakeGen *g = NULL;
	CovetStatus rc;
	int			i;

	*out = NULL;
	if (spec == NULL)
		return covet_error_set(err, COVET_ERR_NULL, "generator must not be null");
	while (is_space(*p))
		p++;
	name = p;
	while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_' ||
		   (*p >= '0' && *p <= '9'))
		p++;
	namelen = (size_t) (p - name);
	if (namelen == 0)
	{
		covet_error_set(err, COVET_ERR_INVALID, "invalid generator \"%.200s\"", spec);
		covet_error_detail(err, "A generator starts with its name, e.g. email or int(1, 100).");
		covet_error_hint(err, "Generators: %s.", covet_fake_generator_names());
		return COVET_ERR_INVALID;
	}
	for (i = 0; i < NGEN_DEFS; i++)
		if (strlen(gen_defs[i].name) == namelen &&
			strncmp(gen_defs[i].name, name, namelen) == 0)
			def = &gen_defs[i];
	if (def == NULL)
	{
		covet_error_set(err, COVET_ERR_INVALID, "unknown generator \"%.*s\"",
						(int) (namelen > 100 ? 100 : namelen), name);
		covet_error_hint(err, "Generators: %s.", covet_fake_generator_names());
		return COVET_ERR_INVALID;
	}
	if ((g = covet_alloc0(mem, sizeof(*g))) == NULL)
		return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
	g->kind = def->kind;

	while (is_space(*p))
		p++;
	if (*p == '(')
	{
		int			cap = 4;

		if ((args = covet_alloc(mem, sizeof(Arg) * (size_t) cap)) == NULL)
		{
			rc = covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
			goto fail;
		}
		p++;
		for (;;)
		{
			const char *start;
			const char *end;
			bool		inq = false;

			while (is_space(*p))
				p++;
			start = p;
			while (*p && (inq || (*p != ',' && *p != ')')))
			{
				if (*p == '\'')
					inq = !inq;	/* '' inside toggles twice */
				p++;
			}
			if (*p == '\0')
			{
				rc = bad(err, spec, inq ? "a quoted value is not terminated%s%s." :
						 "\"(\" is not closed%s%s.", "", "");
				goto fail;
			}
			end = p;
			while (end > start && is_space(end[-1]))
				end--;
			if (end == start && !(nargs == 0 && *p == ')'))
			{
				rc = bad(err, spec, "an argument is empty%s%s.", "", "");
				goto fail;
			}
			if (end > start)
			{
				if (nargs == cap)
				{
					Arg		   *na = covet_alloc(mem, sizeof(Arg) * (size_t) cap * 2);

					if (na == NULL)
					{
						rc = covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
						goto fail;
					}
					memcpy(na, args, sizeof(Arg) * (size_t) nargs);
					covet_free(mem, args);
					args = na;
					cap *= 2;
				}
				args[nargs].start = start;
				args[nargs].len = (size_t) (end - start);
				nargs++;
			}
			if (*p++ == ')')
				break;
		}
	}
	if (nargs < def->min_args || nargs > def->max_args)
	{
		char		n[16];

		snprintf(n, sizeof(n), "%d", nargs);
		rc = bad(err, spec, "%s takes other arguments than the %s given.", def->usage, n);
		if (def->max_args == 0)
			covet_error_detail(err, "%s takes no arguments.", def->name);
		goto fail;
	}
	if ((rc = apply_args(mem, g, spec, args, nargs, err)) != COVET_OK ||
		(rc = gen_lists(mem, g, err)) != COVET_OK)
		goto fail;

	/* options */
	for (;;)
	{
		const char *opt;
		size_t		optlen;
		const char *val = NULL;
		size_t		vallen = 0;

		while (is_space(*p))
			p++;
		if (*p == '\0')
			break;
		if (*p != ';')
		{
			rc = bad(err, spec, "unexpected \"%.20s\" after the generator; options follow \";\", e.g. \"; null=0.1\"%s.", p, "");
			goto fail;
		}
		p++;
		while (is_space(*p))
			p++;
		opt = p;
		while ((*p >= 'a' && *p <= 'z') || *p == '_')
			p++;
		optlen = (size_t) (p - opt);
		while (is_space(*p))
			p++;
		if (*p == '=')
		{
			p++;
			while (is_space(*p))
				p++;
			val = p;
			while (*p && *p != ';' && !is_space(*p))
				p++;
			vallen = (size_t) (p - val);
		}
		if (optlen == 4 && strncmp(opt, "null", 4) == 0 && val != NULL)
		{
			if (!parse_ppm(val, vallen, &g->null_ppm))
			{
				rc = bad(err, spec, "the null probability must be a number from 0 to 1%s%s.", "", "");
				goto fail;
			}
		}
		else if (optlen == 6 && strncmp(opt, "unique", 6) == 0 && val == NULL)
			g->unique = true;
		else if (optlen == 3 && strncmp(opt, "max", 3) == 0 && val != NULL)
		{
			int64_t		m;

			if (!parse_int(val, vallen, &m) || m < 1 || m > 1000000)
			{
				rc = bad(err, spec, "max must be a number of characters, 1 or more%s%s.", "", "");
				goto fail;
			}
			g->max_chars = (int) m;
		}
		else
		{
			rc = bad(err, spec, "unknown option \"%.20s\"; options are null=p, unique and max=n%s.", opt, "");
			goto fail;
		}
	}
	covet_free(mem, args);
	*out = g;
	return COVET_OK;

fail:
	covet_free(mem, args);
	covet_fake_free(mem, g);
	return rc;
}
