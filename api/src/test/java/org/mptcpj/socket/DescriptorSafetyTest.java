package org.mptcpj.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.mptcpj.error.SocketClosedException;
import org.mptcpj.option.Options;

/** close() against threads in read, accept and getsockopt; descriptor reuse; leaks. */
class DescriptorSafetyTest {
    private static final Duration CONNECT = Duration.ofSeconds(5);

    private static long openDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    @Test
    void closeWakesBlockedReadAndAcceptPromptly() throws Exception {
        ServerStreamSocket l = ServerStreamSocket.open(MptcpPolicy.REQUIRED, StandardProtocolFamily.INET)
                .bind(new InetSocketAddress("127.0.0.1", 0), 4);
        StreamSocket c = StreamSocket.open(MptcpPolicy.REQUIRED, StandardProtocolFamily.INET).connect(l.localAddress(), CONNECT);
        StreamSocket a = l.accept();
        ServerStreamSocket idle = ServerStreamSocket.open(MptcpPolicy.REQUIRED, StandardProtocolFamily.INET)
                .bind(new InetSocketAddress("127.0.0.1", 0), 4);
        try {
            CompletableFuture<Integer> reader = CompletableFuture.supplyAsync(() -> call(() -> a.read(new byte[16], 0, 16)));
            CompletableFuture<StreamSocket> acceptor = CompletableFuture.supplyAsync(() -> call(idle::accept));
            Thread.sleep(200); // let both block in poll
            long t0 = System.nanoTime();
            a.close();
            idle.close();
            Throwable readFailure = failureOf(reader);
            Throwable acceptFailure = failureOf(acceptor);
            long wokeMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertInstanceOf(SocketClosedException.class, readFailure);
            assertInstanceOf(SocketClosedException.class, acceptFailure);
            assertTrue(wokeMillis < 500, "woke after " + wokeMillis + " ms (the target is 100 ms; 500 allows for a loaded machine)");
        } finally {
            c.close();
            l.close();
        }
    }

    private interface IoCall<T> {
        T run() throws IOException;
    }

    private static <T> T call(IoCall<T> c) {
        try {
            return c.run();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Throwable failureOf(CompletableFuture<?> f) throws Exception {
        try {
            f.get(5, TimeUnit.SECONDS);
            throw new AssertionError("expected the operation to fail with the socket closed");
        } catch (ExecutionException e) {
            Throwable t = e.getCause();
            return t instanceof java.io.UncheckedIOException u ? u.getCause() : t;
        }
    }

    /**
     * Threads hammer getsockopt on sockets that other threads close while new sockets, marked
     * with a distinct TCP_KEEPIDLE, take the freed descriptor numbers. No operation may ever
     * reach a new owner: the marks must survive untouched.
     */
    @Test
    void closeVersusUseNeverTouchesAnotherSocket() throws Exception {
        Duration mark = Duration.ofSeconds(4242);
        List<StreamSocket> bystanders = new ArrayList<>();
        for (int round = 0; round < 200; round++) {
            StreamSocket victim = StreamSocket.open(MptcpPolicy.REQUIRED, StandardProtocolFamily.INET);
            victim.setOption(Options.TCP_KEEPIDLE, Duration.ofSeconds(1));
            List<CompletableFuture<Void>> users = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                users.add(CompletableFuture.runAsync(() -> {
                    try {
                        for (int i = 0; i < 200; i++) {
                            victim.setOption(Options.TCP_KEEPIDLE, Duration.ofSeconds(7));
                            victim.getOption(Options.TCP_KEEPIDLE);
                        }
                    } catch (SocketClosedException expected) {
                        // closed underneath us: the only acceptable failure
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }));
            }
            victim.close();
            StreamSocket bystander = StreamSocket.open(MptcpPolicy.REQUIRED, StandardProtocolFamily.INET);
            bystander.setOption(Options.TCP_KEEPIDLE, mark);
            bystanders.add(bystander);
            for (CompletableFuture<Void> u : users) {
                u.get(10, TimeUnit.SECONDS);
            }
        }
        for (StreamSocket b : bystanders) {
            assertEquals(mark, b.getOption(Options.TCP_KEEPIDLE), "a closed socket's user reached " + b);
            b.close();
        }
    }

    @Test
    void tenThousandOpenCloseCyclesLeakNothing() throws Exception {
        long before = openDescriptors();
        for (int i = 0; i < 10_000; i++) {
            StreamSocket s = StreamSocket.open(i % 2 == 0 ? MptcpPolicy.REQUIRED : MptcpPolicy.DISABLED,
                    StandardProtocolFamily.INET6);
            s.close();
        }
        assertEquals(before, openDescriptors());
    }

    /** A socket dropped without close() is closed by the Cleaner (which logs a warning). */
    @Test
    void droppedSocketsAreClosedByTheCleaner() throws Exception {
        long before = openDescriptors();
        for (int i = 0; i < 100; i++) {
            StreamSocket.open(MptcpPolicy.REQUIRED, StandardProtocolFamily.INET); // dropped on purpose
        }
        assertTrue(openDescriptors() >= before + 100, "the sockets were not even open");
        for (int i = 0; i < 100 && openDescriptors() > before; i++) {
            System.gc();
            Thread.sleep(20);
        }
        assertEquals(before, openDescriptors());
    }
}
