package org.mptcpj.info;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.mptcpj.bindings.linux.Linux;
import org.mptcpj.bindings.linux.tcp_info;
import org.mptcpj.internal.sys.GuardedFd;

/**
 * A reusable, zero-copy view of {@code struct tcp_info}, read with
 * {@code getsockopt(fd, SOL_TCP, TCP_INFO)}, or an element of the per-subflow arrays of
 * {@link SubflowTcpInfos} and {@link MptcpFullInfo}.
 *
 * <p>A view created with {@link #TcpInfo()} owns one native buffer of {@code sizeof(struct tcp_info)}
 * (280 bytes on Linux 6.18), allocated once in an automatic arena; a read ({@link org.mptcpj.socket.StreamSocket#tcpInfo}) refills
 * it in place and allocates nothing. Getters read straight from native memory. A view is not
 * thread-safe: use it from one thread at a time, and take a {@link #snapshot()} to keep or share
 * values.
 *
 * <p><b>Presence.</b> The kernel copies {@code min(buffer length, its own struct size)} bytes and
 * reports the length; a field ending beyond it is absent. Fields up to {@code tcpi_snd_wnd}, which
 * every kernel with MPTCP socket options (5.16+) returns, have primitive getters; later ones
 * ({@code tcpi_rcv_wnd} and {@code tcpi_rehash} 6.2, {@code tcpi_total_rto*} 6.7, {@code tcpi_received_ce}
 * and the AccECN counters 6.18) return {@link OptionalLong}/{@link OptionalInt}, empty when absent.
 * A primitive getter of an absent field (only before the first read, or on a short
 * {@linkplain #wrap wrapped} buffer) throws {@link IllegalStateException}.
 *
 * <p><b>Units and types.</b> Kernel fields are unsigned: {@code __u8}/{@code __u16} are returned as
 * {@code int}, {@code __u32} as {@code long} (never negative), {@code __u64} as the raw bits in a
 * {@code long}. Times keep the kernel's unit, named in the getter: {@code ...Micros} for microseconds
 * (rto, ato, rtt, rttvar, min_rtt, rcv_rtt, busy times), {@code ...Millis} for milliseconds
 * (last_data_sent and friends, total_rto_time). Rates are bytes per second.
 *
 * <p>On an MPTCP socket {@code TCP_INFO} describes the first subflow only; use
 * {@link SubflowTcpInfos} or {@link MptcpFullInfo} for all of them.
 */
public final class TcpInfo {
    /** Size of the struct this library knows ({@code sizeof(struct tcp_info)}, 280 bytes on Linux 6.18). */
    public static final int SIZE = (int) tcp_info.sizeof();

