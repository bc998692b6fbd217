/*-------------------------------------------------------------------------
 *
 * load.c
 *		covet_load(path) and covet_load_text(filename, text): migration
 *		files, covet's own or another tool's (formats.c), into definitions.
 *
 * A directory holds one format.  Its files are read and parsed before the
 * run starts, then stored in one run (all or nothing):
 *
 *		SELECT covet_load('/srv/app/migrations');
 *		-- loaded 3 migrations from /srv/app/migrations
 *		--   (golang-migrate format; 3 new, 0 redefined, 0 unchanged)
 *
 * Pairs come together here: a golang-migrate down file with the up file of
 * the same name, a Flyway U script with the V script of the same version,
 * sqitch's deploy and revert scripts with the plan's changes.  A sqitch
 * change depends on the change before it in the plan and on those it
 * requires; other formats store no dependencies: the plan orders names as
 * versions (plan.c), which is their version order.
 *
 * covet_load_text takes one file at a time, so pieces arrive in turn: a
 * down half (X.down.sql, U1__x.sql, revert/x.sql) fills in the down text
 * of the definition its up half made, which must be loaded first; an up
 * half keeps the down text already stored; sqitch.plan comes after the
 * deploy scripts and sets the order.  The same errors as covet_load.
 *
 * After a directory is loaded, definitions whose source is a file under
 * it that is no longer there are listed in the report (not an error).
 *
 *-------------------------------------------------------------------------
 */
#include "formats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct LoadSet
{
	const char *path;			/* as the caller gave it */
	CovetFormat format;
	CovetPiece *pieces;			/* definitions (DEF pieces with downs) */
	char	  **sources;		/* per piece: its file */
	int			n;
	bool		is_dir;
	int			counts[3];
} LoadSet;

