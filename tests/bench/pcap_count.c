/*
 * The floor for capture ingest: a bare libpcap pcap_dispatch loop that only
 * counts frames and bytes. With --unlocked, the file's stream is read
 * without stdio's locking, as vraudit reads it.
 * usage: pcap_count [--unlocked] FILE.pcap
 */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <string.h>

struct counts {
	uint64_t frames, bytes;
};

static void
count(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct counts *c = (void *)user;

	(void)bytes;
	c->frames++;
	c->bytes += h->caplen;
}

int
main(int argc, char **argv)
{
	char err[PCAP_ERRBUF_SIZE];
	struct counts c = { 0, 0 };
	pcap_t *p;
	int n;

	if (argc == 3 && strcmp(argv[1], "--unlocked") == 0) {
		FILE *f = fopen(argv[2], "rb");

		if (f == NULL) {
			perror(argv[2]);
			return 1;
		}
		__fsetlocking(f, FSETLOCKING_BYCALLER);
		p = pcap_fopen_offline(f, err);
	} else if (argc == 2)
		p = pcap_open_offline(argv[1], err);
	else {
		fprintf(stderr, "usage: pcap_count [--unlocked] FILE.pcap\n");
		return 2;
	}
	if (p == NULL) {
		fprintf(stderr, "pcap_count: %s\n", err);
		return 1;
	}
	while ((n = pcap_dispatch(p, 4096, count, (void *)&c)) > 0)
		;
	if (n < 0) {
		fprintf(stderr, "pcap_count: %s\n", pcap_geterr(p));
		return 1;
	}
	pcap_close(p);
	printf("%llu frames %llu bytes\n", (unsigned long long)c.frames,
	    (unsigned long long)c.bytes);
	return 0;
}