    /**
     * The fields of {@code struct tcp_info} with their place in it. The bitfields
     * {@code tcpi_snd_wscale}, {@code tcpi_rcv_wscale}, {@code tcpi_delivery_rate_app_limited} and
     * {@code tcpi_fastopen_client_fail} have no constant: they share bytes 6 and 7, always present.
     */
    public enum Field {
        /** {@code tcpi_state}. */
        STATE(tcp_info.tcpi_state$offset(), tcp_info.tcpi_state$layout(), "5.16"),
        /** {@code tcpi_ca_state}. */
        CA_STATE(tcp_info.tcpi_ca_state$offset(), tcp_info.tcpi_ca_state$layout(), "5.16"),
        /** {@code tcpi_retransmits}. */
        RETRANSMITS(tcp_info.tcpi_retransmits$offset(), tcp_info.tcpi_retransmits$layout(), "5.16"),
        /** {@code tcpi_probes}. */
        PROBES(tcp_info.tcpi_probes$offset(), tcp_info.tcpi_probes$layout(), "5.16"),
        /** {@code tcpi_backoff}. */
        BACKOFF(tcp_info.tcpi_backoff$offset(), tcp_info.tcpi_backoff$layout(), "5.16"),
        /** {@code tcpi_options}. */
        OPTIONS(tcp_info.tcpi_options$offset(), tcp_info.tcpi_options$layout(), "5.16"),
        /** {@code tcpi_rto}. */
        RTO(tcp_info.tcpi_rto$offset(), tcp_info.tcpi_rto$layout(), "5.16"),
        /** {@code tcpi_ato}. */
        ATO(tcp_info.tcpi_ato$offset(), tcp_info.tcpi_ato$layout(), "5.16"),
        /** {@code tcpi_snd_mss}. */
        SND_MSS(tcp_info.tcpi_snd_mss$offset(), tcp_info.tcpi_snd_mss$layout(), "5.16"),
        /** {@code tcpi_rcv_mss}. */
        RCV_MSS(tcp_info.tcpi_rcv_mss$offset(), tcp_info.tcpi_rcv_mss$layout(), "5.16"),
        /** {@code tcpi_unacked}. */
        UNACKED(tcp_info.tcpi_unacked$offset(), tcp_info.tcpi_unacked$layout(), "5.16"),
        /** {@code tcpi_sacked}. */
        SACKED(tcp_info.tcpi_sacked$offset(), tcp_info.tcpi_sacked$layout(), "5.16"),
        /** {@code tcpi_lost}. */
        LOST(tcp_info.tcpi_lost$offset(), tcp_info.tcpi_lost$layout(), "5.16"),
        /** {@code tcpi_retrans}. */
        RETRANS(tcp_info.tcpi_retrans$offset(), tcp_info.tcpi_retrans$layout(), "5.16"),
        /** {@code tcpi_fackets}. */
        FACKETS(tcp_info.tcpi_fackets$offset(), tcp_info.tcpi_fackets$layout(), "5.16"),
        /** {@code tcpi_last_data_sent}. */
        LAST_DATA_SENT(tcp_info.tcpi_last_data_sent$offset(), tcp_info.tcpi_last_data_sent$layout(), "5.16"),
        /** {@code tcpi_last_ack_sent}. */
        LAST_ACK_SENT(tcp_info.tcpi_last_ack_sent$offset(), tcp_info.tcpi_last_ack_sent$layout(), "5.16"),
        /** {@code tcpi_last_data_recv}. */
        LAST_DATA_RECV(tcp_info.tcpi_last_data_recv$offset(), tcp_info.tcpi_last_data_recv$layout(), "5.16"),
        /** {@code tcpi_last_ack_recv}. */
        LAST_ACK_RECV(tcp_info.tcpi_last_ack_recv$offset(), tcp_info.tcpi_last_ack_recv$layout(), "5.16"),
        /** {@code tcpi_pmtu}. */
        PMTU(tcp_info.tcpi_pmtu$offset(), tcp_info.tcpi_pmtu$layout(), "5.16"),
        /** {@code tcpi_rcv_ssthresh}. */
        RCV_SSTHRESH(tcp_info.tcpi_rcv_ssthresh$offset(), tcp_info.tcpi_rcv_ssthresh$layout(), "5.16"),
        /** {@code tcpi_rtt}. */
        RTT(tcp_info.tcpi_rtt$offset(), tcp_info.tcpi_rtt$layout(), "5.16"),
        /** {@code tcpi_rttvar}. */
        RTTVAR(tcp_info.tcpi_rttvar$offset(), tcp_info.tcpi_rttvar$layout(), "5.16"),
        /** {@code tcpi_snd_ssthresh}. */
        SND_SSTHRESH(tcp_info.tcpi_snd_ssthresh$offset(), tcp_info.tcpi_snd_ssthresh$layout(), "5.16"),
        /** {@code tcpi_snd_cwnd}. */
        SND_CWND(tcp_info.tcpi_snd_cwnd$offset(), tcp_info.tcpi_snd_cwnd$layout(), "5.16"),
        /** {@code tcpi_advmss}. */
        ADVMSS(tcp_info.tcpi_advmss$offset(), tcp_info.tcpi_advmss$layout(), "5.16"),
        /** {@code tcpi_reordering}. */
        REORDERING(tcp_info.tcpi_reordering$offset(), tcp_info.tcpi_reordering$layout(), "5.16"),
        /** {@code tcpi_rcv_rtt}. */
        RCV_RTT(tcp_info.tcpi_rcv_rtt$offset(), tcp_info.tcpi_rcv_rtt$layout(), "5.16"),
        /** {@code tcpi_rcv_space}. */
        RCV_SPACE(tcp_info.tcpi_rcv_space$offset(), tcp_info.tcpi_rcv_space$layout(), "5.16"),
        /** {@code tcpi_total_retrans}. */
        TOTAL_RETRANS(tcp_info.tcpi_total_retrans$offset(), tcp_info.tcpi_total_retrans$layout(), "5.16"),
        /** {@code tcpi_pacing_rate}. */
        PACING_RATE(tcp_info.tcpi_pacing_rate$offset(), tcp_info.tcpi_pacing_rate$layout(), "5.16"),
        /** {@code tcpi_max_pacing_rate}. */
        MAX_PACING_RATE(tcp_info.tcpi_max_pacing_rate$offset(), tcp_info.tcpi_max_pacing_rate$layout(), "5.16"),
        /** {@code tcpi_bytes_acked}. */
        BYTES_ACKED(tcp_info.tcpi_bytes_acked$offset(), tcp_info.tcpi_bytes_acked$layout(), "5.16"),
        /** {@code tcpi_bytes_received}. */
        BYTES_RECEIVED(tcp_info.tcpi_bytes_received$offset(), tcp_info.tcpi_bytes_received$layout(), "5.16"),
        /** {@code tcpi_segs_out}. */
        SEGS_OUT(tcp_info.tcpi_segs_out$offset(), tcp_info.tcpi_segs_out$layout(), "5.16"),
        /** {@code tcpi_segs_in}. */
        SEGS_IN(tcp_info.tcpi_segs_in$offset(), tcp_info.tcpi_segs_in$layout(), "5.16"),
        /** {@code tcpi_notsent_bytes}. */
        NOTSENT_BYTES(tcp_info.tcpi_notsent_bytes$offset(), tcp_info.tcpi_notsent_bytes$layout(), "5.16"),
        /** {@code tcpi_min_rtt}. */
        MIN_RTT(tcp_info.tcpi_min_rtt$offset(), tcp_info.tcpi_min_rtt$layout(), "5.16"),
        /** {@code tcpi_data_segs_in}. */
        DATA_SEGS_IN(tcp_info.tcpi_data_segs_in$offset(), tcp_info.tcpi_data_segs_in$layout(), "5.16"),
        /** {@code tcpi_data_segs_out}. */
        DATA_SEGS_OUT(tcp_info.tcpi_data_segs_out$offset(), tcp_info.tcpi_data_segs_out$layout(), "5.16"),
        /** {@code tcpi_delivery_rate}. */
        DELIVERY_RATE(tcp_info.tcpi_delivery_rate$offset(), tcp_info.tcpi_delivery_rate$layout(), "5.16"),
        /** {@code tcpi_busy_time}. */
        BUSY_TIME(tcp_info.tcpi_busy_time$offset(), tcp_info.tcpi_busy_time$layout(), "5.16"),
        /** {@code tcpi_rwnd_limited}. */
        RWND_LIMITED(tcp_info.tcpi_rwnd_limited$offset(), tcp_info.tcpi_rwnd_limited$layout(), "5.16"),
        /** {@code tcpi_sndbuf_limited}. */
        SNDBUF_LIMITED(tcp_info.tcpi_sndbuf_limited$offset(), tcp_info.tcpi_sndbuf_limited$layout(), "5.16"),
        /** {@code tcpi_delivered}. */
        DELIVERED(tcp_info.tcpi_delivered$offset(), tcp_info.tcpi_delivered$layout(), "5.16"),
        /** {@code tcpi_delivered_ce}. */
        DELIVERED_CE(tcp_info.tcpi_delivered_ce$offset(), tcp_info.tcpi_delivered_ce$layout(), "5.16"),
        /** {@code tcpi_bytes_sent}. */
        BYTES_SENT(tcp_info.tcpi_bytes_sent$offset(), tcp_info.tcpi_bytes_sent$layout(), "5.16"),
        /** {@code tcpi_bytes_retrans}. */
        BYTES_RETRANS(tcp_info.tcpi_bytes_retrans$offset(), tcp_info.tcpi_bytes_retrans$layout(), "5.16"),
        /** {@code tcpi_dsack_dups}. */
        DSACK_DUPS(tcp_info.tcpi_dsack_dups$offset(), tcp_info.tcpi_dsack_dups$layout(), "5.16"),
        /** {@code tcpi_reord_seen}. */
        REORD_SEEN(tcp_info.tcpi_reord_seen$offset(), tcp_info.tcpi_reord_seen$layout(), "5.16"),
        /** {@code tcpi_rcv_ooopack}. */
        RCV_OOOPACK(tcp_info.tcpi_rcv_ooopack$offset(), tcp_info.tcpi_rcv_ooopack$layout(), "5.16"),
        /** {@code tcpi_snd_wnd}. */
        SND_WND(tcp_info.tcpi_snd_wnd$offset(), tcp_info.tcpi_snd_wnd$layout(), "5.16"),
        /** {@code tcpi_rcv_wnd}. */
        RCV_WND(tcp_info.tcpi_rcv_wnd$offset(), tcp_info.tcpi_rcv_wnd$layout(), "6.2"),
        /** {@code tcpi_rehash}. */
        REHASH(tcp_info.tcpi_rehash$offset(), tcp_info.tcpi_rehash$layout(), "6.2"),
        /** {@code tcpi_total_rto}. */
        TOTAL_RTO(tcp_info.tcpi_total_rto$offset(), tcp_info.tcpi_total_rto$layout(), "6.7"),
        /** {@code tcpi_total_rto_recoveries}. */
        TOTAL_RTO_RECOVERIES(tcp_info.tcpi_total_rto_recoveries$offset(), tcp_info.tcpi_total_rto_recoveries$layout(), "6.7"),
        /** {@code tcpi_total_rto_time}. */
        TOTAL_RTO_TIME(tcp_info.tcpi_total_rto_time$offset(), tcp_info.tcpi_total_rto_time$layout(), "6.7"),
        /** {@code tcpi_received_ce}. */
        RECEIVED_CE(tcp_info.tcpi_received_ce$offset(), tcp_info.tcpi_received_ce$layout(), "6.18"),
        /** {@code tcpi_delivered_e1_bytes}. */
        DELIVERED_E1_BYTES(tcp_info.tcpi_delivered_e1_bytes$offset(), tcp_info.tcpi_delivered_e1_bytes$layout(), "6.18"),
        /** {@code tcpi_delivered_e0_bytes}. */
        DELIVERED_E0_BYTES(tcp_info.tcpi_delivered_e0_bytes$offset(), tcp_info.tcpi_delivered_e0_bytes$layout(), "6.18"),
        /** {@code tcpi_delivered_ce_bytes}. */
        DELIVERED_CE_BYTES(tcp_info.tcpi_delivered_ce_bytes$offset(), tcp_info.tcpi_delivered_ce_bytes$layout(), "6.18"),
        /** {@code tcpi_received_e1_bytes}. */
        RECEIVED_E1_BYTES(tcp_info.tcpi_received_e1_bytes$offset(), tcp_info.tcpi_received_e1_bytes$layout(), "6.18"),
        /** {@code tcpi_received_e0_bytes}. */
        RECEIVED_E0_BYTES(tcp_info.tcpi_received_e0_bytes$offset(), tcp_info.tcpi_received_e0_bytes$layout(), "6.18"),
        /** {@code tcpi_received_ce_bytes}. */
        RECEIVED_CE_BYTES(tcp_info.tcpi_received_ce_bytes$offset(), tcp_info.tcpi_received_ce_bytes$layout(), "6.18"),
        /** {@code tcpi_accecn_fail_mode}. */
        ACCECN_FAIL_MODE(tcp_info.tcpi_accecn_fail_mode$offset(), tcp_info.tcpi_accecn_fail_mode$layout(), "6.18"),
        /** {@code tcpi_accecn_opt_seen}. */
        ACCECN_OPT_SEEN(tcp_info.tcpi_accecn_opt_seen$offset(), tcp_info.tcpi_accecn_opt_seen$layout(), "6.18");

