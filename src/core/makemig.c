/*-------------------------------------------------------------------------
 *
 * makemig.c
 *		covet_makemigration: a migration defined from a schema diff, and
 *		its text in covet's file format.
 *
 *     SELECT covet_makemigration('0007_email', 'public',
 *                                $$CREATE TABLE users (id int PRIMARY KEY,
 *                                                      email text)$$);
 *
 * The diff's statements, in order, are the up section; their reverses in
 * reverse order the down section (none when a step has no reverse).  The
 * steps split into parts at every change between transactional and
 * non-transactional steps (CREATE INDEX CONCURRENTLY; SQLite's PRAGMA
 * foreign_keys around a rebuild): NAME, NAME_2, ... in order, each
 * depending on the one before, the non-transactional ones marked
 * "-- covet:no-transaction", so that covet_migrate_up_commit runs them at
 * top level.  NAME depends on every migration nothing depends on yet (the
 * heads of the plan).
 *
 * A step that deletes data (a dropped table or column, a rename candidate
 * among them) is refused unless allow_data_loss; the error lists them and,
 * for candidates, the renames JSON that accepts them.  A step the diff
 * does not cover becomes a comment and a NOTICE.  An empty diff defines
 * nothing and returns NULL with a NOTICE.
 *
 * Everything is defined in one run frame (the runner lock, one
 * transaction); files, when a directory is given, are written inside it,
 * so a file that cannot be written rolls the definitions back.
 *
 *-------------------------------------------------------------------------
 */
#include "schemagen.h"
#include "formats.h"

#include <stdio.h>
#include <string.h>

#define MAX_PARTS 64

typedef struct MakeState
{
	const CovetMakeMigration *args;
	CovetDiff  *diff;
	CovetCatalog *src;			/* the source, as read */
	CovetGenPart parts[MAX_PARTS];
	int			nparts;
	char	   *text;
} MakeState;

void
covet_gen_append_stmt(CovetBuf *buf, const char *stmt)
{
	size_t		len = strlen(stmt);

	while (len > 0 && (stmt[len - 1] == ' ' || stmt[len - 1] == '\n' ||
					   stmt[len - 1] == '\t' || stmt[len - 1] == '\r'))
		len--;
	covet_buf_appendf(buf, "%.*s", (int) len, stmt);
	if (len == 0 || stmt[len - 1] != ';')
		covet_buf_appendc(buf, ';');
	covet_buf_appendc(buf, '\n');
}

void
covet_gen_file_text(const CovetGenPart *p, const char *comment, CovetBuf *out)
{
	int			i;

	if (comment != NULL)
		covet_buf_appendf(out, "-- %s\n", comment);
	if (p->ndeps > 0)
	{
		covet_buf_append(out, "-- covet:depends");
		for (i = 0; i < p->ndeps; i++)
			covet_buf_appendf(out, "%s%s", i > 0 ? ", " : " ", p->deps[i]);
		covet_buf_appendc(out, '\n');
	}
	if (p->kind != NULL && strcmp(p->kind, "schema") != 0)
		covet_buf_appendf(out, "-- covet:kind %s\n", p->kind);
	if (!p->atomic)
		covet_buf_append(out, "-- covet:no-transaction\n");
	covet_buf_appendf(out, "\n-- covet:up\n%s\n", p->up.data ? p->up.data : "");
	if (!p->irreversible)
		covet_buf_appendf(out, "\n-- covet:down\n%s\n", p->down.data ? p->down.data : "");
}

static void
trim_end(char *s)
{
	size_t		len = s ? strlen(s) : 0;

	while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == '\r'))
		s[--len] = '\0';
}

CovetStatus
covet_gen_define(CovetDriver *d, const CovetGenPart *p, CovetError *err)
{
	CovetDefinition def;
	CovetDefineOutcome outcome;
	CovetStatus rc;

	memset(&def, 0, sizeof(def));
	def.name = p->name;
	/* as covet_load reads the file back: no blank line around a section */
	trim_end(p->up.data);
	trim_end(p->down.data);
	def.up = p->up.data ? p->up.data : "";
	def.down = p->irreversible ? NULL : p->down.data ? p->down.data : "";
	def.deps = p->deps;
	def.ndeps = p->ndeps;
	def.kind = p->kind ? p->kind : "schema";
	def.atomic = p->atomic;
	if (p->atomic)
		covet_definition_detect(d, &def);
	if ((rc = covet_definition_check(&def, err)) != COVET_OK)
		return rc;
	return covet_definition_store(d, &def, &outcome, err);
}

