/*-------------------------------------------------------------------------
 *
 * batch_tune.h
 *		The batch-size controller of batch_time_ms (batch_tune.c), and the
 *		per-batch error policy of retries and on_error (batch_errors.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef COVET_BATCH_TUNE_H
#define COVET_BATCH_TUNE_H

#include "covet.h"

#include <stdbool.h>
#include <stdint.h>

#define COVET_TUNE_MIN_ROWS		10
#define COVET_TUNE_MAX_ROWS		1000000

/*
 * State of one run's controller: the target, the bounds, and the cost of
 * a row learnt so far (milliseconds; 0 before the first measured batch),
 * from decayed sums of the batches' durations and sizes.
 */
typedef struct CovetTune
{
	int			target_ms;
	int64_t		min_rows;
	int64_t		max_rows;
	double		ms_per_row;
	double		sum_ms;			/* decayed sums of the batches measured */
	double		sum_rows;
} CovetTune;

extern void covet_tune_init(CovetTune *t, int target_ms, int64_t min_rows,
							int64_t max_rows);

/*
 * The size of the next batch, after a batch of size rows (the batch size
 * it was run with) took elapsed_ms.
 */
extern int64_t covet_tune_next(CovetTune *t, int64_t size, double elapsed_ms);

/*
 * batch_errors.c.  Is an error with this SQLSTATE worth another attempt?
 * retry_wait: count a retry in the runs row, say so, and wait (attempt
 * 1, 2, ...).  error_record: the row key (a JSON key) failed with cause.
 * error_forget: it succeeded since.  errors_count: rows recorded for the
 * run.  errors_refuse: the error of a call that cannot commit per batch.
 */

extern bool covet_batch_error_transient(const char *sqlstate);
extern CovetStatus covet_batch_retry_wait(CovetDriver *d, const char *run_id, int attempt,
								   const CovetError *cause, CovetError *err);
extern CovetStatus covet_batch_error_record(CovetDriver *d, const char *run_id, const char *key,
									 const CovetError *cause, CovetError *err);
extern CovetStatus covet_batch_error_forget(CovetDriver *d, const char *run_id, const char *key,
									 CovetError *err);
extern CovetStatus covet_batch_errors_count(CovetDriver *d, const char *run_id, int64_t *n,
									 CovetError *err);
extern CovetStatus covet_batch_errors_refuse(CovetError *err);

/*
 * batch_health.c: between committed batches, wait while the driver's
 * health_check names a reason; *stop when the run was paused or
 * cancelled meanwhile.
 */
extern CovetStatus covet_batch_health_wait(CovetDriver *d, const char *run_id, bool *stop,
										   CovetError *err);

#endif							/* COVET_BATCH_TUNE_H */
