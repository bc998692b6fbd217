/*-------------------------------------------------------------------------
 *
 * seed_json.h
 *		The small JSON reader behind covet_seed's spec (seed_json.c).
 *
 * Internal to the core.  Numbers keep their text; object keys are in
 * document order (keys[i] names items[i]; keys is NULL-free only for
 * objects).
 *
 *-------------------------------------------------------------------------
 */
#ifndef COVET_SEED_JSON_H
#define COVET_SEED_JSON_H

#include "covet.h"

typedef enum CovetJsonType
{
	COVET_JSON_NULL,
	COVET_JSON_BOOL,
	COVET_JSON_NUMBER,
	COVET_JSON_STRING,
	COVET_JSON_ARRAY,
	COVET_JSON_OBJECT
} CovetJsonType;

typedef struct CovetJson CovetJson;

struct CovetJson
{
	CovetJsonType type;
	bool		boolean;
	char	   *text;			/* string (unescaped) or number text */
	int			n;				/* array items or object members */
	int			cap;
	char	  **keys;			/* objects: member names */
	CovetJson **items;
};

extern CovetStatus covet_json_parse(CovetMem *mem, const char *text,
									CovetJson **out, CovetError *err);
extern void covet_json_free(CovetMem *mem, CovetJson *j);

#endif							/* COVET_SEED_JSON_H */
