/* The bytes of the cache's entries (cachebytes.h). */
#include "config.h"

#include <string.h>

#include "cachebytes.h"

void
cb_put_bytes(struct cb_out *o, const void *p, size_t len)
{
	if (len == 0)
		return;
	if (o->failed || o->n + len > o->max || mr_grow(&o->v, &o->cap, o->n + len, 1) < 0) {
		o->failed = true;
		return;
	}
	memcpy(o->v + o->n, p, len);
	o->n += len;
}

void
cb_put_u(struct cb_out *o, uint64_t v)
{
	unsigned char b[10];
	size_t n = 0;

	do {
		b[n] = v & 0x7f;
		v >>= 7;
		b[n++] |= v ? 0x80 : 0;
	} while (v);
	cb_put_bytes(o, b, n);
}

void
cb_put_str(struct cb_out *o, const char *s)
{
	size_t len = s ? strlen(s) : 0;

	cb_put_u(o, s ? len + 1 : 0);
	cb_put_bytes(o, s, len);
}

void
cb_put_strvec(struct cb_out *o, const struct strvec *sv)
{
	cb_put_u(o, sv->n);
	for (size_t i = 0; i < sv->n; i++)
		cb_put_str(o, sv->v[i]);
}

uint64_t
cb_get_u(struct cb_in *in, uint64_t max)
{
	uint64_t v = 0;

	for (int shift = 0; !in->bad && in->p < in->end && shift < 64; shift += 7) {
		unsigned char b = *in->p++;

		if ((shift == 63 && b > 1) || (shift > 0 && b == 0))
			break;          /* overflows, or is not the shortest form */
		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return v <= max ? v : (in->bad = true, 0);
	}
	in->bad = true;
	return 0;
}

void
cb_le32_put(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

void
cb_le64_put(unsigned char *p, uint64_t v)
{
	cb_le32_put(p, (uint32_t)v);
	cb_le32_put(p + 4, (uint32_t)(v >> 32));
}

uint32_t
cb_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

uint64_t
cb_le64(const unsigned char *p)
{
	return cb_le32(p) | (uint64_t)cb_le32(p + 4) << 32;
}
