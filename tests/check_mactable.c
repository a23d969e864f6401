/*
 * Unit tests of the capture hot path's MAC table: what reaches the store
 * (new MACs, new addresses, new content, periodic refreshes) and that
 * memory stays within its bound.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probes/mactable.h"
#include "common/util.h"
#include "tests/lib/testenv.h"

static void
mac_of(uint32_t i, uint8_t m[6])
{
	/* Vary the OUI too, so the hash cannot lean on the low bytes only. */
	m[0] = 0x00;
	m[1] = (uint8_t)(i >> 24);
	m[2] = (uint8_t)(i * 7);
	m[3] = (uint8_t)(i >> 16);
	m[4] = (uint8_t)(i >> 8);
	m[5] = (uint8_t)i;
}

START_TEST(test_first_sighting_is_new_then_known)
{
	struct mactable *t = mactable_new(100, 3600);
	uint8_t m[6] = { 0x00, 0x25, 0x9e, 1, 2, 3 };

	ck_assert_int_eq(mactable_touch(t, m, 1000), MAC_NEW);
	ck_assert_int_eq(mactable_touch(t, m, 1001), MAC_KNOWN);
	ck_assert_int_eq(mactable_touch(t, m, 1500), MAC_KNOWN);
	ck_assert_uint_eq(mactable_count(t), 1);
	mactable_free(t);
}
END_TEST

START_TEST(test_last_seen_refresh_is_due_once_per_interval)
{
	struct mactable *t = mactable_new(100, 60);
	uint8_t m[6] = { 0x00, 0x18, 0xba, 1, 2, 3 };

	ck_assert_int_eq(mactable_touch(t, m, 1000), MAC_NEW);
	ck_assert_int_eq(mactable_touch(t, m, 1059), MAC_KNOWN);
	ck_assert_int_eq(mactable_touch(t, m, 1060), MAC_REFRESH);
	ck_assert_int_eq(mactable_touch(t, m, 1061), MAC_KNOWN);
	ck_assert_int_eq(mactable_touch(t, m, 1119), MAC_KNOWN);
	ck_assert_int_eq(mactable_touch(t, m, 1120), MAC_REFRESH);
	/* A clock that steps back by less than the interval changes nothing;
	 * a frame older by a whole interval (an older capture read later)
	 * is news once, then counts from there. */
	ck_assert_int_eq(mactable_touch(t, m, 1061), MAC_KNOWN);
	ck_assert_int_eq(mactable_touch(t, m, 1060), MAC_REFRESH);
	ck_assert_int_eq(mactable_touch(t, m, 1030), MAC_KNOWN);
	ck_assert_int_eq(mactable_touch(t, m, 1125), MAC_REFRESH);
	mactable_free(t);
}
END_TEST

/* What the store already holds is not news: a known MAC, its address and
 * its content; a refresh falls due from when the store last heard of it. */
