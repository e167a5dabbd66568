package org.mptcpj.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What each kernel version has, from upstream history: the expectations of the kernel-conformance
 * tests. A test asks "does the running kernel have X?" and asserts what the table says, never what
 * the kernel happened to return, so a kernel that loses or gains something fails the suite.
 *
 * <p>Versions are upstream releases ({@code major.minor}); a distribution kernel counts as the
 * upstream release it is based on, except where {@link #sublevel()} is needed for a known backport.
 */
public final class KernelFeatures {
    /** One feature, the first upstream release with it, and the commit that added it. */
    public enum Feature {
        MPTCP_INFO(5, 16, "55c42fa7fa33 mptcp: add MPTCP_INFO getsockopt"),
        MPTCP_TCPINFO(5, 16, "06f15cee3695 mptcp: add MPTCP_TCPINFO getsockopt support"),
        MPTCP_SUBFLOW_ADDRS(5, 16, "c11c5906bc0a mptcp: add MPTCP_SUBFLOW_ADDRS getsockopt support"),
        /** mptcp_info grows to 80 bytes: retransmits and the byte counters. */
        MPTCP_INFO_COUNTERS(6, 5, "38967f424b5b mptcp: track some aggregate data counters"),
        MPTCP_FULL_INFO(6, 5, "492432074e4f mptcp: introduce MPTCP_FULL_INFO getsockopt"),
        /** mptcp_info grows to 88 bytes. */
        MPTCP_INFO_SUBFLOWS_TOTAL(6, 10, "6ebf6f90ab4a mptcp: add mptcpi_subflows_total counter"),
        /** mptcp_info grows to 96 bytes. */
        MPTCP_INFO_LAST_TIMES(6, 12, "18d82cde7432 mptcp: add last time fields in mptcp_info"),
        /** The 'laminar' endpoint flag (seed 002's 'address' endpoint) and mptcpi_endp_laminar_max. */
        LAMINAR_ENDPOINT(6, 18, "MPTCP_PM_ADDR_FLAG_LAMINAR, net-next for 6.18"),
        /** tcp_info grows from 232 to 240 bytes (tcpi_rcv_wnd, tcpi_rehash). */
        TCP_INFO_RCV_WND(6, 2, "71fc704768f6 tcp: add rcv_wnd and plb_rehash to TCP_INFO"),
        /** tcp_info grows to 248 bytes (tcpi_total_rto, _recoveries, _time). */
        TCP_INFO_TOTAL_RTO(6, 7, "3868ab0f1925 tcp: new TCP_INFO stats for RTO events"),
        /**
         * Adding an endpoint that exists fails with EEXIST; older kernels said EINVAL ("too many addresses
         * or duplicate one"). Upstream commit not identified here: Debian's 6.1.192 says EINVAL, 6.12.117
         * EEXIST, so 6.12 is an upper bound for the first release, not an exact one.
         */
        PM_DUPLICATE_EEXIST(6, 12, "not identified (6.1: EINVAL, 6.12: EEXIST)"),
        /** tcp_info grows to 280 bytes (tcpi_received_ce and the AccECN byte counters). */
        TCP_INFO_ACCECN(6, 18, "tcp: AccECN counters in tcp_info (net-next for 6.18)");

        private final int major;
        private final int minor;
        private final String commit;

        Feature(int major, int minor, String commit) {
            this.major = major;
            this.minor = minor;
            this.commit = commit;
        }

        /** {@return the first upstream release with the feature, e.g. "6.5"} */
        public String since() {
            return major + "." + minor;
        }

        /** {@return the upstream commit (abbreviated hash and title) that added it} */
        public String commit() {
            return commit;
        }
    }

    private static final KernelFeatures RUNNING = running();

    private final int major;
    private final int minor;
    private final int sublevel;
    private final String release;

    KernelFeatures(String release, String version) {
        this.release = release;
        Matcher m = Pattern.compile("^(\\d+)\\.(\\d+)(?:\\.(\\d+))?").matcher(release);
        if (!m.find()) {
            throw new IllegalStateException("cannot parse the kernel release " + release);
        }
        major = Integer.parseInt(m.group(1));
        minor = Integer.parseInt(m.group(2));
        // Debian's release string stays "6.1.0-56-amd64"; its upstream sublevel is in the version,
        // e.g. "#1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (2026-11-16)".
        Matcher debian = Pattern.compile("Debian (\\d+)\\.(\\d+)\\.(\\d+)").matcher(version);
        sublevel = debian.find() ? Integer.parseInt(debian.group(3)) : m.group(3) == null ? 0 : Integer.parseInt(m.group(3));
    }

    private static KernelFeatures running() {
        try {
            return new KernelFeatures(Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip(),
                    Files.readString(Path.of("/proc/sys/kernel/version")).strip());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the kernel version", e);
        }
    }

    /** {@return the table for the running kernel} */
    public static KernelFeatures current() {
        return RUNNING;
    }

    /** {@return whether this kernel has {@code f}} */
    public boolean has(Feature f) {
        return atLeast(f.major, f.minor);
    }

    public boolean atLeast(int maj, int min) {
        return major > maj || (major == maj && minor >= min);
    }

    /** {@return the upstream sublevel (192 for Debian's 6.1.0-56, which is 6.1.192)} */
    public int sublevel() {
        return sublevel;
    }

    /** {@return e.g. "6.1" } */
    public String series() {
        return major + "." + minor;
    }

    public String release() {
        return release;
    }

    /** {@return the bytes getsockopt(MPTCP_INFO) returns on this kernel: 48, 80, 88 or 96} */
    public int mptcpInfoSize() {
        return has(Feature.MPTCP_INFO_LAST_TIMES) ? 96
                : has(Feature.MPTCP_INFO_SUBFLOWS_TOTAL) ? 88
                : has(Feature.MPTCP_INFO_COUNTERS) ? 80 : 48;
    }

    /** {@return the bytes getsockopt(TCP_INFO) returns on this kernel: 232 (5.4 .. 6.1), 240, 248 or 280} */
    public int tcpInfoSize() {
        return has(Feature.TCP_INFO_ACCECN) ? 280
                : has(Feature.TCP_INFO_TOTAL_RTO) ? 248
                : has(Feature.TCP_INFO_RCV_WND) ? 240 : 232;
    }

    /**
     * {@return whether keepalive set before connect() reaches the first subflow without the library's
     * re-apply}: upstream commit 648de37416b3 ("mptcp: sockopt: make sync_socket_options propagate
     * SOCK_KEEPOPEN", seed 000) is in 6.17 and was picked up by stable 6.16, 6.12, 6.6 and 6.1; Debian's
     * 6.1 changelog lists it since 6.1.153. For 6.6/6.12/6.16 the sublevels are those of the same
     * stable round (2025-09): 6.6.107, 6.12.48, 6.16.8.
     */
    public boolean hasKeepaliveBeforeConnectFix() {
        if (atLeast(6, 17)) {
            return true;
        }
        int needed = switch (series()) {
            case "6.1" -> 153;
            case "6.6" -> 107;
            case "6.12" -> 48;
            case "6.16" -> 8;
            default -> Integer.MAX_VALUE;
        };
        return sublevel >= needed;
    }

    @Override
    public String toString() {
        return release + " (upstream " + series() + "." + sublevel + ")";
    }
}
