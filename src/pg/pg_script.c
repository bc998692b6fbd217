/*-------------------------------------------------------------------------
 *
 * pg_script.c
 *		Split a migration's text into statements with PostgreSQL's own
 *		lexer, a window of text at a time, so that the memory a migration
 *		takes does not grow with its length.
 *
 * The driver's exec_script asks for one statement at a time
 * (covet_pg_script_next) and runs it; only the statements of the current
 * window are known at any moment.  A window is a copy of the next
 * SCRIPT_WINDOW bytes of the text; the core lexer (parser/scanner.h, as
 * PL/pgSQL uses it) reads it, and each top-level ';' ends a statement.  So
 * quotes, E'' escapes, dollar quotes, nested comments and a "--" comment
 * ended by "\r" are read exactly as the parser reads them.  Which ';' is
 * top-level is psql's rule: not inside parentheses (CREATE RULE's action
 * lists), and not inside the BEGIN ATOMIC ... END body of a statement that
 * starts CREATE [OR REPLACE] FUNCTION|PROCEDURE, where BEGIN and (inside a
 * body) CASE open a level and END closes one.  A script that psql runs
 * statement by statement is split the same way here.
 *
 * Windows.  Lexing stops at the first statement end past half the window
 * (or after SCRIPT_BATCH statements), so the lexer normally never reaches
 * the cut.  A statement that runs into the cut is not taken: the next
 * window starts where it starts, twice as large if it held no whole
 * statement.  The window that reaches the end of the text is lexed in
 * place, without a copy.  Memory: the window, the scanner's copy of it and
 * one statement's text, whatever the length of the script; a statement
 * longer than a window takes a window about as long as itself, twice.
 *
 * Errors.  The lexer raises errors (ereport) for a token it cannot end:
 * "unterminated quoted string".  A token cut in two at a window's end
 * raises one that the whole text would not, and a statement ahead may be
 * lexed wrongly until a statement before it has run (SET
 * standard_conforming_strings).  So an error is caught and dropped while
 * the window has statements before it, or does not reach the end of the
 * text: those statements run first, and the text from there is lexed again
 * (the lexer only allocates memory, in the window's context, which is
 * reset).  Only an error in the first statement of a window that reaches
 * the end of the text is raised: the error the parser would raise, with
 * the same message, when the statements before it have run.  Before each
 * statement, if standard_conforming_strings or backslash_quote differ from
 * what the window was lexed with, the rest is lexed again.
 *
 * The statement handed out runs from its first token to its ';' (the last
 * one, when no ';' follows it, to the end of the text), so SPI's parser
 * sees the same tokens as a parse of the whole script and its messages are
 * the same ('syntax error at or near ";"').  Empty statements (";;") are
 * skipped, as the parser skips them.  The lexer's notices (an identifier
 * truncated) are not shown: SPI's parse of the statement shows them, once.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "common/keywords.h"
#include "miscadmin.h"
#include "parser/gramparse.h"
#include "parser/parser.h"
#include "parser/scanner.h"
#include "utils/elog.h"
#include "utils/guc.h"
#include "utils/memutils.h"

#include "covet_pg.h"

/*
 * Bytes of text lexed at a time (a window grows for a longer statement),
 * and statements taken from one window at most.  Tests may build with
 * smaller ones (-DSCRIPT_WINDOW=64 -DSCRIPT_BATCH=3) to cut every script.
 */
#ifndef SCRIPT_WINDOW
#define SCRIPT_WINDOW	(1024 * 1024)
#endif
#ifndef SCRIPT_BATCH
#define SCRIPT_BATCH	8192
#endif

/*
 * The token every keyword is returned as: the split needs to know only that
 * a word is a keyword, and which (the lexer gives its canonical spelling).
 */
#define SCRIPT_KEYWORD	0x7FFF

#define PG_KEYWORD(kwname, value, category, collabel) SCRIPT_KEYWORD,

static const uint16 script_keyword_tokens[] = {
#include "parser/kwlist.h"
};

#undef PG_KEYWORD

/* One statement: byte offsets into the script. */
typedef struct ScriptSpan
{
	size_t		start;			/* its first token */
	size_t		end;			/* after its ';', or the end of the text */
} ScriptSpan;

