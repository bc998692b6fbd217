/*-------------------------------------------------------------------------
 *
 * test_catalog.c
 *		The pure parts of the catalog and the diff: name parsing per
 *		engine, renaming the object of a CREATE text, the renames
 *		argument, hazards as text, and covet_diff_catalogs on catalogs
 *		built by hand (order, reverses, hazards, rename candidates), with
 *		every allocation freed.
 *
 *-------------------------------------------------------------------------
 */
#include "tap.h"
#include "diff.h"

#include <stdio.h>
#include <string.h>

#define PG COVET_ENGINE_POSTGRES
#define SQ COVET_ENGINE_SQLITE

static void
name_ok(CovetEngine e, const char *in, const char *schema, const char *object)
{
	char	   *s = NULL,
			   *o = NULL;
	CovetError	err;
	CovetStatus rc = covet_catalog_name_parse(tap_mem(), e, "table", in, &s, &o, &err);

	is_int(rc, COVET_OK, "%s: name %s parses", e == PG ? "pg" : "sqlite", in);
	is_str(s, schema, "%s: name %s: schema", e == PG ? "pg" : "sqlite", in);
	is_str(o, object, "%s: name %s: object", e == PG ? "pg" : "sqlite", in);
	covet_free(tap_mem(), s);
	covet_free(tap_mem(), o);
}

static void
name_bad(CovetEngine e, const char *in)
{
	char	   *s = NULL,
			   *o = NULL;
	CovetError	err;
	CovetStatus rc = covet_catalog_name_parse(tap_mem(), e, "table", in, &s, &o, &err);
	char		want[200];

	snprintf(want, sizeof(want), "invalid table name \"%s\"", in);
	is_int(rc, COVET_ERR_INVALID, "name %s refused", in);
	is_str(rc ? err.message : "", want, "name %s: message", in);
}

static void
rename_is(const char *sql, const char *schema, const char *name, const char *want)
{
	char	   *out = NULL;
	CovetError	err;
	CovetStatus rc = covet_catalog_create_rename(tap_mem(), sql, schema, name, &out, &err);

	is_int(rc, want ? COVET_OK : COVET_ERR_INVALID, "create_rename %s", sql);
	is_str(out, want, "create_rename %s: text", sql);
	covet_free(tap_mem(), out);
}

/* A catalog by hand: tables of one column "id" integer plus extra ones. */
static CovetCatColumn *
cols(CovetCatalog *c, int n, const char *const *names, const char *const *types)
{
	CovetCatColumn *cc = covet_arena_alloc(&c->arena, sizeof(CovetCatColumn) * (size_t) n);
	int			i;

	for (i = 0; i < n; i++)
	{
		cc[i].name = covet_arena_strdup(&c->arena, names[i]);
		cc[i].type = covet_arena_strdup(&c->arena, types[i]);
		cc[i].cast_type = cc[i].type;
	}
	return cc;
}

static CovetCatalog *
pg_catalog(const char *schema, int ntables)
{
	CovetCatalog *c = covet_alloc0(tap_mem(), sizeof(CovetCatalog));

	covet_arena_init(&c->arena, tap_mem());
	c->engine = PG;
	c->schema = covet_arena_strdup(&c->arena, schema);
	c->ntables = ntables;
	c->tables = covet_arena_alloc(&c->arena, sizeof(CovetCatTable) * (size_t) (ntables + 1));
	return c;
}

static void
cat_free(CovetCatalog *c)
{
	covet_arena_free(&c->arena);
	covet_free(tap_mem(), c);
}

static const CovetDiffStep *
find(const CovetDiff *d, const char *object, int nth)
{
	int			i;

	for (i = 0; i < d->nsteps; i++)
		if (strcmp(d->steps[i].object, object) == 0 && nth-- == 0)
			return &d->steps[i];
	return NULL;
}

