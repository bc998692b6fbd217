/*-------------------------------------------------------------------------
 *
 * yajl_mem.h
 *		yajl with covet's allocator, safe when an allocation fails
 *		(yajl_mem.c).  Internal to the core.
 *
 *-------------------------------------------------------------------------
 */
#ifndef COVET_YAJL_MEM_H
#define COVET_YAJL_MEM_H

#include "covet.h"

#include <yajl/yajl_parse.h>

/* The work done with the handle: yajl_parse, yajl_get_error, ... */
typedef void (*CovetYajlBody) (yajl_handle h, void *arg);

/*
 * Allocate a yajl handle (callbacks and ctx as yajl_alloc takes them) whose
 * memory comes from mem, run body with it, and free it.  COVET_OK, or
 * COVET_ERR_NOMEM with "out of memory" in err when an allocation failed:
 * body was then stopped where it was, inside yajl, and every byte yajl held
 * is freed.  The body must keep its own state where the caller can see it
 * (not in its locals), and must not call yajl_free.
 */
extern CovetStatus covet_yajl_run(CovetMem *mem, const yajl_callbacks *callbacks,
								  void *ctx, CovetYajlBody body, void *arg,
								  CovetError *err);

#endif							/* COVET_YAJL_MEM_H */
