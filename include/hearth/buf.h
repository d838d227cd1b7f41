/*
 * buf.h - a growable byte buffer with a hard cap (after curl's dynbuf).
 *
 * Invariants: `data` is NUL-terminated whenever it is non-NULL; `len` < `alloc`;
 * the buffer never grows past `max`. Ownership: the buffer owns `data` until
 * hearth_buf_take() moves it to the caller.
 */
#ifndef HEARTH_BUF_H
#define HEARTH_BUF_H

#include <stddef.h>

struct hearth_buf {
	char *data;
	size_t len;
	size_t alloc;
	size_t max;
};

#define HEARTH_BUF_INIT(maxbytes) { NULL, 0, 0, (maxbytes) }

void hearth_buf_init(struct hearth_buf *b, size_t max);
/* Append bytes. Returns 0, or -1 when the cap would be exceeded or memory runs out
 * (the buffer is then left as it was). */
__attribute__((warn_unused_result))
int hearth_buf_add(struct hearth_buf *b, const void *mem, size_t n);
__attribute__((warn_unused_result))
int hearth_buf_addstr(struct hearth_buf *b, const char *s);
__attribute__((warn_unused_result, format(printf, 2, 3)))
int hearth_buf_printf(struct hearth_buf *b, const char *fmt, ...);
/* Hand the NUL-terminated contents to the caller (free() them); the buffer is
 * reset to empty. Returns an empty allocated string for an empty buffer, NULL on
 * allocation failure. */
char *hearth_buf_take(struct hearth_buf *b, size_t *len_out);
/* Empty the buffer, keeping its allocation. */
void hearth_buf_reset(struct hearth_buf *b);
/* Free the contents; the buffer is empty and reusable. NULL is a no-op. */
void hearth_buf_release(struct hearth_buf *b);

#endif
