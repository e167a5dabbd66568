/*
 * The MPTCP socket ABI, written from Linux 6.18's include/uapi/linux/mptcp.h plus the
 * struct mptcp_info tail merged for 6.18 (the 'laminar' endpoint counters, seed 002).
 * It shadows the distribution's <linux/mptcp.h> (Linux 6.1), which lacks MPTCP_FULL_INFO,
 * struct mptcp_subflow_info, struct mptcp_full_info and everything after mptcpi_csum_enabled.
 */
#ifndef MPTCPJ_LINUX_MPTCP_H
#define MPTCPJ_LINUX_MPTCP_H

#include <netinet/in.h>		/* struct sockaddr_in, sockaddr_in6 */
#include <sys/socket.h>		/* struct sockaddr */
#include <linux/const.h>
#include <linux/types.h>
#include <linux/socket.h>	/* struct __kernel_sockaddr_storage */

#include <linux/mptcp_pm.h>

/* Subflow flags reported by the MPTCP diag interface (Linux 5.7). */
#define MPTCP_SUBFLOW_FLAG_MCAP_REM		_BITUL(0)
#define MPTCP_SUBFLOW_FLAG_MCAP_LOC		_BITUL(1)
#define MPTCP_SUBFLOW_FLAG_JOIN_REM		_BITUL(2)
#define MPTCP_SUBFLOW_FLAG_JOIN_LOC		_BITUL(3)
#define MPTCP_SUBFLOW_FLAG_BKUP_REM		_BITUL(4)
#define MPTCP_SUBFLOW_FLAG_BKUP_LOC		_BITUL(5)
#define MPTCP_SUBFLOW_FLAG_FULLY_ESTABLISHED	_BITUL(6)
#define MPTCP_SUBFLOW_FLAG_CONNECTED		_BITUL(7)
#define MPTCP_SUBFLOW_FLAG_MAPVALID		_BITUL(8)

/* Path-manager multicast and command group names (Linux 5.7). */
#define MPTCP_PM_CMD_GRP_NAME	"mptcp_pm_cmds"
#define MPTCP_PM_EV_GRP_NAME	"mptcp_pm_events"

/* Event flags (MPTCP_ATTR_FLAGS): DENY_JOIN_ID0 is the peer's 'C' flag (Linux 5.14, seed 003);
 * SERVER_SIDE replaced the MPTCP_ATTR_SERVER_SIDE attribute (Linux 6.17). */
#define MPTCP_PM_EV_FLAG_DENY_JOIN_ID0		_BITUL(0)
#define MPTCP_PM_EV_FLAG_SERVER_SIDE		_BITUL(1)

/* Endpoint flags. IMPLICIT: Linux 5.18; LAMINAR ('address' endpoints of seed 002): Linux 6.18. */
#define MPTCP_PM_ADDR_FLAG_SIGNAL		(1 << 0)
#define MPTCP_PM_ADDR_FLAG_SUBFLOW		(1 << 1)
#define MPTCP_PM_ADDR_FLAG_BACKUP		(1 << 2)
#define MPTCP_PM_ADDR_FLAG_FULLMESH		(1 << 3)
#define MPTCP_PM_ADDR_FLAG_IMPLICIT		(1 << 4)
#define MPTCP_PM_ADDR_FLAG_LAMINAR		(1 << 5)

/* mptcpi_flags bits (Linux 5.16). */
#define MPTCP_INFO_FLAG_FALLBACK		_BITUL(0)
#define MPTCP_INFO_FLAG_REMOTE_KEY_RECEIVED	_BITUL(1)

/* Values of net.mptcp.pm_type (Linux 5.19). */
#define MPTCP_PM_TYPE_KERNEL			0
#define MPTCP_PM_TYPE_USERSPACE			1

