package org.mptcpj.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.net.StandardProtocolFamily;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.mptcpj.error.SocketClosedException;

/**
 * Blocking calls on virtual threads park instead of holding their carrier: many more virtual
 * threads than carriers block in read(), and other virtual threads can still run and feed them.
 * (With the wait inside a native poll(2), the first few readers would pin every carrier and the
 * writers would never run.)
 */
class VirtualThreadTest {
    private static final int CONNECTIONS = 64;

    @Test
    void manyBlockedReadersDoNotStarveOtherVirtualThreads() throws Exception {
        List<SocketPair> pairs = new ArrayList<>();
        try (ExecutorService virtual = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < CONNECTIONS; i++) {
                pairs.add(SocketPair.open(MptcpPolicy.REQUIRED, MptcpPolicy.REQUIRED, StandardProtocolFamily.INET));
            }
            List<Future<Integer>> readers = new ArrayList<>();
            for (SocketPair p : pairs) {
                readers.add(virtual.submit(() -> p.accepted().read(new byte[8], 0, 8)));
            }
            Thread.sleep(200); // every reader is now blocked
            List<Future<?>> writers = new ArrayList<>();
            for (SocketPair p : pairs) {
                writers.add(virtual.submit(() -> {
                    p.client().write(new byte[] {1, 2, 3}, 0, 3);
                    return null;
                }));
            }
            for (Future<?> w : writers) {
                w.get(10, TimeUnit.SECONDS);
            }
            for (Future<Integer> r : readers) {
                assertEquals(3, r.get(10, TimeUnit.SECONDS));
            }
            // close() wakes a virtual thread parked in a read, too.
            SocketPair p = pairs.get(0);
            Future<Integer> blocked = virtual.submit(() -> p.accepted().read(new byte[8], 0, 8));
            Thread.sleep(100);
            p.accepted().close();
            ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> blocked.get(5, TimeUnit.SECONDS));
            assertInstanceOf(SocketClosedException.class, e.getCause());
            // and a read timeout applies
            SocketPair q = pairs.get(1);
            q.accepted().setReadTimeout(Duration.ofMillis(100));
            e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> virtual.submit(() -> q.accepted().read(new byte[8], 0, 8)).get(5, TimeUnit.SECONDS));
            assertInstanceOf(java.net.SocketTimeoutException.class, e.getCause());
        } finally {
            pairs.forEach(SocketPair::close);
        }
    }
}