        private final long offset;
        private final long end;
        private final String since;

        Field(long offset, MemoryLayout layout, String since) {
            this.offset = offset;
            this.end = offset + layout.byteSize();
            this.since = since;
        }

        /** {@return the field's byte offset in the struct} */
        public long offset() {
            return offset;
        }

        /** {@return the offset just past the field} */
        public long end() {
            return end;
        }

        /**
         * {@return the returned length from which the field counts as present: {@link #end()}} Unlike
         * {@code struct mptcp_info}, {@code tcp_info} grew without leaving later fields in an older
         * struct's tail padding (232, 240, 248 and 280 bytes), so the end always decides.
         */
        public long minLength() {
            return end;
        }

        /**
         * {@return the Linux release from which the field is returned, e.g. {@code "6.7"}; {@code "5.16"}
         * for the fields every kernel with MPTCP socket options returns (most are much older)}
         */
        public String since() {
            return since;
        }

        /** {@return the C name, e.g. {@code "tcpi_snd_cwnd"}} */
        public String cName() {
            return "tcpi_" + name().toLowerCase(Locale.ROOT);
        }
    }

    /** Offset of the byte holding the {@code tcpi_snd_wscale : 4, tcpi_rcv_wscale : 4} bitfields. */
    private static final long WSCALE_BYTE = tcp_info.tcpi_options$offset() + 1;
    /** Offset of the byte holding {@code tcpi_delivery_rate_app_limited : 1, tcpi_fastopen_client_fail : 2}. */
    private static final long FLAGS_BYTE = tcp_info.tcpi_options$offset() + 2;

    private static final String[] STATES = {"UNKNOWN", "ESTAB", "SYN-SENT", "SYN-RECV", "FIN-WAIT-1",
        "FIN-WAIT-2", "TIME-WAIT", "UNCONN", "CLOSE-WAIT", "LAST-ACK", "LISTEN", "CLOSING", "NEW-SYN-RECV",
        "BOUND-INACTIVE"};

