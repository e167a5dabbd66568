package org.mptcpj.error;

/**
 * MPTCP was required but the kernel refused to create an MPTCP socket. The message says why:
 * the kernel lacks MPTCP ({@code EPROTONOSUPPORT}/{@code EINVAL}), or {@code net.mptcp.enabled} is 0
 * ({@code ENOPROTOOPT}).
 */
public class MptcpUnavailableException extends ErrnoException {
    private static final long serialVersionUID = 1L;

    /** @see ErrnoException#ErrnoException(String, int, String, String) */
    public MptcpUnavailableException(String operation, int errno, String text, String reason) {
        super(operation, errno, text, reason);
    }
}
