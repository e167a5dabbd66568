package org.mptcpj.socket;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mptcpj.error.SocketClosedByInterruptException;
import org.mptcpj.testing.ThreadCpu;

/**
 * Thread.interrupt() on a thread blocked in read, write, accept or connect, on a platform and on a
 * virtual thread: as with the JDK's channels, the socket is closed, the call throws (here a
 * {@link SocketClosedByInterruptException}) promptly, the interrupt status stays set, and nothing
 * spins meanwhile. A call begun with the interrupt status already set closes and throws at once.
 */
class InterruptTest {
    private static final long RETURN_MILLIS = 100; // issue 10 item 1
    /**
     * CPU the threads that could spin (virtual-thread carriers, the library's threads, the blocked
     * platform thread) may use in the 300 ms after the interrupt: idle they use 0-10 ms; the old
     * spinning poller used 60-90 ms on this loaded 2-core machine (300 on an idle one).
     */
    private static final long IDLE_CPU_MILLIS = 30;
    private static final String BLOCKED = "interrupt-test";

    enum Op { READ, WRITE, ACCEPT, CONNECT }

    static Stream<Arguments> everyCallOnEveryThreadKind() {
        return Stream.of(Op.values()).flatMap(op -> Stream.of(Arguments.of(op, "platform"), Arguments.of(op, "virtual")));
    }

    /** What the blocked thread saw when its call returned. */
    record Outcome(Throwable failure, boolean interruptStatus, long returnedAtNanos) {
    }

