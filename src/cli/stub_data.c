/*
 * stub_data.c: a stand-in for cmd_data.c (branch cliprog) until it is
 * merged; deleted at the merge.
 */
#include "cli.h"

const CliCmd cli_data_cmds[] = {{NULL}};
