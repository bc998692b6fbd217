/*-------------------------------------------------------------------------
 *
 * db.c
 *	  The `covet` command's connections: PostgreSQL through libpq, SQLite
 *	  with the covet extension linked in.
 *
 * One interface over both engines (cli.h): open a URL, run one statement
 * with text parameters written $1, $2, ..., get every value back as text,
 * and errors split into SQLSTATE, message, detail and hint.
 *
 *	  postgresql://..., postgres://...	libpq; any other string holding '='
 *	  host=... dbname=...				is a libpq conninfo too (PG*
 *										variables and ~/.pgpass apply)
 *	  sqlite:PATH, or a plain path		SQLite; covet's functions are there
 *										from the start (sqlite3_auto_extension)
 *
 * SQLite: the binding (sqlite_ext/) is compiled into the command with
 * -DSQLITE_CORE, so its sqlite3ext.h calls are direct calls and nothing is
 * loaded at run time.  SQLite numbers "$1" by first appearance, so the
 * statement's $N become ?N before it is prepared (outside quotes only).
 * covet's SQLite errors come as one text, "message\nDETAIL: ...\nHINT:
 * ...", the way the extension reports them: they are split back into
 * their parts here.  covet's runner lock (SQLITE_BUSY from covet) and a
 * busy database get SQLSTATE 55P03, as PostgreSQL's lock errors have.
 *
 * src/cli/db.c
 *
 *-------------------------------------------------------------------------
 */
#include "cli.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "covet_sqlite.h"
#ifndef COVET_CLI_NO_LIBPQ
#include <libpq-fe.h>
#endif

/* The SQLite binding's entry point (sqlite_ext/covet_sqlite.c). */
extern int	sqlite3_covet_init(sqlite3 *db, char **pzErrMsg,
							   const void *pApi);

struct CliDb
{
	bool		pg;
	sqlite3    *lite;
	volatile int *yield_flag;	/* cli_db_yield_writes */
#ifndef COVET_CLI_NO_LIBPQ
	PGconn	   *conn;
#endif
};

/* ---- errors ---------------------------------------------------------------- */

static char *
dup_or_null(const char *s)
{
	return (s != NULL && s[0] != '\0') ? strdup(s) : NULL;
}

void
cli_err_free(CliErr *err)
{
	if (err == NULL)
		return;
	free(err->message);
	free(err->detail);
	free(err->hint);
	memset(err, 0, sizeof(*err));
}

void
cli_err_set(CliErr *err, const char *sqlstate, const char *detail,
			const char *hint, const char *fmt,...)
{
	va_list		ap;
	char		buf[4096];

	cli_err_free(err);
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	snprintf(err->sqlstate, sizeof(err->sqlstate), "%s", sqlstate ? sqlstate : "");
	err->message = strdup(buf);
	err->detail = dup_or_null(detail);
	err->hint = dup_or_null(hint);
}

#ifndef COVET_CLI_NO_LIBPQ
/* Strip trailing newlines (libpq's messages end with one). */
static void
chomp(char *s)
{
	size_t		n;

	if (s == NULL)
		return;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = '\0';
}
#endif

/*
 * A SQLite error of covet's: "message\nDETAIL: detail\nHINT: hint" (either
 * part may be missing).
 */
static void
split_sqlite_error(CliErr *err, const char *text)
{
	const char *d = strstr(text, "\nDETAIL: ");
	const char *h = strstr(text, "\nHINT: ");
	const char *end = d ? d : (h ? h : text + strlen(text));

	err->message = strndup(text, end - text);
	if (d != NULL)
	{
		const char *dend = (h != NULL && h > d) ? h : d + strlen(d);

		err->detail = strndup(d + 9, dend - (d + 9));
	}
	if (h != NULL)
		err->hint = strdup(h + 7);
}

int
cli_err_exit_code(const CliErr *err)
{
	if (err == NULL || err->message == NULL)
		return CLI_EXIT_OK;
	/* another runner holds covet's runner lock, or carries out the run */
	if (strcmp(err->sqlstate, "55P03") == 0 &&
		(strstr(err->message, "lock is held") != NULL ||
		 strstr(err->message, "database is locked") != NULL))
		return CLI_EXIT_LOCKED;
	if (strcmp(err->sqlstate, "55006") == 0)
		return CLI_EXIT_LOCKED;
	return CLI_EXIT_FAILED;
}

