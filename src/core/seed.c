/*-------------------------------------------------------------------------
 *
 * seed.c
 *		covet_seed(table, n, spec, seed): n rows of realistic fake data.
 *
 * The rows are made by the database, set-based, in one statement:
 *
 *		WITH RECURSIVE covet_rows(r) AS (...),		-- SQLite; PostgreSQL uses
 *			 covet_fk1(k1, rn) AS (					-- generate_series
 *				SELECT "id", row_number() OVER (ORDER BY "id") FROM "parents" ...)
 *		INSERT INTO "t" ("email", "parent_id", ...)
 *		SELECT covet_fake('email; unique', <key>, r), covet_fk1.k1, ...
 *		FROM covet_rows CROSS JOIN covet_fk1
 *		WHERE covet_fk1.rn = covet_fake('int(1, <parents>)', <key>, r)
 *
 * covet_fake (seed_gen.c, exposed as SQL by each binding) is a pure
 * function of the generator, the column's key (the seed mixed with the
 * column name) and the row number, so the same seed gives the same rows on
 * both engines.  The statement runs inside a savepoint: all rows or none.
 *
 * Row numbers continue across calls: this call's rows are count(*) + 1 ..
 * count(*) + n, so "unique" text (emails, user names) never repeats the
 * rows a previous call made.  Foreign keys pick existing parent keys
 * uniformly through the numbered list of the parent's keys, never OFFSET.
 *
 * Generators the spec does not give are inferred from the column's name and
 * type (infer_generator).  A column is left to the database (omitted from
 * the INSERT) when it is filled by the database (identity, serial, rowid
 * alias), generated, mapped to "default" or JSON null in the spec, or has
 * a DEFAULT and nothing but its type to go by.
 *
 *-------------------------------------------------------------------------
 */
#include "covet.h"
#include "seed_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_FK_COLS 32

typedef enum TypeClass
{
	T_TEXT,
	T_INT,
	T_REAL,
	T_NUMERIC,
	T_BOOL,
	T_DATE,
	T_TIMESTAMP,
	T_TIME,
	T_UUID,
	T_JSON,
	T_OTHER						/* blobs, intervals, geometry, arrays... */
} TypeClass;

typedef struct SeedCol
{
	const char *name;			/* into the describe result */
	const char *type;			/* format_type / declared type */
	const char *cast_type;		/* the type as a CAST spells it */
	bool		notnull;
	bool		has_default;
	int			pk;				/* key position, 0 = not in the key */
	bool		auto_fill;
	bool		generated;
	bool		unique;
	TypeClass	tc;
	int			precision;		/* numeric(p, s), varchar(n): p or n */
	int			scale;
	char	   *gen;			/* generator text; NULL = left to the database */
	bool		pk_sequence;	/* gen is "sequence" past the current max */
	int			fk;				/* index into fks, or -1 */
	int			fkpos;
	int64_t		key;
} SeedCol;

typedef struct SeedFk
{
	char	   *id;
	int			ncols;
	int			cols[MAX_FK_COLS];	/* into Seed.cols */
	char	   *pcols[MAX_FK_COLS]; /* parent column names */
	char	   *parent;			/* parent table name, for messages */
	char	   *parent_sql;		/* quoted */
	bool		self;
	bool		use;			/* not overridden by the spec */
	bool		nulls;			/* parent empty, columns nullable: NULL */
	int64_t		count;
} SeedFk;

typedef struct Seed
{
	CovetDriver *d;
	const char *table;			/* as the caller named it */
	CovetResult desc;
	char	   *sql_name;
	char	   *real_name;		/* for the foreign-key query */
	int			ncols;
	SeedCol    *cols;
	CovetResult fkres;
	int			nfks;
	SeedFk	   *fks;
	CovetJson  *spec;
} Seed;

/*
 * Does the INSERT name this column?  It does when covet generates its value
 * or picks it from a parent; otherwise the database fills it (defaults,
 * identity) or it stays NULL (a foreign key whose parent has no rows yet).
 */
static bool
column_inserted(const Seed *s, const SeedCol *c)
{
	return c->gen != NULL || (c->fk >= 0 && !s->fks[c->fk].nulls);
}

/* --- small helpers ---------------------------------------------------------- */

static bool
truthy(const char *s)
{
	return s != NULL && (strcmp(s, "1") == 0 || strcmp(s, "t") == 0 || strcmp(s, "true") == 0);
}

static bool
eq(const char *a, const char *b)
{
	return strcmp(a, b) == 0;
}

static bool
ends(const char *s, const char *suffix)
{
	size_t		n = strlen(s),
				m = strlen(suffix);

	return n > m && strcmp(s + n - m, suffix) == 0;
}

static bool
starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool
any(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(s, *list) == 0)
			return true;
	return false;
}

static bool
has_word(const char *upper, const char *w)
{
	return strstr(upper, w) != NULL;
}

/* The class of a declared type (SQLite) or format_type() (PostgreSQL). */
static TypeClass
type_class(const char *type, int *precision, int *scale)
{
	char		u[128];
	size_t		i;
	const char *paren;

	*precision = 0;
	*scale = -1;
	for (i = 0; type[i] && i < sizeof(u) - 1; i++)
		u[i] = (type[i] >= 'a' && type[i] <= 'z') ? (char) (type[i] - 32) : type[i];
	u[i] = '\0';
	if ((paren = strchr(u, '(')) != NULL)
	{
		*precision = atoi(paren + 1);
		if (strchr(paren, ',') != NULL)
			*scale = atoi(strchr(paren, ',') + 1);
	}
	if (u[0] == '\0')
		return T_TEXT;			/* SQLite: no declared type */
	if (strchr(u, '[') != NULL || has_word(u, "INTERVAL") || has_word(u, "POINT"))
		return T_OTHER;
	if (has_word(u, "TIMESTAMP") || has_word(u, "DATETIME"))
		return T_TIMESTAMP;
	if (has_word(u, "DATE"))
		return T_DATE;
	if (has_word(u, "TIME"))
		return T_TIME;
	if (has_word(u, "BOOL"))
		return T_BOOL;
	if (has_word(u, "UUID"))
		return T_UUID;
	if (has_word(u, "JSON"))
		return T_JSON;
	if (has_word(u, "INT") || has_word(u, "SERIAL"))
		return T_INT;
	if (has_word(u, "CHAR") || has_word(u, "CLOB") || has_word(u, "TEXT") ||
		has_word(u, "STRING") || has_word(u, "CITEXT"))
		return T_TEXT;
	if (has_word(u, "REAL") || has_word(u, "FLOA") || has_word(u, "DOUB"))
		return T_REAL;
	if (has_word(u, "NUMERIC") || has_word(u, "DECIMAL") || has_word(u, "MONEY"))
		return T_NUMERIC;
	return T_OTHER;				/* BLOB, BYTEA, INET, ... */
}

