package org.mptcpj.internal.sys;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;
import org.mptcpj.bindings.linux.Linux;
import org.mptcpj.bindings.linux.sockaddr_in6;
import org.mptcpj.bindings.linux.sockaddr_in;
import org.mptcpj.bindings.linux.sockaddr_storage;

/** Converts between {@link InetSocketAddress} and {@code struct sockaddr_in}/{@code sockaddr_in6} in native memory. */
public final class SockAddrs {
    private static final ValueLayout.OfShort PORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    /** Size of {@code struct sockaddr_storage}: room for any address the kernel returns. */
    public static final int STORAGE_SIZE = (int) sockaddr_storage.sizeof();

    private SockAddrs() {
    }

    /**
     * Writes {@code address} into {@code dst} as {@code sockaddr_in} or {@code sockaddr_in6}. An IPv4
     * address written for an {@code AF_INET6} socket becomes the IPv4-mapped IPv6 address.
     *
     * @return the length to pass to the system call
     */
    public static int write(InetSocketAddress address, int family, MemorySegment dst) {
        InetAddress ip = address.getAddress();
        if (ip == null) {
            throw new IllegalArgumentException("unresolved address: " + address);
        }
        if (family == Linux.AF_INET()) {
            if (!(ip instanceof Inet4Address)) {
                throw new IllegalArgumentException("IPv6 address " + address + " on an IPv4 socket");
            }
            zero(dst, sockaddr_in.sizeof());
            sockaddr_in.sin_family(dst, (short) Linux.AF_INET());
            dst.set(PORT, sockaddr_in.sin_port$offset(), (short) address.getPort());
            MemorySegment.copy(ip.getAddress(), 0, dst, ValueLayout.JAVA_BYTE, sockaddr_in.sin_addr$offset(), 4);
            return (int) sockaddr_in.sizeof();
        }
        byte[] bytes = ip.getAddress();
        if (bytes.length == 4) { // ::ffff:a.b.c.d
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xff;
            mapped[11] = (byte) 0xff;
            System.arraycopy(bytes, 0, mapped, 12, 4);
            bytes = mapped;
        }
        zero(dst, sockaddr_in6.sizeof());
        sockaddr_in6.sin6_family(dst, (short) Linux.AF_INET6());
        dst.set(PORT, sockaddr_in6.sin6_port$offset(), (short) address.getPort());
        MemorySegment.copy(bytes, 0, dst, ValueLayout.JAVA_BYTE, sockaddr_in6.sin6_addr$offset(), 16);
        if (ip instanceof Inet6Address v6) {
            sockaddr_in6.sin6_scope_id(dst, v6.getScopeId());
        }
        return (int) sockaddr_in6.sizeof();
    }

    /** Zeroes {@code dst[0, size)} ({@code size} a multiple of 4) without a slice, which would be an object per call. */
    private static void zero(MemorySegment dst, long size) {
        long i = 0;
        for (; i + 8 <= size; i += 8) {
            dst.set(ValueLayout.JAVA_LONG_UNALIGNED, i, 0L);
        }
        for (; i < size; i += 4) {
            dst.set(ValueLayout.JAVA_INT_UNALIGNED, i, 0);
        }
    }

    /** Reads a {@code sockaddr_in} or {@code sockaddr_in6} at {@code src}; {@code null} for another family. */
    public static InetSocketAddress read(MemorySegment src) {
        int family = sockaddr_in.sin_family(src);
        try {
            if (family == Linux.AF_INET()) {
                byte[] a = new byte[4];
                MemorySegment.copy(src, ValueLayout.JAVA_BYTE, sockaddr_in.sin_addr$offset(), a, 0, 4);
                return new InetSocketAddress(InetAddress.getByAddress(a), src.get(PORT, sockaddr_in.sin_port$offset()) & 0xffff);
            }
            if (family == Linux.AF_INET6()) {
                byte[] a = new byte[16];
                MemorySegment.copy(src, ValueLayout.JAVA_BYTE, sockaddr_in6.sin6_addr$offset(), a, 0, 16);
                int port = src.get(PORT, sockaddr_in6.sin6_port$offset()) & 0xffff;
                int scope = sockaddr_in6.sin6_scope_id(src);
                InetAddress ip = scope != 0 ? Inet6Address.getByAddress(null, a, scope) : InetAddress.getByAddress(a);
                return new InetSocketAddress(ip, port);
            }
            return null;
        } catch (UnknownHostException e) {
            throw new AssertionError("address of fixed length rejected", e);
        }
    }
}
