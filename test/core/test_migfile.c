/*-------------------------------------------------------------------------
 *
 * test_migfile.c
 *		Migration file parsing and depends_on splitting: every rule, every
 *		error with its exact message and line, CRLF files, and every
 *		allocation failure (which must return COVET_ERR_NOMEM and leak
 *		nothing).
 *
 *-------------------------------------------------------------------------
 */
#include "tap.h"

#include <stdio.h>
#include <string.h>

static void
mf_free(CovetMigFile *mf)
{
	int			i;

	covet_free(tap_mem(), mf->name);
	covet_free(tap_mem(), mf->up);
	covet_free(tap_mem(), mf->down);
	covet_free(tap_mem(), mf->kind);
	for (i = 0; i < mf->ndepends; i++)
		covet_free(tap_mem(), mf->depends[i]);
	covet_free(tap_mem(), mf->depends);
	memset(mf, 0, sizeof(*mf));
}

static void
names_free(char **names, int n)
{
	int			i;

	for (i = 0; i < n; i++)
		covet_free(tap_mem(), names[i]);
	covet_free(tap_mem(), names);
}

static CovetStatus
parse(const char *file, const char *text, CovetMigFile *mf, CovetError *err)
{
	return covet_migfile_parse(tap_mem(), file, text, strlen(text), mf, err);
}

/* The file must fail to parse with exactly this code and message. */
static void
parse_fails_len(const char *file, const char *text, size_t len,
				CovetStatus code, const char *message, const char *what)
{
	CovetMigFile mf;
	CovetError	err;
	CovetStatus rc;
	long		live = tap_mem_live();

	covet_error_clear(&err);
	rc = covet_migfile_parse(tap_mem(), file, text, len, &mf, &err);
	is_int(rc, code, "%s: status", what);
	is_str(err.message, message, "%s: message", what);
	ok(err.code == code && mf.name == NULL && mf.up == NULL &&
	   tap_mem_live() == live, "%s: nothing returned, nothing leaked", what);
	if (rc == COVET_OK)
		mf_free(&mf);
}

static void
parse_fails(const char *file, const char *text, const char *message,
			const char *what)
{
	parse_fails_len(file, text, strlen(text), COVET_ERR_PARSE, message, what);
}

static void
test_full_file(void)
{
	CovetMigFile mf;
	CovetError	err;
	CovetStatus rc;
	const char *text =
		"-- Add an email column.\n"
		"--\n"
		"-- covet:depends 0001_init, 0000_base\n"
		"\t-- covet:depends 0001_init other\n"
		"-- covet:kind data\n"
		"-- covet:no-transaction\n"
		"\n"
		"-- covet:up\n"
		"\n"
		"ALTER TABLE users ADD COLUMN email text;   \n"
		"\n"
		"-- a comment inside up\n"
		"-- COVET:up is not a directive\n"
		"UPDATE users SET email = '';   \n"
		"\n"
		"\n"
		"-- covet:down\n"
		"ALTER TABLE users DROP COLUMN email;\n"
		"\n";

	rc = parse("migrations/sub/0002_add_email.sql", text, &mf, &err);
	is_int(rc, COVET_OK, "full file parses");
	is_str(mf.name, "0002_add_email", "name drops directory and .sql");
	is_str(mf.up,
		   "ALTER TABLE users ADD COLUMN email text;   \n"
		   "\n"
		   "-- a comment inside up\n"
		   "-- COVET:up is not a directive\n"
		   "UPDATE users SET email = '';",
		   "up keeps inner text, trims blank lines around it");
	is_str(mf.down, "ALTER TABLE users DROP COLUMN email;", "down text");
	is_int(mf.ndepends, 3, "depends: three distinct names over two lines");
	if (mf.ndepends == 3)
	{
		is_str(mf.depends[0], "0001_init", "depends[0]");
		is_str(mf.depends[1], "0000_base", "depends[1]");
		is_str(mf.depends[2], "other", "depends[2]");
	}
	is_str(mf.kind, "data", "kind data");
	ok(!mf.atomic, "no-transaction clears atomic");
	mf_free(&mf);
	is_int(tap_mem_live(), 0, "full file: everything freed");
}