/* Generators whose text can carry the row number ("; unique"). */
static bool
is_text_gen(const char *g)
{
	static const char *const text[] = {"first_name", "last_name", "name", "user_name",
		"email", "phone", "street", "city", "country", "postcode", "company", "job", "word",
	"sentence", "paragraph", "url", NULL};

	return any(g, text);
}

/*
 * The generator a column's name suggests (lower-cased name), for the type
 * class tc; NULL when the name says nothing.
 */
static const char *
infer_from_name(const char *n, TypeClass tc)
{
	static const char *const first[] = {"first_name", "firstname", "given_name", "forename", NULL};
	static const char *const last[] = {"last_name", "lastname", "surname", "family_name", NULL};
	static const char *const user[] = {"username", "user_name", "login", "handle", "nickname",
	"screen_name", "nick", NULL};
	static const char *const full[] = {"name", "full_name", "fullname", "display_name", "author",
	"contact_name", "customer_name", "person", NULL};
	static const char *const phone[] = {"phone", "mobile", "tel", "telephone", "fax", "cell", NULL};
	static const char *const street[] = {"street", "address", "address1", "address_line1",
	"street_address", "addr", "address_line", NULL};
	static const char *const postcode[] = {"postcode", "zip", "zipcode", "zip_code", "postal_code",
	"postalcode", "post_code", NULL};
	static const char *const company[] = {"company", "company_name", "organization", "organisation",
	"employer", "org", "business", NULL};
	static const char *const job[] = {"job", "job_title", "occupation", "profession", "position", NULL};
	static const char *const url[] = {"url", "website", "homepage", "link", "web", "site", "href", NULL};
	static const char *const para[] = {"description", "bio", "about", "body", "content", "text",
	"biography", "details", NULL};
	static const char *const sentence[] = {"title", "subject", "headline", "summary", "notes", "note",
	"comment", "comments", "remark", "remarks", "message", "caption", NULL};
	static const char *const word[] = {"status", "state", "type", "kind", "category", "role", "level",
	"tier", "color", "colour", "tag", "label", "slug", "code", "word", "keyword", NULL};
	static const char *const birth[] = {"birthday", "birth_date", "birthdate", "dob", "date_of_birth", NULL};

	switch (tc)
	{
		case T_INT:
			if (starts(n, "is_") || starts(n, "has_") || starts(n, "can_"))
				return "bool(0.5)";
			if (eq(n, "age"))
				return "int(18, 90)";
			if (eq(n, "year") || ends(n, "_year"))
				return "int(1950, 2024)";
			if (eq(n, "rating") || eq(n, "stars"))
				return "int(1, 5)";
			if (eq(n, "score") || eq(n, "percent") || eq(n, "percentage"))
				return "int(0, 100)";
			if (eq(n, "count") || ends(n, "_count") || eq(n, "quantity") || eq(n, "qty") ||
				eq(n, "stock"))
				return "int(0, 100)";
			if (eq(n, "price") || eq(n, "amount") || eq(n, "total") || eq(n, "cost") ||
				ends(n, "_cents"))
				return "int(1, 1000)";
			return NULL;
		case T_REAL:
		case T_NUMERIC:
			if (eq(n, "lat") || eq(n, "latitude"))
				return tc == T_REAL ? "float(-90, 90, 6)" : "decimal(-90, 90, 6)";
			if (eq(n, "lng") || eq(n, "lon") || eq(n, "long") || eq(n, "longitude"))
				return tc == T_REAL ? "float(-180, 180, 6)" : "decimal(-180, 180, 6)";
			if (eq(n, "price") || eq(n, "amount") || eq(n, "total") || eq(n, "cost") ||
				eq(n, "balance") || eq(n, "salary"))
				return NULL;	/* the type's own range fits money */
			return NULL;
		case T_TEXT:
			if (strstr(n, "email") != NULL || strstr(n, "e-mail") != NULL ||
				strstr(n, "e_mail") != NULL)
				return "email";
			if (any(n, first))
				return "first_name";
			if (any(n, last))
				return "last_name";
			if (any(n, user))
				return "user_name";
			if (any(n, full))
				return "name";
			if (strstr(n, "phone") != NULL || any(n, phone))
				return "phone";
			if (eq(n, "city") || eq(n, "town"))
				return "city";
			if (eq(n, "country") || eq(n, "country_name"))
				return "country";
			if (any(n, street))
				return "street";
			if (any(n, postcode))
				return "postcode";
			if (any(n, company))
				return "company";
			if (any(n, job))
				return "job";
			if (any(n, url) || ends(n, "_url"))
				return "url";
			if (eq(n, "uuid") || eq(n, "guid") || ends(n, "_uuid") || ends(n, "_guid"))
				return "uuid";
			if (any(n, para))
				return "paragraph";
			if (any(n, sentence))
				return "sentence";
			if (any(n, word))
				return "word";
			/* dates kept as text (SQLite) */
			/* FALLTHROUGH */
		case T_DATE:
		case T_TIMESTAMP:
			if (any(n, birth))
				return tc == T_TIMESTAMP ? "timestamp(1950-01-01, 2005-12-31)" : "date(1950-01-01, 2005-12-31)";
			if (ends(n, "_at") || eq(n, "timestamp") || eq(n, "datetime") || ends(n, "_time"))
				return tc == T_DATE ? "date" : "timestamp";
			if (ends(n, "_on") || ends(n, "_date") || eq(n, "date") || eq(n, "day"))
				return tc == T_TIMESTAMP ? "timestamp" : "date";
			return NULL;
		default:
			return NULL;
	}
}

/* The generator of a column from its type alone; NULL when none fits. */
static const char *
infer_from_type(const SeedCol *c, char *buf, size_t buflen)
{
	switch (c->tc)
	{
		case T_TEXT:
			if (c->precision > 0 && c->precision <= 30)
				return "word";
			return "sentence";
		case T_INT:
			return "int(1, 1000)";
		case T_REAL:
			return "float(0, 1000, 2)";
		case T_NUMERIC:
			{
				int			scale = c->scale >= 0 ? c->scale : 2;
				int			digits = c->precision > 0 ? c->precision - scale : 4;
				long long	max = 1;

				if (scale > 9)
					scale = 9;
				if (digits > 4)
					digits = 4;
				while (digits-- > 0)
					max *= 10;
				max -= 1;
				if (max > 1000)
					max = 1000;
				if (max < 0)
					max = 0;
				snprintf(buf, buflen, "decimal(0, %lld, %d)", max, scale);
				return buf;
			}
		case T_BOOL:
			return "bool(0.5)";
		case T_DATE:
			return "date";
		case T_TIMESTAMP:
			return "timestamp";
		case T_TIME:
			return "time";
		case T_UUID:
			return "uuid";
		case T_JSON:
			return "constant('{}')";
		default:
			return NULL;
	}
}

