/*
 * Tests of the SNMP sweep that need no agent from outside: hostile agents
 * written here (OID loops, an agent that stops answering mid-walk, tooBig,
 * loops, endless subtrees and silence in the private MIB discovery),
 * ports nobody listens on, a sweep freed mid-flight and the target specs.
 * Traffic goes only to 127.0.0.0/8. Agents from outside are the business
 * of check_snmp_sim (snmpsimd) and check_snmp_v3 (snmpd).
 */
#include <check.h>
#include <locale.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <unistd.h>

#include "common/log.h"
#include "common/util.h"
#include "probes/snmp.h"
#include "tests/lib/snmp_collect.h"

/* ---- a hostile agent of our own --------------------------------------- */

/* BER: a TLV header for len content bytes at p; returns bytes written. */
static size_t
ber_header(uint8_t *p, uint8_t tag, size_t len)
{
	p[0] = tag;
	if (len < 128) {
		p[1] = (uint8_t)len;
		return 2;
	}
	if (len < 256) {
		p[1] = 0x81;
		p[2] = (uint8_t)len;
		return 3;
	}
	p[1] = 0x82;
	p[2] = (uint8_t)(len >> 8);
	p[3] = (uint8_t)len;
	return 4;
}

/* Wrap buf[0..len) in a TLV, in place; returns the new length. */
static size_t
ber_wrap(uint8_t *buf, size_t len, uint8_t tag)
{
	uint8_t h[4];
	size_t hl = ber_header(h, tag, len);

	memmove(buf + hl, buf, len);
	memcpy(buf, h, hl);
	return hl + len;
}

/* Read a TLV at *p (end e): its tag, content and length; -1 when malformed. */
static int
ber_read(const uint8_t **p, const uint8_t *e, uint8_t *tag, const uint8_t **val,
    size_t *len)
{
	const uint8_t *q = *p;
	size_t l;

	if (e - q < 2)
		return -1;
	*tag = q[0];
	l = q[1];
	q += 2;
	if (l == 0x81) {
		if (e - q < 1)
			return -1;
		l = q[0];
		q += 1;
	} else if (l == 0x82) {
		if (e - q < 2)
			return -1;
		l = (size_t)q[0] << 8 | q[1];
		q += 2;
	} else if (l > 0x7f)
		return -1;
	if ((size_t)(e - q) < l)
		return -1;
	*val = q;
	*len = l;
	*p = q + l;
	return 0;
}

enum hostile_mode {
	HOSTILE_LOOP,      /* every walk answers the same row again */
	HOSTILE_BACKWARDS, /* every walk answers a row before the one asked */
	HOSTILE_STALL,  /* the first walk request is answered, then silence */
	HOSTILE_TOOBIG, /* tooBig to GETBULK asking for more than 4 rows */
	/* Walks answered well (two interface MACs); under enterprises: */
	HOSTILE_PRIVATE_LOOP,    /* always the same object of 2011 */
	HOSTILE_PRIVATE_ENDLESS, /* a subtree under every number from 2011 */
	HOSTILE_PRIVATE_SILENT,  /* 2011 first, then silence */
};

static const uint8_t oid_sysdescr[] = { 0x2b, 6, 1, 2, 1, 1, 1, 0 };
static const uint8_t oid_ifphys[] = { 0x2b, 6, 1, 2, 1, 2, 2, 1, 6 };
static const uint8_t oid_enterprises[] = { 0x2b, 6, 1, 4, 1 };

/* One varbind: OID content oid/oidlen, then an encoded value. */
static size_t
varbind(uint8_t *out, const uint8_t *oid, size_t oidlen, const uint8_t *value,
    size_t vlen)
{
	size_t n = 0;

	n += ber_header(out + n, 0x06, oidlen);
	memcpy(out + n, oid, oidlen);
	n += oidlen;
	memcpy(out + n, value, vlen);
	n += vlen;
	return ber_wrap(out, n, 0x30);
}

/* BER content of the OID 1.3.6.1.4.1.pen.1 into out; its length. */
static size_t
enterprise_oid(uint32_t pen, uint8_t *out)
{
	size_t n = sizeof(oid_enterprises), k = 0;
	uint8_t b[5];

	memcpy(out, oid_enterprises, n);
	do
		b[k++] = (uint8_t)(pen & 0x7f);
	while ((pen >>= 7) != 0);
	while (k-- > 0)
		out[n++] = (uint8_t)(b[k] | (k > 0 ? 0x80 : 0));
	out[n++] = 1;
	return n;
}

