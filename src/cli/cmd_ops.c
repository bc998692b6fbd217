#include "cli.h"
const CliCmd cli_ops_cmds[] = {{NULL}};