/* --- the spec ---------------------------------------------------------------- */

/* Append a JSON scalar as a generator argument. */
static bool
append_arg(CovetBuf *b, const CovetJson *v)
{
	switch (v->type)
	{
		case COVET_JSON_NUMBER:
			covet_buf_append(b, v->text);
			return true;
		case COVET_JSON_STRING:
			covet_quote_literal(b, v->text);
			return true;
		case COVET_JSON_BOOL:
			covet_buf_append(b, v->boolean ? "'true'" : "'false'");
			return true;
		default:
			return false;
	}
}

static CovetStatus
spec_error(Seed *s, const char *column, CovetError *err, const char *msg)
{
	covet_error_set(err, COVET_ERR_INVALID, "invalid spec for column \"%s\": %s", column, msg);
	covet_error_hint(err, "Give a generator as text (\"email\", \"int(1, 10); null=0.2\") or as an object"
					 " ({\"gen\": \"email\", \"null\": 0.1}, {\"choice\": {\"new\": 3, \"done\": 1}}).");
	(void) s;
	return COVET_ERR_INVALID;
}

/* The generator text of one spec entry; *out NULL = "default". */
static CovetStatus
spec_entry_text(Seed *s, const char *column, const CovetJson *v, char **out,
				CovetError *err)
{
	CovetBuf	b;
	const char *gen_text = NULL;
	const CovetJson *gen_args = NULL;
	const char *gen_name = NULL;
	int			i;

	*out = NULL;
	if (v->type == COVET_JSON_NULL)
		return COVET_OK;
	covet_buf_init(&b, &s->d->mem);
	if (v->type == COVET_JSON_STRING)
	{
		if (strcmp(v->text, "default") == 0)
			return COVET_OK;
		covet_buf_append(&b, v->text);
		return covet_buf_finish(&b, out, err);
	}
	if (v->type != COVET_JSON_OBJECT)
		return spec_error(s, column, err, "a generator is a string or an object");

	/* first the generator, then the options */
	for (i = 0; i < v->n; i++)
	{
		const char *k = v->keys[i];

		if (eq(k, "null") || eq(k, "unique") || eq(k, "max"))
			continue;
		if (gen_text != NULL || gen_name != NULL)
			return spec_error(s, column, err, "give one generator per column");
		if (eq(k, "gen"))
		{
			if (v->items[i]->type != COVET_JSON_STRING)
				return spec_error(s, column, err, "\"gen\" must be a string");
			gen_text = v->items[i]->text;
		}
		else
		{
			gen_name = k;
			gen_args = v->items[i];
		}
	}
	if (gen_text == NULL && gen_name == NULL)
		return spec_error(s, column, err, "no generator: add \"gen\", e.g. {\"gen\": \"email\", \"null\": 0.1}");
	if (gen_text != NULL)
	{
		if (strcmp(gen_text, "default") == 0)
			return COVET_OK;
		covet_buf_append(&b, gen_text);
	}
	else if (eq(gen_name, "constant") && gen_args->type == COVET_JSON_NULL)
		covet_buf_append(&b, "null");
	else
	{
		covet_buf_append(&b, gen_name);
		covet_buf_appendc(&b, '(');
		if (gen_args->type == COVET_JSON_ARRAY)
		{
			for (i = 0; i < gen_args->n; i++)
			{
				if (i > 0)
					covet_buf_append(&b, ", ");
				if (!append_arg(&b, gen_args->items[i]))
				{
					covet_buf_free(&b);
					return spec_error(s, column, err, "arguments must be strings, numbers or booleans");
				}
			}
		}
		else if (gen_args->type == COVET_JSON_OBJECT)
		{
			/* {"choice": {"new": 3, "done": 1}} */
			for (i = 0; i < gen_args->n; i++)
			{
				if (i > 0)
					covet_buf_append(&b, ", ");
				covet_quote_literal(&b, gen_args->keys[i]);
				covet_buf_appendc(&b, ':');
				if (gen_args->items[i]->type != COVET_JSON_NUMBER)
				{
					covet_buf_free(&b);
					return spec_error(s, column, err, "weights must be numbers");
				}
				covet_buf_append(&b, gen_args->items[i]->text);
			}
		}
		else if (!append_arg(&b, gen_args))
		{
			covet_buf_free(&b);
			return spec_error(s, column, err, "arguments must be strings, numbers or booleans");
		}
		covet_buf_appendc(&b, ')');
	}
	for (i = 0; i < v->n; i++)
	{
		const CovetJson *o = v->items[i];

		if (eq(v->keys[i], "null"))
		{
			if (o->type != COVET_JSON_NUMBER)
			{
				covet_buf_free(&b);
				return spec_error(s, column, err, "\"null\" must be a number from 0 to 1");
			}
			covet_buf_appendf(&b, "; null=%s", o->text);
		}
		else if (eq(v->keys[i], "unique"))
		{
			if (o->type != COVET_JSON_BOOL)
			{
				covet_buf_free(&b);
				return spec_error(s, column, err, "\"unique\" must be true or false");
			}
			if (o->boolean)
				covet_buf_append(&b, "; unique");
		}
		else if (eq(v->keys[i], "max"))
		{
			if (o->type != COVET_JSON_NUMBER)
			{
				covet_buf_free(&b);
				return spec_error(s, column, err, "\"max\" must be a number of characters");
			}
			covet_buf_appendf(&b, "; max=%s", o->text);
		}
	}
	return covet_buf_finish(&b, out, err);
}

/*
 * A text generator from the spec on a unique column carries the row
 * number ("; unique"), as an inferred one does.
 */
static CovetStatus
spec_unique(Seed *s, SeedCol *c, CovetError *err)
{
	char		name[32];
	size_t		n = 0;
	CovetBuf	b;

	if (c->gen == NULL || !(c->unique || (c->pk > 0 && !c->auto_fill)) ||
		strstr(c->gen, "unique") != NULL)
		return COVET_OK;
	while (n < sizeof(name) - 1 && ((c->gen[n] >= 'a' && c->gen[n] <= 'z') || c->gen[n] == '_'))
	{
		name[n] = c->gen[n];
		n++;
	}
	name[n] = '\0';
	if (!is_text_gen(name))
		return COVET_OK;
	covet_buf_init(&b, &s->d->mem);
	covet_buf_append(&b, c->gen);
	covet_buf_append(&b, "; unique");
	covet_free(&s->d->mem, c->gen);
	c->gen = NULL;
	return covet_buf_finish(&b, &c->gen, err);
}

