package org.mptcpj.info;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.mptcpj.bindings.linux.Linux;
import org.mptcpj.bindings.linux.mptcp_info;
import org.mptcpj.internal.sys.GuardedFd;

/**
 * A reusable, zero-copy view of {@code struct mptcp_info}, read with
 * {@code getsockopt(fd, SOL_MPTCP, MPTCP_INFO)} (Linux 5.16).
 *
 * <p>The view owns one native buffer of {@code sizeof(struct mptcp_info)} (96 bytes), allocated once
 * in an automatic arena; a read ({@link org.mptcpj.socket.StreamSocket#mptcpInfo}) refills it in place and allocates nothing. Getters
 * read straight from that buffer, so they see the values of the last {@code read}. A view is not
 * thread-safe: use it from one thread at a time, and take a {@link #snapshot()} to keep or share
 * values.
 *
 * <p><b>Presence.</b> The kernel copies {@code min(buffer length, its own struct size)} bytes and
 * reports the length; a field that ends beyond that length is absent (an older kernel does not know
 * it), and so is a later field that an older kernel's struct covers with padding (see
 * {@link Field#minLength()}). {@code mptcpi_endp_laminar_max} and {@code mptcpi_endp_fullmesh_max}
 * (6.18) took two reserved bytes that 6.12 .. 6.17 return as zero: on those kernels they read 0. The fields of the first {@code MPTCP_INFO} (Linux 5.16, up to {@code mptcpi_csum_enabled})
 * have primitive getters; the later ones return {@link OptionalLong}/{@link OptionalInt}, empty when
 * absent. {@link #has(Field)} tells any field's presence. A primitive getter of an absent field
 * (only possible before the first read or on a {@linkplain #wrap short wrapped buffer}) throws
 * {@link IllegalStateException}.
 *
 * <p>All kernel fields are unsigned: {@code __u8} fields are returned as {@code int} in 0..255,
 * {@code __u32} as {@code long} in 0..2<sup>32</sup>-1, {@code __u64} as the raw 64 bits in a
 * {@code long} (read it with {@link Long#toUnsignedString(long)} if it may exceed 2<sup>63</sup>-1,
 * as the sequence numbers do).
 */
public final class MptcpInfo {
    /** Size of the struct this library knows ({@code sizeof(struct mptcp_info)}, 96 bytes on Linux 6.18). */
    public static final int SIZE = (int) mptcp_info.sizeof();

    // sizeof(struct mptcp_info) in the kernels that grew it: 48 (5.16), 80 (6.5), 88 (6.10), 96 (6.12).
    private static final int SIZE_6_5 = 80;
    private static final int SIZE_6_10 = 88;
    private static final int SIZE_6_12 = 96;

    private static final int FLAG_FALLBACK = (int) Linux.MPTCP_INFO_FLAG_FALLBACK();
    private static final int FLAG_REMOTE_KEY_RECEIVED = (int) Linux.MPTCP_INFO_FLAG_REMOTE_KEY_RECEIVED();

