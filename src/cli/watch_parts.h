/*-------------------------------------------------------------------------
 *
 * watch_parts.h
 *	  The parts of a parallel run (workers => N) under its total, for the
 *	  watcher (watch.c, watch_parts.c).
 *
 * A command that watches a run over a connection of its own hands that
 * connection to the watcher once it is started:
 *
 *		watch = cli_watch_start(prog, run_snap, &w, 250);
 *		cli_watch_parts(watch, cli_parts_read, w.db, stderr);
 *
 * and the watcher then counts the run's parts (CliRunSnap.parts) with each
 * reading, and prints a line per part under the total: every few seconds
 * when out is no terminal (a terminal keeps its one bar), and once at the
 * end.
 *
 * src/cli/watch_parts.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef COVET_CLI_WATCH_PARTS_H
#define COVET_CLI_WATCH_PARTS_H

#include <stdio.h>

#include "cli.h"

#define CLI_MAX_PARTS 64

/*
 * Read the parts of run parent (at most max) into parts; their number, 0
 * for none.  watch.c knows no database: it calls this through a pointer.
 */
typedef int (*CliPartsFn) (void *ctx, long long parent, CliRunSnap *parts, int max);

/* A CliPartsFn over a CliDb (watch_parts.c); ctx is the CliDb. */
extern int	cli_parts_read(void *db, long long parent, CliRunSnap *parts, int max);

/*
 * Let the watcher show the parts (watch.c): fn(ctx, ...) with each reading,
 * and a line per part to out: "  part 8 (1 of 4): running, 50,000 of
 * 100,000 rows (50%), 12,000 rows/s".
 */
extern void cli_watch_parts(CliWatch *w, CliPartsFn fn, void *ctx, FILE *out);

#endif							/* COVET_CLI_WATCH_PARTS_H */