struct CovetPgScript
{
	const char *sql;
	size_t		len;
	size_t		pos;			/* where the text not yet split begins */
	size_t		window;			/* bytes to lex next */
	MemoryContext cxt;			/* everything here, deleted by _end */
	MemoryContext windowcxt;	/* one window's copy and lexer, reset */
	ScriptSpan	spans[SCRIPT_BATCH];	/* the current window's statements */
	int			nspans;
	int			next;			/* the next span to hand out */
	size_t		lexed;			/* window bytes up to the last span's end */
	char	   *text;			/* the statement handed out last */
	bool		scs;			/* standard_conforming_strings lexed with */
	int			bq;				/* backslash_quote lexed with */
};

/* psql's view of the statement being lexed. */
typedef struct ScriptTrack
{
	int			first;			/* window offset of its first token, or -1 */
	int			paren_depth;
	int			begin_depth;
	int			nwords;			/* words (keywords, plain identifiers) */
	char		words[4];		/* the first four: 'c'reate, 'o'r,
								 * 'r'eplace, 'f'unction, 'p'rocedure or 0 */
} ScriptTrack;

static void
track_reset(ScriptTrack *t)
{
	memset(t, 0, sizeof(*t));
	t->first = -1;
}

/* Does the statement start CREATE [OR REPLACE] FUNCTION|PROCEDURE? */
static bool
track_is_routine(const ScriptTrack *t)
{
	return t->words[0] == 'c' &&
		(t->words[1] == 'f' || t->words[1] == 'p' ||
		 (t->words[1] == 'o' && t->words[2] == 'r' &&
		  (t->words[3] == 'f' || t->words[3] == 'p')));
}

/* One token that is not a top-level ';': psql's depth bookkeeping. */
static void
track_token(ScriptTrack *t, int tok, const core_YYSTYPE *val, const char *src)
{
	const char *word;

	if (tok == '(')
	{
		t->paren_depth++;
		return;
	}
	if (tok == ')')
	{
		if (t->paren_depth > 0)
			t->paren_depth--;
		return;
	}
	if (tok == SCRIPT_KEYWORD)
		word = val->keyword;
	else if (tok == IDENT && *src != '"')
		word = "";				/* a plain identifier: counts, matches none */
	else
		return;

	if (t->nwords < (int) sizeof(t->words))
	{
		if (strcmp(word, "create") == 0 || strcmp(word, "or") == 0 ||
			strcmp(word, "replace") == 0 || strcmp(word, "function") == 0 ||
			strcmp(word, "procedure") == 0)
			t->words[t->nwords] = word[0];
	}
	t->nwords++;

	if (!track_is_routine(t) || t->paren_depth != 0)
		return;
	if (strcmp(word, "begin") == 0)
		t->begin_depth++;
	else if (strcmp(word, "case") == 0)
	{
		if (t->begin_depth >= 1)
			t->begin_depth++;
	}
	else if (strcmp(word, "end") == 0)
	{
		if (t->begin_depth > 0)
			t->begin_depth--;
	}
}

static void
add_span(CovetPgScript *s, size_t start, size_t end)
{
	s->spans[s->nspans].start = start;
	s->spans[s->nspans].end = end;
	s->nspans++;
}

/*
 * Lex buf (wlen bytes of the script from s->pos, NUL-terminated) and record
 * the statements it ends in s->spans, and in s->lexed how far they reach.
 * final: buf reaches the end of the script.  May raise the lexer's errors.
 */
static void
lex_window(CovetPgScript *s, const char *buf, size_t wlen, bool final)
{
	core_yy_extra_type yyext;
	core_yyscan_t scanner;
	core_YYSTYPE val;
	int			loc;
	ScriptTrack t;

	scanner = scanner_init(buf, &yyext, &ScanKeywords, script_keyword_tokens);
	yyext.escape_string_warning = false;
	s->scs = yyext.standard_conforming_strings;
	s->bq = yyext.backslash_quote;
	track_reset(&t);
	for (;;)
	{
		int			tok = core_yylex(&val, &loc, scanner);

		if (tok == 0)
		{
			if (final)
			{
				if (t.first >= 0)
					add_span(s, s->pos + t.first, s->pos + wlen);
				s->lexed = wlen;
			}
			break;
		}
		if (tok == ';' && t.paren_depth == 0 && t.begin_depth == 0)
		{
			if (t.first >= 0)
				add_span(s, s->pos + t.first, s->pos + loc + 1);
			s->lexed = (size_t) loc + 1;
			track_reset(&t);
			if (s->nspans == SCRIPT_BATCH || (!final && s->lexed > wlen / 2))
				break;
			continue;
		}
		if (t.first < 0)
			t.first = loc;
		track_token(&t, tok, &val, buf + loc);
	}
	scanner_finish(scanner);
}