    /** The fields of {@code struct mptcp_info}, with their place in it and the kernel that added them. */
    public enum Field {
        /** {@code mptcpi_subflows}: additional (MP_JOIN) subflows, the initial one not counted. */
        SUBFLOWS(mptcp_info.mptcpi_subflows$offset(), mptcp_info.mptcpi_subflows$layout(), "5.16", 0),
        /** {@code mptcpi_add_addr_signal}. */
        ADD_ADDR_SIGNAL(mptcp_info.mptcpi_add_addr_signal$offset(), mptcp_info.mptcpi_add_addr_signal$layout(), "5.16", 0),
        /** {@code mptcpi_add_addr_accepted}. */
        ADD_ADDR_ACCEPTED(mptcp_info.mptcpi_add_addr_accepted$offset(), mptcp_info.mptcpi_add_addr_accepted$layout(), "5.16", 0),
        /** {@code mptcpi_subflows_max}. */
        SUBFLOWS_MAX(mptcp_info.mptcpi_subflows_max$offset(), mptcp_info.mptcpi_subflows_max$layout(), "5.16", 0),
        /** {@code mptcpi_add_addr_signal_max}. */
        ADD_ADDR_SIGNAL_MAX(mptcp_info.mptcpi_add_addr_signal_max$offset(), mptcp_info.mptcpi_add_addr_signal_max$layout(), "5.16", 0),
        /** {@code mptcpi_add_addr_accepted_max}. */
        ADD_ADDR_ACCEPTED_MAX(mptcp_info.mptcpi_add_addr_accepted_max$offset(), mptcp_info.mptcpi_add_addr_accepted_max$layout(), "5.16", 0),
        /** {@code mptcpi_flags}: {@code MPTCP_INFO_FLAG_*}. */
        FLAGS(mptcp_info.mptcpi_flags$offset(), mptcp_info.mptcpi_flags$layout(), "5.16", 0),
        /** {@code mptcpi_token}: the local connection token. */
        TOKEN(mptcp_info.mptcpi_token$offset(), mptcp_info.mptcpi_token$layout(), "5.16", 0),
        /** {@code mptcpi_write_seq}. */
        WRITE_SEQ(mptcp_info.mptcpi_write_seq$offset(), mptcp_info.mptcpi_write_seq$layout(), "5.16", 0),
        /** {@code mptcpi_snd_una}. */
        SND_UNA(mptcp_info.mptcpi_snd_una$offset(), mptcp_info.mptcpi_snd_una$layout(), "5.16", 0),
        /** {@code mptcpi_rcv_nxt}. */
        RCV_NXT(mptcp_info.mptcpi_rcv_nxt$offset(), mptcp_info.mptcpi_rcv_nxt$layout(), "5.16", 0),
        /** {@code mptcpi_local_addr_used}. */
        LOCAL_ADDR_USED(mptcp_info.mptcpi_local_addr_used$offset(), mptcp_info.mptcpi_local_addr_used$layout(), "5.16", 0),
        /** {@code mptcpi_local_addr_max}. */
        LOCAL_ADDR_MAX(mptcp_info.mptcpi_local_addr_max$offset(), mptcp_info.mptcpi_local_addr_max$layout(), "5.16", 0),
        /** {@code mptcpi_csum_enabled}. */
        CSUM_ENABLED(mptcp_info.mptcpi_csum_enabled$offset(), mptcp_info.mptcpi_csum_enabled$layout(), "5.16", 0),
        /** {@code mptcpi_retransmits}. */
        RETRANSMITS(mptcp_info.mptcpi_retransmits$offset(), mptcp_info.mptcpi_retransmits$layout(), "6.5", SIZE_6_5),
        /** {@code mptcpi_bytes_retrans}. */
        BYTES_RETRANS(mptcp_info.mptcpi_bytes_retrans$offset(), mptcp_info.mptcpi_bytes_retrans$layout(), "6.5", SIZE_6_5),
        /** {@code mptcpi_bytes_sent}. */
        BYTES_SENT(mptcp_info.mptcpi_bytes_sent$offset(), mptcp_info.mptcpi_bytes_sent$layout(), "6.5", SIZE_6_5),
        /** {@code mptcpi_bytes_received}. */
        BYTES_RECEIVED(mptcp_info.mptcpi_bytes_received$offset(), mptcp_info.mptcpi_bytes_received$layout(), "6.5", SIZE_6_5),
        /** {@code mptcpi_bytes_acked}. */
        BYTES_ACKED(mptcp_info.mptcpi_bytes_acked$offset(), mptcp_info.mptcpi_bytes_acked$layout(), "6.5", SIZE_6_5),
        /** {@code mptcpi_subflows_total}: all subflows, the initial one included. */
        SUBFLOWS_TOTAL(mptcp_info.mptcpi_subflows_total$offset(), mptcp_info.mptcpi_subflows_total$layout(), "6.10", SIZE_6_10),
        /** {@code mptcpi_endp_laminar_max}. */
        ENDP_LAMINAR_MAX(mptcp_info.mptcpi_endp_laminar_max$offset(), mptcp_info.mptcpi_endp_laminar_max$layout(), "6.18", SIZE_6_12),
        /** {@code mptcpi_endp_fullmesh_max}. */
        ENDP_FULLMESH_MAX(mptcp_info.mptcpi_endp_fullmesh_max$offset(), mptcp_info.mptcpi_endp_fullmesh_max$layout(), "6.18", SIZE_6_12),
        /** {@code mptcpi_last_data_sent}, milliseconds. */
        LAST_DATA_SENT(mptcp_info.mptcpi_last_data_sent$offset(), mptcp_info.mptcpi_last_data_sent$layout(), "6.12", SIZE_6_12),
        /** {@code mptcpi_last_data_recv}, milliseconds. */
        LAST_DATA_RECV(mptcp_info.mptcpi_last_data_recv$offset(), mptcp_info.mptcpi_last_data_recv$layout(), "6.12", SIZE_6_12),
        /** {@code mptcpi_last_ack_recv}, milliseconds. */
        LAST_ACK_RECV(mptcp_info.mptcpi_last_ack_recv$offset(), mptcp_info.mptcpi_last_ack_recv$layout(), "6.12", SIZE_6_12);

