/*
 * libpcap handles for live interfaces and capture files. Live handles use
 * pcap_create with a large ring and a snap length that keeps jumbo frames
 * whole, are non-blocking, and are read with a bounded pcap_dispatch.
 * pcap_stats counters are cumulative; this module reports deltas.
 */
#include "probes/capture.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "common/util.h"
#include "probes/savefile.h"

struct capture {
	pcap_t *p;
	char *name;
	bool live;
	struct savefile *sf; /* a file's reader; its stream libpcap's */
	FILE *file;          /* libpcap's stream, for progress */
	uint64_t size;       /* file size in bytes */
	char error[PCAP_ERRBUF_SIZE + 256];
	uint64_t frames, bytes;
	uint64_t frames_told, bytes_told;
	unsigned last_drop, last_ifdrop;
	capture_frame_fn fn;
	void *ctx;
	/* The control path: the user's filter, run in user space on the
	 * frames the kernel's control filter passed; and a file's filter
	 * when savefile reads it. */
	struct bpf_program user;
	bool has_user;
	uint64_t filtered; /* frames it refused */
};

/*
 * The control frames, untagged: LLDP, CDP (to Cisco's multicast address,
 * whatever else goes there, or in SNAP to any address), ARP, DHCP, mDNS,
 * and the UDP and TCP payloads frames_udp_payload and frames_tcp_payload
 * name (SSDP, HTTP, UPnP descriptions, SSH banners, TLS handshakes), over
 * IPv4 or IPv6. A
 * load past a frame's end fails the filter: such a frame stays on the MAC
 * path only. tests/fuzz/fuzz_control.c holds the filter to the decoders.
 */
#define TCP4 "tcp[((tcp[12] & 0xf0) >> 2)"
#define TCP6 "ip6[40 + ((ip6[52] & 0xf0) >> 2)"
#define PAYLOAD(at)                                                            \
	"(" at ":4] = 0x5353482d or " at ":4] = 0x48545450 or " at             \
	":4] = 0x3c3f786d or (" at "] = 0x16 and " at " + 1] = 3 and " at      \
	" + 2] <= 3))"
#define CONTROL                                                                \
	"(ether proto 0x88cc or ether dst 01:00:0c:cc:cc:cc or arp or "        \
	"(ether[12:2] <= 1500 and ether[14:4] = 0xaaaa0300 and "               \
	"ether[18:4] = 0x000c2000) or "                                        \
	"(udp and (port 67 or port 68 or port 5353)) or "                      \
	"(ip and udp and (udp[8:4] = 0x48545450 or udp[8:4] = 0x4e4f5449)) "   \
	"or (ip6 and ip6[6] = 17 and "                                         \
	"(ip6[48:4] = 0x48545450 or ip6[48:4] = 0x4e4f5449)) or "              \
	"(ip and tcp and " PAYLOAD(                                            \
	    TCP4) ") or (ip6 and ip6[6] = 6 and " PAYLOAD(TCP6) "))"

char *
capture_path_filter(const char *filter, enum capture_path path)
{
	bool user = filter != NULL && *filter != '\0';

	if (path != CAPTURE_CONTROL)
		return xstrdup(user ? filter : "");
	/* The first vlan keyword moves the offsets of all that follows: a
	 * user filter would move them for the control filter (a "not vlan"
	 * as much as a "vlan 100"). It runs in user space instead. */
	return xstrdup(CONTROL " or (vlan and " CONTROL ")");
}

/* The user's filter for the control path, compiled for user space, where
 * libpcap has put any VLAN tag the kernel took off back in the frame. */
static int
set_user_filter(struct capture *c, const char *filter, char *err, size_t errlen)
{
	pcap_t *dead;
	int rc = 0;

	if (filter == NULL || *filter == '\0')
		return 0;
	dead = pcap_open_dead(DLT_EN10MB, CAPTURE_SNAPLEN);
	if (dead == NULL) {
		snprintf(err, errlen, "%s: out of memory", c->name);
		return -1;
	}
	if (pcap_compile(dead, &c->user, filter, 1, PCAP_NETMASK_UNKNOWN) < 0) {
		snprintf(err, errlen, "%s: filter '%s': %s", c->name, filter,
		    pcap_geterr(dead));
		rc = -1;
	} else
		c->has_user = true;
	pcap_close(dead);
	return rc;
}

