package org.mptcpj.socket;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Child JVM of {@link VirtualThreadMemoryTest}, started with {@code -XX:NativeMemoryTracking=summary}:
 * {@code THREADS} virtual threads over {@code CONNECTIONS} loopback connections, each blocked in a
 * heap read, then doing one heap write and staying alive. Prints, tab-separated, the NMT category
 * "Other" (where {@code Arena} and {@code Unsafe.allocateMemory} memory is counted) in KiB at each
 * phase, read with {@code jcmd}: {@code NMT <phase> <KiB>}.
 */
public final class VirtualThreadMemoryProbe {
    private static final Pattern OTHER = Pattern.compile("Other \\(reserved=\\d+KB, committed=(\\d+)KB\\)");

    private VirtualThreadMemoryProbe() {
    }

    /** {@return NMT's "Other" (committed, KiB) of this JVM, from {@code jcmd <pid> VM.native_memory summary}} */
    static long otherKiB() throws Exception {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        Process p = new ProcessBuilder(jcmd, String.valueOf(ProcessHandle.current().pid()), "VM.native_memory", "summary")
                .redirectErrorStream(true).start();
        String summary = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        Matcher m = OTHER.matcher(summary);
        if (!m.find()) {
            throw new IllegalStateException("no 'Other' category in NMT summary:\n" + summary);
        }
        return Long.parseLong(m.group(1));
    }

    public static void main(String[] args) throws Exception {
        int threads = Integer.parseInt(args[0]);
        int connections = Integer.parseInt(args[1]);
        List<SocketPair> pairs = new ArrayList<>();
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        try (ServerStreamSocket listener = ServerStreamSocket.open(MptcpPolicy.DISABLED, StandardProtocolFamily.INET)
                .bind(any, 4096)) {
            for (int i = 0; i < connections; i++) {
                StreamSocket c = StreamSocket.open(MptcpPolicy.DISABLED, StandardProtocolFamily.INET)
                        .connect(listener.localAddress(), Duration.ofSeconds(10));
                pairs.add(new SocketPair(listener, c, listener.accept()));
            }
            // One heap read and write on this (platform) thread first: what the library keeps per platform thread is baseline.
            pairs.get(0).client().write(new byte[1], 0, 1);
            pairs.get(0).accepted().read(new byte[1], 0, 1);
            System.gc();
            System.out.println("NMT\tbaseline\t" + otherKiB());

            AtomicInteger reading = new AtomicInteger();
            AtomicInteger wrote = new AtomicInteger();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            CountDownLatch finish = new CountDownLatch(1);
            List<Thread> vts = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                SocketPair p = pairs.get(i % connections);
                vts.add(Thread.ofVirtual().start(() -> {
                    try {
                        byte[] one = new byte[1];
                        reading.incrementAndGet();
                        if (p.accepted().read(one, 0, 1) != 1) {
                            throw new IllegalStateException("short read");
                        }
                        p.accepted().write(one, 0, 1);
                        wrote.incrementAndGet();
                        finish.await();
                    } catch (Throwable t) {
                        failure.compareAndSet(null, t);
                        wrote.incrementAndGet();
                    }
                }));
            }
            while (reading.get() < threads) {
                Thread.sleep(10);
            }
            Thread.sleep(1000); // let every reader reach its wait
            System.out.println("NMT\tblocked-in-read\t" + otherKiB());
            int perConnection = (threads + connections - 1) / connections;
            byte[] bytes = new byte[perConnection];
            for (int i = 0; i < connections; i++) {
                int readers = threads / connections + (i < threads % connections ? 1 : 0);
                pairs.get(i).client().write(bytes, 0, readers);
            }
            while (wrote.get() < threads) {
                Thread.sleep(10);
            }
            if (failure.get() != null) {
                throw new IllegalStateException("a virtual thread failed", failure.get());
            }
            System.out.println("NMT\tafter-io-threads-alive\t" + otherKiB());
            finish.countDown();
            for (Thread t : vts) {
                t.join();
            }
            vts.clear();
            for (int i = 0; i < 5; i++) {
                System.gc();
                Thread.sleep(200); // Arena.ofAuto memory is freed by a Cleaner after the GC
            }
            System.out.println("NMT\tthreads-gone\t" + otherKiB());
        } finally {
            for (SocketPair p : pairs) {
                p.client().close();
                p.accepted().close();
            }
        }
    }
}
