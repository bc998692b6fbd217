/*-------------------------------------------------------------------------
 *
 * test_fixture.c
 *		The fixture codecs (base64, shortest doubles, JSON strings, CSV
 *		fields), and the fixture readers' errors with their line numbers,
 *		through a driver that has no tables.
 *
 *-------------------------------------------------------------------------
 */
#include "tap.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* --- a driver with an empty database ------------------------------------- */

static int	savepoints;

static CovetStatus
fake_query(void *ctx, const char *sql, int nparams, const char *const *params,
		   CovetResult *res, CovetError *err)
{
	(void) ctx;
	(void) sql;
	(void) nparams;
	(void) params;
	(void) err;
	if (res != NULL)
		memset(res, 0, sizeof(*res));
	return COVET_OK;			/* no rows: no table exists */
}

static CovetStatus
fake_sp_begin(void *ctx, CovetError *err)
{
	(void) ctx;
	(void) err;
	savepoints++;
	return COVET_OK;
}

static CovetStatus
fake_sp_end(void *ctx, CovetError *err)
{
	(void) ctx;
	(void) err;
	savepoints--;
	return COVET_OK;
}

static CovetDriver
fake_driver(void)
{
	CovetDriver d;

	memset(&d, 0, sizeof(d));
	d.mem = *tap_mem();
	d.dialect = &covet_dialect_sqlite;
	d.query = fake_query;
	d.savepoint_begin = fake_sp_begin;
	d.savepoint_release = fake_sp_end;
	d.savepoint_rollback = fake_sp_end;
	return d;
}

static void
load_error(CovetFixtureFormat fmt, const char *data, const char *table,
		   CovetStatus code, const char *message, const char *name)
{
	CovetDriver d = fake_driver();
	CovetError	err;
	int64_t		n = -1;
	long		live = tap_mem_live();
	CovetStatus rc;

	covet_error_clear(&err);
	savepoints = 0;
	rc = covet_fixture_load(&d, data, strlen(data), fmt, COVET_CONFLICT_ERROR, table, &n, &err);
	is_int(rc, code, "%s: status", name);
	is_str(err.message, message, "%s: message", name);
	ok(n == 0 && savepoints == 0, "%s: nothing counted, savepoint closed", name);
	is_int(tap_mem_live(), live, "%s: everything freed", name);
}

/* --- codecs ---------------------------------------------------------------- */

static void
b64(const char *raw, size_t len, const char *expected)
{
	CovetBuf	b;
	unsigned char out[64];
	size_t		n;

	covet_buf_init(&b, tap_mem());
	covet_base64_encode(&b, (const unsigned char *) raw, len);
	is_str(b.data, expected, "base64 of %zu bytes", len);
	ok(covet_base64_decode(b.data, b.len, out, &n) && n == len && memcmp(out, raw, len) == 0,
	   "base64 %s decodes back", expected);
	covet_buf_free(&b);
}

static void
test_base64(void)
{
	unsigned char out[16];
	size_t		n;

	b64("", 0, "");
	b64("f", 1, "Zg==");
	b64("fo", 2, "Zm8=");
	b64("foo", 3, "Zm9v");
	b64("foobar", 6, "Zm9vYmFy");
	b64("\0\377\020", 3, "AP8Q");
	b64("\xfb\xff", 2, "+/8=");
	ok(!covet_base64_decode("Zg=", 3, out, &n), "base64: length not a multiple of 4");
	ok(!covet_base64_decode("Z%==", 4, out, &n), "base64: bad character");
	ok(!covet_base64_decode("Zg==Zg==", 8, out, &n), "base64: padding in the middle");
	ok(!covet_base64_decode("Zh==", 4, out, &n), "base64: non-zero padding bits");
	ok(!covet_base64_decode("Zm 9", 4, out, &n), "base64: white space");
}

