/*
 * Telling the service manager how we are: READY, STATUS, WATCHDOG and
 * STOPPING (sd_notify(3)). Uses libsystemd when built with it, otherwise
 * speaks the notify socket protocol itself. Does nothing when not started
 * by a service manager (no NOTIFY_SOCKET).
 */
#ifndef VRAUDIT_NOTIFY_H
#define VRAUDIT_NOTIFY_H

#include <stdint.h>

/* Send one notify message such as "READY=1"; 0 sent, 1 no manager, -1 error. */
int notify_send(const char *msg);
/* Send "READY=1" with a STATUS line. */
int notify_ready(const char *status);
/* Send "STATUS=..." formatted. */
int notify_status(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Send "WATCHDOG=1". */
int notify_watchdog(void);
/* Send "STOPPING=1". */
int notify_stopping(void);
/* Half the watchdog period in ms when the manager set one (WATCHDOG_USEC for our pid), else 0. */
int64_t notify_watchdog_interval_ms(void);

#endif
