/*-------------------------------------------------------------------------
 *
 * test_formats.c
 *		Other tools' migration files (formats.c): version comparison, which
 *		format a file is, each parser's sections, names, versions and
 *		options, sqitch plans, their errors with exact messages, Flyway's
 *		checksum, and every allocation failure (COVET_ERR_NOMEM, nothing
 *		leaked).
 *
 *-------------------------------------------------------------------------
 */
#include "tap.h"
#include "formats.h"

#include <stdio.h>
#include <string.h>

static int
sign(int v)
{
	return (v > 0) - (v < 0);
}

static void
test_versions(void)
{
	static const struct
	{
		const char *a;
		const char *b;
		int			cmp;
	}			cases[] = {
		{"1", "2", -1},
		{"2", "10", -1},
		{"10", "2", 1},
		{"1.1", "1.10", -1},
		{"1.2", "1.10", -1},
		{"1", "1.1", -1},
		{"1_1", "1.1", 0},
		{"1_1", "1.2", -1},
		{"01", "1", 0},
		{"V1__a", "V1_1__b", -1},
		{"V1_1__a", "V1_10__b", -1},
		{"V2__a", "V1_10__b", 1},
		{"1_init", "1_1_x", -1},
		{"2_b", "10_a", -1},
		{"20240101120000_a", "20240102000000_b", -1},
		{"abc", "abd", -1},
		{"a", "", 1},
		{"", "", 0},
		{"b1", "b10", -1},
		{"1.0", "1", 0},
		{"1.0.0", "1", 0},
		{"1.0.1", "1", 1},
		{"1.00.0.1", "1.0", 1},
		{"V1.0__a", "V1__b", -1},
		{"9.0", "9", 0},
		{"99999999999999999999", "100000000000000000000", -1},
	};
	size_t		i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	{
		is_int(sign(covet_version_cmp_loose(cases[i].a, cases[i].b)), cases[i].cmp,
			   "loose %s vs %s", cases[i].a, cases[i].b);
		is_int(sign(covet_version_cmp_loose(cases[i].b, cases[i].a)), -cases[i].cmp,
			   "loose %s vs %s (swapped)", cases[i].b, cases[i].a);
	}
	/* the total order breaks ties by strcmp */
	ok(covet_version_cmp("1_1", "1.1") > 0, "1_1 after 1.1 in the total order");
	ok(covet_version_cmp("01", "1") < 0, "01 before 1 in the total order");
	is_int(covet_version_cmp("x", "x"), 0, "equal names");
}

static void
test_by_name(void)
{
	is_int(covet_format_by_name("1_init.up.sql"), COVET_FMT_GOLANG_MIGRATE, "golang up");
	is_int(covet_format_by_name("/x/20240101_a.down.sql"), COVET_FMT_GOLANG_MIGRATE, "golang down with a path");
	is_int(covet_format_by_name("init.up.sql"), -1, "no version: not golang-migrate");
	is_int(covet_format_by_name("V1__init.sql"), COVET_FMT_FLYWAY, "Flyway V");
	is_int(covet_format_by_name("V1_1__init.sql"), COVET_FMT_FLYWAY, "Flyway V with 1_1");
	is_int(covet_format_by_name("V1.2.3__init.sql"), COVET_FMT_FLYWAY, "Flyway V with dots");
	is_int(covet_format_by_name("U2__undo.sql"), COVET_FMT_FLYWAY, "Flyway U");
	is_int(covet_format_by_name("R__views.sql"), COVET_FMT_FLYWAY, "Flyway R");
	is_int(covet_format_by_name("V__x.sql"), -1, "V without version");
	is_int(covet_format_by_name("V1_x.sql"), -1, "V without __");
	is_int(covet_format_by_name("Vacuum__x.sql"), -1, "not a version");
	is_int(covet_format_by_name("sqitch.plan"), COVET_FMT_SQITCH, "sqitch plan");
	is_int(covet_format_by_name("deploy/users.sql"), COVET_FMT_SQITCH, "sqitch deploy");
	is_int(covet_format_by_name("revert/users.sql"), COVET_FMT_SQITCH, "sqitch revert");
	is_int(covet_format_by_name("verify/users.sql"), COVET_FMT_SQITCH, "sqitch verify");
	is_int(covet_format_by_name("/srv/deploy/0001_x.sql"), -1, "a directory named deploy is not sqitch's");
	is_int(covet_format_by_name("deploy/sub/x.sql"), -1, "sqitch scripts sit directly in deploy/");
	is_int(covet_format_by_name("0001_init.sql"), -1, "content decides");
}

