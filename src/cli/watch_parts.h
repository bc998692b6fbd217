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
 *		cli_watch_parts(watch, w.db, stderr);
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

/* Read the parts of run parent (at most max); their number, 0 for none. */
extern int	cli_parts_read(CliDb *db, long long parent, CliRunSnap *parts, int max);

/* A line per part: "  part 8 (1 of 4): running, 50,000 of 100,000 rows ..." */
extern void cli_parts_print(FILE *out, const CliRunSnap *parts, int n);

/* Let the watcher show the parts, read over db (its ctx's connection). */
extern void cli_watch_parts(CliWatch *w, CliDb *db, FILE *out);

#endif							/* COVET_CLI_WATCH_PARTS_H */
