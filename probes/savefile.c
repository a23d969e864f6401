/*
 * A classic pcap file is a 24-byte header and records of a 16-byte header
 * and the captured bytes. The file is read in blocks of up to BLOCK bytes;
 * a record is handed out where it lies in the block, and the unread tail
 * of a block moves to its front before the next read. What this module
 * leaves to libpcap goes there through a stream that first gives back the
 * bytes already read (fopencookie), so that nothing needs a seek.
 *
 * What libpcap 1.10 does with a record, and so this module: a captured
 * length above MAX_CAPLEN is an error; above the header's snapshot length
 * (0 or above INT_MAX stand for MAX_CAPLEN) the record is read whole and
 * its first snapshot bytes are the frame; the seconds are a signed 32-bit
 * number; the wire length is taken as written.
 */
#include "probes/savefile.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/util.h"

#define BLOCK (1u << 20)
#define FILE_HEADER 24
#define RECORD_HEADER 16
#define MAX_CAPLEN 262144u /* libpcap's MAXIMUM_SNAPLEN */
#define MAGIC_US 0xa1b2c3d4u
#define MAGIC_NS 0xa1b23c4du
#define LINKTYPE_ETHERNET 1u
#define LINKTYPE_MASK 0x03ffffffu /* the rest says how FCS are kept */

/* The bytes read and not yet handed out are buf[start, end); buf[start]
 * is at file offset offset. */
struct savefile {
	int fd; /* -1 once a stream took it */
	char *name;
	uint8_t *buf;
	size_t start, end;
	uint64_t offset;
	bool ours, swapped, eof, failed;
	uint32_t snapshot;
	uint32_t fast_caplen; /* up to which a record needs no check */
	char error[512];
};

static uint32_t
get32(const uint8_t *p, bool swapped)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return swapped ? __builtin_bswap32(v) : v;
}

static uint16_t
get16(const uint8_t *p, bool swapped)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return swapped ? __builtin_bswap16(v) : v;
}

/* Read until need bytes (at most a record) are unread, the file ends or
 * reading fails (-1, message set). The unread bytes, fewer than need,
 * move to the front first, so that each read fills most of the block. */
static int
fill(struct savefile *sf, size_t need)
{
	if (sf->end - sf->start >= need)
		return 0;
	memmove(sf->buf, sf->buf + sf->start, sf->end - sf->start);
	sf->end -= sf->start;
	sf->start = 0;
	while (sf->end - sf->start < need && !sf->eof) {
		ssize_t n = read(sf->fd, sf->buf + sf->end, BLOCK - sf->end);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(sf->error, sizeof(sf->error),
			    "%s: read error at offset %llu: %s", sf->name,
			    (unsigned long long)(sf->offset + sf->end -
				sf->start),
			    strerror(errno));
			return -1;
		}
		if (n == 0)
			sf->eof = true;
		sf->end += (size_t)n;
	}
	return 0;
}

/* Whether the file header is one this module reads as libpcap would. */
static bool
header_ours(struct savefile *sf)
{
	const uint8_t *h = sf->buf;
	uint32_t magic, snaplen;

	if (sf->end < FILE_HEADER)
		return false;
	memcpy(&magic, h, sizeof(magic));
	if (magic != MAGIC_US && magic != MAGIC_NS) {
		magic = __builtin_bswap32(magic);
		if (magic != MAGIC_US && magic != MAGIC_NS)
			return false;
		sf->swapped = true;
	}
	/* Version 2.4 only: older ones may swap the two lengths. */
	if (get16(h + 4, sf->swapped) != 2 || get16(h + 6, sf->swapped) != 4 ||
	    (get32(h + 20, sf->swapped) & LINKTYPE_MASK) != LINKTYPE_ETHERNET)
		return false;
	snaplen = get32(h + 16, sf->swapped);
	sf->snapshot = snaplen == 0 || snaplen > INT_MAX ? MAX_CAPLEN : snaplen;
	sf->fast_caplen = sf->snapshot < MAX_CAPLEN ? sf->snapshot : MAX_CAPLEN;
	return true;
}

struct savefile *
savefile_open(int fd, const char *name, char *err, size_t errlen)
{
	struct savefile *sf = xcalloc(1, sizeof(*sf));

	sf->fd = fd;
	sf->name = xstrdup(name);
	sf->buf = xmalloc(BLOCK);
	if (fill(sf, FILE_HEADER) < 0) {
		str_copy(err, sf->error, errlen);
		savefile_free(sf);
		return NULL;
	}
	sf->ours = header_ours(sf);
	if (sf->ours) {
		sf->start = FILE_HEADER;
		sf->offset = FILE_HEADER;
	}
	return sf;
}

bool
savefile_ours(const struct savefile *sf)
{
	return sf->ours;
}