    private MemorySegment segment;
    private int returned;
    private final boolean readable;

    /** Creates a view with its own native buffer; nothing is present until a read ({@link org.mptcpj.socket.StreamSocket#tcpInfo}). */
    public TcpInfo() {
        this(Arena.ofAuto().allocate(tcp_info.layout()), 0, true);
    }

    private TcpInfo(MemorySegment segment, int returned, boolean readable) {
        this.segment = segment;
        this.returned = returned;
        this.readable = readable;
    }

    /** A flyweight for the containers of this package, pointed at their elements with {@link #point}. */
    static TcpInfo flyweight() {
        return new TcpInfo(MemorySegment.NULL, 0, false);
    }

    /**
     * A view over {@code struct tcp_info} bytes that something else filled, for example an element of
     * a per-subflow array or an {@code INET_DIAG_INFO} attribute. The view reads {@code segment} in
     * place; it cannot be refilled by a read ({@link org.mptcpj.socket.StreamSocket#tcpInfo}).
     *
     * @param segment        the struct's first byte onwards, 8-byte aligned
     * @param returnedLength the number of valid bytes (fields ending beyond it are absent)
     * @return a view that reads {@code segment} in place
     * @throws IllegalArgumentException if {@code returnedLength} is negative or exceeds the segment,
     *                                  or the segment is not 8-byte aligned
     */
    public static TcpInfo wrap(MemorySegment segment, int returnedLength) {
        Objects.requireNonNull(segment, "segment");
        Getsockopt.checkWrappable(segment, returnedLength);
        return new TcpInfo(segment, returnedLength, false);
    }

    /** Re-points a flyweight at an element; {@code segment} must be at least {@code returnedLength} long. */
    void point(MemorySegment segment, int returnedLength) {
        this.segment = segment;
        this.returned = returnedLength;
    }

    /**
     * Fills this view with {@code getsockopt(fd, SOL_TCP, TCP_INFO, buf, &len)}, {@code len} being
     * {@link #SIZE}, and records the length the kernel returned. Allocates nothing.
     *
     * @param fd the socket, held (acquired and released) for the duration of the call
     * @return this view
     * @throws org.mptcpj.error.ErrnoException {@code EOPNOTSUPP} or {@code ENOPROTOOPT} for a socket
     *         that is not TCP or MPTCP; {@code EBADF}/{@code ENOTSOCK} for a descriptor that is not a
     *         socket. On failure nothing is present any more.
     * @throws org.mptcpj.error.SocketClosedException if {@code fd} was closed
     * @throws IllegalStateException for a {@linkplain #wrap wrapped} view, a flyweight of a container or a
     *         {@linkplain #snapshot snapshot}
     */
    TcpInfo read(GuardedFd fd) throws IOException {
        if (!readable) {
            throw new IllegalStateException("a wrapped view or snapshot cannot read");
        }
        returned = 0;
        returned = Getsockopt.get(fd, Linux.SOL_TCP(), Linux.TCP_INFO(), "getsockopt(TCP_INFO)", "TCP_INFO",
                segment, SIZE);
        return this;
    }

    /** {@return the number of bytes the kernel returned (280 on Linux 6.18), 0 before any read} */
    public int returnedLength() {
        return returned;
    }

    /**
     * {@return whether {@code field} lies within the returned bytes}
     *
     * @param field the field to test
     */
    public boolean has(Field field) {
        Objects.requireNonNull(field, "field");
        return field.end <= returned;
    }

    /**
     * {@return an immutable copy of the present bytes, on the Java heap} The copy's getters give the
     * same answers as this view's now; it cannot be refilled by a read ({@link org.mptcpj.socket.StreamSocket#tcpInfo}).
     */
    public TcpInfo snapshot() {
        return new TcpInfo(Getsockopt.heapCopy(segment, returned, SIZE), Math.min(returned, SIZE), false);
    }

    private void require(Field field) {
        if (field.end > returned) {
            throw new IllegalStateException(field.cName() + " not present: " + returned + " bytes returned"
                    + (returned == 0 ? " (no successful read yet)" : ""));
        }
    }

    private int bitfieldByte(long offset) {
        require(Field.OPTIONS); // bytes 6 and 7 come with the first 8
        if (returned < offset + 1) {
            throw new IllegalStateException("tcp_info bitfields not present: " + returned + " bytes returned");
        }
        return Byte.toUnsignedInt(segment.get(ValueLayout.JAVA_BYTE, offset));
    }

    // ---- C bitfields, which jextract does not generate accessors for ----
    // `__u8 tcpi_snd_wscale : 4, tcpi_rcv_wscale : 4;` is the byte right after tcpi_options. gcc on
    // little-endian targets (x86-64, aarch64, riscv64: every Linux the library runs on) allocates
    // bitfields from the least significant bit: snd_wscale is the low nibble, rcv_wscale the high one.
    // Likewise `__u8 tcpi_delivery_rate_app_limited : 1, tcpi_fastopen_client_fail : 2;` is the next
    // byte: bit 0, then bits 1-2.

    /** {@return {@code tcpi_snd_wscale}: the peer's window scale (meaningful when {@code TCPI_OPT_WSCALE} is in {@link #options()})} */
    public int sndWscale() {
        return bitfieldByte(WSCALE_BYTE) & 0x0f;
    }

    /** {@return {@code tcpi_rcv_wscale}: our window scale (meaningful when {@code TCPI_OPT_WSCALE} is in {@link #options()})} */
    public int rcvWscale() {
        return bitfieldByte(WSCALE_BYTE) >>> 4;
    }

    /** {@return {@code tcpi_delivery_rate_app_limited}: whether the last delivery-rate sample was application-limited} */
    public boolean deliveryRateAppLimited() {
        return (bitfieldByte(FLAGS_BYTE) & 1) != 0;
    }

    /** {@return {@code tcpi_fastopen_client_fail}: the TCP Fast Open client failure reason, 0..3} */
    public int fastopenClientFail() {
        return (bitfieldByte(FLAGS_BYTE) >>> 1) & 3;
    }