/*
 * struct mptcp_info, 96 bytes. It grows only by appending or by filling 'reserved' bytes;
 * the 16-bit hole after mptcpi_add_addr_accepted_max and the 8-bit hole after
 * mptcpi_csum_enabled can never be used: old kernels copied uninitialised bytes there.
 * Fields after mptcpi_csum_enabled: retransmits/bytes_* (6.5), subflows_total (6.10),
 * last_data_sent, last_data_recv, last_ack_recv (6.12), endp_laminar_max/endp_fullmesh_max (6.18).
 */
struct mptcp_info {
	__u8	mptcpi_subflows;
	__u8	mptcpi_add_addr_signal;
	__u8	mptcpi_add_addr_accepted;
	__u8	mptcpi_subflows_max;
	__u8	mptcpi_add_addr_signal_max;
	__u8	mptcpi_add_addr_accepted_max;
	/* 16-bit hole that can no longer be filled */
	__u32	mptcpi_flags;
	__u32	mptcpi_token;
	__u64	mptcpi_write_seq;
	__u64	mptcpi_snd_una;
	__u64	mptcpi_rcv_nxt;
	__u8	mptcpi_local_addr_used;
	__u8	mptcpi_local_addr_max;
	__u8	mptcpi_csum_enabled;
	/* 8-bit hole that can no longer be filled */
	__u32	mptcpi_retransmits;
	__u64	mptcpi_bytes_retrans;
	__u64	mptcpi_bytes_sent;
	__u64	mptcpi_bytes_received;
	__u64	mptcpi_bytes_acked;
	__u8	mptcpi_subflows_total;
	__u8	mptcpi_endp_laminar_max;
	__u8	mptcpi_endp_fullmesh_max;
	__u8	reserved;
	__u32	mptcpi_last_data_sent;
	__u32	mptcpi_last_data_recv;
	__u32	mptcpi_last_ack_recv;
};

/*
 * Header of the MPTCP_TCPINFO and MPTCP_SUBFLOW_ADDRS replies (Linux 5.16): user space sets
 * size_subflow_data and size_user; the kernel fills num_subflows and size_kernel and copies
 * min(size_user, size_kernel) bytes per subflow.
 */
struct mptcp_subflow_data {
	__u32		size_subflow_data;	/* size of this structure in userspace */
	__u32		num_subflows;		/* must be 0, set by kernel */
	__u32		size_kernel;		/* must be 0, set by kernel */
	__u32		size_user;		/* size of one element in data[] */
} __attribute__((aligned(8)));

struct mptcp_subflow_addrs {
	union {
		__kernel_sa_family_t sa_family;
		struct sockaddr sa_local;
		struct sockaddr_in sin_local;
		struct sockaddr_in6 sin6_local;
		struct __kernel_sockaddr_storage ss_local;
	};
	union {
		struct sockaddr sa_remote;
		struct sockaddr_in sin_remote;
		struct sockaddr_in6 sin6_remote;
		struct __kernel_sockaddr_storage ss_remote;
	};
};

/* Element of mptcp_full_info.subflow_info (Linux 6.5). */
struct mptcp_subflow_info {
	__u32				id;
	struct mptcp_subflow_addrs	addrs;
};

/* MPTCP_FULL_INFO (Linux 6.5): mptcp_info plus per-subflow ids, addresses and tcp_info
 * in two arrays that user space provides through the subflow_info and tcp_info pointers. */
struct mptcp_full_info {
	__u32		size_tcpinfo_kernel;	/* must be 0, set by kernel */
	__u32		size_tcpinfo_user;
	__u32		size_sfinfo_kernel;	/* must be 0, set by kernel */
	__u32		size_sfinfo_user;
	__u32		num_subflows;		/* must be 0, set by kernel (real subflow count) */
	__u32		size_arrays_user;	/* max subflows that userspace is interested in */
	__aligned_u64	subflow_info;
	__aligned_u64	tcp_info;
	struct mptcp_info	mptcp_info;
};

/* Socket options at level SOL_MPTCP. */
#define MPTCP_INFO		1
#define MPTCP_TCPINFO		2
#define MPTCP_SUBFLOW_ADDRS	3
#define MPTCP_FULL_INFO		4

#endif