typedef struct Expect
{
	CovetPieceKind kind;
	CovetFormat format;
	const char *name;
	const char *version;
	const char *up;
	const char *down;			/* "(null)" for NULL */
	bool		atomic;
	bool		repeatable;
} Expect;

static void
parses(const char *file, const char *text, const Expect *e, const char *what)
{
	CovetPiece	p;
	CovetError	err;
	CovetStatus rc;
	long		live = tap_mem_live();

	covet_error_clear(&err);
	rc = covet_piece_parse(tap_mem(), file, text, strlen(text), &p, &err);
	if (!is_int(rc, COVET_OK, "%s: parses", what))
		diag("%s", err.message);
	if (rc != COVET_OK)
		return;
	is_int(p.kind, e->kind, "%s: kind", what);
	is_int(p.format, e->format, "%s: format", what);
	is_str(p.def.name, e->name, "%s: name", what);
	is_str(p.version, e->version, "%s: version", what);
	is_str(p.def.up, e->up, "%s: up", what);
	is_str(p.def.down ? p.def.down : "(null)", e->down, "%s: down", what);
	is_int(p.def.atomic, e->atomic, "%s: atomic", what);
	is_int(p.repeatable, e->repeatable, "%s: repeatable", what);
	covet_piece_free(tap_mem(), &p);
	is_int(tap_mem_live(), live, "%s: nothing leaked", what);
}

static void
fails(const char *file, const char *text, const char *message, const char *what)
{
	CovetPiece	p;
	CovetError	err;
	CovetStatus rc;
	long		live = tap_mem_live();

	covet_error_clear(&err);
	rc = covet_piece_parse(tap_mem(), file, text, strlen(text), &p, &err);
	is_int(rc, COVET_ERR_PARSE, "%s: status", what);
	is_str(err.message, message, "%s: message", what);
	if (rc == COVET_OK)
		covet_piece_free(tap_mem(), &p);
	is_int(tap_mem_live(), live, "%s: nothing leaked", what);
}

