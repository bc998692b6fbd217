/*-------------------------------------------------------------------------
 *
 * fixture.h
 *		What the fixture files of the core share (not public API).
 *
 *-------------------------------------------------------------------------
 */
#ifndef COVET_FIXTURE_H
#define COVET_FIXTURE_H

#include "covet.h"

/* A table as fixtures see it: the columns a row is made of. */
typedef struct CovetFxTable
{
	char	   *model;			/* the name a fixture uses: "users" */
	char	   *lookup;			/* the name as describe_sql takes it */
	char	   *sql_name;		/* quoted, ready for SQL */
	int			ncols;			/* stored columns (no generated ones) */
	char	  **cols;
	char	  **types;			/* format_type / declared type, for messages */
	char	  **sql_types;		/* the types as a CAST spells them */
	CovetFixtureKind *kinds;
	int			npk;
	int		   *pk;				/* indexes into cols, in key order */
	bool	   *is_pk;			/* per column */
	int			nparents;
	char	  **parents;		/* model names of referenced tables */
} CovetFxTable;

/*
 * Describe a table by the name a fixture or a caller gives.  A table that
 * does not exist is COVET_ERR_NOT_FOUND (the caller words the message).
 */
extern CovetStatus covet_fx_table_get(CovetDriver *d, const char *name,
									  CovetFxTable *t, CovetError *err);
extern void covet_fx_table_free(CovetDriver *d, CovetFxTable *t);
extern int	covet_fx_column(const CovetFxTable *t, const char *name, size_t len);

/* Order tables parents first (ties by model name; a cycle: given order). */
extern CovetStatus covet_fx_order(CovetDriver *d, CovetFxTable *const *tables,
								  int n, int *order, CovetError *err);

/* Expand a fixture template (see CovetFixtureSql); NULL args are unused. */
extern void covet_fx_expand(CovetBuf *out, const CovetDialect *dl,
							const char *tmpl, const char *col,
							const char *table, const char *key,
							const char *type, const char *defs);

/*
 * The template of column col's value as JSON text in a dump (fixture_sql.c):
 * the dialect's dump_expr of its kind; naive_tstz (style 'django'): a
 * PostgreSQL timestamptz in the session's time zone without its offset.
 */
extern const char *covet_fx_dump_expr(const CovetDialect *dl, const CovetFxTable *t,
									  int col, bool naive_tstz);

/*
 * How column col goes into covet_json_record (fixture_sql.c): 'v' (SQLite)
 * as it is, 'q' (PostgreSQL) text to quote, 'i' (PostgreSQL) an integer,
 * 'c' its dump expression.
 */
extern char covet_fx_record_flag(const CovetDialect *dl, const CovetFxTable *t, int col,
								 bool naive_tstz);

/* Split "a, b c" into names (the caller frees each and the array). */
extern CovetStatus covet_fx_split(CovetMem *mem, const char *text,
								  char ***names, int *n, CovetError *err);

/*
 * How a column's values are judged before loading (fixture_check.c): the
 * type as PostgreSQL would read it, from format_type or SQLite's declared
 * type.
 */
typedef enum CovetFxCheckType
{
	COVET_CK_NONE,				/* anything goes (SQLite: no declared type) */
	COVET_CK_OTHER,				/* a type covet does not judge: no list or object */
	COVET_CK_CONTAINER,			/* json, jsonb, arrays: any JSON value */
	COVET_CK_INT2,
	COVET_CK_INT4,
	COVET_CK_INT8,
	COVET_CK_FLOAT4,
	COVET_CK_FLOAT8,
	COVET_CK_NUMERIC,
	COVET_CK_BOOL,
	COVET_CK_UUID,
	COVET_CK_TEXT,
	COVET_CK_DATE,
	COVET_CK_TIME,
	COVET_CK_TIMESTAMP,
	COVET_CK_TIMESTAMPTZ
} CovetFxCheckType;

typedef struct CovetFxCheck
{
	CovetFxCheckType type;
	int			len;			/* character(n) / varying(n); -1 none */
	bool		varying;
	int			precision;		/* numeric(p, s); -1 none */
	int			scale;
	bool		rewrite;		/* SQLite: store what SQLite and Django store */
} CovetFxCheck;

