package org.mptcpj.pm;

import java.util.Objects;

/**
 * The kernel (or whatever fed the parser) sent netlink bytes that break the wire format: a message
 * or attribute whose length is shorter than its header or runs past the end of its container, a
 * truncated header, or an attribute too short for the value its type promises. The parser never
 * reads outside the received bytes and never loops on such input; it stops with this exception.
 * Unknown message and attribute types are not errors: they are skipped.
 */
public class NetlinkProtocolException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /** @param message what was malformed, and where */
    public NetlinkProtocolException(String message) {
        super(Objects.requireNonNull(message, "message"));
    }
}
