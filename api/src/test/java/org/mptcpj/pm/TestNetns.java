package org.mptcpj.pm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.mptcpj.testing.Require;

/** A network namespace {@code mptcpj-pm-<random>} for one test class, with {@code lo} up; removed by {@link #close()}. */
final class TestNetns implements AutoCloseable {
    final String name;

    private TestNetns(String name) {
        this.name = name;
    }

    static TestNetns create() throws IOException, InterruptedException {
        Require.that(Require.isRoot(), "network namespaces and path-manager changes need root");
        Require.that(commandWorks("ip", "-V"), "iproute2 'ip' is not installed");
        String name = "mptcpj-pm-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
        run("ip", "netns", "add", name);
        TestNetns ns = new TestNetns(name);
        try {
            ns.ip("link", "set", "lo", "up");
        } catch (IOException | RuntimeException e) {
            ns.close();
            throw e;
        }
        return ns;
    }

    /** Runs {@code ip -n NAME args...}; {@return its output}; fails on a non-zero exit. */
    String ip(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("ip", "-n", name));
        cmd.addAll(List.of(args));
        return run(cmd.toArray(String[]::new));
    }

    /** Runs {@code ip netns exec NAME command...}. */
    String exec(String... command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", name));
        cmd.addAll(List.of(command));
        return run(cmd.toArray(String[]::new));
    }

    static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out.trim());
        }
        return out;
    }

    static boolean commandWorks(String... command) {
        try {
            run(command);
            return true;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            run("ip", "netns", "del", name);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted deleting namespace " + name, e);
        }
    }
}
