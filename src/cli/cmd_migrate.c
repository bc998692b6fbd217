/*-------------------------------------------------------------------------
 *
 * cmd_migrate.c
 *	  The `covet` command's runner commands: new, migrate up/down, status,
 *	  history, load, baseline, repair, adopt, mark-applied,
 *	  mark-rolled-back, forget.
 *
 * Migration files are read here, on the client, and sent one by one with
 * covet_load_text(filename, text) in one transaction, so nothing has to be
 * on the database server: every file of --dir that covet_load would read
 * (*.sql in any of its formats, or a sqitch project: deploy/ and revert/
 * scripts, then sqitch.plan), up halves before down halves, each under its
 * own name.  Then the runner runs on the server: by default
 * covet_migrate_up_commit (CALL on PostgreSQL, SELECT on SQLite), which
 * commits each migration with its history row; --all-or-nothing uses
 * covet_migrate_up, one transaction.
 *
 * `covet status` loads the files too, but inside a transaction it rolls
 * back, so that files not yet sent show as pending and nothing is written.
 *
 * Exit codes: 0 done, 1 failed, 3 another runner holds the lock (55P03
 * "migration lock is held ..."), 4 a dry run found an error.
 *
 * src/cli/cmd_migrate.c
 *
 *-------------------------------------------------------------------------
 */
#include "cli.h"
#include "mig_progress.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- small strings ------------------------------------------------------- */

typedef struct Buf
{
	char	   *s;
	size_t		len,
				cap;
} Buf;

static void
buf_add(Buf *b, const char *s)
{
	size_t		n = strlen(s);

	if (b->len + n + 1 > b->cap)
	{
		size_t		cap = (b->cap ? b->cap * 2 : 256);
		char	   *p;

		while (cap < b->len + n + 1)
			cap *= 2;
		if ((p = realloc(b->s, cap)) == NULL)
			return;
		b->s = p;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n + 1);
	b->len += n;
}

static void
buf_line(Buf *b, const char *s)
{
	if (s == NULL || s[0] == '\0')
		return;
	if (b->len > 0)
		buf_add(b, "\n");
	buf_add(b, s);
}

/* ---- reading the directory ----------------------------------------------- */

typedef struct MigFile
{
	char	   *send;			/* the name covet_load_text gets */
	char	   *path;			/* where it is on this machine */
	int			rank;			/* 0 up halves, 1 down halves, 2 sqitch.plan */
} MigFile;

static int
file_cmp(const void *a, const void *b)
{
	const MigFile *x = a,
			   *y = b;

	if (x->rank != y->rank)
		return x->rank - y->rank;
	return strcmp(x->send, y->send);
}

