package org.mptcpj.internal.sys;

/**
 * Linux ABI constants the generated bindings do not have yet (jextract was not available when
 * they were first needed). Values from the uapi headers named; they are ABI and never change.
 * To do: add them to {@code native-headers/jextract.args} and use {@code Linux.X()} instead.
 */
public final class UapiConstants {
    /** {@code <netinet/in.h>}: protocol level of IPv6 socket options. */
    public static final int IPPROTO_IPV6 = 41;
    /** {@code <linux/in6.h>}: an AF_INET6 socket that refuses IPv4-mapped addresses. */
    public static final int IPV6_V6ONLY = 26;
    /** {@code <asm-generic/socket.h>}: whether the socket is listening (read-only). */
    public static final int SO_ACCEPTCONN = 30;
    /** {@code <linux/fcntl.h>}: dup to the lowest free number at or above arg, close-on-exec. */
    public static final int F_DUPFD_CLOEXEC = 1030;

    private UapiConstants() {
    }
}
