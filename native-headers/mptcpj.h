/*
 * Umbrella header: everything jextract binds for this project. jextract.sh compiles it with
 * -I native-headers/include, so the project's <linux/tcp.h>, <linux/mptcp.h> and
 * <linux/mptcp_pm.h> (current kernel ABI) shadow the distribution's older ones. The layout test
 * also compiles it without that -I to compare with the system headers.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <netinet/in.h>
#include <net/if.h>
#include <linux/sched.h>	/* CLONE_NEWNET */
#include <unistd.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/epoll.h>	/* functions and constants only: struct epoll_event is laid out by hand, see below */
#include <errno.h>
#include <linux/tcp.h>
#include <linux/mptcp.h>
#include <linux/netlink.h>
#include <linux/genetlink.h>

/*
 * glibc declares these three only under _GNU_SOURCE, which also turns the sockaddr arguments of
 * bind(), connect() and friends into transparent unions that jextract passes by value (bind()
 * then fails with EFAULT). So no _GNU_SOURCE: they are declared here from their man pages.
 */
extern int accept4(int sockfd, struct sockaddr *addr, socklen_t *addrlen, int flags);	/* accept4(2) */
extern int setns(int fd, int nstype);							/* setns(2) */
extern char *strerror_r(int errnum, char *buf, size_t buflen);				/* GNU strerror_r(3) */

/*
 * struct epoll_event is packed on x86_64 (12 bytes, its 64-bit data at offset 4: EPOLL_PACKED in
 * <sys/epoll.h>), which jextract cannot lay out, so jextract.args binds only epoll's functions
 * (they take the struct by pointer) and constants. The library lays the struct out by hand in
 * org.mptcpj.internal.sys.EpollEvent; the layout test checks that layout against gcc.
 */

/* glibc names SOL_TCP only in <netinet/tcp.h>, which would clash with <linux/tcp.h>. */
#ifndef SOL_TCP
#define SOL_TCP 6
#endif
