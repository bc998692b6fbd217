/*-------------------------------------------------------------------------
 *
 * squash.c
 *		covet_squash(first, last, name): one migration replacing the range
 *		first..last (plan order), and its bookkeeping.
 *
 *     SELECT covet_squash('0001_init', '0040_orders', '0040_squashed');
 *
 * The squashed migration is the diff from the schema before first to the
 * schema after last, each made by applying the migrations in a scratch
 * place (PostgreSQL: a schema of its own with search_path set to it,
 * inside a savepoint that is rolled back; SQLite: a new in-memory
 * connection, where unqualified names land in its main database), so the
 * operations of the range never form cycles.  Only the schema statements
 * of the migrations run there (see stmt_role): data statements are left
 * out, transaction control and VACUUM-like statements skipped, and
 * CONCURRENTLY dropped (nothing else reads the scratch place).
 *
 * A data migration (kind 'data', or an up text holding INSERT, UPDATE,
 * DELETE, MERGE, COPY, TRUNCATE, WITH, or a call of a covet_ function)
 * stays as its own step: the range is cut there, so the squashed text is
 * diff, the data migration's up text, diff, ..., in the original order,
 * and its down the reverses in reverse order with the data migration's
 * down text in its place.  One named in elide ("*": every one) is left out
 * (its schema statements still count).
 *
 * Bookkeeping: covet.squashed holds one row per replaced migration (the
 * squashed name, the original, its checksum); the runner (runner.c,
 * squash_roles) then runs, on each database, either the originals or the
 * squashed migration: none of the range applied, the squashed one runs;
 * all applied, it shows applied and runs nothing; some applied, the
 * originals go on.  The squashed migration depends on what the range
 * depended on outside itself.
 *
 * Refused: a range with a repeatable, incomplete or already squashed
 * migration; an unknown name or last before first; and, when the range
 * is not all applied here, a migration outside the range that depends on
 * one inside it and is applied (it ran on top of originals that would now
 * never run), or that depends on a data migration being elided.
 *
 *-------------------------------------------------------------------------
 */
#include "schemagen.h"
#include "formats.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

typedef struct SqMig
{
	const char *name;
	const char *state;
	const char *up;
	const char *down;
	const char *kind;
	const char *checksum;
	const char *depends;
	bool		repeatable;
	bool		data;
	bool		elide;
} SqMig;

typedef struct SquashState
{
	const CovetSquash *args;
	CovetResult status;
	CovetResult defs;
	SqMig	   *migs;			/* plan order */
	int			n;
	int			first;
	int			last;
	CovetGenPart part;
	CovetRename *renames;
	int			nrenames;
	char	   *text;
} SquashState;

typedef enum StmtRole
{
	ROLE_SCHEMA,
	ROLE_DATA,
	ROLE_SKIP
} StmtRole;

/* The first word of a statement (comments skipped), lower case. */
static void
first_word(const char *s, size_t len, char *out, size_t outlen)
{
	const char *e = s + len;
	size_t		n = 0;

	for (;;)
	{
		while (s < e && isspace((unsigned char) *s))
			s++;
		if (s + 1 < e && s[0] == '-' && s[1] == '-')
		{
			while (s < e && *s != '\n')
				s++;
			continue;
		}
		if (s + 1 < e && s[0] == '/' && s[1] == '*')
		{
			const char *c = s + 2;

			while (c + 1 < e && !(c[0] == '*' && c[1] == '/'))
				c++;
			s = c + 2 < e ? c + 2 : e;
			continue;
		}
		break;
	}
	while (s < e && n + 1 < outlen && (isalnum((unsigned char) *s) || *s == '_'))
		out[n++] = (char) tolower((unsigned char) *s++);
	out[n] = '\0';
}

/* Does the text hold "word" as a word, without case? */
static const char *
find_word(const char *s, size_t len, const char *word)
{
	size_t		wl = strlen(word);
	size_t		i;

	for (i = 0; i + wl <= len; i++)
		if (strncasecmp(s + i, word, wl) == 0 &&
			(i == 0 || !(isalnum((unsigned char) s[i - 1]) || s[i - 1] == '_')) &&
			(i + wl == len || !(isalnum((unsigned char) s[i + wl]) || s[i + wl] == '_')))
			return s + i;
	return NULL;
}

