/*-------------------------------------------------------------------------
 *
 * cmd_schema.c
 *	  The `covet` command's schema commands: diff, makemigration, squash,
 *	  over covet_diff, covet_makemigration and covet_squash.
 *
 *	  covet diff SOURCE TARGET [--renames JSON] [--exit-code]
 *	  covet makemigration NAME [--from X] (--to Y | --sql FILE)
 *	                           [--renames JSON] [--allow-data-loss]
 *	  covet squash FIRST LAST NAME [--elide LIST] [--renames JSON]
 *	                               [--allow-data-loss]
 *
 * SOURCE and TARGET are what covet_diff takes (PostgreSQL: schemas;
 * SQLite: attached database names), or "@FILE": on SQLite a database file
 * is attached for the call (as covet_cli_source / covet_cli_target), any
 * other file is SQL text (a target only, as covet_diff takes it).  The diff
 * prints as a SQL script (each statement after a comment naming what it
 * changes and its hazards), or with --json as rows; it exits 0, or with
 * --exit-code 4 when the schemas differ (as `git diff --exit-code`).
 *
 * makemigration sends the files of --dir first (so the new migration
 * depends on the heads of the plan the files make), then defines the
 * migration and writes NAME.sql (and NAME_2.sql, ... when steps must run
 * outside a transaction) into --dir as one step: a file that exists
 * already fails the command and defines nothing (PostgreSQL: one
 * transaction, committed after the files are written; SQLite: the
 * function's own directory argument, which checks and writes the files
 * in its run).  An empty diff writes
 * nothing and exits 0.  squash sends the files too and prints the
 * squashed migration's text; it is recorded in the database
 * (covet.squashed), not written as a file.
 *
 * src/cli/cmd_schema.c
 *
 *-------------------------------------------------------------------------
 */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The whole of a file (malloc'd), or NULL with err filled. */
static char *
slurp(const char *path, size_t *lenp, CliErr *err)
{
	FILE	   *f = fopen(path, "rb");
	char	   *text = NULL;
	size_t		len = 0,
				cap = 0,
				got;

	if (f == NULL)
	{
		cli_err_set(err, "58030", NULL, NULL, "could not read file \"%s\": %s",
					path, strerror(errno));
		return NULL;
	}
	do
	{
		if (cap - len < 65536)
		{
			char	   *p = realloc(text, (cap = cap ? cap * 2 : 65536) + 1);

			if (p == NULL)
			{
				free(text);
				fclose(f);
				cli_err_set(err, "53200", NULL, NULL, "out of memory");
				return NULL;
			}
			text = p;
		}
		got = fread(text + len, 1, cap - len, f);
		len += got;
	} while (got > 0);
	if (ferror(f))
	{
		cli_err_set(err, "58030", NULL, NULL, "could not read file \"%s\": %s",
					path, strerror(errno));
		free(text);
		fclose(f);
		return NULL;
	}
	fclose(f);
	text[len] = '\0';
	if (strlen(text) != len)
	{
		cli_err_set(err, "22021", NULL, NULL, "file \"%s\" holds a NUL byte", path);
		free(text);
		return NULL;
	}
	if (lenp)
		*lenp = len;
	return text;
}

/* Whether path starts with SQLite's file header. */
static bool
is_sqlite_file(const char *path)
{
	char		head[16];
	FILE	   *f = fopen(path, "rb");
	bool		yes;

	if (f == NULL)
		return false;
	yes = fread(head, 1, 16, f) == 16 && memcmp(head, "SQLite format 3", 16) == 0;
	fclose(f);
	return yes;
}

/*
 * Resolve a SOURCE/TARGET argument: "@FILE" is attached (SQLite database
 * file, as alias) or read as SQL text (*owned, to free); else as given.
 * Returns the value for covet_diff, or NULL with err filled.
 */
static const char *
schema_arg(CliDb *db, const char *arg, const char *alias, char **owned, CliErr *err)
{
	const char *path;
	struct stat st;

	*owned = NULL;
	if (arg[0] != '@')
		return arg;
	path = arg + 1;
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
	{
		cli_err_set(err, "58030", NULL, "Name a file after @: a SQL file, or on SQLite a database file.",
					"could not read file \"%s\": %s", path,
					stat(path, &st) != 0 ? strerror(errno) : "not a regular file");
		return NULL;
	}
	if (!cli_db_is_pg(db) && is_sqlite_file(path))
	{
		char		sql[128];
		const char *p[1] = {path};

		snprintf(sql, sizeof(sql), "ATTACH $1 AS %s", alias);
		if (cli_db_exec(db, sql, 1, p, NULL, err) != 0)
			return NULL;
		return alias;
	}
	return *owned = slurp(path, NULL, err);
}

/* The end of a command that failed: the error and its exit code. */
static int
fail(const CliOpts *o, CliErr *err)
{
	int			code = cli_err_report_code(err, o->json, cli_err_exit_code(err));

	cli_err_free(err);
	return code;
}

static void
rollback(CliDb *db)
{
	CliErr		ignore = {0};

	cli_db_exec(db, "ROLLBACK", 0, NULL, NULL, &ignore);
	cli_err_free(&ignore);
}

/* ---- covet diff ---------------------------------------------------------- */

/* One line of a comment: newlines in s become spaces. */
static void
comment_text(FILE *out, const char *s)
{
	for (; s && *s; s++)
		fputc(*s == '\n' || *s == '\r' ? ' ' : *s, out);
}

static int
cmd_diff(const CliOpts *o, int argc, char **argv)
{
	const CliCmd *cmd = cli_find_cmd("diff");
	const char *renames = NULL;
	bool		exit_code = false;
	const CliOptSpec specs[] = {
		{"--renames", &renames, NULL},
		{"--exit-code", NULL, &exit_code},
		{NULL}
	};
	char	   *pos[2];
	char	   *own_src = NULL,
			   *own_tgt = NULL;
	int			npos,
				rc = -1,
				i;
	CliErr		err = {0};
	CliDb	   *db;
	CliResult	res = {0};
	const char *p[3];

	if (cli_parse_args(o, cmd, argc, argv, specs, pos, 2, &npos) != 0)
		return CLI_EXIT_USAGE;
	if (npos != 2)
		return cli_usage_error(o, cmd, "covet diff needs SOURCE and TARGET");
	if ((db = cli_connect(o, true, &err)) == NULL)
		return fail(o, &err);
	if ((p[0] = schema_arg(db, pos[0], "covet_cli_source", &own_src, &err)) != NULL &&
		(p[1] = schema_arg(db, pos[1], "covet_cli_target", &own_tgt, &err)) != NULL)
	{
		p[2] = renames;
		rc = cli_db_exec(db, "SELECT ordinal, statement, reverse_statement, object, hazards"
						 " FROM covet_diff($1, $2, $3)", 3, p, &res, &err);
	}
	free(own_src);
	free(own_tgt);
	cli_db_close(db);
	if (rc != 0)
		return fail(o, &err);
	if (o->json)
	{
		printf("{\"ok\": true, \"command\": \"diff\", \"differs\": %s, \"steps\": ",
			   res.nrows > 0 ? "true" : "false");
		cli_json_rows(stdout, &res);
		printf("}\n");
	}
	else if (res.nrows == 0)
		printf("-- no differences\n");
	else
		for (i = 0; i < res.nrows; i++)
		{
			const char *stmt = cli_result_get(&res, i, 1),
					   *object = cli_result_get(&res, i, 3),
					   *hazards = cli_result_get(&res, i, 4);

			printf("-- %s. ", cli_result_get(&res, i, 0));
			comment_text(stdout, object);
			if (hazards != NULL && hazards[0] != '\0')
			{
				printf(" (");
				comment_text(stdout, hazards);
				printf(")");
			}
			printf("\n");
			if (stmt != NULL)
				printf("%s;\n", stmt);
			if (i + 1 < res.nrows)
				printf("\n");
		}
	rc = (exit_code && res.nrows > 0) ? CLI_EXIT_FINDING : CLI_EXIT_OK;
	cli_result_free(&res);
	return rc;
}

/* ---- covet makemigration ------------------------------------------------- */

typedef struct GenFile
{
	char	   *name;			/* "NAME_2.sql" */
	const char *text;			/* into the text returned */
	size_t		len;
} GenFile;

/*
 * Split covet_makemigration's text into its files: one file named
 * name.sql, or several, each after a "-- file: X.sql" line and separated
 * by one empty line.  Returns the count (files malloc'd, names too).
 */
static int
split_files(const char *name, const char *text, GenFile **files)
{
	int			n = 0,
				cap = 4;
	const char *p = text;

	*files = malloc(cap * sizeof(GenFile));
	if (strncmp(text, "-- file: ", 9) != 0)
	{
		(*files)[0].name = malloc(strlen(name) + 5);
		sprintf((*files)[0].name, "%s.sql", name);
		(*files)[0].text = text;
		(*files)[0].len = strlen(text);
		return 1;
	}
	while (p != NULL && strncmp(p, "-- file: ", 9) == 0)
	{
		const char *eol = strchr(p, '\n'),
				   *next;

		if (eol == NULL)
			break;
		if (n == cap)
			*files = realloc(*files, (cap *= 2) * sizeof(GenFile));
		(*files)[n].name = strndup(p + 9, (size_t) (eol - p - 9));
		(*files)[n].text = eol + 1;
		next = strstr(eol + 1, "\n\n-- file: ");
		(*files)[n].len = next ? (size_t) (next + 1 - (eol + 1)) : strlen(eol + 1);
		n++;
		p = next ? next + 2 : NULL;
	}
	return n;
}

static char *
dir_path(const char *dir, const char *name)
{
	char	   *p = malloc(strlen(dir) + strlen(name) + 2);

	sprintf(p, "%s/%s", dir, name);
	return p;
}

/*
 * Write files into dir, none over an existing file: every path is checked
 * first; a failure part way removes what was written.  0, or -1 with err.
 */
static int
write_files(const char *dir, GenFile *files, int n, CliErr *err)
{
	int			i,
				done = 0;
	struct stat st;

	if (cli_make_dirs(dir) != 0)
	{
		cli_err_set(err, "58030", NULL, NULL, "could not create directory \"%s\": %s",
					dir, strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++)
	{
		char	   *path = dir_path(dir, files[i].name);
		bool		exists = stat(path, &st) == 0;

		if (exists)
			cli_err_set(err, "42710", NULL,
						"covet makemigration never overwrites a file; choose a new name or another --dir.",
						"file \"%s\" already exists", path);
		free(path);
		if (exists)
			return -1;
	}
	for (i = 0; i < n; i++)
	{
		char	   *path = dir_path(dir, files[i].name);
		int			fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0666);
		bool		ok = fd >= 0 &&
			write(fd, files[i].text, files[i].len) == (ssize_t) files[i].len;

		if (fd >= 0 && close(fd) != 0)
			ok = false;
		if (!ok)
		{
			cli_err_set(err, "58030", NULL, NULL, "could not write file \"%s\": %s",
						path, strerror(errno));
			if (fd >= 0)
				unlink(path);
			free(path);
			break;
		}
		free(path);
		done++;
	}
	if (done == n)
		return 0;
	for (i = 0; i < done; i++)
	{
		char	   *path = dir_path(dir, files[i].name);

		unlink(path);
		free(path);
	}
	return -1;
}

static int
cmd_makemigration(const CliOpts *o, int argc, char **argv)
{
	const CliCmd *cmd = cli_find_cmd("makemigration");
	const char *from = NULL,
			   *to = NULL,
			   *sqlfile = NULL,
			   *renames = NULL;
	bool		data_loss = false;
	const CliOptSpec specs[] = {
		{"--from", &from, NULL},
		{"--to", &to, NULL},
		{"--sql", &sqlfile, NULL},
		{"--renames", &renames, NULL},
		{"--allow-data-loss", NULL, &data_loss},
		{NULL}
	};
	char	   *pos[1];
	char	   *own_src = NULL,
			   *own_tgt = NULL,
			   *loaded = NULL,
			   *text = NULL;
	int			npos,
				rc = -1,
				nfiles = 0,
				i;
	CliErr		err = {0};
	CliDb	   *db;
	CliResult	res = {0};
	GenFile    *files = NULL;
	const char *p[6];
	bool		pg = false;

	if (cli_parse_args(o, cmd, argc, argv, specs, pos, 1, &npos) != 0)
		return CLI_EXIT_USAGE;
	if (npos != 1)
		return cli_usage_error(o, cmd, "covet makemigration needs the migration's name");
	if ((to == NULL) == (sqlfile == NULL))
		return cli_usage_error(o, cmd, "give either --to SCHEMA or --sql FILE");
	if (strchr(pos[0], '/') != NULL || pos[0][0] == '.' || pos[0][0] == '\0')
		return cli_usage_error(o, cmd, "invalid migration name \"%s\"", pos[0]);
	if ((db = cli_connect(o, false, &err)) == NULL)
		return fail(o, &err);
	pg = cli_db_is_pg(db);
	/* the files first, committed: the new migration depends on their heads */
	if (cli_send_dir(db, o, true, &loaded, &err) != 0)
		goto done;
	if (pg && cli_db_exec(db, "BEGIN", 0, NULL, NULL, &err) != 0)
		goto done;
	if (from == NULL)
	{
		if (pg)
		{
			if (cli_db_exec(db, "SELECT pg_catalog.current_schema()", 0, NULL, &res, &err) != 0)
				goto done;
			from = own_src = strdup(cli_result_get(&res, 0, 0) ? cli_result_get(&res, 0, 0) : "public");
			cli_result_free(&res);
		}
		else
			from = "main";
	}
	else if ((from = schema_arg(db, from, "covet_cli_source", &own_src, &err)) == NULL)
		goto done;
	if (sqlfile != NULL)
	{
		if ((own_tgt = slurp(sqlfile, NULL, &err)) == NULL)
			goto done;
		to = own_tgt;
	}
	else if ((to = schema_arg(db, to, "covet_cli_target", &own_tgt, &err)) == NULL)
		goto done;
	p[0] = pos[0];
	p[1] = from;
	p[2] = to;
	p[3] = renames;
	p[4] = data_loss ? "true" : "false";
	p[5] = o->dir;
	if (!pg && cli_make_dirs(o->dir) != 0)
	{
		cli_err_set(&err, "58030", NULL, NULL, "could not create directory \"%s\": %s",
					o->dir, strerror(errno));
		goto done;
	}

	/*
	 * SQLite: the function writes the files itself (the command links the
	 * extension in: the same machine), in its one run, and never over an
	 * existing file; SQL text as the target cannot be diffed inside a
	 * transaction there (its scratch database is attached and detached).
	 * PostgreSQL: in a transaction, committed once the files are written.
	 */
	if (cli_db_exec(db, pg ?
					"SELECT covet_makemigration($1, $2, $3, $4, $5::boolean)" :
					"SELECT covet_makemigration($1, $2, $3, $4, $5, $6)",
					pg ? 5 : 6, p, &res, &err) != 0)
		goto done;
	if (cli_result_get(&res, 0, 0) != NULL)
	{
		text = strdup(cli_result_get(&res, 0, 0));
		nfiles = split_files(pos[0], text, &files);
		if (pg && write_files(o->dir, files, nfiles, &err) != 0)
			goto done;
	}
	if (pg && cli_db_exec(db, "COMMIT", 0, NULL, NULL, &err) != 0)
	{
		/* nothing was defined: take the files back */
		for (i = 0; i < nfiles; i++)
		{
			char	   *path = dir_path(o->dir, files[i].name);

			unlink(path);
			free(path);
		}
		goto done;
	}
	rc = 0;
done:
	if (rc != 0 && pg)
		rollback(db);
	cli_db_close(db);
	cli_result_free(&res);
	free(own_src);
	free(own_tgt);
	free(loaded);
	if (rc != 0)
		rc = fail(o, &err);
	else if (o->json)
	{
		printf("{\"ok\": true, \"command\": \"makemigration\", \"files\": [");
		for (i = 0; i < nfiles; i++)
		{
			char	   *path = dir_path(o->dir, files[i].name);

			printf(i ? ", " : "");
			cli_json_str(stdout, path);
			free(path);
		}
		printf("], \"text\": ");
		cli_json_str(stdout, text);
		printf("}\n");
	}
	else if (nfiles == 0)
		printf("nothing to generate: the schemas are the same\n");
	else
		for (i = 0; i < nfiles; i++)
		{
			char	   *path = dir_path(o->dir, files[i].name);

			printf("created %s\n", path);
			free(path);
		}
	for (i = 0; i < nfiles; i++)
		free(files[i].name);
	free(files);
	free(text);
	return rc;
}

/* ---- covet squash -------------------------------------------------------- */

static int
cmd_squash(const CliOpts *o, int argc, char **argv)
{
	const CliCmd *cmd = cli_find_cmd("squash");
	const char *elide = NULL,
			   *renames = NULL;
	bool		data_loss = false;
	const CliOptSpec specs[] = {
		{"--elide", &elide, NULL},
		{"--renames", &renames, NULL},
		{"--allow-data-loss", NULL, &data_loss},
		{NULL}
	};
	char	   *pos[3];
	char	   *loaded = NULL;
	int			npos,
				rc = -1;
	CliErr		err = {0};
	CliDb	   *db;
	CliResult	res = {0};
	const char *p[6];

	if (cli_parse_args(o, cmd, argc, argv, specs, pos, 3, &npos) != 0)
		return CLI_EXIT_USAGE;
	if (npos != 3)
		return cli_usage_error(o, cmd, "covet squash needs FIRST, LAST and the new migration's NAME");
	if ((db = cli_connect(o, false, &err)) == NULL)
		return fail(o, &err);
	if (cli_send_dir(db, o, true, &loaded, &err) != 0)
		goto done;
	p[0] = pos[0];
	p[1] = pos[1];
	p[2] = pos[2];
	p[3] = elide;
	p[4] = renames;
	p[5] = data_loss ? "true" : "false";
	if (cli_db_exec(db, cli_db_is_pg(db) ?
					"SELECT covet_squash($1, $2, $3, $4, $5, $6::boolean)" :
					"SELECT covet_squash($1, $2, $3, $4, $5, $6)",
					6, p, &res, &err) != 0)
		goto done;
	rc = 0;
done:
	cli_db_close(db);
	free(loaded);
	if (rc != 0)
		return fail(o, &err);
	if (o->json)
	{
		printf("{\"ok\": true, \"command\": \"squash\", \"name\": ");
		cli_json_str(stdout, pos[2]);
		printf(", \"text\": ");
		cli_json_str(stdout, cli_result_get(&res, 0, 0));
		printf("}\n");
	}
	else
		fputs(cli_result_get(&res, 0, 0) ? cli_result_get(&res, 0, 0) : "", stdout);
	cli_result_free(&res);
	return CLI_EXIT_OK;
}

const CliCmd cli_schema_cmds[] = {
	{"diff", cmd_diff, "the statements that turn schema SOURCE into TARGET",
		"Usage: covet diff SOURCE TARGET [--renames JSON] [--exit-code]\n\n"
		"Print covet_diff(SOURCE, TARGET) as a SQL script: each statement after a\n"
		"comment naming what it changes and its hazards.  SOURCE and TARGET are\n"
		"schemas (PostgreSQL) or attached database names (SQLite: main), or @FILE:\n"
		"on SQLite a database file is attached for the call, any other file is SQL\n"
		"text that covet builds in a scratch place (TARGET only).\n\n"
		"  --renames JSON   accept rename candidates: '{\"users\": \"accounts\",\n"
		"                   \"users.name\": \"full_name\"}'\n"
		"  --exit-code      exit 4 when the schemas differ (0 when they do not)\n"},
	{"makemigration", cmd_makemigration, "generate a migration file from a schema diff",
		"Usage: covet makemigration NAME [--from SCHEMA] (--to SCHEMA | --sql FILE)\n"
		"                           [--renames JSON] [--allow-data-loss]\n\n"
		"Send the files of --dir, then define migration NAME from the diff of\n"
		"--from (default: the current schema; SQLite: main) to --to or to the SQL\n"
		"text of --sql FILE (covet_makemigration), and write --dir/NAME.sql (and\n"
		"NAME_2.sql, ... for steps that must run outside a transaction), in one\n"
		"transaction: an existing file fails the command and defines nothing.\n"
		"The same @FILE forms as covet diff.  An empty diff writes nothing.\n\n"
		"  --renames JSON      accept rename candidates (see covet diff)\n"
		"  --allow-data-loss   allow steps that drop tables or columns\n"},
	{"squash", cmd_squash, "replace a range of migrations with one",
		"Usage: covet squash FIRST LAST NAME [--elide LIST] [--renames JSON]\n"
		"                    [--allow-data-loss]\n\n"
		"Send the files of --dir, then define NAME, one migration replacing FIRST\n"
		"..LAST of the plan (covet_squash), and print its text.  The squash is\n"
		"recorded in the database (which migrations it replaces), not in a file.\n\n"
		"  --elide LIST        data migrations to leave out (commas; '*': all)\n"
		"  --renames JSON      accept rename candidates (see covet diff)\n"
		"  --allow-data-loss   allow steps that drop tables or columns\n"},
	{NULL}
};
