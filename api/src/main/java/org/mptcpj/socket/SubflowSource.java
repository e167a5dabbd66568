package org.mptcpj.socket;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import org.mptcpj.bindings.linux.Linux;
import org.mptcpj.bindings.linux.mptcp_full_info;
import org.mptcpj.bindings.linux.mptcp_info;
import org.mptcpj.bindings.linux.mptcp_subflow_data;
import org.mptcpj.bindings.linux.tcp_info;
import org.mptcpj.internal.sys.Sys;

/**
 * Where the dead-peer watchdog learns the state of a connection's subflows. The kernel sources
 * ({@link Kernel}) differ by Linux version; one is chosen per JVM by {@link Kernel#probe()}. An
 * interface so that a test can choose a source or make one fail.
 */
interface SubflowSource {
    /** Subflows one request describes; MPTCP allows at most 8 extra subflows (MPTCP_PM_ADDR_MAX) plus the first. */
    int MAX_SUBFLOWS = 16;
    /** Bytes of each subflow's tcp_info asked for: up to and including tcpi_last_ack_recv, 8-aligned. */
    int TCP_INFO_PREFIX = (int) ((tcp_info.tcpi_last_ack_recv$offset() + 4 + 7) & ~7L);
    /** Allocates the readings' buffers (freed with their reading). */
    Arena ARENA = Arena.ofAuto();

    /**
     * Reads the subflows of the MPTCP socket {@code fd} into {@code into}.
     *
     * @return 0, or the negative errno: {@code -EOPNOTSUPP} means the connection fell back to TCP
     */
    int read(int fd, Reading into);

    /**
     * What one look at a connection found, and the native buffers of the look: one per thread that
     * looks (the watchdog thread reuses its own, so a look allocates nothing).
     */
    final class Reading {
        final MemorySegment subflows = ARENA.allocate(
                mptcp_subflow_data.layout().byteSize() + (long) MAX_SUBFLOWS * TCP_INFO_PREFIX, 8);
        final MemorySegment request = ARENA.allocate(mptcp_full_info.layout().byteSize(), 8);
        final MemorySegment info = ARENA.allocate(mptcp_info.layout().byteSize(), 8);
        final MemorySegment length = ARENA.allocate(ValueLayout.JAVA_INT);

        /** Established subflows (a subflow keepalive or a reset closed no longer counts). */
        int established;
        /**
         * Milliseconds since the newest established subflow last received an ACK ({@code tcpi_last_ack_recv}),
         * or -1 when the source cannot tell for every established subflow.
         */
        long lastAckMillis;
        /** Whether an established subflow has data in flight ({@code tcpi_unacked}): its death is not keepalive's to time. */
        boolean outstanding;
        /** Whether an established subflow has unanswered keepalive probes ({@code tcpi_probes}). */
        boolean probing;

        void reset() {
            established = 0;
            lastAckMillis = Long.MAX_VALUE;
            outstanding = false;
            probing = false;
        }

        /** Counts one subflow from the first bytes of its {@code tcp_info}. */
        void subflow(MemorySegment tcpInfo, long at) {
            if (tcpInfo.get(ValueLayout.JAVA_BYTE, at + tcp_info.tcpi_state$offset()) != Linux.TCP_ESTABLISHED()) {
                return;
            }
            established++;
            lastAckMillis = Math.min(lastAckMillis,
                    Integer.toUnsignedLong(tcpInfo.get(ValueLayout.JAVA_INT, at + tcp_info.tcpi_last_ack_recv$offset())));
            outstanding |= tcpInfo.get(ValueLayout.JAVA_INT, at + tcp_info.tcpi_unacked$offset()) != 0;
            probing |= tcpInfo.get(ValueLayout.JAVA_BYTE, at + tcp_info.tcpi_probes$offset()) != 0;
        }

        void done() {
            if (established == 0) {
                lastAckMillis = -1;
            }
        }
    }