START_TEST(test_known_macs_start_from_what_the_store_holds)
{
	struct mactable *t = mactable_new(2, 3600);
	uint8_t a[6] = { 0x00, 0xe0, 0xfc, 1, 2, 3 };
	uint8_t b[6] = { 0x00, 0xe0, 0xfc, 1, 2, 4 };
	uint8_t c[6] = { 0x00, 0xe0, 0xfc, 1, 2, 5 };
	uint32_t d = mactable_digest("cam-1", 5, 0) & MACTABLE_DIGEST_MASK;
	const uint32_t dhcp_only[MACTABLE_PROTOS] = {
		MACTABLE_NO_DIGEST,
		MACTABLE_NO_DIGEST,
		d,
	};
	const uint32_t none[MACTABLE_PROTOS] = {
		MACTABLE_NO_DIGEST,
		MACTABLE_NO_DIGEST,
		MACTABLE_NO_DIGEST,
	};

	const uint32_t ips[2] = { 0x0100000a, 0x0300000a };

	ck_assert(mactable_know(t, a, 1795000000, ips, 2, dhcp_only));
	ck_assert(mactable_know(t, b, 1795000000, NULL, 0, none));
	/* Full: the store may hold more than the table takes. */
	ck_assert(!mactable_know(t, c, 1795000000, NULL, 0, none));
	ck_assert_uint_eq(mactable_count(t), 2);
	ck_assert_uint_eq(mactable_seen(t), 0);
	ck_assert_int_eq(mactable_touch(t, a, 1795000100), MAC_KNOWN);
	ck_assert_uint_eq(mactable_seen(t), 1);
	ck_assert_int_eq(mactable_touch(t, a, 1795000101), MAC_KNOWN);
	ck_assert_uint_eq(mactable_seen(t), 1);
	ck_assert(!mactable_note_ipv4(t, a, 0x0100000a));
	ck_assert(!mactable_note_ipv4(t, a, 0x0300000a));
	ck_assert(!mactable_note_content(t, a, MACTABLE_DHCP, d));
	ck_assert(mactable_note_content(t, a, MACTABLE_LLDP, d));
	ck_assert(mactable_note_ipv4(t, b, 0x0200000a));
	/* The same capture again: nothing is news. */
	ck_assert_int_eq(mactable_touch(t, b, 1794999000), MAC_KNOWN);
	/* An hour after the store last heard of it. */
	ck_assert_int_eq(mactable_touch(t, a, 1795003600), MAC_REFRESH);
	/* A capture from the day before. */
	ck_assert_int_eq(mactable_touch(t, b, 1794913600), MAC_REFRESH);
	mactable_free(t);
}
END_TEST

START_TEST(test_new_address_and_new_content_are_reported_once)
{
	struct mactable *t = mactable_new(100, 3600);
	uint8_t m[6] = { 0x00, 0x0c, 0x29, 1, 2, 3 };
	uint32_t d1 = mactable_digest("S1.cisco.com", 12, 0);
	uint32_t d2 = mactable_digest("S2.cisco.com", 12, 0);

	mactable_touch(t, m, 10);
	ck_assert(mactable_note_ipv4(t, m, 0x0a000001));
	ck_assert(!mactable_note_ipv4(t, m, 0x0a000001));
	ck_assert(mactable_note_ipv4(t, m, 0x0a000002));
	/* A host with two addresses (its own and a link-local one, say):
	 * going back and forth is no news. */
	for (int i = 0; i < 3; i++) {
		ck_assert(!mactable_note_ipv4(t, m, 0x0a000001));
		ck_assert(!mactable_note_ipv4(t, m, 0x0a000002));
	}
	ck_assert(d1 != d2);
	ck_assert(mactable_note_content(t, m, MACTABLE_LLDP, d1));
	ck_assert(!mactable_note_content(t, m, MACTABLE_LLDP, d1));
	ck_assert(mactable_note_content(t, m, MACTABLE_LLDP, d2));
	/* Each protocol on its own: CDP and LLDP of one port, then DHCP. */
	ck_assert(mactable_note_content(t, m, MACTABLE_CDP, d1));
	for (int i = 0; i < 3; i++) {
		ck_assert(!mactable_note_content(t, m, MACTABLE_LLDP, d2));
		ck_assert(!mactable_note_content(t, m, MACTABLE_CDP, d1));
	}
	ck_assert(mactable_note_content(t, m, MACTABLE_DHCP, d1));
	ck_assert(!mactable_note_content(t, m, MACTABLE_DHCP, d1));
	ck_assert(mactable_note_content(t, m, MACTABLE_CDP, d2));
	ck_assert(!mactable_note_content(t, m, MACTABLE_LLDP, d2));
	mactable_free(t);
}
END_TEST

