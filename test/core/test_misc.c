/*-------------------------------------------------------------------------
 *
 * test_misc.c
 *		The small parts of the core: name checks, CovetBuf, SQL template
 *		expansion for both dialects, CovetError and SQLSTATE mapping, long
 *		messages that keep their end, integer arguments read as PostgreSQL
 *		reads them.
 *
 *-------------------------------------------------------------------------
 */
#include "tap.h"

#include <stdio.h>
#include <string.h>

static void
test_names(void)
{
	CovetError	err;
	char		name[200];

	is_int(covet_name_check("migration name", "0001_init", &err), COVET_OK,
		   "plain name accepted");
	is_int(covet_name_check("migration name", "a.B-c_9", &err), COVET_OK,
		   "letters, digits, dot, dash, underscore accepted");

	is_int(covet_name_check("migration name", NULL, &err), COVET_ERR_NULL,
		   "NULL name");
	is_str(err.message, "migration name must not be null", "NULL name: message");
	is_int(covet_name_check("migration name", "", &err), COVET_ERR_INVALID,
		   "empty name");
	is_str(err.message, "migration name must not be empty", "empty name: message");

	is_int(covet_name_check("migration name", "x'); DROP TABLE t; --", &err),
		   COVET_ERR_INVALID, "SQL fragment rejected");
	is_str(err.message, "invalid migration name \"x'); DROP TABLE t; --\"",
		   "SQL fragment: message");
	is_str(err.detail, "Character 2 is not allowed in a migration name.",
		   "SQL fragment: detail names the character");
	ok(err.hint[0] != '\0', "SQL fragment: hint lists what is allowed");
	is_str(covet_error_sqlstate(&err), "22023", "invalid name: SQLSTATE 22023");

	is_int(covet_name_check("migration name", "a b", &err), COVET_ERR_INVALID,
		   "space rejected");
	is_int(covet_name_check("migration name", "dir/x", &err), COVET_ERR_INVALID,
		   "slash rejected");
	is_int(covet_name_check("migration name", "caf\xc3\xa9", &err), COVET_ERR_INVALID,
		   "non-ASCII rejected");

	memset(name, 'a', 128);
	name[128] = '\0';
	is_int(covet_name_check("migration name", name, &err), COVET_OK,
		   "128-character name accepted");
	name[128] = 'a';
	name[129] = '\0';
	is_int(covet_name_check("migration name", name, &err), COVET_ERR_INVALID,
		   "129-character name rejected");
	is_str(err.message, "migration name is too long", "129 characters: message");
	is_str(err.detail, "The name has 129 characters; the limit is 128.",
		   "129 characters: detail");
	is_int(covet_name_check("dependency name", "b@d", &err), COVET_ERR_INVALID,
		   "the caller's word is used");
	is_str(err.message, "invalid dependency name \"b@d\"", "dependency name: message");
}