static bool
ends_with(const char *s, const char *suffix)
{
	size_t		n = strlen(s),
				m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* A down half: golang-migrate's .down.sql, Flyway's U1__x.sql. */
static bool
is_down_half(const char *name)
{
	return ends_with(name, ".down.sql") ||
		(name[0] == 'U' && name[1] >= '0' && name[1] <= '9');
}

static char *
join(const char *dir, const char *name)
{
	size_t		n = strlen(dir) + strlen(name) + 2;
	char	   *p = malloc(n);

	if (p != NULL)
		snprintf(p, n, "%s/%s", dir, name);
	return p;
}

/*
 * Add the *.sql files of dir (sub: "", "deploy/", "revert/") to files.
 * Returns 0, or -1 when dir cannot be read (err filled).
 */
static int
scan(const char *dir, const char *sub, int rank, MigFile **files, int *n, int *cap,
	 CliErr *err)
{
	DIR		   *d = opendir(dir);
	struct dirent *e;

	if (d == NULL)
	{
		cli_err_set(err, "58030", NULL,
					"Create it with \"covet new NAME\", or point --dir at the migrations.",
					"could not open migrations directory \"%s\": %s", dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) != NULL)
	{
		struct stat st;
		char	   *path;
		MigFile    *f;

		if (e->d_name[0] == '.' || !ends_with(e->d_name, ".sql"))
			continue;
		path = join(dir, e->d_name);
		if (path == NULL || stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		{
			free(path);
			continue;
		}
		if (*n == *cap)
		{
			*cap = *cap ? *cap * 2 : 64;
			*files = realloc(*files, *cap * sizeof(MigFile));
		}
		f = &(*files)[(*n)++];
		f->path = path;
		f->send = malloc(strlen(sub) + strlen(e->d_name) + 1);
		sprintf(f->send, "%s%s", sub, e->d_name);
		f->rank = rank >= 0 ? rank : (is_down_half(e->d_name) ? 1 : 0);
	}
	closedir(d);
	return 0;
}

static void
files_free(MigFile *files, int n)
{
	int			i;

	for (i = 0; i < n; i++)
	{
		free(files[i].send);
		free(files[i].path);
	}
	free(files);
}

/* The whole of a file (malloc'd), or NULL with err filled. */
static char *
read_file(const char *path, CliErr *err)
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
			cap = cap ? cap * 2 : 65536;
			text = realloc(text, cap + 1);
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
	return text;
}

/* The files of o->dir in the order they are sent. */
static int
list_files(const CliOpts *o, MigFile **files, int *n, CliErr *err)
{
	char	   *plan = join(o->dir, "sqitch.plan");
	struct stat st;
	int			cap = 0,
				rc = 0;

	*files = NULL;
	*n = 0;
	if (plan != NULL && stat(plan, &st) == 0)
	{
		char	   *deploy = join(o->dir, "deploy"),
				   *revert = join(o->dir, "revert");

		rc = scan(deploy, "deploy/", 0, files, n, &cap, err);
		if (rc == 0 && stat(revert, &st) == 0)
			rc = scan(revert, "revert/", 1, files, n, &cap, err);
		if (rc == 0)
		{
			if (*n == cap)
				*files = realloc(*files, (cap = cap + 1) * sizeof(MigFile));
			(*files)[*n].send = strdup("sqitch.plan");
			(*files)[*n].path = plan;
			(*files)[*n].rank = 2;
			(*n)++;
			plan = NULL;
		}
		free(deploy);
		free(revert);
	}
	else
		rc = scan(o->dir, "", -1, files, n, &cap, err);
	free(plan);
	if (rc == 0 && *n > 0)
		qsort(*files, *n, sizeof(MigFile), file_cmp);
	return rc;
}

static int
exec_simple(CliDb *db, const char *sql, CliErr *err)
{
	return cli_db_exec(db, sql, 0, NULL, NULL, err);
}

/* Prefix err's message with the file's name, unless it names it. */
static void
name_file(CliErr *err, const char *send)
{
	if (err->message && strstr(err->message, send) == NULL)
	{
		char	   *m = malloc(strlen(err->message) + strlen(send) + 3);

		sprintf(m, "%s: %s", send, err->message);
		free(err->message);
		err->message = m;
	}
}

/* Files per round trip (cli_db_exec_each). */
#define SEND_CHUNK 64

/*
 * covet_load_text for every file, SEND_CHUNK files per round trip: on
 * PostgreSQL a pipeline, so 1,000 files are 16 round trips, not 1,000.
 * The first failure stops (the caller rolls back).
 */
static int
send_chunks(CliDb *db, MigFile *files, int n, Buf *report, CliErr *err)
{
	const char *params[SEND_CHUNK * 2];
	char	   *texts[SEND_CHUNK];
	char	   *vals[SEND_CHUNK];
	int			start,
				k,
				m,
				failed,
				rc = 0;

	for (start = 0; start < n && rc == 0; start += SEND_CHUNK)
	{
		m = n - start < SEND_CHUNK ? n - start : SEND_CHUNK;
		for (k = 0; k < m; k++)
		{
			if ((texts[k] = read_file(files[start + k].path, err)) == NULL)
				break;
			params[2 * k] = files[start + k].send;
			params[2 * k + 1] = texts[k];
		}
		if (k < m)
			rc = -1;
		else
		{
			rc = cli_db_exec_each(db, "SELECT covet_load_text($1, $2)", 2, params, m,
								  vals, &failed, err);
			if (rc != 0 && failed >= 0 && failed < m)
				name_file(err, files[start + failed].send);
			for (k = 0; k < m; k++)
			{
				if (vals[k] != NULL)
					buf_line(report, vals[k]);
				free(vals[k]);
			}
		}
		while (k-- > 0)
			free(texts[k]);
	}
	return rc;
}

/*
 * Send every file of o->dir with covet_load_text, each report line into
 * report.  own_txn: in a transaction of its own (committed); else the
 * caller has one open.  tolerant: a file that fails is rolled back alone
 * (a savepoint each) and its error goes to report as a line instead.
 */
static int
send_files(CliDb *db, const CliOpts *o, bool own_txn, bool tolerant, Buf *report,
		   CliErr *err)
{
	MigFile    *files;
	int			n,
				i,
				rc;

	if (list_files(o, &files, &n, err) != 0)
		return -1;
	if (own_txn && exec_simple(db, "BEGIN", err) != 0)
	{
		files_free(files, n);
		return -1;
	}
	if (!tolerant && send_chunks(db, files, n, report, err) != 0)
		goto fail;
	/* tolerant: one at a time, each in a savepoint */
	for (i = 0; tolerant && i < n; i++)
	{
		CliResult	res = {0};
		const char *p[2];
		char	   *text = read_file(files[i].path, err);

		if (text == NULL)
			goto fail;
		p[0] = files[i].send;
		p[1] = text;
		if (tolerant && exec_simple(db, "SAVEPOINT covet_cli_file", err) != 0)
		{
			free(text);
			goto fail;
		}
		rc = cli_db_exec(db, "SELECT covet_load_text($1, $2)", 2, p, &res, err);
		free(text);
		if (rc != 0 && tolerant)
		{
			char		line[1024];
			bool		locked = cli_err_exit_code(err) == CLI_EXIT_LOCKED;

			/* another runner holds the lock: the other files would wait too */
			if (locked)
				snprintf(line, sizeof(line), "not loaded: %s and the files after it: %s",
						 files[i].send, err->message);
			else
				snprintf(line, sizeof(line), "not loaded: %s: %s", files[i].send, err->message);
			buf_line(report, line);
			cli_err_free(err);
			if (exec_simple(db, "ROLLBACK TO SAVEPOINT covet_cli_file", err) != 0)
				goto fail;
			if (locked)
				break;
			continue;
		}
		if (rc != 0)
		{
			/* name the file: the error may not */
			if (err->message && strstr(err->message, files[i].send) == NULL)
			{
				char	   *m = malloc(strlen(err->message) + strlen(files[i].send) + 3);

				sprintf(m, "%s: %s", files[i].send, err->message);
				free(err->message);
				err->message = m;
			}
			goto fail;
		}
		buf_line(report, cli_result_get(&res, 0, 0));
		cli_result_free(&res);
		if (tolerant && exec_simple(db, "RELEASE SAVEPOINT covet_cli_file", err) != 0)
			goto fail;
	}
	files_free(files, n);
	if (own_txn && exec_simple(db, "COMMIT", err) != 0)
		return -1;
	return 0;

fail:
	files_free(files, n);
	if (own_txn)
	{
		CliErr		ignore = {0};

		exec_simple(db, "ROLLBACK", &ignore);
		cli_err_free(&ignore);
	}
	return -1;
}

/* Whether o->dir exists. */
static bool
dir_exists(const CliOpts *o)
{
	struct stat st;

	return stat(o->dir, &st) == 0 && S_ISDIR(st.st_mode);
}

/* ---- output -------------------------------------------------------------- */

/* Load report lines a human wants to see: not "unchanged ...". */
static void
print_load_report(const CliOpts *o, const char *report)
{
	const char *p = report;

	if (o->quiet || report == NULL)
		return;
	while (p && *p)
	{
		const char *nl = strchr(p, '\n');
		int			len = nl ? (int) (nl - p) : (int) strlen(p);

		if (strncmp(p, "unchanged ", 10) != 0)
			printf("%.*s\n", len, p);
		p = nl ? nl + 1 : NULL;
	}
}

/*
 * The end of a command that ran covet's function: the report, or the
 * error with its exit code.  loaded: the load report, or NULL.
 */
static int
finish(const CliOpts *o, const char *command, int rc, const char *loaded,
	   const char *report, CliErr *err, int fail_code)
{
	if (rc != 0)
	{
		int			code = cli_err_exit_code(err);

		if (fail_code != 0 && code == CLI_EXIT_FAILED && err->message != NULL &&
			strncmp(err->message, "dry run", 7) == 0)
			code = fail_code;
		if (!o->json)
			print_load_report(o, loaded);
		code = cli_err_report_code(err, o->json, code);
		cli_err_free(err);
		return code;
	}
	if (o->json)
	{
		printf("{\"ok\": true, \"command\": ");
		cli_json_str(stdout, command);
		if (loaded != NULL)
		{
			printf(", \"loaded\": ");
			cli_json_lines(stdout, loaded);
		}
		printf(", \"report\": ");
		cli_json_lines(stdout, report ? report : "");
		printf("}\n");
	}
	else
	{
		print_load_report(o, loaded);
		if (report != NULL && report[0] != '\0')
			printf("%s\n", report);
	}
	return CLI_EXIT_OK;
}

/* ---- covet new ----------------------------------------------------------- */

static bool
valid_name(const char *s)
{
	const char *p;

	if (s[0] == '\0' || strlen(s) > 100)
		return false;
	for (p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			  (*p >= '0' && *p <= '9') || *p == '_' || *p == '-' || *p == '.'))
			return false;
	return true;
}

