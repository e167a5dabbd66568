package org.mptcpj.testing;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import org.mptcpj.netns.NetworkNamespace;

/**
 * A network namespace a test creates and removes itself ({@code ip netns add/del}), with its
 * loopback up. {@link #call} runs code on a fresh platform thread that has entered the namespace
 * ({@link NetworkNamespace#call}): sockets created there belong to the namespace for their whole
 * life, while the rest of the JVM stays where it was.
 */
public final class NetNs implements AutoCloseable {
    private final String name;

    private NetNs(String name) {
        this.name = name;
    }

    /** Creates {@code mptcpj-<prefix>-<random>}; needs root and iproute2 ({@link Require}). */
    public static NetNs create(String prefix) throws IOException {
        Require.that(Require.isRoot(), "network namespaces need root");
        Require.that(Commands.works("ip", "-V"), "iproute2 'ip' is not installed");
        NetNs ns = new NetNs("mptcpj-" + prefix + "-" + UUID.randomUUID().toString().substring(0, 8));
        Commands.run("ip", "netns", "add", ns.name);
        try {
            ns.ip("link", "set", "lo", "up");
        } catch (IOException | RuntimeException e) {
            try {
                ns.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return ns;
    }

    public String name() {
        return name;
    }

    /** Runs {@code ip -n NAME args...}; {@return its output}; fails on a non-zero exit. */
    public String ip(String... args) throws IOException {
        return Commands.run(prepend(List.of("ip", "-n", name), args));
    }

    /** Runs a command inside the namespace ({@code ip netns exec}); {@return its output}; fails on a non-zero exit. */
    public String exec(String... command) throws IOException {
        return Commands.run(prepend(List.of("ip", "netns", "exec", name), command));
    }

    private static String[] prepend(List<String> head, String... tail) {
        List<String> cmd = new ArrayList<>(head);
        cmd.addAll(List.of(tail));
        return cmd.toArray(String[]::new);
    }

    /**
     * Runs {@code body} on a new platform thread inside the namespace and returns its result; what
     * {@code body} throws comes out unwrapped.
     */
    public <T> T call(Callable<T> body) throws Exception {
        try {
            return NetworkNamespace.call(name, body);
        } catch (ExecutionException e) {
            switch (e.getCause()) {
                case Exception x -> throw x;
                case Error x -> throw x;
                default -> throw e;
            }
        }
    }

    @Override
    public void close() throws IOException {
        Commands.run("ip", "netns", "del", name);
    }
}
