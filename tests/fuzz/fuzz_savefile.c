/*
 * libFuzzer target: the classic pcap reader (probes/savefile.c) against
 * libpcap on the same bytes. A file the reader takes gives exactly
 * libpcap's frames (bytes, lengths, seconds) and ends as libpcap's does (at
 * the end, or with an error, after the same frame); a file it leaves to
 * libpcap reads through its stream as it reads from memory.
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "probes/savefile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The next frame of p as savefile_next would say it: 1, 0 or -1. */
static int
next_pcap(pcap_t *p, struct savefile_frame *f)
{
	struct pcap_pkthdr *h;
	const u_char *bytes;
	int rc = pcap_next_ex(p, &h, &bytes);

	if (rc == PCAP_ERROR_BREAK)
		return 0;
	if (rc != 1)
		return -1;
	f->bytes = bytes;
	f->caplen = h->caplen;
	f->wirelen = h->len;
	f->ts_sec = (int64_t)h->ts.tv_sec;
	return 1;
}

static void
same_frames(struct savefile *sf, pcap_t *ours, pcap_t *theirs)
{
	for (;;) {
		struct savefile_frame a, b;
		int ra =
		    sf != NULL ? savefile_next(sf, &a) : next_pcap(ours, &a);
		int rb = next_pcap(theirs, &b);

		if (ra != rb)
			abort();
		if (ra != 1)
			return;
		if (a.caplen != b.caplen || a.wirelen != b.wirelen ||
		    a.ts_sec != b.ts_sec ||
		    memcmp(a.bytes, b.bytes, a.caplen) != 0)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512], ebuf[PCAP_ERRBUF_SIZE];
	struct savefile_frame f;
	struct savefile *sf;
	pcap_t *theirs, *ours;
	FILE *mem, *stream;
	int fd;

	if (size == 0) /* fmemopen wants a byte */
		return 0;
	fd = memfd_create("savefile", MFD_CLOEXEC);
	if (fd < 0 || write(fd, data, size) != (ssize_t)size ||
	    lseek(fd, 0, SEEK_SET) != 0)
		abort();
	if ((sf = savefile_open(fd, "fuzz", err, sizeof(err))) == NULL)
		abort();
	mem = fmemopen((void *)(uintptr_t)data, size, "rb");
	if (mem == NULL)
		abort();
	theirs = pcap_fopen_offline(mem, ebuf);
	if (theirs == NULL)
		fclose(mem);
	if (savefile_ours(sf)) {
		if (theirs == NULL || pcap_datalink(theirs) != DLT_EN10MB ||
		    pcap_snapshot(theirs) != (int)savefile_snapshot(sf))
			abort();
		same_frames(sf, NULL, theirs);
		/* After the end or an error, nothing more. */
		if (savefile_next(sf, &f) == 1)
			abort();
	} else {
		if ((stream = savefile_stream(sf)) == NULL)
			abort();
		ours = pcap_fopen_offline(stream, ebuf);
		if (ours == NULL)
			fclose(stream);
		if ((ours == NULL) != (theirs == NULL))
			abort();
		if (ours != NULL) {
			same_frames(NULL, ours, theirs);
			pcap_close(ours);
		}
	}
	if (theirs != NULL)
		pcap_close(theirs);
	savefile_free(sf);
	return 0;
}
