/*-------------------------------------------------------------------------
 *
 * test_stmtsplit.c
 *		The statement splitter and its transaction classification
 *		(stmtsplit.c): which migrations must run outside a transaction, and
 *		what the NOTICE says, per engine.  Strings, comments, dollar quotes,
 *		BEGIN ATOMIC bodies and SQLite trigger bodies never count.
 *
 *-------------------------------------------------------------------------
 */
#include "tap.h"

#include <stdio.h>
#include <string.h>

#define PG COVET_ENGINE_POSTGRES
#define SQ COVET_ENGINE_SQLITE

/* why NULL: runs in a transaction. */
static void
needs(CovetEngine engine, const char *up, const char *down, const char *why,
	  const char *name)
{
	char		got[256];
	bool		yes = covet_stmt_needs_toplevel(engine, up, down, got, sizeof(got));

	is_str(yes ? got : NULL, why, "%s: %s", engine == PG ? "pg" : "sqlite", name);
}

/* The kinds of each statement, as a string of letters: o b c r n. */
static void
kinds(CovetEngine engine, const char *sql, const char *want, const char *name)
{
	CovetStmtSplit s;
	CovetStmtInfo info;
	char		got[64];
	int			n = 0;

	covet_stmt_split_begin(&s, engine, sql);
	while (n < 60 && covet_stmt_split_next(&s, &info))
		got[n++] = "obcrn"[info.kind];
	got[n] = '\0';
	is_str(got, want, "%s: %s", engine == PG ? "pg" : "sqlite", name);
}

