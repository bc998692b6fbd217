/*-------------------------------------------------------------------------
 *
 * test_sqlfrag.c
 *		The fragment scanner per engine (covet_sql_check_fragment) and the
 *		targets of a SET list (covet_sql_set_targets): each engine's
 *		comments, strings, quoted identifiers and parameters, read as that
 *		engine's tokenizer reads them.
 *
 *-------------------------------------------------------------------------
 */
#include "tap.h"

#include <stdio.h>
#include <string.h>

#define PG COVET_ENGINE_POSTGRES
#define SQ COVET_ENGINE_SQLITE

/* Accepted (problem NULL) or refused with "invalid where: <problem>". */
static void
check(CovetEngine engine, const char *sql, const char *problem, const char *name)
{
	CovetError	err;
	CovetStatus rc = covet_sql_check_fragment(engine, "where", sql, &err);
	char		want[300];

	if (problem == NULL)
	{
		if (!is_int(rc, COVET_OK, "%s: %s accepted", engine == PG ? "pg" : "sqlite", name))
			diag("message: %s", err.message);
		return;
	}
	snprintf(want, sizeof(want), "invalid where: %s", problem);
	is_int(rc, COVET_ERR_INVALID, "%s: %s refused", engine == PG ? "pg" : "sqlite", name);
	is_str(rc == COVET_OK ? "" : err.message, want, "%s: %s: message",
		   engine == PG ? "pg" : "sqlite", name);
}

static void
both(const char *sql, const char *problem, const char *name)
{
	check(PG, sql, problem, name);
	check(SQ, sql, problem, name);
}

static void
test_common(void)
{
	CovetError	err;

	both("a = 1", NULL, "plain filter");
	both("s = ';' AND t = ')'", NULL, "';' and ')' in a string");
	both("\"a)b;\" = 1", NULL, "';' and ')' in a quoted identifier");
	both("f(a, (b)) > 0 -- note ) ;", NULL, "a trailing -- comment");
	both("a = 1 -- note\r\n AND b = 2", NULL, "a -- comment ended by CR LF");
	both("a /* ; ) */ = 1", NULL, "a block comment");
	both("1; DROP TABLE t", "\";\" is not allowed", "semicolon");
	both("1) OR (1=1", "unbalanced \")\"", "closing covet's parenthesis");
	both("(1 = 1", "unbalanced \"(\"", "open parenthesis");
	both("a = 'x", "unterminated string", "open string");
	both("\"a", "unterminated quoted identifier", "open identifier");
	both("a /* x", "unterminated comment", "open comment");
	both("n = n + 1 --\r; DROP TABLE canary; SELECT 1 FROM t",
		 "a carriage return inside a \"--\" comment", "a -- comment ended by CR alone");
	is_int(covet_sql_check_fragment(PG, "where", "  \n\t", &err), COVET_ERR_INVALID, "blank refused");
	is_str(err.message, "where must not be empty", "blank: message");
	is_int(covet_sql_check_fragment(SQ, "where", "-- only a comment", &err), COVET_ERR_INVALID,
		   "only a comment refused");
	is_int(covet_sql_check_fragment(PG, "where", NULL, &err), COVET_ERR_NULL, "NULL refused");
	is_str(err.message, "where must not be null", "NULL: message");
}

static void
test_postgres(void)
{
	check(PG, "a = E'\\''; DROP TABLE canary; --'", "\";\" is not allowed",
		  "E'' ends at the quote after an escaped one");
	check(PG, "a = E'it\\'s ; )'", NULL, "E'' with \\' holds ';' and ')'");
	check(PG, "a = e'\\\\' OR (1", "unbalanced \"(\"", "e'' with an escaped backslash");
	check(PG, "a = 'x\\' OR (1", "unbalanced \"(\"", "a backslash does not escape in ''");
	check(PG, "a = U&'d\\0061t;' AND U&\"x)\" = 1", NULL, "U&'' and U&\"\"");
	check(PG, "1 /* /* */ ; -- */ = 1", NULL, "nested comments hide ';'");
	check(PG, "1 /* /* */ = 1", "unterminated comment", "nested comment left open");
	check(PG, "a = $x$ ; ) $x$", NULL, "a dollar quote");
	check(PG, "a = $$ ; $$", NULL, "an empty dollar tag");
	check(PG, "a = $x$ ; $y$", "unterminated dollar-quoted string", "open dollar quote");
	check(PG, "id > $1", "parameters are not allowed", "$1");
	check(PG, "a$1 = 1", NULL, "$ inside a name");
	check(PG, "a ? 'k' AND b @> c AND d::int = 1", NULL, "? @ : are operators");
	check(PG, "[x)] OR (1=1", "unbalanced \")\"", "no [] identifiers");
	check(PG, "`a)` OR (1", "unbalanced \")\"", "no backtick identifiers");
}

