/*-------------------------------------------------------------------------
 *
 * catalog.h
 *		One model of a schema, read through one query set per engine:
 *		tables, columns, constraints, indexes, views, and in PostgreSQL
 *		sequences, enums, functions, triggers and comments.
 *
 * covet_catalog_read fills a CovetCatalog from one schema (PostgreSQL: a
 * namespace, read from pg_catalog; SQLite: an attached database name such
 * as "main", read from its sqlite_schema and the pragma table-valued
 * functions).  The queries live in catalog_sql.c, one set per engine; the
 * reader here knows no engine.  Everything a catalog holds lives in its
 * own arena, freed at once by covet_catalog_free.
 *
 * Definitions are kept as the engine prints them.  In PostgreSQL they are
 * read with search_path set to the schema alone, so that names of the
 * schema come out unqualified and two schemas with the same objects read
 * the same (pg_get_viewdef, pg_get_expr, format_type); a statement built
 * from them must run with search_path set to the schema it changes.
 * SQLite's are the CREATE texts the database stored.
 *
 * Names: covet_catalog_name_parse splits a name as a caller writes it
 * ("users", "app.users", "\"App\".\"Users\"") into schema and object,
 * folding unquoted parts as the engine does (PostgreSQL: lower case;
 * SQLite keeps them and compares without case).  covet_catalog_resolve
 * asks the database which table or view that is.
 *
 * What batch.c, seed.c and the fixtures read today maps onto this model
 * (ARCHITECTURE.md, "The catalog"): CovetTableInfo's cols/types/generated/
 * pk are CovetCatColumn's name, cast_type, generated and pk; seed's
 * not null, default, auto_fill and single-column unique are here too, its
 * foreign keys are the table's COVET_CON_FOREIGN constraints; CovetFxTable's
 * parents are the referenced tables of those constraints.
 *
 *-------------------------------------------------------------------------
 */
#ifndef COVET_CATALOG_H
#define COVET_CATALOG_H

#include "covet.h"

/* An arena: every string and array of a catalog, freed together. */
typedef struct CovetArenaBlock CovetArenaBlock;
typedef struct CovetArena
{
	CovetMem   *mem;
	CovetArenaBlock *blocks;
	bool		failed;			/* an allocation failed (sticky) */
} CovetArena;

extern void covet_arena_init(CovetArena *a, CovetMem *mem);
extern void *covet_arena_alloc(CovetArena *a, size_t size);	/* zeroed */
extern char *covet_arena_strdup(CovetArena *a, const char *s);	/* NULL -> NULL */
extern void covet_arena_free(CovetArena *a);

typedef struct CovetCatColumn
{
	char	   *name;
	char	   *type;			/* as the engine spells it: format_type, or
								 * the declared type ("" when none) */
	char	   *cast_type;		/* the type as a CAST spells it */
	char	   *default_expr;	/* NULL: no default */
	bool		notnull;
	char		identity;		/* 0, 'a' (ALWAYS) or 'd' (BY DEFAULT) */
	char		generated;		/* 0, 's' (STORED) or 'v' (VIRTUAL, SQLite) */
	char	   *generated_expr; /* the expression of a generated column */
	int			pk;				/* position in the primary key, 0: not in it */
	bool		auto_fill;		/* the database fills it: identity, serial,
								 * rowid alias */
	bool		unique;			/* a single-column unique index, no predicate */
	char	   *collation;		/* NULL: the type's default */
	char	   *comment;		/* NULL: none */
	char	   *identity_options;	/* PostgreSQL identity: "START WITH 1
									 * INCREMENT BY 1"; NULL otherwise */
	char	   *sample;			/* rename scoring: the column's least and
								 * greatest value as text, when read
								 * (covet_catalog_sample); NULL: not read */
} CovetCatColumn;

typedef enum CovetConKind
{
	COVET_CON_PRIMARY = 'p',
	COVET_CON_UNIQUE = 'u',
	COVET_CON_CHECK = 'c',
	COVET_CON_FOREIGN = 'f',
	COVET_CON_EXCLUDE = 'x'		/* PostgreSQL; kept by definition only */
} CovetConKind;

typedef struct CovetCatConstraint
{
	char	   *name;			/* SQLite: "" when the constraint has none */
	CovetConKind kind;
	int			ncols;
	char	  **cols;
	char	   *check_expr;		/* COVET_CON_CHECK */
	/* COVET_CON_FOREIGN */
	char	   *ref_table;		/* in the same schema, or schema-qualified
								 * ("other.t") when elsewhere */
	char	  **ref_cols;		/* ncols of them; NULL entries: the parent's
								 * primary key (SQLite) */
	char		on_delete;		/* a c n d r: no action, cascade, set null,
								 * set default, restrict */
	char		on_update;
	bool		deferrable;
	bool		deferred;		/* INITIALLY DEFERRED */
	bool		validated;		/* false: NOT VALID */
	char	   *definition;		/* pg_get_constraintdef, or built (SQLite) */
	char	   *comment;
} CovetCatConstraint;

