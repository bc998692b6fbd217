/*-------------------------------------------------------------------------
 *
 * test_seed.c
 *		The fake-data generators (seed_gen.c) and the spec's JSON reader
 *		(seed_json.c): determinism, ranges, weights, uniqueness, formats,
 *		and the messages of bad specs.
 *
 * The golden values below pin the algorithm: the same seed must give the
 * same rows in every version and on both engines, so a change to the
 * mixing, the word lists or a formatter must show up here first.
 *
 *-------------------------------------------------------------------------
 */
#include "tap.h"
#include "seed_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static CovetFakeGen *
gen(const char *spec)
{
	CovetFakeGen *g = NULL;
	CovetError	err;

	if (covet_fake_parse(tap_mem(), spec, &g, &err) != COVET_OK)
	{
		diag("parse of \"%s\" failed: %s (%s)", spec, err.message, err.detail);
		return NULL;
	}
	return g;
}

/* The text of row r as covet_fake gives it to PostgreSQL; static buffer. */
static const char *
val(CovetFakeGen *g, int64_t key, int64_t row)
{
	static CovetFakeValue v;
	const char *t;

	covet_fake_eval(g, key, row, &v);
	t = covet_fake_text(&v);
	return t ? t : "(null)";
}

static void
test_determinism(void)
{
	CovetFakeGen *g = gen("email");
	char		a[256];
	int			differ = 0;
	int64_t		r;

	snprintf(a, sizeof(a), "%s", val(g, 42, 7));
	is_str(val(g, 42, 7), a, "same key and row: same value");
	for (r = 1; r <= 100; r++)
	{
		char		b[256];

		snprintf(b, sizeof(b), "%s", val(g, 42, r));
		if (strcmp(b, val(g, 43, r)) != 0)
			differ++;
	}
	ok(differ > 90, "another key gives other values (%d of 100 differ)", differ);
	is_int(covet_fake_key(42, "Email"), covet_fake_key(42, "email"),
		   "a column's key ignores ASCII case (PostgreSQL folds names)");
	ok(covet_fake_key(42, "email") != covet_fake_key(43, "email"), "the seed changes the key");
	ok(covet_fake_key(42, "email") != covet_fake_key(42, "name"), "the column changes the key");
	ok(covet_fake_key(-5, "x") >= 0, "keys are not negative");
	covet_fake_free(tap_mem(), g);
}

/* Values that must never change (cross-engine and cross-version). */
static void
test_golden(void)
{
	static const struct
	{
		const char *spec;
		int64_t		key;
		int64_t		row;
		const char *expected;
	}			golden[] = {
		{"int(1, 1000000)", 1, 1, "981834"},
		{"email; unique", 7, 1, "inigo.simmons1@example.org"},
		{"name", 7, 2, "Jose Sato"},
		{"decimal(0, 1000, 2)", 1, 2, "577.24"},
		{"timestamp(2020-01-01, 2020-12-31)", 1, 1, "2020-12-25 08:25:44"},
		{"uuid", 1, 1, "fb59775f-412c-452b-a641-18c0b2807e7e"},
		{"choice(new:3, processing:1, done:6)", 1, 5, "done"},
		{"bool(0.5)", 3, 3, "false"},
		{"float(0, 1, 3)", 1, 1, "0.982"},
	};
	size_t		i;

	for (i = 0; i < sizeof(golden) / sizeof(golden[0]); i++)
	{
		CovetFakeGen *g = gen(golden[i].spec);

		if (g == NULL)
		{
			ok(false, "golden %s", golden[i].spec);
			continue;
		}
		is_str(val(g, golden[i].key, golden[i].row), golden[i].expected,
			   "golden: %s, key %lld, row %lld", golden[i].spec,
			   (long long) golden[i].key, (long long) golden[i].row);
		covet_fake_free(tap_mem(), g);
	}
}

