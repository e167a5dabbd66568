package org.mptcpj.option;

import java.time.Duration;
import java.util.Objects;

/**
 * The value of {@code SO_LINGER} ({@code struct linger}): whether {@code close()} waits for unsent
 * data, and for how long (whole seconds, 0..{@value #MAX_SECONDS}; 0 makes close send a reset).
 *
 * @param enabled {@code l_onoff}
 * @param timeout {@code l_linger}; ignored by the kernel when not enabled
 */
public record Linger(boolean enabled, Duration timeout) {
    /** Largest {@code l_linger} this library accepts (the kernel caps at MAX_SCHEDULE_TIMEOUT/HZ). */
    public static final int MAX_SECONDS = Integer.MAX_VALUE / 1000;

    /** Lingering off: close returns at once and the kernel sends what is queued in the background. */
    public static final Linger OFF = new Linger(false, Duration.ZERO);

    /** @throws IllegalArgumentException for a negative, too long or fractional-second timeout */
    public Linger {
        Objects.requireNonNull(timeout, "timeout");
        OptionCodec.requireWholeSeconds("SO_LINGER", timeout, 0, MAX_SECONDS);
    }

    /** {@return lingering on for {@code seconds}} */
    public static Linger seconds(int seconds) {
        return new Linger(true, Duration.ofSeconds(seconds));
    }
}
