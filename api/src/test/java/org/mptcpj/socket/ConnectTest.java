package org.mptcpj.socket;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mptcpj.error.SocketClosedException;
import org.mptcpj.netns.NetworkNamespace;
import org.mptcpj.testing.Require;
import org.mptcpj.testkit.NamespaceLab;

/** Connecting across a path that drops everything: the timeout, and close() waking a connecting thread. */
class ConnectTest {
    private NamespaceLab lab;
    private InetSocketAddress unreachable;

    @BeforeEach
    void lab() throws Exception {
        Require.that(Require.isRoot(), "network namespaces need root");
        lab = NamespaceLab.create("mptcpj-conn", 1, true);
        lab.lossOn(0); // SYNs vanish: connect stays in SYN_SENT
        unreachable = new InetSocketAddress(lab.serverAddress(0), 9);
    }

    @AfterEach
    void cleanup() {
        if (lab != null) {
            lab.close();
        }
    }

    private StreamSocket clientSocket() throws Exception {
        return NetworkNamespace.call(lab.client(), () -> StreamSocket.open(MptcpPolicy.REQUIRED, StandardProtocolFamily.INET));
    }

    @Test
    void connectTimesOutAndClosesTheSocket() throws Exception {
        StreamSocket s = clientSocket();
        long t0 = System.nanoTime();
        SocketTimeoutException e = assertThrows(SocketTimeoutException.class, () -> s.connect(unreachable, Duration.ofMillis(300)));
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(millis >= 250 && millis < 3000, "timed out after " + millis + " ms");
        assertTrue(e.getMessage().contains("connect(") && e.getMessage().contains("timed out"), e.getMessage());
        assertFalse(s.isOpen(), "a socket whose connect timed out is closed, as the JDK does");
    }

    @Test
    void closeWakesAThreadInConnectPromptly() throws Exception {
        StreamSocket s = clientSocket();
        CompletableFuture<Void> connecting = CompletableFuture.runAsync(() -> {
            try {
                s.connect(unreachable, Duration.ofSeconds(30));
            } catch (java.io.IOException ex) {
                throw new java.util.concurrent.CompletionException(ex);
            }
        });
        Thread.sleep(200);
        long t0 = System.nanoTime();
        s.close();
        ExecutionException e = assertThrows(ExecutionException.class, () -> connecting.get(5, TimeUnit.SECONDS));
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertInstanceOf(SocketClosedException.class, e.getCause());
        assertTrue(millis < 500, "woke after " + millis + " ms (the target is 100 ms; 500 allows for a loaded machine)");
    }

    @Test
    void zeroConnectTimeoutMeansNoLimit() throws Exception {
        StreamSocket s = clientSocket();
        CompletableFuture<Void> connecting = CompletableFuture.runAsync(() -> {
            try {
                s.connect(unreachable, Duration.ZERO);
            } catch (java.io.IOException ex) {
                throw new java.util.concurrent.CompletionException(ex);
            }
        });
        Thread.sleep(500);
        assertFalse(connecting.isDone(), () -> "connect(..., ZERO) must wait without limit, as the JDK's "
                + "Socket.connect(addr, 0) does; it ended with " + connecting.handle((v, x) -> x).join());
        s.close();
        ExecutionException e = assertThrows(ExecutionException.class, () -> connecting.get(5, TimeUnit.SECONDS));
        assertInstanceOf(SocketClosedException.class, e.getCause());
    }

    @Test
    void negativeTimeoutsAreRejectedBeforeAnything() throws Exception {
        try (StreamSocket s = clientSocket();
                ServerStreamSocket server = ServerStreamSocket.open(MptcpPolicy.PREFERRED, StandardProtocolFamily.INET)) {
            Duration negative = Duration.ofMillis(-1);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.connect(unreachable, negative));
            assertTrue(e.getMessage().contains("negative"), e.getMessage());
            assertTrue(s.isOpen(), "a rejected argument must not close the socket");
            assertThrows(IllegalArgumentException.class, () -> s.setReadTimeout(negative));
            assertThrows(IllegalArgumentException.class, () -> server.setAcceptTimeout(negative));
        }
    }
}