static void
test_diff(void)
{
	static const char *const n1[] = {"id", "username"};
	static const char *const t1[] = {"integer", "text"};
	static const char *const n2[] = {"id", "user_name", "email"};
	static const char *const t2[] = {"integer", "text", "text"};
	static const char *const nv[] = {"id", "x"};
	static const char *const tv[] = {"integer", "text"};
	CovetCatalog *a = pg_catalog("a", 2),
			   *b = pg_catalog("b", 2);
	CovetDiff  *d = NULL;
	CovetError	err;
	CovetRename *r = NULL;
	int			nr = 0;
	const CovetDiffStep *s;
	CovetBuf	hz;

	/* a: users(id, username), old(id, x) 5 rows; b: users(id, user_name, email not null), new(id, x) 5 rows */
	a->tables[0].name = "old";
	a->tables[0].ncols = 2;
	a->tables[0].cols = cols(a, 2, nv, tv);
	a->tables[0].rows = 5;
	a->tables[1].name = "users";
	a->tables[1].ncols = 2;
	a->tables[1].cols = cols(a, 2, n1, t1);
	b->tables[0].name = "new";
	b->tables[0].ncols = 2;
	b->tables[0].cols = cols(b, 2, nv, tv);
	b->tables[0].rows = 5;
	b->tables[1].name = "users";
	b->tables[1].ncols = 3;
	b->tables[1].cols = cols(b, 3, n2, t2);
	b->tables[1].cols[2].notnull = true;

	is_int(covet_diff_catalogs(tap_mem(), a, b, NULL, 0, &d, &err), COVET_OK, "diff: runs");
	s = find(d, "table new", 0);
	ok(s && strncmp(s->statement, "CREATE TABLE \"a\".\"new\"", 22) == 0, "diff: the new table is created in the source schema");
	ok(s && s->reverse && strcmp(s->reverse, "DROP TABLE \"a\".\"new\"") == 0, "diff: its reverse drops it");
	s = find(d, "table old", 0);
	ok(s && (s->hazards & COVET_HZ_DELETES_DATA) && (s->hazards & COVET_HZ_RENAME_CANDIDATE),
	   "diff: dropping old deletes data and is a rename candidate");
	ok(s && s->note && strstr(s->note, "table new: same columns, same row count"), "diff: the candidate and its score: %s",
	   s && s->note ? s->note : "");
	ok(find(d, "table new", 0) < find(d, "table old", 0), "diff: the addition comes before the drop");
	s = find(d, "column users.username", 0);
	ok(s && (s->hazards & COVET_HZ_RENAME_CANDIDATE) && strstr(s->note, "users.user_name"),
	   "diff: the dropped column names its candidate");
	/* NOT NULL added without a default: CHECK NOT VALID, VALIDATE, SET NOT NULL, DROP CHECK */
	s = find(d, "column users.email", 1);
	ok(s && strstr(s->statement, "CHECK (\"email\" IS NOT NULL) NOT VALID"), "diff: NOT NULL through a CHECK NOT VALID");
	s = find(d, "column users.email", 2);
	ok(s && strstr(s->statement, "VALIDATE CONSTRAINT") && (s->hazards & COVET_HZ_SCANS_TABLE),
	   "diff: then VALIDATE, which scans the table");
	s = find(d, "column users.email", 3);
	ok(s && strstr(s->statement, "SET NOT NULL"), "diff: then SET NOT NULL");
	covet_buf_init(&hz, tap_mem());
	covet_diff_hazards_text(COVET_HZ_DELETES_DATA | COVET_HZ_EXCLUSIVE_LOCK, "x", &hz);
	is_str(hz.data, "deletes data, access exclusive lock (x)", "hazards as text");
	covet_buf_free(&hz);
	covet_diff_free(tap_mem(), d);

	is_int(covet_diff_renames_parse(tap_mem(), "{\"users.username\": \"user_name\", \"old\": \"new\"}", &r, &nr, &err),
		   COVET_OK, "renames: parsed");
	is_int(nr, 2, "renames: two");
	is_int(covet_diff_catalogs(tap_mem(), a, b, r, nr, &d, &err), COVET_OK, "diff with renames: runs");
	s = find(d, "table old", 0);
	is_str(s ? s->statement : NULL, "ALTER TABLE \"a\".\"old\" RENAME TO \"new\"", "diff with renames: the table is renamed");
	is_str(s ? s->reverse : NULL, "ALTER TABLE \"a\".\"new\" RENAME TO \"old\"", "diff with renames: and back");
	s = find(d, "column users.username", 0);
	is_str(s ? s->statement : NULL, "ALTER TABLE \"a\".\"users\" RENAME COLUMN \"username\" TO \"user_name\"",
		   "diff with renames: the column is renamed");
	ok(find(d, "table new", 0) == NULL, "diff with renames: no table created");
	covet_diff_free(tap_mem(), d);
	for (int i = 0; i < nr; i++)
	{
		covet_free(tap_mem(), r[i].table);
		covet_free(tap_mem(), r[i].column);
		covet_free(tap_mem(), r[i].to);
	}
	covet_free(tap_mem(), r);

	is_int(covet_diff_renames_parse(tap_mem(), "{\"nosuch\": \"x\"}", &r, &nr, &err), COVET_OK, "renames: a missing table parses");
	is_int(covet_diff_catalogs(tap_mem(), a, b, r, nr, &d, &err), COVET_ERR_INVALID, "renames: a missing table is refused");
	is_str(err.message, "invalid renames argument", "renames: message");
	is_str(err.detail, "There is no table \"nosuch\" in schema \"a\".", "renames: detail");
	covet_free(tap_mem(), r[0].table);
	covet_free(tap_mem(), r[0].to);
	covet_free(tap_mem(), r);
	cat_free(a);
	cat_free(b);
}