    /**
     * The kernel's sources, best first. Each asks only for the first {@link #TCP_INFO_PREFIX} bytes of
     * a subflow's {@code tcp_info}: {@code tcpi_state}, {@code tcpi_probes}, {@code tcpi_unacked} and
     * {@code tcpi_last_ack_recv}.
     */
    enum Kernel implements SubflowSource {
        /**
         * {@code getsockopt(SOL_MPTCP, MPTCP_FULL_INFO)}: every subflow's {@code tcp_info} in one call.
         * Upstream commit 492432074e4f ("mptcp: introduce MPTCP_FULL_INFO getsockopt"), Linux 6.5.
         * The request must be zeroed apart from the sizes and the array pointer, or the kernel says EINVAL.
         */
        FULL_INFO("MPTCP_FULL_INFO (Linux 6.5+): the state of every subflow") {
            @Override
            public int read(int fd, Reading into) {
                MemorySegment request = into.request;
                MemorySegment subflows = into.subflows;
                MemorySegment length = into.length;
                request.fill((byte) 0);
                mptcp_full_info.size_tcpinfo_user(request, TCP_INFO_PREFIX);
                mptcp_full_info.size_arrays_user(request, MAX_SUBFLOWS);
                mptcp_full_info.tcp_info(request, subflows.address());
                length.set(ValueLayout.JAVA_INT, 0, (int) request.byteSize());
                int r = SYS.getsockopt(fd, Linux.SOL_MPTCP(), Linux.MPTCP_FULL_INFO(), request, length);
                if (r < 0) {
                    return r;
                }
                int n = Math.min(mptcp_full_info.num_subflows(request), MAX_SUBFLOWS);
                readArray(subflows, 0, n, mptcp_full_info.size_tcpinfo_user(request), into);
                return 0;
            }
        },
        /**
         * {@code getsockopt(SOL_MPTCP, MPTCP_TCPINFO)}: a {@code struct mptcp_subflow_data} header and
         * every subflow's {@code tcp_info}. Upstream commit 06f15cee3695 ("mptcp: add MPTCP_TCPINFO
         * getsockopt support"), Linux 5.16.
         */
        TCPINFO("MPTCP_TCPINFO (Linux 5.16+): the state of every subflow") {
            @Override
            public int read(int fd, Reading into) {
                MemorySegment subflows = into.subflows;
                MemorySegment length = into.length;
                long header = mptcp_subflow_data.layout().byteSize();
                subflows.asSlice(0, header).fill((byte) 0);
                mptcp_subflow_data.size_subflow_data(subflows, (int) header);
                mptcp_subflow_data.size_user(subflows, TCP_INFO_PREFIX);
                length.set(ValueLayout.JAVA_INT, 0, (int) subflows.byteSize());
                int r = SYS.getsockopt(fd, Linux.SOL_MPTCP(), Linux.MPTCP_TCPINFO(), subflows, length);
                if (r < 0) {
                    return r;
                }
                int stride = mptcp_subflow_data.size_user(subflows); // min(size_user, size_kernel)
                int n = stride == 0 ? 0 : (int) Math.min(mptcp_subflow_data.num_subflows(subflows),
                        (length.get(ValueLayout.JAVA_INT, 0) - header) / stride);
                readArray(subflows, header, n, stride, into);
                return 0;
            }
        },
        /**
         * {@code getsockopt(SOL_MPTCP, MPTCP_INFO)} (upstream commit 55c42fa7fa33, "mptcp: add
         * MPTCP_INFO getsockopt", Linux 5.16; 48 bytes up to 6.1) for {@code mptcpi_subflows}, the
         * subflows the path manager added and still counts, plus {@code getsockopt(SOL_TCP, TCP_INFO)}
         * on the MPTCP socket, which the kernel answers for the first subflow (commit aa1fbd94e5c7,
         * "mptcp: sockopt: add TCP_CONGESTION and TCP_INFO", Linux 5.13). Neither field of the 48-byte
         * {@code mptcp_info} tells whether the first subflow lives ({@code mptcpi_subflows} never counts
         * it, the sequence numbers do not move on an idle connection), hence the second call. Detects
         * the death of the first subflow when the path manager counts no other; an added subflow is
         * taken to be alive while the path manager counts it, so such a connection is reported dead
         * only once the path manager has dropped it too (never a false alarm).
         */
        INFO("MPTCP_INFO + the first subflow's TCP_INFO (Linux 5.16+): the first subflow's state and the "
                + "path manager's count of the others") {
            @Override
            public int read(int fd, Reading into) {
                MemorySegment info = into.info;
                MemorySegment subflows = into.subflows;
                MemorySegment length = into.length;
                length.set(ValueLayout.JAVA_INT, 0, (int) (mptcp_info.mptcpi_flags$offset() + 4));
                int r = SYS.getsockopt(fd, Linux.SOL_MPTCP(), Linux.MPTCP_INFO(), info, length);
                if (r < 0) {
                    return r;
                }
                int others = Byte.toUnsignedInt(mptcp_info.mptcpi_subflows(info));
                length.set(ValueLayout.JAVA_INT, 0, TCP_INFO_PREFIX);
                r = SYS.getsockopt(fd, Linux.SOL_TCP(), Linux.TCP_INFO(), subflows, length);
                into.reset();
                if (r == 0 && length.get(ValueLayout.JAVA_INT, 0) >= TCP_INFO_PREFIX) {
                    into.subflow(subflows, 0);
                } // else: no first subflow left to answer for
                into.established += others;
                into.done();
                if (others > 0) {
                    into.lastAckMillis = -1; // the other subflows' ACKs are not visible here
                }
                return 0;
            }
        };

        private static final Sys SYS = Sys.access(MethodHandles.lookup());

        final String description;

        Kernel(String description) {
            this.description = description;
        }

        private static void readArray(MemorySegment array, long offset, int n, int stride, Reading into) {
            into.reset();
            if (stride >= TCP_INFO_PREFIX) {
                for (int i = 0; i < n; i++) {
                    into.subflow(array, offset + (long) i * stride);
                }
            }
            into.done();
        }

        /** {@return the best source this kernel answers, or null when it answers none (before 5.16)} */
        static Kernel probe() {
            for (Kernel k : values()) {
                if (k.offered()) {
                    return k;
                }
            }
            return null;
        }

        /**
         * {@return whether this kernel answers this source}: asked on a fresh unconnected MPTCP
         * socket, where {@code EOPNOTSUPP} can only mean that the kernel does not know the option (on
         * a connection it also means a fallback to TCP). False when no MPTCP socket can be created.
         */
        boolean offered() {
            int fd = SYS.socket(Linux.AF_INET(), Linux.SOCK_STREAM() | Linux.SOCK_CLOEXEC(), Linux.IPPROTO_MPTCP());
            if (fd < 0) {
                fd = SYS.socket(Linux.AF_INET6(), Linux.SOCK_STREAM() | Linux.SOCK_CLOEXEC(), Linux.IPPROTO_MPTCP());
            }
            if (fd < 0) {
                return false;
            }
            try {
                return read(fd, new Reading()) == 0;
            } finally {
                SYS.close(fd);
            }
        }
    }
}