static void
dbl(double v, const char *expected)
{
	char		text[COVET_DOUBLE_LEN];
	double		back;

	covet_format_double(v, text, sizeof(text));
	is_str(text, expected, "double %s", expected);
	back = strtod(text, NULL);
	ok(back == v && signbit(back) == signbit(v), "double %s reads back to the same bits", expected);
}

static void
jdbl(double v, const char *expected)
{
	CovetBuf	b;

	covet_buf_init(&b, tap_mem());
	covet_json_double(&b, v);
	covet_buf_append(&b, "");
	is_str(b.data, expected, "JSON double %s", expected);
	covet_buf_free(&b);
}

static void
test_doubles(void)
{
	dbl(0.1, "0.1");
	dbl(0.1 + 0.2, "0.30000000000000004");
	dbl(1e-300, "1e-300");
	dbl(5e-324, "5e-324");
	dbl(-0.0, "-0");
	dbl(1.7976931348623157e308, "1.7976931348623157e+308");
	dbl(1.0, "1");
	dbl(100.0, "100");
	dbl(1e16, "10000000000000000");
	dbl(1e17, "1e+17");
	dbl(123456789.125, "123456789.125");
	dbl(2.5e-5, "2.5e-05");
	jdbl(1.0, "1.0");
	jdbl(-0.0, "-0.0");
	jdbl(0.1, "0.1");
	jdbl(1e300, "1e+300");
	jdbl(INFINITY, "1e999");
	jdbl(-INFINITY, "-1e999");
	jdbl(NAN, "null");
	{
		char		text[COVET_DOUBLE_LEN];

		covet_format_double(INFINITY, text, sizeof(text));
		is_str(text, "Infinity", "infinity");
		covet_format_double(NAN, text, sizeof(text));
		is_str(text, "NaN", "NaN");
	}
}

static void
csv(const char *value, const char *expected, const char *name)
{
	CovetBuf	b;

	covet_buf_init(&b, tap_mem());
	covet_csv_field(&b, value, value ? strlen(value) : 0);
	covet_buf_append(&b, "");
	is_str(b.data, expected, "CSV field: %s", name);
	covet_buf_free(&b);
}

static void
test_csv_writer(void)
{
	csv("plain", "plain", "plain text unquoted");
	csv(NULL, "", "NULL is an empty field");
	csv("", "\"\"", "empty string is quoted");
	csv("a,b", "\"a,b\"", "comma quoted");
	csv("say \"hi\"", "\"say \"\"hi\"\"\"", "quotes doubled");
	csv("two\nlines", "\"two\nlines\"", "newline quoted");
	csv("cr\rhere", "\"cr\rhere\"", "carriage return quoted");
	csv(" spaced ", " spaced ", "spaces kept as they are");
	csv("Zoë", "Zoë", "non-ASCII as is");
}

static void
test_json_strings(void)
{
	CovetBuf	b;
	CovetBuf	u;
	const char *s = "q\"b\\n\nt\tc\001é";

	covet_buf_init(&b, tap_mem());
	covet_json_string(&b, s, strlen(s));
	covet_buf_append(&b, "");
	is_str(b.data, "\"q\\\"b\\\\n\\nt\\tc\\u0001é\"", "JSON string escapes");
	covet_buf_init(&u, tap_mem());
	ok(covet_json_unescape(&u, b.data, b.len), "JSON string unescapes");
	is_str(u.data, s, "JSON string round trip");
	covet_buf_reset(&u);
	ok(covet_json_unescape(&u, "\"\\ud83d\\ude00\\u00e9\"", 20) &&
	   strcmp(u.data, "\xf0\x9f\x98\x80\xc3\xa9") == 0, "surrogate pairs and \\u escapes");
	covet_buf_reset(&u);
	ok(!covet_json_unescape(&u, "\"\\x\"", 4), "bad escape refused");
	covet_buf_reset(&u);
	ok(!covet_json_unescape(&u, "\"a\\\"", 4), "a backslash before the closing quote refused");
	covet_buf_reset(&u);
	ok(!covet_json_unescape(&u, "\"\\u00e\"", 8), "a \\u escape cut by the closing quote refused");
	covet_buf_reset(&u);
	ok(covet_json_unescape(&u, "\"\\ud800x\"", 9) && strcmp(u.data, "\xed\xa0\x80x") == 0,
	   "fixtures: a lone surrogate is passed on, for the loader to report");
	covet_buf_free(&b);
	covet_buf_free(&u);
}

