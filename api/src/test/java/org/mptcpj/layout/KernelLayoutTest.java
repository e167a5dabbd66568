package org.mptcpj.layout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mptcpj.bindings.linux.Linux;
import org.mptcpj.bindings.linux.mptcp_info;
import org.mptcpj.bindings.linux.tcp_info;
import org.mptcpj.internal.sys.Sys;
import org.mptcpj.testing.KernelFacts;
import org.mptcpj.testing.KernelFeatures;
import org.mptcpj.testing.Loopback;

/**
 * The running kernel's own word on the struct sizes: on a live MPTCP loopback connection,
 * getsockopt with a larger buffer returns exactly as many bytes as {@link KernelFeatures} says this
 * kernel's structs have, and never more than the bound layouts (the newest kernel's) know.
 * (The kernel copies min(user length, its size) and writes that length back.)
 */
@Tag("kernel")
class KernelLayoutTest {
    private static final Sys SYS = Sys.access(MethodHandles.lookup());

    @Test
    void kernelReturnsExactlyTheBoundSizes() throws Exception {
        try (Loopback lo = Loopback.open(true); Arena arena = Arena.ofConfined()) {
            MemorySegment len = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment big = arena.allocate(1024, 8);
            for (int fd : new int[] {lo.client.number(), lo.server.number()}) {
                len.set(ValueLayout.JAVA_INT, 0, (int) big.byteSize());
                check(SYS.getsockopt(fd, Linux.SOL_MPTCP(), Linux.MPTCP_INFO(), big, len), "MPTCP_INFO");
                KernelFacts.record("mptcp_info_bytes", len.get(ValueLayout.JAVA_INT, 0));
                assertEquals(KernelFeatures.current().mptcpInfoSize(), len.get(ValueLayout.JAVA_INT, 0), "struct mptcp_info");
                assertTrue(len.get(ValueLayout.JAVA_INT, 0) <= mptcp_info.sizeof());
                len.set(ValueLayout.JAVA_INT, 0, (int) big.byteSize());
                check(SYS.getsockopt(fd, Linux.SOL_TCP(), Linux.TCP_INFO(), big, len), "TCP_INFO");
                KernelFacts.record("tcp_info_bytes", len.get(ValueLayout.JAVA_INT, 0));
                assertEquals(KernelFeatures.current().tcpInfoSize(), len.get(ValueLayout.JAVA_INT, 0), "struct tcp_info");
                assertTrue(len.get(ValueLayout.JAVA_INT, 0) <= tcp_info.sizeof());
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
