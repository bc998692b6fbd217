/*-------------------------------------------------------------------------
 *
 * mig_progress.h
 *	  Progress of the runs inside `covet migrate up` (mig_progress.c).
 *
 * src/cli/mig_progress.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef COVET_CLI_MIG_PROGRESS_H
#define COVET_CLI_MIG_PROGRESS_H

#include "cli.h"

typedef struct CliMigProgress CliMigProgress;

/*
 * Start showing the runs that start from now on db (the command's
 * connection); NULL with --quiet.  Call before the runner's call.
 */
extern CliMigProgress *cli_mig_progress_start(const CliOpts *o, CliDb *db);
/* After the call: end the last display, free everything. */
extern void cli_mig_progress_stop(CliMigProgress *mp);

#endif							/* COVET_CLI_MIG_PROGRESS_H */
