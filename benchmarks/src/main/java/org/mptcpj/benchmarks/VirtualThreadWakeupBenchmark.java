package org.mptcpj.benchmarks;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
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
 * blocked in {@code read} on the accepted end of each, and one platform thread sending 8-byte
 * messages (the send time) to random connections. Run once through this library's
 * {@link StreamSocket} (its epoll poller) and once through the JDK's own blocking
 * {@link SocketChannel} (the JDK's poller), in the same JVM, for each N.
 *
 * <ul>
 * <li><b>wake-up latency</b>: one message in flight at a time (the sender waits until it is read);
 *     time from just before {@code write} to {@code read} returning in the reader, median and p99;
 * <li><b>throughput</b>: messages sent back to back to random connections, messages per second
 *     until the readers have read them all;
 * <li><b>CPU per message</b>: process CPU time (all threads: sender, readers, pollers, GC) over the
 *     throughput phase divided by the messages.
 * </ul>
 *
 * <p>Run (after {@code ./build mvn -B -q -DskipTests install -pl benchmarks -am}), as root when N
 * needs more than the descriptor hard limit:
 * {@code java --enable-native-access=ALL-UNNAMED -cp 'benchmarks/target/mptcpj-benchmarks.jar:benchmarks/target/lib/*'
 * org.mptcpj.benchmarks.VirtualThreadWakeupBenchmark [connections,...] [latency messages] [throughput messages]}
 * (defaults: {@code 100,10000 2000 20000}). Prints one line per stack and N to stdout, as
 * {@code stack connections median_us p99_us msgs_per_s cpu_us_per_msg}, after a header.
 */
public final class VirtualThreadWakeupBenchmark {
    private static final int MESSAGE = 8;

    /** One side of the comparison: how to make connections and how a reader reads. */
    private interface Stack extends AutoCloseable {
        String name();

        /** Opens {@code n} connections. */
        void open(int n) throws IOException;

        /** Reads one whole message on connection {@code i} into {@code buf}; false at end of stream. */
        boolean read(int i, ByteBuffer buf) throws IOException;

        void write(int i, ByteBuffer buf) throws IOException;

        @Override
        void close();
    }

    public static void main(String[] args) throws Throwable {
        int[] counts = Arrays.stream((args.length > 0 ? args[0] : "100,10000").split(",")).mapToInt(Integer::parseInt).toArray();
        int latencyMessages = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        int throughputMessages = args.length > 2 ? Integer.parseInt(args[2]) : 20000;
        raiseDescriptorLimit(4L * Arrays.stream(counts).max().orElse(0) + 1024);
        for (Stack stack : List.of(new Library(), new Jdk())) { // warm-up (JIT), not printed
            try (stack) {
                run(stack, 100, 1000, 10000, false);
            }
        }
        System.out.println("stack connections median_us p99_us msgs_per_s cpu_us_per_msg");
        for (int n : counts) {
            for (Stack stack : List.of(new Library(), new Jdk())) {
                try (stack) {
                    run(stack, n, latencyMessages, throughputMessages, true);
                }
                System.gc();
                Thread.sleep(500);
            }
        }
        System.exit(0);
    }

    private static void run(Stack stack, int n, int latencyMessages, int throughputMessages, boolean print)
            throws Exception {
        stack.open(n);
        AtomicInteger received = new AtomicInteger();
        long[] latencies = new long[latencyMessages];
        AtomicInteger latencyIndex = new AtomicInteger();
        Thread sender = Thread.currentThread();
        List<Thread> readers = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int c = i;
            readers.add(Thread.ofVirtual().start(() -> {
                ByteBuffer buf = ByteBuffer.allocateDirect(MESSAGE);
                try {
                    while (stack.read(c, buf.clear())) {
                        long now = System.nanoTime();
                        int k = latencyIndex.getAndIncrement(); // the first messages are the latency phase's
                        if (k < latencies.length) {
                            latencies[k] = now - buf.getLong(0);
                        }
                        received.incrementAndGet();
                        LockSupport.unpark(sender);
                    }
                } catch (IOException e) {
                    // closed at the end of the run
                }
            }));
        }
        Thread.sleep(Math.max(500, n / 10)); // every reader blocked in read
        SplittableRandom random = new SplittableRandom(42);
        ByteBuffer out = ByteBuffer.allocateDirect(MESSAGE);

        // Wake-up latency: one message in flight.
        for (int m = 0; m < latencyMessages; m++) {
            out.clear().putLong(0, System.nanoTime());
            stack.write(random.nextInt(n), out);
            while (received.get() <= m) {
                LockSupport.park();
            }
        }
        Arrays.sort(latencies);

        // Throughput and CPU: back to back.
        int base = received.get();
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        for (int m = 0; m < throughputMessages; m++) {
            out.clear().putLong(0, System.nanoTime());
            stack.write(random.nextInt(n), out);
        }
        while (received.get() < base + throughputMessages) {
            LockSupport.parkNanos(100_000);
        }
        long elapsed = System.nanoTime() - t0;
        long cpu = os.getProcessCpuTime() - cpu0;
        if (print) {
            System.out.printf("%s %d %.1f %.1f %.0f %.2f%n", stack.name(), n,
                    latencies[latencies.length / 2] / 1e3, latencies[(int) (latencies.length * 0.99)] / 1e3,
                    throughputMessages / (elapsed / 1e9), cpu / 1e3 / throughputMessages);
        }
        stack.close();
        for (Thread r : readers) {
            r.join(10_000);
        }
    }

    /** Reads exactly {@code buf.remaining()} bytes; false at end of stream. */
    private static boolean readFully(SocketChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            if (ch.read(buf) < 0) {
                return false;
            }
        }
        return true;
    }

    private static final class Library implements Stack {
        private final List<StreamSocket> clients = new ArrayList<>();
        private final List<StreamSocket> servers = new ArrayList<>();
        private ServerStreamSocket listener;

        public String name() {
            return "mptcpj";
        }

        public void open(int n) throws IOException {
            listener = ServerStreamSocket.open(MptcpPolicy.DISABLED, StandardProtocolFamily.INET)
                    .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
            for (int i = 0; i < n; i++) {
                clients.add(StreamSocket.open(MptcpPolicy.DISABLED, StandardProtocolFamily.INET)
                        .connect(listener.localAddress(), Duration.ofSeconds(10)));
                servers.add(listener.accept());
            }
        }

        public boolean read(int i, ByteBuffer buf) throws IOException {
            StreamSocket s = servers.get(i);
            while (buf.hasRemaining()) {
                if (s.read(buf) < 0) {
                    return false;
                }
            }
            return true;
        }

        public void write(int i, ByteBuffer buf) throws IOException {
            clients.get(i).write(buf);
        }

        public void close() {
            servers.forEach(StreamSocket::close); // the server side closes first: TIME_WAIT there, no client port held
            clients.forEach(StreamSocket::close);
            servers.clear();
            clients.clear();
            if (listener != null) {
                listener.close();
            }
        }
    }

    private static final class Jdk implements Stack {
        private final List<SocketChannel> clients = new ArrayList<>();
        private final List<SocketChannel> servers = new ArrayList<>();
        private ServerSocketChannel listener;

        public String name() {
            return "jdk";
        }

        public void open(int n) throws IOException {
            listener = ServerSocketChannel.open(StandardProtocolFamily.INET)
                    .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
            for (int i = 0; i < n; i++) {
                clients.add(SocketChannel.open(listener.getLocalAddress()));
                servers.add(listener.accept());
            }
        }

        public boolean read(int i, ByteBuffer buf) throws IOException {
            return readFully(servers.get(i), buf);
        }

        public void write(int i, ByteBuffer buf) throws IOException {
            SocketChannel c = clients.get(i);
            while (buf.hasRemaining()) {
                c.write(buf);
            }
        }

        public void close() {
            for (List<SocketChannel> side : List.of(servers, clients)) {
                for (SocketChannel c : side) {
                    try {
                        c.close();
                    } catch (IOException e) {
                        // closing anyway
                    }
                }
                side.clear();
            }
            try {
                if (listener != null) {
                    listener.close();
                }
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    /** Raises RLIMIT_NOFILE (soft and hard; the hard limit only as root) to at least {@code needed}. */
    private static void raiseDescriptorLimit(long needed) throws Throwable {
        Linker linker = Linker.nativeLinker();
        FunctionDescriptor fd = FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS);
        MethodHandle get = linker.downcallHandle(linker.defaultLookup().find("getrlimit").orElseThrow(), fd);
        MethodHandle set = linker.downcallHandle(linker.defaultLookup().find("setrlimit").orElseThrow(), fd);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment lim = arena.allocate(16, 8); // struct rlimit { rlim_t cur, max; }, RLIMIT_NOFILE = 7
            int r = (int) get.invokeExact(7, lim);
            if (r != 0 || lim.get(ValueLayout.JAVA_LONG, 0) >= needed) {
                return;
            }
            lim.set(ValueLayout.JAVA_LONG, 0, needed);
            lim.set(ValueLayout.JAVA_LONG, 8, Math.max(needed, lim.get(ValueLayout.JAVA_LONG, 8)));
            if ((int) set.invokeExact(7, lim) != 0) {
                System.err.println("could not raise RLIMIT_NOFILE to " + needed + " (not root?); large runs may fail with EMFILE");
            }
        }
    }
}