        private final long offset;
        private final long end;
        private final String since;
        private final long minLength;

        Field(long offset, MemoryLayout layout, String since, int kernelSize) {
            this.offset = offset;
            this.end = offset + layout.byteSize();
            this.since = since;
            this.minLength = Math.max(end, kernelSize);
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
         * {@return the returned length from which the field counts as present} For the fields of the
         * first {@code MPTCP_INFO} this is {@link #end()}; for a later field it is the struct size of
         * the kernel that added it, because earlier kernels returned their struct's tail padding:
         * 5.16 .. 6.4 return 48 bytes, whose last 4 are where {@code mptcpi_retransmits} now lies,
         * and 6.10/6.11 return 88, covering {@code mptcpi_last_data_sent}. A field must not be taken
         * for present on the strength of padding.
         */
        public long minLength() {
            return minLength;
        }

        /** {@return the first Linux release whose {@code MPTCP_INFO} returns the field, e.g. {@code "6.5"}} */
        public String since() {
            return since;
        }

        /** {@return the C name, e.g. {@code "mptcpi_bytes_sent"}} */
        public String cName() {
            return "mptcpi_" + name().toLowerCase(Locale.ROOT);
        }
    }


    private MemorySegment segment;
    private int returned;
    private final boolean readable;

    /** Creates a view with its own native buffer; nothing is present until a read ({@link org.mptcpj.socket.StreamSocket#mptcpInfo}). */
    public MptcpInfo() {
        this(Arena.ofAuto().allocate(mptcp_info.layout()), 0, true);
    }

    private MptcpInfo(MemorySegment segment, int returned, boolean readable) {
        this.segment = segment;
        this.returned = returned;
        this.readable = readable;
    }

    /**
     * A view over {@code struct mptcp_info} bytes that something else filled, for example the
     * {@code mptcp_info} member of {@code struct mptcp_full_info} or an {@code INET_DIAG} attribute.
     * The view reads {@code segment} in place; it cannot be refilled by a read ({@link org.mptcpj.socket.StreamSocket#mptcpInfo}).
     *
     * @param segment        the struct's first byte onwards, 8-byte aligned
     * @param returnedLength the number of valid bytes (fields ending beyond it are absent)
     * @return a view that reads {@code segment} in place
     * @throws IllegalArgumentException if {@code returnedLength} is negative or exceeds the segment,
     *                                  or the segment is not 8-byte aligned
     */
    public static MptcpInfo wrap(MemorySegment segment, int returnedLength) {
        Objects.requireNonNull(segment, "segment");
        Getsockopt.checkWrappable(segment, returnedLength);
        return new MptcpInfo(segment, returnedLength, false);
    }

    /** Re-points a view owned by a container ({@link MptcpFullInfo}) at fresh data. */
    void point(MemorySegment segment, int returnedLength) {
        this.segment = segment;
        this.returned = Math.min(returnedLength, (int) Math.min(segment.byteSize(), Integer.MAX_VALUE));
    }

    /**
     * Fills this view with {@code getsockopt(fd, SOL_MPTCP, MPTCP_INFO, buf, &len)}, {@code len} being
     * {@link #SIZE}, and records the length the kernel returned. Allocates nothing.
     *
     * @param fd the socket, held (acquired and released) for the duration of the call
     * @return this view
     * @throws org.mptcpj.error.ErrnoException {@code EOPNOTSUPP} when the socket is not MPTCP or its
     *         connection fell back to plain TCP (callers use it to detect fallback), or when the kernel
     *         predates {@code MPTCP_INFO} (5.16); {@code ENOPROTOOPT} on a non-TCP socket;
     *         {@code EBADF}/{@code ENOTSOCK} for a descriptor that is not a socket. On failure
     *         nothing is present any more.
     * @throws org.mptcpj.error.SocketClosedException if {@code fd} was closed
     * @throws IllegalStateException for a {@linkplain #wrap wrapped} view or a {@linkplain #snapshot snapshot}
     */
    MptcpInfo read(GuardedFd fd) throws IOException {
        if (!readable) {
            throw new IllegalStateException("a wrapped view or snapshot cannot read");
        }
        returned = 0;
        returned = Getsockopt.get(fd, Linux.SOL_MPTCP(), Linux.MPTCP_INFO(), "getsockopt(MPTCP_INFO)",
                "MPTCP_INFO", segment, SIZE);
        return this;
    }

    /** {@return the number of bytes the kernel returned in the last read (96 on Linux 6.18), 0 before any} */
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
        return field.minLength <= returned;
    }

