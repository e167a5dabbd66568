package org.mptcpj.samples.pm;

import java.io.IOException;
import java.io.PrintStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.mptcpj.pm.Endpoint;
import org.mptcpj.pm.EndpointFlag;
import org.mptcpj.pm.MptcpEvent;
import org.mptcpj.pm.MptcpEventSubscription;
import org.mptcpj.pm.MptcpPathManager;

/**
 * A minimal userspace MPTCP path manager (what {@code mptcpd} does, in a page): it listens to the
 * path-manager events of a network namespace whose {@code net.mptcp.pm_type} is 1 (userspace), and
 * for every connection initiated there (client side) that becomes fully established it opens one
 * additional subflow from each configured local address ({@code MPTCP_PM_CMD_SUBFLOW_CREATE}):
 * <ul>
 *   <li>to the peer's initial address and port, unless</li>
 *   <li>the peer set the 'C' flag in its MP_CAPABLE (RFC 8684 §3.1; the event's
 *       {@link MptcpEvent#denyJoinId0() deny-join-id0}, e.g. a server behind a layer-4 load balancer,
 *       {@code net.mptcp.allow_join_initial_addr_port=0} on Linux): then no subflow may go to the
 *       initial address and port, and subflows are opened to the addresses the peer announces
 *       (ADD_ADDR, {@code ANNOUNCED} events; the announced port, or the initial port when none was
 *       given), whenever they arrive.</li>
 * </ul>
 * Connections accepted in the namespace (server side) are left alone. Each decision is printed and
 * kept in {@link #decisions()}. The kernel still applies its own checks (a local address must be
 * configured on an interface; the peer's limits decide whether it accepts the join).
 *
 * <pre>
 * java -cp 'samples/target/mptcpj-samples.jar:samples/target/lib/*' --enable-native-access=ALL-UNNAMED \
 *     org.mptcpj.samples.pm.UserspacePathManager [--netns NAME] LOCAL_ADDRESS...
 * </pre>
 * Needs {@code CAP_NET_ADMIN} (and {@code CAP_SYS_ADMIN} for {@code --netns}); stops on Ctrl-C.
 */
public final class UserspacePathManager implements AutoCloseable {

    /** What the path manager did about one (connection, local address, remote address). */
    public enum Kind {
        /** The kernel accepted {@code MPTCP_PM_CMD_SUBFLOW_CREATE}; the MP_JOIN is under way. */
        SUBFLOW_REQUESTED,
        /** The kernel refused {@code MPTCP_PM_CMD_SUBFLOW_CREATE} (the detail says why). */
        SUBFLOW_FAILED,
        /** Not even tried: the target is the peer's initial address and port and the peer set the 'C' flag. */
        SKIPPED_DENY_JOIN_ID0
    }

    /**
     * One decision.
     *
     * @param token  the connection's local token
     * @param local  the local address, or {@code null} for a decision about the connection as a whole
     * @param remote the peer address and port aimed at
     */
    public record Decision(Kind kind, long token, InetAddress local, InetSocketAddress remote, String detail) {
        @Override
        public String toString() {
            return String.format("%-21s token %08x %s -> %s%s", kind, token,
                    local == null ? "*" : local.getHostAddress(), remote, detail == null ? "" : " (" + detail + ")");
        }
    }

    /** A client-side connection being managed; only touched on the event delivery thread. */
    private static final class Connection {
        InetAddress initialLocal;
        InetSocketAddress initialRemote;
        boolean established;
        boolean denyJoinId0;
        /** Announced peer addresses by remote id. */
        final Map<Integer, InetSocketAddress> announced = new LinkedHashMap<>();
        /** (local, remote) pairs already decided, so that nothing is asked twice. */
        final Set<List<Object>> done = new HashSet<>();
    }

    private final MptcpPathManager pm;
    private final List<InetAddress> locals;
    private final PrintStream log;
    private final Map<Long, Connection> connections = new HashMap<>();
    private final List<Decision> decisions = new CopyOnWriteArrayList<>();
    private final MptcpEventSubscription subscription;

    private UserspacePathManager(MptcpPathManager pm, List<InetAddress> locals, PrintStream log) throws IOException {
        this.pm = pm;
        this.locals = List.copyOf(locals);
        this.log = log;
        this.subscription = pm.subscribe(this::onEvent);
    }

    /**
     * Opens the path manager of {@code netns} (or of the caller's namespace when {@code null}),
     * subscribes to its events and starts managing connections.
     *
     * @param locals local addresses to open subflows from (each must be configured in the namespace)
     * @param log    where decisions and events are printed
     */
    public static UserspacePathManager start(String netns, List<InetAddress> locals, PrintStream log)
            throws IOException {
        Objects.requireNonNull(log, "log");
        if (locals.isEmpty()) {
            throw new IllegalArgumentException("no local address given");
        }
        MptcpPathManager pm = netns == null ? MptcpPathManager.open() : MptcpPathManager.open(netns);
        try {
            return new UserspacePathManager(pm, locals, log);
        } catch (IOException | RuntimeException e) {
            pm.close();
            throw e;
        }
    }

    /** {@return every decision so far, in order} */
    public List<Decision> decisions() {
        return List.copyOf(decisions);
    }

    /** {@return the event subscription (for its drop counters)} */
    public MptcpEventSubscription subscription() {
        return subscription;
    }