static void
test_parsers(void)
{
	Expect		e;

	e = (Expect) {COVET_PIECE_DEF, COVET_FMT_GOLANG_MIGRATE, "1_init", "1",
	"CREATE TABLE a (id int);", "(null)", true, false};
	parses("m/1_init.up.sql", "\n\nCREATE TABLE a (id int);\n\n", &e, "golang up");
	e = (Expect) {COVET_PIECE_DOWN, COVET_FMT_GOLANG_MIGRATE, "1_init", "1",
	NULL, "DROP TABLE a;", true, false};
	parses("1_init.down.sql", "DROP TABLE a;\n", &e, "golang down");
	e.down = "";
	parses("1_init.down.sql", "\n  \n", &e, "golang empty down: a no-op");

	e = (Expect) {COVET_PIECE_DEF, COVET_FMT_DBMATE, "20240101_users", "20240101",
	"CREATE TABLE u (id int);", "DROP TABLE u;", true, false};
	parses("20240101_users.sql",
		   "-- a comment\n-- migrate:up\nCREATE TABLE u (id int);\n\n-- migrate:down\nDROP TABLE u;\n",
		   &e, "dbmate");
	e.atomic = false;
	e.down = "";
	parses("20240101_users.sql",
		   "\t--migrate:up transaction:false\nCREATE TABLE u (id int);\n  -- migrate:down\n",
		   &e, "dbmate indented, transaction:false, empty down");
	e.atomic = true;
	e.down = "(null)";
	parses("20240101_users.sql", "-- migrate:up\r\nCREATE TABLE u (id int);\r\n", &e,
		   "dbmate CRLF, no down");

	e = (Expect) {COVET_PIECE_DEF, COVET_FMT_GOOSE, "00001_f", "00001",
	"-- +goose StatementBegin\nCREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;\n-- +goose StatementEnd",
	"DROP FUNCTION f();", true, false};
	parses("00001_f.sql",
		   "-- +goose Up\n-- +goose StatementBegin\nCREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;\n-- +goose StatementEnd\n-- +goose Down\nDROP FUNCTION f();\n",
		   &e, "goose with StatementBegin");
	e = (Expect) {COVET_PIECE_DEF, COVET_FMT_GOOSE, "2_x", "2", "SELECT 1;", "(null)", false, false};
	parses("2_x.sql", "-- +goose NO TRANSACTION\n  -- +goose up\nSELECT 1;\n", &e,
		   "goose NO TRANSACTION, lower case");

	e = (Expect) {COVET_PIECE_DEF, COVET_FMT_FLYWAY, "V1_1__init", "1_1",
	"\n  CREATE TABLE a (id int);  ", "(null)", true, false};
	parses("V1_1__init.sql", "\n  CREATE TABLE a (id int);  \r\n\n", &e,
		   "Flyway V, text as it is but for its final line ends");
	e = (Expect) {COVET_PIECE_DOWN, COVET_FMT_FLYWAY, "U1_1__undo", "1_1",
	NULL, "DROP TABLE a;", true, false};
	parses("U1_1__undo.sql", "DROP TABLE a;", &e, "Flyway U");
	e = (Expect) {COVET_PIECE_DEF, COVET_FMT_FLYWAY, "R__views", NULL,
	"CREATE VIEW v AS SELECT 1;", "(null)", true, true};
	parses("R__views.sql", "CREATE VIEW v AS SELECT 1;", &e, "Flyway R");

	e = (Expect) {COVET_PIECE_DEF, COVET_FMT_SQITCH, "users", NULL,
	"BEGIN;\nCREATE TABLE users (id int);\nCOMMIT;", "(null)", true, false};
	parses("deploy/users.sql", "BEGIN;\nCREATE TABLE users (id int);\nCOMMIT;\n", &e,
		   "sqitch deploy, transaction control kept");
	e = (Expect) {COVET_PIECE_DOWN, COVET_FMT_SQITCH, "users", NULL, NULL,
	"DROP TABLE users;", true, false};
	parses("revert/users.sql", "DROP TABLE users;\n", &e, "sqitch revert");
	e = (Expect) {COVET_PIECE_IGNORED, COVET_FMT_SQITCH, "users", NULL, NULL,
	"(null)", true, false};
	parses("verify/users.sql", "SELECT 1;\n", &e, "sqitch verify");

	e = (Expect) {COVET_PIECE_DEF, COVET_FMT_COVET, "0001_r", NULL,
	"CREATE VIEW v AS SELECT 1;", "(null)", true, true};
	parses("0001_r.sql", "-- covet:repeatable\n-- covet:up\nCREATE VIEW v AS SELECT 1;\n",
		   &e, "covet repeatable");

	fails("1_x.sql", "-- migrate:up\n\n-- migrate:down\nSELECT 1;\n",
		  "1_x.sql:1: \"-- migrate:up\" section is empty", "dbmate empty up");
	fails("1_x.sql", "-- migrate:down\nSELECT 1;\n",
		  "1_x.sql:1: \"-- migrate:down\" before \"-- migrate:up\"", "dbmate down first");
	fails("1_x.sql", "-- migrate:up\nA;\n-- migrate:down\nB;\n-- migrate:down\n",
		  "1_x.sql:5: duplicate \"-- migrate:down\" section", "dbmate two downs");
	fails("1_x.sql", "-- migrate:up\nA;\n-- migrate:down\nB;\n-- migrate:up\n",
		  "1_x.sql:5: duplicate \"-- migrate:up\" section", "dbmate up after down");
	fails("1_x.sql", "-- +goose StatementBegin\n", "1_x.sql: no \"-- +goose Up\" section", "goose without Up");
	fails("1_x.sql", "-- +goose Envsub\n-- +goose Up\nA;\n",
		  "1_x.sql:1: unknown goose annotation \"-- +goose Envsub\"", "goose unknown annotation");
	fails("abc.sql", "-- +goose Up\nA;\n", "abc.sql: goose file name does not start with a version",
		  "goose without version");
	fails("1_bad name.up.sql", "A;\n", "1_bad name.up.sql: invalid migration name \"1_bad name\"",
		  "bad golang name");
	fails("sqitch.plan", "%project=x\n# nothing\n", "sqitch.plan: the plan has no change", "empty plan");
	fails("sqitch.plan", "a 2024\nb [a\n", "sqitch.plan:2: unterminated \"[\" in the dependencies of \"b\"",
		  "plan unterminated");
	fails("sqitch.plan", "bad/name 2024\n", "line 1: sqitch.plan: invalid migration name \"bad/name\"",
		  "plan bad name");
}