static bool
has_covet_call(const char *s, size_t len)
{
	size_t		i;

	for (i = 0; i + 6 < len; i++)
		if (strncasecmp(s + i, "covet_", 6) == 0 &&
			(i == 0 || !(isalnum((unsigned char) s[i - 1]) || s[i - 1] == '_')))
			return true;
	return false;
}

/* What one statement of a migration is to the squash. */
static StmtRole
stmt_role(const CovetStmtInfo *st)
{
	static const char *const data_words[] = {
		"insert", "update", "delete", "merge", "copy", "truncate", "with", NULL
	};
	/* nothing to the schema; SET search_path would leave the scratch place */
	static const char *const skip_words[] = {
		"select", "values", "pragma", "vacuum", "analyze", "analyse", "reindex",
		"savepoint", "release", "set", "reset", "show", "explain", "lock",
		"notify", "listen", "unlisten", "discard", "checkpoint", "cluster", "", NULL
	};
	char		w[32];
	int			i;

	if (st->kind == COVET_STMT_BEGIN || st->kind == COVET_STMT_COMMIT ||
		st->kind == COVET_STMT_ROLLBACK)
		return ROLE_SKIP;
	first_word(st->start, st->len, w, sizeof(w));
	for (i = 0; data_words[i]; i++)
		if (strcmp(w, data_words[i]) == 0)
			return ROLE_DATA;
	if ((strcmp(w, "select") == 0 || strcmp(w, "call") == 0 ||
		 strcmp(w, "values") == 0) && has_covet_call(st->start, st->len))
		return ROLE_DATA;
	for (i = 0; skip_words[i]; i++)
		if (strcmp(w, skip_words[i]) == 0)
			return ROLE_SKIP;
	if (st->kind == COVET_STMT_NO_BLOCK &&
		find_word(st->start, st->len, "concurrently") == NULL)
		return ROLE_SKIP;
	return ROLE_SCHEMA;
}

static bool
is_data_migration(CovetEngine engine, const SqMig *m)
{
	CovetStmtSplit sp;
	CovetStmtInfo st;

	if (m->kind != NULL && strcmp(m->kind, "data") == 0)
		return true;
	covet_stmt_split_begin(&sp, engine, m->up);
	while (covet_stmt_split_next(&sp, &st))
		if (stmt_role(&st) == ROLE_DATA)
			return true;
	return false;
}

/*
 * Append text without the qualification by schema ("schema"."x" or
 * schema.x becomes x).  Text only: a string holding the same words loses
 * them too.
 */
static void
strip_schema(CovetBuf *out, const char *text, size_t len, const char *schema)
{
	size_t		sl = strlen(schema);
	const char *p = text;
	const char *e = text + len;

	if (sl == 0)
	{
		covet_buf_appendn(out, text, len);
		return;
	}
	while (p < e)
	{
		if (p[0] == '"' && (size_t) (e - p) > sl + 2 && strncmp(p + 1, schema, sl) == 0 &&
			p[1 + sl] == '"' && p[2 + sl] == '.')
		{
			p += sl + 3;
			continue;
		}
		if ((size_t) (e - p) > sl && strncasecmp(p, schema, sl) == 0 && p[sl] == '.' &&
			(p == text || !(isalnum((unsigned char) p[-1]) || p[-1] == '_' || p[-1] == '"' || p[-1] == '.')))
		{
			p += sl + 1;
			continue;
		}
		covet_buf_appendc(out, *p++);
	}
}

