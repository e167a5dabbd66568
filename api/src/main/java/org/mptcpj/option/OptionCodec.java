package org.mptcpj.option;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.mptcpj.bindings.linux.linger;

/**
 * How a Java option value is checked and laid out in native memory for setsockopt/getsockopt.
 * Checks happen before any system call and name the option, the value and the bound.
 */
abstract sealed class OptionCodec<T> {
    /** Writes {@code value} at {@code dst} and returns its length; throws if out of bounds. */
    abstract int encode(String option, T value, MemorySegment dst);

    /** Reads a value of {@code length} bytes at {@code src}. */
    abstract T decode(MemorySegment src, int length);

    /** Bytes to offer getsockopt. */
    abstract int capacity();

    static void requireRange(String option, long value, long min, long max) {
        requireRange(option, "", value, min, max);
    }

    /** The message is built only on failure: option checks allocate nothing. */
    static void requireRange(String option, String unit, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(option + unit + ": " + value + " is out of range " + min + ".." + max);
        }
    }

    static void requireWholeSeconds(String option, Duration value, long min, long max) {
        if (value == null) {
            throw new IllegalArgumentException(option + ": null duration");
        }
        if (value.getNano() != 0 || value.isNegative()) {
            throw new IllegalArgumentException(option + ": " + value + " is not a whole, non-negative number of seconds");
        }
        requireRange(option, " (seconds)", value.getSeconds(), min, max);
    }

    /**
     * A duration as the kernel may report it through {@code getsockopt(2)}: a whole number of
     * seconds in the {@code int} range, whatever the bounds of {@code setsockopt(2)}.
     */
    static void requireIntSeconds(String option, Duration value) {
        if (value.getNano() != 0 || value.getSeconds() != (int) value.getSeconds()) {
            throw new IllegalArgumentException(option + ": " + value
                    + " is not a whole number of seconds in the int range of getsockopt(2)");
        }
    }

    /** {@code int} 0/1. */
    static final class Flag extends OptionCodec<Boolean> {
        @Override
        int encode(String option, Boolean value, MemorySegment dst) {
            dst.set(ValueLayout.JAVA_INT, 0, value ? 1 : 0);
            return 4;
        }

        @Override
        Boolean decode(MemorySegment src, int length) {
            return src.get(ValueLayout.JAVA_INT, 0) != 0;
        }

        @Override
        int capacity() {
            return 4;
        }
    }

    /** {@code int} within [min, max]. */
    static final class Count extends OptionCodec<Integer> {
        private final int min;
        private final int max;

        Count(int min, int max) {
            this.min = min;
            this.max = max;
        }

        @Override
        int encode(String option, Integer value, MemorySegment dst) {
            requireRange(option, value, min, max);
            dst.set(ValueLayout.JAVA_INT, 0, value);
            return 4;
        }

        @Override
        Integer decode(MemorySegment src, int length) {
            return src.get(ValueLayout.JAVA_INT, 0);
        }

        @Override
        int capacity() {
            return 4;
        }
    }

    /**
     * A duration stored as an {@code int} count of {@code unit}s (whole seconds for the keepalive
     * knobs, whole milliseconds for TCP_USER_TIMEOUT); fractions are rejected, never truncated.
     * Decoded values up to {@link #CACHED} units are shared instances, so reading allocates nothing.
     */
    static final class IntDuration extends OptionCodec<Duration> {
        private static final int CACHED = 32768;
        private final Duration unit;
        private final long unitNanos;
        private final int min;
        private final int max;
        private final Duration[] cache = new Duration[CACHED];

        IntDuration(Duration unit, int min, int max) {
            this.unit = unit;
            this.unitNanos = unit.toNanos();
            this.min = min;
            this.max = max;
        }

        @Override
        int encode(String option, Duration value, MemorySegment dst) {
            if (value == null) {
                throw new IllegalArgumentException(option + ": null duration");
            }
            boolean seconds = unitNanos == 1_000_000_000L;
            // Whole units only (unitNanos is 10^6 or 10^9), checked without allocating; for seconds
            // without the division (getNano() is below 10^9), which a setsockopt would otherwise pay.
            if (value.isNegative() || (seconds ? value.getNano() != 0 : value.getNano() % unitNanos != 0)) {
                throw new IllegalArgumentException(option + ": " + value + " is not a whole, non-negative number of "
                        + (seconds ? "seconds" : "milliseconds"));
            }
            long units = seconds ? value.getSeconds()
                    : value.getSeconds() > Long.MAX_VALUE / 1000 ? Long.MAX_VALUE : value.getSeconds() * 1000 + value.getNano() / 1_000_000;
            requireRange(option, seconds ? " (seconds)" : " (milliseconds)", units, min, max);
            dst.set(ValueLayout.JAVA_INT, 0, (int) units);
            return 4;
        }

        @Override
        Duration decode(MemorySegment src, int length) {
            int units = src.get(ValueLayout.JAVA_INT, 0);
            if (units < 0 || units >= CACHED) {
                return unit.multipliedBy(units);
            }
            Duration d = cache[units];
            if (d == null) {
                d = unit.multipliedBy(units);
                cache[units] = d; // benign race: equal values
            }
            return d;
        }

        @Override
        int capacity() {
            return 4;
        }
    }

    /** {@code struct linger}. */
    static final class LingerCodec extends OptionCodec<Linger> {
        @Override
        int encode(String option, Linger value, MemorySegment dst) {
            value.requireSettable();
            linger.l_onoff(dst, value.enabled() ? 1 : 0);
            linger.l_linger(dst, (int) value.timeout().getSeconds());
            return (int) linger.sizeof();
        }

        @Override
        Linger decode(MemorySegment src, int length) {
            boolean on = linger.l_onoff(src) != 0;
            return on ? new Linger(true, Duration.ofSeconds(linger.l_linger(src))) : Linger.OFF;
        }

        @Override
        int capacity() {
            return (int) linger.sizeof();
        }
    }

    /** A NUL-terminated name of at most {@code maxChars} ASCII characters (TCP_CONGESTION: TCP_CA_NAME_MAX 16). */
    static final class Name extends OptionCodec<String> {
        private final int maxChars;

        Name(int maxChars) {
            this.maxChars = maxChars;
        }

        @Override
        int encode(String option, String value, MemorySegment dst) {
            // The kernel compares bytes (tcp_ca_find()); getBytes(US_ASCII) would turn others into '?'.
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c == 0 || c > 127) {
                    throw new IllegalArgumentException(option + ": \"" + value + "\" must be ASCII without NUL (character "
                            + i + " is U+" + String.format("%04X", (int) c) + ")");
                }
            }
            byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
            if (bytes.length == 0 || bytes.length > maxChars) {
                throw new IllegalArgumentException(option + ": \"" + value + "\" must be 1.." + maxChars + " characters");
            }
            MemorySegment.copy(bytes, 0, dst, ValueLayout.JAVA_BYTE, 0, bytes.length);
            dst.set(ValueLayout.JAVA_BYTE, bytes.length, (byte) 0);
            return bytes.length;
        }

        @Override
        String decode(MemorySegment src, int length) {
            return src.asSlice(0, length).getString(0); // stops at the NUL the kernel pads with
        }

        @Override
        int capacity() {
            return maxChars + 1;
        }
    }
}