static const char *
plural(int64_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

static bool
ends_with(const char *s, const char *suffix)
{
	size_t		n = strlen(s),
				m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int
compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

static void
free_names(CovetDriver *d, char **names, int n)
{
	int			i;

	for (i = 0; names != NULL && i < n; i++)
		covet_free(&d->mem, names[i]);
	covet_free(&d->mem, names);
}

static void
set_free(CovetDriver *d, LoadSet *set)
{
	int			i;

	for (i = 0; i < set->n; i++)
	{
		covet_piece_free(&d->mem, &set->pieces[i]);
		covet_free(&d->mem, set->sources[i]);
	}
	covet_free(&d->mem, set->pieces);
	covet_free(&d->mem, set->sources);
}

/* dir + "/" + name; NULL when out of memory. */
static char *
join_path(CovetDriver *d, const char *dir, const char *name)
{
	CovetBuf	b;
	char	   *out = NULL;
	CovetError	ignore;

	covet_buf_init(&b, &d->mem);
	/* a relative "deploy/..." would read as sqitch's */
	if (strncmp(dir, "deploy", 6) == 0 || strncmp(dir, "revert", 6) == 0 ||
		strncmp(dir, "verify", 6) == 0)
		covet_buf_append(&b, "./");
	covet_buf_append(&b, dir);
	if (!ends_with(dir, "/"))
		covet_buf_appendc(&b, '/');
	covet_buf_append(&b, name);
	if (covet_buf_finish(&b, &out, &ignore) != COVET_OK)
		return NULL;
	return out;
}

/* Read and parse one file; errors name it as path. */
static CovetStatus
read_piece(CovetDriver *d, const char *path, const char *as, CovetPiece *out,
		   CovetError *err)
{
	char	   *text = NULL;
	size_t		len = 0;
	CovetStatus rc;

	memset(out, 0, sizeof(*out));
	if ((rc = d->read_file(d->ctx, path, &text, &len, err)) != COVET_OK)
		return rc;
	rc = covet_piece_parse(&d->mem, as ? as : path, text, len, out, err);
	covet_free(&d->mem, text);
	return rc;
}

static CovetStatus
mixed_error(const char *dir, const char *a, CovetFormat fa, const char *b,
			CovetFormat fb, CovetError *err)
{
	covet_error_set(err, COVET_ERR_PARSE,
					"directory \"%s\" mixes migration formats", dir);
	covet_error_detail(err, "File \"%s\" is in %s format and file \"%s\" in %s format.",
					   a, covet_format_name(fa), b, covet_format_name(fb));
	covet_error_hint(err, "Keep the files of one tool per directory, and load each directory with its own covet_load call.");
	return COVET_ERR_PARSE;
}

/* Attach a down piece to the definition it belongs to. */
static CovetStatus
attach_down(LoadSet *set, CovetPiece *down, const char *file, CovetError *err)
{
	int			i;

	for (i = 0; i < set->n; i++)
	{
		CovetPiece *p = &set->pieces[i];

		if (p->repeatable)
			continue;
		if (down->format == COVET_FMT_FLYWAY ?
			covet_version_cmp_loose(p->version, down->version) == 0 :
			strcmp(p->def.name, down->def.name) == 0)
		{
			p->def.down = down->def.down;
			down->def.down = NULL;
			return COVET_OK;
		}
	}
	covet_error_set(err, COVET_ERR_PARSE, "%s: no up migration for this down file", file);
	covet_error_hint(err, down->format == COVET_FMT_FLYWAY ?
					 "An undo script U{version}__ needs the versioned script V{version}__ of the same version." :
					 "A down file needs the up file of the same name.");
	return COVET_ERR_PARSE;
}

static int
compare_pieces_version(const void *a, const void *b)
{
	const CovetPiece *x = *(CovetPiece *const *) a;
	const CovetPiece *y = *(CovetPiece *const *) b;

	return covet_version_cmp_loose(x->version, y->version);
}

/* Two migrations of one version are refused, as the tools refuse them. */
static CovetStatus
check_versions(CovetDriver *d, LoadSet *set, CovetError *err)
{
	CovetPiece **v = covet_alloc(&d->mem, sizeof(CovetPiece *) * (size_t) (set->n + 1));
	int			nv = 0;
	int			i;
	CovetStatus rc = COVET_OK;

	if (v == NULL)
		return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
	for (i = 0; i < set->n; i++)
		if (set->pieces[i].version != NULL)
			v[nv++] = &set->pieces[i];
	qsort(v, (size_t) nv, sizeof(CovetPiece *), compare_pieces_version);
	for (i = 1; i < nv; i++)
		if (covet_version_cmp_loose(v[i - 1]->version, v[i]->version) == 0)
		{
			rc = covet_error_set(err, COVET_ERR_DUPLICATE,
								 "migrations \"%s\" and \"%s\" have the same version %s",
								 v[i - 1]->def.name, v[i]->def.name, v[i]->version);
			covet_error_hint(err, "Give each migration its own version.");
			break;
		}
	covet_free(&d->mem, v);
	return rc;
}

/* Add a definition piece (moved out of *p) with its source. */
static CovetStatus
set_add(CovetDriver *d, LoadSet *set, CovetPiece *p, const char *source,
		CovetError *err)
{
	if ((set->sources[set->n] = covet_strdup(&d->mem, source)) == NULL)
		return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
	set->pieces[set->n++] = *p;
	memset(p, 0, sizeof(*p));
	return COVET_OK;
}

static CovetStatus
set_alloc(CovetDriver *d, LoadSet *set, int n, CovetError *err)
{
	set->pieces = covet_alloc0(&d->mem, sizeof(CovetPiece) * (size_t) (n + 1));
	set->sources = covet_alloc0(&d->mem, sizeof(char *) * (size_t) (n + 1));
	if (set->pieces == NULL || set->sources == NULL)
		return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
	return COVET_OK;
}

/* The .sql files of a directory in one format other than sqitch. */
static CovetStatus
read_files(CovetDriver *d, LoadSet *set, char **names, int nnames, CovetError *err)
{
	CovetPiece *downs = NULL;
	char	  **downfiles = NULL;
	int			ndowns = 0;
	const char *first = NULL;
	CovetStatus rc;
	int			i;

	if ((rc = set_alloc(d, set, nnames, err)) != COVET_OK)
		return rc;
	downs = covet_alloc0(&d->mem, sizeof(CovetPiece) * (size_t) (nnames + 1));
	downfiles = covet_alloc0(&d->mem, sizeof(char *) * (size_t) (nnames + 1));
	if (downs == NULL || downfiles == NULL)
		rc = covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
	for (i = 0; rc == COVET_OK && i < nnames; i++)
	{
		CovetPiece	p;
		char	   *file;

		if (!ends_with(names[i], ".sql"))
			continue;
		if ((file = join_path(d, set->path, names[i])) == NULL)
		{
			rc = covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
			break;
		}
		rc = read_piece(d, file, NULL, &p, err);
		if (rc == COVET_OK && first == NULL)
		{
			first = names[i];
			set->format = p.format;
		}
		else if (rc == COVET_OK && p.format != set->format)
		{
			CovetFormat f = p.format;

			covet_piece_free(&d->mem, &p);
			rc = mixed_error(set->path, first, set->format, names[i], f, err);
		}
		if (rc == COVET_OK && p.kind == COVET_PIECE_DOWN)
		{
			downs[ndowns] = p;
			downfiles[ndowns++] = file;
			continue;
		}
		if (rc == COVET_OK)
			rc = set_add(d, set, &p, file, err);
		covet_free(&d->mem, file);
	}
	for (i = 0; rc == COVET_OK && i < ndowns; i++)
		rc = attach_down(set, &downs[i], downfiles[i], err);
	if (rc == COVET_OK)
		rc = check_versions(d, set, err);
	for (i = 0; i < ndowns; i++)
	{
		covet_piece_free(&d->mem, &downs[i]);
		covet_free(&d->mem, downfiles[i]);
	}
	covet_free(&d->mem, downs);
	covet_free(&d->mem, downfiles);
	return rc;
}

static bool
listed(char **names, int n, const char *name)
{
	int			i;

	for (i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return true;
	return false;
}

/*
 * Is path there (a file or a directory)?  An error reading it counts as
 * not there: drivers list only the .sql files of a directory.
 */
static CovetStatus
path_exists(CovetDriver *d, const char *dir, const char *name, bool *exists,
			char ***names, int *n, CovetError *err)
{
	char	   *p = join_path(d, dir, name);
	bool		is_dir = false;
	CovetError	ignore;

	*exists = false;
	*names = NULL;
	*n = 0;
	if (p == NULL)
		return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
	covet_error_clear(&ignore);
	if (d->list_dir(d->ctx, p, &is_dir, names, n, &ignore) == COVET_OK)
		*exists = true;
	else if (ignore.code == COVET_ERR_NOMEM || ignore.code == COVET_ERR_PRIVILEGE)
		*err = ignore;
	covet_free(&d->mem, p);
	return *exists || (ignore.code != COVET_ERR_NOMEM && ignore.code != COVET_ERR_PRIVILEGE) ?
		COVET_OK : err->code;
}

/* The files of one sqitch subdirectory ("deploy", "revert"); none if absent. */
static CovetStatus
list_sub(CovetDriver *d, const char *dir, const char *sub, char ***names,
		 int *n, CovetError *err)
{
	bool		exists;

	return path_exists(d, dir, sub, &exists, names, n, err);
}

/* One sqitch script of change c in sub ("deploy"/"revert"); *found false if absent. */
static CovetStatus
read_sqitch_script(CovetDriver *d, LoadSet *set, const char *sub,
				   char **files, int nfiles, const char *change,
				   CovetPiece *out, char **path, bool *found, CovetError *err)
{
	char		rel[COVET_NAME_MAX + 16];
	char	   *dir;
	CovetStatus rc;

	*found = false;
	*path = NULL;
	snprintf(rel, sizeof(rel), "%s.sql", change);
	if (!listed(files, nfiles, rel))
		return COVET_OK;
	*found = true;
	if ((dir = join_path(d, set->path, sub)) == NULL ||
		(*path = join_path(d, dir, rel)) == NULL)
	{
		covet_free(&d->mem, dir);
		return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
	}
	covet_free(&d->mem, dir);
	snprintf(rel, sizeof(rel), "%s/%s.sql", sub, change);
	rc = read_piece(d, *path, rel, out, err);
	if (rc != COVET_OK)
		covet_error_prefix(err, "%s: ", *path);
	return rc;
}

/* A sqitch project: sqitch.plan, deploy/ and revert/ (verify/ ignored). */
static CovetStatus
read_sqitch(CovetDriver *d, LoadSet *set, char **names, int nnames, CovetError *err)
{
	CovetPiece	plan;
	char	  **deploy = NULL,
			  **revert = NULL;
	int			ndeploy = 0,
				nrevert = 0;
	char	   *planfile;
	CovetStatus rc;
	int			i;

	set->format = COVET_FMT_SQITCH;
	memset(&plan, 0, sizeof(plan));
	for (i = 0; i < nnames; i++)
		if (ends_with(names[i], ".sql"))
			return mixed_error(set->path, "sqitch.plan", COVET_FMT_SQITCH, names[i],
							   COVET_FMT_COVET, err);
	if ((planfile = join_path(d, set->path, "sqitch.plan")) == NULL)
		return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
	rc = read_piece(d, planfile, NULL, &plan, err);
	if (rc == COVET_OK)
		rc = list_sub(d, set->path, "deploy", &deploy, &ndeploy, err);
	if (rc == COVET_OK)
		rc = list_sub(d, set->path, "revert", &revert, &nrevert, err);
	if (rc == COVET_OK)
		rc = set_alloc(d, set, plan.nchanges, err);
	for (i = 0; rc == COVET_OK && i < plan.nchanges; i++)
	{
		CovetPlanChange *c = &plan.changes[i];
		CovetPiece	p,
					r;
		char	   *file = NULL,
				   *rfile = NULL;
		bool		found;

		memset(&r, 0, sizeof(r));
		rc = read_sqitch_script(d, set, "deploy", deploy, ndeploy, c->name, &p,
								&file, &found, err);
		if (rc == COVET_OK && !found)
		{
			rc = covet_error_set(err, COVET_ERR_PARSE,
								 "%s: change \"%s\" has no deploy script", planfile, c->name);
			covet_error_hint(err, "sqitch reads deploy/%s.sql for it.", c->name);
		}
		if (rc == COVET_OK)
			rc = read_sqitch_script(d, set, "revert", revert, nrevert, c->name, &r,
									&rfile, &found, err);
		if (rc == COVET_OK)
		{
			p.def.down = r.def.down;
			r.def.down = NULL;
			p.def.depends = c->deps;
			p.def.ndepends = c->ndeps;
			c->deps = NULL;
			c->ndeps = 0;
			rc = set_add(d, set, &p, file, err);
		}
		covet_piece_free(&d->mem, &p);
		covet_piece_free(&d->mem, &r);
		covet_free(&d->mem, file);
		covet_free(&d->mem, rfile);
	}
	covet_piece_free(&d->mem, &plan);
	covet_free(&d->mem, planfile);
	free_names(d, deploy, ndeploy);
	free_names(d, revert, nrevert);
	return rc;
}

static void
piece_definition(const CovetPiece *p, const char *source, CovetDefinition *def)
{
	memset(def, 0, sizeof(*def));
	def->name = p->def.name;
	def->up = p->def.up;
	def->down = p->def.down;
	def->deps = p->def.depends;
	def->ndeps = p->def.ndepends;
	def->kind = p->def.kind ? p->def.kind : "schema";
	def->atomic = p->def.atomic;
	def->repeatable = p->repeatable;
	def->version = p->version;
	def->source = source;
	def->format = covet_format_name(p->format);
}

/* Definitions under the loaded directory whose file is not there any more. */
static CovetStatus
report_gone(CovetDriver *d, const LoadSet *set, CovetBuf *report, CovetError *err)
{
	CovetResult res = {0};
	size_t		plen = strlen(set->path);
	CovetStatus rc;
	int			i,
				j;

	rc = covet_sql_run(d, "SELECT name, source FROM {migrations}"
					   " WHERE source IS NOT NULL ORDER BY name", 0, NULL, &res, err);
	for (i = 0; rc == COVET_OK && i < res.nrows; i++)
	{
		const char *name = COVET_VALUE(&res, i, 0);
		const char *src = COVET_VALUE(&res, i, 1);
		bool		loaded = false;

		if (strncmp(src, set->path, plen) != 0 ||
			(!ends_with(set->path, "/") && src[plen] != '/'))
			continue;
		for (j = 0; j < set->n && !loaded; j++)
			loaded = strcmp(set->sources[j], src) == 0;
		if (!loaded)
			covet_buf_appendf(report, "\ndefined, but its file is gone: %s (%s)", name, src);
	}
	covet_result_free(d, &res);
	return rc;
}

static CovetStatus
load_body(CovetDriver *d, void *arg, CovetBuf *report, CovetError *err)
{
	LoadSet    *set = arg;
	int			i;

	for (i = 0; i < set->n; i++)
	{
		CovetDefinition def;
		CovetDefineOutcome outcome;
		CovetStatus rc;

		piece_definition(&set->pieces[i], set->sources[i], &def);
		covet_definition_detect(d, &def);
		if ((rc = covet_definition_check(&def, err)) != COVET_OK ||
			(rc = covet_definition_store(d, &def, &outcome, err)) != COVET_OK)
		{
			covet_error_prefix(err, "%s: ", def.name);
			return rc;
		}
		set->counts[outcome]++;
	}
	covet_buf_appendf(report, "loaded %d %s from %s (", set->n,
					  plural(set->n, "migration", "migrations"), set->path);
	if (set->format != COVET_FMT_COVET)
		covet_buf_appendf(report, "%s format; ", covet_format_name(set->format));
	covet_buf_appendf(report, "%d new, %d redefined, %d unchanged)",
					  set->counts[COVET_DEFINED_NEW], set->counts[COVET_DEFINED_CHANGED],
					  set->counts[COVET_DEFINED_SAME]);
	return set->is_dir ? report_gone(d, set, report, err) : COVET_OK;
}

typedef struct TextArgs
{
	const char *filename;
	CovetPiece *piece;
} TextArgs;

static CovetStatus text_body(CovetDriver *d, void *arg, CovetBuf *report,
							 CovetError *err);

CovetStatus
covet_runner_load(CovetDriver *d, const char *path, char **report,
				  CovetError *err)
{
	LoadSet		set;
	char	  **names = NULL;
	int			nnames = 0;
	bool		is_dir = false;
	CovetStatus rc;

	*report = NULL;
	memset(&set, 0, sizeof(set));
	set.path = path;
	if (path == NULL)
		return covet_error_set(err, COVET_ERR_NULL, "path must not be null");
	if (*path == '\0')
		return covet_error_set(err, COVET_ERR_INVALID, "path must not be empty");
	if ((rc = d->list_dir(d->ctx, path, &is_dir, &names, &nnames, err)) != COVET_OK)
		return rc;
	if (!is_dir)
	{
		CovetPiece	p;

		free_names(d, names, nnames);
		names = NULL;
		nnames = 0;
		if ((rc = read_piece(d, path, NULL, &p, err)) != COVET_OK)
			return rc;
		/* a part of a definition completes the one stored */
		if (p.kind != COVET_PIECE_DEF || p.format != COVET_FMT_COVET)
		{
			TextArgs	a = {path, &p};

			rc = covet_runner_frame(d, text_body, &a, report, err);
			covet_piece_free(&d->mem, &p);
			return rc;
		}
		set.format = p.format;
		if ((rc = set_alloc(d, &set, 1, err)) == COVET_OK)
			rc = set_add(d, &set, &p, path, err);
		covet_piece_free(&d->mem, &p);
	}
	else
	{
		bool		plan = false;
		char	  **none = NULL;
		int			nnone = 0;

		set.is_dir = true;
		qsort(names, (size_t) nnames, sizeof(char *), compare_names);
		rc = path_exists(d, path, "sqitch.plan", &plan, &none, &nnone, err);
		free_names(d, none, nnone);
		if (rc == COVET_OK && plan)
			rc = read_sqitch(d, &set, names, nnames, err);
		else if (rc == COVET_OK)
			rc = read_files(d, &set, names, nnames, err);
	}
	if (rc == COVET_OK)
		rc = covet_runner_frame(d, load_body, &set, report, err);
	free_names(d, names, nnames);
	set_free(d, &set);
	return rc;
}

/* --- covet_load_text -------------------------------------------------------- */

/* A definition as stored, for a piece that completes it. */
typedef struct Stored
{
	CovetResult res;
	int			row;			/* -1: none */
} Stored;

#define STORED(s, c) COVET_VALUE(&(s)->res, (s)->row, (c))

static CovetStatus
stored_find(CovetDriver *d, const CovetPiece *p, Stored *s, CovetError *err)
{
	const char *params[] = {covet_format_name(p->format), p->def.name};
	CovetStatus rc;
	int			i;

	s->row = -1;
	/*
	 * By name, through the primary key; a Flyway down piece is matched by
	 * version instead, so that format reads all of its definitions (an OR
	 * of both would scan the table on every file of every format).
	 */
	if (p->format == COVET_FMT_FLYWAY)
		rc = covet_sql_run(d,
						   "SELECT name, up_sql, down_sql, depends_on, kind,"
						   " CASE WHEN atomic THEN 1 ELSE 0 END,"
						   " CASE WHEN repeatable THEN 1 ELSE 0 END, version, source, format"
						   " FROM {migrations} WHERE format {=} {1} ORDER BY name",
						   1, params, &s->res, err);
	else
		rc = covet_sql_run(d,
						   "SELECT name, up_sql, down_sql, depends_on, kind,"
						   " CASE WHEN atomic THEN 1 ELSE 0 END,"
						   " CASE WHEN repeatable THEN 1 ELSE 0 END, version, source, format"
						   " FROM {migrations} WHERE format {=} {1} AND name {=} {2}",
						   2, params, &s->res, err);
	for (i = 0; rc == COVET_OK && i < s->res.nrows && s->row < 0; i++)
	{
		const char *v = COVET_VALUE(&s->res, i, 7);

		if (p->format == COVET_FMT_FLYWAY && p->kind == COVET_PIECE_DOWN ?
			(v != NULL && covet_version_cmp_loose(v, p->version) == 0) :
			strcmp(COVET_VALUE(&s->res, i, 0), p->def.name) == 0)
			s->row = i;
	}
	return rc;
}

static void
stored_definition(Stored *s, CovetDefinition *def, const char *source)
{
	memset(def, 0, sizeof(*def));
	def->name = STORED(s, 0);
	def->up = STORED(s, 1);
	def->down = STORED(s, 2);
	def->kind = STORED(s, 4);
	def->atomic = strcmp(STORED(s, 5), "1") == 0;
	def->repeatable = strcmp(STORED(s, 6), "1") == 0;
	def->version = STORED(s, 7);
	def->source = source ? source : STORED(s, 8);
	def->format = STORED(s, 9);
}

static CovetStatus
store_report(CovetDriver *d, const CovetDefinition *given, const char *file,
			 CovetBuf *report, CovetError *err)
{
	CovetDefinition copy = *given;
	CovetDefinition *def = &copy;
	CovetDefineOutcome outcome;
	CovetStatus rc;

	covet_definition_detect(d, def);
	if ((rc = covet_definition_check(def, err)) != COVET_OK ||
		(rc = covet_definition_store(d, def, &outcome, err)) != COVET_OK)
	{
		covet_error_prefix(err, "%s: ", def->name);
		return rc;
	}
	if (report->len > 0)
		covet_buf_appendc(report, '\n');
	covet_buf_appendf(report, "%s %s from %s (%s format)",
					  outcome == COVET_DEFINED_NEW ? "defined" :
					  outcome == COVET_DEFINED_CHANGED ? "redefined" : "unchanged",
					  def->name, file, def->format ? def->format : "covet");
	return COVET_OK;
}

/* sqitch.plan: every change must be defined; set the order. */
static CovetStatus
text_plan(CovetDriver *d, TextArgs *a, CovetBuf *report, CovetError *err)
{
	CovetPiece *plan = a->piece;
	CovetStatus rc = COVET_OK;
	int			i;

	for (i = 0; rc == COVET_OK && i < plan->nchanges; i++)
	{
		CovetPiece	key;
		Stored		s;
		CovetDefinition def;

		memset(&key, 0, sizeof(key));
		memset(&s, 0, sizeof(s));
		key.format = COVET_FMT_SQITCH;
		key.def.name = plan->changes[i].name;
		rc = stored_find(d, &key, &s, err);
		if (rc == COVET_OK && s.row < 0)
		{
			rc = covet_error_set(err, COVET_ERR_PARSE,
								 "%s: change \"%s\" has no deploy script loaded",
								 a->filename, plan->changes[i].name);
			covet_error_hint(err, "Load deploy/%s.sql (and revert/%s.sql) with covet_load_text before sqitch.plan.",
							 plan->changes[i].name, plan->changes[i].name);
		}
		if (rc == COVET_OK)
		{
			stored_definition(&s, &def, NULL);
			def.deps = plan->changes[i].deps;
			def.ndeps = plan->changes[i].ndeps;
			rc = store_report(d, &def, a->filename, report, err);
		}
		covet_result_free(d, &s.res);
	}
	return rc;
}

static CovetStatus
text_body(CovetDriver *d, void *arg, CovetBuf *report, CovetError *err)
{
	TextArgs   *a = arg;
	CovetPiece *p = a->piece;
	Stored		s;
	CovetDefinition def;
	CovetStatus rc;
	char	  **deps = NULL;
	int			ndeps = 0;

	if (p->kind == COVET_PIECE_IGNORED)
	{
		covet_buf_appendf(report, "ignored %s (sqitch verify script)", a->filename);
		return COVET_OK;
	}
	if (p->kind == COVET_PIECE_PLAN)
		return text_plan(d, a, report, err);
	memset(&s, 0, sizeof(s));
	if ((rc = stored_find(d, p, &s, err)) != COVET_OK)
		goto done;
	if (p->kind == COVET_PIECE_DOWN)
	{
		if (s.row < 0)
		{
			rc = covet_error_set(err, COVET_ERR_PARSE,
								 "%s: no up migration loaded for this down file", a->filename);
			covet_error_hint(err, "Load the up half (%s) first: send up halves before down halves.",
							 p->format == COVET_FMT_FLYWAY ? "the V script of the same version" :
							 p->format == COVET_FMT_SQITCH ? "the deploy script" : "the .up.sql file");
			goto done;
		}
		stored_definition(&s, &def, NULL);
		def.down = p->def.down;
		if ((rc = covet_depends_split(&d->mem, STORED(&s, 3), &deps, &ndeps, err)) != COVET_OK)
			goto done;
		def.deps = deps;
		def.ndeps = ndeps;
	}
	else
	{
		piece_definition(p, a->filename, &def);
		/* an up half keeps the down half (and a sqitch plan's order) stored */
		if (s.row >= 0 && (p->format == COVET_FMT_GOLANG_MIGRATE ||
						   p->format == COVET_FMT_FLYWAY ||
						   p->format == COVET_FMT_SQITCH))
			def.down = STORED(&s, 2);
		if (s.row >= 0 && p->format == COVET_FMT_SQITCH)
		{
			if ((rc = covet_depends_split(&d->mem, STORED(&s, 3), &deps, &ndeps, err)) != COVET_OK)
				goto done;
			def.deps = deps;
			def.ndeps = ndeps;
		}
	}
	rc = store_report(d, &def, a->filename, report, err);
done:
	free_names(d, deps, ndeps);
	covet_result_free(d, &s.res);
	return rc;
}

CovetStatus
covet_runner_load_text(CovetDriver *d, const char *filename, const char *text,
					   size_t len, char **report, CovetError *err)
{
	CovetPiece	piece;
	TextArgs	a;
	CovetStatus rc;

	*report = NULL;
	if (filename == NULL)
		return covet_error_set(err, COVET_ERR_NULL, "filename must not be null");
	if (*filename == '\0')
		return covet_error_set(err, COVET_ERR_INVALID, "filename must not be empty");
	if (text == NULL)
		return covet_error_set(err, COVET_ERR_NULL, "text must not be null");
	if ((rc = covet_piece_parse(&d->mem, filename, text, len, &piece, err)) != COVET_OK)
		return rc;
	a.filename = filename;
	a.piece = &piece;
	rc = covet_runner_frame(d, text_body, &a, report, err);
	covet_piece_free(&d->mem, &piece);
	return rc;
}
