package org.mptcpj.socket;

/** Whether a socket is created as MPTCP ({@code IPPROTO_MPTCP}, RFC 8684) or TCP. */
public enum MptcpPolicy {
    /** MPTCP or nothing: creation fails with {@link org.mptcpj.error.MptcpUnavailableException} saying why. */
    REQUIRED,
    /**
     * MPTCP when the kernel allows it, plain TCP otherwise; the fallback is logged once and
     * reported by {@link NativeSocket#mptcpRefusal()}.
     */
    PREFERRED,
    /** Plain TCP. */
    DISABLED
}