/* mkdir -p: 0, or -1 (errno says why) */
int
cli_make_dirs(const char *dir)
{
	char	   *p = strdup(dir),
			   *s;
	int			rc = 0;

	for (s = p + 1; *s; s++)
	{
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0777) != 0 && errno != EEXIST)
			rc = -1;
		*s = '/';
	}
	if (rc == 0 && mkdir(p, 0777) != 0 && errno != EEXIST)
		rc = -1;
	free(p);
	return rc;
}

static int
cmd_new(const CliOpts *o, int argc, char **argv)
{
	const CliCmd *cmd = cli_find_cmd("new");
	char	   *pos[1];
	int			npos,
				fd;
	char		stamp[32],
				file[64 + 128];
	char	   *path;
	time_t		now = time(NULL);
	struct tm	tm;
	CliErr		err = {0};
	static const char body[] =
		"-- covet:up\n\n"
		"-- covet:down\n\n";

	if (cli_parse_args(o, cmd, argc, argv, NULL, pos, 1, &npos) != 0)
		return CLI_EXIT_USAGE;
	if (npos != 1)
		return cli_usage_error(o, cmd, "covet new needs the migration's name");
	if (!valid_name(pos[0]))
		return cli_usage_error(o, cmd, "invalid migration name \"%s\": use letters, digits, _, - and . (at most 100)",
							   pos[0]);
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d%H%M%S", &tm);
	snprintf(file, sizeof(file), "%s_%s.sql", stamp, pos[0]);
	if (cli_make_dirs(o->dir) != 0)
	{
		cli_err_set(&err, "58030", NULL, NULL, "could not create directory \"%s\": %s",
					o->dir, strerror(errno));
		return finish(o, "new", -1, NULL, NULL, &err, 0);
	}
	path = join(o->dir, file);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0666);
	if (fd < 0 || write(fd, body, sizeof(body) - 1) != (ssize_t) (sizeof(body) - 1))
	{
		cli_err_set(&err, "58030", NULL, NULL, "could not create file \"%s\": %s",
					path, strerror(errno));
		if (fd >= 0)
			close(fd);
		free(path);
		return finish(o, "new", -1, NULL, NULL, &err, 0);
	}
	close(fd);
	if (o->json)
	{
		printf("{\"ok\": true, \"command\": \"new\", \"file\": ");
		cli_json_str(stdout, path);
		printf("}\n");
	}
	else
		printf("created %s\n", path);
	free(path);
	return CLI_EXIT_OK;
}

