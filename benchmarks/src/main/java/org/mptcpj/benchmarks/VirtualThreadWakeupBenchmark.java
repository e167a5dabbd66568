package org.mptcpj.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.mptcpj.socket.MptcpPolicy;
import org.mptcpj.socket.ServerStreamSocket;
import org.mptcpj.socket.StreamSocket;

/**
 * Virtual threads at scale (issue 13 item 6): N loopback TCP connections, one virtual thread
 * blocked in {@code read} on the accepted end of each, and 8-byte messages (the send time) sent to
 * random connections. Run once through this library's {@link StreamSocket} (its epoll poller) and
 * once through the JDK's own blocking {@link SocketChannel} on virtual threads (the JDK's poller),
 * in the same JVM, for each N.
 *
 * <p>The sending ends live in a child JVM ({@code --senders}), the same for both stacks: 10,000
 * connections are 20,000 descriptors, more than one process may open here (hard limit 20,000
 * without CAP_SYS_RESOURCE). Send times are {@code System.nanoTime()}, CLOCK_MONOTONIC, the same
 * clock in both processes.
 *
 * <ul>
 * <li><b>wake-up latency</b>: one message in flight at a time (the next is requested when the
 *     last was read); time from just before the child's {@code write} to {@code read} returning
 *     in the reader, median and p99;
 * <li><b>throughput</b>: the child sends messages back to back to random connections, 128 in
 *     flight at most; messages per second until the readers have read them all;
 * <li><b>CPU per message</b>: CPU time of the receiving JVM (readers, poller, GC; not the child)
 *     over the throughput phase, divided by the messages;
 * <li><b>CPU per message, paced</b>: the same over a phase where the child sends to random
 *     connections at a fixed rate ({@code pacedRate} per second, the same at every N, well below
 *     what 10,000 connections sustain), half as many messages as the throughput phase. At a
 *     saturating rate the readers of few connections often find a second message already there
 *     and read it without parking (a third of the messages at 100 connections, 4 % at 1,000, 1 %
 *     at 10,000, for both stacks: reads that found no data, counted with perf), so the throughput
 *     phase's CPU per message grows with N also because the work per message changes. Paced,
 *     every message costs one park and one wake-up at every N, and what can still grow is the
 *     cost of that wake-up with the number of waiters.
 * </ul>
 *
 * <p><b>Rounds.</b> Each N is measured in several rounds, the two stacks in alternating order
 * (library first in even rounds, the JDK first in odd ones), so a round is a pair measured seconds
 * apart and neither stack always runs first. With one short warm-up and the library always first,
 * the first measurement (the library at 100 connections) ran about a quarter slower than the same
 * measurement repeated right after it (about twice as many methods were still being JIT-compiled
 * during it as during later ones), which alone made the library "lose" at 100 connections. The
 * warm-up now runs each stack twice with the full message counts.
 *
 * <p>Run, after {@code ./build mvn -B -q -DskipTests -Dmaven.test.skip=true install -pl benchmarks -am}:
 * {@code java --enable-native-access=ALL-UNNAMED -cp 'benchmarks/target/mptcpj-benchmarks.jar:benchmarks/target/lib/*'
 * org.mptcpj.benchmarks.VirtualThreadWakeupBenchmark [connections,...] [latency messages] [throughput messages] [rounds] [paced rate]}
 * (defaults {@code 100,10000 2000 20000 3 10000}). Prints to stdout a header and one line per round, stack and N:
 * {@code stack connections median_us p99_us msgs_per_s cpu_us_per_msg paced_cpu_us_per_msg}; within an N,
 * the k-th line of each stack belong to round k. Each phase's start and end go to stderr
 * ({@code phase STACK N NAME start|end NANOTIME}), for a profiler attached from outside.
 */
public final class VirtualThreadWakeupBenchmark {
    private static final int MESSAGE = 8;
    /**
     * Messages in flight in the throughput phase. Unbounded bursts overflow loopback's backlog
     * (net.core.netdev_max_backlog, 1000 packets): the dropped segments then wait for TCP's
     * retransmission timer, seconds under load, which measures the timer, not the wake-ups.
     */
    private static final int WINDOW = 128;

    /** The receiving side of the comparison: a listener, accepted connections, a reader's read. */
    private interface Stack extends AutoCloseable {
        String name();

        /** {@return the port of a new loopback listener} */
        int listen() throws IOException;

        /** Accepts the next connection, which becomes number {@code count-1}. */
        void acceptOne() throws IOException;

        /** One {@code read} on connection {@code i}: {@return bytes read, -1 at end of stream} */
        int read(int i, ByteBuffer buf) throws IOException;

        @Override
        void close();
    }

