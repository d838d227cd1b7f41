/*
 * buf.c - a growable byte buffer with a hard cap.
 *
 * `max` bounds the contents (len, not counting the terminating NUL), so a
 * caller can pass a response size limit straight through. A failed append leaves
 * the buffer exactly as it was, which lets a caller stop cleanly at the cap.
 */
#include "hearth/buf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MIN_ALLOC 64

void hearth_buf_init(struct hearth_buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->alloc = 0;
	b->max = max;
}

/* Make room for `n` more bytes plus the NUL. */
static int ensure(struct hearth_buf *b, size_t n)
{
	size_t need, cap;
	char *p;

	if (n > b->max || b->len > b->max - n)
		return -1;
	need = b->len + n + 1;
	if (need <= b->alloc)
		return 0;
	cap = b->alloc ? b->alloc : MIN_ALLOC;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	/* Never hold more than the cap allows. */
	if (b->max < SIZE_MAX && cap > b->max + 1)
		cap = b->max + 1;
	p = realloc(b->data, cap);
	if (!p)
		return -1;
	b->data = p;
	b->alloc = cap;
	return 0;
}

int hearth_buf_add(struct hearth_buf *b, const void *mem, size_t n)
{
	if (ensure(b, n) != 0)
		return -1;
	if (n)
		memcpy(b->data + b->len, mem, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int hearth_buf_addstr(struct hearth_buf *b, const char *s)
{
	return hearth_buf_add(b, s, strlen(s));
}

int hearth_buf_printf(struct hearth_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || ensure(b, (size_t)n) != 0)
		return -1;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

char *hearth_buf_take(struct hearth_buf *b, size_t *len_out)
{
	char *out = b->data;
	size_t len = b->len;

	if (!out) {
		out = calloc(1, 1);
		if (!out)
			return NULL;
		len = 0;
	}
	b->data = NULL;
	b->len = 0;
	b->alloc = 0;
	if (len_out)
		*len_out = len;
	return out;
}

void hearth_buf_reset(struct hearth_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

void hearth_buf_release(struct hearth_buf *b)
{
	if (!b)
		return;
	free(b->data);
	b->data = NULL;
	b->len = 0;
	b->alloc = 0;
}
