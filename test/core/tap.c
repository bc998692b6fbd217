/*-------------------------------------------------------------------------
 *
 * tap.c
 *		A tiny TAP producer and a failing allocator for the core's tests.
 *
 * Test programs are single-threaded; the state here is global on purpose
 * (this is test code, not the core).  Failure diagnostics go to stdout as
 * "# " lines, which TAP consumers show with the failing test.
 *
 *-------------------------------------------------------------------------
 */
#include "tap.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int	tap_planned = -1;
static int	tap_run = 0;
static int	tap_failed = 0;

static long mem_fail_after = -1;
static long mem_allocs = 0;
static long mem_live = 0;

void
plan(int n)
{
	tap_planned = n;
	printf("1..%d\n", n);
	fflush(stdout);
}

static bool
report(bool cond, const char *fmt, va_list ap)
{
	tap_run++;
	if (!cond)
		tap_failed++;
	printf("%s %d - ", cond ? "ok" : "not ok", tap_run);
	vprintf(fmt, ap);
	printf("\n");
	fflush(stdout);
	return cond;
}

bool
ok(bool cond, const char *fmt,...)
{
	va_list		ap;
	bool		r;

	va_start(ap, fmt);
	r = report(cond, fmt, ap);
	va_end(ap);
	return r;
}

bool
is_int(long long got, long long expected, const char *fmt,...)
{
	va_list		ap;
	bool		r;

	va_start(ap, fmt);
	r = report(got == expected, fmt, ap);
	va_end(ap);
	if (!r)
	{
		printf("#          got: %lld\n", got);
		printf("#     expected: %lld\n", expected);
	}
	return r;
}

bool
is_str(const char *got, const char *expected, const char *fmt,...)
{
	va_list		ap;
	bool		r;
	bool		same;

	if (got == NULL || expected == NULL)
		same = (got == expected);
	else
		same = (strcmp(got, expected) == 0);
	va_start(ap, fmt);
	r = report(same, fmt, ap);
	va_end(ap);
	if (!r)
	{
		if (got)
			printf("#          got: \"%s\"\n", got);
		else
			printf("#          got: NULL\n");
		if (expected)
			printf("#     expected: \"%s\"\n", expected);
		else
			printf("#     expected: NULL\n");
	}
	return r;
}

void
diag(const char *fmt,...)
{
	va_list		ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

int
done_testing(void)
{
	if (tap_planned < 0)
	{
		printf("1..%d\n", tap_run);
		tap_planned = tap_run;
	}
	else if (tap_planned != tap_run)
		printf("# planned %d tests but ran %d\n", tap_planned, tap_run);
	if (tap_failed > 0)
		printf("# failed %d of %d tests\n", tap_failed, tap_run);
	fflush(stdout);
	return (tap_failed > 0 || tap_planned != tap_run) ? 1 : 0;
}

static void *
tap_alloc(void *ctx, size_t size)
{
	void	   *p;

	(void) ctx;
	mem_allocs++;
	if (mem_fail_after >= 0 && mem_allocs > mem_fail_after)
		return NULL;
	p = malloc(size);
	if (p != NULL)
		mem_live++;
	return p;
}

static void
tap_free(void *ctx, void *ptr)
{
	(void) ctx;
	if (ptr == NULL)
		return;
	mem_live--;
	free(ptr);
}

static CovetMem tap_mem_struct = {NULL, tap_alloc, tap_free};

CovetMem *
tap_mem(void)
{
	return &tap_mem_struct;
}

void
tap_mem_fail_after(long n)
{
	mem_fail_after = n;
	mem_allocs = 0;
}

long
tap_mem_allocs(void)
{
	return mem_allocs;
}

long
tap_mem_live(void)
{
	return mem_live;
}
