/*-------------------------------------------------------------------------
 *
 * batch_parts.h
 *		Parallel runs (batch_parts.c): a parent run split into part runs over
 *		disjoint key ranges.  Internal to the core and the PostgreSQL
 *		binding, which launches a worker per part.
 *
 *-------------------------------------------------------------------------
 */
#ifndef COVET_BATCH_PARTS_H
#define COVET_BATCH_PARTS_H

#include "covet.h"

/* At most this many parts (workers) per run. */
#define COVET_MAX_WORKERS 64

/* batch.c: "k1", "k2" with a prefix and a suffix on each */
extern void covet_batch_key_list(CovetBuf *b, const CovetTableInfo *t, const char *prefix,
								 const char *suffix);
/* batch.c: ({n}, {n+1}, ...) cast to the key types where the engine needs it */
extern void covet_batch_key_params(CovetBuf *b, const CovetDialect *dl,
								   const CovetTableInfo *t, int first_param);
/* batch.c: a key as a JSON array of strings (["42"], ["eu","7"]). */
extern CovetStatus covet_batch_key_encode(CovetMem *mem, char *const *values, int n,
										  char **out, CovetError *err);
extern CovetStatus covet_batch_key_decode(CovetMem *mem, const char *text, int n,
										  char ***values, CovetError *err);

/*
 * Split the new run parent_id (its row written, state pending, its undo
 * table made) into at most workers parts: split keys sampled from the table
 * (keys up to upper), one part run per range, each copying the parent's
 * statements and undo table.  *nparts: how many were made (fewer than
 * workers on a table with fewer sampled keys).
 */
extern CovetStatus covet_batch_parts_create(CovetDriver *d, int64_t parent_id,
											const CovetTableInfo *t,
											char *const *upper, int64_t rows_total,
											int workers, int *nparts,
											CovetError *err);

/* The parent's counters and state, from its parts; commits nothing. */
extern CovetStatus covet_batch_parts_sync(CovetDriver *d, int64_t parent_id,
										  CovetError *err);

/* Pause or cancel every unfinished part along with the parent. */
extern CovetStatus covet_batch_parts_set_state(CovetDriver *d, int64_t parent_id,
											   CovetRunState state, CovetError *err);

/* Carry out the parent's unfinished parts one after another, in this call. */
extern CovetStatus covet_batch_parts_resume(CovetDriver *d, int64_t parent_id,
											int progress_ms, CovetError *err);

/*
 * Before the parent is undone: the run lock of every part (the driver's
 * run_lock), so that no worker is still carrying one out.
 */
extern CovetStatus covet_batch_parts_lock(CovetDriver *d, int64_t parent_id,
										  CovetError *err);

/* After the parent was undone: its parts are rolled back too. */
extern CovetStatus covet_batch_parts_undone(CovetDriver *d, int64_t parent_id,
											CovetError *err);

/*
 * The SQL that applies a parent's reverse SET list to what each part
 * reached: "UPDATE t SET <reverse> WHERE (range of part 1 or ...)", with
 * its parameters (allocated strings, *nparams of them).
 */
extern CovetStatus covet_batch_parts_reverse(CovetDriver *d, int64_t parent_id,
											 const CovetTableInfo *t,
											 const char *reverse_set,
											 const char *where_sql, char **sql,
											 char ***params, int *nparams,
											 CovetError *err);

#endif							/* COVET_BATCH_PARTS_H */