/* Run a migration's schema statements in the scratch place. */
static CovetStatus
scratch_apply(CovetDriver *d, CovetDriver *s, const SqMig *m, const char *home,
			  CovetError *err)
{
	CovetStmtSplit sp;
	CovetStmtInfo st;
	CovetStatus rc = COVET_OK;

	covet_stmt_split_begin(&sp, s->dialect->engine, m->up);
	while (rc == COVET_OK && covet_stmt_split_next(&sp, &st))
	{
		CovetBuf	sql;
		const char *cc;
		CovetScriptStats stats;

		if (stmt_role(&st) != ROLE_SCHEMA)
			continue;
		covet_buf_init(&sql, &d->mem);
		cc = find_word(st.start, st.len, "concurrently");
		if (cc == NULL || st.kind != COVET_STMT_NO_BLOCK)
			cc = st.start + st.len;
		/* the text before CONCURRENTLY, then after it */
		strip_schema(&sql, st.start, (size_t) (cc - st.start), home ? home : "");
		if (cc < st.start + st.len)
			strip_schema(&sql, cc + 12, st.len - (size_t) (cc + 12 - st.start), home ? home : "");
		if (sql.failed)
			rc = covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
		else
		{
			memset(&stats, 0, sizeof(stats));
			rc = s->exec_script(s->ctx, sql.data, &stats, err);
			if (rc != COVET_OK)
				covet_error_prefix(err, "covet_squash: migration \"%s\" failed in the scratch schema: ",
								   m->name);
		}
		covet_buf_free(&sql);
	}
	return rc;
}

static bool
name_in_list(const char *list, const char *name)
{
	size_t		len = strlen(name);
	const char *p = list;

	if (list == NULL)
		return false;
	if (strcmp(list, "*") == 0)
		return true;
	while ((p = strstr(p, name)) != NULL)
	{
		bool		start = p == list || p[-1] == ',' || p[-1] == ' ' || p[-1] == '\t';
		char		after = p[len];

		if (start && (after == '\0' || after == ',' || after == ' ' || after == '\t'))
			return true;
		p += len;
	}
	return false;
}

static bool
depends_on(const char *depends, const char *name)
{
	return depends != NULL && name_in_list(depends, name) && strcmp(depends, "*") != 0;
}

/* Read the plan (covet_status) and each migration's texts. */
static CovetStatus
load_migrations(CovetDriver *d, SquashState *ss, CovetError *err)
{
	CovetStatus rc;
	int			i,
				k;

	if ((rc = covet_runner_status(d, &ss->status, err)) != COVET_OK)
		return rc;
	rc = covet_sql_run(d, "SELECT name, up_sql, down_sql, kind, checksum, depends_on,"
					   " CASE WHEN repeatable THEN 1 ELSE 0 END FROM {migrations}",
					   0, NULL, &ss->defs, err);
	if (rc != COVET_OK)
		return rc;
	ss->n = ss->status.nrows;
	ss->migs = covet_alloc0(&d->mem, sizeof(SqMig) * (size_t) (ss->n + 1));
	if (ss->migs == NULL)
		return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
	for (i = 0; i < ss->n; i++)
	{
		SqMig	   *m = &ss->migs[i];

		m->name = COVET_VALUE(&ss->status, i, 0);
		m->state = COVET_VALUE(&ss->status, i, 2);
		for (k = 0; k < ss->defs.nrows; k++)
			if (strcmp(COVET_VALUE(&ss->defs, k, 0), m->name) == 0)
			{
				m->up = COVET_VALUE(&ss->defs, k, 1);
				m->down = COVET_VALUE(&ss->defs, k, 2);
				m->kind = COVET_VALUE(&ss->defs, k, 3);
				m->checksum = COVET_VALUE(&ss->defs, k, 4);
				m->depends = COVET_VALUE(&ss->defs, k, 5);
				m->repeatable = strcmp(COVET_VALUE(&ss->defs, k, 6), "1") == 0;
			}
		if (m->up == NULL)
			return covet_error_set(err, COVET_ERR_INTERNAL, "migration \"%s\" has no text", m->name);
		m->data = is_data_migration(d->dialect->engine, m);
		m->elide = m->data && name_in_list(ss->args->elide, m->name);
	}
	return COVET_OK;
}

static int
find_mig(const SquashState *ss, const char *name)
{
	int			i;

	for (i = 0; i < ss->n; i++)
		if (strcmp(ss->migs[i].name, name) == 0)
			return i;
	return -1;
}