static void
test_buf(void)
{
	CovetBuf	buf;
	CovetError	err;
	char	   *s = NULL;
	int			i;
	bool		good = true;

	covet_buf_init(&buf, tap_mem());
	for (i = 0; i < 10000; i++)
		covet_buf_appendc(&buf, (char) ('a' + i % 26));
	covet_buf_append(&buf, "|");
	covet_buf_appendn(&buf, "xyz", 2);
	covet_buf_appendf(&buf, "|%d-%s", 42, "end");
	is_int((long long) buf.len, 10000 + 1 + 2 + 7, "buf grows to hold 10010 bytes");
	ok(buf.cap >= buf.len + 1 && !buf.failed, "buf capacity covers the length");
	is_int(covet_buf_finish(&buf, &s, &err), COVET_OK, "buf finish");
	for (i = 0; i < 10000 && good; i++)
		good = (s[i] == 'a' + i % 26);
	ok(good && strcmp(s + 10000, "|xy|42-end") == 0, "buf content intact after growth");
	ok(buf.data == NULL && buf.len == 0, "buf emptied by finish");
	covet_free(tap_mem(), s);

	covet_buf_init(&buf, tap_mem());
	is_int(covet_buf_finish(&buf, &s, &err), COVET_OK, "finish of an empty buf");
	is_str(s, "", "empty buf gives \"\"");
	covet_free(tap_mem(), s);

	covet_buf_init(&buf, tap_mem());
	covet_buf_append(&buf, "hello");
	covet_buf_reset(&buf);
	covet_buf_append(&buf, "bye");
	is_int(covet_buf_finish(&buf, &s, &err), COVET_OK, "finish after reset");
	is_str(s, "bye", "reset empties the buf");
	covet_free(tap_mem(), s);
	is_int(tap_mem_live(), 0, "buf: everything freed");

	/* The first allocation fails. */
	tap_mem_fail_after(0);
	covet_buf_init(&buf, tap_mem());
	covet_buf_append(&buf, "x");
	ok(buf.failed, "failed allocation is remembered");
	s = NULL;
	is_int(covet_buf_finish(&buf, &s, &err), COVET_ERR_NOMEM, "finish reports NOMEM");
	is_str(err.message, "out of memory", "NOMEM message");
	ok(s == NULL && tap_mem_live() == 0, "NOMEM: nothing handed over, nothing leaked");

	/* Growth fails after the first block: later appends are ignored. */
	tap_mem_fail_after(1);
	covet_buf_init(&buf, tap_mem());
	for (i = 0; i < 100; i++)
		covet_buf_append(&buf, "0123456789");
	covet_buf_appendf(&buf, "%d", 7);
	ok(buf.failed && buf.len < 256, "growth failure is sticky");
	is_int(covet_buf_finish(&buf, &s, &err), COVET_ERR_NOMEM,
		   "growth failure: finish reports NOMEM");
	is_int(tap_mem_live(), 0, "growth failure: first block freed");
	tap_mem_fail_after(-1);

	covet_buf_init(&buf, tap_mem());
	covet_buf_append(&buf, "abandoned");
	covet_buf_free(&buf);
	is_int(tap_mem_live(), 0, "buf_free releases the data");
}

static void
expand_is(const CovetDialect *d, const char *tmpl, const char *expected,
		  const char *what)
{
	CovetBuf	buf;
	CovetError	err;
	char	   *s = NULL;

	covet_buf_init(&buf, tap_mem());
	covet_sql_expand(d, &buf, tmpl);
	if (covet_buf_finish(&buf, &s, &err) != COVET_OK)
		s = NULL;
	is_str(s, expected, "%s (%s)", what, d->name);
	covet_free(tap_mem(), s);
}

static void
test_expand(void)
{
	expand_is(&covet_dialect_postgres, "SELECT {1} FROM {history} WHERE t < {now}",
			  "SELECT $1 FROM \"covet\".\"history\" WHERE t < pg_catalog.clock_timestamp()",
			  "template");
	expand_is(&covet_dialect_sqlite, "SELECT {1} FROM {history} WHERE t < {now}",
			  "SELECT ?1 FROM \"covet_history\" WHERE t < "
			  "strftime('%Y-%m-%d %H:%M:%f', 'now')",
			  "template");
	expand_is(&covet_dialect_postgres, "UPDATE {applied} SET a = {2}, b = {9}",
			  "UPDATE \"covet\".\"applied\" SET a = $2, b = $9", "parameters 2 and 9");
	expand_is(&covet_dialect_sqlite, "UPDATE {applied} SET a = {2}, b = {9}",
			  "UPDATE \"covet_applied\" SET a = ?2, b = ?9", "parameters 2 and 9");
	expand_is(&covet_dialect_sqlite, "SELECT '{' || x", "SELECT '{' || x",
			  "unclosed brace kept");
	expand_is(&covet_dialect_postgres, "", "", "empty template");
	expand_is(&covet_dialect_postgres,
			  "SELECT {pg}count(*) FROM {runs} WHERE id {=} {1} AND a {<>} b OR c {<=} d {||} e",
			  "SELECT pg_catalog.count(*) FROM \"covet\".\"runs\" WHERE id OPERATOR(pg_catalog.=) $1"
			  " AND a OPERATOR(pg_catalog.<>) b OR c OPERATOR(pg_catalog.<=) d OPERATOR(pg_catalog.||) e",
			  "built-in operators and functions qualified");
	expand_is(&covet_dialect_sqlite,
			  "SELECT {pg}count(*) FROM {runs} WHERE id {=} {1} AND a {<>} b OR c {<=} d {||} e",
			  "SELECT count(*) FROM \"covet_runs\" WHERE id = ?1 AND a <> b OR c <= d || e",
			  "built-in operators and functions plain");
	{
		CovetBuf	buf;
		CovetError	err;
		char	   *s = NULL;

		covet_buf_init(&buf, tap_mem());
		covet_buf_append(&buf, "(a)");
		covet_sql_op(&buf, &covet_dialect_postgres, ">");
		covet_buf_append(&buf, "(b)");
		covet_sql_op(&buf, &covet_dialect_sqlite, ">");
		covet_buf_append(&buf, "(c)");
		if (covet_buf_finish(&buf, &s, &err) != COVET_OK)
			s = NULL;
		is_str(s, "(a) OPERATOR(pg_catalog.>) (b) > (c)", "covet_sql_op in both dialects");
		covet_free(tap_mem(), s);
	}
	is_str(covet_dialect_postgres.name, "postgresql", "dialect name postgresql");
	is_str(covet_dialect_sqlite.name, "sqlite", "dialect name sqlite");
	ok(covet_dialect_postgres.schema_ddl == NULL &&
	   covet_dialect_sqlite.schema_ddl != NULL &&
	   covet_dialect_sqlite.schema_ddl[0] != NULL,
	   "only SQLite creates its tables from the core");
	is_int(tap_mem_live(), 0, "expand: everything freed");
}

