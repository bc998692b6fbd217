/*-------------------------------------------------------------------------
 *
 * main.c
 *	  The `covet` command: global options, help, and dispatch over the
 *	  command tables of cmd_migrate.c, cmd_ops.c and cmd_data.c.
 *
 *	  covet [--db URL] [--dir DIR] [--json] [--quiet] [--no-progress]
 *			[--lock-timeout DURATION] COMMAND [ARGS...]
 *
 * Global options may stand before or after the command's name; "--" ends
 * them.  The database is --db, else DATABASE_URL, else sqlite:covet.db, so
 * the command works with nothing configured.  `covet --help` lists the
 * commands, `covet COMMAND --help` prints one command's usage (both exit
 * 0); a bad option or argument prints the usage on stderr and exits 2.
 *
 * src/cli/main.c
 *
 *-------------------------------------------------------------------------
 */
#include "cli.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef COVET_VERSION
#define COVET_VERSION "0.2.0"
#endif

static const CliCmd *const tables[] = {cli_migrate_cmds, cli_ops_cmds, cli_data_cmds,
	cli_schema_cmds, NULL};

/* --lock-timeout, applied to each connection cli_connect opens */
static const char *lock_timeout = NULL;

static const char global_usage[] =
	"Global options (before or after the command):\n"
	"  --db URL             postgresql://..., a libpq conninfo (\"host=... dbname=...\"),\n"
	"                       sqlite:PATH or a file path (default: $DATABASE_URL,\n"
	"                       else sqlite:covet.db)\n"
	"  --dir DIR            the migrations directory (default ./migrations)\n"
	"  --json               one JSON document on stdout (errors too)\n"
	"  -q, --quiet          no NOTICEs, no progress, only results and errors\n"
	"  --no-progress        progress as lines even on a terminal\n"
	"  --lock-timeout DUR   how long to wait for another runner's lock\n"
	"                       (covet_set('lock_timeout'); e.g. 500ms, 5s)\n"
	"  -h, --help           help (of a command, after its name)\n"
	"  --version            covet's version\n";

const CliCmd *
cli_find_cmd(const char *name)
{
	int			t;
	const CliCmd *c;

	for (t = 0; tables[t] != NULL; t++)
		for (c = tables[t]; c->name != NULL; c++)
			if (strcmp(c->name, name) == 0)
				return c;
	return NULL;
}

/* A command's own usage: its text, or made from covet_op_defs (usage NULL). */
static void
cmd_usage(FILE *out, const CliCmd *cmd)
{
	if (cmd->usage == NULL)
		cli_ops_usage(out, cmd->name);
	else
	{
		fprintf(out, "%s", cmd->usage);
		if (cmd->usage[0] && cmd->usage[strlen(cmd->usage) - 1] != '\n')
			fputc('\n', out);
	}
}

void
cli_usage(FILE *out, const CliCmd *cmd)
{
	cmd_usage(out, cmd);
	fprintf(out, "\n%s", global_usage);
}

int
cli_usage_error(const CliOpts *o, const CliCmd *cmd, const char *fmt,...)
{
	CliErr		err = {0};
	va_list		ap;
	char		buf[1024];
	int			len;

	va_start(ap, fmt);
	len = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	(void) len;
	if (o != NULL && o->json)
	{
		cli_err_set(&err, "", NULL, "See covet --help.", "%s", buf);
		cli_err_report_code(&err, true, CLI_EXIT_USAGE);
		cli_err_free(&err);
		return CLI_EXIT_USAGE;
	}
	fprintf(stderr, "covet: ERROR: %s\n\n", buf);
	if (cmd != NULL)
		cmd_usage(stderr, cmd);
	else
		fprintf(stderr, "Run covet --help for the commands.\n");
	return CLI_EXIT_USAGE;
}

static void
main_help(FILE *out)
{
	int			t;
	const CliCmd *c;

	fprintf(out,
			"covet: schema and data migrations inside the database (PostgreSQL, SQLite)\n\n"
			"Usage: covet [OPTIONS] COMMAND [ARGS...]\n\nCommands:\n");
	for (t = 0; tables[t] != NULL; t++)
		for (c = tables[t]; c->name != NULL; c++)
			fprintf(out, "  %-18s %s\n", c->name, c->summary);
	fprintf(out, "\n%s\n"
			"Exit status: 0 done, 1 failed, 2 usage error, 3 lock held by another\n"
			"runner, 4 a dry-run finding.  covet COMMAND --help for a command;\n"
			"man covet for everything.\n", global_usage);
}

/*
 * Open o's database, then set the runner lock's timeout when
 * --lock-timeout was given.
 */
CliDb *
cli_connect(const CliOpts *o, bool must_exist, CliErr *err)
{
	CliDb	   *db = must_exist ? cli_db_open_existing(o->db_url, err)
		: cli_db_open(o->db_url, err);
	const char *p[1];

	if (db == NULL || lock_timeout == NULL)
		return db;
	p[0] = lock_timeout;
	if (cli_db_exec(db, "SELECT covet_set('lock_timeout', $1)", 1, p, NULL, err) != 0)
	{
		cli_db_close(db);
		return NULL;
	}
	return db;
}