static void
test_defaults(void)
{
	CovetMigFile mf;
	CovetError	err;

	is_int(parse("0001_init.sql", "-- covet:up\nSELECT 1;\n", &mf, &err),
		   COVET_OK, "minimal file parses");
	is_str(mf.name, "0001_init", "minimal: name");
	is_str(mf.up, "SELECT 1;", "minimal: up");
	is_str(mf.down, NULL, "minimal: no down section means NULL");
	ok(mf.ndepends == 0 && mf.depends == NULL, "minimal: no dependencies");
	is_str(mf.kind, "schema", "minimal: kind defaults to schema");
	ok(mf.atomic, "minimal: atomic by default");
	mf_free(&mf);

	is_int(parse("0001_init.sql", "-- covet:up\nSELECT 1;", &mf, &err),
		   COVET_OK, "no final newline");
	is_str(mf.up, "SELECT 1;", "no final newline: up");
	mf_free(&mf);

	is_int(parse("a", "  \t-- covet:up  \n\n    SELECT 1;\n  \t\n", &mf, &err),
		   COVET_OK, "indented directive");
	is_str(mf.name, "a", "file name without .sql is the name");
	is_str(mf.up, "    SELECT 1;", "indentation of the first line is kept");
	mf_free(&mf);

	is_int(parse("dir/0003.seed.sql", "-- covet:kind schema\n-- covet:up\nX\n", &mf, &err),
		   COVET_OK, "dots in the name, explicit schema kind");
	is_str(mf.name, "0003.seed", "name keeps inner dots");
	is_str(mf.kind, "schema", "explicit kind schema");
	mf_free(&mf);

	is_int(parse("m.sql", "-- covet:up\nA\n-- covet:down\n\n  \t\n", &mf, &err),
		   COVET_OK, "blank down section");
	is_str(mf.down, "", "blank down section is a no-op down (\"\")");
	mf_free(&mf);

	is_int(parse("m.sql", "-- covet:up\nA\n-- covet:down", &mf, &err),
		   COVET_OK, "down directive at the end");
	is_str(mf.down, "", "down directive at the end is a no-op down (\"\")");
	mf_free(&mf);

	is_int(parse("m.sql", "-- covet:up\nA\n-- covet:down\n-- nothing to undo\n", &mf, &err),
		   COVET_OK, "comment-only down section");
	is_str(mf.down, "-- nothing to undo", "comment-only down section kept as written");
	mf_free(&mf);

	is_int(parse("m.sql", "-- covet:depends b a b\n-- covet:depends a\n-- covet:up\nA\n",
				 &mf, &err), COVET_OK, "repeated dependencies");
	ok(mf.ndepends == 2 && strcmp(mf.depends[0], "b") == 0 &&
	   strcmp(mf.depends[1], "a") == 0, "repeated dependencies kept once, first order");
	mf_free(&mf);

	is_int(parse("m.sql", "--covet:up\n-- covet:up\nA\n", &mf, &err),
		   COVET_OK, "\"--covet:up\" without the space is a comment");
	is_str(mf.up, "A", "comment-like line is skipped in the header");
	mf_free(&mf);
}

static void
test_crlf(void)
{
	CovetMigFile mf;
	CovetError	err;

	is_int(parse("0004_crlf.sql",
				 "-- header\r\n"
				 "-- covet:depends a, b\r\n"
				 "-- covet:kind data\r\n"
				 "-- covet:no-transaction\r\n"
				 "\r\n"
				 "-- covet:up\r\n"
				 "\r\n"
				 "SELECT 1;\r\n"
				 "SELECT 2;\r\n"
				 "\r\n"
				 "-- covet:down\r\n"
				 "SELECT 3;\r\n",
				 &mf, &err), COVET_OK, "CRLF file parses");
	is_str(mf.up, "SELECT 1;\r\nSELECT 2;", "CRLF: inner line ends kept, trailing ones trimmed");
	is_str(mf.down, "SELECT 3;", "CRLF: down");
	ok(mf.ndepends == 2 && strcmp(mf.depends[1], "b") == 0, "CRLF: depends without \\r");
	is_str(mf.kind, "data", "CRLF: kind without \\r");
	ok(!mf.atomic, "CRLF: no-transaction recognised");
	mf_free(&mf);

	parse_fails("c.sql", "-- covet:up\r\nA\r\n-- covet:foo\r\n",
				"c.sql:3: unknown directive \"-- covet:foo\"",
				"CRLF: error line number");
	parse_fails("c.sql", "-- covet:kind big\r\n-- covet:up\r\nA\r\n",
				"c.sql:1: invalid kind \"big\"", "CRLF: bad kind without \\r");
}