/* ---- covet migrate up / down --------------------------------------------- */

static bool
all_digits(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* The runner's call: its report in *report (malloc'd). */
static int
run_runner(CliDb *db, const char *sql, int np, const char **p, char **report,
		   CliErr *err)
{
	CliResult	res = {0};
	const char *r;

	*report = NULL;
	if (cli_db_exec(db, sql, np, p, &res, err) != 0)
		return -1;
	r = cli_result_get(&res, 0, res.ncols - 1);
	*report = strdup(r ? r : "");
	cli_result_free(&res);
	return 0;
}

static int
migrate_up(const CliOpts *o, const CliCmd *cmd, int argc, char **argv)
{
	const char *to = NULL;
	bool		dry = false,
				aon = false;
	const CliOptSpec specs[] = {
		{"--to", &to, NULL},
		{"--dry-run", NULL, &dry},
		{"--all-or-nothing", NULL, &aon},
		{NULL}
	};
	char	   *pos[1];
	int			npos,
				rc;
	CliErr		err = {0};
	CliDb	   *db;
	Buf			loaded = {0};
	char	   *report = NULL;
	const char *p[2];
	const char *sql;
	CliMigProgress *prog;

	if (cli_parse_args(o, cmd, argc - 1, argv + 1, specs, pos, 0, &npos) != 0)
		return CLI_EXIT_USAGE;
	if ((db = cli_connect(o, false, &err)) == NULL)
		return finish(o, "migrate up", -1, NULL, NULL, &err, 0);
	rc = send_files(db, o, true, false, &loaded, &err);
	if (rc == 0)
	{
		p[0] = to;
		p[1] = dry ? "true" : "false";
		if (aon)
			sql = cli_db_is_pg(db) ? "SELECT covet_migrate_up($1::text, $2::boolean)"
				: "SELECT covet_migrate_up($1, $2)";
		else
			sql = cli_db_is_pg(db) ? "CALL covet_migrate_up_commit($1::text, $2::boolean)"
				: "SELECT covet_migrate_up_commit($1, $2)";
		/* a data migration's run shows a bar (mig_progress.c) */
		prog = cli_mig_progress_start(o, db);
		rc = run_runner(db, sql, 2, p, &report, &err);
		cli_mig_progress_stop(prog);
	}
	cli_db_close(db);
	rc = finish(o, "migrate up", rc, loaded.s ? loaded.s : "", report, &err,
				dry ? CLI_EXIT_FINDING : 0);
	free(loaded.s);
	free(report);
	return rc;
}

