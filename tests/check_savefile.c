/*
 * Unit tests of the classic pcap reader (probes/savefile.c) through the
 * capture handle that uses it, each against libpcap reading the same
 * file: the fixture captures, well-formed and malformed, give the same
 * frames (bytes, lengths, seconds); so do byte-swapped and nanosecond
 * files, short snapshot lengths and files cut at every byte, where the
 * error names the file and the broken record's offset. Files the reader
 * leaves to libpcap (pcapng, version 2.3) still read whole, from a FIFO
 * too, and so do classic files.
 */
#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <pcap/pcap.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/util.h"
#include "probes/capture.h"
#include "tests/lib/testenv.h"

struct rec {
	uint32_t caplen, len;
	int64_t ts;
	uint64_t hash; /* of the captured bytes */
};

/* What a reader gave: the frames, and how it ended. */
struct run {
	struct rec *r;
	size_t n, cap;
	bool opened; /* else err says why */
	bool error;  /* ended by an error (err), not the file's end */
	char err[1024];
};

static uint64_t
hash_bytes(const uint8_t *p, size_t n)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);

	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * UINT64_C(0x100000001b3);
	return h;
}

static void
run_add(struct run *run, const uint8_t *bytes, size_t caplen, size_t len,
    int64_t ts)
{
	if (run->n == run->cap) {
		run->cap = run->cap == 0 ? 64 : 2 * run->cap;
		run->r = xreallocarray(run->r, run->cap, sizeof(*run->r));
	}
	run->r[run->n++] = (struct rec){ (uint32_t)caplen, (uint32_t)len, ts,
		hash_bytes(bytes, caplen) };
}

static void
on_frame(void *ctx, const uint8_t *bytes, size_t caplen, size_t wirelen,
    int64_t ts)
{
	run_add(ctx, bytes, caplen, wirelen, ts);
}

/* Through capture_open_file, in batches of 3 frames. */
static void
read_ours(const char *path, const char *filter, struct run *run)
{
	struct capture *c;
	int n;

	memset(run, 0, sizeof(*run));
	c = capture_open_file(path, filter, run->err, sizeof(run->err));
	if (c == NULL)
		return;
	run->opened = true;
	while ((n = capture_dispatch(c, 3, on_frame, run)) > 0)
		;
	ck_assert_int_ne(n, 0);
	if (n == CAPTURE_ERROR) {
		run->error = true;
		str_copy(run->err, capture_error(c), sizeof(run->err));
	}
	capture_close(c);
}

static void
on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	run_add((void *)user, bytes, h->caplen, h->len, (int64_t)h->ts.tv_sec);
}

/* Through libpcap alone. */
static void
read_pcap(const char *path, const char *filter, struct run *run)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	struct bpf_program prog;
	pcap_t *p;
	int n;

	memset(run, 0, sizeof(*run));
	if ((p = pcap_open_offline(path, ebuf)) == NULL) {
		str_copy(run->err, ebuf, sizeof(run->err));
		return;
	}
	run->opened = true;
	if (filter != NULL) {
		ck_assert_int_eq(pcap_compile(p, &prog, filter, 1,
				     PCAP_NETMASK_UNKNOWN),
		    0);
		ck_assert_int_eq(pcap_setfilter(p, &prog), 0);
		pcap_freecode(&prog);
	}
	while ((n = pcap_dispatch(p, 3, on_packet, (void *)run)) > 0)
		;
	if (n == PCAP_ERROR) {
		run->error = true;
		str_copy(run->err, pcap_geterr(p), sizeof(run->err));
	}
	pcap_close(p);
}

/* Both readers give the same frames and end the same way; ours is
 * returned for more checks (free its r). */
static struct run
same_as_libpcap(const char *path, const char *filter)
{
	struct run ours, theirs;

	read_ours(path, filter, &ours);
	read_pcap(path, filter, &theirs);
	ck_assert_msg(ours.n == theirs.n, "%s: %zu frames, libpcap %zu", path,
	    ours.n, theirs.n);
	for (size_t i = 0; i < ours.n; i++)
		ck_assert_msg(memcmp(&ours.r[i], &theirs.r[i],
				  sizeof(ours.r[i])) == 0,
		    "%s: frame %zu differs", path, i);
	ck_assert_msg(ours.error == theirs.error,
	    "%s: error '%s', libpcap '%s'", path, ours.err, theirs.err);
	if (theirs.opened)
		ck_assert_msg(ours.opened, "%s: %s", path, ours.err);
	free(theirs.r);
	return ours;
}

