package org.mptcpj.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A small network of network namespaces for experiments and tests that need a path that can be
 * cut: a client and a server namespace joined by {@code paths} parallel paths, each either a
 * direct veth pair or (when {@code routed}) two veth pairs through a router namespace. Path
 * {@code i} (0-based) uses the subnets {@code 10.20<i>.1.0/24} (client side) and
 * {@code 10.20<i>.2.0/24} (server side; the same subnet as the client's when direct).
 * Traffic stays inside these namespaces. Built with iproute2 ({@code ip}); needs root.
 * {@link #close()} deletes the namespaces, and with them every interface and route; a JVM
 * shutdown hook does the same if the program is stopped (Ctrl-C) before that.
 */
public final class NamespaceLab implements AutoCloseable {
    private final String client;
    private final String server;
    private final String router;
    private final int paths;
    private final Thread cleanup;
    private final List<String> created = new ArrayList<>();

    private NamespaceLab(String prefix, int paths, boolean routed) {
        String id = Long.toHexString(ProcessHandle.current().pid()) + "-"
                + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000));
        this.client = prefix + "-c-" + id;
        this.server = prefix + "-s-" + id;
        this.router = routed ? prefix + "-r-" + id : null;
        this.paths = paths;
        this.cleanup = new Thread(this::deleteNamespaces, "mptcpj-lab-cleanup");
    }

    /**
     * Builds the lab.
     *
     * @param prefix namespace name prefix (names are {@code prefix-c-ID}, {@code -s-}, {@code -r-})
     * @param paths  parallel paths, 1..8
     * @param routed through a router namespace (a cut then leaves both endpoints' links up)
     * @throws IOException if a command fails (the partial lab is removed)
     */
    public static NamespaceLab create(String prefix, int paths, boolean routed) throws IOException {
        if (paths < 1 || paths > 8) {
            throw new IllegalArgumentException("paths " + paths + " out of range 1..8");
        }
        NamespaceLab lab = new NamespaceLab(prefix, paths, routed);
        Runtime.getRuntime().addShutdownHook(lab.cleanup);
        try {
            lab.build();
        } catch (IOException | RuntimeException e) {
            lab.close();
            throw e;
        }
        return lab;
    }

    private void build() throws IOException {
        for (String ns : router == null ? List.of(client, server) : List.of(client, server, router)) {
            run("ip", "netns", "add", ns);
            created.add(ns);
            run("ip", "-n", ns, "link", "set", "lo", "up");
        }
        if (router != null) {
            run("ip", "netns", "exec", router, "sysctl", "-qw", "net.ipv4.ip_forward=1");
        }
        for (int i = 0; i < paths; i++) {
            if (router == null) {
                veth(client, clientInterface(i), server, serverInterface(i));
                addr(client, clientInterface(i), "10.20" + i + ".1.1/24");
                addr(server, serverInterface(i), "10.20" + i + ".1.2/24");
            } else {
                veth(client, clientInterface(i), router, "rc" + i);
                veth(server, serverInterface(i), router, "rs" + i);
                addr(client, clientInterface(i), "10.20" + i + ".1.1/24");
                addr(router, "rc" + i, "10.20" + i + ".1.254/24");
                addr(server, serverInterface(i), "10.20" + i + ".2.1/24");
                addr(router, "rs" + i, "10.20" + i + ".2.254/24");
                run("ip", "-n", client, "route", "add", "10.20" + i + ".2.0/24", "via", "10.20" + i + ".1.254");
                run("ip", "-n", server, "route", "add", "10.20" + i + ".1.0/24", "via", "10.20" + i + ".2.254");
            }
        }
    }

    private void veth(String nsA, String ifA, String nsB, String ifB) throws IOException {
        run("ip", "-n", nsA, "link", "add", ifA, "type", "veth", "peer", "name", ifB, "netns", nsB);
        run("ip", "-n", nsA, "link", "set", ifA, "up");
        run("ip", "-n", nsB, "link", "set", ifB, "up");
    }

    private void addr(String ns, String dev, String cidr) throws IOException {
        run("ip", "-n", ns, "addr", "add", cidr, "dev", dev);
    }

    /** {@return the client namespace's name} */
    public String client() {
        return client;
    }

    /** {@return the server namespace's name} */
    public String server() {
        return server;
    }

    /** {@return the router namespace's name, or {@code null} for a direct lab} */
    public String router() {
        return router;
    }

    /** {@return the client's interface on path {@code i}} */
    public String clientInterface(int i) {
        return "c" + i;
    }

    /** {@return the server's interface on path {@code i}} */
    public String serverInterface(int i) {
        return "s" + i;
    }

    /** {@return the client's address on path {@code i}} */
    public InetAddress clientAddress(int i) {
        return ip("10.20" + i + ".1.1");
    }

    /** {@return the server's address on path {@code i}} */
    public InetAddress serverAddress(int i) {
        return ip(router == null ? "10.20" + i + ".1.2" : "10.20" + i + ".2.1");
    }

    private static InetAddress ip(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Cuts path {@code i} by taking a link down: the router's server-facing interface when routed
     * (both endpoints keep their own link), else the server's interface.
     */
    public void linkDown(int i) throws IOException {
        link(i, "down");
    }

    /** Restores a path cut with {@link #linkDown}. */
    public void linkUp(int i) throws IOException {
        link(i, "up");
    }

    private void link(int i, String state) throws IOException {
        if (router != null) {
            run("ip", "-n", router, "link", "set", "rs" + i, state);
        } else {
            run("ip", "-n", server, "link", "set", serverInterface(i), state);
        }
    }

    /**
     * Drops every packet on path {@code i} in both directions (100% loss) without any link
     * going down and without any error reported to the endpoints: blackhole routes in the router,
     * or in both endpoints for a direct lab.
     */
    public void lossOn(int i) throws IOException {
        blackhole(i, "add");
    }

    /** Restores a path cut with {@link #lossOn}. */
    public void lossOff(int i) throws IOException {
        blackhole(i, "del");
    }

    private void blackhole(int i, String op) throws IOException {
        if (router != null) {
            run("ip", "-n", router, "route", op, "blackhole", serverAddress(i).getHostAddress() + "/32");
            run("ip", "-n", router, "route", op, "blackhole", clientAddress(i).getHostAddress() + "/32");
        } else {
            run("ip", "-n", client, "route", op, "blackhole", serverAddress(i).getHostAddress() + "/32");
            run("ip", "-n", server, "route", op, "blackhole", clientAddress(i).getHostAddress() + "/32");
        }
    }

    /**
     * Limits path {@code i} to {@code rate} in both directions: a token-bucket filter
     * ({@code tc qdisc replace dev X root tbf rate RATE burst BURST latency LATENCY}) on the
     * client's and the server's interface of the path (each shapes what its end sends).
     *
     * @param rate    a tc rate, e.g. {@code "50mbit"}
     * @param burst   the bucket size, e.g. {@code "64kb"}
     * @param latency the longest a packet may wait in the queue, e.g. {@code "50ms"}
     */
    public void shape(int i, String rate, String burst, String latency) throws IOException {
        checkPath(i);
        for (String[] end : new String[][] {{client, clientInterface(i)}, {server, serverInterface(i)}}) {
            run("ip", "netns", "exec", end[0], "tc", "qdisc", "replace", "dev", end[1], "root", "tbf",
                    "rate", rate, "burst", burst, "latency", latency);
        }
    }

    /** {@link #shape(int, String, String, String)} with a 64 kB burst and 50 ms of queue. */
    public void shape(int i, String rate) throws IOException {
        shape(i, rate, "64kb", "50ms");
    }

    /** Removes the shaping {@link #shape} put on path {@code i} (the default qdisc returns). */
    public void unshape(int i) throws IOException {
        checkPath(i);
        for (String[] end : new String[][] {{client, clientInterface(i)}, {server, serverInterface(i)}}) {
            run("ip", "netns", "exec", end[0], "tc", "qdisc", "del", "dev", end[1], "root");
        }
    }

    /**
     * Sets a sysctl inside namespace {@code ns} ({@code sysctl -qw KEY=VALUE}); per-namespace
     * ones, e.g. {@code net.mptcp.*}, {@code net.ipv4.tcp_retries2}, affect only that namespace.
     */
    public void sysctl(String ns, String key, String value) throws IOException {
        exec(ns, "sysctl", "-qw", key + "=" + value);
    }

    /** {@return the number of parallel paths} */
    public int paths() {
        return paths;
    }

    private void checkPath(int i) {
        if (i < 0 || i >= paths) {
            throw new IllegalArgumentException("path " + i + " out of range 0.." + (paths - 1));
        }
    }

    /** Runs {@code command} inside namespace {@code ns}; {@return its output} */
    public String exec(String ns, String... command) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        cmd.addAll(List.of(command));
        return run(cmd.toArray(String[]::new));
    }

    /** Runs a command; {@return its output}; throws with the output on a non-zero exit. */
    public static String run(String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + out.strip());
            }
            return out;
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", command), e);
        }
    }

    private synchronized void deleteNamespaces() {
        for (String ns : created) {
            try {
                run("ip", "netns", "del", ns);
            } catch (IOException e) {
                System.err.println("lab cleanup: " + e.getMessage());
            }
        }
        created.clear();
    }

    /** Deletes the namespaces (and so every interface and route of the lab). Idempotent. */
    @Override
    public void close() {
        deleteNamespaces();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or has run
        }
    }
}