/* --- reading the table ------------------------------------------------------ */

static void
seed_free(Seed *s)
{
	CovetDriver *d = s->d;
	int			i,
				k;

	for (i = 0; s->cols != NULL && i < s->ncols; i++)
		covet_free(&d->mem, s->cols[i].gen);
	covet_free(&d->mem, s->cols);
	for (i = 0; s->fks != NULL && i < s->nfks; i++)
	{
		covet_free(&d->mem, s->fks[i].id);
		covet_free(&d->mem, s->fks[i].parent);
		covet_free(&d->mem, s->fks[i].parent_sql);
		for (k = 0; k < s->fks[i].ncols; k++)
			covet_free(&d->mem, s->fks[i].pcols[k]);
	}
	covet_free(&d->mem, s->fks);
	covet_free(&d->mem, s->sql_name);
	covet_free(&d->mem, s->real_name);
	covet_result_free(d, &s->desc);
	covet_result_free(d, &s->fkres);
	covet_json_free(&d->mem, s->spec);
}

/* The describe query's parameter: quoted (PostgreSQL) or bare (SQLite). */
static CovetStatus
describe_param(CovetDriver *d, const char *table, char **out, CovetError *err)
{
	CovetBuf	b;
	const char *dot = strchr(table, '.');

	covet_buf_init(&b, &d->mem);
	if (d->dialect->engine == COVET_ENGINE_POSTGRES && dot != NULL)
	{
		char	   *schema = covet_strndup(&d->mem, table, (size_t) (dot - table));

		if (schema == NULL)
			return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
		covet_quote_ident(&b, schema);
		covet_buf_appendc(&b, '.');
		covet_quote_ident(&b, dot + 1);
		covet_free(&d->mem, schema);
	}
	else if (d->dialect->engine == COVET_ENGINE_POSTGRES)
		covet_quote_ident(&b, table);
	else
		covet_buf_append(&b, table);
	return covet_buf_finish(&b, out, err);
}

/* schema, table of a describe row as SQL */
static CovetStatus
sql_table_name(CovetDriver *d, const char *schema, const char *table, char **out,
			   CovetError *err)
{
	CovetBuf	b;

	covet_buf_init(&b, &d->mem);
	if (d->dialect->engine == COVET_ENGINE_POSTGRES)
	{
		covet_quote_ident(&b, schema);
		covet_buf_appendc(&b, '.');
	}
	covet_quote_ident(&b, table);
	return covet_buf_finish(&b, out, err);
}

static CovetStatus
read_table(Seed *s, CovetError *err)
{
	CovetDriver *d = s->d;
	CovetResult *r = &s->desc;
	char	   *param = NULL;
	const char *p;
	CovetStatus rc;
	int			i;

	if ((rc = describe_param(d, s->table, &param, err)) != COVET_OK)
		return rc;
	p = param;
	rc = covet_sql_run(d, d->dialect->seed_describe_sql, 1, &p, r, err);
	covet_free(&d->mem, param);
	if (rc != COVET_OK)
		return rc;
	if (r->nrows == 0)
	{
		covet_error_set(err, COVET_ERR_NOT_FOUND, "table \"%s\" does not exist", s->table);
		memcpy(err->sqlstate, "42P01", 6);
		return COVET_ERR_NOT_FOUND;
	}
	{
		const char *kind = COVET_VALUE(r, 0, 2);

		if (!eq(kind, "r") && !eq(kind, "p") && !eq(kind, "table"))
		{
			covet_error_set(err, COVET_ERR_INVALID, "\"%s\" is not a table", s->table);
			memcpy(err->sqlstate, "42809", 6);
			return COVET_ERR_INVALID;
		}
	}
	if ((rc = sql_table_name(d, COVET_VALUE(r, 0, 0), COVET_VALUE(r, 0, 1), &s->sql_name, err)) != COVET_OK)
		return rc;
	if ((s->real_name = covet_strdup(&d->mem, d->dialect->engine == COVET_ENGINE_POSTGRES ?
									 s->sql_name : COVET_VALUE(r, 0, 1))) == NULL)
		return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");

	s->ncols = r->nrows;
	if ((s->cols = covet_alloc0(&d->mem, sizeof(SeedCol) * (size_t) r->nrows)) == NULL)
		return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
	for (i = 0; i < r->nrows; i++)
	{
		SeedCol    *c = &s->cols[i];

		c->name = COVET_VALUE(r, i, 3);
		c->type = COVET_VALUE(r, i, 4) ? COVET_VALUE(r, i, 4) : "";
		c->notnull = truthy(COVET_VALUE(r, i, 5));
		c->has_default = truthy(COVET_VALUE(r, i, 6));
		c->pk = atoi(COVET_VALUE(r, i, 7) ? COVET_VALUE(r, i, 7) : "0");
		c->auto_fill = truthy(COVET_VALUE(r, i, 8));
		c->generated = truthy(COVET_VALUE(r, i, 9));
		c->unique = truthy(COVET_VALUE(r, i, 10));
		c->cast_type = r->ncols > 11 && COVET_VALUE(r, i, 11) ? COVET_VALUE(r, i, 11) : c->type;
		c->tc = type_class(c->type, &c->precision, &c->scale);
		c->fk = -1;
		/* SQLite: a primary key column is NOT NULL in effect, except the rowid */
		if (c->pk > 0 && !c->auto_fill)
			c->notnull = true;
	}
	return COVET_OK;
}

static int
find_col(const Seed *s, const char *name)
{
	int			i;

	for (i = 0; i < s->ncols; i++)
		if (strcmp(s->cols[i].name, name) == 0)
			return i;
	for (i = 0; i < s->ncols; i++)
		if (strcasecmp(s->cols[i].name, name) == 0)
			return i;
	return -1;
}