int
main(void)
{
	CovetError	err;
	CovetRename *r = NULL;
	int			n = 0;

	name_ok(PG, "users", NULL, "users");
	name_ok(PG, "Users", NULL, "users");
	name_ok(PG, "\"Users\"", NULL, "Users");
	name_ok(PG, "App.Users", "app", "users");
	name_ok(PG, "\"A\"\"b\".\"c.d\"", "A\"b", "c.d");
	name_ok(PG, "  app.users ", "app", "users");
	name_bad(PG, "app . users");
	name_ok(SQ, "Users", NULL, "Users");
	name_ok(SQ, "main.[my table]", "main", "my table");
	name_ok(SQ, "`x`", NULL, "x");
	name_bad(PG, "");
	name_bad(PG, "a.b.c");
	name_bad(PG, "\"open");
	name_bad(PG, "a b");
	name_bad(PG, "a.");
	name_bad(PG, "[x]");

	rename_is("CREATE TABLE t (a)", "main", NULL, "CREATE TABLE \"main\".\"t\" (a)");
	rename_is("create temp table if not exists \"T\"(a)", NULL, "u", "create temp table if not exists \"u\"(a)");
	rename_is("CREATE UNIQUE INDEX other.i ON t (a)", "main", NULL, "CREATE UNIQUE INDEX \"main\".\"i\" ON t (a)");
	rename_is("/* c */ CREATE VIEW [v w] AS SELECT 1", "s", NULL, "/* c */ CREATE VIEW \"s\".\"v w\" AS SELECT 1");
	rename_is("CREATE TRIGGER tg AFTER INSERT ON t BEGIN SELECT 1; END", "main", "x",
			  "CREATE TRIGGER \"main\".\"x\" AFTER INSERT ON t BEGIN SELECT 1; END");
	rename_is("INSERT INTO t VALUES (1)", "main", NULL, NULL);

	is_int(covet_diff_renames_parse(tap_mem(), NULL, &r, &n, &err), COVET_OK, "renames: NULL is none");
	is_int(n, 0, "renames: none");
	is_int(covet_diff_renames_parse(tap_mem(), "[1]", &r, &n, &err), COVET_ERR_INVALID, "renames: an array is refused");
	is_str(err.message, "invalid renames argument", "renames: an array: message");
	is_int(covet_diff_renames_parse(tap_mem(), "{\"a.b\": 1}", &r, &n, &err), COVET_ERR_INVALID, "renames: a number is refused");
	is_str(err.detail, "Member \"a.b\" must name a table or table.column and give the new name as a string.", "renames: detail");
	is_int(covet_diff_renames_parse(tap_mem(), "{\"a.b.c\": \"x\"}", &r, &n, &err), COVET_ERR_INVALID, "renames: three parts refused");
	is_int(covet_diff_renames_parse(tap_mem(), "{oops", &r, &n, &err), COVET_ERR_INVALID, "renames: bad JSON refused");

	test_diff();
	is_int(tap_mem_live(), 0, "every allocation freed");
	return done_testing();
}