/* Everything that makes the range unfit to squash. */
static CovetStatus
check_range(CovetDriver *d, SquashState *ss, CovetError *err)
{
	const CovetSquash *a = ss->args;
	CovetResult sq = {0};
	CovetStatus rc;
	int			napplied = 0;
	int			i,
				k;

	ss->first = find_mig(ss, a->first);
	ss->last = find_mig(ss, a->last);
	if (ss->first < 0 || ss->last < 0)
	{
		covet_error_set(err, COVET_ERR_NOT_FOUND, "unknown migration \"%s\"",
						ss->first < 0 ? a->first : a->last);
		covet_error_hint(err, "covet_status() lists the defined migrations.");
		return COVET_ERR_NOT_FOUND;
	}
	if (ss->first > ss->last)
	{
		covet_error_set(err, COVET_ERR_INVALID, "\"%s\" comes after \"%s\" in plan order",
						a->first, a->last);
		covet_error_hint(err, "covet_squash takes the first and the last migration of the range, as covet_status() lists them.");
		return COVET_ERR_INVALID;
	}
	if (find_mig(ss, a->name) >= 0)
	{
		covet_error_set(err, COVET_ERR_DUPLICATE, "migration \"%s\" already exists", a->name);
		return COVET_ERR_DUPLICATE;
	}
	rc = covet_sql_run(d, "SELECT name, replaces FROM {squashed}", 0, NULL, &sq, err);
	for (i = ss->first; rc == COVET_OK && i <= ss->last; i++)
	{
		const SqMig *m = &ss->migs[i];

		for (k = 0; k < sq.nrows; k++)
			if (strcmp(COVET_VALUE(&sq, k, 0), m->name) == 0 ||
				strcmp(COVET_VALUE(&sq, k, 1), m->name) == 0)
				break;
		if (k < sq.nrows || m->repeatable || strcmp(m->state, "incomplete") == 0)
		{
			covet_error_set(err, COVET_ERR_STATE, "migration \"%s\" cannot be squashed", m->name);
			covet_error_detail(err, "It is %s.", k < sq.nrows ? "part of an earlier squash" :
							   m->repeatable ? "repeatable" : "incomplete");
			rc = COVET_ERR_STATE;
		}
		if (strcmp(m->state, "applied") == 0)
			napplied++;
	}
	covet_result_free(d, &sq);
	if (rc != COVET_OK || napplied == ss->last - ss->first + 1)
		return rc;
	/* the range is not all applied here: who outside depends on it? */
	for (i = 0; i < ss->n; i++)
	{
		const SqMig *o = &ss->migs[i];

		if (i >= ss->first && i <= ss->last)
			continue;
		for (k = ss->first; k <= ss->last; k++)
		{
			const SqMig *m = &ss->migs[k];

			if (!depends_on(o->depends, m->name))
				continue;
			if (strcmp(o->state, "applied") == 0 || m->elide)
			{
				covet_error_set(err, COVET_ERR_DEPENDENCY,
								"squashing \"%s\" .. \"%s\" would break migration \"%s\"",
								a->first, a->last, o->name);
				if (m->elide)
					covet_error_detail(err, "\"%s\" depends on data migration \"%s\", which the squash would leave out.",
									   o->name, m->name);
				else
					covet_error_detail(err, "\"%s\" depends on \"%s\" and is applied here while the range is not all applied.",
									   o->name, m->name);
				covet_error_hint(err, "Squash a range that no applied migration outside it depends on, or apply the range first.");
				return COVET_ERR_DEPENDENCY;
			}
		}
	}
	return COVET_OK;
}

/*
 * Append a statement of the scratch diff without the scratch schema's
 * name: PostgreSQL's diff qualifies names with the schema it read, and the
 * squashed migration must land where the originals did (unqualified).
 */