START_TEST(test_a_forgotten_mac_is_news_again_and_the_rest_stay)
{
	const uint32_t n = 5000;
	struct mactable *t = mactable_new(n, 3600);
	uint8_t m[6], gone[6];
	uint32_t d = mactable_digest("S1.cisco.com", 12, 0);

	for (uint32_t i = 0; i < n; i++) {
		mac_of(i, m);
		ck_assert_int_eq(mactable_touch(t, m, 100), MAC_NEW);
		mactable_note_ipv4(t, m, 0x0a000000 + i);
	}
	mac_of(1234, gone);
	mactable_note_ipv4(t, gone, 0x0b000001); /* a second address */
	mactable_note_content(t, gone, MACTABLE_CDP, d);
	ck_assert(mactable_forget(t, gone));
	ck_assert(!mactable_forget(t, gone));
	ck_assert_uint_eq(mactable_count(t), n - 1);
	/* Every other MAC is still found, with what it told. */
	for (uint32_t i = 0; i < n; i++) {
		if (i == 1234)
			continue;
		mac_of(i, m);
		ck_assert_int_eq(mactable_touch(t, m, 101), MAC_KNOWN);
		ck_assert(!mactable_note_ipv4(t, m, 0x0a000000 + i));
	}
	/* The forgotten one is new, and so are its addresses and content. */
	ck_assert_int_eq(mactable_touch(t, gone, 102), MAC_NEW);
	ck_assert(mactable_note_ipv4(t, gone, 0x0a000000 + 1234));
	ck_assert(mactable_note_ipv4(t, gone, 0x0b000001));
	ck_assert(mactable_note_content(t, gone, MACTABLE_CDP, d));
	ck_assert(!mactable_note_content(t, gone, MACTABLE_CDP, d));
	ck_assert_uint_eq(mactable_count(t), n);
	mactable_free(t);
}
END_TEST

START_TEST(test_many_macs_all_found_again)
{
	const uint32_t n = 200000;
	struct mactable *t = mactable_new(n, 3600);
	uint8_t m[6];

	for (uint32_t i = 0; i < n; i++) {
		mac_of(i, m);
		ck_assert_int_eq(mactable_touch(t, m, 5), MAC_NEW);
	}
	ck_assert_uint_eq(mactable_count(t), n);
	for (uint32_t i = 0; i < n; i++) {
		mac_of(i, m);
		ck_assert_int_eq(mactable_touch(t, m, 6), MAC_KNOWN);
	}
	ck_assert_uint_eq(mactable_evictions(t), 0);
	mactable_free(t);
}
END_TEST

START_TEST(test_memory_stays_bounded_and_recent_macs_survive)
{
	const uint32_t max = 1000, n = 10000;
	struct mactable *t = mactable_new(max, 3600);
	size_t bound = mactable_max_bytes(t);
	uint8_t m[6];

	for (uint32_t i = 0; i < n; i++) {
		mac_of(i, m);
		mactable_touch(t, m, 100 + i);
		ck_assert_uint_le(mactable_bytes(t), bound);
	}
	ck_assert_uint_eq(mactable_count(t), max);
	ck_assert_uint_eq(mactable_evictions(t), n - max);
	/* The most recently seen tenth of the bound is still there. */
	for (uint32_t i = n - max / 10; i < n; i++) {
		mac_of(i, m);
		ck_assert_int_eq(mactable_touch(t, m, 100 + n), MAC_KNOWN);
	}
	/* An evicted MAC seen again is new again. */
	mac_of(0, m);
	ck_assert_int_eq(mactable_touch(t, m, 100 + n), MAC_NEW);
	mactable_free(t);
}
END_TEST

/* Room for what the store holds, made in one step: the MACs it then
 * knows fit without the table growing again, and are all known; room is
 * never made past the table's bound, nor taken back. */