    /** {@return the {@link #state()} as {@code ss} names it, e.g. {@code "ESTAB"}} */
    public String stateName() {
        int s = state();
        return s < STATES.length ? STATES[s] : "STATE-" + s;
    }

    /** {@return {@code tcpi_state}: the TCP state ({@code TCP_ESTABLISHED} = 1 ... ; see {@link #stateName()})} */
    public int state() {
        require(Field.STATE);
        return Byte.toUnsignedInt(tcp_info.tcpi_state(segment));
    }

    /** {@return {@code tcpi_ca_state}: the congestion-avoidance state (0 Open, 1 Disorder, 2 CWR, 3 Recovery, 4 Loss)} */
    public int caState() {
        require(Field.CA_STATE);
        return Byte.toUnsignedInt(tcp_info.tcpi_ca_state(segment));
    }

    /** {@return {@code tcpi_retransmits}: retransmissions of the current RTO episode (icsk_retransmits)} */
    public int retransmits() {
        require(Field.RETRANSMITS);
        return Byte.toUnsignedInt(tcp_info.tcpi_retransmits(segment));
    }

    /** {@return {@code tcpi_probes}: unanswered zero-window or keepalive probes} */
    public int probes() {
        require(Field.PROBES);
        return Byte.toUnsignedInt(tcp_info.tcpi_probes(segment));
    }

    /** {@return {@code tcpi_backoff}: the RTO exponential backoff} */
    public int backoff() {
        require(Field.BACKOFF);
        return Byte.toUnsignedInt(tcp_info.tcpi_backoff(segment));
    }

    /** {@return {@code tcpi_options}: the negotiated options, a set of {@code TCPI_OPT_*} bits} */
    public int options() {
        require(Field.OPTIONS);
        return Byte.toUnsignedInt(tcp_info.tcpi_options(segment));
    }

    /** {@return {@code tcpi_rto}: the retransmission timeout, microseconds} */
    public long rtoMicros() {
        require(Field.RTO);
        return Integer.toUnsignedLong(tcp_info.tcpi_rto(segment));
    }

    /** {@return {@code tcpi_ato}: the delayed-ack timeout, microseconds} */
    public long atoMicros() {
        require(Field.ATO);
        return Integer.toUnsignedLong(tcp_info.tcpi_ato(segment));
    }

    /** {@return {@code tcpi_snd_mss}: the send MSS, bytes (ss: {@code mss})} */
    public long sndMss() {
        require(Field.SND_MSS);
        return Integer.toUnsignedLong(tcp_info.tcpi_snd_mss(segment));
    }

    /** {@return {@code tcpi_rcv_mss}: the receive MSS estimate, bytes (ss: {@code rcvmss})} */
    public long rcvMss() {
        require(Field.RCV_MSS);
        return Integer.toUnsignedLong(tcp_info.tcpi_rcv_mss(segment));
    }

    /** {@return {@code tcpi_unacked}: segments sent and not yet acknowledged} */
    public long unacked() {
        require(Field.UNACKED);
        return Integer.toUnsignedLong(tcp_info.tcpi_unacked(segment));
    }

    /** {@return {@code tcpi_sacked}: segments selectively acknowledged (or, without SACK, duplicate acks)} */
    public long sacked() {
        require(Field.SACKED);
        return Integer.toUnsignedLong(tcp_info.tcpi_sacked(segment));
    }

    /** {@return {@code tcpi_lost}: segments considered lost} */
    public long lost() {
        require(Field.LOST);
        return Integer.toUnsignedLong(tcp_info.tcpi_lost(segment));
    }

    /** {@return {@code tcpi_retrans}: segments retransmitted and not yet acknowledged} */
    public long retrans() {
        require(Field.RETRANS);
        return Integer.toUnsignedLong(tcp_info.tcpi_retrans(segment));
    }

    /** {@return {@code tcpi_fackets}: unused by Linux since 4.15, always 0} */
    public long fackets() {
        require(Field.FACKETS);
        return Integer.toUnsignedLong(tcp_info.tcpi_fackets(segment));
    }

    /** {@return {@code tcpi_last_data_sent}: milliseconds since data was last sent} */
    public long lastDataSentMillis() {
        require(Field.LAST_DATA_SENT);
        return Integer.toUnsignedLong(tcp_info.tcpi_last_data_sent(segment));
    }

    /** {@return {@code tcpi_last_ack_sent}: unused by Linux, always 0} */
    public long lastAckSentMillis() {
        require(Field.LAST_ACK_SENT);
        return Integer.toUnsignedLong(tcp_info.tcpi_last_ack_sent(segment));
    }

    /** {@return {@code tcpi_last_data_recv}: milliseconds since data was last received} */
    public long lastDataRecvMillis() {
        require(Field.LAST_DATA_RECV);
        return Integer.toUnsignedLong(tcp_info.tcpi_last_data_recv(segment));
    }

    /** {@return {@code tcpi_last_ack_recv}: milliseconds since an ack was last received} */
    public long lastAckRecvMillis() {
        require(Field.LAST_ACK_RECV);
        return Integer.toUnsignedLong(tcp_info.tcpi_last_ack_recv(segment));
    }

    /** {@return {@code tcpi_pmtu}: the path MTU, bytes} */
    public long pmtu() {
        require(Field.PMTU);
        return Integer.toUnsignedLong(tcp_info.tcpi_pmtu(segment));
    }

    /** {@return {@code tcpi_rcv_ssthresh}: the receive-window clamp, bytes} */
    public long rcvSsthresh() {
        require(Field.RCV_SSTHRESH);
        return Integer.toUnsignedLong(tcp_info.tcpi_rcv_ssthresh(segment));
    }

    /** {@return {@code tcpi_rtt}: the smoothed round-trip time, microseconds} */
    public long rttMicros() {
        require(Field.RTT);
        return Integer.toUnsignedLong(tcp_info.tcpi_rtt(segment));
    }

    /** {@return {@code tcpi_rttvar}: the round-trip time variation, microseconds} */
    public long rttVarMicros() {
        require(Field.RTTVAR);
        return Integer.toUnsignedLong(tcp_info.tcpi_rttvar(segment));
    }

