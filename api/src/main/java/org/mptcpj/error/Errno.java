package org.mptcpj.error;

import org.mptcpj.bindings.linux.Linux;

/**
 * The Linux errno values this library names in its exceptions, with their values taken from the
 * jextract bindings (so from {@code <errno.h>}), never typed in by hand.
 */
public enum Errno {
    EPERM(Linux.EPERM()), ENOENT(Linux.ENOENT()), EINTR(Linux.EINTR()), EBADF(Linux.EBADF()),
    EAGAIN(Linux.EAGAIN()), ENOMEM(Linux.ENOMEM()), EACCES(Linux.EACCES()), EFAULT(Linux.EFAULT()),
    EBUSY(Linux.EBUSY()), EEXIST(Linux.EEXIST()), ENODEV(Linux.ENODEV()), EINVAL(Linux.EINVAL()),
    ENFILE(Linux.ENFILE()), EMFILE(Linux.EMFILE()), ENOSPC(Linux.ENOSPC()), EPIPE(Linux.EPIPE()),
    ERANGE(Linux.ERANGE()), ENOSYS(Linux.ENOSYS()), ENOTSOCK(Linux.ENOTSOCK()),
    EDESTADDRREQ(Linux.EDESTADDRREQ()), EMSGSIZE(Linux.EMSGSIZE()), EPROTOTYPE(Linux.EPROTOTYPE()),
    ENOPROTOOPT(Linux.ENOPROTOOPT()), EPROTONOSUPPORT(Linux.EPROTONOSUPPORT()),
    ESOCKTNOSUPPORT(Linux.ESOCKTNOSUPPORT()), EOPNOTSUPP(Linux.EOPNOTSUPP()),
    EPFNOSUPPORT(Linux.EPFNOSUPPORT()), EAFNOSUPPORT(Linux.EAFNOSUPPORT()), EADDRINUSE(Linux.EADDRINUSE()),
    EADDRNOTAVAIL(Linux.EADDRNOTAVAIL()), ENETDOWN(Linux.ENETDOWN()), ENETUNREACH(Linux.ENETUNREACH()),
    ENETRESET(Linux.ENETRESET()), ECONNABORTED(Linux.ECONNABORTED()), ECONNRESET(Linux.ECONNRESET()),
    ENOBUFS(Linux.ENOBUFS()), EISCONN(Linux.EISCONN()), ENOTCONN(Linux.ENOTCONN()),
    ESHUTDOWN(Linux.ESHUTDOWN()), ETIMEDOUT(Linux.ETIMEDOUT()), ECONNREFUSED(Linux.ECONNREFUSED()),
    EHOSTDOWN(Linux.EHOSTDOWN()), EHOSTUNREACH(Linux.EHOSTUNREACH()), EALREADY(Linux.EALREADY()),
    EINPROGRESS(Linux.EINPROGRESS());

    private static final Errno[] BY_VALUE;

    static {
        int max = 0;
        for (Errno e : values()) {
            max = Math.max(max, e.value);
        }
        BY_VALUE = new Errno[max + 1];
        for (Errno e : values()) {
            BY_VALUE[e.value] = e;
        }
    }

    private final int value;

    Errno(int value) {
        this.value = value;
    }

    /** {@return the numeric errno value on this platform} */
    public int value() {
        return value;
    }

    /** {@return the constant for {@code value}, or {@code null} if this library does not name it} */
    public static Errno of(int value) {
        return value >= 0 && value < BY_VALUE.length ? BY_VALUE[value] : null;
    }

    /** {@return the symbolic name of {@code value}, such as {@code "ENOPROTOOPT"}, or {@code "errno 133"}} */
    public static String nameOf(int value) {
        Errno e = of(value);
        return e != null ? e.name() : "errno " + value;
    }
}
