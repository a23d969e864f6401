/*
 * Unit tests of the capture paths' kernel filters, run in user space on
 * the fixture captures: every frame that identifies a device (LLDP, CDP,
 * ARP, DHCP, the fingerprint payloads), bare or behind one VLAN tag, is
 * taken by the control path; no plain frame is (the control path stays
 * small); a frame too short for a load fails the filter without harm; a
 * user filter is the MAC path's and stays out of the kernel's control
 * filter (tests/system/025-daemon-control-path.sh shows it applied).
 */
#include <check.h>
#include <dirent.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "probes/capture.h"
#include "probes/frames.h"
#include "tests/lib/testenv.h"

/* A compiled filter, as the kernel would run it on an Ethernet frame. */
struct prog {
	pcap_t *dead;
	struct bpf_program bpf;
};

static void
prog_init(struct prog *p, const char *filter, enum capture_path path)
{
	char *text = capture_path_filter(filter, path);

	p->dead = pcap_open_dead(DLT_EN10MB, CAPTURE_SNAPLEN);
	ck_assert_ptr_nonnull(p->dead);
	ck_assert_msg(pcap_compile(p->dead, &p->bpf, text, 1,
			  PCAP_NETMASK_UNKNOWN) == 0,
	    "%s: %s", text, pcap_geterr(p->dead));
	free(text);
}

static bool
prog_takes(const struct prog *p, const uint8_t *bytes, size_t len)
{
	struct pcap_pkthdr h;

	memset(&h, 0, sizeof(h));
	h.caplen = h.len = (bpf_u_int32)len;
	return pcap_offline_filter(&p->bpf, &h, bytes) != 0;
}

static void
prog_free(struct prog *p)
{
	pcap_freecode(&p->bpf);
	pcap_close(p->dead);
}

/* Whether the decoder reads something from the frame that the control
 * path is for, and the frame is one the kernel filter can read: at most
 * one VLAN tag, no tunnel, IPv6 without an extension header first. */
static bool
is_control(const uint8_t *bytes, size_t len, size_t *n_vlans)
{
	struct frame f;
	const struct frames_layer *l;
	size_t at;

	frames_decode(bytes, len, &f);
	if (f.n_layers != 1 || f.proto == FRAMES_PROTO_NONE)
		return false;
	l = &f.layers[0];
	*n_vlans = l->n_vlans;
	if (l->n_vlans > 1)
		return false;
	at = 14 + 4 * l->n_vlans;
	if (l->ip_version == 6 &&
	    (len < at + 7 || bytes[at + 6] != l->ip_proto))
		return false;
	/* An HTTP body's first segment ("<?xml") says nothing the head did
	 * not; frames_tcp_payload takes it, and so does the filter. */
	return true;
}

/* The frame with an 802.1Q tag (VLAN 42) after its addresses. */
static size_t
tagged(const uint8_t *bytes, size_t len, uint8_t *out, size_t cap)
{
	static const uint8_t tag[4] = { 0x81, 0x00, 0x00, 42 };

	if (len < 12 || len + 4 > cap)
		return 0;
	memcpy(out, bytes, 12);
	memcpy(out + 12, tag, 4);
	memcpy(out + 16, bytes + 12, len - 12);
	return len + 4;
}

struct tally {
	size_t frames, control, plain, tagged;
};

static void
check_frame(const struct prog *ctl, const uint8_t *bytes, size_t len,
    const char *where, size_t nth, struct tally *t)
{
	static uint8_t buf[CAPTURE_SNAPLEN + 8];
	bool takes = prog_takes(ctl, bytes, len);
	size_t tlen, n_vlans = 0;

	t->frames++;
	if (frames_decode_plain(bytes, len) >= 0) {
		t->plain++;
		ck_assert_msg(!takes,
		    "%s frame %zu: a plain frame on the control path", where,
		    nth);
		return;
	}
	if (!is_control(bytes, len, &n_vlans))
		return;
	t->control++;
	ck_assert_msg(takes,
	    "%s frame %zu: a control frame the control path misses", where,
	    nth);
	/* The same frame behind a tag, if it had none. */
	if (n_vlans > 0)
		return;
	tlen = tagged(bytes, len, buf, sizeof(buf));
	if (tlen == 0)
		return;
	t->tagged++;
	ck_assert_msg(prog_takes(ctl, buf, tlen),
	    "%s frame %zu: tagged, the control path misses it", where, nth);
}

static void
check_folder(const struct prog *ctl, const char *sub, struct tally *t)
{
	char dir[4096], path[4096 + 256];
	struct dirent **names;
	int n;

	str_copy(dir, testenv_fixture("captures%s", sub), sizeof(dir));
	n = scandir(dir, &names, NULL, alphasort);
	ck_assert_int_gt(n, 0);
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		size_t len = strlen(name), nth = 0;

		snprintf(path, sizeof(path), "%s/%s", dir, name);
		if (len > 5 && strcmp(name + len - 5, ".pcap") == 0) {
			char err[PCAP_ERRBUF_SIZE];
			struct pcap_pkthdr *h;
			const u_char *data;
			pcap_t *pc = pcap_open_offline(path, err);

			ck_assert_msg(pc != NULL, "%s: %s", path, err);
			while (pcap_next_ex(pc, &h, &data) == 1)
				check_frame(ctl, data, h->caplen, name, ++nth,
				    t);
			pcap_close(pc);
		}
		free(names[i]);
	}
	free(names);
}