/* The enterprise number after enterprises in a request's OID content
 * (0 when the OID is enterprises itself). */
static uint32_t
enterprise_of(const uint8_t *oid, size_t oidlen)
{
	uint32_t pen = 0;

	for (size_t i = sizeof(oid_enterprises); i < oidlen; i++) {
		pen = pen << 7 | (oid[i] & 0x7f);
		if ((oid[i] & 0x80) == 0)
			break;
	}
	return pen;
}

/*
 * An answer to the private MIB discovery (a GETNEXT under enterprises) in
 * one of the HOSTILE_PRIVATE_ modes; 0: no answer.
 */
static size_t
private_answer(enum hostile_mode mode, const uint8_t *oid, size_t oidlen,
    uint8_t *out)
{
	static const uint8_t one[] = { 0x02, 1, 1 };
	bool first = oidlen == sizeof(oid_enterprises);
	uint8_t name[16];

	if (mode == HOSTILE_PRIVATE_SILENT && !first)
		return 0;
	if (mode == HOSTILE_PRIVATE_ENDLESS && !first)
		return varbind(out, name,
		    enterprise_oid(enterprise_of(oid, oidlen), name), one,
		    sizeof(one));
	return varbind(out, name, enterprise_oid(2011, name), one, sizeof(one));
}