    /** {@return {@code tcpi_snd_ssthresh}: the slow-start threshold, segments (a huge value while unset)} */
    public long sndSsthresh() {
        require(Field.SND_SSTHRESH);
        return Integer.toUnsignedLong(tcp_info.tcpi_snd_ssthresh(segment));
    }

    /** {@return {@code tcpi_snd_cwnd}: the congestion window, segments} */
    public long sndCwnd() {
        require(Field.SND_CWND);
        return Integer.toUnsignedLong(tcp_info.tcpi_snd_cwnd(segment));
    }

    /** {@return {@code tcpi_advmss}: the advertised MSS, bytes} */
    public long advMss() {
        require(Field.ADVMSS);
        return Integer.toUnsignedLong(tcp_info.tcpi_advmss(segment));
    }

    /** {@return {@code tcpi_reordering}: the reordering degree, segments} */
    public long reordering() {
        require(Field.REORDERING);
        return Integer.toUnsignedLong(tcp_info.tcpi_reordering(segment));
    }

    /** {@return {@code tcpi_rcv_rtt}: the receiver-side round-trip estimate, microseconds} */
    public long rcvRttMicros() {
        require(Field.RCV_RTT);
        return Integer.toUnsignedLong(tcp_info.tcpi_rcv_rtt(segment));
    }

    /** {@return {@code tcpi_rcv_space}: the receive-buffer autotuning space, bytes} */
    public long rcvSpace() {
        require(Field.RCV_SPACE);
        return Integer.toUnsignedLong(tcp_info.tcpi_rcv_space(segment));
    }

    /** {@return {@code tcpi_total_retrans}: all retransmitted segments} */
    public long totalRetrans() {
        require(Field.TOTAL_RETRANS);
        return Integer.toUnsignedLong(tcp_info.tcpi_total_retrans(segment));
    }

    /** {@return {@code tcpi_pacing_rate}: the pacing rate, bytes per second} */
    public long pacingRate() {
        require(Field.PACING_RATE);
        return tcp_info.tcpi_pacing_rate(segment);
    }

    /** {@return {@code tcpi_max_pacing_rate}: the {@code SO_MAX_PACING_RATE} limit, bytes per second} */
    public long maxPacingRate() {
        require(Field.MAX_PACING_RATE);
        return tcp_info.tcpi_max_pacing_rate(segment);
    }

    /** {@return {@code tcpi_bytes_acked}: bytes acknowledged by the peer (RFC 4898 tcpEStatsAppHCThruOctetsAcked)} */
    public long bytesAcked() {
        require(Field.BYTES_ACKED);
        return tcp_info.tcpi_bytes_acked(segment);
    }

    /** {@return {@code tcpi_bytes_received}: bytes received in sequence (RFC 4898 tcpEStatsAppHCThruOctetsReceived)} */
    public long bytesReceived() {
        require(Field.BYTES_RECEIVED);
        return tcp_info.tcpi_bytes_received(segment);
    }

    /** {@return {@code tcpi_segs_out}: segments sent, retransmissions included} */
    public long segsOut() {
        require(Field.SEGS_OUT);
        return Integer.toUnsignedLong(tcp_info.tcpi_segs_out(segment));
    }

    /** {@return {@code tcpi_segs_in}: segments received} */
    public long segsIn() {
        require(Field.SEGS_IN);
        return Integer.toUnsignedLong(tcp_info.tcpi_segs_in(segment));
    }

    /** {@return {@code tcpi_notsent_bytes}: bytes queued and not yet sent} */
    public long notsentBytes() {
        require(Field.NOTSENT_BYTES);
        return Integer.toUnsignedLong(tcp_info.tcpi_notsent_bytes(segment));
    }

    /** {@return {@code tcpi_min_rtt}: the minimum round-trip time seen, microseconds} */
    public long minRttMicros() {
        require(Field.MIN_RTT);
        return Integer.toUnsignedLong(tcp_info.tcpi_min_rtt(segment));
    }

    /** {@return {@code tcpi_data_segs_in}: segments received that carried data} */
    public long dataSegsIn() {
        require(Field.DATA_SEGS_IN);
        return Integer.toUnsignedLong(tcp_info.tcpi_data_segs_in(segment));
    }

    /** {@return {@code tcpi_data_segs_out}: segments sent that carried data} */
    public long dataSegsOut() {
        require(Field.DATA_SEGS_OUT);
        return Integer.toUnsignedLong(tcp_info.tcpi_data_segs_out(segment));
    }

    /** {@return {@code tcpi_delivery_rate}: the latest delivery-rate sample, bytes per second} */
    public long deliveryRate() {
        require(Field.DELIVERY_RATE);
        return tcp_info.tcpi_delivery_rate(segment);
    }

    /** {@return {@code tcpi_busy_time}: time with data outstanding, microseconds} */
    public long busyTimeMicros() {
        require(Field.BUSY_TIME);
        return tcp_info.tcpi_busy_time(segment);
    }

    /** {@return {@code tcpi_rwnd_limited}: time limited by the receive window, microseconds} */
    public long rwndLimitedMicros() {
        require(Field.RWND_LIMITED);
        return tcp_info.tcpi_rwnd_limited(segment);
    }

    /** {@return {@code tcpi_sndbuf_limited}: time limited by the send buffer, microseconds} */
    public long sndbufLimitedMicros() {
        require(Field.SNDBUF_LIMITED);
        return tcp_info.tcpi_sndbuf_limited(segment);
    }

    /** {@return {@code tcpi_delivered}: segments delivered, retransmissions included} */
    public long delivered() {
        require(Field.DELIVERED);
        return Integer.toUnsignedLong(tcp_info.tcpi_delivered(segment));
    }

    /** {@return {@code tcpi_delivered_ce}: delivered segments that were ECN CE-marked} */
    public long deliveredCe() {
        require(Field.DELIVERED_CE);
        return Integer.toUnsignedLong(tcp_info.tcpi_delivered_ce(segment));
    }

