/*-------------------------------------------------------------------------
 *
 * yajl_mem.c
 *		yajl with covet's allocator, safe when an allocation fails.
 *
 * yajl cannot cope with an allocator that returns NULL: yajl_alloc,
 * its buffers and its state stack write through the pointer they get
 * without looking at it.  covet's allocator may return NULL (PostgreSQL's
 * MCXT_ALLOC_NO_OOM, SQLite's sqlite3_malloc64), and so may malloc; in a
 * PostgreSQL backend a NULL dereference is a crash that restarts the whole
 * cluster.  So the functions yajl gets never return NULL:
 *
 * - Every block yajl allocates comes from covet's allocator with a header
 *   that links it into a list kept by the guard, so the guard knows every
 *   byte yajl holds.
 * - When covet's allocator fails, the function yajl called does not
 *   return: it long-jumps back to covet_yajl_run, out of yajl (and of the
 *   body's own frames, which therefore keep their state elsewhere).  The
 *   handle is then in no state to be used, so it is not: the guard frees
 *   every block still on its list and covet_yajl_run returns
 *   COVET_ERR_NOMEM, which the caller reports as covet's out-of-memory
 *   error (SQLSTATE 53200).
 *
 * Why this is safe.  The jump crosses only yajl's frames and the body's:
 * yajl allocates nothing but memory (no files, no locks), and it is never
 * inside one of covet's callbacks when it allocates, so no callback frame
 * (where a PostgreSQL PG_TRY block could be open) is ever jumped over.
 * setjmp is called in a function whose locals are not changed after it,
 * and the guard lives in memory from covet's allocator, so nothing it
 * reads after the jump is indeterminate.  Alternatives were weighed:
 * malloc instead of covet's allocator fails rarely but still returns NULL;
 * a reserve handed out on failure would be written to by yajl; sizes
 * cannot be checked in advance, as yajl's buffers grow with the input.
 *
 * Memory.  yajl's blocks come from covet's allocator, so in PostgreSQL
 * they belong to the call's memory context, and an error that long-jumps
 * past covet frees them with it.
 *
 * libyaml and libcsv need none of this: they check what malloc and
 * realloc return and report it (YAML_MEMORY_ERROR, CSV_ENOMEM; libyaml
 * 0.2.5 also fails with no error named in a few such places), which
 * fixture_load.c turns into the same out-of-memory error.  They call
 * malloc themselves (libcsv's realloc hook takes no context pointer, so
 * covet's allocator cannot be handed to it); fixture_load.c frees their
 * parsers on every path out of a load, and inside a load every driver
 * error comes back as a status (the load runs in a savepoint).
 *
 *-------------------------------------------------------------------------
 */
#include "yajl_mem.h"

#include <setjmp.h>
#include <stdint.h>
#include <string.h>

typedef struct Block
{
	struct Block *prev;
	struct Block *next;
	size_t		size;
} Block;

/* the header, rounded up so that what follows is aligned for anything */
#define HDR (((sizeof(Block) + sizeof(max_align_t) - 1) / sizeof(max_align_t)) * sizeof(max_align_t))

typedef struct Guard
{
	CovetMem   *mem;
	jmp_buf		jump;
	Block		blocks;			/* sentinel of a circular list */
} Guard;

static void *
guard_malloc(void *ctx, size_t size)
{
	Guard	   *g = ctx;
	Block	   *b = NULL;

	if (size <= SIZE_MAX - HDR)
		b = covet_alloc(g->mem, HDR + size);
	if (b == NULL)
		longjmp(g->jump, 1);
	b->size = size;
	b->next = g->blocks.next;
	b->prev = &g->blocks;
	b->next->prev = b;
	g->blocks.next = b;
	return (char *) b + HDR;
}

static void
guard_free(void *ctx, void *ptr)
{
	Guard	   *g = ctx;
	Block	   *b;

	if (ptr == NULL)
		return;
	b = (Block *) ((char *) ptr - HDR);
	b->prev->next = b->next;
	b->next->prev = b->prev;
	covet_free(g->mem, b);
}

static void *
guard_realloc(void *ctx, void *ptr, size_t size)
{
	Block	   *old;
	void	   *n;

	if (ptr == NULL)
		return guard_malloc(ctx, size);
	old = (Block *) ((char *) ptr - HDR);
	/* on failure this does not return; ptr stays listed and is freed */
	n = guard_malloc(ctx, size);
	memcpy(n, ptr, old->size < size ? old->size : size);
	guard_free(ctx, ptr);
	return n;
}

/* false: an allocation failed and jumped back here */
static bool
run_guarded(Guard *g, const yajl_callbacks *callbacks, void *ctx,
			CovetYajlBody body, void *arg)
{
	yajl_alloc_funcs funcs;
	yajl_handle h;

	if (setjmp(g->jump) != 0)
		return false;
	funcs.malloc = guard_malloc;
	funcs.realloc = guard_realloc;
	funcs.free = guard_free;
	funcs.ctx = g;
	h = yajl_alloc(callbacks, &funcs, ctx);
	if (h == NULL)
		return false;
	body(h, arg);
	yajl_free(h);
	return true;
}

CovetStatus
covet_yajl_run(CovetMem *mem, const yajl_callbacks *callbacks, void *ctx,
			   CovetYajlBody body, void *arg, CovetError *err)
{
	Guard	   *g = covet_alloc(mem, sizeof(Guard));
	bool		ok;

	if (g == NULL)
		return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
	g->mem = mem;
	g->blocks.prev = g->blocks.next = &g->blocks;
	ok = run_guarded(g, callbacks, ctx, body, arg);
	while (g->blocks.next != &g->blocks)
		guard_free(g, (char *) g->blocks.next + HDR);
	covet_free(mem, g);
	if (!ok)
		return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
	return COVET_OK;
}
