/*
 * Classic pcap files of Ethernet frames read in large blocks, frames
 * handed out of the block in place: libpcap reads a file with two freads
 * a frame. Anything else (pcapng, other versions, other link types) is
 * told apart from the file header, and the stream is handed on with the
 * bytes already read put back in front, so that libpcap reads it whole,
 * from pipes and FIFOs too. The frames, their lengths and times are
 * exactly libpcap's; a broken record is an error naming its offset.
 */
#ifndef VRAUDIT_SAVEFILE_H
#define VRAUDIT_SAVEFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct savefile;

/* One record: caplen bytes at bytes, wirelen were on the wire. */
struct savefile_frame {
	const uint8_t *bytes; /* valid until the next savefile_next */
	uint32_t caplen;
	uint32_t wirelen;
	int64_t ts_sec;
};

/* Start reading fd (taken: closed by savefile_free or the stream); name
 * for messages. NULL on a read error (message in err), else a reader:
 * check savefile_ours. */
struct savefile *savefile_open(int fd, const char *name, char *err,
    size_t errlen);
/* Whether the file is one this module reads (else use savefile_stream). */
bool savefile_ours(const struct savefile *sf);
/* The file as a stream from its first byte, for libpcap, when it is not
 * ours; the stream owns the fd from then on; NULL on out of memory. */
FILE *savefile_stream(struct savefile *sf);
/* The snapshot length libpcap takes from the header (ours only). */
uint32_t savefile_snapshot(const struct savefile *sf);
/* The next frame: 1, 0 at the end of the file, -1 on error (see
 * savefile_error); after an error, only errors. */
int savefile_next(struct savefile *sf, struct savefile_frame *f);
/* The last error, naming the file and the record's offset. */
const char *savefile_error(const struct savefile *sf);
/* Bytes consumed so far (the file's read position for progress). */
uint64_t savefile_offset(const struct savefile *sf);
/* Close the fd unless a stream took it, release. NULL is fine. */
void savefile_free(struct savefile *sf);

#endif
