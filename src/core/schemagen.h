/*-------------------------------------------------------------------------
 *
 * schemagen.h
 *		Migrations generated from a schema diff (covet_makemigration,
 *		makemig.c) and history squashed into one migration (covet_squash,
 *		squash.c).  Internal API for the two bindings.
 *
 * Both build on covet_diff (diff.h) and define what they make through the
 * runner's definition store (formats.h), inside the runner's frame (the
 * lock, one transaction), so checksums, dependencies and history are as
 * for covet_define.
 *
 *-------------------------------------------------------------------------
 */
#ifndef COVET_SCHEMAGEN_H
#define COVET_SCHEMAGEN_H

#include "diff.h"

/*
 * covet_makemigration(name, source, target, renames, allow_data_loss,
 * directory).  diff: as covet_diff's binding fills it (source, target,
 * renames, the scratch schema of an SQL target).  directory (SQLite; NULL:
 * none): write NAME.sql (and NAME_2.sql, ...) there through the driver's
 * write_file, refusing to overwrite.  *text: the migration files' text,
 * or NULL when the diff is empty (nothing defined; a NOTICE says so).
 */
typedef struct CovetMakeMigration
{
	const char *name;
	CovetDiffArgs diff;
	bool		allow_data_loss;
	const char *directory;
} CovetMakeMigration;

extern CovetStatus covet_makemigration_run(CovetDriver *d,
										   const CovetMakeMigration *args,
										   char **text, CovetError *err);

/*
 * covet_squash(first, last, name, elide, renames, allow_data_loss).  The
 * migrations are applied in a scratch place: scratch is the driver that
 * runs them (SQLite: a driver over a new in-memory connection, schema
 * "main"; PostgreSQL: d itself, inside a savepoint that is rolled back,
 * after scratch_setup has made a schema and set search_path to it).
 */
typedef struct CovetSquash
{
	const char *first;
	const char *last;
	const char *name;
	const char *elide;			/* data migrations to leave out, by name
								 * (commas or spaces), "*": all; NULL none */
	const char *renames;		/* JSON, as covet_diff's */
	bool		allow_data_loss;
	CovetDriver *scratch;
	const char *scratch_schema;
	const char *const *scratch_setup;	/* NULL-terminated, or NULL */
	bool		scratch_savepoint;	/* scratch is d: roll back after */
	const char *home_schema;	/* PostgreSQL: the caller's current schema,
								 * whose qualification (as makemigration
								 * writes it) is stripped in the scratch
								 * place; NULL: none */
} CovetSquash;

extern CovetStatus covet_squash_run(CovetDriver *d, const CovetSquash *args,
									char **text, CovetError *err);

/* makemig.c, shared with squash.c */

/* One generated migration (a part of a makemigration, or a squash). */
typedef struct CovetGenPart
{
	char	   *name;
	CovetBuf	up;
	CovetBuf	down;
	bool		irreversible;	/* a step without a reverse: no down */
	bool		atomic;
	char	  **deps;
	int			ndeps;
	const char *kind;
} CovetGenPart;

/* The migration file text of a part (-- covet:depends ... -- covet:down). */
extern void covet_gen_file_text(const CovetGenPart *p, const char *comment,
								CovetBuf *out);

/* Append one statement, ending it with ";" and a newline. */
extern void covet_gen_append_stmt(CovetBuf *buf, const char *stmt);

/* Define a part through the definition store (the run is open). */
extern CovetStatus covet_gen_define(CovetDriver *d, const CovetGenPart *p,
									CovetError *err);

/*
 * The rename candidates of a diff as the renames JSON that accepts them
 * ({"t.old": "new"}), into out; the number of candidates.
 */
extern int	covet_gen_candidates(const CovetDiff *diff, CovetBuf *json,
								 CovetBuf *list);

#endif							/* COVET_SCHEMAGEN_H */