static int
migrate_down(const CliOpts *o, const CliCmd *cmd, int argc, char **argv)
{
	const char *to = NULL;
	bool		dry = false,
				aon = false;
	const CliOptSpec specs[] = {
		{"--to", &to, NULL},
		{"--dry-run", NULL, &dry},
		{"--all-or-nothing", NULL, &aon},
		{NULL}
	};
	char	   *pos[1];
	int			npos,
				rc;
	CliErr		err = {0};
	CliDb	   *db;
	char	   *report = NULL;
	const char *p[2];
	char		sql[256];
	const char *fn;

	if (cli_parse_args(o, cmd, argc - 1, argv + 1, specs, pos, 1, &npos) != 0)
		return CLI_EXIT_USAGE;
	if (npos == 1 && to != NULL)
		return cli_usage_error(o, cmd, "give either N or --to NAME, not both");
	if (npos == 1 && (!all_digits(pos[0]) || strlen(pos[0]) > 9))
		return cli_usage_error(o, cmd, "N must be a number of migrations, not \"%s\"", pos[0]);
	if ((db = cli_connect(o, false, &err)) == NULL)
		return finish(o, "migrate down", -1, NULL, NULL, &err, 0);
	fn = aon ? "covet_migrate_down" : "covet_migrate_down_commit";
	p[0] = to;
	p[1] = dry ? "true" : "false";
	if (to != NULL)
		snprintf(sql, sizeof(sql), "%s %s($1%s, $2%s)",
				 (cli_db_is_pg(db) && !aon) ? "CALL" : "SELECT", fn,
				 cli_db_is_pg(db) ? "::text" : "", cli_db_is_pg(db) ? "::boolean" : "");
	else
	{
		snprintf(sql, sizeof(sql), "%s %s(%s, $1%s)",
				 (cli_db_is_pg(db) && !aon) ? "CALL" : "SELECT", fn,
				 npos == 1 ? pos[0] : "1", cli_db_is_pg(db) ? "::boolean" : "");
		p[0] = p[1];
	}
	rc = run_runner(db, sql, to != NULL ? 2 : 1, p, &report, &err);
	cli_db_close(db);
	rc = finish(o, "migrate down", rc, NULL, report, &err, dry ? CLI_EXIT_FINDING : 0);
	free(report);
	return rc;
}

static int
cmd_migrate(const CliOpts *o, int argc, char **argv)
{
	const CliCmd *cmd = cli_find_cmd("migrate");

	if (argc < 2)
		return cli_usage_error(o, cmd, "covet migrate needs up or down");
	if (strcmp(argv[1], "up") == 0)
		return migrate_up(o, cmd, argc, argv);
	if (strcmp(argv[1], "down") == 0)
		return migrate_down(o, cmd, argc, argv);
	return cli_usage_error(o, cmd, "unknown migrate command \"%s\": use up or down", argv[1]);
}

/* ---- status, history, load --------------------------------------------- */

/* A result of some of res's columns (by name; "" for none). */
static void
project(const CliResult *res, const char *const *cols, CliResult *out)
{
	int			n = 0,
				i,
				j,
				k;
	int			idx[32];

	memset(out, 0, sizeof(*out));
	for (k = 0; cols[k] != NULL && n < 32; k++)
		for (j = 0; j < res->ncols; j++)
			if (strcmp(res->colnames[j], cols[k]) == 0)
				idx[n++] = j;
	out->ncols = n;
	out->nrows = res->nrows;
	out->colnames = calloc(n ? n : 1, sizeof(char *));
	out->values = calloc((size_t) res->nrows * n + 1, sizeof(char *));
	for (j = 0; j < n; j++)
		out->colnames[j] = strdup(res->colnames[idx[j]]);
	for (i = 0; i < res->nrows; i++)
		for (j = 0; j < n; j++)
		{
			const char *v = cli_result_get(res, i, idx[j]);

			out->values[(size_t) i * n + j] = v ? strdup(v) : NULL;
		}
}

static int
col_index(const CliResult *res, const char *name)
{
	int			j;

	for (j = 0; j < res->ncols; j++)
		if (strcmp(res->colnames[j], name) == 0)
			return j;
	return -1;
}

