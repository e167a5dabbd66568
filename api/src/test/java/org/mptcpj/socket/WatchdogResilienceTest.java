package org.mptcpj.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.StandardProtocolFamily;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.mptcpj.error.ErrnoException;

/** A look at a socket that throws is logged and the watchdog goes on (issue 10 item 6). */
class WatchdogResilienceTest {
    @Test
    void aFailingLookDoesNotStopTheWatchdog() throws Exception {
        DeadPeerWatchdog wd = DeadPeerWatchdog.get();
        SubflowSource real = wd.source();
        try (SocketPair p = SocketPair.open(MptcpPolicy.REQUIRED, MptcpPolicy.REQUIRED, StandardProtocolFamily.INET)) {
            StreamSocket victim = p.client();
            AtomicInteger calls = new AtomicInteger();
            // For the victim only: the first look throws, later ones report no established subflow.
            int victimFd = victim.fd.number();
            wd.useSource((fd, into) -> {
                if (fd != victimFd) {
                    return real.read(fd, into);
                }
                if (calls.getAndIncrement() < 2) {
                    throw new IllegalStateException("injected failure of a watchdog look");
                }
                into.reset();
                into.done(); // no established subflow
                return 0;
            });
            victim.setDeadPeerWatchdog(Duration.ofMillis(200));
            assertTrue(victim.isPeerDeadDetection());
            CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
                try {
                    return victim.read(new byte[1], 0, 1);
                } catch (java.io.IOException e) {
                    throw new CompletionException(e);
                }
            });
            Throwable t;
            try {
                read.get(5, TimeUnit.SECONDS);
                throw new AssertionError("read returned instead of failing");
            } catch (ExecutionException e) {
                t = e.getCause();
            } catch (java.util.concurrent.TimeoutException e) {
                throw new AssertionError("the watchdog stopped after a failing look (looked " + calls.get()
                        + " times); the blocked read was never failed", e);
            }
            ErrnoException e = assertInstanceOf(ErrnoException.class, t);
            assertEquals("ETIMEDOUT", e.errnoName(), e.getMessage());
            assertTrue(calls.get() >= 3, "looked " + calls.get() + " times");
        } finally {
            wd.useSource(real);
        }
    }
}