int
cli_err_report(const CliErr *err, bool json)
{
	return cli_err_report_code(err, json, cli_err_exit_code(err));
}

int
cli_err_report_code(const CliErr *err, bool json, int code)
{
	const char *msg = err->message ? err->message : "unknown error";

	if (code == CLI_EXIT_OK)
		code = CLI_EXIT_FAILED;
	if (json)
	{
		fflush(stdout);
		printf("{\"ok\": false, \"exit\": %d, \"error\": {\"sqlstate\": ", code);
		cli_json_str(stdout, err->sqlstate[0] ? err->sqlstate : NULL);
		printf(", \"message\": ");
		cli_json_str(stdout, msg);
		printf(", \"detail\": ");
		cli_json_str(stdout, err->detail);
		printf(", \"hint\": ");
		cli_json_str(stdout, err->hint);
		printf("}}\n");
		fflush(stdout);
		return code;
	}
	fflush(stdout);
	fprintf(stderr, "covet: ERROR: %s\n", msg);
	if (err->detail)
		fprintf(stderr, "DETAIL: %s\n", err->detail);
	if (err->hint)
		fprintf(stderr, "HINT: %s\n", err->hint);
	return code;
}

/* ---- results --------------------------------------------------------------- */

const char *
cli_result_get(const CliResult *res, int row, int col)
{
	if (res == NULL || row < 0 || row >= res->nrows || col < 0 || col >= res->ncols)
		return NULL;
	return res->values[(size_t) row * res->ncols + col];
}

void
cli_result_free(CliResult *res)
{
	int			i;

	if (res == NULL)
		return;
	for (i = 0; i < res->ncols; i++)
		free(res->colnames[i]);
	if (res->values != NULL)
		for (i = 0; i < res->nrows * res->ncols; i++)
			free(res->values[i]);
	free(res->colnames);
	free(res->values);
	memset(res, 0, sizeof(*res));
}

/* ---- opening --------------------------------------------------------------- */

static bool
is_pg_url(const char *url)
{
	return strncmp(url, "postgresql://", 13) == 0 ||
		strncmp(url, "postgres://", 11) == 0 ||
		(strncmp(url, "sqlite:", 7) != 0 && strchr(url, '=') != NULL);
}

bool
cli_db_is_pg(const CliDb *db)
{
	return db->pg;
}

#ifndef COVET_CLI_NO_LIBPQ
/* NOTICEs and WARNINGs of the server go to stderr unless COVET_QUIET is set. */
static void
pg_notice(void *arg, const PGresult *res)
{
	const char *sev = PQresultErrorField(res, PG_DIAG_SEVERITY);
	const char *msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	const char *detail = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);
	const char *hint = PQresultErrorField(res, PG_DIAG_MESSAGE_HINT);

	(void) arg;
	if (getenv("COVET_QUIET") != NULL)
		return;
	fprintf(stderr, "covet: %s: %s\n", sev ? sev : "NOTICE", msg ? msg : "");
	if (detail)
		fprintf(stderr, "DETAIL: %s\n", detail);
	if (hint)
		fprintf(stderr, "HINT: %s\n", hint);
}

static CliDb *
open_pg(const char *url, CliErr *err)
{
	const char *keys[] = {"dbname", "fallback_application_name", NULL};
	const char *vals[] = {url, "covet", NULL};
	CliDb	   *db;
	PGconn	   *conn;

	conn = PQconnectdbParams(keys, vals, 1);
	if (conn == NULL || PQstatus(conn) != CONNECTION_OK)
	{
		char	   *msg = strdup(conn ? PQerrorMessage(conn) : "out of memory");

		chomp(msg);
		cli_err_set(err, "08001", NULL,
					"Check --db (or DATABASE_URL), the server, and the PG* variables or ~/.pgpass.",
					"could not connect to the database: %s", msg);
		free(msg);
		PQfinish(conn);
		return NULL;
	}
	PQsetNoticeReceiver(conn, pg_notice, NULL);
	if ((db = calloc(1, sizeof(*db))) == NULL)
	{
		PQfinish(conn);
		cli_err_set(err, "53200", NULL, NULL, "out of memory");
		return NULL;
	}
	db->pg = true;
	db->conn = conn;
	return db;
}
#endif