static int
cmd_status(const CliOpts *o, int argc, char **argv)
{
	const CliCmd *cmd = cli_find_cmd("status");
	char	   *pos[1];
	int			npos,
				rc,
				i;
	CliErr		err = {0};
	CliDb	   *db;
	CliResult	res = {0};
	Buf			loaded = {0};
	bool		have_dir;

	if (cli_parse_args(o, cmd, argc, argv, NULL, pos, 0, &npos) != 0)
		return CLI_EXIT_USAGE;
	if ((db = cli_connect(o, true, &err)) == NULL)
		return finish(o, "status", -1, NULL, NULL, &err, 0);
	have_dir = dir_exists(o);
	/* sending files takes the runner lock: do not wait long for it here */
	rc = cli_lock_timeout_given() ? 0 :
		cli_db_exec(db, "SELECT covet_set('lock_timeout', '2s')", 0, NULL, NULL, &err);
	if (rc == 0)
		rc = exec_simple(db, "BEGIN", &err);
	if (rc == 0 && have_dir)
		rc = send_files(db, o, false, true, &loaded, &err);
	if (rc == 0)
		rc = cli_db_exec(db, cli_db_is_pg(db) ?
						 "SELECT name, kind, state, depends_on,"
						 " pg_catalog.to_char(pg_catalog.timezone('UTC', applied_at),"
						 " 'YYYY-MM-DD HH24:MI:SS.MS') AS applied_at, duration_ms, rows, who,"
						 " checksum, applied_checksum, drift, statement, error FROM covet_status()"
						 : "SELECT * FROM covet_status()", 0, NULL, &res, &err);
	{
		CliErr		ignore = {0};

		exec_simple(db, "ROLLBACK", &ignore);
		cli_err_free(&ignore);
	}
	cli_db_close(db);
	if (rc != 0)
	{
		free(loaded.s);
		return finish(o, "status", rc, NULL, NULL, &err, 0);
	}
	if (o->json)
	{
		printf("{\"ok\": true, \"command\": \"status\", \"migrations\": ");
		cli_json_rows(stdout, &res);
		printf(", \"not_loaded\": [");
		{
			const char *p = loaded.s;
			bool		first = true;

			while (p && *p)
			{
				const char *nl = strchr(p, '\n');
				char	   *line = strndup(p, nl ? (size_t) (nl - p) : strlen(p));

				if (strncmp(line, "not loaded: ", 12) == 0)
				{
					if (!first)
						printf(", ");
					cli_json_str(stdout, line + 12);
					first = false;
				}
				free(line);
				p = nl ? nl + 1 : NULL;
			}
		}
		printf("]}\n");
	}
	else
	{
		static const char *const cols[] = {"name", "kind", "state", "applied_at", "note", NULL};
		CliResult	shown;
		int			drift = col_index(&res, "drift"),
					stmt = col_index(&res, "statement"),
					error = col_index(&res, "error"),
					state = col_index(&res, "state"),
					napplied = 0,
					npending = 0;
		bool		any_note = false;

		/* a "note" column: drift, or where an incomplete migration stopped */
		project(&res, cols, &shown);
		shown.colnames = realloc(shown.colnames, (shown.ncols + 1) * sizeof(char *));
		shown.colnames[shown.ncols] = strdup("note");
		{
			char	  **v = calloc((size_t) shown.nrows * (shown.ncols + 1) + 1, sizeof(char *));
			int			j;

			for (i = 0; i < shown.nrows; i++)
			{
				const char *st = cli_result_get(&res, i, state);
				const char *dv = cli_result_get(&res, i, drift);
				char		note[512] = "";

				for (j = 0; j < shown.ncols; j++)
					v[(size_t) i * (shown.ncols + 1) + j] = shown.values[(size_t) i * shown.ncols + j];
				if (dv && (strcmp(dv, "t") == 0 || strcmp(dv, "1") == 0))
					snprintf(note, sizeof(note), "checksum drift (covet repair accepts it)");
				else if (st && strcmp(st, "incomplete") == 0)
					snprintf(note, sizeof(note), "stopped after statement %s: %s",
							 cli_result_get(&res, i, stmt) ? cli_result_get(&res, i, stmt) : "0",
							 cli_result_get(&res, i, error) ? cli_result_get(&res, i, error) : "");
				v[(size_t) i * (shown.ncols + 1) + shown.ncols] = strdup(note);
				any_note |= note[0] != '\0';
				if (st && strcmp(st, "applied") == 0)
					napplied++;
				else if (st && strcmp(st, "pending") == 0)
					npending++;
			}
			free(shown.values);
			shown.values = v;
			shown.ncols++;
			/* no note at all: no note column */
			if (!any_note)
			{
				for (i = 0; i < shown.nrows; i++)
				{
					free(v[(size_t) i * shown.ncols + shown.ncols - 1]);
					for (j = 0; j < shown.ncols - 1; j++)
						v[(size_t) i * (shown.ncols - 1) + j] = v[(size_t) i * shown.ncols + j];
				}
				free(shown.colnames[--shown.ncols]);
			}
		}
		cli_print_table(stdout, &shown);
		cli_result_free(&shown);
		if (!o->quiet)
		{
			const char *p = loaded.s;

			printf("%d applied, %d pending\n", napplied, npending);
			while (p && *p)
			{
				const char *nl = strchr(p, '\n');
				int			len = nl ? (int) (nl - p) : (int) strlen(p);

				if (strncmp(p, "not loaded: ", 12) == 0)
					printf("WARNING: %.*s\n", len, p);
				p = nl ? nl + 1 : NULL;
			}
		}
	}
	cli_result_free(&res);
	free(loaded.s);
	return CLI_EXIT_OK;
}

