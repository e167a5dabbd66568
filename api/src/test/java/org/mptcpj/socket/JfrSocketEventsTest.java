package org.mptcpj.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The socket I/O and connection events on loopback, read back from a recording file: a read that
 * waited and a write that blocked are recorded with the peer and byte count (under the default
 * 20 ms threshold), reads that did not wait are not, end of stream is flagged, and a TCP client of
 * an MPTCP listener is reported as fallen back on the server side.
 */
class JfrSocketEventsTest {
    private static final Duration WAIT = Duration.ofMillis(300);

    @TempDir
    Path dir;

    @Test
    void readsAndWritesOverTheThresholdAreRecorded() throws Exception {
        Path file = dir.resolve("io.jfr");
        int quickReads = 200;
        int port;
        try (Recording r = new Recording()) {
            // Only enabled: the threshold is the events' own default (20 ms), as with -XX:StartFlightRecording.
            r.enable("org.mptcpj.SocketRead");
            r.enable("org.mptcpj.SocketWrite");
            r.start();
            try (SocketPair p = SocketPair.open(MptcpPolicy.PREFERRED, MptcpPolicy.PREFERRED, StandardProtocolFamily.INET)) {
                port = p.accepted().localAddress().getPort();
                p.client().setReadTimeout(Duration.ofSeconds(7));
                // 1. a read that waits for data written WAIT later
                Thread w = Thread.ofPlatform().start(() -> {
                    sleep(WAIT);
                    write(p.accepted(), new byte[3]);
                });
                assertEquals(3, p.client().read(new byte[10], 0, 10));
                w.join();
                // 2. reads of data already there: below the threshold
                write(p.accepted(), new byte[quickReads]);
                Thread.sleep(50);
                for (int i = 0; i < quickReads; i++) {
                    assertEquals(1, p.client().read(new byte[1], 0, 1));
                }
                // 3. a write that blocks until the peer starts reading WAIT later
                byte[] big = new byte[32 << 20];
                Thread reader = Thread.ofPlatform().start(() -> {
                    sleep(WAIT);
                    drain(p.accepted(), big.length);
                });
                p.client().write(big, 0, big.length);
                reader.join();
                // 4. end of stream after a wait
                Thread closer = Thread.ofPlatform().start(() -> {
                    sleep(WAIT);
                    shutdownOutput(p.accepted());
                });
                assertEquals(-1, p.client().read(new byte[1], 0, 1));
                closer.join();
            }
            r.stop();
            r.dump(file);
        }
        List<RecordedEvent> reads = events(file, "org.mptcpj.SocketRead");
        List<RecordedEvent> writes = events(file, "org.mptcpj.SocketWrite").stream()
                .filter(e -> e.getLong("bytesWritten") == 32 << 20).toList();
        reads.forEach(System.out::println);
        RecordedEvent waited = reads.stream().filter(e -> e.getLong("bytesRead") == 3).findFirst().orElseThrow();
        assertEquals("127.0.0.1", waited.getString("address"));
        assertEquals(port, waited.getInt("port"));
        assertEquals(7000, waited.getLong("timeout"));
        assertFalse(waited.getBoolean("endOfStream"));
        // Half the wait: this thread may reach read() late (a GC pause, a busy runner), but an
        // event that did not time the wait would last microseconds.
        assertTrue(waited.getDuration().compareTo(WAIT.dividedBy(2)) >= 0, waited.toString());
        assertTrue(waited.getStackTrace() != null, "stack trace recorded");
        long quick = reads.stream().filter(e -> e.getLong("bytesRead") == 1).count();
        assertTrue(quick < quickReads / 10, quick + " of " + quickReads + " immediate reads recorded: the threshold is not applied");
        assertTrue(reads.stream().anyMatch(e -> e.getBoolean("endOfStream") && e.getLong("bytesRead") == 0), reads.toString());
        assertEquals(1, writes.size(), events(file, "org.mptcpj.SocketWrite").toString());
        assertEquals(port, writes.get(0).getInt("port"));
    }

    @Test
    void fallbackToTcpIsRecordedWithItsReason() throws Exception {
        Path file = dir.resolve("connect.jfr");
        try (Recording r = new Recording()) {
            r.enable("org.mptcpj.ConnectionEstablished");
            r.start();
            try (SocketPair mptcp = SocketPair.open(MptcpPolicy.REQUIRED, MptcpPolicy.REQUIRED, StandardProtocolFamily.INET);
                 SocketPair fallback = SocketPair.open(MptcpPolicy.REQUIRED, MptcpPolicy.DISABLED, StandardProtocolFamily.INET)) {
                assertTrue(mptcp.client().isMultipath());
                assertFalse(fallback.client().isMultipath());
            }
            r.stop();
            r.dump(file);
        }
        List<RecordedEvent> events = events(file, "org.mptcpj.ConnectionEstablished");
        events.forEach(System.out::println);
        assertEquals(4, events.size());
        List<RecordedEvent> multipath = events.stream().filter(e -> e.getBoolean("multipath")).toList();
        assertEquals(2, multipath.size());
        for (RecordedEvent e : multipath) {
            assertNull(e.getString("fallback"));
            assertTrue(e.getLong("token") != 0, e.toString());
        }
        // The fallen-back pair: the MPTCP client the TCP server did not negotiate with, and the TCP server socket.
        List<String> reasons = events.stream().filter(e -> !e.getBoolean("multipath"))
                .map(e -> e.getBoolean("mptcp") + ": " + e.getString("fallback")).sorted().toList();
        assertEquals(2, reasons.size());
        assertTrue(reasons.get(0).startsWith("false: TCP socket"), reasons.toString());
        assertTrue(reasons.get(1).startsWith("true: the peer did not negotiate MPTCP"), reasons.toString());
    }

    static List<RecordedEvent> events(Path file, String name) throws IOException {
        return RecordingFile.readAllEvents(file).stream().filter(e -> e.getEventType().getName().equals(name)).toList();
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static void write(StreamSocket s, byte[] b) {
        try {
            s.write(b, 0, b.length);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static void shutdownOutput(StreamSocket s) {
        try {
            s.shutdownOutput();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static void drain(StreamSocket s, long n) {
        byte[] b = new byte[1 << 20];
        try {
            for (long got = 0; got < n; ) {
                int k = s.read(b, 0, b.length);
                if (k < 0) {
                    throw new AssertionError("end of stream after " + got);
                }
                got += k;
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