static void
test_plan(void)
{
	const char *text =
		"%syntax-version=1.0.0\n%project=p\n\n"
		"a 2024-01-01T00:00:00Z A <a@x> # first\n"
		"@v1 2024-01-01T00:00:00Z A <a@x>\n"
		"  b [a@v1 !zz other:q] 2024 A <a@x>\n"
		"c [a b] 2024\n";
	CovetPiece	p;
	CovetError	err;
	CovetStatus rc;
	long		live = tap_mem_live();

	rc = covet_piece_parse(tap_mem(), "sqitch.plan", text, strlen(text), &p, &err);
	is_int(rc, COVET_OK, "plan parses");
	if (rc != COVET_OK)
		return;
	is_int(p.kind, COVET_PIECE_PLAN, "plan kind");
	is_int(p.nchanges, 3, "three changes");
	is_str(p.changes[0].name, "a", "change a");
	is_int(p.changes[0].ndeps, 0, "a depends on nothing");
	is_str(p.changes[1].name, "b", "change b");
	is_int(p.changes[1].ndeps, 1, "b: the change before, tag and conflict dropped");
	is_str(p.changes[1].deps[0], "a", "b depends on a");
	is_int(p.changes[2].ndeps, 2, "c: b (before it) and a");
	is_str(p.changes[2].deps[0], "b", "c's first dependency is the change before it");
	is_str(p.changes[2].deps[1], "a", "c requires a");
	covet_piece_free(tap_mem(), &p);
	is_int(tap_mem_live(), live, "plan: nothing leaked");
}

static void
test_checksum(void)
{
	/* CRC-32 of the lines without their ends: zlib.crc32(b"abc") */
	is_int(covet_flyway_checksum("abc", 3), 891568578, "one line");
	is_int(covet_flyway_checksum("abc\n", 4), 891568578, "a final newline makes no line");
	is_int(covet_flyway_checksum("a\r\nb\rc\n", 7), covet_flyway_checksum("abc", 3),
		   "CRLF, CR and LF end lines alike");
	is_int(covet_flyway_checksum("\xEF\xBB\xBF" "abc", 6), 891568578, "a BOM is dropped");
	is_int(covet_flyway_checksum("", 0), 0, "empty file");
}

static void
test_nomem(void)
{
	static const struct
	{
		const char *file;
		const char *text;
	}			inputs[] = {
		{"1_a.up.sql", "CREATE TABLE a (id int);"},
		{"1_a.sql", "-- migrate:up\nA;\n-- migrate:down\nB;\n"},
		{"1_a.sql", "-- +goose Up\nA;\n-- +goose Down\nB;\n"},
		{"V1__a.sql", "A;"},
		{"sqitch.plan", "a 2024\nb [a] 2024\nc [a b] 2024\n"},
		{"deploy/a.sql", "A;"},
		{"0001_a.sql", "-- covet:repeatable\n-- covet:up\nA;\n"},
	};
	size_t		i;

	for (i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++)
	{
		long		n;
		bool		all = true;
		long		live = tap_mem_live();

		for (n = 0; n < 200; n++)
		{
			CovetPiece	p;
			CovetError	err;
			CovetStatus rc;

			tap_mem_fail_after(n);
			rc = covet_piece_parse(tap_mem(), inputs[i].file, inputs[i].text,
								   strlen(inputs[i].text), &p, &err);
			tap_mem_fail_after(-1);
			if (rc == COVET_OK)
			{
				covet_piece_free(tap_mem(), &p);
				break;
			}
			if (rc != COVET_ERR_NOMEM || tap_mem_live() != live)
				all = false;
		}
		ok(all && tap_mem_live() == live, "%s: every allocation failure is NOMEM and leaks nothing",
		   inputs[i].file);
	}
}

int
main(void)
{
	test_versions();
	test_by_name();
	test_parsers();
	test_plan();
	test_checksum();
	test_nomem();
	return done_testing();
}