static int
cmd_history(const CliOpts *o, int argc, char **argv)
{
	const CliCmd *cmd = cli_find_cmd("history");
	char	   *pos[1];
	int			npos,
				rc = 0;
	CliErr		err = {0};
	CliDb	   *db;
	CliResult	res = {0};
	char		sql[512];
	const char *p[1];

	if (cli_parse_args(o, cmd, argc, argv, NULL, pos, 1, &npos) != 0)
		return CLI_EXIT_USAGE;
	if ((db = cli_connect(o, true, &err)) == NULL)
		return finish(o, "history", -1, NULL, NULL, &err, 0);
	p[0] = npos ? pos[0] : NULL;
	if (!cli_db_is_pg(db) && !cli_db_has_table(db, "history"))
		rc = cli_db_exec(db, "SELECT NULL AS id, NULL AS name, NULL AS action, NULL AS started_at,"
						 " NULL AS duration_ms, NULL AS statements, NULL AS rows, NULL AS who,"
						 " NULL AS outcome, NULL AS detail WHERE 0", 0, NULL, &res, &err);
	else
	{
		snprintf(sql, sizeof(sql),
				 "SELECT id, name, action, %s AS started_at, duration_ms, statements, rows, who,"
				 " outcome, detail FROM %s WHERE $1%s IS NULL OR name = $1 ORDER BY id",
				 cli_db_is_pg(db) ? "pg_catalog.to_char(pg_catalog.timezone('UTC', started_at), 'YYYY-MM-DD HH24:MI:SS.MS')"
				 : "substr(started_at, 1, 23)",
				 cli_db_table(db, "history"), cli_db_is_pg(db) ? "::text" : "");
		rc = cli_db_exec(db, sql, 1, p, &res, &err);
	}
	cli_db_close(db);
	if (rc != 0)
		return finish(o, "history", rc, NULL, NULL, &err, 0);
	cli_print_rows(o->json, "history", "history", &res);
	cli_result_free(&res);
	return CLI_EXIT_OK;
}

static int
cmd_load(const CliOpts *o, int argc, char **argv)
{
	const CliCmd *cmd = cli_find_cmd("load");
	char	   *pos[1];
	int			npos,
				rc;
	CliErr		err = {0};
	CliDb	   *db;
	Buf			loaded = {0};

	if (cli_parse_args(o, cmd, argc, argv, NULL, pos, 0, &npos) != 0)
		return CLI_EXIT_USAGE;
	if ((db = cli_connect(o, false, &err)) == NULL)
		return finish(o, "load", -1, NULL, NULL, &err, 0);
	rc = send_files(db, o, true, false, &loaded, &err);
	cli_db_close(db);
	rc = finish(o, "load", rc, NULL, loaded.s ? loaded.s : "", &err, 0);
	free(loaded.s);
	return rc;
}

/* ---- baseline, repair, adopt, mark-applied, mark-rolled-back, forget ---- */

/*
 * One of covet's functions of at most one name argument: send the files
 * first when load is set (the migrations must be defined), then
 * SELECT fn($1).
 */
static int
simple_call(const CliOpts *o, int argc, char **argv, const char *name,
			const char *fn, int nargs, bool optional, bool load)
{
	const CliCmd *cmd = cli_find_cmd(name);
	char	   *pos[1];
	int			npos,
				rc = 0;
	CliErr		err = {0};
	CliDb	   *db;
	Buf			loaded = {0};
	char	   *report = NULL;
	char		sql[128];
	const char *p[1];

	if (cli_parse_args(o, cmd, argc, argv, NULL, pos, nargs, &npos) != 0)
		return CLI_EXIT_USAGE;
	if (npos < nargs && !optional)
		return cli_usage_error(o, cmd, "covet %s needs the migration's name", name);
	if ((db = cli_connect(o, false, &err)) == NULL)
		return finish(o, name, -1, NULL, NULL, &err, 0);
	if (load && dir_exists(o))
		rc = send_files(db, o, true, false, &loaded, &err);
	if (rc == 0)
	{
		p[0] = npos ? pos[0] : NULL;
		if (nargs == 0)
			snprintf(sql, sizeof(sql), "SELECT %s()", fn);
		else if (npos == 0)
			snprintf(sql, sizeof(sql), "SELECT %s()", fn);
		else
			snprintf(sql, sizeof(sql), "SELECT %s($1)", fn);
		rc = run_runner(db, sql, npos, p, &report, &err);
	}
	cli_db_close(db);
	rc = finish(o, name, rc, load ? (loaded.s ? loaded.s : "") : NULL, report, &err, 0);
	free(loaded.s);
	free(report);
	return rc;
}

static int
cmd_baseline(const CliOpts *o, int argc, char **argv)
{
	return simple_call(o, argc, argv, "baseline", "covet_baseline", 1, false, true);
}

static int
cmd_repair(const CliOpts *o, int argc, char **argv)
{
	return simple_call(o, argc, argv, "repair", "covet_repair", 1, true, false);
}

