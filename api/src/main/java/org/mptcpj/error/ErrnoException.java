package org.mptcpj.error;

import java.io.IOException;
import java.util.Objects;

/**
 * A system call failed. The message names the operation, its interesting arguments, the errno by
 * symbol and number, and the C library's text for it, for example
 * {@code setsockopt(fd 7, TCP_KEEPIDLE) failed: ENOPROTOOPT (92): Protocol not available}.
 */
public class ErrnoException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String operation;
    private final int errno;

    /**
     * @param operation the call and its interesting arguments, e.g. {@code "connect(fd 5, 127.0.0.1:80)"}
     * @param errno     the errno value the call reported
     * @param text      the C library's description of {@code errno} ({@code strerror})
     */
    public ErrnoException(String operation, int errno, String text) {
        this(operation, errno, text, null);
    }

    /** As {@link #ErrnoException(String, int, String)}, with a hint appended to the message. */
    public ErrnoException(String operation, int errno, String text, String hint) {
        super(Objects.requireNonNull(operation, "operation") + " failed: " + Errno.nameOf(errno) + " (" + errno + "): " + Objects.requireNonNull(text, "text")
                + (hint == null ? "" : "; " + hint));
        this.operation = operation;
        this.errno = errno;
    }

    /** {@return the failed call and its interesting arguments} */
    public String operation() {
        return operation;
    }

    /** {@return the errno value} */
    public int errno() {
        return errno;
    }

    /** {@return the errno as a constant, or {@code null} for a value this library does not name} */
    public Errno errnoConstant() {
        return Errno.of(errno);
    }

    /** {@return the symbolic errno name, e.g. {@code "ETIMEDOUT"}} */
    public String errnoName() {
        return Errno.nameOf(errno);
    }

    /** {@return whether the errno is {@code e}} */
    public boolean is(Errno e) {
        Objects.requireNonNull(e, "e");
        return errno == e.value();
    }
}
