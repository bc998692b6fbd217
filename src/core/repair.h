/*-------------------------------------------------------------------------
 *
 * repair.h
 *		Repair, baseline, fake, forget (repair.c), the order in which
 *		covet_migrate_down rolls back (repair.c), and the retry of a
 *		migration that timed out waiting for a lock (retry.c).
 *
 * The bindings call the covet_repair_* entry points; runner.c calls
 * covet_down_select and covet_lock_retry.  Each entry point takes the
 * runner lock and runs in the run's transaction, like runner.c's, and
 * returns a report (one line per migration it changed) through *report.
 *
 *-------------------------------------------------------------------------
 */
#ifndef COVET_REPAIR_H
#define COVET_REPAIR_H

#include "covet.h"

/* Mark every migration up to name (plan order) applied: history 'baseline'. */
extern CovetStatus covet_repair_baseline(CovetDriver *d, const char *name,
										 char **report, CovetError *err);

/* Change one migration's state without running SQL: history 'fake'. */
extern CovetStatus covet_repair_mark(CovetDriver *d, const char *name,
									 bool applied, char **report,
									 CovetError *err);

/*
 * Accept the current text of applied migrations whose checksum drifted
 * (name NULL: all of them), and with a name clear that migration's
 * incomplete row: history 'repair'.
 */
extern CovetStatus covet_repair_repair(CovetDriver *d, const char *name,
									   char **report, CovetError *err);

/* Remove a pending definition: history 'forget'. */
extern CovetStatus covet_repair_forget(CovetDriver *d, const char *name,
									   char **report, CovetError *err);

/* One applied migration, as covet_down_select sees it. */
typedef struct CovetDownNode
{
	const char *name;
	const char *const *deps;
	int			ndeps;
} CovetDownNode;

/*
 * Which of the n applied migrations covet_migrate_down rolls back, in
 * order: the latest applied first (history, then applied_at, then name),
 * each only after every applied migration that depends on it.  steps > 0:
 * that many; else target (an index into nodes) stays applied with
 * everything applied before it, and everything applied after it is rolled
 * back.  *todo receives *ntodo indexes into nodes.
 */
extern CovetStatus covet_down_select(CovetDriver *d, const CovetDownNode *nodes,
									 int n, int steps, int target,
									 int **todo, int *ntodo, CovetError *err);

/*
 * The pure part of covet_down_select: seq[i] is node i's place in the
 * order of application (larger = later).  *order receives all n indexes,
 * latest first, dependents before their dependencies.
 */
extern CovetStatus covet_down_order(CovetMem *mem, const CovetDownNode *nodes,
									const int64_t *seq, int n, int **order,
									CovetError *err);

/* retry.c: one attempt at a migration (savepoint, statements, rows). */
typedef CovetStatus (*CovetAttemptFn) (CovetDriver *d, void *arg,
									   CovetError *err);

/*
 * Run attempt under the driver's lock guard; when it fails with a lock
 * timeout (its savepoint already rolled back), write a NOTICE and a history
 * row 'retry' naming the blockers, wait, and try again, up to
 * ddl_lock_retries more times; then fail with the lock timeout, naming the
 * blockers in the detail.
 */
extern CovetStatus covet_lock_retry(CovetDriver *d, const char *name,
									const char *checksum, CovetAttemptFn attempt,
									void *arg, CovetError *err);

/*
 * Milliseconds to wait before retry number attempt (1, 2, ...): 100 ms
 * doubling to a cap of 5 s, times a jitter factor from 0.5 to 1.5 taken
 * from rnd.
 */
extern int	covet_retry_delay_ms(int attempt, uint32_t rnd);

#endif							/* COVET_REPAIR_H */
