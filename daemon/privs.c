/*
 * setgroups, setresgid, setresuid in that order (group changes need root),
 * then a check that the switch cannot be undone. Leaving uid 0 clears the
 * capability sets unless PR_SET_KEEPCAPS is on: it is, for the one
 * capability live capture needs, when the caller keeps it. Everything
 * else leaves the bounding set first, so that it can never come back.
 */
#include "daemon/privs.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Set the effective and permitted sets to `caps` (a mask of the first 32
 * capabilities), the inheritable set to nothing. */
static int
caps_set(uint32_t caps)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
		.pid = 0,
	};
	struct __user_cap_data_struct data[2];

	memset(data, 0, sizeof(data));
	data[0].effective = caps;
	data[0].permitted = caps;
	return (int)syscall(SYS_capset, &hdr, data);
}

/* Empty the bounding set, but for CAP_NET_RAW when it is kept. A root
 * without CAP_SETPCAP (some containers) cannot: the bounding set only
 * matters across an execve, which the daemon never does, so that is no
 * reason to refuse to run. */
static int
bound_to(bool net_raw)
{
	for (int cap = 0;; cap++) {
		int rc = prctl(PR_CAPBSET_READ, cap, 0, 0, 0);

		if (rc < 0)
			return errno == EINVAL ? 0 : -1; /* past the last */
		if ((cap != CAP_NET_RAW || !net_raw) && rc == 1 &&
		    prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
			return errno == EPERM ? 0 : -1;
	}
}

int
privs_drop(const char *user, bool keep_net_raw, char *err, size_t errlen)
{
	struct passwd *pw;
	uid_t uid;
	gid_t gid;

	if (geteuid() != 0)
		return 0;
	errno = 0;
	pw = getpwnam(user);
	if (pw == NULL) {
		snprintf(err, errlen, "user %s: %s", user,
		    errno != 0
			? strerror(errno)
			: "no such user (create it with systemd-sysusers)");
		return -1;
	}
	uid = pw->pw_uid;
	gid = pw->pw_gid;
	if (uid == 0) {
		snprintf(err, errlen,
		    "user %s is root: refusing to run as root", user);
		return -1;
	}
	if (bound_to(keep_net_raw) < 0) {
		snprintf(err, errlen, "dropping capabilities: %s",
		    strerror(errno));
		return -1;
	}
	if (keep_net_raw && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0) {
		snprintf(err, errlen, "keeping CAP_NET_RAW for user %s: %s",
		    user, strerror(errno));
		return -1;
	}
	if (setgroups(1, &gid) < 0 || setresgid(gid, gid, gid) < 0 ||
	    setresuid(uid, uid, uid) < 0) {
		snprintf(err, errlen, "switching to user %s: %s", user,
		    strerror(errno));
		return -1;
	}
	if (keep_net_raw &&
	    (caps_set(UINT32_C(1) << CAP_NET_RAW) < 0 ||
		prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)) {
		snprintf(err, errlen, "keeping CAP_NET_RAW for user %s: %s",
		    user, strerror(errno));
		return -1;
	}
	if (setuid(0) == 0 || seteuid(0) == 0) {
		snprintf(err, errlen,
		    "switching to user %s: root could be regained", user);
		return -1;
	}
	return 0;
}
