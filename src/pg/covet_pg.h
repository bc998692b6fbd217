/*-------------------------------------------------------------------------
 *
 * covet_pg.h
 *		The PostgreSQL binding's call state, shared by pg_driver.c (the
 *		CovetDriver over SPI) and covet_pg.c (the SQL-callable wrappers).
 *
 * A call is one SQL function invocation: it owns a memory context for all
 * the core allocates, one SPI connection, and the stack of subtransactions
 * the core opened as savepoints.  A batched operation called with CALL
 * outside a transaction block is "nonatomic": its SPI connection may
 * commit, so its memory context hangs from TopMemoryContext and the caller
 * must delete it on error too (covet_pg_call_cleanup in a PG_CATCH).
 * Include after postgres.h.
 *
 *-------------------------------------------------------------------------
 */
#ifndef COVET_PG_H
#define COVET_PG_H

#include "covet.h"

#include "utils/resowner.h"

/* pg_try_advisory_xact_lock(1668249204, 1): "covt" and the runner lock. */
#define COVET_LOCK_CLASSID	1668249204
#define COVET_LOCK_OBJID	1

/* What to restore after a subtransaction ends, like PL/pgSQL's blocks. */
typedef struct CovetPgSavepoint
{
	MemoryContext cxt;
	ResourceOwner owner;
} CovetPgSavepoint;

typedef struct CovetPgCall
{
	MemoryContext callercxt;	/* where results go */
	MemoryContext callcxt;		/* everything the core allocates */
	CovetPgSavepoint *savepoints;
	int			nsavepoints;
	int			maxsavepoints;
	bool		error_pending;	/* a statement failed; rollback must follow */
	char	   *who;
	bool		nonatomic;		/* a CALL that may commit (SPI_OPT_NONATOMIC) */
	char	   *activity;		/* pg_stat_activity text to restore, or NULL */
	CovetDriver driver;

	/* Outcome of covet_pg_call_run. */
	CovetStatus status;
	char	   *report;
	CovetError	err;
} CovetPgCall;

/* One core entry point behind a common signature. */
typedef CovetStatus (*CovetPgCoreFn) (CovetDriver *d, void *arg,
									  char **report, CovetError *err);

extern void covet_pg_call_begin(CovetPgCall *call, int lock_timeout_ms);
extern void covet_pg_call_begin_batch(CovetPgCall *call, int lock_timeout_ms,
									  bool nonatomic);
extern void covet_pg_call_run(CovetPgCall *call, CovetPgCoreFn fn, void *arg);
extern void covet_pg_call_end(CovetPgCall *call);
extern void covet_pg_call_cleanup(CovetPgCall *call);
extern void covet_pg_raise(const CovetError *err) pg_attribute_noreturn();

#endif							/* COVET_PG_H */