/* covet_json_read_string: the strict reader of arguments and specs */
static void
read_string(const char *text, const char *expect, int stop, const char *name)
{
	CovetBuf	b;
	const char *p = text;
	const char *why = NULL;
	bool		done;

	covet_buf_init(&b, tap_mem());
	done = covet_json_read_string(&b, &p, &why);
	if (expect != NULL)
		ok(done && strcmp(b.data, expect) == 0 && p - text == stop, "%s", name);
	else
		ok(!done && p - text == stop && why != NULL, "%s (%s)", name, why ? why : "?");
	covet_buf_free(&b);
}

static void
test_json_read_string(void)
{
	read_string("\"a\\tb\\u00e9\" rest", "a\tb\xc3\xa9", 12, "escapes; stops after the quote");
	read_string("\"\\ud83d\\ude00\"", "\xf0\x9f\x98\x80", 14, "a surrogate pair is one code point");
	read_string("\"\\ud83dx\"", NULL, 6, "a lone high surrogate is refused");
	read_string("\"\\ude00\"", NULL, 6, "a lone low surrogate is refused");
	read_string("\"a\\u0000\"", NULL, 7, "\\u0000 is refused");
	read_string("\"a\nb\"", NULL, 2, "a raw newline is refused");
	read_string("\"a\\q\"", NULL, 3, "an unknown escape is refused");
	read_string("\"a\\u12g4\"", NULL, 3, "a bad \\u escape is refused");
	read_string("\"abc", NULL, 4, "an unterminated string is refused");
	read_string("abc", NULL, 0, "no quote: not a string");
}

/* covet_copy_field: JSON values as fields of COPY's text format */
static void
copy_field(const char *json, bool raw, const char *expect, bool expect_ok, const char *name)
{
	CovetBuf	b;
	CovetBuf	scratch;
	bool		okay;

	covet_buf_init(&b, tap_mem());
	covet_buf_init(&scratch, tap_mem());
	okay = covet_copy_field(&b, &scratch, json, strlen(json), raw);
	covet_buf_append(&b, "");
	ok(okay == expect_ok && b.data != NULL && strcmp(b.data, expect) == 0, "%s", name);
	if (b.data == NULL || strcmp(b.data, expect) != 0)
		diag("got [%s], expected [%s]", b.data ? b.data : "(null)", expect);
	covet_buf_free(&b);
	covet_buf_free(&scratch);
}

static void
test_copy_fields(void)
{
	copy_field("null", false, "\\N", true, "copy: null is \\N");
	copy_field("\"\\\\N\"", false, "\\\\N", true, "copy: the text \\N is not NULL");
	copy_field("\"plain\"", false, "plain", true, "copy: a string without escapes");
	copy_field("\"\"", false, "", true, "copy: the empty string");
	copy_field("\"a\\tb\\nc\\rd\\\\e\\\"\"", false, "a\\tb\\nc\\rd\\\\e\"", true,
			   "copy: tab, newline, CR, backslash escaped; quote decoded");
	copy_field("\"\\u00e9\\ud83d\\ude00\"", false, "\xc3\xa9\xf0\x9f\x98\x80", true, "copy: \\u escapes as UTF-8");
	copy_field("-12.5e3", false, "-12.5e3", true, "copy: a number as its text");
	copy_field("true", false, "true", true, "copy: a boolean as its text");
	copy_field("{\"a\": \"x\\\\y\"}", true, "{\"a\": \"x\\\\\\\\y\"}", true, "copy: embedded JSON keeps its text");
	copy_field("\"s\"", true, "\"s\"", true, "copy: a JSON string in a json column keeps its quotes");
	copy_field("\"a\\u0000b\"", false, "ab", false, "copy: U+0000 reported");
}