/* The foreign keys; parent columns NULL (SQLite) mean the parent's key. */
static CovetStatus
read_fks(Seed *s, CovetError *err)
{
	CovetDriver *d = s->d;
	CovetResult *r = &s->fkres;
	const char *p = s->real_name;
	CovetStatus rc;
	int			i;

	if ((rc = covet_sql_run(d, d->dialect->seed_fks_sql, 1, &p, r, err)) != COVET_OK)
		return rc;
	if (r->nrows == 0)
		return COVET_OK;
	if ((s->fks = covet_alloc0(&d->mem, sizeof(SeedFk) * (size_t) r->nrows)) == NULL)
		return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
	for (i = 0; i < r->nrows; i++)
	{
		const char *id = COVET_VALUE(r, i, 0);
		SeedFk	   *fk;
		int			col = find_col(s, COVET_VALUE(r, i, 2));

		if (s->nfks == 0 || strcmp(s->fks[s->nfks - 1].id, id) != 0)
		{
			fk = &s->fks[s->nfks++];
			fk->use = true;
			if ((fk->id = covet_strdup(&d->mem, id)) == NULL ||
				(fk->parent = covet_strdup(&d->mem, COVET_VALUE(r, i, 4))) == NULL)
				return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
			if ((rc = sql_table_name(d, COVET_VALUE(r, i, 3), COVET_VALUE(r, i, 4),
									 &fk->parent_sql, err)) != COVET_OK)
				return rc;
			fk->self = strcmp(fk->parent_sql, s->sql_name) == 0;
		}
		fk = &s->fks[s->nfks - 1];
		if (fk->ncols == MAX_FK_COLS || col < 0)
		{
			fk->use = false;	/* not ours to fill */
			continue;
		}
		fk->cols[fk->ncols] = col;
		if (COVET_VALUE(r, i, 5) != NULL &&
			(fk->pcols[fk->ncols] = covet_strdup(&d->mem, COVET_VALUE(r, i, 5))) == NULL)
			return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
		fk->ncols++;
	}
	return COVET_OK;
}

/* SQLite's "REFERENCES parent" without columns: the parent's primary key. */
static CovetStatus
resolve_parent_key(Seed *s, SeedFk *fk, CovetError *err)
{
	CovetDriver *d = s->d;
	CovetResult r = {0};
	const char *p = fk->parent;
	CovetStatus rc;
	int			i,
				k;

	for (k = 0; k < fk->ncols; k++)
		if (fk->pcols[k] == NULL)
			break;
	if (k == fk->ncols)
		return COVET_OK;
	if ((rc = covet_sql_run(d, d->dialect->seed_describe_sql, 1, &p, &r, err)) != COVET_OK)
		return rc;
	for (k = 0; k < fk->ncols; k++)
	{
		for (i = 0; i < r.nrows; i++)
			if (atoi(COVET_VALUE(&r, i, 7)) == k + 1)
				break;
		if (i == r.nrows)
		{
			covet_result_free(d, &r);
			covet_error_set(err, COVET_ERR_STATE, "cannot seed %s: the foreign key on \"%s\" references %s, which has no matching primary key",
							s->table, s->cols[fk->cols[0]].name, fk->parent);
			return COVET_ERR_STATE;
		}
		covet_free(&d->mem, fk->pcols[k]);
		if ((fk->pcols[k] = covet_strdup(&d->mem, COVET_VALUE(&r, i, 3))) == NULL)
		{
			covet_result_free(d, &r);
			return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
		}
	}
	covet_result_free(d, &r);
	return COVET_OK;
}

/* One number from a one-row, one-column query. */
static CovetStatus
query_int(CovetDriver *d, const char *sql, int64_t *out, bool *null, CovetError *err)
{
	CovetResult r = {0};
	CovetStatus rc = d->query(d->ctx, sql, 0, NULL, &r, err);
	char	   *end;

	*out = 0;
	*null = true;
	if (rc != COVET_OK)
		return rc;
	if (r.nrows == 1 && r.ncols == 1 && COVET_VALUE(&r, 0, 0) != NULL)
	{
		*null = false;
		*out = strtoll(COVET_VALUE(&r, 0, 0), &end, 10);
		if (*end != '\0' && *end != '.')
			rc = covet_error_set(err, COVET_ERR_STATE, "expected an integer, got \"%.50s\"",
								 COVET_VALUE(&r, 0, 0));
	}
	covet_result_free(d, &r);
	return rc;
}

/* --- deciding each column ----------------------------------------------------- */

static CovetStatus
set_gen(Seed *s, SeedCol *c, const char *text, CovetError *err)
{
	covet_free(&s->d->mem, c->gen);
	c->gen = text ? covet_strdup(&s->d->mem, text) : NULL;
	if (text != NULL && c->gen == NULL)
		return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
	return COVET_OK;
}

static CovetStatus
decide_columns(Seed *s, bool *in_spec, CovetError *err)
{
	CovetDriver *d = s->d;
	CovetStatus rc;
	int			i,
				k;

	/* foreign keys the spec does not override pick parents */
	for (i = 0; i < s->nfks; i++)
	{
		SeedFk	   *fk = &s->fks[i];

		for (k = 0; k < fk->ncols && fk->use; k++)
			if (in_spec[fk->cols[k]] || s->cols[fk->cols[k]].fk >= 0 ||
				s->cols[fk->cols[k]].auto_fill || s->cols[fk->cols[k]].generated)
				fk->use = false;
		if (!fk->use || fk->ncols == 0)
		{
			fk->use = false;
			continue;
		}
		if ((rc = resolve_parent_key(s, fk, err)) != COVET_OK)
			return rc;
		for (k = 0; k < fk->ncols; k++)
		{
			s->cols[fk->cols[k]].fk = i;
			s->cols[fk->cols[k]].fkpos = k;
		}
	}

	for (i = 0; i < s->ncols; i++)
	{
		SeedCol    *c = &s->cols[i];
		char		lname[128];
		char		buf[64];
		const char *g;
		size_t		j;

		if (in_spec[i] || c->fk >= 0 || c->generated)
			continue;
		/* an integer key the database fills, or one with a default */
		if (c->auto_fill || (c->pk > 0 && c->has_default))
			continue;
		for (j = 0; c->name[j] && j < sizeof(lname) - 1; j++)
			lname[j] = (c->name[j] >= 'A' && c->name[j] <= 'Z') ? (char) (c->name[j] + 32) : c->name[j];
		lname[j] = '\0';

		if ((c->pk > 0 || c->unique) && c->tc == T_INT)
		{
			/* a sequence past the current max; start fixed later */
			c->pk_sequence = true;
			if ((rc = set_gen(s, c, "sequence", err)) != COVET_OK)
				return rc;
			continue;
		}
		g = infer_from_name(lname, c->tc);
		if (g == NULL && c->has_default)
			continue;			/* nothing but the type to go by: the default */
		if (g == NULL)
			g = infer_from_type(c, buf, sizeof(buf));
		if (g == NULL)
		{
			if (!c->notnull)
				continue;		/* NULL */
			covet_error_set(err, COVET_ERR_INVALID,
							"cannot infer a generator for column \"%s\" of type %s", c->name,
							c->type[0] ? c->type : "(none)");
			covet_error_hint(err, "Give one in the spec, e.g. {\"%s\": \"constant('...')\"}.", c->name);
			return COVET_ERR_INVALID;
		}
		{
			CovetBuf	b;

			covet_buf_init(&b, &d->mem);
			covet_buf_append(&b, g);
			if ((c->unique || c->pk > 0) && c->tc == T_TEXT && is_text_gen(g))
				covet_buf_append(&b, "; unique");
			else if (c->tc == T_TEXT && c->precision > 0 && !starts(g, "bool"))
				covet_buf_appendf(&b, "; max=%d", c->precision);
			covet_free(&d->mem, c->gen);
			c->gen = NULL;
			if ((rc = covet_buf_finish(&b, &c->gen, err)) != COVET_OK)
				return rc;
		}
	}
	return COVET_OK;
}