/* The JSON object inside a candidate's note: renames => '{...}'. */
static void
note_json(const char *note, CovetBuf *json)
{
	const char *p = note ? strstr(note, "renames => '{") : NULL;
	const char *e;

	if (p == NULL)
		return;
	p += strlen("renames => '{");
	e = strstr(p, "}'");
	if (e == NULL)
		return;
	covet_buf_appendf(json, "%s%.*s", json->len > 1 ? ", " : "", (int) (e - p), p);
}

int
covet_gen_candidates(const CovetDiff *diff, CovetBuf *json, CovetBuf *list)
{
	int			n = 0;
	int			i;

	covet_buf_append(json, "{");
	for (i = 0; i < diff->nsteps; i++)
	{
		const CovetDiffStep *s = &diff->steps[i];

		if (!(s->hazards & COVET_HZ_RENAME_CANDIDATE))
			continue;
		covet_buf_appendf(list, "%s%s (%s)", n > 0 ? "; " : "",
						  s->object ? s->object : "?", s->note ? s->note : "");
		note_json(s->note, json);
		n++;
	}
	covet_buf_append(json, "}");
	return n;
}

/*
 * A SQLite rebuild drops the old table after copying it: data is lost only
 * when the copy (the INSERT ... SELECT step of the same table before it)
 * leaves a column of the source table out.
 */
static bool
rebuild_keeps_data(const CovetDiff *diff, int k, const CovetCatalog *src)
{
	const CovetDiffStep *drop = &diff->steps[k];
	const CovetCatTable *t;
	int			i,
				ncols = 0,
				quotes = 0;

	if (!(drop->hazards & COVET_HZ_REBUILD) || drop->object == NULL ||
		strncmp(drop->object, "table ", 6) != 0 ||
		(t = covet_catalog_table(src, drop->object + 6)) == NULL)
		return false;
	for (i = 0; i < t->ncols; i++)
		if (!t->cols[i].generated)
			ncols++;
	for (i = k - 1; i >= 0; i--)
	{
		const CovetDiffStep *s = &diff->steps[i];
		const char *sel,
				   *from,
				   *p;

		if (s->object == NULL || strcmp(s->object, drop->object) != 0 ||
			s->statement == NULL || strncmp(s->statement, "INSERT INTO", 11) != 0 ||
			strstr(s->statement, "sqlite_sequence") != NULL)
			continue;
		sel = strstr(s->statement, " SELECT ");
		from = sel ? strstr(sel, " FROM ") : NULL;
		if (from == NULL)
			continue;
		for (p = sel; p < from; p++)
			quotes += *p == '"';
		return quotes / 2 == ncols;
	}
	return false;
}

/* Refuse steps that delete data, naming them (and the renames JSON). */
static CovetStatus
check_data_loss(CovetDriver *d, const CovetDiff *diff, const CovetCatalog *src,
				CovetError *err)
{
	CovetBuf	json,
				cands,
				lost;
	int			ncand,
				nlost = 0;
	int			i;

	covet_buf_init(&json, &d->mem);
	covet_buf_init(&cands, &d->mem);
	covet_buf_init(&lost, &d->mem);
	ncand = covet_gen_candidates(diff, &json, &cands);
	for (i = 0; i < diff->nsteps; i++)
		if ((diff->steps[i].hazards & COVET_HZ_DELETES_DATA) &&
			!(diff->steps[i].hazards & COVET_HZ_RENAME_CANDIDATE) &&
			!rebuild_keeps_data(diff, i, src))
			covet_buf_appendf(&lost, "%s%s", nlost++ > 0 ? ", " : "",
							  diff->steps[i].object ? diff->steps[i].object : "?");
	if (ncand > 0)
	{
		covet_error_set(err, COVET_ERR_STATE,
						"the diff holds %d rename candidate%s", ncand, ncand == 1 ? "" : "s");
		covet_error_detail(err, "Generated as they are, they drop and add: %s.%s%s",
						   cands.data, nlost > 0 ? " It also deletes data: " : "",
						   nlost > 0 ? lost.data : "");
		covet_error_hint(err, "Accept the renames with renames => '%s', or pass allow_data_loss => true to drop and add.",
						 json.data);
	}
	else if (nlost > 0)
	{
		covet_error_set(err, COVET_ERR_STATE, "the diff deletes data");
		covet_error_detail(err, "Steps that delete data: %s.", lost.data);
		covet_error_hint(err, "Pass allow_data_loss => true to generate them.");
	}
	covet_buf_free(&json);
	covet_buf_free(&cands);
	covet_buf_free(&lost);
	return ncand > 0 || nlost > 0 ? COVET_ERR_STATE : COVET_OK;
}

