package org.mptcpj.error;

import java.io.IOException;
import java.util.Objects;

/** An operation was attempted on, or interrupted by the closing of, a closed socket. */
public class SocketClosedException extends IOException {
    private static final long serialVersionUID = 1L;

    /** @param operation the operation that found the socket closed */
    public SocketClosedException(String operation) {
        super(Objects.requireNonNull(operation, "operation") + ": socket is closed");
    }
}
