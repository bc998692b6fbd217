/*-------------------------------------------------------------------------
 *
 * opargs.c
 *		The arguments every batched operation takes last (issue 16):
 *		workers, batch_time_ms, retries and on_error.
 *
 *     SELECT covet_backfill_background('users', 'n = n + 1',
 *                                      workers => 2, batch_time_ms => 200,
 *                                      retries => 3, on_error => 'skip');
 *
 * covet_op_prepare checks them with covet_op_runarg_set and keeps them in
 * the CovetOp and in the run's args JSON (runs.args: every call's JSON
 * carries all four, the defaults written out when a SQLite call left them
 * off).  Whoever carries a run out later (covet_resume, crash resume, the
 * background worker) reads them back from that JSON with
 * covet_op_runargs_read, and they are checked again there: a runs row
 * written before 0.2.0 has none of them and gets the defaults.
 *
 * Both engines judge a value the same way and with the same message;
 * covet_op_check_workers holds the one rule that depends on the engine and
 * on the form called: more than one worker needs PostgreSQL's _background
 * form.
 *
 * Pure code: no allocation, no driver, so the unit tests reach it.
 *
 *-------------------------------------------------------------------------
 */
#include "covet.h"

#include <stdio.h>
#include <string.h>

void
covet_op_runargs_default(CovetOpRunArgs *ra)
{
	ra->workers = 1;
	ra->batch_time_ms = 0;
	ra->retries = 0;
	ra->on_error_skip = false;
}

static CovetStatus
int_in_range(const char *function, const char *name, const char *text,
			 int64_t lo, int64_t hi, bool null_ok, int *out, CovetError *err)
{
	int64_t		x;
	CovetStatus rc = covet_int_parse(text, false, &x, err);

	if (rc != COVET_OK)
		return rc;
	if (x < lo || x > hi)
	{
		covet_error_set(err, COVET_ERR_INVALID, "%s of %s must be %sbetween %lld and %lld, not %lld",
						name, function, null_ok ? "NULL or " : "",
						(long long) lo, (long long) hi, (long long) x);
		return COVET_ERR_INVALID;
	}
	*out = (int) x;
	return COVET_OK;
}

CovetStatus
covet_op_runarg_set(const char *function, const char *name, const char *text,
					CovetOpRunArgs *ra, CovetError *err)
{
	if (text == NULL && strcmp(name, "batch_time_ms") != 0)
		return covet_error_set(err, COVET_ERR_NULL, "%s must not be null", name);
	if (strcmp(name, "workers") == 0)
		return int_in_range(function, name, text, 1, COVET_OP_MAX_WORKERS, false,
							&ra->workers, err);
	if (strcmp(name, "batch_time_ms") == 0)
	{
		ra->batch_time_ms = 0;
		if (text == NULL)
			return COVET_OK;
		return int_in_range(function, name, text, 1, COVET_OP_MAX_BATCH_TIME_MS, true,
							&ra->batch_time_ms, err);
	}
	if (strcmp(name, "retries") == 0)
		return int_in_range(function, name, text, 0, COVET_OP_MAX_RETRIES, false,
							&ra->retries, err);
	if (strcmp(name, "on_error") == 0)
	{
		if (strcmp(text, "stop") != 0 && strcmp(text, "skip") != 0)
		{
			covet_error_set(err, COVET_ERR_INVALID, "on_error of %s must be 'stop' or 'skip', not '%.200s'",
							function, text);
			covet_error_detail(err, "'stop' ends the run at a batch that fails; 'skip' records the rows that fail and goes on.");
			return COVET_ERR_INVALID;
		}
		ra->on_error_skip = strcmp(text, "skip") == 0;
		return COVET_OK;
	}
	return covet_error_set(err, COVET_ERR_INTERNAL, "\"%s\" is not an argument of every operation", name);
}

/* --- reading them back from a run's args ---------------------------------- */