static void
test_ranges(void)
{
	CovetFakeGen *g = gen("int(-3, 4)");
	CovetFakeValue v;
	int			seen[8] = {0};
	bool		inside = true;
	int			r,
				k,
				all = 1;
	char		prev[32] = "";

	for (r = 1; r <= 10000; r++)
	{
		covet_fake_eval(g, 99, r, &v);
		if (v.kind != COVET_FAKE_INT || v.i < -3 || v.i > 4)
			inside = false;
		else
			seen[v.i + 3]++;
	}
	ok(inside, "int(-3, 4): 10000 values in range");
	for (k = 0; k < 8; k++)
		all = all && seen[k] > 1000 && seen[k] < 1500;
	ok(all, "int(-3, 4): every value about 1/8 of the time");
	covet_fake_free(tap_mem(), g);

	g = gen("decimal(1.5, 2.25, 2)");
	inside = true;
	for (r = 1; r <= 10000; r++)
	{
		const char *t = val(g, 5, r);

		if (strlen(t) != 4 || t[1] != '.' || strcmp(t, "1.50") < 0 || strcmp(t, "2.25") > 0)
			inside = false;
	}
	ok(inside, "decimal(1.5, 2.25, 2): \"d.dd\" within range");
	covet_fake_free(tap_mem(), g);

	g = gen("float(-1, 1, 3)");
	inside = true;
	for (r = 1; r <= 10000; r++)
	{
		covet_fake_eval(g, 5, r, &v);
		if (v.kind != COVET_FAKE_REAL || v.real < -1 || v.real > 1 ||
			strtod(v.text, NULL) != v.real)
			inside = false;
	}
	ok(inside, "float(-1, 1, 3): in range, and the double is the text's value");
	covet_fake_free(tap_mem(), g);

	g = gen("date(2024-02-27, 2024-03-02)");
	inside = true;
	for (r = 1; r <= 2000; r++)
	{
		const char *t = val(g, 5, r);

		if (strcmp(t, "2024-02-27") < 0 || strcmp(t, "2024-03-02") > 0 || strlen(t) != 10)
			inside = false;
		if (strcmp(t, "2024-02-29") == 0)
			snprintf(prev, sizeof(prev), "%s", t);
	}
	ok(inside, "date range respected");
	is_str(prev, "2024-02-29", "the leap day occurs");
	covet_fake_free(tap_mem(), g);

	g = gen("timestamp(2020-01-01 10:00, 2020-01-01 10:59:59)");
	inside = true;
	for (r = 1; r <= 2000; r++)
	{
		const char *t = val(g, 5, r);

		if (strncmp(t, "2020-01-01 10:", 14) != 0 || strlen(t) != 19)
			inside = false;
	}
	ok(inside, "timestamp range respected");
	covet_fake_free(tap_mem(), g);

	g = gen("sequence(10, 5)");
	is_str(val(g, 1, 3), "20", "sequence(10, 5): row 3 is 20");
	covet_fake_free(tap_mem(), g);
	g = gen("constant('a, b''c')");
	is_str(val(g, 1, 3), "a, b'c", "constant with a quoted value");
	covet_fake_free(tap_mem(), g);
	g = gen("word; max=3");
	ok(strlen(val(g, 1, 1)) <= 3, "max=3 cuts the text");
	covet_fake_free(tap_mem(), g);
}

static void
test_weights(void)
{
	CovetFakeGen *g = gen("choice(new:3, processing:1, 'done':6)");
	int			n_new = 0,
				n_proc = 0,
				n_done = 0,
				other = 0,
				r;

	for (r = 1; r <= 10000; r++)
	{
		const char *t = val(g, 11, r);

		if (strcmp(t, "new") == 0)
			n_new++;
		else if (strcmp(t, "processing") == 0)
			n_proc++;
		else if (strcmp(t, "done") == 0)
			n_done++;
		else
			other++;
	}
	is_int(other, 0, "choice: only the given values");
	ok(n_new > 2800 && n_new < 3200, "choice weight 3 of 10: %d of 10000", n_new);
	ok(n_proc > 880 && n_proc < 1120, "choice weight 1 of 10: %d of 10000", n_proc);
	ok(n_done > 5800 && n_done < 6200, "choice weight 6 of 10: %d of 10000", n_done);
	covet_fake_free(tap_mem(), g);

	g = gen("bool(0.25)");
	n_new = 0;
	for (r = 1; r <= 10000; r++)
	{
		CovetFakeValue v;

		covet_fake_eval(g, 3, r, &v);
		n_new += (int) v.i;
	}
	ok(n_new > 2300 && n_new < 2700, "bool(0.25): %d true of 10000", n_new);
	covet_fake_free(tap_mem(), g);

	g = gen("email; null=0.1");
	n_new = 0;
	for (r = 1; r <= 10000; r++)
	{
		CovetFakeValue v;

		covet_fake_eval(g, 3, r, &v);
		n_new += v.kind == COVET_FAKE_NULL;
	}
	ok(n_new > 880 && n_new < 1120, "null=0.1: %d NULLs of 10000", n_new);
	ok(covet_fake_nullable(g), "null=0.1 is nullable");
	covet_fake_free(tap_mem(), g);
	g = gen("email; null=0");
	ok(!covet_fake_nullable(g), "null=0 is not nullable");
	covet_fake_free(tap_mem(), g);
}