static size_t
hostile_answer(enum hostile_mode mode, unsigned *walks, const uint8_t *req,
    size_t reqlen, uint8_t *out)
{
	const uint8_t *p = req, *e = req + reqlen, *v, *msg, *pdu, *vbl, *vb;
	const uint8_t *version, *comm, *reqid, *oid = NULL;
	size_t l, vlen, clen, rlen, pdulen, vbllen, oidlen = 0, n = 0;
	uint8_t tag, ptag, body[2048], errstat = 0, maxrep;
	static const uint8_t mac[] = { 0x04, 6, 0x00, 0x25, 0x9e, 0xee, 0xee,
		0x01 };
	static const uint8_t text[] = { 0x04, 11, 'H', 'o', 's', 't', 'i', 'l',
		'e', ' ', 'b', 'o', 'x' };
	static const uint8_t nosuch[] = { 0x80, 0 }, eom[] = { 0x82, 0 };
	static const uint8_t null[] = { 0x05, 0 };
	static const uint8_t zero[] = { 0x02, 1, 0 };

	if (ber_read(&p, e, &tag, &msg, &l) < 0 || tag != 0x30)
		return 0;
	e = msg + l;
	p = msg;
	if (ber_read(&p, e, &tag, &version, &vlen) < 0 || tag != 0x02)
		return 0;
	if (ber_read(&p, e, &tag, &comm, &clen) < 0 || tag != 0x04)
		return 0;
	if (ber_read(&p, e, &ptag, &pdu, &pdulen) < 0)
		return 0;
	p = pdu;
	e = pdu + pdulen;
	if (ber_read(&p, e, &tag, &reqid, &rlen) < 0 || tag != 0x02)
		return 0;
	if (ber_read(&p, e, &tag, &v, &l) < 0 ||
	    ber_read(&p, e, &tag, &v, &l) < 0)
		return 0;
	/* GETBULK: the second of these is max-repetitions (one byte here). */
	maxrep = l == 1 ? v[0] : 255;
	if (ber_read(&p, e, &tag, &vbl, &vbllen) < 0 || tag != 0x30)
		return 0;
	p = vbl;
	if (ber_read(&p, vbl + vbllen, &tag, &vb, &l) == 0 && tag == 0x30) {
		const uint8_t *q = vb;

		if (ber_read(&q, vb + l, &tag, &oid, &oidlen) < 0 ||
		    tag != 0x06)
			return 0;
	}
	if (oid == NULL)
		return 0;

	if (ptag == 0xa0) {
		/* GET: every scalar asked, sysDescr a value, the rest
		 * noSuchObject. */
		p = vbl;
		while (p < vbl + vbllen) {
			const uint8_t *q, *o;
			size_t ol;

			if (ber_read(&p, vbl + vbllen, &tag, &vb, &l) < 0)
				return 0;
			q = vb;
			if (ber_read(&q, vb + l, &tag, &o, &ol) < 0 || ol > 64)
				return 0;
			if (ol == sizeof(oid_sysdescr) &&
			    memcmp(o, oid_sysdescr, ol) == 0)
				n += varbind(body + n, o, ol, text,
				    sizeof(text));
			else
				n += varbind(body + n, o, ol, nosuch,
				    sizeof(nosuch));
		}
	} else {
		bool ifphys = oidlen >= sizeof(oid_ifphys) &&
		    memcmp(oid, oid_ifphys, sizeof(oid_ifphys)) == 0;
		bool private = mode >= HOSTILE_PRIVATE_LOOP;
		uint8_t row[16];

		memcpy(row, oid_ifphys, sizeof(oid_ifphys));
		/* The discovery's GETNEXT; v2c walks are GETBULKs. */
		if (private && ptag == 0xa1 &&
		    oidlen >= sizeof(oid_enterprises) &&
		    memcmp(oid, oid_enterprises, sizeof(oid_enterprises)) ==
			0) {
			if ((n = private_answer(mode, oid, oidlen, body)) == 0)
				return 0;
		} else if (private && oidlen == sizeof(oid_ifphys)) {
			/* ifPhysAddress.1 and .2, then the end of the view. */
			for (uint8_t k = 1; k <= 2; k++) {
				row[sizeof(oid_ifphys)] = k;
				n += varbind(body + n, row,
				    sizeof(oid_ifphys) + 1, mac, sizeof(mac));
			}
			n += varbind(body + n, row, sizeof(oid_ifphys) + 1, eom,
			    sizeof(eom));
		} else if (!ifphys || private)
			n += varbind(body, oid, oidlen > 64 ? 64 : oidlen, eom,
			    sizeof(eom));
		else if (mode == HOSTILE_STALL) {
			/* ifPhysAddress.1 and .2, then nothing more. */
			if ((*walks)++ > 0)
				return 0;
			row[sizeof(oid_ifphys)] = 1;
			n += varbind(body, row, sizeof(oid_ifphys) + 1, mac,
			    sizeof(mac));
			row[sizeof(oid_ifphys)] = 2;
			n += varbind(body + n, row, sizeof(oid_ifphys) + 1, mac,
			    sizeof(mac));
		} else if (mode == HOSTILE_TOOBIG) {
			if (maxrep > 4) {
				errstat = 1;
				n += varbind(body, oid,
				    oidlen > 64 ? 64 : oidlen, null,
				    sizeof(null));
			} else if (oidlen == sizeof(oid_ifphys)) {
				/* ifPhysAddress.1 to .3, then the end of the
				 * view. */
				for (uint8_t k = 1; k <= 3; k++) {
					row[sizeof(oid_ifphys)] = k;
					n += varbind(body + n, row,
					    sizeof(oid_ifphys) + 1, mac,
					    sizeof(mac));
				}
			} else
				n += varbind(body, oid,
				    oidlen > 64 ? 64 : oidlen, eom,
				    sizeof(eom));
		} else if (mode == HOSTILE_BACKWARDS) {
			/* ifPhysAddress.5 first, then .1 in answer to anything
			 * past it. */
			row[sizeof(oid_ifphys)] =
			    oidlen > sizeof(oid_ifphys) ? 1 : 5;
			n += varbind(body, row, sizeof(oid_ifphys) + 1, mac,
			    sizeof(mac));
		} else {
			/* ifPhysAddress.5, and again, and again. */
			row[sizeof(oid_ifphys)] = 5;
			n += varbind(body, row, sizeof(oid_ifphys) + 1, mac,
			    sizeof(mac));
			n += varbind(body + n, row, sizeof(oid_ifphys) + 1, mac,
			    sizeof(mac));
		}
	}
	n = ber_wrap(body, n, 0x30);
	/* PDU: request-id, error-status 0, error-index 0, varbinds. */
	{
		uint8_t hdr[64];
		size_t h = 0;

		h += ber_header(hdr, 0x02, rlen);
		memcpy(hdr + h, reqid, rlen);
		h += rlen;
		memcpy(hdr + h, zero, 3);
		hdr[h + 2] = errstat;
		h += 3;
		memcpy(hdr + h, zero, 3);
		h += 3;
		memmove(body + h, body, n);
		memcpy(body, hdr, h);
		n = ber_wrap(body, n + h, 0xa2);
	}
	{
		size_t h = 0;

		h += ber_header(out, 0x02, vlen);
		memcpy(out + h, version, vlen);
		h += vlen;
		h += ber_header(out + h, 0x04, clen);
		memcpy(out + h, comm, clen);
		h += clen;
		memcpy(out + h, body, n);
		return ber_wrap(out, h + n, 0x30);
	}
}

