package org.mptcpj.pm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mptcpj.testing.Loopback;

/**
 * The library's events against {@code ip mptcp monitor} (iproute2) as the independent witness:
 * both subscribe in the test's namespace, a real MPTCP loopback connection is made there (with a
 * {@code subflow} endpoint on 127.0.0.2, so that subflow events happen too) and closed, and the
 * events of that connection (both tokens, client and server side) must be the same in number,
 * type and order, each with the same attributes as far as the monitor prints them (token, ids,
 * addresses, ports, backup, error, flags, ...).
 */
class MonitorComparisonTest {
    @RegisterExtension
    static final PathManagerFixture NS = new PathManagerFixture();

    /** {@code [    ESTABLISHED] token=... key=value ...}, or {@code [UNKNOWN 15]}. */
    private static final Pattern LINE = Pattern.compile("^\\[\\s*([A-Z_]+(?: \\d+)?)\\]\\s*(.*)$");
    private static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(10);

    /** One parsed monitor line: the event name and its key=value pairs in print order. */
    record MonitorLine(String name, Map<String, String> attrs, String text) {
        static MonitorLine parse(String text) {
            Matcher m = LINE.matcher(text.strip());
            if (!m.matches()) {
                return null;
            }
            Map<String, String> attrs = new LinkedHashMap<>();
            for (String kv : m.group(2).trim().split("\\s+")) {
                int eq = kv.indexOf('=');
                if (eq > 0) {
                    attrs.put(kv.substring(0, eq), kv.substring(eq + 1));
                }
            }
            return new MonitorLine(m.group(1), attrs, text);
        }

        long token() {
            String t = attrs.get("token");
            return t == null ? -1 : Long.parseLong(t, 16);
        }
    }

    /** The name iproute2 prints for {@code e}. */
    static String monitorName(MptcpEvent e) {
        return switch (e.type()) {
            case SUB_ESTABLISHED -> "SF_ESTABLISHED";
            case SUB_CLOSED -> "SF_CLOSED";
            case SUB_PRIORITY -> "SF_PRIO";
            case UNKNOWN -> "UNKNOWN " + e.rawType();
            default -> e.type().name();
        };
    }

    /** Asserts that {@code m} describes {@code e}: the name and every attribute the monitor printed. */
    static void assertSame(MptcpEvent e, MonitorLine m) throws IOException {
        String where = "event " + e + " vs monitor line '" + m.text() + "'";
        if (m.name().startsWith("UNKNOWN ")) { // an older iproute2 prints no attributes of events it does not know
            assertEquals("UNKNOWN " + e.rawType(), m.name(), where);
            return;
        }
        assertEquals(monitorName(e), m.name(), where);
        for (Map.Entry<String, String> kv : m.attrs().entrySet()) {
            String v = kv.getValue();
            switch (kv.getKey()) {
                case "token" -> assertEquals(Long.parseLong(v, 16), e.token(), where);
                case "remid" -> assertEquals(Integer.parseInt(v), e.remoteId(), where);
                case "locid" -> assertEquals(Integer.parseInt(v), e.localId(), where);
                case "saddr4", "saddr6" -> assertEquals(InetAddress.getByName(v), e.localAddress(), where);
                case "daddr4", "daddr6" -> assertEquals(InetAddress.getByName(v), e.remoteAddress(), where);
                case "sport" -> assertEquals(Integer.parseInt(v), e.localPort(), where);
                case "dport" -> assertEquals(Integer.parseInt(v), e.remotePort(), where);
                case "backup" -> assertEquals(Integer.parseInt(v), e.backup(), where);
                case "error" -> assertEquals(Integer.parseInt(v), e.error(), where);
                case "flags" -> assertEquals(Integer.parseInt(v, 16), e.rawFlags(), where);
                case "timeout" -> assertEquals(Long.parseLong(v), e.timeout(), where);
                case "ifindex" -> assertEquals(Integer.parseInt(v), e.ifIndex(), where);
                case "reset_reason" -> assertEquals(Long.parseLong(v), e.resetReason(), where);
                case "reset_flags" -> assertEquals(Long.decode(v), e.resetFlags(), where);
                default -> throw new AssertionError("unknown monitor attribute " + kv.getKey() + " in " + where);
            }
        }
        // what the monitor prints whenever the kernel sent it must not be missing from the event either
        if (e.localAddress() != null) {
            assertTrue(m.attrs().containsKey("saddr4") || m.attrs().containsKey("saddr6"), where);
        }
        if (e.localPort() != -1) {
            assertTrue(m.attrs().containsKey("sport"), where);
        }
    }