static int
cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

static void
test_unique(void)
{
	static const char *const specs[] = {"email; unique", "user_name; unique", "word; unique", "uuid"};
	size_t		s;

	for (s = 0; s < sizeof(specs) / sizeof(specs[0]); s++)
	{
		CovetFakeGen *g = gen(specs[s]);
		char	  **all = malloc(sizeof(char *) * 10000);
		int			r,
					dups = 0;

		for (r = 0; r < 10000; r++)
			all[r] = strdup(val(g, 8, r + 1));
		qsort(all, 10000, sizeof(char *), cmp);
		for (r = 1; r < 10000; r++)
			dups += strcmp(all[r - 1], all[r]) == 0;
		is_int(dups, 0, "%s: 10000 distinct values", specs[s]);
		for (r = 0; r < 10000; r++)
			free(all[r]);
		free(all);
		covet_fake_free(tap_mem(), g);
	}
}

/*
 * Emails and user names fold accented names to ASCII from lists folded
 * once per generator; the values are those of every earlier version (key
 * 2: name, email and user_name draw the same first and last name).
 */
static void
test_folded_names(void)
{
	static const struct
	{
		int64_t		row;
		const char *name;
		const char *email;
		const char *user_name;
	}			cases[] = {
		{4, "Julia L\xc3\xb3pez", "julia.lopez68@example.net", "julia_lopez344"},
		{14, "Bj\xc3\xb6rn Morris", "bjorn.morris45@post.example.net", "bjornmorris226"},
		{24, "Bj\xc3\xb6rn Mart\xc3\xadnez", "bjorn.martinez@corp.example.com", "bmartinez"},
		{74, "Amanda Wi\xc5\x9bniewski", "amanda.wisniewski@corp.example.com", "awisniewski"},
		{122, "Ma\xc5\x82gorzata Papadopoulos", "malgorzata.papadopoulos@web.example.org", "mpapadopoulos"},
		{249, "Theresa \xc3\x98" "degaard", "theresa.odegaard@example.net", "theresa_odegaard"},
	};
	CovetFakeGen *name = gen("name");
	CovetFakeGen *email = gen("email");
	CovetFakeGen *user = gen("user_name");
	CovetFakeGen *url = gen("url");
	size_t		i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	{
		is_str(val(name, 2, cases[i].row), cases[i].name, "row %lld: name", (long long) cases[i].row);
		is_str(val(email, 2, cases[i].row), cases[i].email, "row %lld: email folds it", (long long) cases[i].row);
		is_str(val(user, 2, cases[i].row), cases[i].user_name, "row %lld: user_name folds it", (long long) cases[i].row);
	}
	is_str(val(url, 2, 1), "https://www.atlas.co/could", "url: folded company word");
	covet_fake_free(tap_mem(), name);
	covet_fake_free(tap_mem(), email);
	covet_fake_free(tap_mem(), user);
	covet_fake_free(tap_mem(), url);
}