static void
test_errors(void)
{
	CovetError	err;
	static const struct
	{
		CovetStatus code;
		const char *state;
	}			map[] = {
		{COVET_OK, "00000"},
		{COVET_ERR_NOMEM, "53200"},
		{COVET_ERR_INVALID, "22023"},
		{COVET_ERR_NULL, "22004"},
		{COVET_ERR_NOT_FOUND, "42704"},
		{COVET_ERR_DUPLICATE, "42710"},
		{COVET_ERR_DEPENDENCY, "42P17"},
		{COVET_ERR_CHECKSUM, "55000"},
		{COVET_ERR_PARSE, "42601"},
		{COVET_ERR_SQL, "XX000"},
		{COVET_ERR_LOCK, "55P03"},
		{COVET_ERR_IO, "58030"},
		{COVET_ERR_PRIVILEGE, "42501"},
		{COVET_ERR_STATE, "55000"},
		{COVET_ERR_INTERNAL, "XX000"},
	};
	size_t		i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		is_str(covet_status_sqlstate(map[i].code), map[i].state,
			   "status %d maps to SQLSTATE %s", (int) map[i].code, map[i].state);

	is_int(covet_error_set(&err, COVET_ERR_SQL, "division by %s", "zero"),
		   COVET_ERR_SQL, "error_set returns its code");
	covet_error_detail(&err, "In statement %d.", 2);
	covet_error_hint(&err, "Check the divisor.");
	covet_error_prefix(&err, "migration \"%s\" failed: ", "0003_x");
	is_str(err.message, "migration \"0003_x\" failed: division by zero",
		   "prefix goes in front of the message");
	is_str(err.detail, "In statement 2.", "prefix keeps the detail");
	is_str(err.hint, "Check the divisor.", "prefix keeps the hint");
	is_str(covet_error_sqlstate(&err), "XX000", "no engine SQLSTATE: from the code");
	memcpy(err.sqlstate, "22012", 6);
	is_str(covet_error_sqlstate(&err), "22012", "engine SQLSTATE wins");
	covet_error_set(&err, COVET_ERR_LOCK, "held");
	ok(err.sqlstate[0] == '\0' && err.detail[0] == '\0' && err.hint[0] == '\0',
	   "error_set clears the rest");
	covet_error_clear(&err);
	ok(err.code == COVET_OK && err.message[0] == '\0', "error_clear");
}

