/*-------------------------------------------------------------------------
 *
 * sqltok.h
 *		Internal: the core's reading of one SQL token as each engine's
 *		tokenizer reads it (sqlfrag.c), shared by the fragment check and the
 *		statement splitter (stmtsplit.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef COVET_SQLTOK_H
#define COVET_SQLTOK_H

#include "covet.h"

typedef enum TokKind
{
	TOK_END,					/* end of the text */
	TOK_SPACE,					/* white space or a comment */
	TOK_LP,
	TOK_RP,
	TOK_SEMI,
	TOK_COMMA,
	TOK_PARAM,					/* a bound parameter */
	TOK_WORD,					/* identifier, keyword, number, string */
	TOK_OTHER,					/* anything else, one byte */
	TOK_BAD						/* *problem says what */
} TokKind;

/*
 * The token at p (not past the end of the text): its kind, and in *next
 * where the next one starts.  TOK_BAD: an unterminated string, quoted
 * identifier, dollar quote or comment (*problem says which).
 */
extern TokKind covet_sql_scan_token(CovetEngine engine, const char *p,
									const char **next, const char **problem);

#endif							/* COVET_SQLTOK_H */