static void
test_names(void)
{
	CovetFixtureFormat f;
	CovetOnConflict c;
	CovetError	err;

	ok(covet_fixture_format(NULL, &f, &err) == COVET_OK && f == COVET_FORMAT_JSON, "format NULL is json");
	ok(covet_fixture_format("YAML", &f, &err) == COVET_OK && f == COVET_FORMAT_YAML, "format yaml");
	ok(covet_fixture_format("csv", &f, &err) == COVET_OK && f == COVET_FORMAT_CSV, "format csv");
	is_int(covet_fixture_format("xml", &f, &err), COVET_ERR_INVALID, "format xml refused");
	is_str(err.message, "unknown fixture format \"xml\"", "format xml: message");
	ok(covet_fixture_on_conflict(NULL, &c, &err) == COVET_OK && c == COVET_CONFLICT_ERROR, "on_conflict NULL is error");
	ok(covet_fixture_on_conflict("update", &c, &err) == COVET_OK && c == COVET_CONFLICT_UPDATE, "on_conflict update");
	is_int(covet_fixture_on_conflict("replace", &c, &err), COVET_ERR_INVALID, "on_conflict replace refused");
	is_int(covet_fixture_kind(&covet_dialect_sqlite, "BOOLEAN"), COVET_FX_BOOL, "sqlite boolean");
	is_int(covet_fixture_kind(&covet_dialect_sqlite, "bigint"), COVET_FX_INT, "sqlite bigint");
	is_int(covet_fixture_kind(&covet_dialect_sqlite, "blob"), COVET_FX_BLOB, "sqlite blob");
	is_int(covet_fixture_kind(&covet_dialect_sqlite, "jsonb"), COVET_FX_JSON, "sqlite jsonb");
	is_int(covet_fixture_kind(&covet_dialect_sqlite, "double"), COVET_FX_REAL, "sqlite double");
	is_int(covet_fixture_kind(&covet_dialect_postgres, "bytea"), COVET_FX_BLOB, "pg bytea");
	is_int(covet_fixture_kind(&covet_dialect_postgres, "numeric(10,2)"), COVET_FX_NUMERIC, "pg numeric");
	is_int(covet_fixture_kind(&covet_dialect_postgres, "integer[]"), COVET_FX_ARRAY, "pg array: its own kind");
	is_int(covet_fixture_kind(&covet_dialect_postgres, "text[][]"), COVET_FX_ARRAY, "pg 2-d array");
}

/* --- readers' errors ---------------------------------------------------------- */