uint32_t
savefile_snapshot(const struct savefile *sf)
{
	return sf->snapshot;
}

/* The stream handed to libpcap: first the bytes read, then the fd. */
static ssize_t
replay_read(void *cookie, char *out, size_t size)
{
	struct savefile *sf = cookie;
	ssize_t n;

	if (sf->start < sf->end) {
		size_t k = sf->end - sf->start;

		if (k > size)
			k = size;
		memcpy(out, sf->buf + sf->start, k);
		sf->start += k;
		sf->offset += k;
		return (ssize_t)k;
	}
	do
		n = read(sf->fd, out, size);
	while (n < 0 && errno == EINTR);
	if (n > 0)
		sf->offset += (uint64_t)n;
	return n;
}

/* ftell asks where the stream is: the bytes it took so far. */
static int
replay_seek(void *cookie, off64_t *pos, int whence)
{
	struct savefile *sf = cookie;

	if (whence != SEEK_CUR || *pos != 0) {
		errno = ESPIPE;
		return -1;
	}
	*pos = (off64_t)sf->offset;
	return 0;
}

static int
replay_close(void *cookie)
{
	struct savefile *sf = cookie;
	int rc = sf->fd >= 0 ? close(sf->fd) : 0;

	sf->fd = -1;
	return rc;
}

FILE *
savefile_stream(struct savefile *sf)
{
	cookie_io_functions_t io = { replay_read, NULL, replay_seek,
		replay_close };

	return fopencookie(sf, "rb", io);
}

static int
fail(struct savefile *sf)
{
	sf->failed = true;
	return -1;
}

/* The record at buf[start], whole in the buffer and checked, as f. */
static int
take(struct savefile *sf, uint32_t caplen, struct savefile_frame *f)
{
	const uint8_t *h = sf->buf + sf->start;

	f->bytes = h + RECORD_HEADER;
	f->caplen = caplen > sf->snapshot ? sf->snapshot : caplen;
	f->wirelen = get32(h + 12, sf->swapped);
	f->ts_sec = (int32_t)get32(h, sf->swapped);
	sf->start += RECORD_HEADER + (size_t)caplen;
	sf->offset += RECORD_HEADER + (uint64_t)caplen;
	return 1;
}

/* The next record when it is not whole in the buffer, or bad. */
static int
next_slow(struct savefile *sf, struct savefile_frame *f)
{
	const uint8_t *h;
	uint32_t caplen;
	size_t have;

	if (sf->failed)
		return -1;
	if (fill(sf, RECORD_HEADER) < 0)
		return fail(sf);
	have = sf->end - sf->start;
	if (have == 0)
		return 0;
	if (have < RECORD_HEADER) {
		snprintf(sf->error, sizeof(sf->error),
		    "%s: truncated record at offset %llu: %zu of %d header "
		    "bytes",
		    sf->name, (unsigned long long)sf->offset, have,
		    RECORD_HEADER);
		return fail(sf);
	}
	h = sf->buf + sf->start;
	caplen = get32(h + 8, sf->swapped);
	if (caplen > MAX_CAPLEN) {
		snprintf(sf->error, sizeof(sf->error),
		    "%s: bad record at offset %llu: captured length %u is "
		    "larger than %u",
		    sf->name, (unsigned long long)sf->offset, caplen,
		    caplen > sf->snapshot ? sf->snapshot : MAX_CAPLEN);
		return fail(sf);
	}
	if (fill(sf, RECORD_HEADER + (size_t)caplen) < 0)
		return fail(sf);
	have = sf->end - sf->start;
	if (have < RECORD_HEADER + (size_t)caplen) {
		snprintf(sf->error, sizeof(sf->error),
		    "%s: truncated record at offset %llu: %zu of %u captured "
		    "bytes",
		    sf->name, (unsigned long long)sf->offset,
		    have - RECORD_HEADER, caplen);
		return fail(sf);
	}
	return take(sf, caplen, f);
}

int
savefile_next(struct savefile *sf, struct savefile_frame *f)
{
	size_t have = sf->end - sf->start;
	uint32_t caplen;

	/* Most records: whole in the buffer, no longer than the snapshot. */
	if (have >= RECORD_HEADER && !sf->failed) {
		caplen = get32(sf->buf + sf->start + 8, sf->swapped);
		if (caplen <= sf->fast_caplen &&
		    have - RECORD_HEADER >= (size_t)caplen)
			return take(sf, caplen, f);
	}
	return next_slow(sf, f);
}

const char *
savefile_error(const struct savefile *sf)
{
	return sf->error;
}

uint64_t
savefile_offset(const struct savefile *sf)
{
	return sf->offset;
}

void
savefile_free(struct savefile *sf)
{
	if (sf == NULL)
		return;
	if (sf->fd >= 0)
		close(sf->fd);
	free(sf->buf);
	free(sf->name);
	free(sf);
}