    /** {@return {@code tcpi_bytes_sent}: bytes sent, retransmissions included (RFC 4898 tcpEStatsPerfHCDataOctetsOut)} */
    public long bytesSent() {
        require(Field.BYTES_SENT);
        return tcp_info.tcpi_bytes_sent(segment);
    }

    /** {@return {@code tcpi_bytes_retrans}: bytes retransmitted (RFC 4898 tcpEStatsPerfOctetsRetrans)} */
    public long bytesRetrans() {
        require(Field.BYTES_RETRANS);
        return tcp_info.tcpi_bytes_retrans(segment);
    }

    /** {@return {@code tcpi_dsack_dups}: duplicate segments reported by DSACK} */
    public long dsackDups() {
        require(Field.DSACK_DUPS);
        return Integer.toUnsignedLong(tcp_info.tcpi_dsack_dups(segment));
    }

    /** {@return {@code tcpi_reord_seen}: reordering events seen} */
    public long reordSeen() {
        require(Field.REORD_SEEN);
        return Integer.toUnsignedLong(tcp_info.tcpi_reord_seen(segment));
    }

    /** {@return {@code tcpi_rcv_ooopack}: out-of-order packets received} */
    public long rcvOoopack() {
        require(Field.RCV_OOOPACK);
        return Integer.toUnsignedLong(tcp_info.tcpi_rcv_ooopack(segment));
    }

    /** {@return {@code tcpi_snd_wnd}: the peer's advertised receive window after scaling, bytes} */
    public long sndWnd() {
        require(Field.SND_WND);
        return Integer.toUnsignedLong(tcp_info.tcpi_snd_wnd(segment));
    }

    // ---- later fields: empty when the kernel did not return them ----

    /** {@return {@code tcpi_rcv_wnd}: the local advertised receive window after scaling, bytes (Linux 6.2), empty if absent} */
    public OptionalLong rcvWnd() {
        return has(Field.RCV_WND) ? OptionalLong.of(Integer.toUnsignedLong(tcp_info.tcpi_rcv_wnd(segment))) : OptionalLong.empty();
    }

    /** {@return {@code tcpi_rehash}: PLB or timeout-triggered rehash attempts (Linux 6.2), empty if absent} */
    public OptionalLong rehash() {
        return has(Field.REHASH) ? OptionalLong.of(Integer.toUnsignedLong(tcp_info.tcpi_rehash(segment))) : OptionalLong.empty();
    }

    /** {@return {@code tcpi_total_rto}: RTO timeouts, all episodes (Linux 6.7), empty if absent} */
    public OptionalInt totalRto() {
        return has(Field.TOTAL_RTO) ? OptionalInt.of(Short.toUnsignedInt(tcp_info.tcpi_total_rto(segment))) : OptionalInt.empty();
    }

    /** {@return {@code tcpi_total_rto_recoveries}: RTO recoveries (episodes) (Linux 6.7), empty if absent} */
    public OptionalInt totalRtoRecoveries() {
        return has(Field.TOTAL_RTO_RECOVERIES) ? OptionalInt.of(Short.toUnsignedInt(tcp_info.tcpi_total_rto_recoveries(segment))) : OptionalInt.empty();
    }

    /** {@return {@code tcpi_total_rto_time}: time spent in RTO recoveries, milliseconds (Linux 6.7), empty if absent} */
    public OptionalLong totalRtoTimeMillis() {
        return has(Field.TOTAL_RTO_TIME) ? OptionalLong.of(Integer.toUnsignedLong(tcp_info.tcpi_total_rto_time(segment))) : OptionalLong.empty();
    }

    /** {@return {@code tcpi_received_ce}: CE-marked segments received (AccECN) (Linux 6.18), empty if absent} */
    public OptionalLong receivedCe() {
        return has(Field.RECEIVED_CE) ? OptionalLong.of(Integer.toUnsignedLong(tcp_info.tcpi_received_ce(segment))) : OptionalLong.empty();
    }

    /** {@return {@code tcpi_delivered_e1_bytes}: bytes delivered with ECT(1) (AccECN) (Linux 6.18), empty if absent} */
    public OptionalLong deliveredE1Bytes() {
        return has(Field.DELIVERED_E1_BYTES) ? OptionalLong.of(Integer.toUnsignedLong(tcp_info.tcpi_delivered_e1_bytes(segment))) : OptionalLong.empty();
    }

    /** {@return {@code tcpi_delivered_e0_bytes}: bytes delivered with ECT(0) (AccECN) (Linux 6.18), empty if absent} */
    public OptionalLong deliveredE0Bytes() {
        return has(Field.DELIVERED_E0_BYTES) ? OptionalLong.of(Integer.toUnsignedLong(tcp_info.tcpi_delivered_e0_bytes(segment))) : OptionalLong.empty();
    }

    /** {@return {@code tcpi_delivered_ce_bytes}: bytes delivered with CE (AccECN) (Linux 6.18), empty if absent} */
    public OptionalLong deliveredCeBytes() {
        return has(Field.DELIVERED_CE_BYTES) ? OptionalLong.of(Integer.toUnsignedLong(tcp_info.tcpi_delivered_ce_bytes(segment))) : OptionalLong.empty();
    }

    /** {@return {@code tcpi_received_e1_bytes}: bytes received with ECT(1) (AccECN) (Linux 6.18), empty if absent} */
    public OptionalLong receivedE1Bytes() {
        return has(Field.RECEIVED_E1_BYTES) ? OptionalLong.of(Integer.toUnsignedLong(tcp_info.tcpi_received_e1_bytes(segment))) : OptionalLong.empty();
    }

    /** {@return {@code tcpi_received_e0_bytes}: bytes received with ECT(0) (AccECN) (Linux 6.18), empty if absent} */
    public OptionalLong receivedE0Bytes() {
        return has(Field.RECEIVED_E0_BYTES) ? OptionalLong.of(Integer.toUnsignedLong(tcp_info.tcpi_received_e0_bytes(segment))) : OptionalLong.empty();
    }

    /** {@return {@code tcpi_received_ce_bytes}: bytes received with CE (AccECN) (Linux 6.18), empty if absent} */
    public OptionalLong receivedCeBytes() {
        return has(Field.RECEIVED_CE_BYTES) ? OptionalLong.of(Integer.toUnsignedLong(tcp_info.tcpi_received_ce_bytes(segment))) : OptionalLong.empty();
    }

