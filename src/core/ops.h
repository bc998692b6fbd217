/*-------------------------------------------------------------------------
 *
 * ops.h
 *		Pieces of ops.c that tests reach directly (not public API).
 *
 *-------------------------------------------------------------------------
 */
#ifndef COVET_OPS_H
#define COVET_OPS_H

#include "covet.h"

/*
 * rename_values' mapping, a JSON object of strings {"old": "new", ...},
 * read strictly: the SET list (column = CASE WHEN ... END) goes to set and
 * the filter (column = ANY (...)) to where, in the dialect's spelling.  A
 * bad mapping is COVET_ERR_INVALID.
 */
extern CovetStatus covet_mapping_sql(CovetMem *mem, const CovetDialect *dialect,
									 const char *json, const char *column,
									 bool case_sensitive, CovetBuf *set,
									 CovetBuf *where, CovetError *err);

#endif							/* COVET_OPS_H */