static void
check_dir(const char *dir)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort);
	int files = 0;

	ck_assert_int_ge(n, 0);
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		size_t len = strlen(name);

		if (len > 5 && strcmp(name + len - 5, ".pcap") == 0) {
			char *path = xprintf("%s/%s", dir, name);
			struct run r = same_as_libpcap(path, NULL);

			ck_assert_msg(r.n > 0 && !r.error, "%s: %s", path,
			    r.err);
			free(r.r);
			free(path);
			files++;
		}
		free(names[i]);
	}
	free(names);
	ck_assert_int_gt(files, 0);
}

START_TEST(test_fixture_captures_read_as_libpcap_reads_them)
{
	check_dir(testenv_fixture("captures"));
	check_dir(testenv_fixture("captures/malformed"));
}
END_TEST

START_TEST(test_a_filter_passes_what_libpcap_passes)
{
	const char *path = testenv_fixture("captures/tcpdump_eapon1.pcap");
	struct run arp = same_as_libpcap(path, "arp");
	struct run none = same_as_libpcap(path, "ether proto 0x1234");

	ck_assert_int_gt(arp.n, 0);
	ck_assert_int_eq(none.n, 0);
	free(arp.r);
	free(none.r);
}
END_TEST

/* The bytes of a file, and writing bytes to a file of the test's. */
static uint8_t *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	ck_assert_int_ge(n, 0);
	rewind(f);
	buf = xmalloc((size_t)n + 1);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static char *
spill(const char *name, const uint8_t *bytes, size_t len)
{
	char *path = testenv_path(name);
	FILE *f = fopen(path, "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(bytes, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
	return path;
}

static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static void
put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void
put_be32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * (3 - i)));
}

/* The record offsets of a little-endian classic file, and their count. */
static size_t
record_offsets(const uint8_t *b, size_t len, size_t *at, size_t max)
{
	size_t n = 0;

	for (size_t o = 24; o + 16 <= len && n < max; o += 16 + le32(b + o + 8))
		at[n++] = o;
	return n;
}

START_TEST(test_a_file_cut_anywhere_keeps_what_libpcap_keeps)
{
	size_t len, at[64], n;
	uint8_t *b =
	    slurp(testenv_fixture("captures/tcpdump_LLDP_and_CDP.pcap"), &len);

	n = record_offsets(b, len, at, 64);
	ck_assert_uint_ge(n, 4);
	/* Cut inside the file header, at and inside each record of the
	 * first few. */
	for (size_t cut = 0; cut < at[4] + 7; cut++) {
		char *path = spill("cut.pcap", b, cut);
		struct run r = same_as_libpcap(path, NULL);

		if (r.error) {
			char want[256];
			size_t k = 0;

			while (k + 1 < n && at[k + 1] <= cut)
				k++;
			snprintf(want, sizeof(want),
			    "%s: truncated record at offset %zu: ", path,
			    at[k]);
			ck_assert_msg(strncmp(r.err, want, strlen(want)) == 0,
			    "cut at %zu: '%s', not '%s...'", cut, r.err, want);
			ck_assert_uint_eq(r.n, k);
		}
		free(r.r);
		free(path);
	}
	free(b);
}
END_TEST

/* A fixture rewritten: big-endian, nanosecond magic, another snapshot
 * length, seconds past 2^31. */
static uint8_t *
rewrite(const uint8_t *b, size_t len, bool big, bool nano, uint32_t snaplen,
    uint32_t add_s)
{
	uint8_t *out = xmalloc(len);
	void (*put)(uint8_t *, uint32_t) = big ? put_be32 : put_le32;
	size_t at[4096], n = record_offsets(b, len, at, 4096);

	memcpy(out, b, len);
	put(out, nano ? 0xa1b23c4du : 0xa1b2c3d4u);
	out[4] = big ? 0 : 2;
	out[5] = big ? 2 : 0;
	out[6] = big ? 0 : 4;
	out[7] = big ? 4 : 0;
	put(out + 8, le32(b + 8));
	put(out + 12, le32(b + 12));
	put(out + 16, snaplen);
	put(out + 20, le32(b + 20));
	for (size_t i = 0; i < n; i++) {
		put(out + at[i], le32(b + at[i]) + add_s);
		for (size_t k = 4; k < 16; k += 4)
			put(out + at[i] + k, le32(b + at[i] + k));
	}
	return out;
}

