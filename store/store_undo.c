/*
 * Undoing a new element that could not be written whole, without a
 * savepoint (store_record_group): the rows it has are deleted.
 */
#include "store/store.h"
#include "store/store_private.h"
#include "common/util.h"

int
store_unwrite_element(struct store *st, int64_t id)
{
	/* Its rows in the order that keeps every reference whole. */
	static const char *const sql[] = {
		"DELETE FROM element_evidence WHERE element_id = ?1",
		"DELETE FROM element_address WHERE element_id = ?1",
		"DELETE FROM element_key WHERE element_id = ?1",
		"DELETE FROM element_source WHERE element_id = ?1",
		"DELETE FROM element WHERE id = ?1",
	};

	for (size_t i = 0; i < ARRAY_SIZE(sql); i++) {
		sqlite3_stmt *stmt = store_prepare(st, sql[i]);
		int rc;

		if (stmt == NULL)
			return -1;
		sqlite3_bind_int64(stmt, 1, id);
		rc = store_step(st, stmt);
		sqlite3_finalize(stmt);
		if (rc != 0)
			return -1;
	}
	return 0;
}
