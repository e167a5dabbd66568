package org.mptcpj.multipath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mptcpj.multipath.MultipathLab.awaitCount;
import static org.mptcpj.multipath.MultipathLab.pair;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mptcpj.multipath.MultipathLab.Conn;
import org.mptcpj.pm.Endpoint;
import org.mptcpj.pm.EndpointFlag;
import org.mptcpj.testing.Require;

/**
 * Two paths, each shaped to the same rate with tbf, carry about twice what one does: the same
 * stream goes first over a connection with one subflow (the server announces nothing), then over
 * one with two (the server announces S(b)); the receiver's rate, first to last byte, must be at
 * least 1.6 times higher. System properties: {@code mptcpj.throughput.bytes} (default 24 MiB),
 * {@code mptcpj.throughput.rate} (default {@code 50mbit} per path).
 */
class ThroughputTest {
    private static final long BYTES = Long.getLong("mptcpj.throughput.bytes", 24L << 20);
    private static final String RATE = System.getProperty("mptcpj.throughput.rate", "50mbit");

    @BeforeEach
    void root() {
        Require.that(Require.isRoot(), "network namespaces need root");
    }

    @Test
    void twoShapedPathsCarryMoreThanOne() throws Exception {
        try (MultipathLab m = MultipathLab.create("mptcpj-tput", 2)) {
            m.lab.shape(0, RATE);
            m.lab.shape(1, RATE);
            Transfer.Result one;
            try (Conn conn = m.connect()) {
                assertEquals(List.of(pair(m.c(0), m.s(0))), MultipathLab.establishedPairs(conn.client()));
                one = Transfer.start(conn.client(), conn.server(), BYTES).await(Duration.ofSeconds(30));
                assertEquals(one.sentSha(), one.receivedSha());
                assertEquals(1, MultipathLab.establishedPairs(conn.client()).size());
            }
            m.serverPm.addEndpoint(Endpoint.of(m.s(1), EndpointFlag.SIGNAL));
            Transfer.Result two;
            try (Conn conn = m.connect()) {
                assertEquals(List.of(pair(m.c(0), m.s(0)), pair(m.c(1), m.s(1))),
                        awaitCount(conn.client(), 2, Duration.ofSeconds(5)));
                two = Transfer.start(conn.client(), conn.server(), BYTES).await(Duration.ofSeconds(30));
                assertEquals(two.sentSha(), two.receivedSha());
                List<MultipathLab.Subflow> subflows = MultipathLab.subflows(conn.client());
                System.out.println("[throughput] two subflows: " + subflows.stream()
                        .map(f -> f.pair() + " sent " + f.bytesSent()).toList());
            }
            double ratio = two.mbitPerSecond() / one.mbitPerSecond();
            System.out.printf("[throughput] %d bytes, paths shaped to %s each: one subflow %.1f Mbit/s, "
                            + "two subflows %.1f Mbit/s, ratio %.2f%n", BYTES, RATE, one.mbitPerSecond(),
                    two.mbitPerSecond(), ratio);
            assertTrue(ratio >= 1.6, String.format("two paths gave only %.2f x one path's rate", ratio));
        }
    }
}
