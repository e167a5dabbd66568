package org.mptcpj.testing;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.mptcpj.bindings.linux.Linux;
import org.mptcpj.internal.sys.Sys;

/**
 * A network namespace a test creates and removes itself ({@code ip netns add/del}), with its
 * loopback up. {@link #call} runs code on a fresh platform thread that has entered the namespace
 * with {@code setns(2)}: sockets created there belong to the namespace for their whole life,
 * while the rest of the JVM stays where it was.
 */
public final class NetNs implements AutoCloseable {
    private final String name;

    private NetNs(String name) {
        this.name = name;
    }

    /** Creates {@code mptcpj-<prefix>-<random>}; needs root ({@link Require}). */
    public static NetNs create(String prefix) throws IOException, InterruptedException {
        Require.that(Require.isRoot(), "network namespaces need root");
        NetNs ns = new NetNs("mptcpj-" + prefix + "-" + UUID.randomUUID().toString().substring(0, 8));
        run("ip", "netns", "add", ns.name);
        ns.exec("ip", "link", "set", "lo", "up");
        return ns;
    }

    public String name() {
        return name;
    }

    /** Runs a command inside the namespace; {@return its standard output}; fails on a non-zero exit. */
    public String exec(String... command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", name));
        cmd.addAll(List.of(command));
        return run(cmd.toArray(String[]::new));
    }

    /** Runs {@code command} and returns its output; fails with the output on a non-zero exit. */
    public static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }

    /** Runs {@code body} on a new platform thread inside the namespace and returns its result. */
    public <T> T call(Callable<T> body) throws Exception {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Exception> failure = new AtomicReference<>();
        Thread t = Thread.ofPlatform().name("in-" + name).start(() -> {
            try (Arena arena = Arena.ofConfined()) {
                int nsFd = Sys.open(arena.allocateFrom("/run/netns/" + name), Linux.O_RDONLY() | Linux.O_CLOEXEC());
                if (nsFd < 0) {
                    throw Sys.error("open(/run/netns/" + name + ")", nsFd);
                }
                try {
                    int r = Sys.setns(nsFd, Linux.CLONE_NEWNET());
                    if (r < 0) {
                        throw Sys.error("setns(" + name + ")", r);
                    }
                } finally {
                    Sys.close(nsFd);
                }
                result.set(body.call());
            } catch (Exception e) {
                failure.set(e);
            }
        });
        t.join();
        if (failure.get() != null) {
            throw failure.get();
        }
        return result.get();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        run("ip", "netns", "del", name);
    }
}
