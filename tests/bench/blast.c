/*
 * Sends the frames of a classic pcap file out of an interface as fast as
 * the kernel takes them, or at a given rate: a faster tcpreplay for the
 * live-capture benchmark (tcpreplay tops out near 300,000 frames/s on a
 * veth pair here; this, with sendmmsg in batches and no qdisc, goes
 * further). The file is read into memory first; --loops sends it again.
 * Prints the frames sent, the seconds taken and the rate achieved.
 *
 * usage: blast IFACE FILE.pcap [PPS] [LOOPS]   (PPS 0: as fast as it can)
 * Needs CAP_NET_RAW. Run it only into a namespace of one's own.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 256

struct frames {
	uint8_t *data;
	size_t *off, *len, n;
};

static int
load(const char *path, struct frames *f)
{
	FILE *fp = fopen(path, "rb");
	uint32_t gh[6], rh[4];
	size_t cap = 0, used = 0, dcap = 0;

	if (fp == NULL || fread(gh, 4, 6, fp) != 6 ||
	    (gh[0] != 0xa1b2c3d4 && gh[0] != 0xa1b23c4d)) {
		fprintf(stderr,
		    "blast: %s: not a classic pcap file (little-endian)\n",
		    path);
		return -1;
	}
	memset(f, 0, sizeof(*f));
	while (fread(rh, 4, 4, fp) == 4) {
		if (rh[2] > 65535)
			break;
		if (f->n == cap) {
			cap = cap ? 2 * cap : 1 << 16;
			f->off = realloc(f->off, cap * sizeof(*f->off));
			f->len = realloc(f->len, cap * sizeof(*f->len));
		}
		if (used + rh[2] > dcap) {
			dcap = dcap ? 2 * dcap : 1 << 24;
			f->data = realloc(f->data, dcap);
		}
		if (f->off == NULL || f->len == NULL || f->data == NULL ||
		    fread(f->data + used, 1, rh[2], fp) != rh[2])
			break;
		f->off[f->n] = used;
		f->len[f->n++] = rh[2];
		used += rh[2];
	}
	fclose(fp);
	return f->n > 0 ? 0 : -1;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	struct frames f;
	struct sockaddr_ll sll;
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	double pps, t0, t;
	unsigned long loops;
	uint64_t sent = 0, total;
	int s, one = 1;

	if (argc < 3 || argc > 5) {
		fprintf(stderr, "usage: blast IFACE FILE.pcap [PPS] [LOOPS]\n");
		return 2;
	}
	pps = argc > 3 ? atof(argv[3]) : 0;
	loops = argc > 4 ? strtoul(argv[4], NULL, 10) : 1;
	if (load(argv[2], &f) < 0)
		return 1;
	s = socket(AF_PACKET, SOCK_RAW, 0);
	if (s < 0) {
		perror("blast: socket");
		return 1;
	}
	/* Straight to the driver: no queueing discipline in the way. */
	setsockopt(s, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one));
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = (int)if_nametoindex(argv[1]);
	if (sll.sll_ifindex == 0 ||
	    bind(s, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		fprintf(stderr, "blast: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	memset(msgs, 0, sizeof(msgs));
	total = (uint64_t)f.n * loops;
	t0 = now();
	while (sent < total) {
		unsigned n = 0;
		int r;

		while (n < BATCH && sent + n < total) {
			size_t i = (sent + n) % f.n;

			iov[n].iov_base = f.data + f.off[i];
			iov[n].iov_len = f.len[i];
			msgs[n].msg_hdr.msg_iov = &iov[n];
			msgs[n].msg_hdr.msg_iovlen = 1;
			n++;
		}
		r = sendmmsg(s, msgs, n, 0);
		if (r < 0) {
			if (errno == ENOBUFS || errno == EAGAIN)
				continue;
			perror("blast: sendmmsg");
			return 1;
		}
		sent += (uint64_t)r;
		/* Paced: wait until the rate allows the next batch. */
		if (pps > 0)
			while ((t = now() - t0) < (double)sent / pps)
				if ((double)sent / pps - t > 0.0002)
					usleep(100);
	}
	t = now() - t0;
	printf("sent %llu frames in %.3f s: %.0f frames/s\n",
	    (unsigned long long)sent, t, (double)sent / t);
	return 0;
}