extern void covet_fx_check_plan(const CovetDialect *dl, const char *type,
								CovetFixtureKind kind, CovetFxCheck *ck);

/*
 * Judge one value (JSON text).  A misfit is COVET_ERR_INVALID with
 * PostgreSQL's wording and SQLSTATE in *err (no record prefix).  When
 * *rewritten, out holds the JSON text to store instead.  tmp is scratch.
 */
extern CovetStatus covet_fx_check_value(const CovetFxCheck *ck, const char *val,
										CovetBuf *tmp, CovetBuf *out,
										bool *rewritten, CovetError *err);

/*
 * A row of a table whose foreign key has no parent (fixture_fkcheck.c):
 * its primary key values as text, the key's columns ("a, b"), its values
 * ("1, 2"), the referenced table, and the first column.
 */
typedef struct CovetFxFkBreak
{
	int			npk;
	char	  **pk;
	char	   *cols;
	char	   *value;
	char	   *parent;
	char	   *field;
} CovetFxFkBreak;

/*
 * The first row of t breaking one of its foreign keys that the engine
 * checks at COMMIT (PostgreSQL: the DEFERRABLE ones; SQLite: all, when
 * PRAGMA foreign_keys is on).  *found false: none.
 */
extern CovetStatus covet_fx_fk_find(CovetDriver *d, const CovetFxTable *t,
									bool *found, CovetFxFkBreak *br,
									CovetError *err);
extern void covet_fx_fk_break_free(CovetDriver *d, CovetFxFkBreak *br);

/* --- Django's names (fixture_names.c) --- */

/* model_map: model -> table */
typedef struct CovetFxMap
{
	int			n;
	char	  **models;
	char	  **tables;
} CovetFxMap;

extern CovetStatus covet_fx_map_parse(CovetMem *mem, const char *json,
									  CovetFxMap *map, CovetError *err);
extern void covet_fx_map_free(CovetMem *mem, CovetFxMap *map);
extern const char *covet_fx_map_table(const CovetFxMap *map, const char *model);
extern const char *covet_fx_map_model(const CovetFxMap *map, const char *table);
/* "blog.Post" -> "blog_post" (Django's own models: their db_table); NULL if
 * not app.model (or out of memory) */
extern char *covet_fx_django_table(CovetMem *mem, const char *model);

/*
 * The model Django names a table by: "blog_post" -> "blog.post" (at the
 * first underscore; Django's own tables by their model); a table without
 * one keeps its name.  NULL: out of memory.
 */
extern char *covet_fx_django_model(CovetMem *mem, const char *table);

typedef struct CovetFxFk
{
	int			col;			/* the referencing column */
	char	   *target;			/* model name of the referenced table */
	char	   *ref;			/* referenced column; NULL: its primary key */
} CovetFxFk;

typedef struct CovetFxUnique
{
	int			ncols;
	int		   *cols;
	bool		primary;
} CovetFxUnique;

/* A table's one-column foreign keys and unique indexes, read once. */
typedef struct CovetFxLinks
{
	bool		loaded;
	int			nfks;
	CovetFxFk  *fks;
	int			nuniq;
	CovetFxUnique *uniq;		/* non-primary first, oldest first */
} CovetFxLinks;

extern CovetStatus covet_fx_links_get(CovetDriver *d, const CovetFxTable *t,
									  CovetFxLinks *l, CovetError *err);
extern void covet_fx_links_free(CovetDriver *d, CovetFxLinks *l);
extern const CovetFxFk *covet_fx_fk_of(const CovetFxLinks *l, int col);
extern const CovetFxUnique *covet_fx_unique_of(const CovetFxLinks *l, int ncols);

/*
 * The value (text) of column ref of the row of t whose unique index u
 * holds vals (texts, u->ncols of them); *out NULL when there is none.
 */
extern CovetStatus covet_fx_natural_find(CovetDriver *d, const CovetFxTable *t,
										 const CovetFxUnique *u, int ref,
										 const char *const *vals, char **out,
										 CovetError *err);

#endif							/* COVET_FIXTURE_H */