typedef struct CovetCatIndex
{
	char	   *name;
	char	   *table;
	bool		unique;
	char	   *method;			/* "btree", ...; SQLite: NULL */
	int			ncols;
	char	  **cols;			/* NULL entry: an expression (see exprs) */
	char	  **exprs;			/* the expression of each NULL cols entry */
	char	   *predicate;		/* partial index: the WHERE; NULL otherwise */
	char	   *definition;		/* pg_get_indexdef, or SQLite's CREATE text */
	char	   *constraint;		/* the constraint it backs, or NULL */
	char	   *comment;
} CovetCatIndex;

typedef struct CovetCatTable
{
	char	   *name;
	int			ncols;
	CovetCatColumn *cols;
	int			ncons;
	CovetCatConstraint *cons;
	int			nidx;
	CovetCatIndex *idx;
	char	   *comment;
	char	   *create_sql;		/* SQLite: the CREATE TABLE text */
	bool		without_rowid;	/* SQLite */
	bool		autoincrement;	/* SQLite: keeps a sqlite_sequence row */
	bool		strict;			/* SQLite */
	int64_t		rows;			/* estimate, or -1 unknown (rename scoring) */
} CovetCatTable;

/* What an object depends on, by kind and name (dependency order). */
typedef enum CovetCatKind
{
	COVET_CAT_TABLE,
	COVET_CAT_VIEW,
	COVET_CAT_SEQUENCE,
	COVET_CAT_ENUM,
	COVET_CAT_FUNCTION,
	COVET_CAT_TRIGGER,
	COVET_CAT_INDEX,
	COVET_CAT_OTHER
} CovetCatKind;

typedef struct CovetCatDep
{
	CovetCatKind kind;
	char	   *name;			/* function: its signature "f(integer)" */
} CovetCatDep;

typedef struct CovetCatView
{
	char	   *name;
	char	   *definition;		/* pg_get_viewdef, or the CREATE VIEW text */
	bool		materialized;
	int			ndeps;
	CovetCatDep *deps;
	char	   *comment;
} CovetCatView;

typedef struct CovetCatSequence
{
	char	   *name;
	char	   *type;
	int64_t		start;
	int64_t		increment;
	int64_t		min;
	int64_t		max;
	int64_t		cache;
	bool		cycle;
	char	   *owned_by;		/* "table.column", or NULL */
	char	   *comment;
} CovetCatSequence;

typedef struct CovetCatEnum
{
	char	   *name;
	int			nvalues;
	char	  **values;			/* in their order */
	char	   *comment;
} CovetCatEnum;

typedef struct CovetCatFunction
{
	char	   *name;
	char	   *signature;		/* name(identity arguments): its identity */
	char		kind;			/* 'f' function, 'p' procedure, 'a' aggregate,
								 * 'w' window */
	char	   *definition;		/* pg_get_functiondef after the name: "(" ... */
	int			ndeps;
	CovetCatDep *deps;
	char	   *comment;
} CovetCatFunction;

typedef struct CovetCatTrigger
{
	char	   *name;
	char	   *table;
	char	   *definition;		/* pg_get_triggerdef, or the CREATE TRIGGER
								 * text */
	int			ndeps;
	CovetCatDep *deps;			/* SQLite: the tables and views it reads */
	char	   *comment;
} CovetCatTrigger;

/* An object the model does not cover: reported, never ignored. */
typedef struct CovetCatOther
{
	char	   *kind;			/* "materialized view", "domain", ... */
	char	   *name;
	char	   *definition;		/* as much as the engine tells, or NULL */
} CovetCatOther;

typedef struct CovetCatalog
{
	CovetArena	arena;
	CovetEngine engine;
	char	   *schema;			/* as read: the real name */
	int			ntables;
	CovetCatTable *tables;		/* by name */
	int			nviews;
	CovetCatView *views;
	int			nsequences;
	CovetCatSequence *sequences;
	int			nenums;
	CovetCatEnum *enums;
	int			nfunctions;
	CovetCatFunction *functions;
	int			ntriggers;
	CovetCatTrigger *triggers;
	int			nothers;
	CovetCatOther *others;
	/*
	 * SQLite: PRAGMA foreign_keys was off on the connection that read it; a
	 * rebuild's steps then leave it off (false: on, unknown, PostgreSQL).
	 */
	bool		foreign_keys_off;
} CovetCatalog;

/*
 * What to read.  COVET_CATALOG_ROWS counts each table's rows (exactly, a
 * query per table; for rename scoring).
 */
#define COVET_CATALOG_ALL		0x0
#define COVET_CATALOG_ROWS		0x1

/*
 * Read a whole schema.  An unknown schema (database in SQLite) is
 * COVET_ERR_NOT_FOUND, SQLSTATE 3F000, "schema \"x\" does not exist" on
 * both engines.
 */
extern CovetStatus covet_catalog_read(CovetDriver *d, const char *schema,
									  int flags, CovetCatalog **out,
									  CovetError *err);