static int
set_filter(struct capture *c, const char *filter, enum capture_path path,
    char *err, size_t errlen)
{
	struct bpf_program prog;
	char *text = capture_path_filter(filter, path);
	int rc = -1;

	if (*text == '\0') {
		free(text);
		return 0;
	}
	if (pcap_compile(c->p, &prog, text, 1, PCAP_NETMASK_UNKNOWN) == 0) {
		rc = pcap_setfilter(c->p, &prog) == 0 ? 0 : -1;
		pcap_freecode(&prog);
	}
	if (rc < 0)
		snprintf(err, errlen, "%s: filter '%s'%s: %s", c->name,
		    filter != NULL ? filter : "",
		    path == CAPTURE_CONTROL ? " (control path)" : "",
		    pcap_geterr(c->p));
	free(text);
	return rc;
}

static int
check_linktype(struct capture *c, char *err, size_t errlen)
{
	int dlt = pcap_datalink(c->p);

	if (dlt == DLT_EN10MB)
		return 0;
	snprintf(err, errlen, "%s: link type %s (%s) is not Ethernet", c->name,
	    pcap_datalink_val_to_name(dlt) ? pcap_datalink_val_to_name(dlt)
					   : "?",
	    pcap_datalink_val_to_description(dlt)
		? pcap_datalink_val_to_description(dlt)
		: "unknown");
	return -1;
}

struct capture *
capture_open_live(const char *iface, const char *filter, enum capture_path path,
    size_t buffer, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	struct capture *c = xcalloc(1, sizeof(*c));
	int rc;

	if (buffer == 0)
		buffer = path == CAPTURE_CONTROL ? CAPTURE_CONTROL_BUFFER
						 : CAPTURE_BUFFER;
	if (buffer > INT_MAX)
		buffer = INT_MAX; /* what libpcap takes */
	c->name = xstrdup(iface);
	c->live = true;
	c->p = pcap_create(iface, ebuf);
	if (c->p == NULL) {
		snprintf(err, errlen, "%s: %s", iface, ebuf);
		goto fail;
	}
	if (pcap_set_snaplen(c->p, CAPTURE_SNAPLEN) != 0 ||
	    pcap_set_promisc(c->p, 1) != 0 ||
	    pcap_set_timeout(c->p, CAPTURE_TIMEOUT_MS) != 0 ||
	    pcap_set_buffer_size(c->p, (int)buffer) != 0) {
		snprintf(err, errlen, "%s: cannot set capture parameters",
		    iface);
		goto fail;
	}
	rc = pcap_activate(c->p);
	if (rc < 0) {
		snprintf(err, errlen, "%s: %s%s%s", iface, pcap_statustostr(rc),
		    rc == PCAP_ERROR || rc == PCAP_ERROR_NO_SUCH_DEVICE ||
			    rc == PCAP_ERROR_PERM_DENIED
			? ": "
			: "",
		    rc == PCAP_ERROR || rc == PCAP_ERROR_NO_SUCH_DEVICE ||
			    rc == PCAP_ERROR_PERM_DENIED
			? pcap_geterr(c->p)
			: "");
		goto fail;
	}
	if (rc > 0)
		log_warnx("capture", "%s: %s: %s", iface, pcap_statustostr(rc),
		    pcap_geterr(c->p));
	if (check_linktype(c, err, errlen) < 0 ||
	    set_filter(c, filter, path, err, errlen) < 0 ||
	    (path == CAPTURE_CONTROL &&
		set_user_filter(c, filter, err, errlen) < 0))
		goto fail;
	if (pcap_setnonblock(c->p, 1, ebuf) < 0) {
		snprintf(err, errlen, "%s: %s", iface, ebuf);
		goto fail;
	}
	if (pcap_get_selectable_fd(c->p) < 0) {
		snprintf(err, errlen, "%s: no selectable file descriptor",
		    iface);
		goto fail;
	}
	return c;
fail:
	capture_close(c);
	return NULL;
}