START_TEST(test_swapped_nanosecond_and_short_snapshot_files)
{
	static const struct {
		bool big, nano;
		uint32_t snaplen, add_s;
	} cases[] = {
		{ true, false, 65535, 0 },
		{ false, true, 65535, 0 },
		{ true, true, 0, 0 },
		{ false, false, 40, 0 },
		{ true, false, 1, 0 },
		{ false, false, 0x80000000u, 0 },
		{ false, false, 65535, 0x7ffffff0u },
		{ true, false, 65535, 0x9000000u },
	};
	size_t len;
	uint8_t *b =
	    slurp(testenv_fixture("captures/tcpdump_eapon1.pcap"), &len);

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		uint8_t *w = rewrite(b, len, cases[i].big, cases[i].nano,
		    cases[i].snaplen, cases[i].add_s);
		char *path = spill("w.pcap", w, len);
		struct run r = same_as_libpcap(path, NULL);

		ck_assert_msg(r.n > 0 && !r.error, "case %zu: %s", i, r.err);
		if (cases[i].snaplen == 40)
			ck_assert_uint_eq(r.r[0].caplen, 40);
		free(r.r);
		free(path);
		free(w);
	}
	free(b);
}
END_TEST

START_TEST(test_an_oversized_record_is_named)
{
	size_t len, at[4];
	uint8_t *b =
	    slurp(testenv_fixture("captures/tcpdump_eapon1.pcap"), &len);
	char *path, want[256];
	struct run r;

	ck_assert_uint_eq(record_offsets(b, len, at, 4), 4);
	put_le32(b + at[2] + 8, 262145);
	path = spill("big.pcap", b, len);
	r = same_as_libpcap(path, NULL);
	ck_assert(r.error);
	ck_assert_uint_eq(r.n, 2);
	snprintf(want, sizeof(want), "%s: bad record at offset %zu: ", path,
	    at[2]);
	ck_assert_msg(strncmp(r.err, want, strlen(want)) == 0, "%s", r.err);
	free(r.r);
	free(path);
	free(b);
}
END_TEST

/* A minimal pcapng file: section header, one Ethernet interface, the
 * fixture's frames as enhanced packet blocks. */
static uint8_t *
pcapng_of(const uint8_t *b, size_t len, size_t *out_len)
{
	size_t at[4096], n = record_offsets(b, len, at, 4096), o = 0;
	uint8_t *out = xmalloc(len * 2 + 64);
	static const uint8_t shb[] = { 0x0a, 0x0d, 0x0d, 0x0a, 28, 0, 0, 0,
		0x4d, 0x3c, 0x2b, 0x1a, 1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 28, 0, 0, 0 };
	static const uint8_t idb[] = { 1, 0, 0, 0, 20, 0, 0, 0, 1, 0, 0, 0, 0,
		0, 0, 0, 20, 0, 0, 0 };

	memcpy(out, shb, sizeof(shb));
	o += sizeof(shb);
	memcpy(out + o, idb, sizeof(idb));
	o += sizeof(idb);
	for (size_t i = 0; i < n; i++) {
		uint32_t caplen = le32(b + at[i] + 8);
		uint32_t pad = (4 - caplen % 4) % 4;
		uint32_t total = 32 + caplen + pad;
		uint64_t us =
		    (uint64_t)le32(b + at[i]) * 1000000u + le32(b + at[i] + 4);

		put_le32(out + o, 6);
		put_le32(out + o + 4, total);
		put_le32(out + o + 8, 0);
		put_le32(out + o + 12, (uint32_t)(us >> 32));
		put_le32(out + o + 16, (uint32_t)us);
		put_le32(out + o + 20, caplen);
		put_le32(out + o + 24, le32(b + at[i] + 12));
		memcpy(out + o + 28, b + at[i] + 16, caplen);
		memset(out + o + 28 + caplen, 0, pad);
		put_le32(out + o + 28 + caplen + pad, total);
		o += total;
	}
	*out_len = o;
	return out;
}

