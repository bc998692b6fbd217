/*-------------------------------------------------------------------------
 *
 * schemagen.c
 *		covet_makemigration and covet_squash for SQLite.
 *
 *     sqlite> SELECT covet_makemigration('0007_email', 'main',
 *        ...>   'CREATE TABLE users (id integer PRIMARY KEY, email text)',
 *        ...>   NULL, 0, 'migrations');
 *     sqlite> SELECT covet_squash('0001_init', '0040_orders', '0040_squashed');
 *
 * covet_makemigration(name, source, target [, renames [, allow_data_loss
 * [, directory]]]): an SQL target is built in an in-memory database
 * attached as covet_diff_target; with a directory the files are written
 * there (never over an existing file).  covet_squash(first, last, name [,
 * elide [, renames [, allow_data_loss]]]) applies the migrations on a new
 * in-memory connection of its own, where unqualified names land in its
 * main database.
 *
 *-------------------------------------------------------------------------
 */
#include "covet_sqlite.h"
#include "schemagen.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Write a new file; an existing one is an error (O_EXCL). */
static CovetStatus
write_new_file(void *ctx, const char *path, const char *data, size_t len,
			   CovetError *err)
{
	int			fd;
	size_t		done = 0;

	(void) ctx;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
	if (fd < 0)
		return covet_error_set(err, errno == EEXIST ? COVET_ERR_DUPLICATE : COVET_ERR_IO,
							   "could not create \"%s\": %s", path, strerror(errno));
	while (done < len)
	{
		ssize_t		w = write(fd, data + done, len - done);

		if (w < 0)
		{
			int			e = errno;

			close(fd);
			return covet_error_set(err, COVET_ERR_IO, "could not write \"%s\": %s", path, strerror(e));
		}
		done += (size_t) w;
	}
	if (close(fd) != 0)
		return covet_error_set(err, COVET_ERR_IO, "could not write \"%s\": %s", path, strerror(errno));
	return COVET_OK;
}

static bool
is_sql_text(const char *s)
{
	return strpbrk(s, " \t\r\n(;") != NULL;
}

static bool
required(sqlite3_context *ctx, int argc, sqlite3_value **argv, int n,
		 const char *names)
{
	char		name[64];
	const char *p = names;
	int			i;

	for (i = 0; i < n; i++)
	{
		size_t		len = strcspn(p, " ");

		if (i >= argc || sqlite3_value_type(argv[i]) == SQLITE_NULL)
		{
			snprintf(name, sizeof(name), "%.*s", (int) len, p);
			covet_sqlite_error_text(ctx, COVET_ERR_NULL, "%s must not be null", name);
			return false;
		}
		p += len + (p[len] == ' ');
	}
	return true;
}

static void
result_text(sqlite3_context *ctx, SqliteCall *call, CovetStatus rc, char *text,
			const CovetError *err)
{
	if (rc == COVET_OK && text == NULL)
	{
		covet_sqlite_call_done(call);
		sqlite3_result_null(ctx);
		return;
	}
	covet_sqlite_finish(ctx, call, rc, text, err);
}

static void
fn_makemigration(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	SqliteCall	call;
	CovetMakeMigration a;
	CovetError	err;
	char	   *text = NULL;
	CovetStatus rc;

	if (!covet_sqlite_no_nul(ctx, argc, argv, "name source target renames allow_data_loss directory") ||
		!required(ctx, argc, argv, 3, "name source target"))
		return;
	memset(&a, 0, sizeof(a));
	a.name = covet_sqlite_arg_text(argc, argv, 0);
	a.diff.source = covet_sqlite_arg_text(argc, argv, 1);
	a.diff.target = covet_sqlite_arg_text(argc, argv, 2);
	a.diff.renames = covet_sqlite_arg_text(argc, argv, 3);
	a.directory = covet_sqlite_arg_text(argc, argv, 5);
	if (!covet_sqlite_arg_bool(ctx, argc, argv, 4, "covet_makemigration", "allow_data_loss",
							   false, &a.allow_data_loss))
		return;
	a.diff.target_is_sql = is_sql_text(a.diff.target);
	a.diff.scratch_name = "covet_diff_target";
	a.diff.scratch_create = "ATTACH ':memory:' AS \"covet_diff_target\"";
	a.diff.scratch_drop = "DETACH \"covet_diff_target\"";
	covet_sqlite_call_init(&call, sqlite3_user_data(ctx));
	call.driver.write_file = write_new_file;
	rc = covet_makemigration_run(&call.driver, &a, &text, &err);
	result_text(ctx, &call, rc, text, &err);
}

static void
fn_squash(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	SqliteCall	call,
				scall;
	CovetConn	sconn;
	CovetSquash a;
	CovetError	err;
	char	   *text = NULL;
	sqlite3    *sdb = NULL;
	CovetStatus rc;

	if (!covet_sqlite_no_nul(ctx, argc, argv, "first last name elide renames allow_data_loss") ||
		!required(ctx, argc, argv, 3, "first last name"))
		return;
	memset(&a, 0, sizeof(a));
	a.first = covet_sqlite_arg_text(argc, argv, 0);
	a.last = covet_sqlite_arg_text(argc, argv, 1);
	a.name = covet_sqlite_arg_text(argc, argv, 2);
	a.elide = covet_sqlite_arg_text(argc, argv, 3);
	a.renames = covet_sqlite_arg_text(argc, argv, 4);
	if (!covet_sqlite_arg_bool(ctx, argc, argv, 5, "covet_squash", "allow_data_loss",
							   false, &a.allow_data_loss))
		return;
	if (sqlite3_open_v2(":memory:", &sdb, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
	{
		sqlite3_close(sdb);
		sqlite3_result_error_nomem(ctx);
		return;
	}
	memset(&sconn, 0, sizeof(sconn));
	sconn.db = sdb;
	covet_sqlite_call_init(&scall, &sconn);
	a.scratch = &scall.driver;
	a.scratch_schema = "main";
	covet_sqlite_call_init(&call, sqlite3_user_data(ctx));
	rc = covet_squash_run(&call.driver, &a, &text, &err);
	covet_sqlite_call_done(&scall);
	sqlite3_close(sdb);
	result_text(ctx, &call, rc, text, &err);
}

#define RUNS_SQL (SQLITE_UTF8 | SQLITE_DIRECTONLY)

static const struct
{
	const char *name;
	int			min_args;
	int			max_args;
	int			flags;
	void		(*fn) (sqlite3_context *, int, sqlite3_value **);
}			functions[] = {
	{"covet_makemigration", 3, 6, RUNS_SQL, fn_makemigration},
	{"covet_squash", 3, 6, RUNS_SQL, fn_squash},
};

int
covet_schemagen_register(sqlite3 *db, CovetConn *conn, char **pzErrMsg)
{
	size_t		i;
	int			n,
				rc;

	for (i = 0; i < sizeof(functions) / sizeof(functions[0]); i++)
		for (n = functions[i].min_args; n <= functions[i].max_args; n++)
		{
			rc = sqlite3_create_function_v2(db, functions[i].name, n, functions[i].flags,
											conn, functions[i].fn, NULL, NULL, NULL);
			if (rc != SQLITE_OK)
			{
				*pzErrMsg = sqlite3_mprintf("covet: could not register %s: %s",
											functions[i].name, sqlite3_errmsg(db));
				return rc;
			}
		}
	return SQLITE_OK;
}