/*
 * Split the steps into parts.  A part's down is its steps' reverses in
 * reverse order: built by prepending.
 */
static CovetStatus
build_parts(CovetDriver *d, MakeState *ms, CovetError *err)
{
	const CovetDiff *diff = ms->diff;
	int			i;

	for (i = 0; i < diff->nsteps; i++)
	{
		const CovetDiffStep *s = &diff->steps[i];
		bool		notx = (s->hazards & COVET_HZ_NON_TRANSACTIONAL) != 0;
		CovetGenPart *p = ms->nparts > 0 ? &ms->parts[ms->nparts - 1] : NULL;
		CovetBuf	down;

		if (s->statement == NULL)
		{
			char		msg[COVET_NAME_MAX + 200];

			snprintf(msg, sizeof(msg), "covet_makemigration: %s is not covered by covet_diff; the migration leaves it as it is",
					 s->object ? s->object : "an object");
			d->notice(d->ctx, msg);
			continue;
		}
		if (p == NULL || p->atomic == notx)
		{
			if (ms->nparts == MAX_PARTS)
				return covet_error_set(err, COVET_ERR_INVALID,
									   "the diff needs more than %d migrations", MAX_PARTS);
			p = &ms->parts[ms->nparts++];
			covet_buf_init(&p->up, &d->mem);
			covet_buf_init(&p->down, &d->mem);
			covet_buf_append(&p->up, "");
			covet_buf_append(&p->down, "");
			p->atomic = !notx;
			p->kind = "schema";
		}
		covet_gen_append_stmt(&p->up, s->statement);
		if (s->reverse == NULL)
			p->irreversible = true;
		else
		{
			covet_buf_init(&down, &d->mem);
			covet_gen_append_stmt(&down, s->reverse);
			covet_buf_append(&down, p->down.data ? p->down.data : "");
			if (down.failed)
			{
				covet_buf_free(&down);
				return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
			}
			covet_buf_free(&p->down);
			p->down = down;
		}
		if (p->up.failed || p->down.failed)
			return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
	}
	return COVET_OK;
}

/* The plan's heads: migrations no other (versioned) migration depends on. */
static CovetStatus
read_heads(CovetDriver *d, char ***heads, int *n, CovetError *err)
{
	CovetResult res = {0};
	CovetStatus rc;
	int			i,
				k;

	*heads = NULL;
	*n = 0;
	rc = covet_sql_run(d, "SELECT m.name, m.depends_on FROM {migrations} m"
					   " WHERE NOT m.repeatable ORDER BY m.name", 0, NULL, &res, err);
	if (rc != COVET_OK)
		return rc;
	*heads = covet_alloc0(&d->mem, sizeof(char *) * (size_t) (res.nrows + 1));
	if (*heads == NULL)
	{
		covet_result_free(d, &res);
		return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
	}
	for (i = 0; rc == COVET_OK && i < res.nrows; i++)
	{
		const char *name = COVET_VALUE(&res, i, 0);
		bool		used = false;

		for (k = 0; k < res.nrows && !used; k++)
		{
			char	  **deps = NULL;
			int			nd = 0,
						j;

			if ((rc = covet_depends_split(&d->mem, COVET_VALUE(&res, k, 1), &deps, &nd, err)) != COVET_OK)
				break;
			for (j = 0; j < nd; j++)
			{
				used = used || strcmp(deps[j], name) == 0;
				covet_free(&d->mem, deps[j]);
			}
			covet_free(&d->mem, deps);
		}
		if (rc == COVET_OK && !used)
		{
			(*heads)[*n] = covet_strdup(&d->mem, name);
			if ((*heads)[(*n)++] == NULL)
				rc = covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
		}
	}
	covet_result_free(d, &res);
	return rc;
}

