/*-------------------------------------------------------------------------
 *
 * stmtsplit.c
 *		A migration's text split into statements as the engine reads it,
 *		and what each statement means for transactions: its own transaction
 *		control (BEGIN ... COMMIT), or a statement that refuses to run in a
 *		transaction block (CREATE INDEX CONCURRENTLY, VACUUM, ...).
 *
 *		CREATE TABLE t (id int);
 *		CREATE INDEX CONCURRENTLY t_id ON t (id);	-- statement 2: no block
 *
 * Tokens come from the core's scanner (sqlfrag.c, per engine), so strings,
 * quoted identifiers, comments and dollar quotes are skipped as the engine
 * skips them.  A statement ends at a ';' outside parentheses and outside
 * the body of a routine or trigger: psql's rule in PostgreSQL (BEGIN
 * ATOMIC ... END of CREATE [OR REPLACE] FUNCTION|PROCEDURE, where BEGIN and,
 * inside a body, CASE open a level and END closes one), the same rule for
 * SQLite's CREATE TRIGGER ... BEGIN ... END.  Text the scanner cannot end
 * (an unterminated string) is one last statement: the engine reports it
 * when it runs.
 *
 * Only bare words count (keywords and plain identifiers, compared without
 * case); words inside parentheses do not, so "REINDEX (VERBOSE) TABLE t"
 * reads as REINDEX TABLE.  Nothing is allocated.
 *
 *-------------------------------------------------------------------------
 */
#include "covet.h"
#include "sqltok.h"

#include <stdio.h>
#include <string.h>

/* Words of a statement the classification looks at. */
#define STMT_WORDS	6
#define WORD_MAX	24

typedef struct StmtWords
{
	char		w[STMT_WORDS][WORD_MAX];	/* lower case; "" = none or too long */
	int			n;				/* bare words seen at depth 0 */
	bool		concurrently;	/* CONCURRENTLY at depth 0 */
	bool		add_value;		/* ADD VALUE at depth 0 */
	bool		detach;			/* DETACH at depth 0 */
	bool		routine;		/* a body with BEGIN ... END may follow */
	int			paren_depth;
	int			begin_depth;
	char		prev[WORD_MAX];
} StmtWords;

static bool
is_bare(const char *p, const char *end)
{
	const char *q;

	if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_' ||
		  (unsigned char) *p >= 0x80))
		return false;
	for (q = p; q < end; q++)
		if (!((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || *q == '_' ||
			  (*q >= '0' && *q <= '9') || *q == '$' || (unsigned char) *q >= 0x80))
			return false;
	return true;
}

static bool
eq(const char *a, const char *b)
{
	return strcmp(a, b) == 0;
}

/* Does the statement start a routine or trigger whose body is BEGIN ... END? */
static bool
starts_routine(CovetEngine engine, const StmtWords *s)
{
	const char *w1 = s->w[1];

	if (!eq(s->w[0], "create"))
		return false;
	if (engine == COVET_ENGINE_POSTGRES)
		return eq(w1, "function") || eq(w1, "procedure") ||
			(eq(w1, "or") && eq(s->w[2], "replace") &&
			 (eq(s->w[3], "function") || eq(s->w[3], "procedure")));
	/* CREATE [TEMP|TEMPORARY] TRIGGER */
	return eq(w1, "trigger") ||
		((eq(w1, "temp") || eq(w1, "temporary")) && eq(s->w[2], "trigger"));
}

