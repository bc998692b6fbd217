/*-------------------------------------------------------------------------
 *
 * seed_json.c
 *		A small JSON reader for covet_seed's spec argument.
 *
 * The spec is a JSON object of columns; its values are strings, null,
 * numbers, booleans, arrays and objects of those.  Numbers are kept as
 * their text (the generators parse them exactly, without floating point).
 * Everything is allocated from the caller's CovetMem and freed by
 * covet_json_free; a syntax error names the character where it is.
 *
 *-------------------------------------------------------------------------
 */
#include "covet.h"
#include "seed_json.h"

#include <string.h>

typedef struct Parser
{
	CovetMem   *mem;
	const char *start;
	const char *p;
	int			depth;
	CovetError *err;
} Parser;

static CovetStatus
syntax(Parser *ps, const char *what)
{
	covet_error_set(ps->err, COVET_ERR_INVALID, "invalid spec: %s at character %d",
					what, (int) (ps->p - ps->start) + 1);
	covet_error_hint(ps->err, "The spec is a JSON object, e.g. {\"email\": \"email\", \"age\": \"int(18, 90)\"}.");
	return COVET_ERR_INVALID;
}

static void
skip_ws(Parser *ps)
{
	while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r')
		ps->p++;
}

static CovetStatus
parse_string(Parser *ps, char **out)
{
	CovetBuf	b;
	const char *why;

	covet_buf_init(&b, ps->mem);
	if (!covet_json_read_string(&b, &ps->p, &why))
	{
		bool		oom = b.failed;	/* first: the string may look bad after it */

		covet_buf_free(&b);
		if (oom)
			return covet_error_set(ps->err, COVET_ERR_NOMEM, "out of memory");
		return syntax(ps, why);
	}
	return covet_buf_finish(&b, out, ps->err);
}

static CovetStatus parse_value(Parser *ps, CovetJson **out);

static CovetStatus
add_item(Parser *ps, CovetJson *j, char *key, CovetJson *item)
{
	if (j->n == j->cap)
	{
		int			cap = j->cap ? j->cap * 2 : 4;
		CovetJson **items = covet_alloc(ps->mem, sizeof(CovetJson *) * (size_t) cap);
		char	  **keys = covet_alloc(ps->mem, sizeof(char *) * (size_t) cap);

		if (items == NULL || keys == NULL)
		{
			covet_free(ps->mem, items);
			covet_free(ps->mem, keys);
			return covet_error_set(ps->err, COVET_ERR_NOMEM, "out of memory");
		}
		if (j->n > 0)
		{
			memcpy(items, j->items, sizeof(CovetJson *) * (size_t) j->n);
			memcpy(keys, j->keys, sizeof(char *) * (size_t) j->n);
		}
		covet_free(ps->mem, j->items);
		covet_free(ps->mem, j->keys);
		j->items = items;
		j->keys = keys;
		j->cap = cap;
	}
	j->keys[j->n] = key;
	j->items[j->n] = item;
	j->n++;
	return COVET_OK;
}

static CovetStatus
parse_container(Parser *ps, CovetJson *j)
{
	char		close = j->type == COVET_JSON_OBJECT ? '}' : ']';
	CovetStatus rc;

	if (++ps->depth > 32)
		return syntax(ps, "nesting too deep");
	ps->p++;
	skip_ws(ps);
	if (*ps->p == close)
	{
		ps->p++;
		ps->depth--;
		return COVET_OK;
	}
	for (;;)
	{
		char	   *key = NULL;
		CovetJson  *item = NULL;

		skip_ws(ps);
		if (j->type == COVET_JSON_OBJECT)
		{
			if (*ps->p != '"')
				return syntax(ps, "expected a string key");
			if ((rc = parse_string(ps, &key)) != COVET_OK)
				return rc;
			skip_ws(ps);
			if (*ps->p != ':')
			{
				covet_free(ps->mem, key);
				return syntax(ps, "expected \":\"");
			}
			ps->p++;
		}
		if ((rc = parse_value(ps, &item)) != COVET_OK ||
			(rc = add_item(ps, j, key, item)) != COVET_OK)
		{
			covet_free(ps->mem, key);
			covet_json_free(ps->mem, item);
			return rc;
		}
		skip_ws(ps);
		if (*ps->p == ',')
		{
			ps->p++;
			continue;
		}
		if (*ps->p == close)
		{
			ps->p++;
			ps->depth--;
			return COVET_OK;
		}
		return syntax(ps, j->type == COVET_JSON_OBJECT ? "expected \",\" or \"}\"" :
					  "expected \",\" or \"]\"");
	}
}