static void
test_errors(void)
{
	CovetMigFile mf;
	CovetError	err;
	char		longname[200];
	char		expected[300];

	parse_fails("f.sql", "-- covet:up\nSELECT 1;\n-- covet:foo\n",
				"f.sql:3: unknown directive \"-- covet:foo\"", "unknown directive");
	parse_fails("f.sql", "-- covet:upp\n-- covet:up\nA\n",
				"f.sql:1: unknown directive \"-- covet:upp\"", "unknown directive in header");
	parse_fails("f.sql", "-- covet:\n-- covet:up\nA\n",
				"f.sql:1: unknown directive \"-- covet:\"", "empty directive");
	parse_fails("f.sql", "-- covet:up\nA\n\n-- covet:up\nB\n",
				"f.sql:4: duplicate \"-- covet:up\" section", "duplicate up");
	parse_fails("f.sql", "-- covet:up\nA\n-- covet:down\nB\n-- covet:up\nC\n",
				"f.sql:5: duplicate \"-- covet:up\" section", "up after down");
	parse_fails("f.sql", "-- covet:up\nA\n-- covet:down\nB\n-- covet:down\nC\n",
				"f.sql:5: duplicate \"-- covet:down\" section", "duplicate down");
	parse_fails("f.sql", "-- comment\n-- covet:down\nX\n-- covet:up\nY\n",
				"f.sql:2: \"-- covet:down\" before \"-- covet:up\"", "down before up");
	parse_fails("f.sql", "-- covet:up\nA\n-- covet:depends x\n",
				"f.sql:3: \"-- covet:depends\" after \"-- covet:up\"", "depends after up");
	parse_fails("f.sql", "-- covet:up\nA\n-- covet:down\nB\n  -- covet:kind data\n",
				"f.sql:5: \"-- covet:kind\" after \"-- covet:up\"", "kind in down section");
	parse_fails("f.sql", "-- covet:up\n-- covet:no-transaction\nA\n",
				"f.sql:2: \"-- covet:no-transaction\" after \"-- covet:up\"",
				"no-transaction after up");
	parse_fails("f.sql", "\n-- hello\nSELECT 1;\n-- covet:up\nA\n",
				"f.sql:3: text before \"-- covet:up\"", "SQL before up");
	parse_fails("f.sql", "/* block comment */\n-- covet:up\nA\n",
				"f.sql:1: text before \"-- covet:up\"", "block comment before up");
	parse_fails("f.sql", "-- only a comment\n\n",
				"f.sql: no \"-- covet:up\" section", "no up section");
	parse_fails("f.sql", "", "f.sql: no \"-- covet:up\" section", "empty file");
	parse_fails_len("f.sql", NULL, 0, COVET_ERR_PARSE,
					"f.sql: no \"-- covet:up\" section", "NULL text of length 0");
	parse_fails("f.sql", "-- covet:up\n\n  \t\n-- covet:down\nX\n",
				"f.sql:1: \"-- covet:up\" section is empty", "empty up section");
	parse_fails("f.sql", "-- x\n-- covet:up", "f.sql:2: \"-- covet:up\" section is empty",
				"up directive at the end");
	parse_fails("f.sql", "-- covet:up now\nA\n",
				"f.sql:1: unexpected text after \"-- covet:up\"", "text after up");
	parse_fails("f.sql", "-- covet:up\nA\n-- covet:down please\nB\n",
				"f.sql:3: unexpected text after \"-- covet:down\"", "text after down");
	parse_fails("f.sql", "-- covet:no-transaction yes\n-- covet:up\nA\n",
				"f.sql:1: unexpected text after \"-- covet:no-transaction\"",
				"text after no-transaction");
	parse_fails("f.sql", "\n-- covet:kind ddl\n-- covet:up\nA\n",
				"f.sql:2: invalid kind \"ddl\"", "bad kind");
	parse_fails("f.sql", "-- covet:kind Schema\n-- covet:up\nA\n",
				"f.sql:1: invalid kind \"Schema\"", "kind is case-sensitive");
	parse_fails("f.sql", "-- covet:kind schema data\n-- covet:up\nA\n",
				"f.sql:1: invalid kind \"schema data\"", "two kinds");
	parse_fails("f.sql", "-- covet:kind\n-- covet:up\nA\n",
				"f.sql:1: \"-- covet:kind\" needs a value", "kind without value");
	parse_fails("f.sql", "-- covet:kind data\n-- covet:kind schema\n-- covet:up\nA\n",
				"f.sql:2: duplicate \"-- covet:kind\" directive", "duplicate kind");
	parse_fails("f.sql", "-- covet:depends good, b@d\n-- covet:up\nA\n",
				"f.sql:1: invalid dependency name \"b@d\"", "bad dependency name");
	parse_fails("f.sql", "-- covet:depends a\n-- covet:depends\n-- covet:up\nA\n",
				"f.sql:2: \"-- covet:depends\" needs at least one migration name",
				"depends without names");
	parse_fails("f.sql", "-- covet:depends , ,\n-- covet:up\nA\n",
				"f.sql:1: \"-- covet:depends\" needs at least one migration name",
				"depends with only commas");
	parse_fails_len("f.sql", "-- covet:up\nSELECT\0 1;\n", 22, COVET_ERR_PARSE,
					"f.sql:2: null character not permitted", "NUL byte");
	parse_fails_len("f.sql", "\0-- covet:up\nA\n", 15, COVET_ERR_PARSE,
					"f.sql:1: null character not permitted", "NUL byte first");
	parse_fails("dir/bad name.sql", "-- covet:up\nA\n",
				"dir/bad name.sql: invalid migration name \"bad name\"", "bad file name");
	parse_fails("dir/.sql", "-- covet:up\nA\n",
				"dir/.sql: migration name must not be empty", "empty file name");
	memset(longname, 'n', 129);
	strcpy(longname + 129, ".sql");
	snprintf(expected, sizeof(expected), "%s: migration name is too long",
			 longname);
	parse_fails(longname, "-- covet:up\nA\n", expected, "129-character name");
	longname[128] = '\0';
	is_int(parse(longname, "-- covet:up\nA\n", &mf, &err), COVET_OK,
		   "128-character name is fine");
	mf_free(&mf);

	/* details and hints */
	covet_error_clear(&err);
	parse("f.sql", "-- covet:foo\n", &mf, &err);
	ok(strstr(err.hint, "\"-- covet:no-transaction\"") != NULL,
	   "unknown directive: hint lists the directives");
	covet_error_clear(&err);
	parse("f.sql", "-- covet:up\nA\n-- covet:up\n", &mf, &err);
	is_str(err.detail, "The first \"-- covet:up\" is on line 1.",
		   "duplicate up: detail names the first line");
	covet_error_clear(&err);
	parse("f.sql", "-- covet:depends b@d\n-- covet:up\nA\n", &mf, &err);
	ok(err.hint[0] != '\0' && strcmp(covet_error_sqlstate(&err), "42601") == 0,
	   "bad dependency name: hint kept, SQLSTATE 42601");
	covet_error_clear(&err);
	parse("f.sql", "-- x\n", &mf, &err);
	ok(err.hint[0] != '\0', "no up section: hint");
	is_int(tap_mem_live(), 0, "error paths: everything freed");
}

