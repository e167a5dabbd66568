package org.mptcpj.option;

import java.time.Duration;
import java.util.Objects;

/**
 * TCP keepalive as one value, applied with one call and read back with one call (like Go's
 * {@code net.KeepAliveConfig} and Rust socket2's {@code TcpKeepalive}).
 *
 * <p>Once a connection has been idle for {@code idle}, the kernel sends up to {@code count}
 * probes {@code interval} apart and drops the connection ({@code ETIMEDOUT}) if none is answered:
 * a dead peer is found after about {@code idle + count × interval}. Linux defaults
 * ({@code net.ipv4.tcp_keepalive_time/intvl/probes}) are 7200 s, 75 s and 9; RFC 9293 (MUST-28)
 * requires that the idle time default to no less than two hours. The per-socket knobs are
 * {@code SO_KEEPALIVE}, {@code TCP_KEEPIDLE}, {@code TCP_KEEPINTVL} and {@code TCP_KEEPCNT}
 * (tcp(7)); {@code setsockopt(2)} accepts 1..32767 s, 1..32767 s and 1..127 ({@link #of} and
 * {@link #requireSettable()} check that), while the system defaults a socket reads back may be
 * larger. Durations must be whole seconds: they are rejected, never truncated.
 *
 * @param enabled  {@code SO_KEEPALIVE}
 * @param idle     {@code TCP_KEEPIDLE}
 * @param interval {@code TCP_KEEPINTVL}
 * @param count    {@code TCP_KEEPCNT}
 */
public record Keepalive(boolean enabled, Duration idle, Duration interval, int count) {
    /** The Linux defaults, enabled: 7200 s idle, 75 s interval, 9 probes. */
    public static final Keepalive LINUX_DEFAULTS = new Keepalive(true, Duration.ofSeconds(7200), Duration.ofSeconds(75), 9);

    /**
     * Any keepalive setting the kernel may hold: a socket that did not set the knobs reports the
     * system defaults ({@code sysctl net.ipv4.tcp_keepalive_time/intvl/probes}), which the kernel
     * lets exceed what {@code setsockopt(2)} accepts (e.g. 40000 s, 200 probes), so reading
     * ({@code keepalive()} of a socket) never fails. {@link #of} and
     * {@code NativeSocket.setKeepalive} check the settable bounds ({@link #requireSettable()}).
     *
     * @throws IllegalArgumentException if {@code idle} or {@code interval} is not a whole number of
     *         seconds within the {@code int} range {@code getsockopt(2)} reports in
     */
    public Keepalive {
        Objects.requireNonNull(idle, "idle");
        Objects.requireNonNull(interval, "interval");
        OptionCodec.requireIntSeconds("TCP_KEEPIDLE", idle);
        OptionCodec.requireIntSeconds("TCP_KEEPINTVL", interval);
    }

    /**
     * {@return keepalive enabled with these settings}
     *
     * @throws IllegalArgumentException if a value is outside what {@code setsockopt(2)} accepts
     *         ({@link #requireSettable()})
     */
    public static Keepalive of(Duration idle, Duration interval, int count) {
        return new Keepalive(true, idle, interval, count).requireSettable();
    }

    /**
     * Checks, when enabled, that {@code setsockopt(2)} accepts every value: idle and interval
     * 1..32767 s ({@code MAX_TCP_KEEPIDLE}, {@code MAX_TCP_KEEPINTVL}), count 1..127
     * ({@code MAX_TCP_KEEPCNT}); a disabled value sets only {@code SO_KEEPALIVE} and always passes.
     *
     * @return this
     * @throws IllegalArgumentException naming the option, the value and the bound
     */
    public Keepalive requireSettable() {
        if (enabled) {
            OptionCodec.requireWholeSeconds("TCP_KEEPIDLE", idle, 1, Options.MAX_KEEPIDLE);
            OptionCodec.requireWholeSeconds("TCP_KEEPINTVL", interval, 1, Options.MAX_KEEPINTVL);
            OptionCodec.requireRange("TCP_KEEPCNT", count, 1, Options.MAX_KEEPCNT);
        }
        return this;
    }

    /** {@return the time after which an unanswered connection is dropped: idle + count × interval} */
    public Duration deadline() {
        return idle.plus(interval.multipliedBy(count));
    }
}