/* Parse every generator once: the errors come before anything runs. */
static CovetStatus
check_generators(Seed *s, CovetError *err)
{
	CovetDriver *d = s->d;
	int			i;

	for (i = 0; i < s->ncols; i++)
	{
		SeedCol    *c = &s->cols[i];
		CovetFakeGen *g;
		CovetStatus rc;
		bool		may_null;

		if (c->gen == NULL)
			continue;
		if ((rc = covet_fake_parse(&d->mem, c->gen, &g, err)) != COVET_OK)
		{
			covet_error_prefix(err, "column \"%s\": ", c->name);
			return rc;
		}
		may_null = covet_fake_nullable(g);
		covet_fake_free(&d->mem, g);
		if (may_null && c->notnull)
		{
			covet_error_set(err, COVET_ERR_INVALID,
							"column \"%s\" is NOT NULL, but its generator \"%s\" gives NULLs",
							c->name, c->gen);
			covet_error_hint(err, "Drop the null probability for this column, or give it another generator.");
			return COVET_ERR_INVALID;
		}
	}
	return COVET_OK;
}

/* --- the statement --------------------------------------------------------------- */

static void
append_template(CovetBuf *b, const char *tmpl, int64_t lo, int64_t hi,
				const char *gens)
{
	const char *p;

	for (p = tmpl; *p; p++)
	{
		if (gens != NULL && strncmp(p, "{gens}", 6) == 0)
		{
			covet_quote_literal(b, gens);
			p += 5;
		}
		else if (strncmp(p, "{lo}", 4) == 0)
		{
			covet_buf_appendf(b, "%lld", (long long) lo);
			p += 3;
		}
		else if (strncmp(p, "{hi}", 4) == 0)
		{
			covet_buf_appendf(b, "%lld", (long long) hi);
			p += 3;
		}
		else
			covet_buf_appendc(b, *p);
	}
}

/* covet_fake('gen', key, covet_rows.r), cast where the engine needs it */
static void
append_fake(CovetBuf *b, const CovetDialect *dl, const char *gen, int64_t key,
			const char *cast)
{
	if (dl->seed_cast_values && cast != NULL)
		covet_buf_append(b, "CAST(");
	if (dl->func_prefix != NULL)
		covet_buf_append(b, dl->func_prefix);
	covet_buf_append(b, "covet_fake(");
	/* arguments of exactly its types: no overload can match better */
	if (dl->cast_fn_args)
	{
		covet_buf_append(b, "CAST(");
		covet_quote_literal(b, gen);
		covet_buf_appendf(b, " AS %stext), CAST(%lld AS bigint), covet_rows.r)", dl->catalog,
						  (long long) key);
	}
	else
	{
		covet_quote_literal(b, gen);
		covet_buf_appendf(b, ", %lld, covet_rows.r)", (long long) key);
	}
	if (dl->seed_cast_values && cast != NULL)
		covet_buf_appendf(b, " AS %s)", cast);
}

static CovetStatus
build_sql(Seed *s, int64_t lo, int64_t hi, char **sql, int *ninserted, CovetError *err)
{
	CovetDriver *d = s->d;
	const CovetDialect *dl = d->dialect;
	CovetBuf	b,
				gens;
	bool		with = false;
	bool		first;
	int			i,
				k,
				ngen;

	covet_buf_init(&b, &d->mem);
	if (dl->seed_rows_cte != NULL)
	{
		covet_buf_append(&b, "WITH RECURSIVE ");
		append_template(&b, dl->seed_rows_cte, lo, hi, NULL);
		with = true;
	}
	for (i = 0; i < s->nfks; i++)
	{
		SeedFk	   *fk = &s->fks[i];

		if (!fk->use || fk->nulls)
			continue;
		covet_buf_append(&b, with ? ",\n  " : "WITH ");
		with = true;
		covet_buf_appendf(&b, "covet_fk%d(", i + 1);
		for (k = 0; k < fk->ncols; k++)
			covet_buf_appendf(&b, "k%d, ", k + 1);
		covet_buf_append(&b, "rn) AS (SELECT ");
		for (k = 0; k < fk->ncols; k++)
		{
			covet_quote_ident(&b, fk->pcols[k]);
			covet_buf_append(&b, ", ");
		}
		covet_buf_appendf(&b, "%srow_number() OVER (ORDER BY ", dl->catalog);
		for (k = 0; k < fk->ncols; k++)
		{
			if (k > 0)
				covet_buf_append(&b, ", ");
			covet_quote_ident(&b, fk->pcols[k]);
		}
		covet_buf_appendf(&b, ") FROM %s WHERE ", fk->parent_sql);
		for (k = 0; k < fk->ncols; k++)
		{
			if (k > 0)
				covet_buf_append(&b, " AND ");
			covet_quote_ident(&b, fk->pcols[k]);
			covet_buf_append(&b, " IS NOT NULL");
		}
		covet_buf_append(&b, ")");
	}
	covet_buf_appendf(&b, "\nINSERT INTO %s (", s->sql_name);
	first = true;
	*ninserted = 0;
	ngen = 0;					/* the values covet generates */
	for (i = 0; i < s->ncols; i++)
	{
		SeedCol    *c = &s->cols[i];

		if (!column_inserted(s, c))
			continue;
		if (!first)
			covet_buf_append(&b, ", ");
		first = false;
		covet_quote_ident(&b, c->name);
		(*ninserted)++;
		if (c->fk < 0)
			ngen++;
	}
	covet_buf_append(&b, ")\nSELECT ");
	/* values from the row source itself, when the dialect has one */
	if (dl->seed_rows_gen_from != NULL && ngen <= dl->seed_rows_gen_max)
		covet_buf_init(&gens, &d->mem);
	else
		ngen = -1;
	first = true;
	k = 0;
	for (i = 0; i < s->ncols; i++)
	{
		SeedCol    *c = &s->cols[i];

		if (!column_inserted(s, c))
			continue;
		if (!first)
			covet_buf_append(&b, ", ");
		first = false;
		if (c->fk >= 0)
			covet_buf_appendf(&b, "covet_fk%d.k%d", c->fk + 1, c->fkpos + 1);
		else if (ngen >= 0)
		{
			covet_buf_appendf(&b, "covet_rows.c%d", ++k);
			covet_seed_gens_encode(&gens, c->key, c->gen);
		}
		else
			append_fake(&b, dl, c->gen, c->key, c->tc == T_TEXT ? NULL : c->cast_type);
	}
	covet_buf_append(&b, "\nFROM ");
	if (ngen >= 0)
	{
		char	   *text;
		CovetStatus rc;

		if ((rc = covet_buf_finish(&gens, &text, err)) != COVET_OK)
		{
			covet_buf_free(&b);
			return rc;
		}
		append_template(&b, dl->seed_rows_gen_from, lo, hi, text);
		covet_free(&d->mem, text);
	}
	else
		append_template(&b, dl->seed_rows_from, lo, hi, NULL);
	first = true;
	for (i = 0; i < s->nfks; i++)
		if (s->fks[i].use && !s->fks[i].nulls)
			covet_buf_appendf(&b, " CROSS JOIN covet_fk%d", i + 1);
	for (i = 0; i < s->nfks; i++)
	{
		SeedFk	   *fk = &s->fks[i];
		char		gen[64];

		if (!fk->use || fk->nulls)
			continue;
		covet_buf_append(&b, first ? "\nWHERE " : "\n  AND ");
		first = false;
		snprintf(gen, sizeof(gen), "int(1, %lld)", (long long) fk->count);
		covet_buf_appendf(&b, "covet_fk%d.rn", i + 1);
		covet_sql_op(&b, dl, "=");
		append_fake(&b, dl, gen, s->cols[fk->cols[0]].key, "bigint");
	}
	return covet_buf_finish(&b, sql, err);
}