/* Serve mode on addr:port in a child until killed; returns its pid. */
static pid_t
hostile_start(const char *addr, uint16_t port, enum hostile_mode mode)
{
	struct sockaddr_in sin;
	int fd, ready[2];
	pid_t pid;
	char c;

	ck_assert_int_eq(pipe(ready), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		unsigned walks = 0;

		/* check's SIGTERM handler would take the test down with us. */
		signal(SIGTERM, SIG_DFL);
		close(ready[0]);
		fd = socket(AF_INET, SOCK_DGRAM, 0);
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		sin.sin_port = htons(port);
		inet_pton(AF_INET, addr, &sin.sin_addr);
		if (fd < 0 ||
		    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0)
			_exit(1);
		if (write(ready[1], "r", 1) != 1)
			_exit(1);
		for (;;) {
			uint8_t req[4096], out[4096];
			struct sockaddr_in from;
			socklen_t fl = sizeof(from);
			ssize_t r = recvfrom(fd, req, sizeof(req), 0,
			    (struct sockaddr *)&from, &fl);
			size_t n;

			if (r <= 0)
				continue;
			n = hostile_answer(mode, &walks, req, (size_t)r, out);
			if (n > 0)
				sendto(fd, out, n, 0, (struct sockaddr *)&from,
				    fl);
		}
	}
	close(ready[1]);
	/* Readiness: the child writes once its socket is bound. */
	ck_assert_int_eq(read(ready[0], &c, 1), 1);
	close(ready[0]);
	return pid;
}

static void
hostile_stop(pid_t pid)
{
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
}

START_TEST(test_oid_loop)
{
	struct sweep_cred t = community("x", NULL);
	struct collect c;
	struct sweep *sw;
	struct sweep_stats st;
	const struct element *e;
	pid_t loop = hostile_start("127.0.2.1", 16162, HOSTILE_LOOP);
	pid_t back = hostile_start("127.0.2.2", 16162, HOSTILE_BACKWARDS);

	sw = sweep_for(&c, 1000, 0, 100000);
	add(sw, "127.0.2.1:16162", &t);
	add(sw, "127.0.2.2:16162", &t);
	ck_assert_int_eq(sweep_run(sw), 0);
	sweep_stats(sw, &st);
	ck_assert_uint_eq(st.answered, 2);
	e = element_at(&c, "127.0.2.1");
	ck_assert_str_eq(e->s->sys_descr, "Hostile box");
	ck_assert(has_input(e->s, EV_OUI, "00:25:9e:ee:ee:01"));
	ck_assert_ptr_nonnull(
	    strstr(e->detail, "ifPhysAddress: non-increasing OID, 1 rows"));
	ck_assert_ptr_nonnull(
	    strstr(e->detail, "entPhysicalClass: endOfMibView, 0 rows"));
	ck_assert_ptr_nonnull(strstr(e->detail,
	    "private MIBs: endOfMibView, 1 requests, found none"));
	ck_assert_uint_eq(count_inputs(e->s, EV_PRIVATE_MIB), 0);
	ck_assert_uint_eq(e->notes & SWEEP_NOTE_PRIVATE_MIB, 0);
	e = element_at(&c, "127.0.2.2");
	ck_assert_ptr_nonnull(
	    strstr(e->detail, "ifPhysAddress: non-increasing OID, 1 rows"));
	hostile_stop(loop);
	hostile_stop(back);
	collect_free(&c);
	sweep_free(sw);
}
END_TEST

START_TEST(test_stall_mid_walk)
{
	struct sweep_cred t = community("x", NULL);
	struct collect c;
	struct sweep *sw;
	const struct element *e;
	pid_t pid = hostile_start("127.0.2.3", 16162, HOSTILE_STALL);
	int64_t t0 = clock_ms(), dt;

	sw = sweep_for(&c, 300, 1, 100000);
	add(sw, "127.0.2.3:16162", &t);
	ck_assert_int_eq(sweep_run(sw), 0);
	dt = clock_ms() - t0;
	/* What came before the silence is still delivered. */
	e = element_at(&c, "127.0.2.3");
	ck_assert_str_eq(e->s->sys_descr, "Hostile box");
	ck_assert(has_input(e->s, EV_OUI, "00:25:9e:ee:ee:01"));
	ck_assert_ptr_nonnull(
	    strstr(e->detail, "ifPhysAddress: timeout mid-walk, 2 rows"));
	ck_assert_uint_eq(c.n_fail, 0);
	/* One timeout with its retry: 600 ms at least (no upper bound: a
	 * busy machine may take longer). */
	ck_assert_int_ge(dt, 550);
	hostile_stop(pid);
	collect_free(&c);
	sweep_free(sw);
}
END_TEST