/*
 * lex_window with the lexer's notices off.  An error is raised only when it
 * is the window's first statement's and the window reaches the end of the
 * script.  Otherwise the statements found before it stand and the error is
 * dropped: it may come from a token cut in two at the window's end, or
 * from a setting that one of those statements changes; either way the text
 * from there is lexed again once they ran.
 */
static void
lex_window_quietly(CovetPgScript *s, const char *buf, size_t wlen, bool final)
{
	int			client_level = client_min_messages;
	int			log_level = log_min_messages;
	uint32		holdoff = InterruptHoldoffCount;
	uint32		cancel_holdoff = QueryCancelHoldoffCount;

	/* the lexer's notices are shown when SPI parses the statement */
	client_min_messages = Max(client_level, ERROR);
	log_min_messages = Max(log_level, ERROR);
	PG_TRY();
	{
		lex_window(s, buf, wlen, final);
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		client_min_messages = client_level;
		log_min_messages = log_level;
		if (final && s->nspans == 0)
			PG_RE_THROW();
		MemoryContextSwitchTo(s->windowcxt);
		edata = CopyErrorData();
		if (edata->sqlerrcode == ERRCODE_OUT_OF_MEMORY)
			PG_RE_THROW();
		FlushErrorState();
		/* ereport(ERROR) zeroed them for a handler that would abort */
		InterruptHoldoffCount = holdoff;
		QueryCancelHoldoffCount = cancel_holdoff;
	}
	PG_END_TRY();
	client_min_messages = client_level;
	log_min_messages = log_level;
}

/*
 * Find the next window's statements.  Returns false at the end of the
 * script.  Errors of the lexer in the window that reaches the end of the
 * text propagate.
 */
static bool
next_window(CovetPgScript *s)
{
	MemoryContext old = MemoryContextSwitchTo(s->windowcxt);

	s->nspans = 0;
	s->next = 0;
	while (s->nspans == 0 && s->pos < s->len)
	{
		size_t		wlen = Min(s->window, s->len - s->pos);
		bool		final = s->pos + wlen == s->len;
		const char *buf;

		MemoryContextReset(s->windowcxt);
		s->lexed = 0;
		if (final)
			buf = s->sql + s->pos;	/* NUL-terminated already */
		else
		{
			char	   *copy = palloc(wlen + 1);

			memcpy(copy, s->sql + s->pos, wlen);
			copy[wlen] = '\0';
			buf = copy;
		}

		lex_window_quietly(s, buf, wlen, final);

		s->pos += s->lexed;
		if (s->lexed == 0)
			s->window = Min(s->window * 2, s->len - s->pos);
	}
	s->window = SCRIPT_WINDOW;
	MemoryContextSwitchTo(old);
	return s->nspans > 0;
}

CovetPgScript *
covet_pg_script_begin(const char *sql, MemoryContext parent)
{
	MemoryContext cxt = AllocSetContextCreate(parent, "covet script",
											  ALLOCSET_DEFAULT_SIZES);
	CovetPgScript *s = MemoryContextAllocZero(cxt, sizeof(CovetPgScript));

	s->sql = sql;
	s->len = strlen(sql);
	s->window = SCRIPT_WINDOW;
	s->cxt = cxt;
	s->windowcxt = AllocSetContextCreate(cxt, "covet script window",
										 ALLOCSET_DEFAULT_SIZES);
	return s;
}

/*
 * The next statement's text (valid until the next call), or NULL when the
 * script is done.
 */
const char *
covet_pg_script_next(CovetPgScript *s)
{
	const ScriptSpan *span;

	if (s->text != NULL)
	{
		pfree(s->text);
		s->text = NULL;
	}
	/* a statement changed how the rest must be lexed: lex it again */
	if (s->next < s->nspans &&
		(s->scs != standard_conforming_strings || s->bq != backslash_quote))
	{
		s->pos = s->spans[s->next].start;
		s->nspans = s->next;
	}
	if (s->next == s->nspans && !next_window(s))
		return NULL;
	span = &s->spans[s->next++];
	s->text = MemoryContextAlloc(s->cxt, span->end - span->start + 1);
	memcpy(s->text, s->sql + span->start, span->end - span->start);
	s->text[span->end - span->start] = '\0';
	return s->text;
}

void
covet_pg_script_end(CovetPgScript *s)
{
	if (s != NULL)
		MemoryContextDelete(s->cxt);
}