static void
append_unqualified(SquashState *ss, CovetBuf *buf, const char *stmt, bool notx)
{
	const char *sch = ss->args->scratch_schema;
	size_t		sl = strlen(sch);
	CovetBuf	b;
	const char *p = stmt;
	const char *cc = notx ? find_word(stmt, strlen(stmt), "concurrently") : NULL;

	if (!ss->args->scratch_savepoint && cc == NULL)
	{
		covet_gen_append_stmt(buf, stmt);
		return;
	}
	covet_buf_init(&b, buf->mem);
	covet_buf_append(&b, "");
	while (*p)
	{
		/* the squash is one transaction: no CONCURRENTLY */
		if (p == cc)
		{
			p += 12;
			while (*p == ' ')
				p++;
			continue;
		}
		if (!ss->args->scratch_savepoint)
		{
			covet_buf_appendc(&b, *p++);
			continue;
		}
		if (p[0] == '"' && strncmp(p + 1, sch, sl) == 0 && p[1 + sl] == '"' && p[2 + sl] == '.')
		{
			p += sl + 3;
			continue;
		}
		if (strncmp(p, sch, sl) == 0 && p[sl] == '.' &&
			(p == stmt || !(isalnum((unsigned char) p[-1]) || p[-1] == '_' || p[-1] == '"')))
		{
			p += sl + 1;
			continue;
		}
		covet_buf_appendc(&b, *p++);
	}
	covet_gen_append_stmt(buf, b.data ? b.data : "");
	if (b.failed)
		buf->failed = true;
	covet_buf_free(&b);
}

/* Append one segment's diff (prev -> cur) to the squashed migration. */
static CovetStatus
add_segment(CovetDriver *d, SquashState *ss, const CovetCatalog *prev,
			const CovetCatalog *cur, CovetError *err)
{
	CovetGenPart *p = &ss->part;
	CovetDiff  *diff = NULL;
	CovetBuf	down;
	CovetStatus rc;
	int			i;

	rc = covet_diff_catalogs(&d->mem, prev, cur, ss->renames, ss->nrenames, &diff, err);
	if (rc != COVET_OK)
		return rc;
	if (!ss->args->allow_data_loss)
	{
		CovetBuf	json,
					list;

		covet_buf_init(&json, &d->mem);
		covet_buf_init(&list, &d->mem);
		if (covet_gen_candidates(diff, &json, &list) > 0)
		{
			covet_error_set(err, COVET_ERR_STATE, "the squashed diff holds rename candidates");
			covet_error_detail(err, "Generated as they are, they drop and add: %s.", list.data);
			covet_error_hint(err, "Accept the renames with renames => '%s', or pass allow_data_loss => true.",
							 json.data);
			rc = COVET_ERR_STATE;
		}
		covet_buf_free(&json);
		covet_buf_free(&list);
	}
	covet_buf_init(&down, &d->mem);
	covet_buf_append(&down, "");
	for (i = 0; rc == COVET_OK && i < diff->nsteps; i++)
	{
		const CovetDiffStep *s = &diff->steps[i];
		bool		notx = (s->hazards & COVET_HZ_NON_TRANSACTIONAL) != 0;

		if (s->statement == NULL)
		{
			covet_error_set(err, COVET_ERR_STATE, "the squashed diff holds %s, which covet_diff does not cover",
							s->object ? s->object : "an object");
			rc = COVET_ERR_STATE;
			break;
		}

		/* one transaction: the runner turns SQLite's foreign keys off */
		if (notx && strncasecmp(s->statement, "PRAGMA", 6) == 0)
			continue;
		append_unqualified(ss, &p->up, s->statement, notx);
		if (s->reverse == NULL)
			p->irreversible = true;
		else
		{
			CovetBuf	b;

			covet_buf_init(&b, &d->mem);
			append_unqualified(ss, &b, s->reverse, notx);
			covet_buf_append(&b, down.data);
			covet_buf_free(&down);
			down = b;
		}
	}
	if (rc == COVET_OK)
	{
		/* this segment's down goes before everything that came earlier */
		covet_buf_append(&down, p->down.data ? p->down.data : "");
		covet_buf_free(&p->down);
		p->down = down;
		if (p->up.failed || p->down.failed)
			rc = covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
	}
	else
		covet_buf_free(&down);
	covet_diff_free(&d->mem, diff);
	return rc;
}