static void
test_depends_split(void)
{
	CovetError	err;
	char	  **names = (char **) &err;
	int			n = -1;
	char		longname[200];

	is_int(covet_depends_split(tap_mem(), NULL, &names, &n, &err), COVET_OK,
		   "split NULL");
	ok(names == NULL && n == 0, "split NULL: no names");
	n = -1;
	is_int(covet_depends_split(tap_mem(), "", &names, &n, &err), COVET_OK,
		   "split empty");
	ok(names == NULL && n == 0, "split empty: no names");
	n = -1;
	is_int(covet_depends_split(tap_mem(), " ,\t, \n", &names, &n, &err), COVET_OK,
		   "split blank");
	ok(names == NULL && n == 0, "split blank: no names");

	is_int(covet_depends_split(tap_mem(), "a, b c,,d\ta b", &names, &n, &err),
		   COVET_OK, "split list");
	is_int(n, 4, "split list: duplicates removed");
	if (n == 4)
		ok(strcmp(names[0], "a") == 0 && strcmp(names[1], "b") == 0 &&
		   strcmp(names[2], "c") == 0 && strcmp(names[3], "d") == 0,
		   "split list: first order kept");
	names_free(names, n);

	is_int(covet_depends_split(tap_mem(), "0001_init", &names, &n, &err),
		   COVET_OK, "split one name");
	ok(n == 1 && strcmp(names[0], "0001_init") == 0, "split one name: value");
	names_free(names, n);

	is_int(covet_depends_split(tap_mem(), "a b@d c", &names, &n, &err),
		   COVET_ERR_INVALID, "split bad name");
	is_str(err.message, "invalid dependency name \"b@d\"", "split bad name: message");
	ok(names == NULL && n == 0, "split bad name: nothing returned");

	memset(longname, 'x', 129);
	longname[129] = '\0';
	is_int(covet_depends_split(tap_mem(), longname, &names, &n, &err),
		   COVET_ERR_INVALID, "split long name");
	is_str(err.message, "dependency name is too long", "split long name: message");
	is_int(tap_mem_live(), 0, "split: everything freed");
}

