/*-------------------------------------------------------------------------
 *
 * diff.h
 *		covet_diff: the statements that turn one schema into another, in
 *		dependency order, each with its reverse and its hazards.
 *
 * The diff compares two catalogs (catalog.h).  Its steps, in order: views
 * and triggers that go or change are dropped first (views over views in
 * reverse dependency order); enums, sequences and functions are created;
 * tables are created (foreign keys after all of them); tables are altered
 * (additions before drops); foreign keys and checks are added NOT VALID and
 * then validated; tables, sequences, functions and enums go; views (in
 * dependency order), triggers and comments are created.  Reversing the
 * list and taking each step's reverse turns the target back into the
 * source.
 *
 * Hazards are words from a fixed set, joined by ", ":
 *   deletes data, rewrites table, access exclusive lock, builds index,
 *   scans table, non-transactional, rebuild, rename candidate, not covered,
 *   commit before use
 * "non-transactional" marks a statement that must run outside a
 * transaction block (CREATE INDEX CONCURRENTLY; on SQLite the PRAGMA
 * foreign_keys steps of a rebuild): covet_makemigration puts those in a
 * migration of their own.
 *
 *-------------------------------------------------------------------------
 */
#ifndef COVET_DIFF_H
#define COVET_DIFF_H

#include "catalog.h"

#define COVET_HZ_DELETES_DATA		0x001
#define COVET_HZ_REWRITES_TABLE		0x002
#define COVET_HZ_EXCLUSIVE_LOCK		0x004
#define COVET_HZ_BUILDS_INDEX		0x008
#define COVET_HZ_SCANS_TABLE		0x010
#define COVET_HZ_NON_TRANSACTIONAL	0x020
#define COVET_HZ_REBUILD			0x040
#define COVET_HZ_RENAME_CANDIDATE	0x080
#define COVET_HZ_NOT_COVERED		0x100
#define COVET_HZ_COMMIT_BEFORE_USE	0x200

typedef struct CovetDiffStep
{
	int			ordinal;		/* 1-based */
	char	   *statement;		/* NULL: nothing to run (not covered) */
	char	   *reverse;		/* NULL: no statement undoes it */
	char	   *object;			/* "table users", "column users.email" */
	int			hazards;		/* COVET_HZ_* */
	char	   *note;			/* "rename candidate: users.user_name" */
} CovetDiffStep;

typedef struct CovetDiff
{
	CovetArena	arena;
	int			nsteps;
	CovetDiffStep *steps;
	bool		transactional;	/* false: a step is non-transactional */
} CovetDiff;

/* One accepted rename: "users.username" -> "user_name", "old" -> "new". */
typedef struct CovetRename
{
	char	   *table;			/* the source table */
	char	   *column;			/* NULL: the table itself is renamed */
	char	   *to;				/* the new name (table or column) */
} CovetRename;

/*
 * Parse the renames argument: a JSON object {"table.column": "new",
 * "table": "new"}; NULL or "" is none.  Bad JSON or a value that is not a
 * string: COVET_ERR_INVALID, "invalid renames argument", DETAIL saying
 * what is wrong.
 */
extern CovetStatus covet_diff_renames_parse(CovetMem *mem, const char *json,
											CovetRename **out, int *n,
											CovetError *err);

/* Compare two catalogs of one engine; the statements change source's schema. */
extern CovetStatus covet_diff_catalogs(CovetMem *mem, const CovetCatalog *source,
									   const CovetCatalog *target,
									   const CovetRename *renames, int nrenames,
									   CovetDiff **out, CovetError *err);
extern void covet_diff_free(CovetMem *mem, CovetDiff *diff);

/* The hazards as text ("deletes data, rewrites table"), into out. */
extern void covet_diff_hazards_text(int hazards, const char *note,
									CovetBuf *out);

/*
 * covet_diff(source, target, renames): read both schemas and compare.
 * target_is_sql: target is SQL text, built in a scratch schema (PostgreSQL:
 * covet_diff_<pid>, dropped after; SQLite: an in-memory database of its
 * own) through the driver's exec_script.  Result columns as
 * covet_diff_columns.
 */
#define COVET_DIFF_NCOLS 5
extern const CovetColumn covet_diff_columns[COVET_DIFF_NCOLS];

typedef struct CovetDiffArgs
{
	const char *source;
	const char *target;
	bool		target_is_sql;
	const char *renames;
	/*
	 * SQL text targets.  target_driver non-NULL: the text runs there, in a
	 * database of its own, and its schema "main" is read (SQLite: a second,
	 * in-memory connection; an attached database could not be detached
	 * while the caller's SELECT runs).  Otherwise the scratch schema is
	 * made with scratch_create, read, and removed with scratch_drop.
	 */
	CovetDriver *target_driver;
	const char *scratch_create;
	const char *scratch_drop;
	const char *scratch_name;
} CovetDiffArgs;

extern CovetStatus covet_diff_run(CovetDriver *d, const CovetDiffArgs *args,
								  CovetResult *out, CovetError *err);

/*
 * Rename scoring: sample (covet_catalog_sample) each table of a that b
 * lacks or that loses a column in b.
 */
extern CovetStatus covet_diff_sample_unmatched(CovetDriver *d, CovetCatalog *a,
											   const CovetCatalog *b, CovetError *err);

#endif							/* COVET_DIFF_H */