START_TEST(test_too_big)
{
	struct sweep_cred t = community("x", NULL);
	struct collect c;
	struct sweep *sw;
	const struct element *e;
	pid_t pid = hostile_start("127.0.2.4", 16162, HOSTILE_TOOBIG);

	sw = sweep_for(&c, 1000, 0, 100000);
	add(sw, "127.0.2.4:16162", &t);
	ck_assert_int_eq(sweep_run(sw), 0);
	e = element_at(&c, "127.0.2.4");
	/* tooBig: asked again for fewer rows until the answer fits. */
	ck_assert_ptr_nonnull(
	    strstr(e->detail, "ifPhysAddress: endOfMibView, 3 rows"));
	ck_assert(has_input(e->s, EV_OUI, "00:25:9e:ee:ee:01"));
	hostile_stop(pid);
	collect_free(&c);
	sweep_free(sw);
}
END_TEST

/* What the walks of a HOSTILE_PRIVATE_ agent give, whatever its private MIB
 * discovery did. */
static void
assert_walks_kept(const struct element *e)
{
	ck_assert_str_eq(e->s->sys_descr, "Hostile box");
	ck_assert(has_input(e->s, EV_OUI, "00:25:9e:ee:ee:01"));
	ck_assert_msg(strstr(e->detail, "ifPhysAddress: endOfMibView, 2 rows"),
	    "detail: %s", e->detail);
	ck_assert_ptr_nonnull(
	    strstr(e->detail, "dot1qTpFdbPort: endOfMibView"));
}

START_TEST(test_private_loop_and_endless)
{
	struct sweep_cred t = community("x", NULL);
	struct collect c;
	struct sweep *sw;
	struct sweep_stats loop_st, endless_st;
	const struct element *e;
	pid_t loop = hostile_start("127.0.2.6", 16162, HOSTILE_PRIVATE_LOOP);
	pid_t endless =
	    hostile_start("127.0.2.7", 16162, HOSTILE_PRIVATE_ENDLESS);

	/* A loop: 2011 again when asked past it. */
	sw = sweep_for(&c, 1000, 0, 100000);
	add(sw, "127.0.2.6:16162", &t);
	ck_assert_int_eq(sweep_run(sw), 0);
	sweep_stats(sw, &loop_st);
	e = element_at(&c, "127.0.2.6");
	ck_assert_msg(strstr(e->detail,
			  "private MIBs: non-increasing OID, 2 requests, "
			  "found 2011") != NULL,
	    "detail: %s", e->detail);
	ck_assert(has_input(e->s, EV_PRIVATE_MIB, "1.3.6.1.4.1.2011"));
	ck_assert_uint_eq(count_inputs(e->s, EV_PRIVATE_MIB), 1);
	ck_assert_uint_eq(e->notes, SWEEP_NOTE_PRIVATE_MIB);
	assert_walks_kept(e);
	collect_free(&c);
	sweep_free(sw);

	/* Endless: a subtree under every number, cut at the request bound. */
	sw = sweep_for(&c, 1000, 0, 100000);
	add(sw, "127.0.2.7:16162", &t);
	ck_assert_int_eq(sweep_run(sw), 0);
	sweep_stats(sw, &endless_st);
	e = element_at(&c, "127.0.2.7");
	ck_assert_msg(strstr(e->detail,
			  "private MIBs: request bound, 8 requests, found "
			  "2011 2012 2013 2014 2015 2016 2017 2018") != NULL,
	    "detail: %s", e->detail);
	ck_assert_uint_eq(count_inputs(e->s, EV_PRIVATE_MIB), 8);
	ck_assert(has_input(e->s, EV_PRIVATE_MIB, "1.3.6.1.4.1.2018"));
	ck_assert_uint_eq(e->notes, SWEEP_NOTE_PRIVATE_MIB);
	assert_walks_kept(e);
	/* The same walks, and the system GET: 8 discovery requests against
	 * the loop's 2, nothing more. */
	ck_assert_uint_eq(endless_st.requests - 1 - 8,
	    loop_st.requests - 1 - 2);
	hostile_stop(loop);
	hostile_stop(endless);
	collect_free(&c);
	sweep_free(sw);
}
END_TEST