    static void await(String what, BooleanSupplier condition, Object context) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE_NANOS;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what + ": " + context);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void eventsMatchIpMptcpMonitor() throws Exception {
        List<String> monitor = new CopyOnWriteArrayList<>();
        List<MptcpEvent> events = new CopyOnWriteArrayList<>();
        Process ip = new ProcessBuilder("ip", "-n", NS.ns.name(), "mptcp", "monitor").redirectErrorStream(true).start();
        Thread reader = Thread.ofPlatform().daemon(true).name("ip-mptcp-monitor").start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(ip.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    monitor.add(line);
                }
            } catch (IOException e) {
                monitor.add("reader: " + e);
            }
        });
        try (MptcpEventSubscription sub = NS.pm.subscribe(events::add)) {
            // The monitor subscribes at some point after it started: make throw-away connections until it prints.
            long deadline = System.nanoTime() + DEADLINE_NANOS;
            while (monitor.isEmpty()) {
                assertTrue(ip.isAlive(), "ip mptcp monitor ended: " + monitor);
                assertTrue(System.nanoTime() < deadline, "ip mptcp monitor printed nothing within 10 s");
                try (Loopback warmUp = Loopback.open(NS.ns, true)) {
                    warmUp.pingPong();
                }
                Thread.sleep(100);
            }
            NS.pm.addEndpoint(Endpoint.of(InetAddress.getByName("127.0.0.2"), EndpointFlag.SUBFLOW));

            long client;
            long server;
            try (Loopback c = Loopback.open(NS.ns, true)) {
                c.pingPong();
                client = MptcpEventsTest.token(c.client);
                server = MptcpEventsTest.token(c.server);
                await("the client's SUB_ESTABLISHED from 127.0.0.2", () -> events.stream().anyMatch(
                        e -> e.type() == MptcpEventType.SUB_ESTABLISHED && e.token() == client), events);
                c.pingPong();
            }
            Set<Long> tokens = Set.of(client, server);
            await("CLOSED of both sides in the monitor's output", () -> monitor.stream().map(MonitorLine::parse)
                    .filter(m -> m != null && m.name().equals("CLOSED") && tokens.contains(m.token()))
                    .count() == 2, monitor);
            await("CLOSED of both sides from the library", () -> events.stream()
                    .filter(e -> e.type() == MptcpEventType.CLOSED && tokens.contains(e.token())).count() == 2, events);

            List<MptcpEvent> ours = events.stream().filter(e -> tokens.contains(e.token())).toList();
            List<MonitorLine> theirs = new ArrayList<>();
            for (String line : monitor) {
                MonitorLine m = MonitorLine.parse(line);
                if (m != null && tokens.contains(m.token())) {
                    theirs.add(m);
                }
            }
            StringBuilder both = new StringBuilder("library:\n");
            ours.forEach(e -> both.append("  ").append(e).append('\n'));
            both.append("ip mptcp monitor:\n");
            theirs.forEach(m -> both.append("  ").append(m.text()).append('\n'));
            System.out.print(both);

            assertEquals(theirs.stream().map(MonitorLine::name).toList(), ours.stream().map(MonitorComparisonTest::monitorName).toList(),
                    "event types and order differ:\n" + both);
            for (int i = 0; i < ours.size(); i++) {
                assertSame(ours.get(i), theirs.get(i));
            }
            // the connection's life as both saw it: created, established, a subflow, closed, on each side
            for (long token : tokens) {
                List<MptcpEventType> types = ours.stream().filter(e -> e.token() == token).map(MptcpEvent::type).toList();
                assertEquals(MptcpEventType.CREATED, types.get(0), both.toString());
                assertTrue(types.indexOf(MptcpEventType.ESTABLISHED) > 0, both.toString());
                assertEquals(MptcpEventType.CLOSED, types.get(types.size() - 1), both.toString());
            }
            assertTrue(ours.stream().anyMatch(e -> e.type() == MptcpEventType.SUB_ESTABLISHED && e.token() == server
                    && e.remoteAddress() != null && e.remoteAddress().getHostAddress().equals("127.0.0.2")),
                    both.toString());
            assertEquals(0, sub.droppedEvents());
            assertEquals(0, sub.overruns());
        } finally {
            ip.destroy();
            if (!ip.waitFor(5, TimeUnit.SECONDS)) {
                ip.destroyForcibly();
            }
            reader.join(5000);
        }
    }
}
