package org.mptcpj.pm;

import org.mptcpj.error.ErrnoException;

/**
 * The kernel answered a netlink request with an {@code NLMSG_ERROR} carrying a negative errno.
 * When the kernel attached an extended acknowledgement ({@code NLMSGERR_ATTR_MSG}, enabled on
 * every socket of this package with {@code NETLINK_EXT_ACK}), its text is in the message and in
 * {@link #kernelMessage()}, for example {@code "limit greater than maximum (8)"}.
 */
public class NetlinkErrorException extends ErrnoException {
    private static final long serialVersionUID = 1L;

    private final String kernelMessage;

    /**
     * @param operation     the netlink command and its interesting arguments
     * @param errno         the positive errno value from {@code struct nlmsgerr}
     * @param text          the C library's text for {@code errno}
     * @param kernelMessage the extended-ack text, or {@code null}
     * @param hint          a hint of this library, or {@code null}
     */
    public NetlinkErrorException(String operation, int errno, String text, String kernelMessage, String hint) {
        super(operation, errno, text, join(kernelMessage, hint));
        this.kernelMessage = kernelMessage;
    }

    private static String join(String kernelMessage, String hint) {
        if (kernelMessage == null) {
            return hint;
        }
        String k = "kernel says: " + kernelMessage;
        return hint == null ? k : k + "; " + hint;
    }

    /** {@return the kernel's extended-ack message ({@code NLMSGERR_ATTR_MSG}), or {@code null} if none was sent} */
    public String kernelMessage() {
        return kernelMessage;
    }
}