    private void onEvent(MptcpEvent e) {
        switch (e.type()) {
            case CREATED -> {
                if (!e.serverSide()) {
                    Connection c = connections.computeIfAbsent(e.token(), t -> new Connection());
                    c.initialLocal = e.localAddress();
                    c.initialRemote = new InetSocketAddress(e.remoteAddress(), e.remotePort());
                    log.printf("token %08x created %s -> %s%n", e.token(), e.localAddress().getHostAddress(),
                            c.initialRemote);
                }
            }
            case ESTABLISHED -> {
                Connection c = connections.get(e.token());
                if (c == null || e.serverSide()) {
                    return; // accepted here, or created before we subscribed
                }
                c.established = true;
                c.denyJoinId0 = e.denyJoinId0();
                c.initialLocal = e.localAddress();
                c.initialRemote = new InetSocketAddress(e.remoteAddress(), e.remotePort());
                log.printf("token %08x established%s%n", e.token(), c.denyJoinId0
                        ? "; the peer set the 'C' flag: no subflow to " + c.initialRemote + ", waiting for announced addresses"
                        : "");
                if (c.denyJoinId0) {
                    decide(e.token(), c, null, c.initialRemote);
                } else {
                    for (InetAddress local : locals) {
                        if (!local.equals(c.initialLocal)) {
                            decide(e.token(), c, local, c.initialRemote);
                        }
                    }
                }
                for (InetSocketAddress a : List.copyOf(c.announced.values())) {
                    toAnnounced(e.token(), c, a);
                }
            }
            case ANNOUNCED -> {
                Connection c = connections.get(e.token());
                if (c == null || e.remoteAddress() == null) {
                    return;
                }
                int port = e.remotePort() > 0 ? e.remotePort() : c.initialRemote.getPort();
                InetSocketAddress a = new InetSocketAddress(e.remoteAddress(), port);
                c.announced.put(e.remoteId(), a);
                log.printf("token %08x peer announced id %d %s%n", e.token(), e.remoteId(), a);
                if (c.established) {
                    toAnnounced(e.token(), c, a);
                }
            }
            case REMOVED -> {
                Connection c = connections.get(e.token());
                if (c != null) {
                    InetSocketAddress gone = c.announced.remove(e.remoteId());
                    log.printf("token %08x peer removed id %d %s%n", e.token(), e.remoteId(), gone);
                }
            }
            case SUB_ESTABLISHED, SUB_CLOSED -> {
                if (connections.containsKey(e.token())) {
                    log.printf("token %08x %s %s:%d -> %s:%d%s%n", e.token(), e.type(),
                            e.localAddress().getHostAddress(), e.localPort(), e.remoteAddress().getHostAddress(),
                            e.remotePort(), e.error() > 0 ? " error " + e.error() : "");
                }
            }
            case CLOSED -> {
                if (connections.remove(e.token()) != null) {
                    log.printf("token %08x closed%n", e.token());
                }
            }
            default -> {
            }
        }
    }

    /** Subflows to an announced address: only when the initial address is denied (as configured). */
    private void toAnnounced(long token, Connection c, InetSocketAddress announced) {
        if (!c.denyJoinId0) {
            return; // subflows already go to the initial address; one per local address is the policy
        }
        for (InetAddress local : locals) {
            decide(token, c, local, announced);
        }
    }

    /** Creates one subflow {@code local -> remote} (each pair once), or records why not. */
    private void decide(long token, Connection c, InetAddress local, InetSocketAddress remote) {
        if (!c.done.add(Arrays.asList(local, remote))) {
            return;
        }
        Decision d;
        if (c.denyJoinId0 && remote.equals(c.initialRemote)) {
            d = new Decision(Kind.SKIPPED_DENY_JOIN_ID0, token, local, remote, "the peer set the 'C' flag");
        } else if ((local instanceof Inet4Address) != (remote.getAddress() instanceof Inet4Address)) {
            return; // another address family: nothing to do
        } else {
            try {
                pm.createSubflow(token, new Endpoint(0, local, 0, 0, EnumSet.noneOf(EndpointFlag.class)), remote);
                d = new Decision(Kind.SUBFLOW_REQUESTED, token, local, remote, null);
            } catch (IOException | RuntimeException e) {
                d = new Decision(Kind.SUBFLOW_FAILED, token, local, remote, e.getMessage());
            }
        }
        decisions.add(d);
        log.println(d);
    }

    /** Stops the subscription and closes the path manager. */
    @Override
    public void close() {
        subscription.close();
        pm.close();
    }

    public static void main(String[] args) throws Exception {
        String netns = null;
        List<InetAddress> locals = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--netns" -> netns = args[++i];
                case "-h", "--help" -> {
                    System.out.println("usage: UserspacePathManager [--netns NAME] LOCAL_ADDRESS...\n"
                            + "  with net.mptcp.pm_type=1 in that namespace, opens one subflow per local address on\n"
                            + "  each new outgoing MPTCP connection (to announced addresses if the peer denies its initial one)");
                    return;
                }
                default -> locals.add(InetAddress.getByName(args[i]));
            }
        }
        CountDownLatch stop = new CountDownLatch(1);
        try (UserspacePathManager upm = start(netns, locals, System.out)) {
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
            System.out.println("managing outgoing MPTCP connections" + (netns == null ? "" : " in netns " + netns)
                    + " from " + locals + "; Ctrl-C to stop");
            stop.await();
        }
    }
}
