/*-------------------------------------------------------------------------
 *
 * batch_tune.c
 *		batch_time_ms: the batch size follows a target batch duration.
 *
 * After each batch the run hands the controller the batch size it used
 * and how long the batch took (its statements, its checkpoint and its
 * commit; not the throttle's sleeps).  The controller keeps a moving
 * average of the cost of one row and aims the next batch at the target:
 *
 *		next = target / ms_per_row
 *
 * bounded so that it never grows more than 4x nor shrinks more than 8x
 * in one step (a batch far too long is shrunk quickly: it holds locks
 * and delays replication), and kept in [min_rows, max_rows].  A batch
 * within 15% of the target leaves the size alone, so measurement noise
 * does not make the size wander.  A batch too quick for the clock to see
 * (0 ms) grows 4x.
 *
 * The cost of a row is the decayed sum of the batches' durations over the
 * decayed sum of their sizes (each older batch weighs 0.7 of the next), so
 * a large batch counts for more than a small one whose time was mostly
 * fixed costs, and the newest batches count most, which follows a cost that
 * changes along the table (cold pages, wider rows) within a few batches
 * and damps the swings of single batches.  Fixed costs per batch (the
 * boundary probe, the commit) make the cost per row of a small batch look
 * high; the size then grows less than the ratio says, and the next
 * measurements correct it: the size approaches the target from below
 * without oscillating.
 *
 * Pure code: no driver, no clock; test/core/test_batch_tune.c simulates
 * batches.
 *
 *-------------------------------------------------------------------------
 */
#include "batch_tune.h"


#define TUNE_MAX_GROW	4.0
#define TUNE_MAX_SHRINK	8.0
#define TUNE_DEADBAND	0.15
#define TUNE_DECAY		0.7

void
covet_tune_init(CovetTune *t, int target_ms, int64_t min_rows, int64_t max_rows)
{
	t->target_ms = target_ms;
	t->min_rows = min_rows > 0 ? min_rows : 1;
	t->max_rows = max_rows >= t->min_rows ? max_rows : t->min_rows;
	t->ms_per_row = 0.0;
	t->sum_ms = 0.0;
	t->sum_rows = 0.0;
}

static int64_t
clamp_rows(const CovetTune *t, double want)
{
	if (!(want >= (double) t->min_rows))
		return t->min_rows;
	if (want >= (double) t->max_rows)
		return t->max_rows;
	return (int64_t) (want + 0.5);
}

int64_t
covet_tune_next(CovetTune *t, int64_t size, double elapsed_ms)
{
	double		target = (double) t->target_ms;
	double		want;

	if (t->target_ms <= 0 || size <= 0)
		return size;
	if (!(elapsed_ms > 0.0))
		return clamp_rows(t, (double) size * TUNE_MAX_GROW);
	t->sum_ms = TUNE_DECAY * t->sum_ms + elapsed_ms;
	t->sum_rows = TUNE_DECAY * t->sum_rows + (double) size;
	t->ms_per_row = t->sum_ms / t->sum_rows;
	if (elapsed_ms >= target * (1.0 - TUNE_DEADBAND) &&
		elapsed_ms <= target * (1.0 + TUNE_DEADBAND))
		return clamp_rows(t, (double) size);
	want = target / t->ms_per_row;
	if (want > (double) size * TUNE_MAX_GROW)
		want = (double) size * TUNE_MAX_GROW;
	if (want < (double) size / TUNE_MAX_SHRINK)
		want = (double) size / TUNE_MAX_SHRINK;
	return clamp_rows(t, want);
}