    public static void main(String[] args) throws Throwable {
        if (args.length > 0 && args[0].equals("--senders")) {
            senders(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
            return;
        }
        int[] counts = Arrays.stream((args.length > 0 ? args[0] : "100,10000").split(",")).mapToInt(Integer::parseInt).toArray();
        int latencyMessages = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        int throughputMessages = args.length > 2 ? Integer.parseInt(args[2]) : 20000;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        int pacedRate = args.length > 4 ? Integer.parseInt(args[4]) : 10_000;
        try (NetdevBacklog backlog = NetdevBacklog.atLeast(1000)) {
            for (int w = 0; w < 2; w++) { // warm-up (JIT), not printed
                round(w, 100, latencyMessages, throughputMessages, pacedRate, false);
            }
            System.out.println("stack connections median_us p99_us msgs_per_s cpu_us_per_msg paced_cpu_us_per_msg");
            for (int n : counts) {
                for (int r = 0; r < rounds; r++) {
                    round(r, n, latencyMessages, throughputMessages, pacedRate, true);
                }
            }
        }
        System.exit(0);
    }

    /** Both stacks, one after the other: the library first in even rounds, the JDK first in odd ones. */
    private static void round(int round, int n, int latencyMessages, int throughputMessages, int pacedRate,
            boolean print) throws Exception {
        List<Stack> stacks = round % 2 == 0 ? List.of(new Library(), new Jdk()) : List.of(new Jdk(), new Library());
        for (Stack stack : stacks) {
            try (stack) {
                run(stack, n, latencyMessages, throughputMessages, pacedRate, print);
            }
            System.gc();
            Thread.sleep(500);
        }
    }

    private static void run(Stack stack, int n, int latencyMessages, int throughputMessages, int pacedRate,
            boolean print) throws Exception {
        int port = stack.listen();
        String java = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), VirtualThreadWakeupBenchmark.class.getName(),
                "--senders", String.valueOf(port), String.valueOf(n))
                .redirectError(ProcessBuilder.Redirect.INHERIT).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        PrintStream commands = new PrintStream(child.getOutputStream(), true, StandardCharsets.US_ASCII);
        try {
            for (int i = 0; i < n; i++) {
                stack.acceptOne();
            }
            AtomicInteger received = new AtomicInteger();
            long[] latencies = new long[latencyMessages];
            AtomicInteger latencyIndex = new AtomicInteger();
            Thread main = Thread.currentThread();
            // The reader that brings the count to this wakes main: per message in the latency phase, per
            // window in the throughput phase (main woken per message cost both stacks 5-7 µs of CPU per
            // message there, more the more connections), never in the paced one.
            AtomicInteger wakeMainAt = new AtomicInteger(1);
            List<Thread> readers = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int c = i;
                readers.add(Thread.ofVirtual().start(() -> {
                    ByteBuffer buf = ByteBuffer.allocateDirect(MESSAGE);
                    try {
                        while (readFully(stack, c, buf.clear())) {
                            long now = System.nanoTime();
                            int k = latencyIndex.getAndIncrement(); // the first messages are the latency phase's
                            if (k < latencies.length) {
                                latencies[k] = now - buf.getLong(0);
                            }
                            if (received.incrementAndGet() >= wakeMainAt.get()) {
                                LockSupport.unpark(main);
                            }
                        }
                    } catch (IOException e) {
                        // closed at the end of the run
                    }
                }));
            }
            Thread.sleep(Math.max(500, n / 10)); // every reader blocked in read

            for (int m = 0; m < latencyMessages; m++) { // one message in flight
                wakeMainAt.set(m + 1);
                commands.println("l");
                while (received.get() <= m) {
                    LockSupport.park();
                }
            }
            Arrays.sort(latencies);

            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            System.gc(); // the garbage of setting up N connections and readers: collected here, not in a phase
            phase(stack, n, "throughput", "start");
            long cpu0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            boolean stalled = false;
            for (int sent = 0; sent < throughputMessages && !stalled; sent += WINDOW) { // back to back, WINDOW at a time
                int batch = Math.min(WINDOW, throughputMessages - sent);
                wakeMainAt.set(latencyMessages + sent + batch);
                commands.println("t " + batch);
                long giveUp = System.nanoTime() + 10_000_000_000L;
                while (received.get() < latencyMessages + sent + batch && !stalled) {
                    LockSupport.parkNanos(Math.max(1, giveUp - System.nanoTime()));
                    stalled = System.nanoTime() > giveUp;
                }
            }
            long elapsed = System.nanoTime() - t0;
            long cpu = os.getProcessCpuTime() - cpu0;
            phase(stack, n, "throughput", "end");
            int got = received.get() - latencyMessages;

