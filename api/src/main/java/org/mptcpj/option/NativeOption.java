package org.mptcpj.option;

import java.lang.foreign.MemorySegment;
import java.net.SocketOption;
import java.util.Objects;

/**
 * A socket option at the kernel level: its {@code setsockopt}/{@code getsockopt} level and name,
 * its Java type and unit, and its bounds. The constants are in {@link Options}.
 *
 * @param <T> the Java type of the value
 */
public final class NativeOption<T> implements SocketOption<T> {
    private final String name;
    private final Class<T> type;
    private final int level;
    private final int optName;
    private final OptionCodec<T> codec;

    NativeOption(String name, Class<T> type, int level, int optName, OptionCodec<T> codec) {
        this.name = name;
        this.type = type;
        this.level = level;
        this.optName = optName;
        this.codec = codec;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Class<T> type() {
        return type;
    }

    /** {@return the setsockopt level, e.g. SOL_TCP} */
    public int level() {
        return level;
    }

    /** {@return the setsockopt option name, e.g. TCP_KEEPIDLE} */
    public int optName() {
        return optName;
    }

    /**
     * Checks {@code value} against the option's bounds and writes it at {@code dst} as the kernel
     * expects it.
     *
     * @return the length to pass to setsockopt
     * @throws IllegalArgumentException naming the option, the value and the bound
     */
    public int encode(T value, MemorySegment dst) {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(dst, "dst");
        return codec.encode(name, type.cast(value), dst);
    }

    /** {@return the value getsockopt wrote at {@code src}, {@code length} bytes long} */
    public T decode(MemorySegment src, int length) {
        Objects.requireNonNull(src, "src");
        return codec.decode(src, length);
    }

    /** {@return how many bytes to offer getsockopt} */
    public int capacity() {
        return codec.capacity();
    }

    @Override
    public String toString() {
        return name;
    }
}
