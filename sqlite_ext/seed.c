/*-------------------------------------------------------------------------
 *
 * seed.c
 *		SQLite functions of covet's seed feature: covet_seed and covet_fake.
 *
 * How it works: covet_seed(table, n, spec, seed) asks the core for one
 * INSERT ... SELECT over a recursive CTE of n row numbers, whose values
 * come from covet_fake(generator, key, row), a pure function of its
 * arguments (src/core/seed_gen.c).  covet_fake parses its generator once
 * per statement: the parsed form is kept as auxdata on the constant first
 * argument, so a million rows cost one parse per column.
 *
 *     sqlite> .load ./covet
 *     sqlite> CREATE TABLE users (id integer PRIMARY KEY, email text UNIQUE,
 *        ...>                     status text, created_at text);
 *     sqlite> SELECT covet_seed('users', 1000, '{"status": "choice(new:3, done:1)"}', 42);
 *     inserted 1000 rows into users
 *     sqlite> SELECT covet_fake('email', 7, 1);
 *
 * covet_seed runs SQL and writes: SQLITE_DIRECTONLY.  covet_fake is
 * deterministic and innocuous.  The insert is one savepoint: in autocommit
 * mode its own transaction, inside the host's transaction a part of it.
 *
 *-------------------------------------------------------------------------
 */
#include "covet_sqlite.h"

#include <string.h>

/* --- covet_fake ------------------------------------------------------------- */

/* Parsed generators outlive the call that made them (auxdata). */
static void
gen_destroy(void *p)
{
	covet_fake_free(&covet_sqlite_malloc_mem, p);
}

/* A generated value as the result of a function or a virtual table's column. */
void
covet_sqlite_result_fake(sqlite3_context *ctx, const CovetFakeValue *v)
{
	switch (v->kind)
	{
		case COVET_FAKE_NULL:
			sqlite3_result_null(ctx);
			break;
		case COVET_FAKE_INT:
		case COVET_FAKE_BOOL:
			sqlite3_result_int64(ctx, v->i);
			break;
		case COVET_FAKE_REAL:
			sqlite3_result_double(ctx, v->real);
			break;
		case COVET_FAKE_DECIMAL:
		case COVET_FAKE_TEXT:
			sqlite3_result_text(ctx, v->text, (int) v->len, SQLITE_TRANSIENT);
			break;
	}
}

/* covet_fake(generator, key, row): one value. */
static void
fn_fake(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	CovetFakeGen *gen;
	CovetFakeValue v;
	int64_t		key,
				row;
	bool		fresh = false;

	if (!covet_sqlite_no_nul(ctx, argc, argv, "generator key row"))
		return;

	(void) argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL ||
		sqlite3_value_type(argv[1]) == SQLITE_NULL ||
		sqlite3_value_type(argv[2]) == SQLITE_NULL)
	{
		sqlite3_result_null(ctx);
		return;
	}
	if (!covet_sqlite_value_int(ctx, argv[1], true, &key) ||
		!covet_sqlite_value_int(ctx, argv[2], true, &row))
		return;
	gen = sqlite3_get_auxdata(ctx, 0);
	if (gen == NULL)
	{
		CovetError	err;
		const char *spec = (const char *) sqlite3_value_text(argv[0]);

		if (spec == NULL)
		{
			sqlite3_result_error_nomem(ctx);
			return;
		}
		if (covet_fake_parse(&covet_sqlite_malloc_mem, spec, &gen, &err) != COVET_OK)
		{
			covet_sqlite_result_error(ctx, &err);
			return;
		}
		fresh = true;
	}
	covet_fake_eval(gen, key, row, &v);
	covet_sqlite_result_fake(ctx, &v);
	/* last: SQLite may free it at once when it cannot keep it */
	if (fresh)
		sqlite3_set_auxdata(ctx, 0, gen, gen_destroy);
}

/* --- covet_seed ------------------------------------------------------------- */

/* covet_seed(table_name, n [, spec [, seed]]) */
static void
fn_seed(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	SqliteCall	call;
	CovetError	err;
	char	   *report = NULL;
	const char *table = NULL;
	const char *spec = NULL;
	int64_t		n = 0,
				seed = 0;
	CovetStatus rc;

	if (!covet_sqlite_no_nul(ctx, argc, argv, "table_name n spec seed"))
		return;

	if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
	{
		covet_sqlite_error_text(ctx, COVET_ERR_NULL, "%s must not be null", "table_name");
		return;
	}
	table = (const char *) sqlite3_value_text(argv[0]);
	if (!covet_sqlite_arg_int(ctx, argc, argv, 1, "n", &n))
		return;
	if (argc > 2 && sqlite3_value_type(argv[2]) != SQLITE_NULL)
		spec = (const char *) sqlite3_value_text(argv[2]);
	if (!covet_sqlite_arg_int(ctx, argc, argv, 3, "seed", &seed))
		return;
	covet_sqlite_call_init(&call, sqlite3_user_data(ctx));
	rc = covet_seed(&call.driver, table, n, spec, seed, &report, &err);
	covet_sqlite_finish(ctx, &call, rc, report, &err);
}

/* --- registration ------------------------------------------------------------ */

static const struct
{
	const char *name;
	int			min_args;
	int			max_args;
	int			flags;
	void		(*fn) (sqlite3_context *, int, sqlite3_value **);
}			seed_functions[] = {
	{"covet_seed", 2, 4, SQLITE_UTF8 | SQLITE_DIRECTONLY, fn_seed},
	{"covet_fake", 3, 3, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, fn_fake},
};

int
covet_seed_register(sqlite3 *db, CovetConn *conn, char **pzErrMsg)
{
	size_t		i;

	for (i = 0; i < sizeof(seed_functions) / sizeof(seed_functions[0]); i++)
	{
		int			n;

		for (n = seed_functions[i].min_args; n <= seed_functions[i].max_args; n++)
		{
			int			rc = sqlite3_create_function_v2(db, seed_functions[i].name, n,
														seed_functions[i].flags, conn,
														seed_functions[i].fn, NULL, NULL, NULL);

			if (rc != SQLITE_OK)
			{
				*pzErrMsg = sqlite3_mprintf("covet: could not register %s: %s",
											seed_functions[i].name, sqlite3_errmsg(db));
				return rc;
			}
		}
	}
	return SQLITE_OK;
}