static CliDb *
open_sqlite(const char *path, bool must_exist, CliErr *err)
{
	static bool registered = false;
	struct stat st;
	CliDb	   *db;
	sqlite3    *lite = NULL;
	int			flags = SQLITE_OPEN_READWRITE;
	int			rc;

	if (!registered)
	{
		rc = sqlite3_auto_extension((void (*) (void)) sqlite3_covet_init);
		if (rc != SQLITE_OK)
		{
			cli_err_set(err, "", NULL, NULL, "could not register covet with SQLite: %s",
						sqlite3_errstr(rc));
			return NULL;
		}
		registered = true;
	}
	if (path[0] == '\0')
	{
		cli_err_set(err, "", NULL, "Give a file, as in --db sqlite:app.db.",
					"no SQLite file named in the database URL");
		return NULL;
	}
	if (strcmp(path, ":memory:") != 0 && stat(path, &st) != 0)
	{
		if (must_exist)
		{
			cli_err_set(err, "58P01", NULL,
						"Check --db (or DATABASE_URL); a command that writes (such as \"covet migrate up\") creates the file.",
						"database file \"%s\" does not exist", path);
			return NULL;
		}
	}
	if (!must_exist)
		flags |= SQLITE_OPEN_CREATE;
	rc = sqlite3_open_v2(path, &lite, flags, NULL);
	if (rc != SQLITE_OK)
	{
		cli_err_set(err, "58030", NULL, NULL, "could not open database file \"%s\": %s",
					path, lite ? sqlite3_errmsg(lite) : sqlite3_errstr(rc));
		sqlite3_close(lite);
		return NULL;
	}
	sqlite3_busy_timeout(lite, 10000);
	if ((db = calloc(1, sizeof(*db))) == NULL)
	{
		sqlite3_close(lite);
		cli_err_set(err, "53200", NULL, NULL, "out of memory");
		return NULL;
	}
	db->lite = lite;
	return db;
}

static CliDb *
open_url(const char *url, bool must_exist, CliErr *err)
{
	if (url == NULL || url[0] == '\0')
	{
		cli_err_set(err, "", NULL, "Use --db URL or DATABASE_URL.", "no database given");
		return NULL;
	}
	if (is_pg_url(url))
	{
#ifndef COVET_CLI_NO_LIBPQ
		return open_pg(url, err);
#else
		cli_err_set(err, "", NULL,
					"Install libpq-dev and run make again.",
					"this covet was built without libpq, so it cannot reach PostgreSQL");
		return NULL;
#endif
	}
	if (strncmp(url, "sqlite://", 9) == 0)
		return open_sqlite(url + 9, must_exist, err);
	if (strncmp(url, "sqlite:", 7) == 0)
		return open_sqlite(url + 7, must_exist, err);
	return open_sqlite(url, must_exist, err);
}

CliDb *
cli_db_open(const char *url, CliErr *err)
{
	return open_url(url, false, err);
}

CliDb *
cli_db_open_existing(const char *url, CliErr *err)
{
	return open_url(url, true, err);
}

void
cli_db_close(CliDb *db)
{
	if (db == NULL)
		return;
#ifndef COVET_CLI_NO_LIBPQ
	if (db->conn)
		PQfinish(db->conn);
#endif
	if (db->lite)
		sqlite3_close(db->lite);
	free(db);
}

const char *
cli_db_table(const CliDb *db, const char *what)
{
	if (strcmp(what, "history") == 0)
		return db->pg ? "covet.history" : "covet_history";
	if (strcmp(what, "runs") == 0)
		return db->pg ? "covet.runs" : "covet_runs";
	if (strcmp(what, "migrations") == 0)
		return db->pg ? "covet.migrations" : "covet_migrations";
	return what;
}

