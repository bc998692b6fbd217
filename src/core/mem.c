/*-------------------------------------------------------------------------
 *
 * mem.c
 *		Allocation through the binding's allocator, and CovetBuf.
 *
 * The core never calls malloc: every byte comes from CovetMem, so the
 * binding can release everything a call made even when the engine
 * long-jumps past the core.  CovetBuf remembers a failed allocation and
 * reports it once, in covet_buf_finish, which keeps call sites short.
 *
 *-------------------------------------------------------------------------
 */
#include "covet.h"

#include <stdio.h>
#include <string.h>

void *
covet_alloc(CovetMem *mem, size_t size)
{
	return mem->alloc(mem->ctx, size == 0 ? 1 : size);
}

void *
covet_alloc0(CovetMem *mem, size_t size)
{
	void	   *p = covet_alloc(mem, size);

	if (p != NULL)
		memset(p, 0, size == 0 ? 1 : size);
	return p;
}

void
covet_free(CovetMem *mem, void *ptr)
{
	if (ptr != NULL)
		mem->free(mem->ctx, ptr);
}

char *
covet_strndup(CovetMem *mem, const char *s, size_t n)
{
	char	   *p = covet_alloc(mem, n + 1);

	if (p == NULL)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
covet_strdup(CovetMem *mem, const char *s)
{
	return covet_strndup(mem, s, strlen(s));
}

void
covet_buf_init(CovetBuf *buf, CovetMem *mem)
{
	buf->mem = mem;
	buf->data = NULL;
	buf->len = 0;
	buf->cap = 0;
	buf->failed = false;
}

static bool
buf_reserve(CovetBuf *buf, size_t extra)
{
	size_t		need;
	size_t		cap;
	char	   *p;

	if (buf->failed)
		return false;
	need = buf->len + extra + 1;
	if (need <= buf->cap)
		return true;
	cap = buf->cap ? buf->cap : 256;
	while (cap < need)
		cap *= 2;
	p = covet_alloc(buf->mem, cap);
	if (p == NULL)
	{
		buf->failed = true;
		return false;
	}
	if (buf->data != NULL)
	{
		memcpy(p, buf->data, buf->len);
		covet_free(buf->mem, buf->data);
	}
	buf->data = p;
	buf->cap = cap;
	buf->data[buf->len] = '\0';
	return true;
}

void
covet_buf_appendn(CovetBuf *buf, const char *s, size_t n)
{
	if (!buf_reserve(buf, n))
		return;
	memcpy(buf->data + buf->len, s, n);
	buf->len += n;
	buf->data[buf->len] = '\0';
}

void
covet_buf_append(CovetBuf *buf, const char *s)
{
	covet_buf_appendn(buf, s, strlen(s));
}

void
covet_buf_appendc(CovetBuf *buf, char c)
{
	covet_buf_appendn(buf, &c, 1);
}

void
covet_buf_appendf(CovetBuf *buf, const char *fmt,...)
{
	va_list		ap;
	int			n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
	{
		buf->failed = true;
		return;
	}
	if (!buf_reserve(buf, (size_t) n))
		return;
	va_start(ap, fmt);
	vsnprintf(buf->data + buf->len, (size_t) n + 1, fmt, ap);
	va_end(ap);
	buf->len += (size_t) n;
}

void
covet_buf_reset(CovetBuf *buf)
{
	buf->len = 0;
	if (buf->data != NULL)
		buf->data[0] = '\0';
}

CovetStatus
covet_buf_finish(CovetBuf *buf, char **out, CovetError *err)
{
	if (buf->failed || !buf_reserve(buf, 0))
	{
		covet_buf_free(buf);
		return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
	}
	*out = buf->data;
	buf->data = NULL;
	buf->len = 0;
	buf->cap = 0;
	return COVET_OK;
}

void
covet_buf_free(CovetBuf *buf)
{
	covet_free(buf->mem, buf->data);
	buf->data = NULL;
	buf->len = 0;
	buf->cap = 0;
	buf->failed = false;
}