static void
test_read_errors(void)
{
	load_error(COVET_FORMAT_JSON, "[\n  {\"model\": \"users\",\n   \"pk\": 1,,\n}]", NULL, COVET_ERR_PARSE,
			   "invalid JSON fixture at line 3: parse error: invalid object key (must be a string)",
			   "JSON: stray comma on line 3");
	load_error(COVET_FORMAT_JSON, "[\n{\"model\": \n", NULL, COVET_ERR_PARSE,
			   "invalid JSON fixture at line 2: parse error: premature EOF",
			   "JSON: truncated");
	load_error(COVET_FORMAT_JSON, "{\"model\": \"users\"}", NULL, COVET_ERR_PARSE,
			   "invalid JSON fixture at line 1: a JSON fixture is an array of records",
			   "JSON: not an array");
	load_error(COVET_FORMAT_JSON, "[\n1]", NULL, COVET_ERR_PARSE,
			   "fixture record 1 (line 2): a record is an object with \"model\", \"pk\" and \"fields\"",
			   "JSON: record not an object");
	load_error(COVET_FORMAT_JSON, "[{\"model\": \"a\"},\n{\"pk\": 1}]", NULL, COVET_ERR_NOT_FOUND,
			   "fixture record 1 (line 1): unknown model \"a\": no table \"a\"",
			   "JSON: unknown model");
	load_error(COVET_FORMAT_JSON, "[\n\n{\"pk\": 1, \"fields\": {}}]", NULL, COVET_ERR_PARSE,
			   "fixture record 1 (line 3): no \"model\"",
			   "JSON: no model");
	load_error(COVET_FORMAT_JSON, "[{\"model\": 5}]", NULL, COVET_ERR_PARSE,
			   "fixture record 1 (line 1): \"model\" must be a string",
			   "JSON: model not a string");
	load_error(COVET_FORMAT_JSON, "[{\"model\": \"a\", \"extra\": 1}]", NULL, COVET_ERR_PARSE,
			   "fixture record 1 (line 1): unknown key \"extra\" (a record has \"model\", \"pk\" and \"fields\")",
			   "JSON: unknown key");
	load_error(COVET_FORMAT_JSON, "[{\"model\": \"a\", \"fields\": [1]}]", NULL, COVET_ERR_PARSE,
			   "fixture record 1 (line 1): \"fields\" must be an object",
			   "JSON: fields not an object");
	load_error(COVET_FORMAT_JSON, "[{\"model\": \"a\", \"fields\": {\"x\": \"\xff\"}}]", NULL, COVET_ERR_PARSE,
			   "invalid JSON fixture at line 1: lexical error: invalid bytes in UTF8 string.",
			   "JSON: invalid UTF-8");

	load_error(COVET_FORMAT_YAML, "- model: users\n  pk: 1\n  fields: {name: [1, 2}\n", NULL, COVET_ERR_PARSE,
			   "invalid YAML fixture at line 3: did not find expected ',' or ']' while parsing a flow sequence",
			   "YAML: unclosed flow sequence on line 3");
	load_error(COVET_FORMAT_YAML, "model: users\n", NULL, COVET_ERR_PARSE,
			   "invalid YAML fixture at line 1: a YAML fixture is a sequence of records",
			   "YAML: not a sequence");
	load_error(COVET_FORMAT_YAML, "- model: users\n- 7\n", NULL, COVET_ERR_NOT_FOUND,
			   "fixture record 1 (line 1): unknown model \"users\": no table \"users\"",
			   "YAML: unknown model");
	load_error(COVET_FORMAT_YAML, "- 7\n", NULL, COVET_ERR_PARSE,
			   "fixture record 1 (line 1): a record is a mapping with \"model\", \"pk\" and \"fields\"",
			   "YAML: record not a mapping");
	load_error(COVET_FORMAT_YAML, "- &a\n  model: users\n- *a\n", NULL, COVET_ERR_NOT_FOUND,
			   "fixture record 1 (line 1): unknown model \"users\": no table \"users\"",
			   "YAML: anchors are read until the model is looked up");
	load_error(COVET_FORMAT_YAML, "- model: x\n  fields:\n\tname: 1\n", NULL, COVET_ERR_PARSE,
			   "invalid YAML fixture at line 3: found character that cannot start any token while scanning for the next token",
			   "YAML: tab indentation");

	load_error(COVET_FORMAT_CSV, "a,b\n1,2\n", NULL, COVET_ERR_NULL,
			   "table_name must not be null for a CSV fixture", "CSV: no table");
	load_error(COVET_FORMAT_CSV, "a,b\n1,2\n", "users", COVET_ERR_NOT_FOUND,
			   "table \"users\" does not exist", "CSV: unknown table");
}

int
main(void)
{
	test_base64();
	test_doubles();
	test_csv_writer();
	test_json_strings();
	test_json_read_string();
	test_copy_fields();
	test_names();
	test_read_errors();
	return done_testing();
}