START_TEST(test_room_made_at_once_holds_the_known_macs)
{
	const uint32_t n = 100000;
	const uint32_t none[MACTABLE_STORED] = { MACTABLE_NO_DIGEST,
		MACTABLE_NO_DIGEST, MACTABLE_NO_DIGEST };
	struct mactable *t = mactable_new(2 * n, 3600);
	struct mactable *small = mactable_new(10, 3600);
	size_t bytes;
	uint8_t m[6];

	mactable_reserve(t, n);
	bytes = mactable_bytes(t);
	ck_assert_uint_ge(bytes, (size_t)n * 2 * 24);
	ck_assert_uint_le(bytes, mactable_max_bytes(t));
	for (uint32_t i = 0; i < n; i++) {
		uint32_t ip = 0x0a000000u + i;

		mac_of(i, m);
		if (!mactable_know(t, m, 1795000000, &ip, 1, none))
			ck_abort_msg("MAC %u not taken", i);
	}
	ck_assert_uint_eq(mactable_bytes(t), bytes);
	ck_assert_uint_eq(mactable_count(t), n);
	for (uint32_t i = 0; i < n; i++) {
		mac_of(i, m);
		if (mactable_touch(t, m, 1795000100) != MAC_KNOWN)
			ck_abort_msg("MAC %u not known", i);
	}
	mactable_reserve(t, 10);
	ck_assert_uint_eq(mactable_bytes(t), bytes);
	mactable_reserve(small, 1000000);
	ck_assert_uint_le(mactable_bytes(small), mactable_max_bytes(small));
	mactable_free(t);
	mactable_free(small);
}
END_TEST

START_TEST(test_million_macs_fit_in_64_mib)
{
	struct mactable *t = mactable_new(1000000, 3600);

	ck_assert_uint_le(mactable_max_bytes(t), 64u * 1024 * 1024);
	/* An empty table holds little until MACs arrive. */
	ck_assert_uint_le(mactable_bytes(t), 1u << 20);
	mactable_free(t);
}
END_TEST

/*
 * The table as it was before keys and values were split: one 24-byte slot
 * per MAC, every stamp kept in the slot. The same hashing, probing, growth,
 * eviction sampling and refresh rule, written the plain way, so that the
 * split table can be held to answering exactly as it does.
 */
struct ref_slot {
	uint64_t key;
	uint32_t last_seen, last_told, ipv4, content;
	uint32_t more_ipv4[8]; /* the other addresses it used */
	size_t n_more;
};

struct ref_table {
	struct ref_slot *slots;
	size_t mask, max_slots, count, max;
	uint32_t refresh;
	int64_t epoch;
	bool epoch_set;
	uint64_t evictions, rng;
};

static uint64_t
ref_key(const uint8_t m[6])
{
	return UINT64_C(1) << 63 | (uint64_t)m[0] << 40 | (uint64_t)m[1] << 32 |
	    (uint64_t)m[2] << 24 | (uint64_t)m[3] << 16 | (uint64_t)m[4] << 8 |
	    (uint64_t)m[5];
}

static size_t
ref_slot_of(const struct ref_table *t, uint64_t key)
{
	return (size_t)((key * UINT64_C(0x9e3779b97f4a7c15)) >> 20) & t->mask;
}

static struct ref_table *
ref_new(size_t max, uint32_t refresh)
{
	struct ref_table *t = xcalloc(1, sizeof(*t));
	size_t n = 16;

	while (n < max * 2)
		n <<= 1;
	t->max_slots = n;
	if (n > 4096)
		n = 4096;
	t->slots = xcalloc(n, sizeof(*t->slots));
	t->mask = n - 1;
	t->max = max;
	t->refresh = refresh;
	t->rng = UINT64_C(0x2545f4914f6cdd1d);
	return t;
}

static void
ref_free(struct ref_table *t)
{
	free(t->slots);
	free(t);
}

static struct ref_slot *
ref_find(const struct ref_table *t, uint64_t key)
{
	for (size_t i = ref_slot_of(t, key);; i = (i + 1) & t->mask) {
		if (t->slots[i].key == key)
			return &t->slots[i];
		if (t->slots[i].key == 0)
			return NULL;
	}
}