static CovetStatus
name_free(CovetDriver *d, const char *name, CovetError *err)
{
	CovetResult res = {0};
	const char *p[1] = {name};
	CovetStatus rc;

	rc = covet_sql_run(d, "SELECT 1 FROM {migrations} WHERE name {=} {1}", 1, p, &res, err);
	if (rc == COVET_OK && res.nrows > 0)
	{
		covet_error_set(err, COVET_ERR_DUPLICATE, "migration \"%s\" already exists", name);
		covet_error_hint(err, "Choose a new name; covet_forget removes an unapplied definition.");
		rc = COVET_ERR_DUPLICATE;
	}
	covet_result_free(d, &res);
	return rc;
}

/* Refuse to overwrite any of the files; then write them all. */
static CovetStatus
write_files(CovetDriver *d, const char *dir, MakeState *ms, CovetError *err)
{
	char	  **names = NULL;
	bool		is_dir = false;
	int			n = 0;
	int			i,
				k;
	CovetStatus rc;

	if (d->write_file == NULL || d->list_dir == NULL)
		return covet_error_set(err, COVET_ERR_INVALID, "files cannot be written here");
	if ((rc = d->list_dir(d->ctx, dir, &is_dir, &names, &n, err)) != COVET_OK)
		return rc;
	if (!is_dir)
		rc = covet_error_set(err, COVET_ERR_IO, "\"%s\" is not a directory", dir);
	for (i = 0; rc == COVET_OK && i < ms->nparts; i++)
		for (k = 0; k < n; k++)
		{
			size_t		len = strlen(ms->parts[i].name);

			if (strncmp(names[k], ms->parts[i].name, len) == 0 &&
				strcmp(names[k] + len, ".sql") == 0)
			{
				rc = covet_error_set(err, COVET_ERR_DUPLICATE,
									 "file \"%s/%s\" already exists", dir, names[k]);
				covet_error_hint(err, "covet_makemigration never overwrites a file; choose a new name or another directory.");
				break;
			}
		}
	for (k = 0; k < n; k++)
		covet_free(&d->mem, names[k]);
	covet_free(&d->mem, names);
	for (i = 0; rc == COVET_OK && i < ms->nparts; i++)
	{
		CovetBuf	path,
					text;

		covet_buf_init(&path, &d->mem);
		covet_buf_init(&text, &d->mem);
		covet_buf_appendf(&path, "%s/%s.sql", dir, ms->parts[i].name);
		covet_gen_file_text(&ms->parts[i], "generated by covet_makemigration", &text);
		if (path.failed || text.failed)
			rc = covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
		else
			rc = d->write_file(d->ctx, path.data, text.data, text.len, err);
		covet_buf_free(&path);
		covet_buf_free(&text);
	}
	return rc;
}

/* In the run frame: name the parts, define them, write the files. */
static CovetStatus
make_body(CovetDriver *d, void *arg, CovetBuf *report, CovetError *err)
{
	MakeState  *ms = arg;
	CovetBuf	all;
	CovetStatus rc = COVET_OK;
	char	  **heads = NULL;
	int			nheads = 0;
	int			i;

	(void) report;
	covet_buf_init(&all, &d->mem);
	for (i = 0; rc == COVET_OK && i < ms->nparts; i++)
	{
		char		nm[COVET_NAME_MAX + 16];

		if (i == 0)
			snprintf(nm, sizeof(nm), "%s", ms->args->name);
		else
			snprintf(nm, sizeof(nm), "%s_%d", ms->args->name, i + 1);
		if ((rc = covet_name_check("migration name", nm, err)) != COVET_OK)
			break;
		ms->parts[i].name = covet_strdup(&d->mem, nm);
		if (ms->parts[i].name == NULL)
			rc = covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
		else
			rc = name_free(d, nm, err);
	}
	if (rc == COVET_OK)
		rc = read_heads(d, &heads, &nheads, err);
	for (i = 0; rc == COVET_OK && i < ms->nparts; i++)
	{
		CovetGenPart *p = &ms->parts[i];

		if (i == 0)
		{
			p->deps = heads;
			p->ndeps = nheads;
		}
		else
		{
			p->deps = &ms->parts[i - 1].name;
			p->ndeps = 1;
		}
		rc = covet_gen_define(d, p, err);
		if (i > 0)
			covet_buf_appendc(&all, '\n');
		if (ms->nparts > 1)
			covet_buf_appendf(&all, "-- file: %s.sql\n", p->name);
		covet_gen_file_text(p, "generated by covet_makemigration", &all);
	}
	if (rc == COVET_OK && ms->args->directory != NULL)
		rc = write_files(d, ms->args->directory, ms, err);
	if (rc == COVET_OK)
		rc = covet_buf_finish(&all, &ms->text, err);
	else
		covet_buf_free(&all);
	for (i = 0; heads != NULL && i < nheads; i++)
		covet_free(&d->mem, heads[i]);
	covet_free(&d->mem, heads);
	for (i = 0; i < ms->nparts; i++)
		ms->parts[i].deps = NULL;
	return rc;
}

