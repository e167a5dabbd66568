package org.mptcpj.option;

import java.time.Duration;
import org.mptcpj.bindings.linux.Linux;

/**
 * The socket options this library types, one constant each with its level, name, Java type,
 * unit and kernel bounds (socket(7), tcp(7)). On an MPTCP socket the kernel applies the
 * {@code SOL_TCP} ones to every subflow (net/mptcp/sockopt.c).
 */
public final class Options {
    /** Largest TCP_KEEPIDLE, seconds (include/net/tcp.h MAX_TCP_KEEPIDLE). */
    public static final int MAX_KEEPIDLE = Linux.MAX_TCP_KEEPIDLE();
    /** Largest TCP_KEEPINTVL, seconds (MAX_TCP_KEEPINTVL). */
    public static final int MAX_KEEPINTVL = Linux.MAX_TCP_KEEPINTVL();
    /** Largest TCP_KEEPCNT (MAX_TCP_KEEPCNT). */
    public static final int MAX_KEEPCNT = Linux.MAX_TCP_KEEPCNT();

    private static final Duration SECOND = Duration.ofSeconds(1);
    private static final Duration MILLISECOND = Duration.ofMillis(1);

    /** {@code SO_KEEPALIVE}: send keepalive probes on an idle connection. */
    public static final NativeOption<Boolean> SO_KEEPALIVE = new NativeOption<>("SO_KEEPALIVE", Boolean.class,
            Linux.SOL_SOCKET(), Linux.SO_KEEPALIVE(), new OptionCodec.Flag());
    /** {@code TCP_KEEPIDLE}: idle time before the first probe, whole seconds 1..32767. */
    public static final NativeOption<Duration> TCP_KEEPIDLE = new NativeOption<>("TCP_KEEPIDLE", Duration.class,
            Linux.SOL_TCP(), Linux.TCP_KEEPIDLE(), new OptionCodec.IntDuration(SECOND, 1, MAX_KEEPIDLE));
    /** {@code TCP_KEEPINTVL}: time between probes, whole seconds 1..32767. */
    public static final NativeOption<Duration> TCP_KEEPINTVL = new NativeOption<>("TCP_KEEPINTVL", Duration.class,
            Linux.SOL_TCP(), Linux.TCP_KEEPINTVL(), new OptionCodec.IntDuration(SECOND, 1, MAX_KEEPINTVL));
    /** {@code TCP_KEEPCNT}: unanswered probes before the connection is dropped, 1..127. */
    public static final NativeOption<Integer> TCP_KEEPCNT = new NativeOption<>("TCP_KEEPCNT", Integer.class,
            Linux.SOL_TCP(), Linux.TCP_KEEPCNT(), new OptionCodec.Count(1, MAX_KEEPCNT));
    /**
     * {@code TCP_USER_TIMEOUT}: how long sent data may stay unacknowledged (and, with keepalive,
     * probes unanswered) before the connection is dropped; whole milliseconds 0..2^31-1, 0 meaning
     * the system default (RFC 5482).
     */
    public static final NativeOption<Duration> TCP_USER_TIMEOUT = new NativeOption<>("TCP_USER_TIMEOUT",
            Duration.class, Linux.SOL_TCP(), Linux.TCP_USER_TIMEOUT(),
            new OptionCodec.IntDuration(MILLISECOND, 0, Integer.MAX_VALUE));
    /** {@code TCP_NODELAY}: disable Nagle's algorithm. */
    public static final NativeOption<Boolean> TCP_NODELAY = new NativeOption<>("TCP_NODELAY", Boolean.class,
            Linux.SOL_TCP(), Linux.TCP_NODELAY(), new OptionCodec.Flag());
    /**
     * {@code SO_RCVBUF}: receive buffer, bytes 1..2^30. The kernel doubles the value it is given
     * (for its bookkeeping) and caps it at {@code net.core.rmem_max}; getsockopt returns the doubled value.
     */
    public static final NativeOption<Integer> SO_RCVBUF = new NativeOption<>("SO_RCVBUF", Integer.class,
            Linux.SOL_SOCKET(), Linux.SO_RCVBUF(), new OptionCodec.Count(1, Integer.MAX_VALUE / 2));
    /** {@code SO_SNDBUF}: send buffer, bytes 1..2^30, doubled and capped like {@link #SO_RCVBUF}. */
    public static final NativeOption<Integer> SO_SNDBUF = new NativeOption<>("SO_SNDBUF", Integer.class,
            Linux.SOL_SOCKET(), Linux.SO_SNDBUF(), new OptionCodec.Count(1, Integer.MAX_VALUE / 2));
    /** {@code SO_REUSEADDR}: allow binding a port with connections in TIME_WAIT. */
    public static final NativeOption<Boolean> SO_REUSEADDR = new NativeOption<>("SO_REUSEADDR", Boolean.class,
            Linux.SOL_SOCKET(), Linux.SO_REUSEADDR(), new OptionCodec.Flag());
    /** {@code SO_REUSEPORT}: let several sockets of the same user bind the same address and port. */
    public static final NativeOption<Boolean> SO_REUSEPORT = new NativeOption<>("SO_REUSEPORT", Boolean.class,
            Linux.SOL_SOCKET(), Linux.SO_REUSEPORT(), new OptionCodec.Flag());
    /** {@code SO_LINGER}: how close() treats unsent data. */
    public static final NativeOption<Linger> SO_LINGER = new NativeOption<>("SO_LINGER", Linger.class,
            Linux.SOL_SOCKET(), Linux.SO_LINGER(), new OptionCodec.LingerCodec());
    /** {@code TCP_CONGESTION}: congestion control algorithm, e.g. "cubic" (1..15 ASCII characters; others are rejected). */
    public static final NativeOption<String> TCP_CONGESTION = new NativeOption<>("TCP_CONGESTION", String.class,
            Linux.SOL_TCP(), Linux.TCP_CONGESTION(), new OptionCodec.Name(15));

    private Options() {
    }
}