START_TEST(test_control_path_takes_every_control_frame_of_the_captures)
{
	struct prog ctl;
	struct tally t = { 0, 0, 0, 0 };

	prog_init(&ctl, NULL, CAPTURE_CONTROL);
	check_folder(&ctl, "", &t);
	check_folder(&ctl, "/malformed", &t);
	prog_free(&ctl);
	/* The fixtures hold both kinds in numbers: the test saw something. */
	fprintf(stderr, "%zu frames: %zu control (%zu tagged too), %zu plain\n",
	    t.frames, t.control, t.tagged, t.plain);
	ck_assert_uint_gt(t.control, 100);
	ck_assert_uint_gt(t.plain, 100);
	ck_assert_uint_gt(t.tagged, 100);
}
END_TEST

/* An Ethernet II IPv4 TCP frame with payload pay (may be empty). */
static size_t
tcp_frame(uint8_t *f, uint8_t flags, const char *pay)
{
	size_t plen = strlen(pay);

	memset(f, 0, 54);
	memcpy(f, "\x00\x11\x22\x33\x44\x55\x00\x25\x9e\x81\xb3\x54", 12);
	f[12] = 0x08;
	f[14] = 0x45;
	f[16] = (uint8_t)((40 + plen) >> 8);
	f[17] = (uint8_t)(40 + plen);
	f[22] = 64;
	f[23] = 6;
	memcpy(f + 26, "\x0a\x00\x00\x01\x0a\x00\x00\x02", 8);
	f[34] = 0x30; /* source port 12345 */
	f[35] = 0x39;
	f[37] = 22;
	f[46] = 0x50; /* 20-byte header */
	f[47] = flags;
	memcpy(f + 54, pay, plen);
	return 54 + plen;
}

START_TEST(test_short_frames_fail_the_filter_without_harm)
{
	struct prog ctl, mac;
	uint8_t f[256];
	size_t len;

	prog_init(&ctl, NULL, CAPTURE_CONTROL);
	prog_init(&mac, NULL, CAPTURE_MAC);
	/* A bare ACK of 54 bytes: the payload load runs past the end. */
	len = tcp_frame(f, 0x10, "");
	ck_assert(!prog_takes(&ctl, f, len));
	ck_assert(prog_takes(&mac, f, len));
	/* Each prefix of an SSH banner's frame: none is taken, none harms. */
	len = tcp_frame(f, 0x18, "SSH-2.0-HUAWEI-1.5\r\n");
	ck_assert(prog_takes(&ctl, f, len));
	for (size_t cut = 0; cut < 58; cut++)
		ck_assert_msg(!prog_takes(&ctl, f, cut), "cut at %zu", cut);
	/* A payload the decoders do not take stays off the control path. */
	len = tcp_frame(f, 0x18, "GET / HTTP/1.1\r\n");
	ck_assert(!prog_takes(&ctl, f, len));
	len = tcp_frame(f, 0x18, "\x16\x03\x01\x02\x00");
	ck_assert(prog_takes(&ctl, f, len));
	len = tcp_frame(f, 0x18, "\x16\x04\x01\x02\x00");
	ck_assert(!prog_takes(&ctl, f, len));
	prog_free(&ctl);
	prog_free(&mac);
}
END_TEST

START_TEST(
    test_a_user_filter_is_the_mac_paths_and_not_in_the_kernels_control_filter)
{
	char *text = capture_path_filter("arp or tcp", CAPTURE_MAC);
	char *ctl = capture_path_filter(NULL, CAPTURE_CONTROL);
	char *ctl_user = capture_path_filter("not vlan", CAPTURE_CONTROL);

	ck_assert_str_eq(text, "arp or tcp");
	/* A "vlan" of the user's would move the control filter's offsets:
	 * the control path's handle applies it in user space. */
	ck_assert_str_eq(ctl_user, ctl);
	free(text);
	free(ctl);
	free(ctl_user);
	text = capture_path_filter(NULL, CAPTURE_ALL);
	ck_assert_str_eq(text, "");
	free(text);
}
END_TEST

static Suite *
capture_suite(void)
{
	Suite *s = suite_create("capture");
	TCase *tc = tcase_create("filters");

	tcase_add_test(tc,
	    test_control_path_takes_every_control_frame_of_the_captures);
	tcase_add_test(tc, test_short_frames_fail_the_filter_without_harm);
	tcase_add_test(tc,
	    test_a_user_filter_is_the_mac_paths_and_not_in_the_kernels_control_filter);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return testenv_run(capture_suite());
}