struct capture *
capture_open_file(const char *path, const char *filter, char *err,
    size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	struct capture *c = xcalloc(1, sizeof(*c));
	struct stat st;
	FILE *f;
	int fd;

	c->name = xstrdup(path);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (fstat(fd, &st) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		goto fail;
	}
	c->size = (uint64_t)st.st_size;
	if (S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: is a directory", path);
		close(fd);
		goto fail;
	}
	/* Classic pcap of Ethernet frames is read here, in large blocks;
	 * the rest by libpcap. */
	if ((c->sf = savefile_open(fd, path, err, errlen)) == NULL)
		goto fail;
	if (savefile_ours(c->sf)) {
		if (set_user_filter(c, filter, err, errlen) < 0)
			goto fail;
		return c;
	}
	if ((f = savefile_stream(c->sf)) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	/* One thread reads the stream: no lock around each of libpcap's
	 * two freads a frame. */
	__fsetlocking(f, FSETLOCKING_BYCALLER);
	/* Large reads: a few hundred system calls for a gigabyte, not a
	 * quarter of a million of stdio's page-sized ones. */
	setvbuf(f, NULL, _IOFBF, CAPTURE_FILE_BUFFER);
	/* pcap_fopen_offline takes the stream and closes it with the handle. */
	c->p = pcap_fopen_offline(f, ebuf);
	if (c->p == NULL) {
		snprintf(err, errlen, "%s: not a capture file (%s)", path,
		    ebuf);
		fclose(f);
		goto fail;
	}
	c->file = f;
	if (check_linktype(c, err, errlen) < 0 ||
	    set_filter(c, filter, CAPTURE_ALL, err, errlen) < 0)
		goto fail;
	return c;
fail:
	capture_close(c);
	return NULL;
}

int
capture_fd(const struct capture *c)
{
	return c->live ? pcap_get_selectable_fd(c->p) : -1;
}

static void
on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct capture *c = (void *)user;
	size_t caplen = h->caplen;

	if (c->has_user && pcap_offline_filter(&c->user, h, bytes) == 0) {
		c->filtered++;
		return;
	}
	/* A corrupt file can claim more captured than wire bytes; trust caplen only. */
	c->frames++;
	c->bytes += caplen;
	c->fn(c->ctx, bytes, caplen, h->len, (int64_t)h->ts.tv_sec);
}

/* A file savefile reads: as pcap_dispatch would, max counts the frames
 * the filter passes. */
static int
dispatch_savefile(struct capture *c, int max, capture_frame_fn fn, void *ctx)
{
	struct savefile_frame f;
	int n = 0, rc = 1;

	while (n < max && (rc = savefile_next(c->sf, &f)) == 1) {
		if (c->has_user) {
			struct pcap_pkthdr h = { .caplen = f.caplen,
				.len = f.wirelen };

			if (pcap_offline_filter(&c->user, &h, f.bytes) == 0) {
				c->filtered++;
				continue;
			}
		}
		c->frames++;
		c->bytes += f.caplen;
		fn(ctx, f.bytes, f.caplen, f.wirelen, f.ts_sec);
		n++;
	}
	if (rc < 0) {
		str_copy(c->error, savefile_error(c->sf), sizeof(c->error));
		return CAPTURE_ERROR;
	}
	return n == 0 ? CAPTURE_EOF : n;
}

int
capture_dispatch(struct capture *c, int max, capture_frame_fn fn, void *ctx)
{
	int n;

	if (c->p == NULL)
		return dispatch_savefile(c, max, fn, ctx);
	c->fn = fn;
	c->ctx = ctx;
	n = pcap_dispatch(c->p, max, on_packet, (void *)c);
	if (n == PCAP_ERROR) {
		snprintf(c->error, sizeof(c->error), "%s: %s", c->name,
		    pcap_geterr(c->p));
		return CAPTURE_ERROR;
	}
	if (n == PCAP_ERROR_BREAK)
		return 0;
	if (n == 0 && !c->live)
		return CAPTURE_EOF;
	return n;
}

int
capture_stats(struct capture *c, struct capture_stats *delta)
{
	struct pcap_stat ps;

	delta->frames = c->frames - c->frames_told;
	delta->bytes = c->bytes - c->bytes_told;
	c->frames_told = c->frames;
	c->bytes_told = c->bytes;
	delta->dropped = delta->ifdropped = 0;
	if (!c->live)
		return 0;
	if (pcap_stats(c->p, &ps) < 0) {
		snprintf(c->error, sizeof(c->error), "%s: %s", c->name,
		    pcap_geterr(c->p));
		return -1;
	}
	/* Counters are cumulative 32-bit values that may wrap. */
	delta->dropped = (unsigned)(ps.ps_drop - c->last_drop);
	delta->ifdropped = (unsigned)(ps.ps_ifdrop - c->last_ifdrop);
	c->last_drop = ps.ps_drop;
	c->last_ifdrop = ps.ps_ifdrop;
	return 0;
}

const char *
capture_error(const struct capture *c)
{
	return c->error;
}

const char *
capture_name(const struct capture *c)
{
	return c->name;
}

int
capture_progress(const struct capture *c, uint64_t *done, uint64_t *total)
{
	long pos;

	if (c->live)
		return -1;
	if (c->p == NULL) {
		*done = savefile_offset(c->sf);
		*total = c->size;
		return 0;
	}
	if (c->file == NULL)
		return -1;
	pos = ftell(c->file);
	*done = pos < 0 ? 0 : (uint64_t)pos;
	*total = c->size;
	return 0;
}

void
capture_close(struct capture *c)
{
	if (c == NULL)
		return;
	if (c->p != NULL)
		pcap_close(c->p);
	savefile_free(c->sf); /* after its stream */
	if (c->has_user)
		pcap_freecode(&c->user);
	free(c->name);
	free(c);
}
