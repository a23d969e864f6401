/*
 * The floor for live capture: a bare libpcap loop on an interface, opened
 * as vrauditd opens its MAC path (same snap length, ring and timeout,
 * non-blocking, poll), that only counts frames. It stops once no frame
 * came for IDLE seconds after the first, and prints the frames counted
 * and the kernel's drop counters.
 *
 * usage: live_count IFACE [BUFFER_MIB] [IDLE]   (default 32 2)
 * Prints "ready" on stderr once the handle is open.
 */
#include <pcap/pcap.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static void
count(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	(void)h;
	(void)bytes;
	(*(uint64_t *)(void *)user)++;
}

int
main(int argc, char **argv)
{
	char err[PCAP_ERRBUF_SIZE];
	uint64_t frames = 0;
	struct pcap_stat ps;
	struct pollfd pfd;
	pcap_t *p;
	int idle_ms, mib;

	if (argc < 2 || argc > 4) {
		fprintf(stderr,
		    "usage: live_count IFACE [BUFFER_MIB] [IDLE]\n");
		return 2;
	}
	mib = argc > 2 ? atoi(argv[2]) : 32;
	idle_ms = (argc > 3 ? atoi(argv[3]) : 2) * 1000;
	p = pcap_create(argv[1], err);
	if (p == NULL || pcap_set_snaplen(p, 9216) != 0 ||
	    pcap_set_promisc(p, 1) != 0 || pcap_set_timeout(p, 250) != 0 ||
	    pcap_set_buffer_size(p, mib << 20) != 0 || pcap_activate(p) < 0 ||
	    pcap_setnonblock(p, 1, err) < 0) {
		fprintf(stderr, "live_count: %s: %s\n", argv[1],
		    p != NULL ? pcap_geterr(p) : err);
		return 1;
	}
	pfd.fd = pcap_get_selectable_fd(p);
	pfd.events = POLLIN;
	fprintf(stderr, "ready\n");
	for (;;) {
		int r = poll(&pfd, 1, frames > 0 ? idle_ms : -1);

		if (r == 0)
			break;
		if (pcap_dispatch(p, 4096, count, (u_char *)&frames) < 0)
			break;
	}
	if (pcap_stats(p, &ps) < 0)
		ps.ps_drop = ps.ps_ifdrop = 0;
	printf("%llu frames, %u dropped, %u ifdropped\n",
	    (unsigned long long)frames, ps.ps_drop, ps.ps_ifdrop);
	pcap_close(p);
	return 0;
}
