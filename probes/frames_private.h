/*
 * What the frame decoders (probes/frames*.c) share and nothing else uses:
 * big-endian reads and views into the captured bytes. Every caller has
 * checked the length before it reads.
 */
#ifndef VRAUDIT_FRAMES_PRIVATE_H
#define VRAUDIT_FRAMES_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

#include "probes/frames.h"

static inline uint16_t
frames_get16(const uint8_t *p)
{
	return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

static inline uint32_t
frames_get24(const uint8_t *p)
{
	return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
}

static inline uint32_t
frames_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static inline struct frames_str
frames_view(const uint8_t *p, size_t len)
{
	struct frames_str s = { p, len };

	return s;
}

/* Keep the first problem seen; later ones are usually its consequences. */
static inline void
frames_note(int *reason, int r)
{
	if (*reason == FRAMES_OK)
		*reason = r;
}

#endif