/*
 * Run f with every allocation failing from index k on, for each k below
 * the number the call makes, and check NOMEM and no leaks each time.
 */
static void
nomem_migfile(const char *text, CovetStatus final, const char *what)
{
	CovetMigFile mf;
	CovetError	err;
	long		nalloc;
	long		k;
	int			bad = 0;

	tap_mem_fail_after(-1);
	is_int(parse("0002_x.sql", text, &mf, &err), final, "%s: runs", what);
	nalloc = tap_mem_allocs();
	if (final == COVET_OK)
		mf_free(&mf);
	for (k = 0; k < nalloc; k++)
	{
		CovetStatus rc;

		tap_mem_fail_after(k);
		rc = parse("0002_x.sql", text, &mf, &err);
		if (rc != COVET_ERR_NOMEM || err.code != COVET_ERR_NOMEM ||
			mf.name != NULL || tap_mem_live() != 0)
		{
			diag("%s: failing allocation %ld gave status %d, %ld live",
				 what, k, (int) rc, tap_mem_live());
			bad++;
			if (rc == COVET_OK)
				mf_free(&mf);
		}
	}
	tap_mem_fail_after(-1);
	ok(nalloc > 3 && bad == 0,
	   "%s: each of %ld allocation failures gives NOMEM, no leaks", what, nalloc);
}

static void
test_nomem(void)
{
	char	  **names;
	int			n;
	long		nalloc;
	long		k;
	int			bad = 0;
	CovetError	err;

	nomem_migfile("-- covet:depends a b c d e f\n-- covet:depends g, a\n"
				  "-- covet:kind data\n-- covet:up\nUP\n-- covet:down\nDOWN\n",
				  COVET_OK, "parse");
	nomem_migfile("-- covet:depends a b c d e\n-- covet:depends g, a\n"
				  "-- covet:kind data\n-- covet:up\nUP\n-- covet:bad\n",
				  COVET_ERR_PARSE, "parse error late");

	tap_mem_fail_after(-1);
	covet_depends_split(tap_mem(), "a b c d e f g h i", &names, &n, &err);
	nalloc = tap_mem_allocs();
	names_free(names, n);
	for (k = 0; k < nalloc; k++)
	{
		CovetStatus rc;

		tap_mem_fail_after(k);
		rc = covet_depends_split(tap_mem(), "a b c d e f g h i", &names, &n, &err);
		if (rc != COVET_ERR_NOMEM || names != NULL || n != 0 || tap_mem_live() != 0)
			bad++;
	}
	tap_mem_fail_after(-1);
	ok(nalloc > 3 && bad == 0,
	   "split: each of %ld allocation failures gives NOMEM, no leaks", nalloc);
}

int
main(void)
{
	test_full_file();
	test_defaults();
	test_crlf();
	test_errors();
	test_depends_split();
	test_nomem();
	is_int(tap_mem_live(), 0, "no live allocations at the end");
	return done_testing();
}