static void
test_sqlite(void)
{
	check(SQ, "[x)] OR (1=1", "unbalanced \"(\"", "[] identifier then an open '('");
	check(SQ, "`a)` OR (1", "unbalanced \"(\"", "backtick identifier then an open '('");
	check(SQ, "[a;)] = 1 AND `b``)` = 2", NULL, "[] and `` identifiers hold ';' and ')'");
	check(SQ, "1 + 0*coalesce(?2,?1,0) /* /* */ ; -- */", "parameters are not allowed",
		  "?N in the issue's example");
	check(SQ, "1 /* /* */ ; -- */", "\";\" is not allowed", "comments do not nest");
	check(SQ, "a = 1 /* open", "unterminated comment", "open comment");
	check(SQ, "a = ?", "parameters are not allowed", "?");
	check(SQ, "a = ?7", "parameters are not allowed", "?7");
	check(SQ, "a = :n", "parameters are not allowed", ":n");
	check(SQ, "a = @n", "parameters are not allowed", "@n");
	check(SQ, "a = $n", "parameters are not allowed", "$n");
	check(SQ, "a = $a(b)", "parameters are not allowed", "$a(b)");
	check(SQ, "a = $a::b", "parameters are not allowed", "$a::b");
	check(SQ, "a = #n", "parameters are not allowed", "#n");
	check(SQ, "a = $x$ ; $x$", "parameters are not allowed", "no dollar quotes");
	check(SQ, "a$b = 1", NULL, "$ inside a name");
	/* E, then the strings '\' and '; DROP ...': the engine refuses the syntax */
	check(SQ, "a = E'\\''; DROP TABLE canary; --'", NULL,
		  "no E'' strings: the backslash is plain");
	check(SQ, "a = 'it''s ; )'", NULL, "doubled quote");
	check(SQ, "a = x'00ff'", NULL, "blob literal");
}

static void
targets(CovetEngine engine, const char *set, const char *want, const char *name)
{
	CovetError	err;
	char	  **names = NULL;
	int			n = 0,
				i;
	char		got[200] = "";
	CovetStatus rc = covet_sql_set_targets(engine, tap_mem(), set, &names, &n, &err);

	for (i = 0; rc == COVET_OK && i < n; i++)
	{
		if (i > 0)
			strcat(got, ",");
		strncat(got, names[i], sizeof(got) - strlen(got) - 2);
		covet_free(tap_mem(), names[i]);
	}
	covet_free(tap_mem(), names);
	is_str(rc == COVET_OK ? got : "(error)", want, "targets: %s", name);
}

static void
test_targets(void)
{
	targets(PG, "a = 1, \"B\" = f(x, ','), (c, d) = (1, 2)", "a,B,c,d", "plain, quoted, multi");
	targets(PG, "a = E'\\', b = 1', c = 2", "a,c", "a comma inside E''");
	targets(PG, "/* c */ a = 1 -- x\n, b = 2", "a,b", "comments around targets");
	targets(SQ, "[a b] = 1, `c` = 2, D = 3", "a b,c,d", "[] and `` targets");
	targets(SQ, "a = '[', b = ']'", "a,b", "brackets inside strings");
	targets(PG, "a = 1 +", "a", "a value is not checked here");
	targets(PG, "= 1", "(error)", "no target");
}

/* An ORDER BY list with every item's direction and NULLS spelled out. */
static void
order_by(CovetEngine engine, const char *list, bool reverse, const char *want, const char *name)
{
	CovetError	err;
	char	   *out = NULL;
	CovetStatus rc = covet_sql_order_by(engine, tap_mem(), list, reverse, &out, &err);

	is_str(rc == COVET_OK ? out : "(error)", want, "order_by: %s", name);
	covet_free(tap_mem(), out);
}

static void
test_order_by(void)
{
	order_by(PG, "created_at", false, "created_at\nASC NULLS LAST", "defaults as PostgreSQL's");
	order_by(SQ, "created_at DESC", false, "created_at\nDESC NULLS FIRST", "DESC puts NULLs first");
	order_by(PG, "created_at DESC, id", true,
			 "created_at\nASC NULLS LAST,\nid\nDESC NULLS FIRST", "reversed");
	order_by(SQ, "a nulls FIRST, b Desc Nulls Last", true,
			 "a\nDESC NULLS LAST,\nb\nASC NULLS FIRST", "explicit NULLS flipped, any case");
	order_by(PG, "f(a, b) DESC, \"desc\"", false,
			 "f(a, b)\nDESC NULLS FIRST,\n\"desc\"\nASC NULLS LAST", "commas in calls, a quoted \"desc\"");
	order_by(SQ, "a -- x, y\n, b", false, "a -- x, y\nASC NULLS LAST,\nb\nASC NULLS LAST",
			 "a comment keeps its line");
	order_by(PG, "nulls", false, "nulls\nASC NULLS LAST", "a column named nulls");
	order_by(PG, "a,,b", false, "(error)", "an empty item");
	order_by(PG, "a,", false, "(error)", "a trailing comma");
}

int
main(void)
{
	test_order_by();
	test_common();
	test_postgres();
	test_sqlite();
	test_targets();
	is_int(tap_mem_live(), 0, "no live allocations at the end");
	return done_testing();
}