START_TEST(test_private_silence)
{
	struct sweep_cred t = community("x", NULL);
	struct collect c;
	struct sweep *sw;
	const struct element *e;
	pid_t pid = hostile_start("127.0.2.8", 16162, HOSTILE_PRIVATE_SILENT);

	/* Silent after the first subtree: the walks are still asked. */
	sw = sweep_for(&c, 300, 1, 100000);
	add(sw, "127.0.2.8:16162", &t);
	ck_assert_int_eq(sweep_run(sw), 0);
	ck_assert_uint_eq(c.n_fail, 0);
	e = element_at(&c, "127.0.2.8");
	ck_assert_msg(strstr(e->detail,
			  "private MIBs: timeout, 2 requests, found 2011") !=
		NULL,
	    "detail: %s", e->detail);
	ck_assert(has_input(e->s, EV_PRIVATE_MIB, "1.3.6.1.4.1.2011"));
	ck_assert_uint_eq(e->notes, SWEEP_NOTE_PRIVATE_MIB);
	assert_walks_kept(e);
	hostile_stop(pid);
	collect_free(&c);
	sweep_free(sw);
}
END_TEST

/* A daemon stopping mid-sweep frees it with requests in flight. */
START_TEST(test_free_mid_sweep)
{
	struct sweep_cred t = community("x", NULL);
	struct sweep_cred v3 = usm("auditor", "SHA-256", "auth-secret-1",
	    "AES-128", "priv-secret-1");
	struct collect c;
	struct sweep *sw;
	struct pollfd *fds;
	size_t n;
	int timeout;
	pid_t pid = hostile_start("127.0.2.5", 16162, HOSTILE_STALL);

	sw = sweep_for(&c, 5000, 1, 100000);
	add(sw, "127.0.2.5:16162", &t);
	add(sw, "127.0.11.0/28:16199", &t);
	add(sw, "127.0.12.1:16199", &v3);
	for (int round = 0; round < 3; round++) {
		ck_assert_int_eq(sweep_pollfds(sw, &fds, &n, &timeout), 0);
		ck_assert_uint_eq(n, 16);
		ck_assert_int_gt(timeout, 0);
		ck_assert_int_ge(poll(fds, n, 200), 0);
		ck_assert_int_eq(sweep_handle(sw, fds, n), 0);
	}
	ck_assert(!sweep_done(sw));
	sweep_free(sw);
	/* Nothing was delivered, and nothing is left behind (ASan). */
	ck_assert_uint_eq(c.n_el + c.n_fail, 0);
	hostile_stop(pid);
}
END_TEST

/* ---- targets nobody answers ------------------------------------------ */

START_TEST(test_silent_target)
{
	struct sweep_cred t = community("x", NULL);
	struct collect c;
	struct sweep *sw;
	struct sweep_stats st;
	const struct failure *f;
	int64_t t0 = clock_ms(), dt;

	sw = sweep_for(&c, 400, 1, 100000);
	add(sw, "127.0.9.9:16199", &t);
	ck_assert_int_eq(sweep_run(sw), 0);
	dt = clock_ms() - t0;
	sweep_stats(sw, &st);
	ck_assert_uint_eq(st.failed, 1);
	ck_assert_uint_eq(st.answered, 0);
	f = failure_at(&c, "127.0.9.9");
	ck_assert_uint_eq(f->port, 16199);
	ck_assert_str_eq(f->reason, "timeout");
	ck_assert_ptr_null(f->engine_id);
	/* timeout x (retries + 1) at least */
	ck_assert_int_ge(dt, 780);
	collect_free(&c);
	sweep_free(sw);
}
END_TEST