/* Write bytes into a FIFO from a thread, in small pieces. */
struct feeder {
	const char *path;
	const uint8_t *bytes;
	size_t len;
};

static void *
feed(void *ctx)
{
	struct feeder *f = ctx;
	int fd = open(f->path, O_WRONLY);

	if (fd >= 0) {
		for (size_t o = 0; o < f->len; o += 7) {
			size_t k = f->len - o < 7 ? f->len - o : 7;

			if (write(fd, f->bytes + o, k) != (ssize_t)k)
				break;
		}
		close(fd);
	}
	return NULL;
}

/* Read bytes from a FIFO through capture_open_file and from a regular
 * file through libpcap: the same frames. */
static void
check_fifo(const uint8_t *bytes, size_t len)
{
	char *fifo = testenv_path("in.fifo");
	char *file = spill("in.pcap", bytes, len);
	struct feeder f = { fifo, bytes, len };
	struct run ours, theirs;
	pthread_t t;

	unlink(fifo);
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	ck_assert_int_eq(pthread_create(&t, NULL, feed, &f), 0);
	read_ours(fifo, NULL, &ours);
	pthread_join(t, NULL);
	read_pcap(file, NULL, &theirs);
	ck_assert_msg(ours.opened && !ours.error, "%s", ours.err);
	ck_assert_uint_gt(theirs.n, 0);
	ck_assert_uint_eq(ours.n, theirs.n);
	ck_assert_mem_eq(ours.r, theirs.r, ours.n * sizeof(*ours.r));
	free(ours.r);
	free(theirs.r);
	free(file);
	free(fifo);
}

START_TEST(test_files_left_to_libpcap_read_whole_from_fifos_too)
{
	size_t len, ng_len;
	uint8_t *b =
	    slurp(testenv_fixture("captures/tcpdump_eapon1.pcap"), &len);
	uint8_t *ng = pcapng_of(b, len, &ng_len);
	char *path = spill("ng.pcapng", ng, ng_len);
	struct run r = same_as_libpcap(path, NULL);

	ck_assert_msg(r.n > 0 && !r.error, "%s", r.err);
	free(r.r);
	check_fifo(ng, ng_len);
	check_fifo(b, len);
	/* Version 2.3: libpcap's, which may swap the two lengths. */
	b[6] = 3;
	free(path);
	path = spill("v23.pcap", b, len);
	r = same_as_libpcap(path, NULL);
	ck_assert_msg(r.n > 0 && !r.error, "%s", r.err);
	free(r.r);
	free(path);
	free(ng);
	free(b);
}
END_TEST

START_TEST(test_what_is_not_a_capture_is_named)
{
	char *path = testenv_write("notes.pcap", "not a capture\n");
	char *empty = testenv_write("empty.pcap", "");
	struct run r;

	read_ours(path, NULL, &r);
	ck_assert(!r.opened);
	ck_assert_ptr_nonnull(strstr(r.err, "notes.pcap: not a capture file"));
	read_ours(empty, NULL, &r);
	ck_assert(!r.opened);
	ck_assert_ptr_nonnull(strstr(r.err, "empty.pcap: not a capture file"));
	read_ours(testenv_dir(), NULL, &r);
	ck_assert(!r.opened);
	ck_assert_ptr_nonnull(strstr(r.err, "is a directory"));
	free(path);
	free(empty);
}
END_TEST

static Suite *
savefile_suite(void)
{
	Suite *s = suite_create("savefile");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, NULL, testenv_dir_remove);
	tcase_add_test(tc, test_fixture_captures_read_as_libpcap_reads_them);
	tcase_add_test(tc, test_a_filter_passes_what_libpcap_passes);
	tcase_add_test(tc, test_a_file_cut_anywhere_keeps_what_libpcap_keeps);
	tcase_add_test(tc, test_swapped_nanosecond_and_short_snapshot_files);
	tcase_add_test(tc, test_an_oversized_record_is_named);
	tcase_add_test(tc,
	    test_files_left_to_libpcap_read_whole_from_fifos_too);
	tcase_add_test(tc, test_what_is_not_a_capture_is_named);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return testenv_run(savefile_suite());
}