/*
 * Everything up to the statement: check the arguments, read the table,
 * decide every column, read the counts.  *sql NULL: nothing to run (n = 0).
 */
static CovetStatus
prepare(Seed *s, int64_t n, const char *spec, int64_t seed, char **sql,
		CovetError *err)
{
	CovetDriver *d = s->d;
	CovetStatus rc;
	bool	   *in_spec = NULL;
	int64_t		offset = 0;
	bool		isnull;
	int			i,
				ninserted;

	*sql = NULL;
	if (s->table == NULL)
		return covet_error_set(err, COVET_ERR_NULL, "table_name must not be null");
	if (*s->table == '\0')
		return covet_error_set(err, COVET_ERR_INVALID, "table_name must not be empty");
	if (n < 0)
	{
		covet_error_set(err, COVET_ERR_INVALID, "n must not be negative");
		covet_error_detail(err, "n was %lld.", (long long) n);
		return COVET_ERR_INVALID;
	}
	if (n > INT64_C(1000000000000))
		return covet_error_set(err, COVET_ERR_INVALID, "n is too large");
	if ((rc = read_table(s, err)) != COVET_OK || (rc = read_fks(s, err)) != COVET_OK)
		return rc;

	if ((in_spec = covet_alloc0(&d->mem, sizeof(bool) * (size_t) s->ncols)) == NULL)
		return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
	if (spec != NULL)
	{
		if ((rc = covet_json_parse(&d->mem, spec, &s->spec, err)) != COVET_OK)
			goto done;
		if (s->spec->type != COVET_JSON_OBJECT)
		{
			covet_error_set(err, COVET_ERR_INVALID, "invalid spec: it must be a JSON object of columns");
			covet_error_hint(err, "For example {\"email\": \"email\", \"status\": \"choice(new:3, done:1)\"}.");
			rc = COVET_ERR_INVALID;
			goto done;
		}
		for (i = 0; i < s->spec->n; i++)
		{
			int			col = find_col(s, s->spec->keys[i]);
			char	   *text;

			if (col < 0)
			{
				covet_error_set(err, COVET_ERR_NOT_FOUND, "column \"%s\" of table \"%s\" does not exist",
								s->spec->keys[i], s->table);
				covet_error_detail(err, "It was given in the spec.");
				memcpy(err->sqlstate, "42703", 6);
				rc = COVET_ERR_NOT_FOUND;
				goto done;
			}
			if (in_spec[col])
			{
				covet_error_set(err, COVET_ERR_INVALID, "column \"%s\" is given twice in the spec",
								s->cols[col].name);
				rc = COVET_ERR_INVALID;
				goto done;
			}
			if (s->cols[col].generated)
			{
				covet_error_set(err, COVET_ERR_INVALID, "column \"%s\" is generated and cannot be seeded",
								s->cols[col].name);
				rc = COVET_ERR_INVALID;
				goto done;
			}
			in_spec[col] = true;
			if ((rc = spec_entry_text(s, s->cols[col].name, s->spec->items[i], &text, err)) != COVET_OK)
				goto done;
			s->cols[col].gen = text;
			if ((rc = spec_unique(s, &s->cols[col], err)) != COVET_OK)
				goto done;
		}
	}
	if ((rc = decide_columns(s, in_spec, err)) != COVET_OK ||
		(rc = check_generators(s, err)) != COVET_OK)
		goto done;
	for (i = 0; i < s->ncols; i++)
		s->cols[i].key = covet_fake_key(seed, s->cols[i].name);
	{
		bool		anything = false;

		for (i = 0; i < s->ncols; i++)
			if (s->cols[i].gen != NULL || s->cols[i].fk >= 0)
				anything = true;
		if (!anything)
		{
			covet_error_set(err, COVET_ERR_INVALID, "nothing to generate for table \"%s\"", s->table);
			covet_error_detail(err, "Every column is left to the database.");
			covet_error_hint(err, "Give a generator for at least one column in the spec.");
			rc = COVET_ERR_INVALID;
			goto done;
		}
	}
	if (n == 0)
		goto done;

	/* where this call's rows start, and the current max of key sequences */
	{
		CovetBuf	b;
		char	   *q;

		covet_buf_init(&b, &d->mem);
		covet_buf_appendf(&b, "SELECT %scount(*) FROM %s", d->dialect->catalog, s->sql_name);
		if ((rc = covet_buf_finish(&b, &q, err)) != COVET_OK)
			goto done;
		rc = query_int(d, q, &offset, &isnull, err);
		covet_free(&d->mem, q);
		if (rc != COVET_OK)
			goto done;
	}
	for (i = 0; i < s->ncols; i++)
	{
		SeedCol    *c = &s->cols[i];
		CovetBuf	b;
		char	   *q;
		int64_t		max;

		if (!c->pk_sequence)
			continue;
		covet_buf_init(&b, &d->mem);
		covet_buf_appendf(&b, "SELECT %smax(", d->dialect->catalog);
		covet_quote_ident(&b, c->name);
		covet_buf_appendf(&b, ") FROM %s", s->sql_name);
		if ((rc = covet_buf_finish(&b, &q, err)) != COVET_OK)
			goto done;
		rc = query_int(d, q, &max, &isnull, err);
		covet_free(&d->mem, q);
		if (rc != COVET_OK)
			goto done;
		/* value = start + (row - 1), rows offset+1.. : max+1, max+2, ... */
		covet_buf_init(&b, &d->mem);
		covet_buf_appendf(&b, "sequence(%lld, 1)", (long long) ((isnull ? 0 : max) - offset + 1));
		covet_free(&d->mem, c->gen);
		c->gen = NULL;
		if ((rc = covet_buf_finish(&b, &c->gen, err)) != COVET_OK)
			goto done;
	}
	for (i = 0; i < s->nfks; i++)
	{
		SeedFk	   *fk = &s->fks[i];
		CovetBuf	b;
		char	   *q;
		int			k;
		bool		nullable = true;

		if (!fk->use)
			continue;
		covet_buf_init(&b, &d->mem);
		covet_buf_appendf(&b, "SELECT %scount(*) FROM %s WHERE ", d->dialect->catalog, fk->parent_sql);
		for (k = 0; k < fk->ncols; k++)
		{
			if (k > 0)
				covet_buf_append(&b, " AND ");
			covet_quote_ident(&b, fk->pcols[k]);
			covet_buf_append(&b, " IS NOT NULL");
			if (s->cols[fk->cols[k]].notnull)
				nullable = false;
		}
		if ((rc = covet_buf_finish(&b, &q, err)) != COVET_OK)
			goto done;
		rc = query_int(d, q, &fk->count, &isnull, err);
		covet_free(&d->mem, q);
		if (rc != COVET_OK)
			goto done;
		if (fk->count == 0 && fk->self && nullable)
			fk->nulls = true;	/* the first rows of a tree are roots */
		else if (fk->count == 0)
		{
			CovetBuf	cols;
			char	   *names;

			covet_buf_init(&cols, &d->mem);
			for (k = 0; k < fk->ncols; k++)
			{
				if (k > 0)
					covet_buf_append(&cols, ", ");
				covet_buf_append(&cols, s->cols[fk->cols[k]].name);
			}
			if ((rc = covet_buf_finish(&cols, &names, err)) != COVET_OK)
				goto done;
			covet_error_set(err, COVET_ERR_STATE,
							"cannot seed %s: its foreign key %s references %s, which has no rows",
							s->table, names, fk->parent);
			covet_error_hint(err, "Seed %s first, or give a spec for %s.", fk->parent, names);
			covet_free(&d->mem, names);
			rc = COVET_ERR_STATE;
			goto done;
		}
	}
	if (offset > INT64_MAX - n)
	{
		rc = covet_error_set(err, COVET_ERR_INVALID, "n is too large");
		goto done;
	}
	rc = build_sql(s, offset + 1, offset + n, sql, &ninserted, err);

done:
	covet_free(&d->mem, in_spec);
	return rc;
}