/* covet_int_parse judges as PostgreSQL 15's int4in and int8in. */
static void
test_int_parse(void)
{
	static const struct
	{
		const char *text;
		bool		bigint;
		long long	value;		/* when message is NULL */
		const char *message;
		const char *state;
	}			cases[] = {
		{"42", false, 42, NULL, NULL},
		{" \t-17\v ", false, -17, NULL, NULL},
		{"+2147483647", false, 2147483647LL, NULL, NULL},
		{"-2147483648", false, -2147483647LL - 1, NULL, NULL},
		{"007", false, 7, NULL, NULL},
		{"2147483648", false, 0, "value \"2147483648\" is out of range for type integer", "22003"},
		{"-2147483649", false, 0, "value \"-2147483649\" is out of range for type integer", "22003"},
		{"99999999999999999999", false, 0,
		"value \"99999999999999999999\" is out of range for type integer", "22003"},
		/* digits first: too many is out of range whatever follows */
		{"2147483649x", false, 0, "value \"2147483649x\" is out of range for type integer", "22003"},
		{"2147483648x", false, 0, "invalid input syntax for type integer: \"2147483648x\"", "22P02"},
		{"", false, 0, "invalid input syntax for type integer: \"\"", "22P02"},
		{"  ", false, 0, "invalid input syntax for type integer: \"  \"", "22P02"},
		{"-", false, 0, "invalid input syntax for type integer: \"-\"", "22P02"},
		{"1.5", false, 0, "invalid input syntax for type integer: \"1.5\"", "22P02"},
		{"1e3", false, 0, "invalid input syntax for type integer: \"1e3\"", "22P02"},
		{"0x10", false, 0, "invalid input syntax for type integer: \"0x10\"", "22P02"},
		{"1 2", false, 0, "invalid input syntax for type integer: \"1 2\"", "22P02"},
		{"9223372036854775807", true, 9223372036854775807LL, NULL, NULL},
		{"-9223372036854775808", true, -9223372036854775807LL - 1, NULL, NULL},
		{"9223372036854775808", true, 0,
		"value \"9223372036854775808\" is out of range for type bigint", "22003"},
		{"99999999999999999999999", true, 0,
		"value \"99999999999999999999999\" is out of range for type bigint", "22003"},
		{"ten", true, 0, "invalid input syntax for type bigint: \"ten\"", "22P02"},
	};
	size_t		i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	{
		CovetError	err;
		int64_t		v = -1;
		CovetStatus rc = covet_int_parse(cases[i].text, cases[i].bigint, &v, &err);

		if (cases[i].message == NULL)
		{
			ok(rc == COVET_OK && v == cases[i].value, "int_parse \"%s\" as %s is %lld",
			   cases[i].text, cases[i].bigint ? "bigint" : "integer", cases[i].value);
		}
		else
		{
			is_str(rc == COVET_OK ? "accepted" : err.message, cases[i].message,
				   "int_parse \"%s\" as %s is refused", cases[i].text,
				   cases[i].bigint ? "bigint" : "integer");
			is_str(covet_error_sqlstate(&err), cases[i].state, "... with SQLSTATE %s",
				   cases[i].state);
		}
	}
}

static bool
valid_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *) s;

	while (*p)
	{
		int			n = *p < 0x80 ? 0 : (*p & 0xE0) == 0xC0 ? 1 : (*p & 0xF0) == 0xE0 ? 2 :
			(*p & 0xF8) == 0xF0 ? 3 : -1;

		if (n < 0)
			return false;
		p++;
		while (n-- > 0)
			if ((*p++ & 0xC0) != 0x80)
				return false;
	}
	return true;
}

static bool
ends_with(const char *s, const char *end)
{
	size_t		n = strlen(s),
				m = strlen(end);

	return n >= m && strcmp(s + n - m, end) == 0;
}