/* A kept data migration: its texts in their place. */
static CovetStatus
add_data(CovetDriver *d, SquashState *ss, const SqMig *m, CovetError *err)
{
	CovetGenPart *p = &ss->part;
	CovetBuf	down;

	covet_buf_appendf(&p->up, "-- data migration %s\n", m->name);
	covet_gen_append_stmt(&p->up, m->up);
	p->kind = "data";
	if (m->down == NULL)
		p->irreversible = true;
	covet_buf_init(&down, &d->mem);
	covet_buf_appendf(&down, "-- data migration %s\n", m->name);
	if (m->down != NULL && m->down[0] != '\0')
		covet_gen_append_stmt(&down, m->down);
	covet_buf_append(&down, p->down.data ? p->down.data : "");
	covet_buf_free(&p->down);
	p->down = down;
	return p->up.failed || p->down.failed ?
		covet_error_set(err, COVET_ERR_NOMEM, "out of memory") : COVET_OK;
}

static CovetStatus
read_scratch(SquashState *ss, CovetCatalog **out, CovetError *err)
{
	return covet_catalog_read(ss->args->scratch, ss->args->scratch_schema,
							  COVET_CATALOG_ALL, out, err);
}

/* Apply the plan up to last in the scratch place, cutting at data. */
static CovetStatus
build_squash(CovetDriver *d, SquashState *ss, CovetError *err)
{
	CovetDriver *s = ss->args->scratch;
	CovetCatalog *prev = NULL,
			   *cur = NULL;
	CovetStatus rc = COVET_OK;
	int			i;

	for (i = 0; ss->args->scratch_setup && ss->args->scratch_setup[i] && rc == COVET_OK; i++)
		rc = s->query(s->ctx, ss->args->scratch_setup[i], 0, NULL, NULL, err);
	for (i = 0; rc == COVET_OK && i < ss->first; i++)
		if (!ss->migs[i].repeatable)
			rc = scratch_apply(d, s, &ss->migs[i], ss->args->home_schema, err);
	if (rc == COVET_OK)
		rc = read_scratch(ss, &prev, err);
	for (i = ss->first; rc == COVET_OK && i <= ss->last; i++)
	{
		const SqMig *m = &ss->migs[i];

		if (m->data && !m->elide)
		{
			if ((rc = read_scratch(ss, &cur, err)) == COVET_OK)
				rc = add_segment(d, ss, prev, cur, err);
			covet_catalog_free(s, cur);
			cur = NULL;
			if (rc == COVET_OK)
				rc = add_data(d, ss, m, err);
			if (rc == COVET_OK)
				rc = scratch_apply(d, s, m, ss->args->home_schema, err);
			covet_catalog_free(s, prev);
			prev = NULL;
			if (rc == COVET_OK)
				rc = read_scratch(ss, &prev, err);
		}
		else
			rc = scratch_apply(d, s, m, ss->args->home_schema, err);
	}
	if (rc == COVET_OK)
		rc = read_scratch(ss, &cur, err);
	if (rc == COVET_OK)
		rc = add_segment(d, ss, prev, cur, err);
	covet_catalog_free(s, prev);
	covet_catalog_free(s, cur);
	return rc;
}

/* What the range depends on outside itself: the squash's dependencies. */
static CovetStatus
squash_deps(CovetDriver *d, SquashState *ss, CovetError *err)
{
	CovetGenPart *p = &ss->part;
	int			i,
				j,
				k;

	p->deps = covet_alloc0(&d->mem, sizeof(char *) * (size_t) (ss->n + 1));
	if (p->deps == NULL)
		return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
	for (k = 0; k < ss->first; k++)
		for (i = ss->first; i <= ss->last; i++)
			if (depends_on(ss->migs[i].depends, ss->migs[k].name))
			{
				for (j = 0; j < p->ndeps; j++)
					if (strcmp(p->deps[j], ss->migs[k].name) == 0)
						break;
				if (j == p->ndeps)
					p->deps[p->ndeps++] = (char *) ss->migs[k].name;
			}
	return COVET_OK;
}

