/*
 * Sends small frames out of a veth end from inside the kernel: a frame
 * generator for the line-rate benchmark that goes past what a sender in
 * user space reaches here (blast, tcpreplay). It runs an XDP program in
 * the kernel's "live frames" test mode (BPF_PROG_RUN with
 * BPF_F_TEST_XDP_LIVE_FRAMES, Linux 5.18 and later): the program gives
 * each copy of one 60-byte IPv4/UDP frame the source MAC and address of
 * one of MACS hosts of tests/lib/flood.py's flood (02:00:NN:NN:NN:NN, from
 * 10.100.x.y), picked at random, and sends it out (XDP_TX), so the peer
 * end receives it as it would a frame from the wire. No socket buffer on
 * the sending side, no system call per batch of frames.
 *
 * A veth end takes XDP frames only in its NAPI mode: `xdpgen --gro IFACE`
 * turns on generic receive offload on the receiving end first, which
 * enables that mode (Linux 6.0 and later) and changes nothing else a
 * capture sees of single small frames.
 *
 * usage: xdpgen IFACE MACS FRAMES [PPS]     (PPS 0 or none: as fast as it can)
 *        xdpgen --gro IFACE
 * Prints the frames sent, the seconds taken and the rate achieved. Needs
 * CAP_BPF, CAP_NET_ADMIN (root). Run it only into a namespace of one's
 * own: the frames go out of IFACE.
 */
#include <errno.h>
#include <linux/bpf.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* Frames the kernel sends per call when paced: the rate is kept to
 * within one chunk. */
#define CHUNK 8192