    @ParameterizedTest(name = "{0} on a {1} thread")
    @MethodSource("everyCallOnEveryThreadKind")
    void interruptClosesTheSocketAndThrows(Op op, String kind) throws Exception {
        try (SocketPair p = SocketPair.open(MptcpPolicy.REQUIRED, MptcpPolicy.REQUIRED, StandardProtocolFamily.INET);
             Blocker b = Blocker.of(op, p)) {
            AtomicReference<Outcome> outcome = new AtomicReference<>();
            CountDownLatch returned = new CountDownLatch(1);
            Thread t = start(kind, b, false, outcome, returned);
            awaitBlocked(t);
            assertTrue(returned.getCount() == 1, () -> op + " did not block: " + outcome.get());

            long cpu0 = watchedCpuNanos();
            long t0 = System.nanoTime();
            t.interrupt();
            boolean inTime = returned.await(RETURN_MILLIS, TimeUnit.MILLISECONDS);
            Thread.sleep(Math.max(0, 300 - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)));
            long cpuMillis = TimeUnit.NANOSECONDS.toMillis(watchedCpuNanos() - cpu0);
            Outcome o = outcome.get();
            String seen = op + " on a " + kind + " thread: returned=" + (o != null) + " after "
                    + (o == null ? "-" : TimeUnit.NANOSECONDS.toMillis(o.returnedAtNanos() - t0) + " ms")
                    + ", CPU of carriers, library and blocked threads in the 300 ms after interrupt(): " + cpuMillis + " ms"
                    + ", socket open=" + b.socket().isOpen() + ", outcome=" + o;
            System.err.println(seen);
            if (o == null) {
                b.socket().close(); // unblock it for the next test
                returned.await(5, TimeUnit.SECONDS);
            }
            assertTrue(inTime, seen);
            assertInstanceOf(SocketClosedByInterruptException.class, o.failure(), seen);
            assertTrue(o.interruptStatus(), "interrupt status cleared: " + seen);
            assertFalse(b.socket().isOpen(), "socket still open: " + seen);
            assertTrue(cpuMillis < IDLE_CPU_MILLIS, "a core was busy: " + seen);
        }
    }

    @ParameterizedTest(name = "{0} on a {1} thread")
    @MethodSource("everyCallOnEveryThreadKind")
    void callBegunInterruptedClosesAndThrowsAtOnce(Op op, String kind) throws Exception {
        try (SocketPair p = SocketPair.open(MptcpPolicy.REQUIRED, MptcpPolicy.REQUIRED, StandardProtocolFamily.INET);
             Blocker b = Blocker.of(op, p)) {
            if (op == Op.READ) {
                p.client().write(new byte[] {1}, 0, 1); // data is there: the read still must not happen
            }
            AtomicReference<Outcome> outcome = new AtomicReference<>();
            start(kind, b, true, outcome, new CountDownLatch(1)).join(5_000);
            Outcome o = outcome.get();
            if (o == null) {
                b.socket().close();
            }
            String seen = op + " on a " + kind + " thread begun interrupted: " + o;
            assertInstanceOf(SocketClosedByInterruptException.class, o == null ? null : o.failure(), seen);
            assertTrue(o.interruptStatus(), "interrupt status cleared: " + seen);
            assertFalse(b.socket().isOpen(), "socket still open: " + seen);
        }
    }

    /** Starts a thread of {@code kind} that makes {@code b}'s call (interrupted first if asked) and records what it saw. */
    private static Thread start(String kind, Blocker b, boolean interruptFirst, AtomicReference<Outcome> outcome,
                                CountDownLatch returned) {
        Thread.Builder builder = kind.equals("virtual") ? Thread.ofVirtual() : Thread.ofPlatform().name(BLOCKED).daemon(true);
        return builder.start(() -> {
            if (interruptFirst) {
                Thread.currentThread().interrupt();
            }
            Throwable failure = null;
            try {
                b.call();
            } catch (Throwable e) {
                failure = e;
            }
            outcome.set(new Outcome(failure, Thread.currentThread().isInterrupted(), System.nanoTime()));
            returned.countDown();
        });
    }

    /** A call that blocks until something happens to {@link #socket()}. */
    private interface Blocker extends AutoCloseable {
        void call() throws IOException;

        NativeSocket socket();

        @Override
        default void close() throws IOException {
        }

        static Blocker of(Op op, SocketPair p) throws IOException {
            return switch (op) {
                case READ -> new Blocker() {
                    public void call() throws IOException {
                        p.accepted().read(new byte[16], 0, 16);
                    }

                    public NativeSocket socket() {
                        return p.accepted();
                    }
                };
                // The peer never reads: the send buffer fills and the write blocks.
                case WRITE -> new Blocker() {
                    private final ByteBuffer data = ByteBuffer.allocateDirect(64 << 20);

                    public void call() throws IOException {
                        p.client().write(data);
                    }

                    public NativeSocket socket() {
                        return p.client();
                    }
                };
                case ACCEPT -> new Blocker() {
                    public void call() throws IOException {
                        p.listener().accept();
                    }

                    public NativeSocket socket() {
                        return p.listener();
                    }
                };
                case CONNECT -> new Unanswered();
            };
        }
    }

    /**
     * A connect whose SYN is never answered: a TCP listener with a full accept queue drops SYNs
     * (tcp_conn_request(): sk_acceptq_is_full), so the client stays in SYN_SENT.
     */
    private static final class Unanswered implements Blocker {
        private final ServerStreamSocket full = ServerStreamSocket.open(MptcpPolicy.DISABLED, StandardProtocolFamily.INET)
                .bind(new InetSocketAddress("127.0.0.1", 0), 0);
        private final StreamSocket queued;
        private final StreamSocket client = StreamSocket.open(MptcpPolicy.DISABLED, StandardProtocolFamily.INET);

        Unanswered() throws IOException {
            queued = StreamSocket.open(MptcpPolicy.DISABLED, StandardProtocolFamily.INET)
                    .connect(full.localAddress(), Duration.ofSeconds(5)); // backlog 0 holds one
        }

        public void call() throws IOException {
            client.connect(full.localAddress(), Duration.ofSeconds(60));
        }

        public NativeSocket socket() {
            return client;
        }

        @Override
        public void close() {
            client.close();
            queued.close();
            full.close();
        }
    }

    /** Waits until {@code t} blocks in the library: in a readiness wait, or in a blocking recv/send. */
    private static void awaitBlocked(Thread t) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            for (StackTraceElement e : t.getStackTrace()) {
                if (e.getClassName().startsWith("org.mptcpj.internal.sys.")
                        && Set.of("await", "poll", "recv", "send").contains(e.getMethodName())) {
                    Thread.sleep(50); // and is inside the system call or parked
                    return;
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError(t + " did not block: " + Arrays.toString(t.getStackTrace()));
    }

    private static long watchedCpuNanos() {
        return ThreadCpu.nanos(ThreadCpu.CARRIERS_AND_LIBRARY[0], ThreadCpu.CARRIERS_AND_LIBRARY[1], BLOCKED);
    }
}