/* A text longer than its buffer keeps its end: the middle gives way. */
static void
test_error_fit(void)
{
	CovetError	err;
	char		longname[5001];
	char		utf8[6001];
	char		exact[1024];
	char		want[256];
	char		parts[40][31];
	int			i;

	memset(longname, 'a', 5000);
	longname[5000] = '\0';
	covet_error_set(&err, COVET_ERR_NOT_FOUND, "column \"%s\" of table \"%s\" does not exist",
					longname, "t");
	is_int((long long) strlen(err.message), 1023, "a long message fills the buffer");
	ok(strncmp(err.message, "column \"aaaa", 12) == 0, "it keeps its start");
	ok(ends_with(err.message, "aaaa\" of table \"t\" does not exist"),
	   "and its end, the reason: %s", err.message + 980);
	ok(strstr(err.message, "a...a") != NULL, "the middle of the long name is \"...\"");

	/* exactly the room: unchanged; one more byte: cut */
	memset(exact, 'x', 1023);
	exact[1023] = '\0';
	covet_error_set(&err, COVET_ERR_SQL, "%s", exact);
	is_str(err.message, exact, "1,023 bytes fit as they are");
	covet_error_set(&err, COVET_ERR_SQL, "%s!", exact);
	ok(strlen(err.message) == 1023 && ends_with(err.message, "xx!") &&
	   strstr(err.message, "...") != NULL, "1,024 bytes are cut in the middle");

	/* a prefix in front of a long message: the message's end survives */
	covet_error_set(&err, COVET_ERR_SQL, "%s", longname);
	covet_error_prefix(&err, "migration \"%s\" failed: ", "0001_x");
	ok(strncmp(err.message, "migration \"0001_x\" failed: aaa", 30) == 0 &&
	   strlen(err.message) == 1023 && strstr(err.message, "...") != NULL,
	   "prefix: in front, the message cut in its middle");
	snprintf(want, sizeof(want), "%s does not exist", "aaaa");
	covet_error_set(&err, COVET_ERR_SQL, "%s does not exist", longname);
	covet_error_prefix(&err, "migration \"%s\" failed: ", "0001_x");
	ok(ends_with(err.message, want), "prefix keeps the reason at the end");

	/* detail (1,024) and hint (512) alike */
	covet_error_detail(&err, "The key was (%s), the row %d.", longname, 7);
	ok(strlen(err.detail) == 1023 && ends_with(err.detail, "aaa), the row 7."),
	   "detail keeps its end");
	covet_error_hint(&err, "Rename \"%s\" first.", longname);
	ok(strlen(err.hint) == 511 && ends_with(err.hint, "aaa\" first."), "hint keeps its end");

	/* a cut never splits a UTF-8 character */
	for (i = 0; i < 3000; i++)
		memcpy(utf8 + 2 * i, "\xc3\xa9", 2);
	utf8[6000] = '\0';
	covet_error_set(&err, COVET_ERR_NOT_FOUND, "column \"%s\" does not exist", utf8);
	ok(valid_utf8(err.message) && ends_with(err.message, "\xc3\xa9\" does not exist"),
	   "a cut in two-byte characters leaves valid UTF-8");
	covet_error_set(&err, COVET_ERR_NOT_FOUND, "x%s", utf8);
	ok(valid_utf8(err.message) && strlen(err.message) <= 1023, "... also at an odd offset");

	/* no piece long enough: the middle of the whole text */
	for (i = 0; i < 40; i++)
	{
		memset(parts[i], 'a' + i % 26, 30);
		parts[i][30] = '\0';
	}
	covet_error_set(&err, COVET_ERR_SQL,
					"%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s"
					"%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s",
					parts[0], parts[1], parts[2], parts[3], parts[4], parts[5], parts[6],
					parts[7], parts[8], parts[9], parts[10], parts[11], parts[12], parts[13],
					parts[14], parts[15], parts[16], parts[17], parts[18], parts[19],
					parts[20], parts[21], parts[22], parts[23], parts[24], parts[25],
					parts[26], parts[27], parts[28], parts[29], parts[30], parts[31],
					parts[32], parts[33], parts[34], parts[35], parts[36], parts[37],
					parts[38], parts[39]);
	ok(strlen(err.message) == 1023 && strncmp(err.message, parts[0], 30) == 0 &&
	   ends_with(err.message, parts[39]) && strstr(err.message, "...") != NULL,
	   "many short pieces: the middle of the whole text gives way");

	/* the conversions covet uses format as printf formats them */
	snprintf(want, sizeof(want), "%lld|%d|%zu|%.3s|%.*s|%5s|%-5s|%%|%x|%.1f",
			 -12345678901LL, -7, (size_t) 42, "abcdef", 2, "xyz", "ab", "cd", 255u, 2.25);
	covet_error_set(&err, COVET_ERR_SQL, "%lld|%d|%zu|%.3s|%.*s|%5s|%-5s|%%|%x|%.1f",
					-12345678901LL, -7, (size_t) 42, "abcdef", 2, "xyz", "ab", "cd", 255u, 2.25);
	is_str(err.message, want, "conversions as printf's");
}

