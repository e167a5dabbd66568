/*
 * The TCP part of the Linux user-space ABI that this project binds, written from the ABI of
 * Linux 6.18 (include/uapi/linux/tcp.h). It shadows the distribution's <linux/tcp.h> (Linux 6.1),
 * whose struct tcp_info stops at tcpi_snd_wnd/tcpi_rcv_wnd.
 *
 * Only what the project uses is here; the layout test compares every field and constant below with
 * gcc's view of this file and, where they exist there, of the system headers.
 */
#ifndef MPTCPJ_LINUX_TCP_H
#define MPTCPJ_LINUX_TCP_H

#include <linux/types.h>

/* Socket option names at level SOL_TCP (unchanged since Linux 2.6.37 for TCP_USER_TIMEOUT). */
#define TCP_NODELAY		1	/* Turn off Nagle's algorithm */
#define TCP_KEEPIDLE		4	/* Idle time before keepalive probes start, seconds */
#define TCP_KEEPINTVL		5	/* Interval between keepalive probes, seconds */
#define TCP_KEEPCNT		6	/* Unanswered probes before the connection is dropped */
#define TCP_INFO		11	/* struct tcp_info */
#define TCP_CONGESTION		13	/* Congestion control algorithm name */
#define TCP_USER_TIMEOUT	18	/* Max time data may stay unacknowledged, ms */

/* Kernel bounds for the keepalive knobs (include/net/tcp.h: MAX_TCP_KEEPIDLE, MAX_TCP_KEEPINTVL, MAX_TCP_KEEPCNT). */
#define MAX_TCP_KEEPIDLE	32767
#define MAX_TCP_KEEPINTVL	32767
#define MAX_TCP_KEEPCNT		127

/* Values of tcpi_state: the kernel's socket states (include/net/tcp_states.h, not exported as uapi). */
enum {
	TCP_ESTABLISHED = 1,
	TCP_SYN_SENT,
	TCP_SYN_RECV,
	TCP_FIN_WAIT1,
	TCP_FIN_WAIT2,
	TCP_TIME_WAIT,
	TCP_CLOSE,
	TCP_CLOSE_WAIT,
	TCP_LAST_ACK,
	TCP_LISTEN,
	TCP_CLOSING,
};

/* Bits of tcpi_options. */
#define TCPI_OPT_TIMESTAMPS	1
#define TCPI_OPT_SACK		2
#define TCPI_OPT_WSCALE		4
#define TCPI_OPT_ECN		8
#define TCPI_OPT_ECN_SEEN	16
#define TCPI_OPT_SYN_DATA	32
#define TCPI_OPT_USEC_TS	64	/* Linux 6.8 */

/*
 * struct tcp_info as of Linux 6.18 (280 bytes). Growth history: tcpi_rehash (6.2),
 * tcpi_total_rto, tcpi_total_rto_recoveries, tcpi_total_rto_time (6.7),
 * tcpi_received_ce and the AccECN byte counters (6.18).
 */
struct tcp_info {
	__u8	tcpi_state;
	__u8	tcpi_ca_state;
	__u8	tcpi_retransmits;
	__u8	tcpi_probes;
	__u8	tcpi_backoff;
	__u8	tcpi_options;
	__u8	tcpi_snd_wscale : 4, tcpi_rcv_wscale : 4;
	__u8	tcpi_delivery_rate_app_limited:1, tcpi_fastopen_client_fail:2;

	__u32	tcpi_rto;
	__u32	tcpi_ato;
	__u32	tcpi_snd_mss;
	__u32	tcpi_rcv_mss;

	__u32	tcpi_unacked;
	__u32	tcpi_sacked;
	__u32	tcpi_lost;
	__u32	tcpi_retrans;
	__u32	tcpi_fackets;

	/* Times, ms. */
	__u32	tcpi_last_data_sent;
	__u32	tcpi_last_ack_sent;
	__u32	tcpi_last_data_recv;
	__u32	tcpi_last_ack_recv;

	/* Metrics. */
	__u32	tcpi_pmtu;
	__u32	tcpi_rcv_ssthresh;
	__u32	tcpi_rtt;
	__u32	tcpi_rttvar;
	__u32	tcpi_snd_ssthresh;
	__u32	tcpi_snd_cwnd;
	__u32	tcpi_advmss;
	__u32	tcpi_reordering;

	__u32	tcpi_rcv_rtt;
	__u32	tcpi_rcv_space;

	__u32	tcpi_total_retrans;

	__u64	tcpi_pacing_rate;
	__u64	tcpi_max_pacing_rate;
	__u64	tcpi_bytes_acked;
	__u64	tcpi_bytes_received;
	__u32	tcpi_segs_out;
	__u32	tcpi_segs_in;

	__u32	tcpi_notsent_bytes;
	__u32	tcpi_min_rtt;
	__u32	tcpi_data_segs_in;
	__u32	tcpi_data_segs_out;

	__u64	tcpi_delivery_rate;

	__u64	tcpi_busy_time;
	__u64	tcpi_rwnd_limited;
	__u64	tcpi_sndbuf_limited;

	__u32	tcpi_delivered;
	__u32	tcpi_delivered_ce;

	__u64	tcpi_bytes_sent;
	__u64	tcpi_bytes_retrans;
	__u32	tcpi_dsack_dups;
	__u32	tcpi_reord_seen;

	__u32	tcpi_rcv_ooopack;

	__u32	tcpi_snd_wnd;
	__u32	tcpi_rcv_wnd;

	__u32	tcpi_rehash;

	__u16	tcpi_total_rto;
	__u16	tcpi_total_rto_recoveries;
	__u32	tcpi_total_rto_time;
	__u32	tcpi_received_ce;
	__u32	tcpi_delivered_e1_bytes;
	__u32	tcpi_delivered_e0_bytes;
	__u32	tcpi_delivered_ce_bytes;
	__u32	tcpi_received_e1_bytes;
	__u32	tcpi_received_e0_bytes;
	__u32	tcpi_received_ce_bytes;
	__u16	tcpi_accecn_fail_mode;
	__u16	tcpi_accecn_opt_seen;
};

#endif