/* covet_diff_run's reading, keeping the steps (diff_run.c gives rows). */
static CovetStatus
make_diff(CovetDriver *d, const CovetDiffArgs *a, CovetDiff **out,
		  CovetCatalog **srcp, CovetError *err)
{
	CovetRename *renames = NULL;
	int			nrenames = 0;
	CovetCatalog *src = NULL,
			   *tgt = NULL;
	CovetStatus rc;
	int			i;

	*out = NULL;
	if ((rc = covet_diff_renames_parse(&d->mem, a->renames, &renames, &nrenames, err)) != COVET_OK)
		return rc;
	rc = covet_catalog_read(d, a->source, COVET_CATALOG_ALL, &src, err);
	if (rc == COVET_OK)
		rc = a->target_is_sql ?
			covet_catalog_read_sql(d, a->scratch_name, a->scratch_create,
								   a->scratch_drop,
								   d->dialect->engine == COVET_ENGINE_SQLITE,
								   a->target, &tgt, err) :
			covet_catalog_read(d, a->target, COVET_CATALOG_ALL, &tgt, err);
	if (rc == COVET_OK && strcmp(src->schema, tgt->schema) == 0 && !a->target_is_sql)
	{
		rc = covet_error_set(err, COVET_ERR_INVALID, "source and target are the same schema \"%s\"", src->schema);
		covet_error_hint(err, "Compare two schemas, or give the target as SQL text.");
	}
	/* rows of the tables in one side only score the rename candidates */
	if (rc == COVET_OK)
		rc = covet_diff_sample_unmatched(d, src, tgt, err);
	if (rc == COVET_OK && !a->target_is_sql)
		rc = covet_diff_sample_unmatched(d, tgt, src, err);
	if (rc == COVET_OK)
		rc = covet_diff_catalogs(&d->mem, src, tgt, renames, nrenames, out, err);
	*srcp = src;
	covet_catalog_free(d, tgt);
	for (i = 0; i < nrenames; i++)
	{
		covet_free(&d->mem, renames[i].table);
		covet_free(&d->mem, renames[i].column);
		covet_free(&d->mem, renames[i].to);
	}
	covet_free(&d->mem, renames);
	return rc;
}

CovetStatus
covet_makemigration_run(CovetDriver *d, const CovetMakeMigration *args,
						char **text, CovetError *err)
{
	MakeState	ms;
	CovetStatus rc;
	char	   *report = NULL;
	int			i;

	*text = NULL;
	memset(&ms, 0, sizeof(ms));
	ms.args = args;
	if ((rc = covet_name_check("migration name", args->name, err)) != COVET_OK)
		return rc;
	rc = make_diff(d, &args->diff, &ms.diff, &ms.src, err);
	if (rc == COVET_OK && !args->allow_data_loss)
		rc = check_data_loss(d, ms.diff, ms.src, err);
	if (rc == COVET_OK)
		rc = build_parts(d, &ms, err);
	if (rc == COVET_OK && ms.nparts == 0)
	{
		char		msg[600];

		snprintf(msg, sizeof(msg), "covet_makemigration: no differences between \"%s\" and the target; nothing defined",
				 args->diff.source);
		d->notice(d->ctx, msg);
	}
	else if (rc == COVET_OK)
		rc = covet_runner_frame(d, make_body, &ms, &report, err);
	covet_free(&d->mem, report);
	for (i = 0; i < ms.nparts; i++)
	{
		covet_free(&d->mem, ms.parts[i].name);
		covet_buf_free(&ms.parts[i].up);
		covet_buf_free(&ms.parts[i].down);
	}
	covet_diff_free(&d->mem, ms.diff);
	covet_catalog_free(d, ms.src);
	*text = ms.text;
	return rc;
}
