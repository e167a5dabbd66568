package org.mptcpj.socket;

/** Whether a socket is created as MPTCP ({@code IPPROTO_MPTCP}, RFC 8684) or TCP. */
public enum MptcpPolicy {
    /**
     * MPTCP or nothing: when the kernel has no MPTCP, creation fails with
     * {@link org.mptcpj.error.MptcpUnavailableException} saying why; other errnos of
     * {@code socket(2)} ({@code EMFILE}, ...) come as a plain {@link org.mptcpj.error.ErrnoException}.
     */
    REQUIRED,
    /**
     * MPTCP when the kernel has it, plain TCP otherwise; the fallback is logged once per cause (at
     * INFO) and reported by {@link NativeSocket#mptcpRefusal()}.
     *
     * <p>Only an errno of {@code socket(2)} that means "no MPTCP here" leads to TCP:
     * {@code ENOPROTOOPT} ({@code net.mptcp.enabled=0}), {@code EPROTONOSUPPORT} or {@code EINVAL}
     * (a kernel without MPTCP), {@code EAFNOSUPPORT} (INET6 without {@code CONFIG_MPTCP_IPV6}). Any
     * other errno ({@code EMFILE}, {@code ENFILE}, {@code ENOBUFS}, an LSM's {@code EACCES}) is
     * thrown as an {@link org.mptcpj.error.ErrnoException} naming {@code IPPROTO_MPTCP}: TCP would
     * fail as well, or the refusal is a policy decision that falling back would bypass.
     */
    PREFERRED,
    /** Plain TCP. */
    DISABLED
}