static CovetStatus
parse_value(Parser *ps, CovetJson **out)
{
	CovetJson  *j;
	CovetStatus rc = COVET_OK;

	*out = NULL;
	skip_ws(ps);
	if ((j = covet_alloc0(ps->mem, sizeof(*j))) == NULL)
		return covet_error_set(ps->err, COVET_ERR_NOMEM, "out of memory");
	switch (*ps->p)
	{
		case '{':
			j->type = COVET_JSON_OBJECT;
			rc = parse_container(ps, j);
			break;
		case '[':
			j->type = COVET_JSON_ARRAY;
			rc = parse_container(ps, j);
			break;
		case '"':
			j->type = COVET_JSON_STRING;
			rc = parse_string(ps, &j->text);
			break;
		default:
			if (strncmp(ps->p, "null", 4) == 0)
			{
				j->type = COVET_JSON_NULL;
				ps->p += 4;
			}
			else if (strncmp(ps->p, "true", 4) == 0)
			{
				j->type = COVET_JSON_BOOL;
				j->boolean = true;
				ps->p += 4;
			}
			else if (strncmp(ps->p, "false", 5) == 0)
			{
				j->type = COVET_JSON_BOOL;
				ps->p += 5;
			}
			else if (*ps->p == '-' || (*ps->p >= '0' && *ps->p <= '9'))
			{
				const char *s = ps->p;

				if (*ps->p == '-')
					ps->p++;
				if (!(*ps->p >= '0' && *ps->p <= '9'))
					rc = syntax(ps, "bad number");
				while (*ps->p >= '0' && *ps->p <= '9')
					ps->p++;
				if (rc == COVET_OK && *ps->p == '.')
				{
					ps->p++;
					if (!(*ps->p >= '0' && *ps->p <= '9'))
						rc = syntax(ps, "bad number");
					while (*ps->p >= '0' && *ps->p <= '9')
						ps->p++;
				}
				if (rc == COVET_OK && (*ps->p == 'e' || *ps->p == 'E'))
					rc = syntax(ps, "exponents are not supported in numbers");
				j->type = COVET_JSON_NUMBER;
				if (rc == COVET_OK &&
					(j->text = covet_strndup(ps->mem, s, (size_t) (ps->p - s))) == NULL)
					rc = covet_error_set(ps->err, COVET_ERR_NOMEM, "out of memory");
			}
			else
				rc = syntax(ps, *ps->p ? "unexpected character" : "unexpected end");
	}
	if (rc != COVET_OK)
	{
		covet_json_free(ps->mem, j);
		return rc;
	}
	*out = j;
	return COVET_OK;
}

CovetStatus
covet_json_parse(CovetMem *mem, const char *text, CovetJson **out, CovetError *err)
{
	Parser		ps = {mem, text, text, 0, err};
	CovetStatus rc;

	*out = NULL;
	if ((rc = parse_value(&ps, out)) != COVET_OK)
		return rc;
	skip_ws(&ps);
	if (*ps.p != '\0')
	{
		covet_json_free(mem, *out);
		*out = NULL;
		return syntax(&ps, "unexpected text after the JSON value");
	}
	return COVET_OK;
}

void
covet_json_free(CovetMem *mem, CovetJson *j)
{
	int			i;

	if (j == NULL)
		return;
	for (i = 0; i < j->n; i++)
	{
		if (j->keys != NULL)
			covet_free(mem, j->keys[i]);
		covet_json_free(mem, j->items[i]);
	}
	covet_free(mem, j->keys);
	covet_free(mem, j->items);
	covet_free(mem, j->text);
	covet_free(mem, j);
}
