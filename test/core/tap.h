/*-------------------------------------------------------------------------
 *
 * tap.h
 *		A tiny TAP producer for covet's core unit tests, and a test
 *		allocator that can be told to fail.
 *
 * Tests call plan(n) (or nothing, and done_testing() prints the plan),
 * then ok/is_int/is_str, and return done_testing() from main: its value is
 * nonzero if any test failed or the plan was not met.
 *
 * tap_mem() is a CovetMem over malloc that counts live allocations, so a
 * test can assert that the core freed everything on a path, and can be told
 * to fail every allocation after the next n (tap_mem_fail_after(n); -1 means
 * never), so a test can walk every allocation failure of a call.
 *
 *-------------------------------------------------------------------------
 */
#ifndef COVET_TAP_H
#define COVET_TAP_H

#include <stdbool.h>

#include "covet.h"

extern void plan(int n);
extern bool ok(bool cond, const char *fmt,...)
			__attribute__((format(printf, 2, 3)));
extern bool is_int(long long got, long long expected, const char *fmt,...)
			__attribute__((format(printf, 3, 4)));
/* NULL is allowed on either side and equals only NULL. */
extern bool is_str(const char *got, const char *expected, const char *fmt,...)
			__attribute__((format(printf, 3, 4)));
extern void diag(const char *fmt,...)
			__attribute__((format(printf, 1, 2)));
extern int	done_testing(void);

/* The test allocator. */
extern CovetMem *tap_mem(void);
extern void tap_mem_fail_after(long n);
/* Allocations made (successful or not) since the last tap_mem_fail_after. */
extern long tap_mem_allocs(void);
/* Allocations not yet freed. */
extern long tap_mem_live(void);

#endif							/* COVET_TAP_H */
