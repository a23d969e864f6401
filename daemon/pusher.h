/*
 * The daemon's pusher: a thread that sends the audit chain to the central
 * database ([central], central/central.h) when the loop says something was
 * committed, through a read-only connection to the store and a libpq
 * connection of its own, so that neither the loop nor the writer ever
 * waits for the network. central_push sends only what the central database
 * lacks, so signals arriving meanwhile make one push. A failed push is
 * retried with backoff (PUSHER_BACKOFF_MIN_MS doubling to _MAX_MS), logged
 * once per outage and once when it catches up; a chain the central
 * database refuses is not pushed again until the pusher is configured
 * again (reload) or the daemon restarts. At a stop, the records of the
 * last commit go with one last push, bounded in time (pusher_final).
 */
#ifndef VRAUDIT_PUSHER_H
#define VRAUDIT_PUSHER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct config;
struct pusher;
struct strbuf;

#define PUSHER_BACKOFF_MIN_MS 1000
#define PUSHER_BACKOFF_MAX_MS 300000
/* How long a stop waits for the last push: the connect timeout. */
#define PUSHER_FINAL_MS 10000

/* Start the thread, idle until configured, for the store at db_path
 * (copied). NULL with the reason in err. */
struct pusher *pusher_new(const char *db_path, char *err, size_t errlen);
/* Push to cfg's [central] (url, site and password, copied) from now on,
 * from a fresh connection and state; NULL or no [central]: stop pushing.
 * A push under way stops after its current transaction. Never waits. */
void pusher_configure(struct pusher *p, const struct config *cfg);
/* Whether p pushes to what cfg's [central] names (url, site, password). */
bool pusher_same(struct pusher *p, const struct config *cfg);
/* Whether p stopped pushing after a refusal. */
bool pusher_refused(struct pusher *p);
/* Something was committed: push it. Never waits for a push. */
void pusher_poke(struct pusher *p);
/* Append "; central: ..." (pushed up to N, unreachable since T, refused)
 * for the STATUS= line; nothing when idle. */
void pusher_status(struct pusher *p, struct strbuf *sb);
/* The daemon stops and has committed its last records: push them once
 * more, also in an outage (not after a refusal), waiting at most wait_ms;
 * logs what happened. What is not sent then, the next start sends. */
void pusher_final(struct pusher *p, int64_t wait_ms);
/* Stop: the statement under way is cancelled, its transaction abandoned
 * (the next push redoes it); wait for the thread, free. NULL is fine. */
void pusher_free(struct pusher *p);

#endif