static void
ref_evict(struct ref_table *t)
{
	size_t victim = SIZE_MAX, i, j;
	uint32_t oldest = UINT32_MAX;

	for (int probes = 0; probes < 8 || victim == SIZE_MAX;) {
		t->rng ^= t->rng << 13;
		t->rng ^= t->rng >> 7;
		t->rng ^= t->rng << 17;
		i = (size_t)t->rng & t->mask;
		if (t->slots[i].key == 0)
			continue;
		probes++;
		if (t->slots[i].last_seen <= oldest) {
			oldest = t->slots[i].last_seen;
			victim = i;
		}
	}
	i = j = victim;
	for (;;) {
		j = (j + 1) & t->mask;
		if (t->slots[j].key == 0)
			break;
		size_t home = ref_slot_of(t, t->slots[j].key);
		if (i <= j ? home <= i || home > j : home <= i && home > j) {
			t->slots[i] = t->slots[j];
			i = j;
		}
	}
	memset(&t->slots[i], 0, sizeof(t->slots[i]));
	t->count--;
	t->evictions++;
}

static enum mactable_news
ref_touch(struct ref_table *t, const uint8_t mac[6], int64_t now)
{
	uint64_t key = ref_key(mac);
	uint32_t ts;
	struct ref_slot *s;

	if (!t->epoch_set) {
		t->epoch = now;
		t->epoch_set = true;
	}
	ts = now <= t->epoch              ? 0
	    : now - t->epoch > UINT32_MAX ? UINT32_MAX
					  : (uint32_t)(now - t->epoch);
	s = ref_find(t, key);
	if (s != NULL) {
		if (ts > s->last_seen)
			s->last_seen = ts;
		if ((ts - s->last_told >= t->refresh && ts > s->last_told) ||
		    (s->last_told - ts >= t->refresh && ts < s->last_told)) {
			s->last_told = ts;
			return MAC_REFRESH;
		}
		return MAC_KNOWN;
	}
	if (t->count >= t->max)
		ref_evict(t);
	else if (t->count + 1 > (t->mask + 1) / 2 &&
	    t->mask + 1 < t->max_slots) {
		struct ref_slot *old = t->slots;
		size_t n = (t->mask + 1) * 2;

		t->slots = xcalloc(n, sizeof(*t->slots));
		t->mask = n - 1;
		for (size_t i = 0; i < n / 2; i++) {
			if (old[i].key == 0)
				continue;
			size_t j = ref_slot_of(t, old[i].key);
			while (t->slots[j].key != 0)
				j = (j + 1) & t->mask;
			t->slots[j] = old[i];
		}
		free(old);
	}
	size_t i = ref_slot_of(t, key);
	while (t->slots[i].key != 0)
		i = (i + 1) & t->mask;
	s = &t->slots[i];
	s->key = key;
	s->last_seen = s->last_told = ts;
	s->ipv4 = s->content = 0;
	s->n_more = 0;
	t->count++;
	return MAC_NEW;
}

static bool
ref_note(struct ref_table *t, const uint8_t mac[6], uint32_t v, bool content)
{
	struct ref_slot *s = ref_find(t, ref_key(mac));
	uint32_t *field;

	if (s == NULL)
		return true;
	if (content && v == 0)
		v = 1;
	field = content ? &s->content : &s->ipv4;
	if (*field == v)
		return false;
	/* A MAC keeps every address it used, not only the first. */
	if (!content && *field != 0) {
		for (size_t i = 0; i < s->n_more; i++)
			if (s->more_ipv4[i] == v)
				return false;
		ck_assert_uint_lt(s->n_more, 8);
		s->more_ipv4[s->n_more++] = v;
		return true;
	}
	*field = v;
	return true;
}

static uint64_t rng_state = 88172645463325252u;

static uint32_t
rnd(uint32_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state % n);
}