bool
cli_db_has_table(CliDb *db, const char *what)
{
	CliResult	res = {0};
	CliErr		err = {0};
	const char *params[1];
	bool		found;
	int			rc;

	if (db->pg)
	{
		params[0] = cli_db_table(db, what);
		rc = cli_db_exec(db, "SELECT pg_catalog.to_regclass($1) IS NOT NULL", 1,
						 params, &res, &err);
		found = rc == 0 && res.nrows == 1 && strcmp(cli_result_get(&res, 0, 0), "t") == 0;
	}
	else
	{
		params[0] = cli_db_table(db, what);
		rc = cli_db_exec(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = $1",
						 1, params, &res, &err);
		found = rc == 0 && res.nrows == 1 && strcmp(cli_result_get(&res, 0, 0), "0") != 0;
	}
	cli_result_free(&res);
	cli_err_free(&err);
	return found;
}

/*
 * SQLite's progress handler while cli_db_yield_writes is on: outside a
 * write transaction (between a run's batches) the connection sleeps a
 * little, so that another connection's write gets the lock.
 */
static int
yield_handler(void *arg)
{
	CliDb	   *db = arg;

	if (*db->yield_flag && sqlite3_txn_state(db->lite, NULL) != SQLITE_TXN_WRITE)
		usleep(20 * 1000);
	return 0;
}

/* Retry every millisecond, for up to 10 s. */
static int
watcher_busy(void *arg, int count)
{
	(void) arg;
	if (count >= 10000)
		return 0;
	usleep(1000);
	return 1;
}

void
cli_db_watcher(CliDb *db)
{
	if (!db->pg)
		sqlite3_busy_handler(db->lite, watcher_busy, NULL);
}

void
cli_db_yield_writes(CliDb *db, volatile int *flag)
{
	if (db->pg)
		return;
	db->yield_flag = flag;
	covet_sqlite_set_pause_flag(flag);
	sqlite3_progress_handler(db->lite, flag ? 4 : 0, flag ? yield_handler : NULL, db);
}

/* ---- running --------------------------------------------------------------- */

#ifndef COVET_CLI_NO_LIBPQ
/* err from a failed result r (NULL: the connection's message). */
static void
pg_result_error(CliDb *db, PGresult *r, CliErr *err)
{
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	char	   *conn_msg = NULL;

	cli_err_free(err);
	if (msg == NULL)
	{
		conn_msg = strdup(PQerrorMessage(db->conn));
		chomp(conn_msg);
	}
	snprintf(err->sqlstate, sizeof(err->sqlstate), "%s",
			 state ? state : (PQstatus(db->conn) == CONNECTION_BAD ? "08006" : ""));
	err->message = strdup(msg ? msg : (conn_msg && conn_msg[0] ? conn_msg : "query failed"));
	err->detail = dup_or_null(r ? PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL) : NULL);
	err->hint = dup_or_null(r ? PQresultErrorField(r, PG_DIAG_MESSAGE_HINT) : NULL);
	if (state != NULL && strcmp(state, "42883") == 0 &&
		strncmp(err->message, "function covet_", 15) == 0)
	{
		/* PostgreSQL's hint (explicit type casts) would mislead here */
		free(err->hint);
		err->hint = strdup("Is covet installed in this database? Run CREATE EXTENSION covet (as a superuser).");
	}
	free(conn_msg);
}

static int
exec_pg(CliDb *db, const char *sql, int nparams, const char *const *params,
		CliResult *res, CliErr *err)
{
	PGresult   *r = PQexecParams(db->conn, sql, nparams, NULL, params, NULL, NULL, 0);
	ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
	int			i,
				j;

	if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK)
	{
		pg_result_error(db, r, err);
		PQclear(r);
		return -1;
	}
	if (res != NULL)
	{
		memset(res, 0, sizeof(*res));
		res->nrows = PQntuples(r);
		res->ncols = PQnfields(r);
		res->colnames = calloc(res->ncols ? res->ncols : 1, sizeof(char *));
		res->values = calloc((size_t) res->nrows * res->ncols + 1, sizeof(char *));
		for (j = 0; j < res->ncols; j++)
			res->colnames[j] = strdup(PQfname(r, j));
		for (i = 0; i < res->nrows; i++)
			for (j = 0; j < res->ncols; j++)
				if (!PQgetisnull(r, i, j))
					res->values[(size_t) i * res->ncols + j] = strdup(PQgetvalue(r, i, j));
	}
	PQclear(r);
	return 0;
}
#endif

