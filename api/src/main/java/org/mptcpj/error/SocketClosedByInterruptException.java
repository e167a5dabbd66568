package org.mptcpj.error;

import java.util.Objects;

/**
 * A thread blocked in (or starting) a read, write, accept or connect was interrupted, so the
 * socket was closed, as the JDK's channels do ({@link java.nio.channels.ClosedByInterruptException}).
 * The interrupted thread's interrupt status stays set. Other threads using the socket see it closed
 * ({@link SocketClosedException}).
 */
public class SocketClosedByInterruptException extends SocketClosedException {
    private static final long serialVersionUID = 1L;

    /** @param operation the operation that was interrupted */
    public SocketClosedByInterruptException(String operation) {
        super(Objects.requireNonNull(operation, "operation") + " interrupted"); // "read interrupted: socket is closed"
    }
}
