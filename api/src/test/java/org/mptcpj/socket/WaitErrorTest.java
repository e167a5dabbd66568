package org.mptcpj.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.mptcpj.bindings.linux.Linux;
import org.mptcpj.error.ErrnoException;
import org.mptcpj.internal.sys.Sys;
import org.mptcpj.testing.FdLimit;
import org.mptcpj.testing.ThreadCpu;

/**
 * A failing readiness wait reaches the caller as a typed {@link ErrnoException}: never as a
 * timeout, a spin or a hang. The failure is injected for real: poll(2) answers EINVAL when nfds
 * exceeds RLIMIT_NOFILE, which a program lowering its limit at run time meets.
 */
class WaitErrorTest {
    @Test
    void pollFailureInConnectIsAnErrnoExceptionNotATimeout() throws Exception {
        ServerStreamSocket full = ServerStreamSocket.open(MptcpPolicy.DISABLED, StandardProtocolFamily.INET)
                .bind(new InetSocketAddress("127.0.0.1", 0), 0);
        // backlog 0 holds one connection; later SYNs are dropped (tcp_conn_request: sk_acceptq_is_full)
        StreamSocket queued = StreamSocket.open(MptcpPolicy.DISABLED, StandardProtocolFamily.INET)
                .connect(full.localAddress(), Duration.ofSeconds(5));
        StreamSocket client = StreamSocket.open(MptcpPolicy.DISABLED, StandardProtocolFamily.INET);
        warmUpErrorPath();
        IOException failure = null;
        long t0 = System.nanoTime();
        try (FdLimit limit = FdLimit.lower(0)) { // poll(2) of one descriptor now fails with EINVAL
            client.connect(full.localAddress(), Duration.ofSeconds(3));
        } catch (IOException e) {
            failure = e;
        } finally {
            client.close();
            queued.close();
            full.close();
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        System.err.println("connect with poll(2) failing: " + failure + " after " + millis + " ms");
        ErrnoException e = assertInstanceOf(ErrnoException.class, failure);
        assertEquals(Linux.EINVAL(), e.errno(), e.getMessage());
        assertTrue(millis < 1000, "took " + millis + " ms: the error must come at once, not at the deadline");
    }

    /**
     * With poll(2) unable to watch every waiter, a virtual thread blocked in read must still either
     * wake when data comes or get the error, and the poller must not spin meanwhile.
     */
    @Test
    void pollerErrorNeitherSpinsNorStrandsAVirtualReader() throws Exception {
        try (SocketPair p = SocketPair.open(MptcpPolicy.REQUIRED, MptcpPolicy.REQUIRED, StandardProtocolFamily.INET)) {
            // Warm up the virtual-thread wait path so that nothing needs a new file meanwhile.
            CompletableFuture<Integer> warm = read(p);
            Thread.sleep(100);
            p.client().write(new byte[] {1}, 0, 1);
            assertEquals(1, warm.get(5, TimeUnit.SECONDS));
            warmUpErrorPath();

            Object outcome;
            long cpu0 = ThreadCpu.nanos(ThreadCpu.CARRIERS_AND_LIBRARY); // /proc cannot be read while the limit is lowered
            try (FdLimit limit = FdLimit.lower(1)) { // fewer than the poller's descriptors
                CompletableFuture<Integer> reader = read(p);
                Thread.sleep(300);
                p.client().write(new byte[] {2}, 0, 1);
                try {
                    outcome = reader.get(2, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                    outcome = e.getCause();
                } catch (java.util.concurrent.TimeoutException e) {
                    outcome = "no wake-up within 2 s";
                }
            }
            long cpuMillis = TimeUnit.NANOSECONDS.toMillis(ThreadCpu.nanos(ThreadCpu.CARRIERS_AND_LIBRARY) - cpu0);
            System.err.println("virtual reader with the poller failing: " + outcome + ", CPU of carriers and library threads " + cpuMillis + " ms");
            assertTrue(Integer.valueOf(1).equals(outcome) || outcome instanceof ErrnoException,
                    "expected the byte or an ErrnoException, got " + outcome);
            assertTrue(cpuMillis < 100, "carriers and library threads used " + cpuMillis + " ms of CPU: something spun");
        }
    }

    private static CompletableFuture<Integer> read(SocketPair p) {
        CompletableFuture<Integer> f = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                f.complete(p.accepted().read(new byte[8], 0, 8));
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f;
    }

    /** Loads the classes of the error path while files can still be opened. */
    private static void warmUpErrorPath() {
        assertTrue(Sys.error("warm-up", -Linux.EINVAL()).getMessage().contains("EINVAL"));
        new java.util.concurrent.TimeoutException().getMessage();
        new java.util.concurrent.ExecutionException(null).getMessage();
    }
}