/*
 * Each answer of the two tables is compared, and only a difference goes
 * through ck_assert: check writes down the place of every assertion that
 * passes (a write(2) each), which over millions of steps cost more than
 * the tables did. A difference still fails with both values and the
 * step, as ck_assert_*_eq would.
 */
#define SAME(got, want, step)                                                  \
	do {                                                                   \
		intmax_t got_ = (got), want_ = (want);                         \
		if (got_ != want_)                                             \
			ck_abort_msg("step %u: %s is %jd, %s is %jd", (step),  \
			    #got, got_, #want, want_);                         \
	} while (0)

/* Random traffic with clock jumps both ways, through both tables. */
static void
compare_with_reference(size_t max, uint32_t refresh, uint32_t pool,
    uint32_t steps, uint32_t advance)
{
	struct mactable *t = mactable_new(max, refresh);
	struct ref_table *r = ref_new(max, refresh);
	int64_t now = 1764300000;
	uint8_t m[6];

	for (uint32_t k = 0; k < steps; k++) {
		uint32_t dice = rnd(1000);

		if (dice < advance)
			now += rnd(3);
		else if (dice == 990 && rnd(10) == 0)
			now += rnd(100000); /* a gap in the capture */
		else if (dice == 991 && rnd(10) == 0)
			now -= rnd(refresh + 3); /* a clock stepped back */
		else if (dice == 996 && rnd(20) == 0)
			now += (int64_t)1 << 33; /* past the 32-bit stamps */
		mac_of(rnd(pool), m);
		SAME(mactable_touch(t, m, now), ref_touch(r, m, now), k);
		if (dice % 16 == 0) {
			uint32_t ip = rnd(4);

			SAME(mactable_note_ipv4(t, m, ip),
			    ref_note(r, m, ip, false), k);
		}
		if (dice % 16 == 1) {
			uint32_t d = rnd(3) + 1;

			SAME(mactable_note_content(t, m, MACTABLE_LLDP, d),
			    ref_note(r, m, d, true), k);
		}
		SAME(mactable_count(t), r->count, k);
		SAME(mactable_evictions(t), r->evictions, k);
	}
	ref_free(r);
	mactable_free(t);
}

START_TEST(test_answers_as_the_one_array_table_did)
{
	/* Without eviction, then with it: the victims must be the same too;
	 * time creeping or running through quiet windows, refreshes long and
	 * short. */
	compare_with_reference(5000, 3600, 3000, 300000, 300);
	compare_with_reference(1000, 3600, 3000, 300000, 300);
	compare_with_reference(1000, 3600, 3000, 300000, 20);
	compare_with_reference(300, 60, 1000, 200000, 10);
	compare_with_reference(300, 60, 1000, 200000, 300);
	compare_with_reference(2000, 60, 500, 300000, 10);
	compare_with_reference(2000, 32, 300, 300000, 3);
	compare_with_reference(100, 16, 300, 200000, 5);
	compare_with_reference(100, 1, 200, 200000, 5);
	compare_with_reference(100, 0, 200, 200000, 5);
	compare_with_reference(50, 600000, 200, 200000, 900);
}
END_TEST

static Suite *
mactable_suite(void)
{
	Suite *s = suite_create("mactable");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_first_sighting_is_new_then_known);
	tcase_add_test(tc, test_last_seen_refresh_is_due_once_per_interval);
	tcase_add_test(tc, test_known_macs_start_from_what_the_store_holds);
	tcase_add_test(tc, test_new_address_and_new_content_are_reported_once);
	tcase_add_test(tc,
	    test_a_forgotten_mac_is_news_again_and_the_rest_stay);
	tcase_add_test(tc, test_many_macs_all_found_again);
	tcase_add_test(tc, test_memory_stays_bounded_and_recent_macs_survive);
	tcase_add_test(tc, test_room_made_at_once_holds_the_known_macs);
	tcase_add_test(tc, test_million_macs_fit_in_64_mib);
	tcase_add_test(tc, test_answers_as_the_one_array_table_did);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return testenv_run(mactable_suite());
}