    /**
     * {@return an immutable copy of the present bytes, on the Java heap} The copy's getters give the
     * same answers as this view's now; it cannot be refilled by a read ({@link org.mptcpj.socket.StreamSocket#mptcpInfo}).
     */
    public MptcpInfo snapshot() {
        return new MptcpInfo(Getsockopt.heapCopy(segment, returned, SIZE), Math.min(returned, SIZE), false);
    }

    private void require(Field field) {
        if (field.minLength > returned) {
            throw new IllegalStateException(field.cName() + " not present: " + returned + " bytes returned"
                    + (returned == 0 ? " (no successful read yet)" : ""));
        }
    }

    // ---- fields of every MPTCP_INFO (Linux 5.16) ----

    /**
     * {@return {@code mptcpi_subflows}: the subflows beyond the initial one (MP_JOIN subflows)} A
     * connection over a single path reports 0; see {@link #subflowsTotal()} for the count including
     * the initial subflow.
     */
    public int subflows() {
        require(Field.SUBFLOWS);
        return Byte.toUnsignedInt(mptcp_info.mptcpi_subflows(segment));
    }

    /** {@return {@code mptcpi_add_addr_signal}: ADD_ADDRs announced to the peer} */
    public int addAddrSignal() {
        require(Field.ADD_ADDR_SIGNAL);
        return Byte.toUnsignedInt(mptcp_info.mptcpi_add_addr_signal(segment));
    }

    /** {@return {@code mptcpi_add_addr_accepted}: ADD_ADDRs accepted from the peer} */
    public int addAddrAccepted() {
        require(Field.ADD_ADDR_ACCEPTED);
        return Byte.toUnsignedInt(mptcp_info.mptcpi_add_addr_accepted(segment));
    }

    /** {@return {@code mptcpi_subflows_max}: the path manager's limit on additional subflows} */
    public int subflowsMax() {
        require(Field.SUBFLOWS_MAX);
        return Byte.toUnsignedInt(mptcp_info.mptcpi_subflows_max(segment));
    }

    /** {@return {@code mptcpi_add_addr_signal_max}} */
    public int addAddrSignalMax() {
        require(Field.ADD_ADDR_SIGNAL_MAX);
        return Byte.toUnsignedInt(mptcp_info.mptcpi_add_addr_signal_max(segment));
    }

    /** {@return {@code mptcpi_add_addr_accepted_max}} */
    public int addAddrAcceptedMax() {
        require(Field.ADD_ADDR_ACCEPTED_MAX);
        return Byte.toUnsignedInt(mptcp_info.mptcpi_add_addr_accepted_max(segment));
    }

    /** {@return {@code mptcpi_flags}, a set of {@code MPTCP_INFO_FLAG_*} bits} */
    public long flags() {
        require(Field.FLAGS);
        return Integer.toUnsignedLong(mptcp_info.mptcpi_flags(segment));
    }

    /**
     * {@return whether {@code MPTCP_INFO_FLAG_FALLBACK} is set} On this kernel a fallen-back
     * connection fails {@code MPTCP_INFO} with {@code EOPNOTSUPP} instead, so a successful read rarely
     * shows it.
     */
    public boolean isFallback() {
        return (flags() & FLAG_FALLBACK) != 0;
    }

    /** {@return whether {@code MPTCP_INFO_FLAG_REMOTE_KEY_RECEIVED} is set (ss prints {@code remote_key})} */
    public boolean remoteKeyReceived() {
        return (flags() & FLAG_REMOTE_KEY_RECEIVED) != 0;
    }

    /** {@return {@code mptcpi_token}, the local connection token, 0..2<sup>32</sup>-1 (ss: {@code token:%x})} */
    public long token() {
        require(Field.TOKEN);
        return Integer.toUnsignedLong(mptcp_info.mptcpi_token(segment));
    }

    /** {@return {@code mptcpi_write_seq}: the next data sequence number to write (64-bit, unsigned)} */
    public long writeSeq() {
        require(Field.WRITE_SEQ);
        return mptcp_info.mptcpi_write_seq(segment);
    }

    /** {@return {@code mptcpi_snd_una}: the oldest unacknowledged data sequence number (64-bit, unsigned)} */
    public long sndUna() {
        require(Field.SND_UNA);
        return mptcp_info.mptcpi_snd_una(segment);
    }

