package org.mptcpj.layout;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;
import org.mptcpj.bindings.linux.Linux;
import org.mptcpj.bindings.linux.mptcp_info;
import org.mptcpj.bindings.linux.sockaddr_in;
import org.mptcpj.bindings.linux.tcp_info;
import org.mptcpj.internal.sys.Sys;

/**
 * The running kernel's own word on the struct sizes: on a live MPTCP loopback connection,
 * getsockopt with a larger buffer returns exactly as many bytes as the bound layouts have.
 * (The kernel copies min(user length, its size) and writes that length back.)
 */
class KernelLayoutTest {
    @Test
    void kernelReturnsExactlyTheBoundSizes() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment addr = arena.allocate(sockaddr_in.layout());
            MemorySegment len = arena.allocate(ValueLayout.JAVA_INT);
            int listener = check(Sys.socket(Linux.AF_INET(), Linux.SOCK_STREAM(), Linux.IPPROTO_MPTCP()), "socket");
            int client = -1;
            int accepted = -1;
            try {
                sockaddr_in.sin_family(addr, (short) Linux.AF_INET());
                addr.set(ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN),
                        sockaddr_in.sin_addr$offset(), 0x7f000001);
                check(Sys.bind(listener, addr, (int) sockaddr_in.sizeof()), "bind");
                check(Sys.listen(listener, 1), "listen");
                len.set(ValueLayout.JAVA_INT, 0, (int) sockaddr_in.sizeof());
                check(Sys.getsockname(listener, addr, len), "getsockname");
                client = check(Sys.socket(Linux.AF_INET(), Linux.SOCK_STREAM(), Linux.IPPROTO_MPTCP()), "socket");
                check(Sys.connect(client, addr, (int) sockaddr_in.sizeof()), "connect");
                accepted = check(Sys.accept4(listener, MemorySegment.NULL, MemorySegment.NULL, 0), "accept4");

                MemorySegment big = arena.allocate(1024, 8);
                for (int fd : new int[] {client, accepted}) {
                    len.set(ValueLayout.JAVA_INT, 0, (int) big.byteSize());
                    check(Sys.getsockopt(fd, Linux.SOL_MPTCP(), Linux.MPTCP_INFO(), big, len), "MPTCP_INFO");
                    assertEquals(mptcp_info.sizeof(), len.get(ValueLayout.JAVA_INT, 0), "struct mptcp_info");
                    len.set(ValueLayout.JAVA_INT, 0, (int) big.byteSize());
                    check(Sys.getsockopt(fd, Linux.SOL_TCP(), Linux.TCP_INFO(), big, len), "TCP_INFO");
                    assertEquals(tcp_info.sizeof(), len.get(ValueLayout.JAVA_INT, 0), "struct tcp_info");
                }
            } finally {
                for (int fd : new int[] {accepted, client, listener}) {
                    if (fd >= 0) {
                        Sys.close(fd);
                    }
                }
            }
        }
    }

    private static int check(int r, String what) {
        if (r < 0) {
            throw new AssertionError(Sys.error(what, r).getMessage());
        }
        return r;
    }
}