    /** {@return {@code tcpi_accecn_fail_mode}: the AccECN failure mode bits (Linux 6.18), empty if absent} */
    public OptionalInt accecnFailMode() {
        return has(Field.ACCECN_FAIL_MODE) ? OptionalInt.of(Short.toUnsignedInt(tcp_info.tcpi_accecn_fail_mode(segment))) : OptionalInt.empty();
    }

    /** {@return {@code tcpi_accecn_opt_seen}: the AccECN option status seen (Linux 6.18), empty if absent} */
    public OptionalInt accecnOptSeen() {
        return has(Field.ACCECN_OPT_SEEN) ? OptionalInt.of(Short.toUnsignedInt(tcp_info.tcpi_accecn_opt_seen(segment))) : OptionalInt.empty();
    }

    /**
     * {@return the non-zero values in the manner of {@code ss -ti}} For example
     * {@code ESTAB ts sack wscale:10,10 rto:204 rtt:0.033/0.015 mss:47616 pmtu:65535 rcvmss:536
     * advmss:65483 cwnd:14 bytes_sent:100000 bytes_acked:100001 segs_out:6 ...}. As in {@code ss},
     * rto, rtt, ato, rcv_rtt and minrtt are printed in milliseconds, and zero values are left out.
     */
    @Override
    public String toString() {
        if (returned < Field.SND_WND.end) {
            return returned == 0 ? "tcp_info: not read" : "tcp_info: " + returned + " bytes";
        }
        StringBuilder b = new StringBuilder(512).append(stateName());
        int opt = options();
        if ((opt & Linux.TCPI_OPT_TIMESTAMPS()) != 0) {
            b.append(" ts");
        }
        if ((opt & Linux.TCPI_OPT_SACK()) != 0) {
            b.append(" sack");
        }
        if ((opt & Linux.TCPI_OPT_ECN()) != 0) {
            b.append(" ecn");
        }
        if ((opt & Linux.TCPI_OPT_ECN_SEEN()) != 0) {
            b.append(" ecnseen");
        }
        if ((opt & Linux.TCPI_OPT_WSCALE()) != 0) {
            b.append(" wscale:").append(sndWscale()).append(',').append(rcvWscale());
        }
        nz(b, " rto:", rtoMicros(), true);
        nz(b, " backoff:", backoff(), false);
        if (rttMicros() != 0) {
            b.append(" rtt:").append(Getsockopt.millis(rttMicros())).append('/').append(Getsockopt.millis(rttVarMicros()));
        }
        nz(b, " ato:", atoMicros(), true);
        nz(b, " mss:", sndMss(), false);
        nz(b, " pmtu:", pmtu(), false);
        nz(b, " rcvmss:", rcvMss(), false);
        nz(b, " advmss:", advMss(), false);
        nz(b, " cwnd:", sndCwnd(), false);
        if (sndSsthresh() < 0xffff) {
            nz(b, " ssthresh:", sndSsthresh(), false);
        }
        nz(b, " bytes_sent:", bytesSent(), false);
        nz(b, " bytes_retrans:", bytesRetrans(), false);
        nz(b, " bytes_acked:", bytesAcked(), false);
        nz(b, " bytes_received:", bytesReceived(), false);
        nz(b, " segs_out:", segsOut(), false);
        nz(b, " segs_in:", segsIn(), false);
        nz(b, " data_segs_out:", dataSegsOut(), false);
        nz(b, " data_segs_in:", dataSegsIn(), false);
        nz(b, " lastsnd:", lastDataSentMillis(), false);
        nz(b, " lastrcv:", lastDataRecvMillis(), false);
        nz(b, " lastack:", lastAckRecvMillis(), false);
        if (pacingRate() != 0 && pacingRate() != -1L) {
            b.append(" pacing_rate ").append(Long.toUnsignedString(pacingRate() * 8)).append("bps");
        }
        if (deliveryRate() != 0) {
            b.append(" delivery_rate ").append(Long.toUnsignedString(deliveryRate() * 8)).append("bps");
        }
        nz(b, " delivered:", delivered(), false);
        nz(b, " delivered_ce:", deliveredCe(), false);
        if (deliveryRateAppLimited()) {
            b.append(" app_limited");
        }
        nz(b, " unacked:", unacked(), false);
        if (retrans() != 0 || totalRetrans() != 0) {
            b.append(" retrans:").append(retrans()).append('/').append(totalRetrans());
        }
        nz(b, " lost:", lost(), false);
        nz(b, " sacked:", sacked(), false);
        nz(b, " dsack_dups:", dsackDups(), false);
        if (reordering() != 3) {
            nz(b, " reordering:", reordering(), false);
        }
        nz(b, " reord_seen:", reordSeen(), false);
        nz(b, " rcv_rtt:", rcvRttMicros(), true);
        nz(b, " rcv_space:", rcvSpace(), false);
        nz(b, " rcv_ssthresh:", rcvSsthresh(), false);
        nz(b, " notsent:", notsentBytes(), false);
        nz(b, " minrtt:", minRttMicros(), true);
        nz(b, " rcv_ooopack:", rcvOoopack(), false);
        nz(b, " snd_wnd:", sndWnd(), false);
        rcvWnd().ifPresent(v -> nz(b, " rcv_wnd:", v, false));
        rehash().ifPresent(v -> nz(b, " rehash:", v, false));
        totalRto().ifPresent(v -> nz(b, " total_rto:", v, false));
        totalRtoRecoveries().ifPresent(v -> nz(b, " total_rto_recoveries:", v, false));
        totalRtoTimeMillis().ifPresent(v -> nz(b, " total_rto_time:", v, false));
        receivedCe().ifPresent(v -> nz(b, " received_ce:", v, false));
        return b.toString();
    }

    private static void nz(StringBuilder b, String label, long value, boolean micros) {
        if (value != 0) {
            b.append(label).append(micros ? Getsockopt.millis(value) : Long.toUnsignedString(value));
        }
    }
}
