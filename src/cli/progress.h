/*-------------------------------------------------------------------------
 *
 * progress.h
 *	  The `covet` command: what progress.c exports beyond cli.h (the pure
 *	  formatting behind the display, for its unit tests, and the interval
 *	  between two draws).
 *
 * src/cli/progress.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef COVET_CLI_PROGRESS_H
#define COVET_CLI_PROGRESS_H

#include "cli.h"

/* The minimum time between two draws; the end always draws. */
extern void cli_progress_set_interval(CliProgress *p, int ms);

/* A count with a k/M/G/T suffix: 950, 12.3k, 1.2M; "-" when negative. */
extern void cli_fmt_count(char *buf, size_t n, double v);
/* Seconds as h:mm:ss; "-:--:--" when unknown (negative). */
extern void cli_fmt_eta(char *buf, size_t n, double secs);
/* Unix seconds as ISO 8601 UTC: 2026-12-07T22:10:05Z. */
extern void cli_fmt_time(char *buf, size_t n, long long t);
/* 0..100 (100 only when done == total); -1 when the total is unknown. */
extern int	cli_progress_percent(const CliRunSnap *s);
/* The terminal line (no "\r"), at most width - 1 characters. */
extern void cli_fmt_bar_line(char *buf, size_t n, const char *label,
							 const CliRunSnap *s, int width, int spin);
/* A LINES-mode line without its timestamp; final: the end's wording. */
extern void cli_fmt_status_line(char *buf, size_t n, const char *label,
								const CliRunSnap *s, int final, bool ok);
/* One JSON object, the fields of CliRunSnap plus "time" and "label". */
extern void cli_fmt_json(char *buf, size_t n, const char *label,
						 const CliRunSnap *s, long long t);

#endif							/* COVET_CLI_PROGRESS_H */