extern void covet_catalog_free(CovetDriver *d, CovetCatalog *cat);

/*
 * Build SQL text in a scratch schema and read it: create_sql makes the
 * scratch schema (PostgreSQL: CREATE SCHEMA; SQLite: ATTACH ':memory:'),
 * the text runs with search_path set to it (PostgreSQL) or with each of
 * its CREATE statements' objects qualified with it (SQLite, where the text
 * may hold nothing but CREATE statements), the schema is read, and
 * drop_sql removes it (also after a failure, where the engine allows).
 */
extern CovetStatus covet_catalog_read_sql(CovetDriver *d, const char *scratch,
										  const char *create_sql,
										  const char *drop_sql, bool qualify,
										  const char *text, CovetCatalog **out,
										  CovetError *err);

/* Count a table's rows exactly into t->rows (rename scoring). */
extern CovetStatus covet_catalog_count_rows(CovetDriver *d, const CovetCatalog *cat,
											CovetCatTable *t, CovetError *err);

/*
 * Rename scoring by the data: count a table's rows into t->rows and set
 * each column's sample to its least and greatest value as text (one query,
 * one scan); "" for a column with no value.
 */
extern CovetStatus covet_catalog_sample(CovetDriver *d, const CovetCatalog *cat,
										CovetCatTable *t, CovetError *err);

/* Lookups by exact name (NULL: none). */
extern CovetCatTable *covet_catalog_table(const CovetCatalog *cat, const char *name);
extern CovetCatView *covet_catalog_view(const CovetCatalog *cat, const char *name);
extern CovetCatColumn *covet_catalog_column(const CovetCatTable *t, const char *name);
extern int	covet_catalog_column_index(const CovetCatTable *t, const char *name);

/*
 * A name as a caller writes it: "t", "s.t", "\"S\".\"T\"".  Unquoted parts
 * fold to lower case in PostgreSQL and stay as written in SQLite; a quoted
 * part keeps its case, "" inside it is one ".  *schema is NULL when the
 * name has no schema part.  Anything else (empty, three parts, an
 * unclosed quote, text after the name) is COVET_ERR_INVALID naming what.
 * Pure: the unit tests call it directly.
 */
extern CovetStatus covet_catalog_name_parse(CovetMem *mem, CovetEngine engine,
											const char *what, const char *name,
											char **schema, char **object,
											CovetError *err);

/*
 * Which table or view a caller's name means: its schema and real name
 * (PostgreSQL: to_regclass on the quoted parts, so an unqualified name
 * follows the search_path; SQLite: the first attached database holding
 * it, names compared without case).  Not found: COVET_ERR_NOT_FOUND.
 */
extern CovetStatus covet_catalog_resolve(CovetDriver *d, const char *what,
										 const char *name, char **schema,
										 char **object, CovetError *err);

/*
 * Replace, in the text of a CREATE statement (CREATE [TEMP] [UNIQUE]
 * TABLE/VIEW/INDEX/TRIGGER [IF NOT EXISTS] name ...), the name with
 * "schema"."name" (name NULL: the one written there, without any schema
 * it had).  Pure; COVET_ERR_INVALID when the text is not such a statement.
 */
extern CovetStatus covet_catalog_create_rename(CovetMem *mem, const char *sql,
											   const char *schema,
											   const char *name, char **out,
											   CovetError *err);

/* The query set of an engine (catalog_sql.c). */
typedef struct CovetCatalogSql
{
	/* {1} the schema: one row, its real name, when it exists */
	const char *schema_exists;
	/*
	 * Statements run before and after the reads (PostgreSQL: search_path
	 * set to {1}, the quoted schema, then restored to {2}); NULL: none.
	 * Before returns one value, the setting to restore.
	 */
	const char *before;
	const char *after;
	/*
	 * Each query takes the schema as {1}; %D is replaced by the quoted
	 * schema name first (SQLite's "db".sqlite_schema).  Column lists are
	 * in catalog_sql.c above each query.
	 */
	const char *tables;
	const char *columns;
	const char *constraints;
	const char *indexes;
	const char *views;
	const char *view_deps;		/* NULL: deps read from the view's text */
	const char *sequences;		/* NULL: none in this engine */
	const char *enums;
	const char *functions;
	const char *function_deps;
	const char *triggers;
	const char *others;
	/* {1}: a table (quoted, schema-qualified): its number of rows */
	const char *count_rows;
	/* {1} "what", {2} a name: the schema and real name of the relation */
	const char *resolve;
	/* no parameter: the connection's foreign keys setting; NULL: none */
	const char *foreign_keys;
	/*
	 * covet_catalog_sample: %T the table, %S one sample_column per column;
	 * sample_column's %C is the quoted column.
	 */
	const char *sample;
	const char *sample_column;
} CovetCatalogSql;

extern const CovetCatalogSql *covet_catalog_sql(const CovetDialect *dialect);

#endif							/* COVET_CATALOG_H */