CovetStatus
covet_seed_sql(CovetDriver *d, const char *table, int64_t n, const char *spec,
			   int64_t seed, char **sql, CovetError *err)
{
	Seed		s;
	CovetStatus rc;

	memset(&s, 0, sizeof(s));
	s.d = d;
	s.table = table;
	rc = prepare(&s, n, spec, seed, sql, err);
	seed_free(&s);
	return rc;
}

CovetStatus
covet_seed(CovetDriver *d, const char *table, int64_t n, const char *spec,
		   int64_t seed, char **report, CovetError *err)
{
	Seed		s;
	char	   *sql = NULL;
	CovetResult res = {0};
	CovetBuf	b;
	CovetStatus rc;

	*report = NULL;
	memset(&s, 0, sizeof(s));
	s.d = d;
	s.table = table;
	if ((rc = prepare(&s, n, spec, seed, &sql, err)) != COVET_OK)
		goto done;
	if (sql != NULL)
	{
		if ((rc = d->savepoint_begin(d->ctx, err)) != COVET_OK)
			goto done;
		rc = d->query(d->ctx, sql, 0, NULL, &res, err);
		if (rc == COVET_OK && res.affected != n)
		{
			covet_error_set(err, COVET_ERR_INTERNAL,
							"covet_seed inserted %lld rows into %s instead of %lld",
							(long long) res.affected, table, (long long) n);
			rc = COVET_ERR_INTERNAL;
		}
		if (rc == COVET_OK)
			rc = d->savepoint_release(d->ctx, err);
		else
		{
			CovetError	ignore;
			const char *state = err->sqlstate;
			bool		check = strcmp(state, "23514") == 0 || strstr(err->message, "CHECK constraint") != NULL;
			bool		uniq = strcmp(state, "23505") == 0 || strstr(err->message, "UNIQUE constraint") != NULL;

			d->savepoint_rollback(d->ctx, &ignore);
			if (rc == COVET_ERR_SQL)
			{
				covet_error_prefix(err, "covet_seed could not insert into %s: ", table);
				if (check)
					covet_error_hint(err, "A CHECK constraint rejected a generated row; nothing was inserted. "
									 "Give the checked columns a generator in the spec that keeps to the check, e.g. {\"score\": \"int(0, 100)\"}.");
				else if (uniq)
					covet_error_hint(err, "A generated value is already in the table; nothing was inserted. "
									 "Give that column a unique generator in the spec (\"sequence\", \"uuid\", or \"; unique\"), or another seed.");
				else
					covet_error_hint(err, "Nothing was inserted. Give the columns involved a generator in the spec.");
			}
		}
		if (rc != COVET_OK)
			goto done;
	}
	covet_buf_init(&b, &d->mem);
	covet_buf_appendf(&b, "inserted %lld row%s into %s", (long long) n, n == 1 ? "" : "s", table);
	rc = covet_buf_finish(&b, report, err);

done:
	covet_result_free(d, &res);
	covet_free(&d->mem, sql);
	seed_free(&s);
	return rc;
}
