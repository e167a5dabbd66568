package org.mptcpj.option;

import java.time.Duration;
import java.util.Objects;

/**
 * The value of {@code SO_LINGER} ({@code struct linger}): whether {@code close()} waits for unsent
 * data, and for how long (whole seconds; 0 makes close send a reset). This library sets
 * 0..{@value #MAX_SECONDS} s ({@link #seconds}, {@link #requireSettable()}); reading a socket whose
 * {@code l_linger} another program set higher still works.
 *
 * @param enabled {@code l_onoff}
 * @param timeout {@code l_linger}; ignored by the kernel when not enabled
 */
public record Linger(boolean enabled, Duration timeout) {
    /** Largest {@code l_linger} this library accepts (the kernel caps at MAX_SCHEDULE_TIMEOUT/HZ). */
    public static final int MAX_SECONDS = Integer.MAX_VALUE / 1000;

    /** Lingering off: close returns at once and the kernel sends what is queued in the background. */
    public static final Linger OFF = new Linger(false, Duration.ZERO);

    /**
     * Any value the kernel may report ({@code getsockopt(2)} of a socket another program set up).
     *
     * @throws IllegalArgumentException for a fractional second or a timeout outside the {@code int} range
     */
    public Linger {
        Objects.requireNonNull(timeout, "timeout");
        OptionCodec.requireIntSeconds("SO_LINGER", timeout);
    }

    /**
     * {@return lingering on for {@code seconds}}
     *
     * @throws IllegalArgumentException unless 0 &lt;= seconds &lt;= {@value #MAX_SECONDS}
     */
    public static Linger seconds(int seconds) {
        return new Linger(true, Duration.ofSeconds(seconds)).requireSettable();
    }

    /**
     * Checks that this library may set the value: a timeout of 0..{@value #MAX_SECONDS} whole
     * seconds (any, when lingering is off: the kernel ignores it).
     *
     * @return this
     * @throws IllegalArgumentException naming the option, the value and the bound
     */
    public Linger requireSettable() {
        if (enabled) {
            OptionCodec.requireWholeSeconds("SO_LINGER", timeout, 0, MAX_SECONDS);
        }
        return this;
    }
}
