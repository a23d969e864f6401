/*
 * net-snmp's headers, included once with the warnings our flags would raise
 * on them (old-style prototypes, shadowing) silenced for these lines only.
 */
#ifndef VRAUDIT_PROBES_SNMP_LIB_H
#define VRAUDIT_PROBES_SNMP_LIB_H

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstrict-prototypes"
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wundef"
#pragma GCC diagnostic ignored "-Wpedantic"
#pragma GCC diagnostic ignored "-Wmissing-prototypes"
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/library/large_fd_set.h>
#pragma GCC diagnostic pop

#endif