    /** {@return {@code mptcpi_rcv_nxt}: the next data sequence number expected (64-bit, unsigned)} */
    public long rcvNxt() {
        require(Field.RCV_NXT);
        return mptcp_info.mptcpi_rcv_nxt(segment);
    }

    /** {@return {@code mptcpi_local_addr_used}} */
    public int localAddrUsed() {
        require(Field.LOCAL_ADDR_USED);
        return Byte.toUnsignedInt(mptcp_info.mptcpi_local_addr_used(segment));
    }

    /** {@return {@code mptcpi_local_addr_max}} */
    public int localAddrMax() {
        require(Field.LOCAL_ADDR_MAX);
        return Byte.toUnsignedInt(mptcp_info.mptcpi_local_addr_max(segment));
    }

    /** {@return whether {@code mptcpi_csum_enabled}: DSS checksums are in use} */
    public boolean csumEnabled() {
        require(Field.CSUM_ENABLED);
        return mptcp_info.mptcpi_csum_enabled(segment) != 0;
    }

    // ---- later fields ----

    private OptionalLong u32(Field f, int value) {
        return has(f) ? OptionalLong.of(Integer.toUnsignedLong(value)) : OptionalLong.empty();
    }

    /** {@return {@code mptcpi_retransmits} (Linux 6.5), empty if absent} */
    public OptionalLong retransmits() {
        return has(Field.RETRANSMITS) ? OptionalLong.of(Integer.toUnsignedLong(mptcp_info.mptcpi_retransmits(segment)))
                : OptionalLong.empty();
    }

    /** {@return {@code mptcpi_bytes_retrans}: data-level bytes retransmitted or reinjected (Linux 6.5), empty if absent} */
    public OptionalLong bytesRetrans() {
        return has(Field.BYTES_RETRANS) ? OptionalLong.of(mptcp_info.mptcpi_bytes_retrans(segment)) : OptionalLong.empty();
    }

    /** {@return {@code mptcpi_bytes_sent}: data-level bytes sent over all subflows (Linux 6.5), empty if absent} */
    public OptionalLong bytesSent() {
        return has(Field.BYTES_SENT) ? OptionalLong.of(mptcp_info.mptcpi_bytes_sent(segment)) : OptionalLong.empty();
    }

    /** {@return {@code mptcpi_bytes_received} (Linux 6.5), empty if absent} */
    public OptionalLong bytesReceived() {
        return has(Field.BYTES_RECEIVED) ? OptionalLong.of(mptcp_info.mptcpi_bytes_received(segment)) : OptionalLong.empty();
    }

    /** {@return {@code mptcpi_bytes_acked} (Linux 6.5), empty if absent} */
    public OptionalLong bytesAcked() {
        return has(Field.BYTES_ACKED) ? OptionalLong.of(mptcp_info.mptcpi_bytes_acked(segment)) : OptionalLong.empty();
    }

    /** {@return {@code mptcpi_subflows_total}: all subflows, the initial one included (Linux 6.10), empty if absent} */
    public OptionalInt subflowsTotal() {
        return has(Field.SUBFLOWS_TOTAL) ? OptionalInt.of(Byte.toUnsignedInt(mptcp_info.mptcpi_subflows_total(segment)))
                : OptionalInt.empty();
    }

    /** {@return {@code mptcpi_endp_laminar_max} (Linux 6.18), empty if absent} */
    public OptionalInt endpLaminarMax() {
        return has(Field.ENDP_LAMINAR_MAX) ? OptionalInt.of(Byte.toUnsignedInt(mptcp_info.mptcpi_endp_laminar_max(segment)))
                : OptionalInt.empty();
    }

    /** {@return {@code mptcpi_endp_fullmesh_max} (Linux 6.18), empty if absent} */
    public OptionalInt endpFullmeshMax() {
        return has(Field.ENDP_FULLMESH_MAX) ? OptionalInt.of(Byte.toUnsignedInt(mptcp_info.mptcpi_endp_fullmesh_max(segment)))
                : OptionalInt.empty();
    }

    /** {@return {@code mptcpi_last_data_sent}: milliseconds since data was last sent (Linux 6.12), empty if absent} */
    public OptionalLong lastDataSentMillis() {
        return u32(Field.LAST_DATA_SENT, has(Field.LAST_DATA_SENT) ? mptcp_info.mptcpi_last_data_sent(segment) : 0);
    }

