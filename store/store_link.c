/*
 * Links between elements: who is whose neighbour, as LLDP or CDP said,
 * on which ports.
 */
#include "common/util.h"
#include "store/store.h"
#include "store/store_private.h"

int
store_link(struct store *st, int64_t element_id, int64_t neighbour_id,
    const char *protocol, const char *local_port, const char *remote_port,
    int64_t when)
{
	sqlite3_stmt *stmt = st->stmt[S_LINK_UPSERT];
	char t[TIME_STRLEN];

	if (store_writable(st) == -1 || store_batch_begin(st) == -1)
		return -1;
	time_format(when, t);
	sqlite3_bind_int64(stmt, 1, element_id);
	sqlite3_bind_int64(stmt, 2, neighbour_id);
	store_bind_text(stmt, 3, protocol);
	store_bind_value(stmt, 4, local_port != NULL ? local_port : "");
	store_bind_value(stmt, 5, remote_port != NULL ? remote_port : "");
	store_bind_text(stmt, 6, t);
	if (store_run(st, S_LINK_UPSERT) == -1) {
		if (sqlite3_get_autocommit(st->db))
			store_batch_lost(st, "link");
		return -1;
	}
	return 0;
}
