/*
 * Umbrella header: everything jextract binds for this project. jextract.sh compiles it with
 * -I native-headers/include, so the project's <linux/tcp.h>, <linux/mptcp.h> and
 * <linux/mptcp_pm.h> (current kernel ABI) shadow the distribution's older ones. The layout test
 * also compiles it without that -I to compare with the system headers.
 */
#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <netinet/in.h>
#include <net/if.h>
#include <sched.h>
#include <unistd.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <errno.h>
#include <linux/tcp.h>
#include <linux/mptcp.h>
#include <linux/netlink.h>
#include <linux/genetlink.h>

/* glibc names SOL_TCP only in <netinet/tcp.h>, which would clash with <linux/tcp.h>. */
#ifndef SOL_TCP
#define SOL_TCP 6
#endif