static void
test_formats(void)
{
	CovetFakeGen *g = gen("uuid");
	const char *u = val(g, 1, 1);
	CovetFakeValue v;
	int			r;
	bool		ascii = true;

	ok(strlen(u) == 36 && u[8] == '-' && u[13] == '-' && u[14] == '4' && u[18] == '-' &&
	   strchr("89ab", u[19]) != NULL && u[23] == '-', "uuid: version 4 layout (%s)", u);
	covet_fake_free(tap_mem(), g);

	g = gen("email");
	for (r = 1; r <= 5000; r++)
	{
		const char *e = val(g, 2, r);
		const char *p;

		for (p = e; *p; p++)
			if ((unsigned char) *p >= 0x80 || *p == ' ')
				ascii = false;
		if (strchr(e, '@') == NULL)
			ascii = false;
	}
	ok(ascii, "emails are ASCII with an @ (accents folded)");
	covet_fake_free(tap_mem(), g);
	test_folded_names();

	g = gen("null");
	covet_fake_eval(g, 1, 1, &v);
	is_int(v.kind, COVET_FAKE_NULL, "null gives NULL");
	ok(covet_fake_text(&v) == NULL, "NULL has no text");
	covet_fake_free(tap_mem(), g);

	g = gen("bool");
	covet_fake_eval(g, 1, 1, &v);
	ok(strcmp(covet_fake_text(&v), "true") == 0 || strcmp(covet_fake_text(&v), "false") == 0,
	   "bool text is true/false for PostgreSQL");
	covet_fake_free(tap_mem(), g);
}

static void
parse_error(const char *spec, const char *message, const char *detail)
{
	CovetFakeGen *g = NULL;
	CovetError	err;
	CovetStatus rc = covet_fake_parse(tap_mem(), spec, &g, &err);

	is_int(rc, COVET_ERR_INVALID, "\"%s\" is rejected", spec);
	is_str(err.message, message, "\"%s\": message", spec);
	if (detail != NULL)
		is_str(err.detail, detail, "\"%s\": detail", spec);
	ok(g == NULL, "\"%s\": nothing returned", spec);
}

static void
test_parse_errors(void)
{
	long		live = tap_mem_live();

	parse_error("emial", "unknown generator \"emial\"", NULL);
	parse_error("int(10, 1)", "invalid generator \"int(10, 1)\"",
				"Min (10) is greater than max (1).");
	parse_error("int(1, x)", "invalid generator \"int(1, x)\"", "Max \"x\" is not an integer.");
	parse_error("int(1)", "invalid generator \"int(1)\"", "Int takes both min and max.");
	parse_error("date(2023-02-30, 2024-01-01)", "invalid generator \"date(2023-02-30, 2024-01-01)\"",
				"\"2023-02-30\" is not a date of the form YYYY-MM-DD.");
	parse_error("date(2024-01-01, 2023-01-01)", "invalid generator \"date(2024-01-01, 2023-01-01)\"",
				"From (2024-01-01) is after to (2023-01-01).");
	parse_error("choice(a:0, b:0)", "invalid generator \"choice(a:0, b:0)\"", "The weights add up to zero.");
	parse_error("choice(a:x)", "invalid generator \"choice(a:x)\"", "The weight of \"a:x\" is not a number.");
	parse_error("choice('a, b)", "invalid generator \"choice('a, b)\"", "A quoted value is not terminated.");
	parse_error("int(1, 2", "invalid generator \"int(1, 2\"", "\"(\" is not closed.");
	parse_error("bool(2)", "invalid generator \"bool(2)\"",
				"The probability \"2\" is not a number from 0 to 1.");
	parse_error("email(3)", "invalid generator \"email(3)\"", "email takes no arguments.");
	parse_error("email; nul=0.1", "invalid generator \"email; nul=0.1\"",
				"Unknown option \"nul=0.1\"; options are null=p, unique and max=n.");
	parse_error("email; null=1.5", "invalid generator \"email; null=1.5\"",
				"The null probability must be a number from 0 to 1.");
	parse_error("decimal(0, 1.234, 2)", "invalid generator \"decimal(0, 1.234, 2)\"",
				"Max \"1.234\" is not a number with at most the scale's decimals.");
	parse_error("", "invalid generator \"\"", "A generator starts with its name, e.g. email or int(1, 100).");
	is_int(tap_mem_live(), live, "failed parses free what they allocated");
}

static void
test_alloc_failures(void)
{
	long		n;
	bool		clean = true;

	for (n = 0; n < 50; n++)
	{
		CovetFakeGen *g = NULL;
		CovetError	err;
		long		live = tap_mem_live();
		CovetStatus rc;

		tap_mem_fail_after(n);
		rc = covet_fake_parse(tap_mem(), "choice(a:1, b:2, c:3, d:4, e:5); null=0.5", &g, &err);
		tap_mem_fail_after(-1);
		if (rc == COVET_OK)
		{
			covet_fake_free(tap_mem(), g);
			break;
		}
		if (rc != COVET_ERR_NOMEM || tap_mem_live() != live)
			clean = false;
	}
	ok(clean, "every allocation failure while parsing is reported and leaks nothing");
}