/*
 * sql with $N turned into ?N outside string literals, quoted identifiers
 * and comments (malloc'd).
 */
static char *
sqlite_placeholders(const char *sql)
{
	size_t		n = strlen(sql);
	char	   *out = malloc(n + 1);
	size_t		i,
				o = 0;

	if (out == NULL)
		return NULL;
	for (i = 0; i < n; i++)
	{
		char		c = sql[i];

		if (c == '\'' || c == '"')
		{
			char		q = c;

			out[o++] = sql[i++];
			while (i < n)
			{
				out[o++] = sql[i];
				if (sql[i] == q)
				{
					if (i + 1 < n && sql[i + 1] == q)
					{
						out[o++] = sql[++i];
						i++;
						continue;
					}
					break;
				}
				i++;
			}
			continue;
		}
		if (c == '-' && sql[i + 1] == '-')
		{
			while (i < n && sql[i] != '\n')
				out[o++] = sql[i++];
			if (i < n)
				out[o++] = sql[i];
			continue;
		}
		if (c == '$' && isdigit((unsigned char) sql[i + 1]))
			c = '?';
		out[o++] = c;
	}
	out[o] = '\0';
	return out;
}

static void
sqlite_error(CliDb *db, CliErr *err)
{
	int			code = sqlite3_extended_errcode(db->lite);

	cli_err_free(err);
	split_sqlite_error(err, sqlite3_errmsg(db->lite));
	if ((code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED)
		snprintf(err->sqlstate, sizeof(err->sqlstate), "55P03");
	else if ((code & 0xff) == SQLITE_CONSTRAINT)
		snprintf(err->sqlstate, sizeof(err->sqlstate), "23000");
}

static int
exec_sqlite(CliDb *db, const char *sql, int nparams, const char *const *params,
			CliResult *res, CliErr *err)
{
	sqlite3_stmt *st = NULL;
	char	   *text = sqlite_placeholders(sql);
	int			rc,
				i,
				cap = 0;

	if (text == NULL)
	{
		cli_err_set(err, "53200", NULL, NULL, "out of memory");
		return -1;
	}
	rc = sqlite3_prepare_v2(db->lite, text, -1, &st, NULL);
	free(text);
	if (rc != SQLITE_OK)
	{
		sqlite_error(db, err);
		return -1;
	}
	for (i = 0; i < nparams; i++)
	{
		rc = params[i] ? sqlite3_bind_text(st, i + 1, params[i], -1, SQLITE_TRANSIENT)
			: sqlite3_bind_null(st, i + 1);
		if (rc != SQLITE_OK && rc != SQLITE_RANGE)
		{
			sqlite_error(db, err);
			sqlite3_finalize(st);
			return -1;
		}
	}
	if (res != NULL)
	{
		memset(res, 0, sizeof(*res));
		res->ncols = sqlite3_column_count(st);
		res->colnames = calloc(res->ncols ? res->ncols : 1, sizeof(char *));
		for (i = 0; i < res->ncols; i++)
			res->colnames[i] = strdup(sqlite3_column_name(st, i));
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
	{
		if (res == NULL)
			continue;
		if (res->nrows == cap)
		{
			char	  **v;

			cap = cap ? cap * 2 : 16;
			v = realloc(res->values, (size_t) cap * (res->ncols ? res->ncols : 1) * sizeof(char *));
			if (v == NULL)
			{
				sqlite3_finalize(st);
				cli_err_set(err, "53200", NULL, NULL, "out of memory");
				return -1;
			}
			res->values = v;
		}
		for (i = 0; i < res->ncols; i++)
		{
			const unsigned char *t = sqlite3_column_text(st, i);

			res->values[(size_t) res->nrows * res->ncols + i] =
				(t != NULL && sqlite3_column_type(st, i) != SQLITE_NULL) ? strdup((const char *) t) : NULL;
		}
		res->nrows++;
	}
	if (rc != SQLITE_DONE)
	{
		sqlite_error(db, err);
		sqlite3_finalize(st);
		if (res != NULL)
			cli_result_free(res);
		return -1;
	}
	sqlite3_finalize(st);
	return 0;
}

#ifndef COVET_CLI_NO_LIBPQ
/*
 * cli_db_exec_each on PostgreSQL: libpq's pipeline mode, every statement
 * sent before the first result is read, so n calls cost one round trip
 * instead of n.  Results are one short line each, so the server never
 * blocks on a full socket while the client is still sending (callers keep
 * n modest).  After a failure the rest of the pipeline is aborted by the
 * server and drained here.
 */
static int
exec_each_pg(CliDb *db, const char *sql, int nparams, const char *const *params,
			 int n, char **vals, int *failed, CliErr *err)
{
	PGresult   *r;
	int			i,
				rc = 0;
	bool		synced = false;

	if (PQenterPipelineMode(db->conn) != 1)
		return 1;				/* not possible here: the caller loops */
	for (i = 0; i < n; i++)
		if (PQsendQueryParams(db->conn, sql, nparams, NULL, params + (size_t) i * nparams,
							  NULL, NULL, 0) != 1)
			break;
	if (i < n || PQpipelineSync(db->conn) != 1)
	{
		pg_result_error(db, NULL, err);
		*failed = i < n ? i : n - 1;
		rc = -1;
		n = i;					/* read what was sent */
	}
	for (i = 0; i <= n && !synced;)
	{
		ExecStatusType st;

		if ((r = PQgetResult(db->conn)) == NULL)
		{
			if (PQstatus(db->conn) == CONNECTION_BAD)
				break;
			i++;				/* the end of one statement's results */
			continue;
		}
		st = PQresultStatus(r);
		if (st == PGRES_PIPELINE_SYNC)
			synced = true;
		else if (st == PGRES_TUPLES_OK && i < n)
			vals[i] = (PQntuples(r) > 0 && !PQgetisnull(r, 0, 0)) ?
				strdup(PQgetvalue(r, 0, 0)) : NULL;
		else if (st != PGRES_PIPELINE_ABORTED && st != PGRES_COMMAND_OK && rc == 0)
		{
			pg_result_error(db, r, err);
			*failed = i;
			rc = -1;
		}
		PQclear(r);
	}
	if (PQexitPipelineMode(db->conn) != 1 && rc == 0)
	{
		pg_result_error(db, NULL, err);
		*failed = n - 1;
		rc = -1;
	}
	return rc;
}
#endif

int
cli_db_exec_each(CliDb *db, const char *sql, int nparams, const char *const *params,
				 int n, char **vals, int *failed, CliErr *err)
{
	int			i;

	memset(vals, 0, sizeof(char *) * (size_t) n);
	*failed = -1;
#ifndef COVET_CLI_NO_LIBPQ
	if (db->pg)
	{
		int			rc = exec_each_pg(db, sql, nparams, params, n, vals, failed, err);

		if (rc != 1)
			return rc;
	}
#endif
	for (i = 0; i < n; i++)
	{
		CliResult	res = {0};

		if (cli_db_exec(db, sql, nparams, params + (size_t) i * nparams, &res, err) != 0)
		{
			*failed = i;
			return -1;
		}
		vals[i] = cli_result_get(&res, 0, 0) ? strdup(cli_result_get(&res, 0, 0)) : NULL;
		cli_result_free(&res);
	}
	return 0;
}

int
cli_db_exec(CliDb *db, const char *sql, int nparams, const char *const *params,
			CliResult *res, CliErr *err)
{
#ifndef COVET_CLI_NO_LIBPQ
	if (db->pg)
		return exec_pg(db, sql, nparams, params, res, err);
#endif
	return exec_sqlite(db, sql, nparams, params, res, err);
}