static CovetStatus
record_squash(CovetDriver *d, SquashState *ss, CovetError *err)
{
	CovetStatus rc = COVET_OK;
	int			i;

	for (i = ss->first; rc == COVET_OK && i <= ss->last; i++)
	{
		const char *p[3] = {ss->args->name, ss->migs[i].name, ss->migs[i].checksum};

		rc = covet_sql_run(d, "INSERT INTO {squashed} (name, replaces, checksum)"
						   " VALUES ({1}, {2}, {3})", 3, p, NULL, err);
	}
	return rc;
}

static CovetStatus
squash_body(CovetDriver *d, void *arg, CovetBuf *report, CovetError *err)
{
	SquashState *ss = arg;
	const CovetSquash *a = ss->args;
	CovetStatus rc;
	CovetBuf	text,
				comment;

	(void) report;
	if ((rc = load_migrations(d, ss, err)) != COVET_OK)
		return rc;
	if ((rc = check_range(d, ss, err)) != COVET_OK)
		return rc;
	covet_buf_init(&ss->part.up, &d->mem);
	covet_buf_init(&ss->part.down, &d->mem);
	covet_buf_append(&ss->part.up, "");
	covet_buf_append(&ss->part.down, "");
	ss->part.kind = "schema";
	ss->part.atomic = true;
	ss->part.name = (char *) a->name;
	if (a->scratch_savepoint && (rc = a->scratch->savepoint_begin(a->scratch->ctx, err)) != COVET_OK)
		return rc;
	rc = build_squash(d, ss, err);
	if (a->scratch_savepoint)
	{
		CovetError	e2;

		if (a->scratch->savepoint_rollback(a->scratch->ctx, &e2) != COVET_OK && rc == COVET_OK)
		{
			*err = e2;
			rc = e2.code;
		}
	}
	if (rc == COVET_OK && ss->part.up.len == 0)
		covet_buf_append(&ss->part.up, "-- the range changes nothing in the schema\nSELECT 1;\n");
	if (rc == COVET_OK)
		rc = squash_deps(d, ss, err);
	if (rc == COVET_OK)
		rc = covet_gen_define(d, &ss->part, err);
	if (rc == COVET_OK)
		rc = record_squash(d, ss, err);
	if (rc != COVET_OK)
		return rc;
	covet_buf_init(&text, &d->mem);
	covet_buf_init(&comment, &d->mem);
	covet_buf_appendf(&comment, "squashed by covet_squash: replaces %s .. %s (%d migrations)",
					  a->first, a->last, ss->last - ss->first + 1);
	covet_gen_file_text(&ss->part, comment.data, &text);
	covet_buf_free(&comment);
	return covet_buf_finish(&text, &ss->text, err);
}

CovetStatus
covet_squash_run(CovetDriver *d, const CovetSquash *args, char **text,
				 CovetError *err)
{
	SquashState ss;
	CovetStatus rc;
	char	   *report = NULL;
	int			i;

	*text = NULL;
	memset(&ss, 0, sizeof(ss));
	ss.args = args;
	if ((rc = covet_name_check("first", args->first, err)) != COVET_OK ||
		(rc = covet_name_check("last", args->last, err)) != COVET_OK ||
		(rc = covet_name_check("migration name", args->name, err)) != COVET_OK)
		return rc;
	rc = covet_diff_renames_parse(&d->mem, args->renames, &ss.renames, &ss.nrenames, err);
	if (rc == COVET_OK)
		rc = covet_runner_frame(d, squash_body, &ss, &report, err);
	covet_free(&d->mem, report);
	covet_buf_free(&ss.part.up);
	covet_buf_free(&ss.part.down);
	covet_free(&d->mem, ss.part.deps);
	covet_free(&d->mem, ss.migs);
	covet_result_free(d, &ss.status);
	covet_result_free(d, &ss.defs);
	for (i = 0; i < ss.nrenames; i++)
	{
		covet_free(&d->mem, ss.renames[i].table);
		covet_free(&d->mem, ss.renames[i].column);
		covet_free(&d->mem, ss.renames[i].to);
	}
	covet_free(&d->mem, ss.renames);
	*text = ss.text;
	return rc;
}
