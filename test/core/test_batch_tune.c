/*-------------------------------------------------------------------------
 *
 * test_batch_tune.c
 *		The batch-size controller of batch_time_ms against simulated
 *		batches: a fixed cost per batch plus a cost per row, with noise.
 *
 * From a deliberately bad start (100 rows and 1,000,000 rows) every batch
 * from the 20th on must take within 20% of the target, and the size must
 * stay put once there (no oscillation).  The transient SQLSTATEs of
 * retries are listed exactly.
 *
 *-------------------------------------------------------------------------
 */
#include "tap.h"
#include "batch_tune.h"

#include <math.h>
#include <stdint.h>

typedef struct Sim
{
	double		fixed_ms;		/* per batch: the boundary probe, the commit */
	double		row_ms;			/* per row */
	double		noise;			/* +- this fraction, deterministic */
} Sim;

static uint32_t rnd_state = 12345;

static double
sim_ms(const Sim *s, int64_t size)
{
	double		u;

	rnd_state = rnd_state * 1103515245u + 12345u;
	u = (double) ((rnd_state >> 8) & 0xffff) / 65535.0;	/* 0..1 */
	return (s->fixed_ms + s->row_ms * (double) size) * (1.0 + s->noise * (2.0 * u - 1.0));
}

/*
 * Run 60 simulated batches from start; report the first batch from which
 * every later one is within 20% of the target, and how often the size
 * changed after it.
 */
static void
settle(const Sim *s, int target, int64_t start, const char *what)
{
	CovetTune	t;
	int64_t		size = start;
	double		ms[60];
	int64_t		sizes[60];
	int			settled = -1;
	int			changes = 0;
	int			i;

	covet_tune_init(&t, target, COVET_TUNE_MIN_ROWS, COVET_TUNE_MAX_ROWS);
	for (i = 0; i < 60; i++)
	{
		sizes[i] = size;
		ms[i] = sim_ms(s, size);
		size = covet_tune_next(&t, size, ms[i]);
	}
	for (i = 59; i >= 0; i--)
		if (fabs(ms[i] - target) > 0.2 * target)
			break;
	settled = i + 2;			/* 1-based number of the first good batch */
	for (i = settled; i < 60; i++)
		if (sizes[i] != sizes[i - 1])
			changes++;
	ok(settled <= 20, "%s: batches take within 20%% of %d ms from batch %d on (at most 20)",
	   what, target, settled);
	ok(changes <= 10, "%s: the size changed %d times in the %d batches after that (no oscillation)",
	   what, changes, 60 - settled);
	diag("%s: batch 1 %.0f ms (%lld rows), batch 20 %.0f ms (%lld rows), batch 60 %.0f ms (%lld rows)",
		 what, ms[0], (long long) sizes[0], ms[19], (long long) sizes[19],
		 ms[59], (long long) sizes[59]);
}

int
main(void)
{
	Sim			cheap = {2.0, 0.002, 0.05};	/* ~100,000 rows a batch at 200 ms */
	Sim			dear = {5.0, 0.05, 0.10};	/* ~3,900 rows a batch at 200 ms */
	Sim			tiny = {0.5, 0.0004, 0.05};	/* the 1,000,000 bound at 500 ms */
	CovetTune	t;

	plan(19);

	settle(&cheap, 200, 100, "cheap rows from 100");
	settle(&cheap, 200, 1000000, "cheap rows from 1,000,000");
	settle(&dear, 200, 100, "dear rows from 100");
	settle(&dear, 200, 1000000, "dear rows from 1,000,000");
	settle(&dear, 50, 100, "dear rows, target 50 ms, from 100");

	/* bounds */
	covet_tune_init(&t, 500, COVET_TUNE_MIN_ROWS, COVET_TUNE_MAX_ROWS);
	{
		int64_t		size = 100;
		int			i;

		for (i = 0; i < 30; i++)
			size = covet_tune_next(&t, size, sim_ms(&tiny, size));
		is_int(size, COVET_TUNE_MAX_ROWS, "a cost too low for the target stops at the upper bound");
	}
	covet_tune_init(&t, 10, COVET_TUNE_MIN_ROWS, COVET_TUNE_MAX_ROWS);
	is_int(covet_tune_next(&t, 20, 5000.0), COVET_TUNE_MIN_ROWS,
		   "a batch far too slow shrinks to the lower bound, no further");
	covet_tune_init(&t, 100, COVET_TUNE_MIN_ROWS, COVET_TUNE_MAX_ROWS);
	is_int(covet_tune_next(&t, 1000, 0.0), 4000, "a batch too quick to measure grows 4x");
	is_int(covet_tune_next(&t, 1000, 112.0), 1000, "a batch within 15%% of the target keeps its size");
	covet_tune_init(&t, 0, COVET_TUNE_MIN_ROWS, COVET_TUNE_MAX_ROWS);
	is_int(covet_tune_next(&t, 777, 5.0), 777, "no target: the size stays as given");

	/* retries: the transient errors */
	ok(covet_batch_error_transient("40P01"), "a deadlock (40P01) is transient");
	ok(covet_batch_error_transient("40001"), "a serialization failure (40001) is transient");
	ok(covet_batch_error_transient("55P03"), "lock not available (55P03, SQLite's busy) is transient");
	ok(!covet_batch_error_transient("23505") && !covet_batch_error_transient("P0001") &&
	   !covet_batch_error_transient("") && !covet_batch_error_transient(NULL),
	   "a unique violation, a raised exception, no SQLSTATE are not");

	return done_testing();
}
