/*-------------------------------------------------------------------------
 *
 * formats.h
 *		Migration files as other tools write them (formats.c), loading them
 *		(load.c) and adopting another tool's history (adopt.c).
 *
 * A file is read into a CovetPiece: a whole definition (covet, dbmate,
 * goose, a golang-migrate up file, a Flyway V or R script, a sqitch deploy
 * script), the down half of one (a golang-migrate down file, a Flyway U
 * script, a sqitch revert script), a sqitch plan, or nothing (a sqitch
 * verify script).  load.c puts the pieces of a directory, or of texts sent
 * one by one, together into definitions.
 *
 *-------------------------------------------------------------------------
 */
#ifndef COVET_FORMATS_H
#define COVET_FORMATS_H

#include "covet.h"

typedef enum CovetFormat
{
	COVET_FMT_COVET,
	COVET_FMT_GOLANG_MIGRATE,
	COVET_FMT_DBMATE,
	COVET_FMT_GOOSE,
	COVET_FMT_FLYWAY,
	COVET_FMT_SQITCH
} CovetFormat;

#define COVET_NFORMATS 6

/* "covet", "golang-migrate", "dbmate", "goose", "flyway", "sqitch" */
extern const char *covet_format_name(CovetFormat f);

typedef enum CovetPieceKind
{
	COVET_PIECE_DEF,			/* a whole definition */
	COVET_PIECE_DOWN,			/* the down text of a definition */
	COVET_PIECE_PLAN,			/* sqitch.plan */
	COVET_PIECE_IGNORED			/* sqitch verify script */
} CovetPieceKind;

/* One change of a sqitch plan, with its dependencies in the same project. */
typedef struct CovetPlanChange
{
	char	   *name;
	char	  **deps;			/* the change before it first, then [deps] */
	int			ndeps;
} CovetPlanChange;

typedef struct CovetPiece
{
	CovetPieceKind kind;
	CovetFormat format;
	/*
	 * DEF: name, up, down (NULL: none; "" : a down section with no
	 * statement, a no-op), depends, kind, atomic.  DOWN: name of the
	 * definition it belongs to (golang-migrate, sqitch; Flyway matches by
	 * version), and down.
	 */
	CovetMigFile def;
	bool		repeatable;
	char	   *version;		/* as the file name spells it, or NULL */
	CovetPlanChange *changes;	/* PLAN */
	int			nchanges;
} CovetPiece;

/*
 * Read one file.  filename decides golang-migrate ({version}_{title}.up.sql
 * and .down.sql), Flyway (V{version}__{desc}.sql, U..., R__{desc}.sql) and
 * sqitch (sqitch.plan, deploy/NAME.sql, revert/NAME.sql, verify/NAME.sql);
 * otherwise the content decides: "-- migrate:up" is dbmate, "-- +goose"
 * goose, anything else covet's format.  Errors are COVET_ERR_PARSE
 * "FILE:LINE: what" as covet_migfile_parse's.
 */
extern CovetStatus covet_piece_parse(CovetMem *mem, const char *filename,
									 const char *text, size_t len,
									 CovetPiece *out, CovetError *err);
extern void covet_piece_free(CovetMem *mem, CovetPiece *p);

/* The format a file name alone decides, or -1 (content decides). */
extern int	covet_format_by_name(const char *filename);

/*
 * Compare two names or versions as versions: runs of digits compare as
 * numbers, a '.', '_' or '-' between two digit runs is a version separator
 * (so "1_1" equals "1.1") and sorts after the end of a version ("1" <
 * "1.1" < "1.2" < "1.10" < "2" < "10"), unless only zero parts follow
 * ("1.0" equals "1", as in Flyway); other characters compare as bytes.
 * Equal versions spelled differently are ordered by strcmp, so the order
 * is total.
 */
extern int	covet_version_cmp(const char *a, const char *b);

/* The same without the strcmp tie-break: 0 for "1_1" and "1.1". */
extern int	covet_version_cmp_loose(const char *a, const char *b);

/* Flyway's checksum of a script: CRC-32 of its lines without line ends. */
extern int32_t covet_flyway_checksum(const char *text, size_t len);

/* load.c */
extern CovetStatus covet_runner_load_text(CovetDriver *d, const char *filename,
										  const char *text, size_t len,
										  char **report, CovetError *err);

/* adopt.c */
extern CovetStatus covet_runner_adopt(CovetDriver *d, char **report,
									  CovetError *err);

/*
 * runner.c, for load.c and adopt.c: one definition as stored, and the
 * frame (runner lock, the run's transaction) of a writing entry point.
 */
typedef struct CovetDefinition
{
	const char *name;
	const char *up;
	const char *down;			/* NULL: none */
	char	  **deps;
	int			ndeps;
	const char *kind;
	bool		atomic;
	bool		repeatable;
	const char *version;
	const char *source;
	const char *format;			/* NULL: covet_define */
	char		notice[512];	/* covet_definition_detect: why it runs
								 * outside a transaction, or "" */
} CovetDefinition;

typedef enum CovetDefineOutcome
{
	COVET_DEFINED_NEW,
	COVET_DEFINED_CHANGED,
	COVET_DEFINED_SAME
} CovetDefineOutcome;

extern void covet_definition_detect(CovetDriver *d, CovetDefinition *def);
extern CovetStatus covet_definition_check(const CovetDefinition *def,
										  CovetError *err);
extern CovetStatus covet_definition_store(CovetDriver *d,
										  const CovetDefinition *def,
										  CovetDefineOutcome *outcome,
										  CovetError *err);

typedef CovetStatus (*CovetFrameBody) (CovetDriver *d, void *arg,
									   CovetBuf *report, CovetError *err);
extern CovetStatus covet_runner_frame(CovetDriver *d, CovetFrameBody body,
									  void *arg, char **report,
									  CovetError *err);

#endif							/* COVET_FORMATS_H */