static void
json_error(const char *text, const char *message)
{
	CovetJson  *j = NULL;
	CovetError	err;

	is_int(covet_json_parse(tap_mem(), text, &j, &err), COVET_ERR_INVALID, "bad JSON %s", text);
	is_str(err.message, message, "bad JSON %s: message", text);
}

static void
test_json(void)
{
	CovetJson  *j = NULL;
	CovetError	err;
	long		live = tap_mem_live();

	is_int(covet_json_parse(tap_mem(), " {\"a\": \"x\\u00e9\", \"b\": [1, -2.5, null, true],"
							" \"c\": {\"d\": false}} ", &j, &err), COVET_OK, "JSON parses");
	ok(j != NULL && j->type == COVET_JSON_OBJECT && j->n == 3, "an object of three");
	if (j != NULL && j->n == 3)
	{
		is_str(j->keys[0], "a", "first key");
		is_str(j->items[0]->text, "x\xc3\xa9", "\\u escape becomes UTF-8");
		is_str(j->items[1]->items[1]->text, "-2.5", "numbers keep their text");
		ok(j->items[2]->items[0]->type == COVET_JSON_BOOL, "nested false");
	}
	covet_json_free(tap_mem(), j);
	json_error("{\"a\" 1}", "invalid spec: expected \":\" at character 6");
	json_error("{\"a\": 1,}", "invalid spec: expected a string key at character 9");
	json_error("{\"a\": \"x}", "invalid spec: unterminated string at character 10");
	json_error("{\"a\": 1} x", "invalid spec: unexpected text after the JSON value at character 10");
	json_error("{\"a\": 1e5}", "invalid spec: exponents are not supported in numbers at character 8");
	json_error("", "invalid spec: unexpected end at character 1");
	is_int(tap_mem_live(), live, "JSON: everything freed");
}

/* The generators of a row source: written, then read back one by one. */
static void
test_gens_encoding(void)
{
	CovetBuf	b;
	CovetError	err;
	char	   *text = NULL;
	const char *p,
			   *spec;
	size_t		len;
	int64_t		key;
	bool		bad;
	static const char *const bad_texts[] = {
		"7 5:emai", "x 5:email", "7 x:email", "7:email", "7 5email", "7  5:email", NULL
	};
	int			i;

	covet_buf_init(&b, tap_mem());
	covet_seed_gens_encode(&b, 7, "email");
	covet_seed_gens_encode(&b, -42, "choice(a:1, \"b c\":2); null=0.5");
	covet_seed_gens_encode(&b, 0, "");
	is_int(covet_buf_finish(&b, &text, &err), COVET_OK, "gens: encoded");
	is_str(text, "7 5:email-42 30:choice(a:1, \"b c\":2); null=0.50 0:", "gens: the text");
	p = text;
	ok(covet_seed_gens_next(&p, &key, &spec, &len, &bad) && key == 7 &&
	   len == 5 && strncmp(spec, "email", len) == 0, "gens: first");
	ok(covet_seed_gens_next(&p, &key, &spec, &len, &bad) && key == -42 &&
	   len == 30 && strncmp(spec, "choice(a:1, \"b c\":2); null=0.5", len) == 0,
	   "gens: second, with quotes and digits after it");
	ok(covet_seed_gens_next(&p, &key, &spec, &len, &bad) && key == 0 && len == 0,
	   "gens: an empty spec");
	ok(!covet_seed_gens_next(&p, &key, &spec, &len, &bad) && !bad, "gens: the end");
	covet_free(tap_mem(), text);
	for (i = 0; bad_texts[i] != NULL; i++)
	{
		p = bad_texts[i];
		ok(!covet_seed_gens_next(&p, &key, &spec, &len, &bad) && bad,
		   "gens: \"%s\" refused", bad_texts[i]);
	}
}

int
main(void)
{
	test_determinism();
	test_golden();
	test_ranges();
	test_weights();
	test_unique();
	test_formats();
	test_parse_errors();
	test_alloc_failures();
	test_json();
	test_gens_encoding();
	return done_testing();
}
