package org.mptcpj.multipath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mptcpj.multipath.MultipathLab.awaitCount;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mptcpj.error.ErrnoException;
import org.mptcpj.multipath.MultipathLab.Conn;
import org.mptcpj.option.Keepalive;
import org.mptcpj.pm.Endpoint;
import org.mptcpj.pm.EndpointFlag;
import org.mptcpj.pm.MptcpEventSubscription;
import org.mptcpj.pm.MptcpEventType;
import org.mptcpj.testing.Require;

/**
 * A flight recording around an MPTCP connection over two paths whose paths are cut one after the
 * other, read back with {@link RecordingFile}. The server side has keepalive 1 s/1 s/1 (set on the
 * listener, so re-applied on the accepted connection, which turns the dead-peer watchdog on) and a
 * path-manager event subscription in its namespace. The recording must hold, in this order: the
 * connection established (multipath, with its token), keepalive re-applied, a read that waited
 * (after the second subflow was established, which the kernel may do before connect() returns), the
 * cut path's subflow closed with {@code ETIMEDOUT}, and after the second cut the dead peer declared
 * by the watchdog.
 */
class JfrPathCutTest {
    private static final Keepalive KEEPALIVE = Keepalive.of(Duration.ofSeconds(1), Duration.ofSeconds(1), 1);

    @TempDir
    Path dir;

    @BeforeEach
    void root() {
        Require.that(Require.isRoot(), "network namespaces need root");
    }

    @Test
    void recordingShowsTheCutInOrder() throws Exception {
        Path file = dir.resolve("cut.jfr");
        long token;
        // The subscription commits its JFR event before it hands the event to this listener.
        CountDownLatch joinSeen = new CountDownLatch(1);
        try (Recording r = new Recording()) {
            for (String name : List.of("ConnectionEstablished", "KeepaliveReapplied", "SubflowEstablished",
                    "SubflowClosed", "DeadPeer", "PathManagerEvent", "SocketRead", "SocketWrite")) {
                r.enable("org.mptcpj." + name); // thresholds: the events' defaults
            }
            r.start();
            try (MultipathLab m = MultipathLab.create("mptcpj-jfr", 2);
                 MptcpEventSubscription sub = m.serverPm.subscribe(e -> {
                     if (e.type() == MptcpEventType.SUB_ESTABLISHED) {
                         joinSeen.countDown();
                     }
                 })) {
                m.serverPm.addEndpoint(Endpoint.of(m.s(1), EndpointFlag.SIGNAL));
                try (Conn conn = m.connect(KEEPALIVE)) {
                    assertEquals(2, awaitCount(conn.server(), 2, Duration.ofSeconds(5)).size());
                    assertTrue(conn.server().isPeerDeadDetection());
                    token = conn.server().mptcpInfo(new org.mptcpj.info.MptcpInfo()).token();
                    // The subscription's thread records the join's event while this one goes on
                    // (only 2-4 ms ahead of this read in full test runs; a CI run read first and
                    // failed the order check): wait until it is recorded.
                    assertTrue(joinSeen.await(5, TimeUnit.SECONDS), "no SUB_ESTABLISHED event");
                    // A read that waits for data written 300 ms later (long past the SocketRead
                    // event's 20 ms threshold even if this thread is slow to reach read()).
                    Thread w = Thread.ofPlatform().start(() -> {
                        try {
                            Thread.sleep(300);
                            conn.client().write(new byte[3], 0, 3);
                        } catch (Exception e) {
                            throw new AssertionError(e);
                        }
                    });
                    conn.server().setReadTimeout(Duration.ofSeconds(15));
                    assertEquals(3, conn.server().read(new byte[3], 0, 3));
                    w.join();

                    m.lab.lossOn(1); // keepalive ends the server's subflow on path 1 about 2 s later
                    assertEquals(1, awaitCount(conn.server(), 1, Duration.ofSeconds(10)).size());
                    m.lab.lossOn(0); // and then the first one: the watchdog declares the peer dead
                    ErrnoException dead = assertThrows(ErrnoException.class, () -> conn.server().read(new byte[1], 0, 1));
                    assertEquals("ETIMEDOUT", dead.errnoName());
                }
            }
            r.stop();
            r.dump(file);
        }
        List<RecordedEvent> all = new ArrayList<>(RecordingFile.readAllEvents(file));
        all.sort(Comparator.comparing(RecordedEvent::getStartTime));
        all.forEach(e -> System.out.println(e.getStartTime() + " " + e.getEventType().getName() + " "
                + e.getFields().stream().filter(f -> !f.getName().equals("stackTrace") && !f.getName().equals("eventThread"))
                        .map(f -> f.getName() + "=" + e.getValue(f.getName())).toList()));

        String server = "10.200.1.2";
        int established = index(all, "established (server side)", e -> is(e, "ConnectionEstablished")
                && e.getString("localAddress").equals(server) && e.getBoolean("multipath"), 0);
        RecordedEvent conn = all.get(established);
        assertNull(conn.getString("fallback"));
        assertEquals(token, conn.getLong("token"));
        int reapplied = index(all, "keepalive re-applied", e -> is(e, "KeepaliveReapplied")
                && e.getInt("port") == conn.getInt("port"), established);
        assertEquals(1, all.get(reapplied).getLong("idle"));
        assertEquals(1, all.get(reapplied).getInt("count"));
        // The kernel joins the second path while connect() returns: before or after the connection's event.
        int joined = index(all, "subflow established on path 1", e -> is(e, "SubflowEstablished")
                && e.getLong("token") == token && "10.201.1.2".equals(e.getString("localAddress")), 0);
        int read = index(all, "read that waited", e -> is(e, "SocketRead") && e.getLong("bytesRead") == 3
                && e.getString("address").equals("10.200.1.1"), Math.max(joined, reapplied));
        int closed = index(all, "subflow on path 1 closed", e -> is(e, "SubflowClosed") && e.getLong("token") == token
                && "10.201.1.2".equals(e.getString("localAddress")), read);
        assertEquals("ETIMEDOUT", all.get(closed).getString("error"));
        int deadPeer = index(all, "dead peer", e -> is(e, "DeadPeer") && e.getInt("port") == conn.getInt("port"), closed);
        RecordedEvent d = all.get(deadPeer);
        assertEquals(500_000_000L, d.getDuration("grace").toNanos());
        assertTrue(d.getDuration("withoutSubflow").toMillis() >= 500, d.toString());
        // No subflow closed before the cut, and every subflow event came with its path-manager event.
        assertTrue(all.subList(0, read).stream().noneMatch(e -> is(e, "SubflowClosed")), "closed before the cut");
        for (String type : List.of("ESTABLISHED", "SUB_ESTABLISHED", "SUB_CLOSED")) {
            assertTrue(all.stream().anyMatch(e -> is(e, "PathManagerEvent") && type.equals(e.getString("type"))
                    && e.getLong("token") == token), "no PathManagerEvent " + type);
        }
    }

    private static boolean is(RecordedEvent e, String name) {
        return e.getEventType().getName().equals("org.mptcpj." + name);
    }

    /** {@return the index of the first event after {@code after} that matches} (fails naming {@code what}) */
    private static int index(List<RecordedEvent> events, String what, Predicate<RecordedEvent> p, int after) {
        for (int i = after; i < events.size(); i++) {
            if (p.test(events.get(i))) {
                return i;
            }
        }
        throw new AssertionError("no " + what + " at or after event " + after + " in the recording");
    }
}