START_TEST(test_many_silent_targets)
{
	struct sweep_cred t = community("x", NULL);
	struct sweep *sw;
	struct sweep_stats st;
	struct sweep_params p;
	struct pollfd *fds;
	size_t n;
	int timeout;
	int64_t t0 = clock_ms(), dt;

	/* 254 silent targets at once: all in flight together, so the sweep
	 * costs one timeout period, not 254. */
	sweep_params_init(&p);
	p.timeout_ms = 300;
	p.retries = 1;
	sw = sweep_new(&p, NULL, NULL);
	add(sw, "127.0.10.0/24:16199", &t);
	ck_assert_int_eq(sweep_pollfds(sw, &fds, &n, &timeout), 0);
	ck_assert_uint_eq(n, 254);
	ck_assert_int_eq(sweep_run(sw), 0);
	dt = clock_ms() - t0;
	sweep_stats(sw, &st);
	ck_assert_uint_eq(st.targets, 254);
	ck_assert_uint_eq(st.failed, 254);
	ck_assert_uint_eq(st.requests, 254);
	ck_assert_int_ge(dt, 580);
	sweep_free(sw);
}
END_TEST

/* net-snmp's set-up takes the environment's LC_CTYPE; the sweep puts the
 * program's back, so that the classifier's patterns (regex, case folding)
 * mean the same before and after the first sweep, whatever the locale. */
START_TEST(test_sweep_keeps_the_locale)
{
	struct sweep *sw;

	/* Debian always has C.UTF-8. */
	setenv("LC_ALL", "C.UTF-8", 1);
	setlocale(LC_CTYPE, "C");
	sw = sweep_new(NULL, NULL, NULL);
	ck_assert_str_eq(setlocale(LC_CTYPE, NULL), "C");
	sweep_free(sw);
}
END_TEST

START_TEST(test_target_specs)
{
	struct sweep_cred t = community("x", NULL);
	struct collect c;
	struct sweep *sw;
	struct sweep_stats st;
	char err[256];

	sw = sweep_for(&c, 100, 0, 10);
	ck_assert_int_eq(sweep_add(sw, sweep_cred_add(sw, &t), "127.0.3.0/24",
			     err, sizeof(err)),
	    0);
	ck_assert_int_eq(sweep_add(sw, sweep_cred_add(sw, &t), "127.0.4.0/31",
			     err, sizeof(err)),
	    0);
	ck_assert_int_eq(sweep_add(sw, sweep_cred_add(sw, &t), "127.0.4.9:1161",
			     err, sizeof(err)),
	    0);
	ck_assert_int_eq(sweep_add(sw, sweep_cred_add(sw, &t), "[::1]:1161",
			     err, sizeof(err)),
	    0);
	ck_assert_int_eq(sweep_add(sw, sweep_cred_add(sw, &t), "::1", err,
			     sizeof(err)),
	    0);
	sweep_stats(sw, &st);
	ck_assert_uint_eq(st.targets, 254 + 2 + 1 + 1 + 1);
	ck_assert_int_eq(sweep_add(sw, sweep_cred_add(sw, &t),
			     "127.0.4.9:99999", err, sizeof(err)),
	    -1);
	ck_assert_ptr_nonnull(strstr(err, "127.0.4.9:99999"));
	ck_assert_int_eq(sweep_add(sw, sweep_cred_add(sw, &t), "not-an-address",
			     err, sizeof(err)),
	    -1);
	ck_assert_int_eq(sweep_add(sw, sweep_cred_add(sw, &t), "127.0.4.1/24",
			     err, sizeof(err)),
	    -1);
	ck_assert_int_eq(sweep_add(sw, sweep_cred_add(sw, &t), "2001:db8::/32",
			     err, sizeof(err)),
	    -1);
	sweep_stats(sw, &st);
	ck_assert_uint_eq(st.targets, 259);
	sweep_free(sw);
}
END_TEST

Suite *snmp_suite(void);

Suite *
snmp_suite(void)
{
	Suite *s = suite_create("snmp");
	TCase *tc;

	tc = tcase_create("hostile");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_oid_loop);
	tcase_add_test(tc, test_stall_mid_walk);
	tcase_add_test(tc, test_too_big);
	tcase_add_test(tc, test_private_loop_and_endless);
	tcase_add_test(tc, test_private_silence);
	tcase_add_test(tc, test_free_mid_sweep);
	suite_add_tcase(s, tc);

	tc = tcase_create("targets");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_silent_target);
	tcase_add_test(tc, test_many_silent_targets);
	tcase_add_test(tc, test_sweep_keeps_the_locale);
	tcase_add_test(tc, test_target_specs);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr;
	int failed;

	log_init("check_snmp", LOG_DEST_STDERR,
	    getenv("CHECK_SNMP_VERBOSE") != NULL ? 2 : 0);
	sr = srunner_create(snmp_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