static const char *
skip_blank(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

/*
 * The raw text of the JSON string literal at *p (escapes left as they
 * are), or of a scalar (number, true, false, null); false on anything
 * else.  *p moves past it.
 */
static bool
scan_value(const char **p, const char **start, size_t *len, bool *is_string)
{
	const char *s = *p;

	*is_string = *s == '"';
	if (*is_string)
	{
		*start = ++s;
		while (*s != '"')
		{
			if (*s == '\0')
				return false;
			if (*s == '\\' && s[1] != '\0')
				s++;
			s++;
		}
		*len = (size_t) (s - *start);
		*p = s + 1;
		return true;
	}
	*start = s;
	while (*s != '\0' && *s != ',' && *s != '}' && *s != ' ' && *s != '\n' &&
		   *s != '\t' && *s != '\r' && *s != '{' && *s != '[' && *s != '"')
		s++;
	*len = (size_t) (s - *start);
	*p = s;
	return *len > 0;
}

static bool
is_runarg(const char *key, size_t len)
{
	static const char *const names[] = {"workers", "batch_time_ms", "retries", "on_error"};
	size_t		i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i]) == len && memcmp(names[i], key, len) == 0)
			return true;
	return false;
}

CovetStatus
covet_op_runargs_read(const char *function, const char *args_json,
					  CovetOpRunArgs *ra, CovetError *err)
{
	const char *p = args_json;

	covet_op_runargs_default(ra);
	if (p == NULL)
		return COVET_OK;
	p = skip_blank(p);
	if (*p++ != '{')
		goto bad;
	p = skip_blank(p);
	if (*p == '}')
		return COVET_OK;
	for (;;)
	{
		const char *key,
				   *val;
		size_t		klen,
					vlen;
		bool		str;

		if (*p != '"' || !scan_value(&p, &key, &klen, &str))
			goto bad;
		p = skip_blank(p);
		if (*p++ != ':')
			goto bad;
		p = skip_blank(p);
		if (!scan_value(&p, &val, &vlen, &str))
			goto bad;
		if (is_runarg(key, klen))
		{
			char		name[16],
						text[64];
			bool		null = !str && vlen == 4 && memcmp(val, "null", 4) == 0;
			CovetStatus rc;

			memcpy(name, key, klen);
			name[klen] = '\0';
			if (vlen >= sizeof(text))
				vlen = sizeof(text) - 1;
			memcpy(text, val, vlen);
			text[vlen] = '\0';
			if ((rc = covet_op_runarg_set(function, name, null ? NULL : text, ra, err)) != COVET_OK)
				return rc;
		}
		p = skip_blank(p);
		if (*p == '}')
			return COVET_OK;
		if (*p++ != ',')
			goto bad;
		p = skip_blank(p);
	}
bad:
	covet_error_set(err, COVET_ERR_STATE, "its arguments (runs.args) are not the JSON object covet writes");
	covet_error_detail(err, "runs.args reads: %.200s", args_json);
	return COVET_ERR_STATE;
}

/* --- what each form can do ------------------------------------------------ */

CovetStatus
covet_op_check_workers(CovetEngine engine, const char *function, bool background,
					   int workers, CovetError *err)
{
	if (workers <= 1)
		return COVET_OK;
	if (engine == COVET_ENGINE_SQLITE)
	{
		covet_error_set(err, COVET_ERR_INVALID, "workers > 1 is not supported on SQLite");
		covet_error_detail(err, "SQLite has no parallel writers: %s carries a run out with one worker.",
						   function);
		covet_error_hint(err, "Leave workers out: it defaults to 1.");
	}
	else if (!background)
	{
		size_t		len = strlen(function);
		int			oplen = (int) len;

		if (len > 7 && strcmp(function + len - 7, "_commit") == 0)
			oplen -= 7;
		covet_error_set(err, COVET_ERR_INVALID, "workers > 1 needs %.*s_background",
						oplen, function);
		covet_error_detail(err, "%s carries a run out in the calling session, with one worker.",
						   function);
		covet_error_hint(err, "Call %.*s_background with the same arguments, or pass workers => 1.",
						 oplen, function);
	}
	else
		return COVET_OK;
	memcpy(err->sqlstate, "0A000", 6);
	return COVET_ERR_INVALID;
}