    /** {@return {@code mptcpi_last_data_recv}: milliseconds since data was last received (Linux 6.12), empty if absent} */
    public OptionalLong lastDataRecvMillis() {
        return u32(Field.LAST_DATA_RECV, has(Field.LAST_DATA_RECV) ? mptcp_info.mptcpi_last_data_recv(segment) : 0);
    }

    /** {@return {@code mptcpi_last_ack_recv}: milliseconds since an ack was last received (Linux 6.12), empty if absent} */
    public OptionalLong lastAckRecvMillis() {
        return u32(Field.LAST_ACK_RECV, has(Field.LAST_ACK_RECV) ? mptcp_info.mptcpi_last_ack_recv(segment) : 0);
    }

    /**
     * {@return the present fields in the manner of {@code ss -Mi}} For example
     * {@code subflows:0 add_addr_signal:0 add_addr_accepted:0 subflows_max:2 ... remote_key token:ef71a58a
     * write_seq:ac0ef801571cefc0 snd_una:... rcv_nxt:... bytes_sent:100000 ...}. Sequence numbers are
     * hexadecimal as in {@code ss}; unlike {@code ss}, zero values are printed too.
     */
    @Override
    public String toString() {
        if (returned == 0) {
            return "mptcp_info: not read";
        }
        StringBuilder b = new StringBuilder(256);
        appendIf(b, Field.SUBFLOWS, "subflows:", () -> subflows());
        appendIf(b, Field.ADD_ADDR_SIGNAL, "add_addr_signal:", () -> addAddrSignal());
        appendIf(b, Field.ADD_ADDR_ACCEPTED, "add_addr_accepted:", () -> addAddrAccepted());
        appendIf(b, Field.SUBFLOWS_MAX, "subflows_max:", () -> subflowsMax());
        appendIf(b, Field.ADD_ADDR_SIGNAL_MAX, "add_addr_signal_max:", () -> addAddrSignalMax());
        appendIf(b, Field.ADD_ADDR_ACCEPTED_MAX, "add_addr_accepted_max:", () -> addAddrAcceptedMax());
        if (has(Field.FLAGS)) {
            if (remoteKeyReceived()) {
                b.append(" remote_key");
            }
            if (isFallback()) {
                b.append(" fallback");
            }
        }
        if (has(Field.TOKEN)) {
            b.append(" token:").append(Long.toHexString(token()));
        }
        if (has(Field.WRITE_SEQ)) {
            b.append(" write_seq:").append(Long.toHexString(writeSeq()));
        }
        if (has(Field.SND_UNA)) {
            b.append(" snd_una:").append(Long.toHexString(sndUna()));
        }
        if (has(Field.RCV_NXT)) {
            b.append(" rcv_nxt:").append(Long.toHexString(rcvNxt()));
        }
        appendIf(b, Field.LOCAL_ADDR_USED, "local_addr_used:", () -> localAddrUsed());
        appendIf(b, Field.LOCAL_ADDR_MAX, "local_addr_max:", () -> localAddrMax());
        if (has(Field.CSUM_ENABLED) && csumEnabled()) {
            b.append(" csum_enabled");
        }
        retransmits().ifPresent(v -> b.append(" retransmits:").append(v));
        bytesRetrans().ifPresent(v -> b.append(" bytes_retrans:").append(Long.toUnsignedString(v)));
        bytesSent().ifPresent(v -> b.append(" bytes_sent:").append(Long.toUnsignedString(v)));
        bytesReceived().ifPresent(v -> b.append(" bytes_received:").append(Long.toUnsignedString(v)));
        bytesAcked().ifPresent(v -> b.append(" bytes_acked:").append(Long.toUnsignedString(v)));
        subflowsTotal().ifPresent(v -> b.append(" subflows_total:").append(v));
        endpLaminarMax().ifPresent(v -> b.append(" endp_laminar_max:").append(v));
        endpFullmeshMax().ifPresent(v -> b.append(" endp_fullmesh_max:").append(v));
        lastDataSentMillis().ifPresent(v -> b.append(" last_data_sent:").append(v));
        lastDataRecvMillis().ifPresent(v -> b.append(" last_data_recv:").append(v));
        lastAckRecvMillis().ifPresent(v -> b.append(" last_ack_recv:").append(v));
        return b.substring(1);
    }

    private void appendIf(StringBuilder b, Field f, String label, java.util.function.IntSupplier value) {
        if (has(f)) {
            b.append(' ').append(label).append(value.getAsInt());
        }
    }
}