bool
cli_lock_timeout_given(void)
{
	return lock_timeout != NULL;
}

/* The value of option opt at argv[*i] ("--opt V" or "--opt=V"), or NULL. */
static const char *
opt_value(int argc, char **argv, int *i, const char *opt, bool *bad)
{
	size_t		n = strlen(opt);

	if (strncmp(argv[*i], opt, n) != 0)
		return NULL;
	if (argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (argv[*i][n] != '\0')
		return NULL;
	if (*i + 1 >= argc)
	{
		*bad = true;
		return NULL;
	}
	(*i)++;
	return argv[*i];
}

int
main(int argc, char **argv)
{
	CliOpts		o = {0};
	char	  **rest = calloc(argc + 1, sizeof(char *));
	int			nrest = 0;
	bool		no_progress = false,
				help = false,
				ended = false;
	const CliCmd *cmd;
	const char *v;
	int			i,
				rc;

	o.db_url = getenv("DATABASE_URL");
	if (o.db_url == NULL || o.db_url[0] == '\0')
		o.db_url = "sqlite:covet.db";
	o.dir = "./migrations";
	for (i = 1; i < argc; i++)
	{
		bool		bad = false;
		const char *a = argv[i];

		if (ended || a[0] != '-' || strcmp(a, "-") == 0)
		{
			rest[nrest++] = argv[i];
			continue;
		}
		if (strcmp(a, "--") == 0)
		{
			ended = true;
			rest[nrest++] = argv[i];
			continue;
		}
		if ((v = opt_value(argc, argv, &i, "--db", &bad)) != NULL)
			o.db_url = v;
		else if ((v = opt_value(argc, argv, &i, "--dir", &bad)) != NULL)
			o.dir = v;
		else if ((v = opt_value(argc, argv, &i, "--lock-timeout", &bad)) != NULL)
			lock_timeout = v;
		else if (bad)
		{
			rc = cli_usage_error(&o, NULL, "option %s needs a value", a);
			free(rest);
			return rc;
		}
		else if (strcmp(a, "--json") == 0)
			o.json = true;
		else if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0)
			o.quiet = true;
		else if (strcmp(a, "--no-progress") == 0)
			no_progress = true;
		else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
			help = true;
		else if (strcmp(a, "--version") == 0)
		{
			printf(o.json ? "{\"version\": \"%s\"}\n" : "covet %s\n", COVET_VERSION);
			free(rest);
			return CLI_EXIT_OK;
		}
		else
			rest[nrest++] = argv[i];	/* the command's own option */
	}
	o.tty = !no_progress && !o.quiet && !o.json && isatty(STDOUT_FILENO);
	if (o.quiet)
		setenv("COVET_QUIET", "1", 1);

	if (nrest == 0)
	{
		main_help(help ? stdout : stderr);
		free(rest);
		return help ? CLI_EXIT_OK : CLI_EXIT_USAGE;
	}
	cmd = cli_find_cmd(rest[0]);
	if (cmd == NULL)
	{
		rc = cli_usage_error(&o, NULL, "unknown command \"%s\"", rest[0]);
		free(rest);
		return rc;
	}
	if (help)
	{
		cli_usage(stdout, cmd);
		free(rest);
		return CLI_EXIT_OK;
	}
	rc = cmd->fn(&o, nrest, rest);
	fflush(stdout);
	free(rest);
	return rc;
}

int
cli_parse_args(const CliOpts *o, const CliCmd *cmd, int argc, char **argv,
			   const CliOptSpec *specs, char **pos, int maxpos, int *npos)
{
	bool		ended = false;
	int			i;

	*npos = 0;
	for (i = 1; i < argc; i++)
	{
		const char *a = argv[i];
		const CliOptSpec *s;

		if (!ended && strcmp(a, "--") == 0)
		{
			ended = true;
			continue;
		}
		if (!ended && a[0] == '-' && a[1] != '\0' &&
			!(a[1] >= '0' && a[1] <= '9'))
		{
			size_t		n;

			for (s = specs; s != NULL && s->name != NULL; s++)
			{
				n = strlen(s->name);
				if (strncmp(a, s->name, n) == 0 &&
					(a[n] == '\0' || (a[n] == '=' && s->value != NULL)))
					break;
			}
			if (s == NULL || s->name == NULL)
				return cli_usage_error(o, cmd, "unknown option \"%s\" for %s", a, cmd->name);
			if (s->value == NULL)
			{
				*s->flag = true;
				continue;
			}
			n = strlen(s->name);
			if (a[n] == '=')
				*s->value = a + n + 1;
			else if (i + 1 < argc)
				*s->value = argv[++i];
			else
				return cli_usage_error(o, cmd, "option %s needs a value", s->name);
			continue;
		}
		if (*npos >= maxpos)
			return cli_usage_error(o, cmd, "too many arguments for %s: \"%s\"", cmd->name, a);
		pos[(*npos)++] = argv[i];
	}
	return 0;
}