int
main(void)
{
	CovetStmtSplit s;
	CovetStmtInfo info;
	char		msg[512];
	bool		atomic;

	/* statements and their text */
	covet_stmt_split_begin(&s, PG, "  CREATE TABLE t (a int);;\n-- x\n VACUUM t ;  ");
	ok(covet_stmt_split_next(&s, &info), "pg: first statement");
	ok(info.start != NULL && strncmp(info.start, "CREATE TABLE", 12) == 0, "pg: start at the first token");
	is_int((long long) info.len, (long long) strlen("CREATE TABLE t (a int);"), "pg: first length with its ;");
	is_int(info.number, 1, "pg: first number");
	ok(covet_stmt_split_next(&s, &info) && info.number == 2 && info.kind == COVET_STMT_NO_BLOCK &&
	   strncmp(info.start, "VACUUM t ;", info.len) == 0 && info.len == 10,
	   "pg: empty statement skipped, second is VACUUM with its ;");
	ok(!covet_stmt_split_next(&s, &info), "pg: nothing after");
	covet_stmt_split_begin(&s, SQ, "SELECT 1");
	ok(covet_stmt_split_next(&s, &info) && info.len == 8, "sqlite: last statement without ;");
	covet_stmt_split_begin(&s, PG, "SELECT 'open;");
	ok(covet_stmt_split_next(&s, &info) && info.len == 13 && !covet_stmt_split_next(&s, &info),
	   "pg: unterminated string: one statement to the end");

	/* transaction control */
	kinds(PG, "BEGIN; INSERT INTO t VALUES (1); COMMIT;", "boc", "begin insert commit");
	kinds(PG, "start transaction isolation level serializable; end;", "bc", "start transaction, end");
	kinds(PG, "BEGIN; SAVEPOINT a; ROLLBACK TO a; ROLLBACK TRANSACTION TO SAVEPOINT a; ROLLBACK; ABORT;",
		  "booorr", "rollback to is not a rollback");
	kinds(SQ, "BEGIN IMMEDIATE; END TRANSACTION; begin deferred transaction; rollback",
		  "bcbr", "sqlite transaction words");
	kinds(PG, "SELECT 'BEGIN; COMMIT'; /* BEGIN; */ -- COMMIT;\nSELECT $$ BEGIN; $$; SELECT $f$;COMMIT;$f$",
		  "ooo", "strings, comments, dollar quotes");
	kinds(PG, "SELECT E'\\';COMMIT'; SELECT 1", "oo", "E'' escapes");
	kinds(PG, "/* a /* nested */ COMMIT; */ SELECT 1", "o", "pg nested comment");
	kinds(SQ, "/* a /* flat */ COMMIT; SELECT [x;COMMIT], `y;COMMIT`", "co", "sqlite flat comment and quotes");
	kinds(PG, "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT CASE WHEN true THEN 2 END; END; COMMIT;",
		  "oc", "BEGIN ATOMIC body");
	kinds(PG, "CREATE OR REPLACE PROCEDURE p() LANGUAGE sql BEGIN ATOMIC INSERT INTO t VALUES (1); END; BEGIN;",
		  "ob", "procedure body");
	kinds(PG, "CREATE RULE r AS ON INSERT TO t DO ALSO (NOTIFY a; NOTIFY b); COMMIT",
		  "oc", "rule action list in parentheses");
	kinds(SQ, "CREATE TRIGGER tr AFTER INSERT ON t BEGIN INSERT INTO u VALUES (1); UPDATE u SET a = CASE WHEN 1 THEN 2 END; END; COMMIT;",
		  "oc", "trigger body");
	kinds(SQ, "CREATE TEMP TRIGGER tr AFTER INSERT ON t BEGIN DELETE FROM u; END; BEGIN",
		  "ob", "temp trigger body");
	kinds(PG, "SELECT CASE WHEN true THEN 1 END; END", "oc", "CASE ... END outside a body");

	/* statements that refuse a block */
	needs(PG, "CREATE TABLE t (a int);\nCREATE INDEX CONCURRENTLY t_a ON t (a);", NULL,
		  "it holds CREATE INDEX CONCURRENTLY at statement 2", "create index concurrently");
	needs(PG, "create unique index concurrently if not exists i on t (a)", NULL,
		  "it holds CREATE INDEX CONCURRENTLY at statement 1", "unique, lower case");
	needs(PG, "CREATE TABLE t (a int)", "DROP INDEX CONCURRENTLY i",
		  "it holds DROP INDEX CONCURRENTLY at statement 1 of its down section", "down section");
	needs(PG, "REINDEX (VERBOSE) INDEX CONCURRENTLY i", NULL,
		  "it holds REINDEX CONCURRENTLY at statement 1", "reindex concurrently");
	needs(PG, "REINDEX SCHEMA app", NULL,
		  "it holds REINDEX SCHEMA, DATABASE or SYSTEM at statement 1", "reindex schema");
	needs(PG, "REINDEX TABLE t", NULL, NULL, "reindex table runs in a transaction");
	needs(PG, "VACUUM (ANALYZE) t", NULL, "it holds VACUUM at statement 1", "vacuum");
	needs(PG, "ALTER TYPE mood ADD VALUE 'meh' AFTER 'ok'", NULL,
		  "it holds ALTER TYPE ... ADD VALUE at statement 1", "add value");
	needs(PG, "ALTER TYPE \"app\".mood ADD VALUE IF NOT EXISTS 'meh'", NULL,
		  "it holds ALTER TYPE ... ADD VALUE at statement 1", "add value if not exists");
	needs(PG, "ALTER TYPE t ADD ATTRIBUTE value int", NULL, NULL, "add attribute value");
	needs(PG, "ALTER TABLE p DETACH PARTITION c CONCURRENTLY", NULL,
		  "it holds ALTER TABLE ... DETACH PARTITION CONCURRENTLY at statement 1", "detach concurrently");
	needs(PG, "ALTER SYSTEM SET work_mem = '8MB'", NULL, "it holds ALTER SYSTEM at statement 1", "alter system");
	needs(PG, "CREATE DATABASE x", NULL, "it holds CREATE DATABASE at statement 1", "create database");
	needs(PG, "REFRESH MATERIALIZED VIEW CONCURRENTLY v", NULL, NULL, "refresh concurrently is transactional");
	needs(PG, "SELECT 'CREATE INDEX CONCURRENTLY i ON t (a)'", NULL, NULL, "in a string");
	needs(PG, "CREATE INDEX \"concurrently\" ON t (a)", NULL, NULL, "quoted identifier");
	needs(PG, "DO $$ BEGIN COMMIT; END $$", NULL, NULL, "DO body");
	needs(PG, "BEGIN;\nCREATE TABLE t (a int);\nCOMMIT;", NULL,
		  "it holds its own transaction control (BEGIN at statement 1)", "own BEGIN");
	needs(PG, "BEGIN; CREATE TABLE t (a int); COMMIT; CREATE INDEX CONCURRENTLY i ON t (a);", NULL,
		  "it holds CREATE INDEX CONCURRENTLY at statement 4", "the statement that refuses a block is named first");
	needs(SQ, "PRAGMA foreign_keys=OFF;\nBEGIN;\nCREATE TABLE t2 (a);\nCOMMIT;\nPRAGMA foreign_keys=ON;", NULL,
		  "it holds PRAGMA foreign_keys at statement 1", "sqlite pragma foreign_keys");
	needs(SQ, "PRAGMA main.foreign_keys = 0", NULL,
		  "it holds PRAGMA foreign_keys at statement 1", "sqlite pragma with schema");
	needs(SQ, "VACUUM", NULL, "it holds VACUUM at statement 1", "sqlite vacuum");
	needs(SQ, "ATTACH 'a.db' AS a;\nCREATE TABLE a.t (x);", NULL, "it holds ATTACH at statement 1", "sqlite attach");
	needs(SQ, "CREATE TABLE t (x);\nDETACH a;", NULL, "it holds DETACH at statement 2", "sqlite detach");
	needs(SQ, "PRAGMA main.journal_mode = WAL;", NULL, "it holds PRAGMA journal_mode at statement 1", "sqlite journal_mode");
	needs(SQ, "PRAGMA cache_size = 10;", NULL, NULL, "sqlite other pragma");
	needs(SQ, "PRAGMA user_version = 3", NULL, NULL, "other pragmas are transactional");
	needs(SQ, "CREATE INDEX CONCURRENTLY i ON t (a)", NULL, NULL, "sqlite has no concurrently");
	needs(SQ, "COMMIT", NULL, "it holds its own transaction control (COMMIT at statement 1)", "sqlite commit");

	/* detection at definition */
	atomic = true;
	covet_toplevel_detect(PG, "0002_idx", "CREATE INDEX CONCURRENTLY i ON t (a)", NULL,
						  &atomic, msg, sizeof(msg));
	ok(!atomic, "detect: atomic cleared");
	is_str(msg, "migration 0002_idx runs outside a transaction: it holds CREATE INDEX CONCURRENTLY at statement 1",
		   "detect: notice");
	atomic = false;
	covet_toplevel_detect(PG, "0002_idx", "CREATE INDEX CONCURRENTLY i ON t (a)", NULL,
						  &atomic, msg, sizeof(msg));
	is_str(msg, "", "detect: no notice with the marker");
	atomic = true;
	covet_toplevel_detect(PG, "0001", "CREATE TABLE t (a int)", NULL, &atomic, msg, sizeof(msg));
	ok(atomic && msg[0] == '\0', "detect: an ordinary migration stays atomic");
	return done_testing();
}