static void
add_word(CovetEngine engine, StmtWords *s, const char *p, size_t len)
{
	char		word[WORD_MAX];
	size_t		i;

	if (len >= WORD_MAX)
		word[0] = '\0';
	else
	{
		for (i = 0; i < len; i++)
			word[i] = (p[i] >= 'A' && p[i] <= 'Z') ? (char) (p[i] - 'A' + 'a') : p[i];
		word[len] = '\0';
	}
	if (s->n < STMT_WORDS)
		memcpy(s->w[s->n], word, sizeof(word));
	s->n++;
	if (s->n <= 4)
		s->routine = starts_routine(engine, s);
	if (eq(word, "concurrently"))
		s->concurrently = true;
	else if (eq(word, "value") && eq(s->prev, "add"))
		s->add_value = true;
	else if (eq(word, "detach"))
		s->detach = true;
	if (s->routine)
	{
		if (eq(word, "begin"))
			s->begin_depth++;
		else if (eq(word, "case") && s->begin_depth > 0)
			s->begin_depth++;
		else if (eq(word, "end") && s->begin_depth > 0)
			s->begin_depth--;
	}
	memcpy(s->prev, word, sizeof(word));
}

/* What a PostgreSQL statement that refuses a transaction block is, or NULL. */
static const char *
pg_no_block(const StmtWords *s)
{
	const char *w0 = s->w[0],
			   *w1 = s->w[1];

	if (eq(w0, "create") && s->concurrently &&
		(eq(w1, "index") || (eq(w1, "unique") && eq(s->w[2], "index"))))
		return "CREATE INDEX CONCURRENTLY";
	if (eq(w0, "drop") && eq(w1, "index") && s->concurrently)
		return "DROP INDEX CONCURRENTLY";
	if (eq(w0, "reindex") && s->concurrently)
		return "REINDEX CONCURRENTLY";
	if (eq(w0, "reindex") && (eq(w1, "schema") || eq(w1, "database") || eq(w1, "system")))
		return "REINDEX SCHEMA, DATABASE or SYSTEM";
	if (eq(w0, "alter") && eq(w1, "table") && s->detach && s->concurrently)
		return "ALTER TABLE ... DETACH PARTITION CONCURRENTLY";
	if (eq(w0, "alter") && eq(w1, "type") && s->add_value)
		return "ALTER TYPE ... ADD VALUE";
	if (eq(w0, "vacuum"))
		return "VACUUM";
	if (eq(w0, "alter") && eq(w1, "system"))
		return "ALTER SYSTEM";
	if ((eq(w0, "create") || eq(w0, "drop")) &&
		(eq(w1, "database") || eq(w1, "tablespace") || eq(w1, "subscription")))
		return eq(w1, "database") ? (eq(w0, "create") ? "CREATE DATABASE" : "DROP DATABASE") :
			eq(w1, "tablespace") ? (eq(w0, "create") ? "CREATE TABLESPACE" : "DROP TABLESPACE") :
			(eq(w0, "create") ? "CREATE SUBSCRIPTION" : "DROP SUBSCRIPTION");
	if ((eq(w0, "commit") || eq(w0, "rollback")) && eq(w1, "prepared"))
		return eq(w0, "commit") ? "COMMIT PREPARED" : "ROLLBACK PREPARED";
	return NULL;
}

/* SQLite: the statements that need autocommit mode. */
static const char *
sqlite_no_block(const StmtWords *s)
{
	if (eq(s->w[0], "vacuum"))
		return "VACUUM";
	if (eq(s->w[0], "pragma") &&
		(eq(s->w[1], "foreign_keys") || eq(s->w[2], "foreign_keys")))
		return "PRAGMA foreign_keys";
	/* "cannot ATTACH database within transaction"; WAL likewise */
	if (eq(s->w[0], "attach"))
		return "ATTACH";
	if (eq(s->w[0], "detach"))
		return "DETACH";
	if (eq(s->w[0], "pragma") &&
		(eq(s->w[1], "journal_mode") || eq(s->w[2], "journal_mode")))
		return "PRAGMA journal_mode";
	return NULL;
}

