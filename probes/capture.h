/*
 * Packet sources: live interfaces and capture files (pcap and pcapng)
 * through one code path. Live handles are non-blocking with a selectable
 * fd for the daemon's poll loop; every read is bounded in frames.
 */
#ifndef VRAUDIT_CAPTURE_H
#define VRAUDIT_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct capture;

/* Called for every frame: caplen bytes are available, wirelen were on the wire. */
typedef void (*capture_frame_fn)(void *ctx, const uint8_t *bytes, size_t caplen,
    size_t wirelen, int64_t ts_sec);

/* Counters since the previous capture_stats call (drops from pcap_stats). */
struct capture_stats {
	uint64_t frames;    /* frames handed to the callback */
	uint64_t bytes;     /* their captured bytes */
	uint64_t dropped;   /* dropped by the kernel: buffer full */
	uint64_t ifdropped; /* dropped by the interface or its driver */
};

#define CAPTURE_SNAPLEN 9216               /* jumbo frames whole */
#define CAPTURE_BUFFER (32u << 20)         /* kernel ring: 32 MiB by default */
#define CAPTURE_CONTROL_BUFFER (16u << 20) /* the control path's ring */
#define CAPTURE_TIMEOUT_MS 250
#define CAPTURE_FILE_BUFFER (1u << 20) /* stdio buffer of a capture file */

/*
 * A live interface is read on two paths, two handles on the same
 * interface: the MAC path takes every frame the user filter passes; the
 * control path takes, through a kernel filter, only the frames that
 * identify a device (LLDP, CDP, ARP, DHCP and the payloads the passive
 * fingerprints read), few enough that its ring never fills while the MAC
 * path's may. A control frame thus arrives twice when neither path drops
 * it; the second copy tells the MAC table nothing new. CAPTURE_ALL and
 * CAPTURE_MAC open the same handle (files use CAPTURE_ALL).
 */
enum capture_path {
	CAPTURE_ALL,
	CAPTURE_CONTROL,
	CAPTURE_MAC,
};

enum {
	CAPTURE_EOF = -2, /* capture_dispatch: a file has no more frames */
	CAPTURE_ERROR = -1,
};

/* Open interface iface for live capture with an optional BPF filter, the
 * frames of path among those it passes, a kernel ring of buffer bytes (0:
 * the path's default); NULL on error. */
struct capture *capture_open_live(const char *iface, const char *filter,
    enum capture_path path, size_t buffer, char *err, size_t errlen);
/* The kernel filter of path for a user filter ("" or NULL: none), as
 * pcap-filter(7) text (allocated): the user's for CAPTURE_ALL and
 * CAPTURE_MAC, the control frames for CAPTURE_CONTROL, whose handle then
 * applies the user's filter in user space. */
char *capture_path_filter(const char *filter, enum capture_path path);
/* Open a pcap or pcapng file with an optional BPF filter; NULL on error (named). */
struct capture *capture_open_file(const char *path, const char *filter,
    char *err, size_t errlen);
/* The fd to poll for readability (live), or -1 (files). */
int capture_fd(const struct capture *c);
/* Hand at most max frames to fn; the count, 0 when none is waiting, CAPTURE_EOF or CAPTURE_ERROR. */
int capture_dispatch(struct capture *c, int max, capture_frame_fn fn,
    void *ctx);
/* Counters since the last call; drops only for live captures. 0 or -1. */
int capture_stats(struct capture *c, struct capture_stats *delta);
/* The last error, naming the interface or file. */
const char *capture_error(const struct capture *c);
/* The interface or file name. */
const char *capture_name(const struct capture *c);
/* Bytes read so far from a file and its size, for progress; -1 for live. */
int capture_progress(const struct capture *c, uint64_t *done, uint64_t *total);
/* Close the handle. NULL is fine. */
void capture_close(struct capture *c);

#endif