static int
cmd_adopt(const CliOpts *o, int argc, char **argv)
{
	return simple_call(o, argc, argv, "adopt", "covet_adopt", 0, false, true);
}

static int
cmd_mark_applied(const CliOpts *o, int argc, char **argv)
{
	return simple_call(o, argc, argv, "mark-applied", "covet_mark_applied", 1, false, true);
}

static int
cmd_mark_rolled_back(const CliOpts *o, int argc, char **argv)
{
	return simple_call(o, argc, argv, "mark-rolled-back", "covet_mark_rolled_back", 1, false, false);
}

static int
cmd_forget(const CliOpts *o, int argc, char **argv)
{
	return simple_call(o, argc, argv, "forget", "covet_forget", 1, false, false);
}

const CliCmd cli_migrate_cmds[] = {
	{"new", cmd_new, "create a timestamped migration file in --dir",
		"Usage: covet new NAME\n\n"
		"Create --dir/YYYYMMDDHHMMSS_NAME.sql (UTC) with empty -- covet:up and\n"
	"-- covet:down sections; the directory is created if missing.\n"},
	{"migrate", cmd_migrate, "apply (up) or roll back (down) migrations",
		"Usage: covet migrate up [--to NAME] [--dry-run] [--all-or-nothing]\n"
		"       covet migrate down [N | --to NAME] [--dry-run] [--all-or-nothing]\n\n"
		"up     sends every file of --dir (covet_load_text), then applies the\n"
		"       pending migrations in order, up to and including --to NAME,\n"
		"       committing each with its history row (covet_migrate_up_commit).\n"
		"down   rolls back the last N applied migrations (default 1), or every\n"
		"       migration applied after --to NAME, latest first, committing each.\n\n"
		"  --dry-run          run and roll back; an error exits 4\n"
		"  --all-or-nothing   one transaction for the whole run (covet_migrate_up,\n"
	"                     covet_migrate_down)\n"},
	{"status", cmd_status, "every migration and its state (files included)",
		"Usage: covet status\n\n"
		"Every migration, defined or in a file of --dir, in plan order with its\n"
		"state (pending, applied, incomplete) and checksum drift.  Writes nothing\n"
	"(the files are sent in a transaction that is rolled back).\n"},
	{"history", cmd_history, "every action on migrations (or on NAME)",
		"Usage: covet history [NAME]\n\n"
		"The history of applies, rollbacks, baselines, repairs and the rest, oldest\n"
	"first; with NAME only that migration's.\n"},
	{"load", cmd_load, "send the files of --dir without applying them",
		"Usage: covet load\n\n"
		"Define (or redefine) every migration of --dir with covet_load_text, in one\n"
	"transaction, without applying anything.\n"},
	{"baseline", cmd_baseline, "mark every migration up to NAME applied",
		"Usage: covet baseline NAME\n\n"
		"Send the files, then mark every migration up to NAME (plan order) applied\n"
	"without running it (covet_baseline).\n"},
	{"repair", cmd_repair, "accept drifted checksums, clear an incomplete state",
		"Usage: covet repair [NAME]\n\n"
		"Accept the current text of applied migrations whose checksum drifted; with\n"
	"NAME also clear its incomplete state (covet_repair).\n"},
	{"adopt", cmd_adopt, "take over another tool's applied migrations",
		"Usage: covet adopt\n\n"
		"Send the files, then mark applied what the tool they came from\n"
		"(golang-migrate, dbmate, goose, Flyway, sqitch) recorded as applied\n"
	"(covet_adopt).\n"},
	{"mark-applied", cmd_mark_applied, "record NAME applied without running it",
		"Usage: covet mark-applied NAME\n\n"
	"Send the files, then record NAME applied without running it (covet_mark_applied).\n"},
	{"mark-rolled-back", cmd_mark_rolled_back, "record NAME rolled back without running it",
		"Usage: covet mark-rolled-back NAME\n\n"
	"Record NAME rolled back without running its down section (covet_mark_rolled_back).\n"},
	{"forget", cmd_forget, "remove a pending definition",
		"Usage: covet forget NAME\n\n"
	"Remove the definition of a pending migration nothing depends on (covet_forget).\n"},
	{NULL}
};

/*
 * For other modules (cmd_schema.c): send the files of o->dir, when it
 * exists, in a transaction of their own (own_txn) or the caller's; *report
 * gets the load report (malloc'd, or NULL).
 */
int
cli_send_dir(CliDb *db, const CliOpts *o, bool own_txn, char **report, CliErr *err)
{
	Buf			loaded = {0};
	int			rc = 0;

	*report = NULL;
	if (dir_exists(o))
		rc = send_files(db, o, own_txn, false, &loaded, err);
	if (rc == 0)
		*report = loaded.s;
	else
		free(loaded.s);
	return rc;
}