static CovetStmtKind
classify(CovetEngine engine, const StmtWords *s, const char **what)
{
	const char *w0 = s->w[0],
			   *w1 = s->w[1];

	*what = engine == COVET_ENGINE_POSTGRES ? pg_no_block(s) : sqlite_no_block(s);
	if (*what != NULL)
		return COVET_STMT_NO_BLOCK;
	if (eq(w0, "begin") || (eq(w0, "start") && eq(w1, "transaction")))
	{
		*what = eq(w0, "begin") ? "BEGIN" : "START TRANSACTION";
		return COVET_STMT_BEGIN;
	}
	if (eq(w0, "commit") || eq(w0, "end"))
	{
		*what = eq(w0, "commit") ? "COMMIT" : "END";
		return COVET_STMT_COMMIT;
	}
	if ((eq(w0, "rollback") || eq(w0, "abort")) && !eq(w1, "to") && !eq(s->w[2], "to"))
	{
		*what = eq(w0, "rollback") ? "ROLLBACK" : "ABORT";
		return COVET_STMT_ROLLBACK;
	}
	return COVET_STMT_OTHER;
}

void
covet_stmt_split_begin(CovetStmtSplit *s, CovetEngine engine, const char *sql)
{
	s->engine = engine;
	s->p = sql ? sql : "";
	s->number = 0;
}

bool
covet_stmt_split_next(CovetStmtSplit *s, CovetStmtInfo *out)
{
	const char *p = s->p;
	const char *start = NULL;
	StmtWords	w;

	memset(&w, 0, sizeof(w));
	memset(out, 0, sizeof(*out));
	for (;;)
	{
		const char *problem = NULL;
		const char *next;
		TokKind		kind = covet_sql_scan_token(s->engine, p, &next, &problem);

		if (kind == TOK_END || kind == TOK_BAD)
		{
			if (kind == TOK_BAD && start == NULL)
				start = p;
			s->p = p + strlen(p);
			if (start == NULL)
				return false;
			out->len = (size_t) (s->p - start);
			break;
		}
		if (kind == TOK_SEMI && w.paren_depth == 0 && w.begin_depth == 0)
		{
			s->p = next;
			if (start == NULL)
			{
				p = next;		/* an empty statement, as ";;" */
				continue;
			}
			out->len = (size_t) (next - start);
			break;
		}
		if (kind == TOK_SPACE)
		{
			p = next;
			continue;
		}
		if (start == NULL)
			start = p;
		if (kind == TOK_LP)
			w.paren_depth++;
		else if (kind == TOK_RP && w.paren_depth > 0)
			w.paren_depth--;
		else if (kind == TOK_WORD && w.paren_depth == 0 && is_bare(p, next))
			add_word(s->engine, &w, p, (size_t) (next - p));
		else if (kind != TOK_SEMI)
			w.prev[0] = '\0';
		p = next;
	}
	out->start = start;
	out->number = ++s->number;
	out->kind = classify(s->engine, &w, &out->what);
	return true;
}

/* The first statement of sql that decides; false if none. */
static bool
first_reason(CovetEngine engine, const char *sql, CovetStmtInfo *found)
{
	CovetStmtSplit split;
	CovetStmtInfo info;
	bool		have = false;

	covet_stmt_split_begin(&split, engine, sql);
	while (covet_stmt_split_next(&split, &info))
	{
		if (info.kind == COVET_STMT_OTHER)
			continue;
		/* a statement that refuses a block names the reason before BEGIN */
		if (!have || (found->kind != COVET_STMT_NO_BLOCK && info.kind == COVET_STMT_NO_BLOCK))
		{
			*found = info;
			have = true;
		}
		if (info.kind == COVET_STMT_NO_BLOCK)
			break;
	}
	return have;
}

bool
covet_stmt_needs_toplevel(CovetEngine engine, const char *up, const char *down,
						  char *why, size_t whylen)
{
	CovetStmtInfo info;
	const char *section = "";

	if (!first_reason(engine, up, &info))
	{
		if (down == NULL || !first_reason(engine, down, &info))
			return false;
		section = " of its down section";
	}
	if (info.kind == COVET_STMT_NO_BLOCK)
		snprintf(why, whylen, "it holds %s at statement %d%s", info.what,
				 info.number, section);
	else
		snprintf(why, whylen, "it holds its own transaction control (%s at statement %d%s)",
				 info.what, info.number, section);
	return true;
}