/* covet_setting_ms_parse reads as PostgreSQL 15 reads lock_timeout. */
static void
test_setting_parse(void)
{
	static const struct
	{
		const char *value;
		int			ms;			/* when message is NULL */
		const char *message;
		const char *hint;
	}			cases[] = {
		{"0x10", 16, NULL, NULL},
		{"010", 8, NULL, NULL},
		{"1.5min", 90000, NULL, NULL},
		{"1.5", 2, NULL, NULL},
		{"2.5", 2, NULL, NULL},
		{"1e3", 1000, NULL, NULL},
		{" 5 ms ", 5, NULL, NULL},
		{"1500us", 2, NULL, NULL},
		{"1d", 86400000, NULL, NULL},
		{"5 msx", 0, "invalid value for parameter \"covet.lock_timeout\": \"5 msx\"",
		"Valid units for this parameter are \"us\", \"ms\", \"s\", \"min\", \"h\", and \"d\"."},
		{"1 min 2", 0, "invalid value for parameter \"covet.lock_timeout\": \"1 min 2\"",
		"Valid units for this parameter are \"us\", \"ms\", \"s\", \"min\", \"h\", and \"d\"."},
		{"abc", 0, "invalid value for parameter \"covet.lock_timeout\": \"abc\"", ""},
		{"", 0, "invalid value for parameter \"covet.lock_timeout\": \"\"", ""},
		{"-1", 0, "-1 ms is outside the valid range for parameter \"covet.lock_timeout\" (0 .. 2147483647)", ""},
		{"99999999999", 0, "invalid value for parameter \"covet.lock_timeout\": \"99999999999\"",
		"Value exceeds integer range."},
		{"3000000s", 0, "invalid value for parameter \"covet.lock_timeout\": \"3000000s\"",
		"Value exceeds integer range."},
	};
	size_t		i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	{
		CovetError	err;
		int			v = -1;
		CovetStatus rc = covet_setting_ms_parse("lock_timeout", cases[i].value, 0, 2147483647,
												&v, &err);

		if (cases[i].message == NULL)
			ok(rc == COVET_OK && v == cases[i].ms, "setting \"%s\" is %d ms", cases[i].value,
			   cases[i].ms);
		else
			ok(rc == COVET_ERR_INVALID && strcmp(err.message, cases[i].message) == 0 &&
			   strcmp(err.hint, cases[i].hint) == 0, "setting \"%s\": %s", cases[i].value,
			   cases[i].message);
	}
}

/* covet_bool_parse judges as PostgreSQL 15's boolin. */
static void
test_bool_parse(void)
{
	static const struct
	{
		const char *text;
		int			want;		/* 1 true, 0 false, -1 invalid */
	}			cases[] = {
		{"true", 1}, {"TRUE", 1}, {"True", 1}, {"t", 1}, {"tr", 1}, {"tru", 1},
		{"yes", 1}, {"Y", 1}, {"ye", 1}, {"on", 1}, {"ON", 1}, {"1", 1},
		{"  true  ", 1}, {"\tyes\n", 1},
		{"false", 0}, {"FALSE", 0}, {"f", 0}, {"fal", 0}, {"no", 0}, {"N", 0},
		{"off", 0}, {"of", 0}, {"OFF", 0}, {"0", 0}, {" 0 ", 0},
		{"", -1}, {"   ", -1}, {"maybe", -1}, {"o", -1}, {"onn", -1},
		{"offf", -1}, {"truee", -1}, {"yess", -1}, {"2", -1}, {"10", -1},
		{"01", -1}, {"-1", -1}, {"1.0", -1}, {"t rue", -1}, {"nope", -1},
		{"enable", -1}
	};
	size_t		i;
	CovetError	err;
	bool		v;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	{
		CovetStatus rc = covet_bool_parse(cases[i].text, &v, &err);

		if (cases[i].want < 0)
			is_int(rc, COVET_ERR_INVALID, "boolean \"%s\" refused", cases[i].text);
		else
			ok(rc == COVET_OK && v == (cases[i].want == 1), "boolean \"%s\" is %s",
			   cases[i].text, cases[i].want ? "true" : "false");
	}
	covet_bool_parse("maybe", &v, &err);
	is_str(err.message, "invalid input syntax for type boolean: \"maybe\"", "boolin's message");
	is_str(covet_error_sqlstate(&err), "22P02", "and SQLSTATE");
	covet_bool_arg("covet_migrate_up", "dry_run", " nah ", &v, &err);
	is_str(err.message, "invalid input syntax for type boolean: \" nah \"", "the text as given");
	is_str(err.detail, "Argument dry_run of covet_migrate_up.", "covet_bool_arg names the argument");
}

int
main(void)
{
	test_bool_parse();
	test_names();
	test_buf();
	test_expand();
	test_errors();
	test_int_parse();
	test_error_fit();
	test_setting_parse();
	is_int(tap_mem_live(), 0, "no live allocations at the end");
	return done_testing();
}
