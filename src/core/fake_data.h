/*-------------------------------------------------------------------------
 *
 * fake_data.h
 *		The word lists behind covet's fake-data generators (fake_data.c).
 *
 * Internal to the core: seed_gen.c picks from these.  Each list is a
 * static array of UTF-8 strings and its length; the lists never change at
 * run time, and their order is part of the output (a given seed names the
 * same people on every engine), so entries are only ever appended.
 *
 *-------------------------------------------------------------------------
 */
#ifndef COVET_FAKE_DATA_H
#define COVET_FAKE_DATA_H

#include <stddef.h>

typedef struct CovetWordList
{
	const char *const *words;
	size_t		n;
} CovetWordList;

extern const CovetWordList covet_fake_first_names;
extern const CovetWordList covet_fake_last_names;
extern const CovetWordList covet_fake_cities;
extern const CovetWordList covet_fake_countries;
extern const CovetWordList covet_fake_streets;
extern const CovetWordList covet_fake_street_suffixes;
extern const CovetWordList covet_fake_company_words;
extern const CovetWordList covet_fake_company_suffixes;
extern const CovetWordList covet_fake_jobs;
extern const CovetWordList covet_fake_words;
extern const CovetWordList covet_fake_domains;
extern const CovetWordList covet_fake_tlds;

#endif							/* COVET_FAKE_DATA_H */