            // Paced: main sleeps, its cost per message is nil.
            wakeMainAt.set(Integer.MAX_VALUE);
            int pacedMessages = throughputMessages / 2;
            int before = received.get();
            phase(stack, n, "paced", "start");
            long pacedCpu0 = os.getProcessCpuTime();
            commands.println("p " + pacedRate + " " + pacedMessages);
            long lastProgress = System.nanoTime();
            for (int seen = before; !stalled && received.get() < before + pacedMessages; ) {
                Thread.sleep(10);
                int now = received.get();
                if (now != seen) {
                    seen = now;
                    lastProgress = System.nanoTime();
                }
                stalled = System.nanoTime() - lastProgress > 10_000_000_000L;
            }
            long pacedCpu = os.getProcessCpuTime() - pacedCpu0;
            phase(stack, n, "paced", "end");
            int pacedGot = received.get() - before;
            if (print) {
                System.out.printf("%s %d %.1f %.1f %.0f %.2f %.2f%s%n", stack.name(), n,
                        latencies[latencies.length / 2] / 1e3, latencies[(int) (latencies.length * 0.99)] / 1e3,
                        got / (elapsed / 1e9), cpu / 1e3 / Math.max(1, got), pacedCpu / 1e3 / Math.max(1, pacedGot),
                        stalled ? " STALLED: " + (got + pacedGot) + " of " + (throughputMessages + pacedMessages)
                                + " read after 10 s without progress"
                                + " (segments lost on loopback wait for TCP's retransmission timer)" : "");
            }
            stack.close();
            for (Thread r : readers) {
                r.join(10_000);
            }
        } finally {
            commands.close(); // the child exits at end of input
            child.waitFor();
        }
    }

    private static void phase(Stack stack, int n, String name, String edge) {
        System.err.println("phase " + stack.name() + " " + n + " " + name + " " + edge + " " + System.nanoTime());
    }

    /** Reads one whole message; false at end of stream. */
    private static boolean readFully(Stack stack, int i, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            if (stack.read(i, buf) < 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * The child: connects {@code n} blocking JDK channels to {@code port}, then per input line
     * {@code l} sends one message, {@code t COUNT} sends COUNT back to back, {@code p RATE COUNT} sends
     * COUNT at RATE per second (on a fixed schedule: a late send does not delay the next ones), to
     * random connections.
     */
    private static void senders(int port, int n) throws IOException {
        List<SocketChannel> channels = new ArrayList<>(n);
        InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        for (int i = 0; i < n; i++) {
            channels.add(SocketChannel.open(to));
        }
        SplittableRandom random = new SplittableRandom(42);
        ByteBuffer out = ByteBuffer.allocateDirect(MESSAGE);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        for (String line; (line = in.readLine()) != null; ) {
            String[] words = line.split(" ");
            int count = words.length > 1 ? Integer.parseInt(words[words.length - 1]) : 1;
            long interval = words[0].equals("p") ? 1_000_000_000L / Integer.parseInt(words[1]) : 0;
            long next = System.nanoTime();
            for (int m = 0; m < count; m++) {
                long early = next - System.nanoTime();
                if (early > 0) {
                    LockSupport.parkNanos(early);
                }
                next += interval;
                out.clear().putLong(0, System.nanoTime());
                SocketChannel c = channels.get(random.nextInt(n));
                while (out.hasRemaining()) {
                    c.write(out);
                }
            }
        }
        for (SocketChannel c : channels) {
            c.close();
        }
    }

    private static final class Library implements Stack {
        private final List<StreamSocket> servers = new ArrayList<>();
        private ServerStreamSocket listener;

        public String name() {
            return "mptcpj";
        }

        public int listen() throws IOException {
            listener = ServerStreamSocket.open(MptcpPolicy.DISABLED, StandardProtocolFamily.INET)
                    .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
            return listener.localAddress().getPort();
        }

        public void acceptOne() throws IOException {
            servers.add(listener.accept());
        }

        public int read(int i, ByteBuffer buf) throws IOException {
            return servers.get(i).read(buf);
        }

        public void close() {
            servers.forEach(StreamSocket::close); // kept: readers may still look a socket up
            if (listener != null) {
                listener.close();
            }
        }
    }

    private static final class Jdk implements Stack {
        private final List<SocketChannel> servers = new ArrayList<>();
        private ServerSocketChannel listener;

        public String name() {
            return "jdk";
        }

        public int listen() throws IOException {
            listener = ServerSocketChannel.open(StandardProtocolFamily.INET)
                    .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
            return ((InetSocketAddress) listener.getLocalAddress()).getPort();
        }

        public void acceptOne() throws IOException {
            servers.add(listener.accept());
        }

        public int read(int i, ByteBuffer buf) throws IOException {
            return servers.get(i).read(buf);
        }

        public void close() {
            try {
                for (SocketChannel c : servers) {
                    c.close();
                }
                if (listener != null) {
                    listener.close();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