static int
bpf(int cmd, union bpf_attr *attr)
{
	return (int)syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

/* Instruction builders (the kernel's own filter.h macros, in short). */
#define INSN(c, d, s, o, i)                                                    \
	((struct bpf_insn){ .code = (c),                                       \
	    .dst_reg = (d),                                                    \
	    .src_reg = (s),                                                    \
	    .off = (o),                                                        \
	    .imm = (i) })
#define MOV64_REG(d, s) INSN(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0)
#define MOV64_IMM(d, i) INSN(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define ALU32_IMM(op, d, i) INSN(BPF_ALU | (op) | BPF_K, d, 0, 0, i)
#define ALU64_IMM(op, d, i) INSN(BPF_ALU64 | (op) | BPF_K, d, 0, 0, i)
#define LDX_W(d, s, o) INSN(BPF_LDX | BPF_MEM | BPF_W, d, s, o, 0)
#define STX_B(d, s, o) INSN(BPF_STX | BPF_MEM | BPF_B, d, s, o, 0)
#define JGT_REG(d, s, o) INSN(BPF_JMP | BPF_JGT | BPF_X, d, s, o, 0)
#define CALL(f) INSN(BPF_JMP | BPF_CALL, 0, 0, 0, f)
#define EXIT() INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

/* The source MAC's last four bytes and the source address's last two
 * bytes from r0 (a host's number), into the frame at r7. */
#define PUT_BYTE(shift, off)                                                   \
	MOV64_REG(BPF_REG_1, BPF_REG_0), ALU64_IMM(BPF_RSH, BPF_REG_1, shift), \
	    STX_B(BPF_REG_7, BPF_REG_1, off)

static int
load_program(uint32_t macs)
{
	struct bpf_insn prog[] = {
		MOV64_REG(BPF_REG_6, BPF_REG_1),
		LDX_W(BPF_REG_2, BPF_REG_6, 0), /* data */
		LDX_W(BPF_REG_3, BPF_REG_6, 4), /* data_end */
		MOV64_REG(BPF_REG_4, BPF_REG_2),
		ALU64_IMM(BPF_ADD, BPF_REG_4, 60),
		JGT_REG(BPF_REG_4, BPF_REG_3, 0), /* short: to the end */
		MOV64_REG(BPF_REG_7, BPF_REG_2),
		CALL(BPF_FUNC_get_prandom_u32),
		ALU32_IMM(BPF_MOD, BPF_REG_0, (int32_t)macs),
		PUT_BYTE(24, 8),
		PUT_BYTE(16, 9),
		PUT_BYTE(8, 10),
		PUT_BYTE(0, 11),
		PUT_BYTE(8, 28),
		STX_B(BPF_REG_7, BPF_REG_0, 29),
		MOV64_IMM(BPF_REG_0, XDP_TX),
		EXIT(),
		MOV64_IMM(BPF_REG_0, XDP_DROP),
		EXIT(),
	};
	static char log[65536];
	size_t n = sizeof(prog) / sizeof(prog[0]);
	union bpf_attr a;
	int fd;

	prog[5].off = (int16_t)(n - 2 - 6); /* the last two: XDP_DROP */
	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_XDP;
	a.insns = (uintptr_t)prog;
	a.insn_cnt = (uint32_t)n;
	a.license = (uintptr_t) "GPL";
	a.log_buf = (uintptr_t)log;
	a.log_size = sizeof(log);
	a.log_level = 1;
	if ((fd = bpf(BPF_PROG_LOAD, &a)) < 0)
		fprintf(stderr, "xdpgen: loading the program: %s\n%s",
		    strerror(errno), log);
	return fd;
}

/* The frame of tests/lib/flood.py's small(): host 0. */
static void
frame(uint8_t f[60])
{
	static const uint8_t head[] = {
		0x02, 0x01, 0x00, 0x00, 0x00, 0x01, /* destination */
		0x02, 0x00, 0x00, 0x00, 0x00, 0x00, /* source */
		0x08, 0x00,                         /* IPv4 */
		0x45, 0x00, 0x00, 0x20, 0x00, 0x00, 0x00, 0x00, 0x40, 0x11,
		0x00, 0x00, 10, 100, 0, 0, 10, 101, 0, 1, /* IPv4 header */
		0x9c, 0x40, 0x00, 0x09, 0x00, 0x0c, 0x00, 0x00, /* UDP */
	};

	memset(f, 0, 60);
	memcpy(f, head, sizeof(head));
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
gro_on(const char *ifname)
{
	struct ethtool_value v = { ETHTOOL_SGRO, 1 };
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM, 0);

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = (void *)&v;
	if (s < 0 || ioctl(s, SIOCETHTOOL, &ifr) < 0) {
		fprintf(stderr, "xdpgen: %s: turning on GRO: %s\n", ifname,
		    strerror(errno));
		return 1;
	}
	close(s);
	return 0;
}

int
main(int argc, char **argv)
{
	uint8_t f[60];
	struct xdp_md ctx;
	union bpf_attr a;
	unsigned long macs;
	unsigned long long total, sent = 0;
	double pps, t0, t;
	int fd;

	if (argc == 3 && strcmp(argv[1], "--gro") == 0)
		return gro_on(argv[2]);
	if (argc < 4 || argc > 5) {
		fprintf(stderr,
		    "usage: xdpgen IFACE MACS FRAMES [PPS]\n"
		    "       xdpgen --gro IFACE\n");
		return 2;
	}
	macs = strtoul(argv[2], NULL, 10);
	total = strtoull(argv[3], NULL, 10);
	pps = argc > 4 ? atof(argv[4]) : 0;
	if (macs == 0 || macs > INT32_MAX) {
		fprintf(stderr, "xdpgen: MACS: 1 to %d\n", INT32_MAX);
		return 2;
	}
	memset(&ctx, 0, sizeof(ctx));
	if ((ctx.ingress_ifindex = if_nametoindex(argv[1])) == 0) {
		fprintf(stderr, "xdpgen: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	if ((fd = load_program((uint32_t)macs)) < 0)
		return 1;
	frame(f);
	ctx.data_end = sizeof(f); /* the kernel wants the frame's end */
	t0 = now();
	while (sent < total) {
		unsigned long long n = total - sent;

		if (pps > 0 && n > CHUNK)
			n = CHUNK;
		if (n > UINT32_MAX)
			n = UINT32_MAX;
		memset(&a, 0, sizeof(a));
		a.test.prog_fd = (uint32_t)fd;
		a.test.data_in = (uintptr_t)f;
		a.test.data_size_in = sizeof(f);
		a.test.ctx_in = (uintptr_t)&ctx;
		a.test.ctx_size_in = sizeof(ctx);
		a.test.repeat = (uint32_t)n;
		a.test.flags = BPF_F_TEST_XDP_LIVE_FRAMES;
		if (bpf(BPF_PROG_TEST_RUN, &a) < 0) {
			fprintf(stderr, "xdpgen: running the program: %s\n",
			    strerror(errno));
			return 1;
		}
		sent += n;
		if (pps > 0)
			while ((t = now() - t0) < (double)sent / pps)
				if ((double)sent / pps - t > 0.0002)
					usleep(100);
	}
	t = now() - t0;
	printf("sent %llu frames in %.3f s: %.0f frames/s\n", sent, t,
	    (double)sent / t);
	return 0;
}
