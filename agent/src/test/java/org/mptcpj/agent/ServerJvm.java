package org.mptcpj.agent;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.module.ModuleFinder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.mptcpj.socket.MptcpSelectorProvider;

/**
 * {@link KeepaliveNioServer} in a child JVM inside a network namespace ({@code ip netns exec}, which
 * execs, so the process is the JVM), started with JVM options only. Its output lines are kept with
 * the time they arrived.
 */
final class ServerJvm implements AutoCloseable {
    private static final Pattern PORT = Pattern.compile("port (\\d+)");
    private static final String CLASS_PATH = System.getProperty("java.class.path");

    /** A line of the server's output and when this JVM read it ({@link System#nanoTime()}). */
    record Line(String text, long nanos) {
    }

    private final Process process;
    private final LinkedBlockingQueue<Line> lines = new LinkedBlockingQueue<>();
    private final StringBuilder all = new StringBuilder();
    private final int port;

    private ServerJvm(Process process) throws IOException, InterruptedException {
        this.process = process;
        Thread.ofPlatform().daemon(true).name("server-output").start(this::pump);
        Line first = await("port ", 30_000);
        if (first == null) {
            throw new IOException("the server did not start:\n" + output());
        }
        Matcher m = PORT.matcher(first.text());
        m.find();
        this.port = Integer.parseInt(m.group(1));
    }

    /** JVM options: the agent alone, everything on the class path. */
    static List<String> agent() {
        return List.of("-javaagent:" + agentJar(), "--enable-native-access=ALL-UNNAMED", "-cp", CLASS_PATH);
    }

    /** JVM options: {@link LoadsSocketChannelImpl} as a first agent, then mptcpj's, everything on the class path. */
    static List<String> agentAfterTheChannelClassLoaded() throws IOException {
        Path jar = Files.createTempFile("loads-socketchannelimpl", ".jar");
        jar.toFile().deleteOnExit();
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(new Attributes.Name("Premain-Class"), LoadsSocketChannelImpl.class.getName());
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            out.putNextEntry(new JarEntry("empty")); // the class itself comes from the class path
        }
        List<String> options = new ArrayList<>(List.of("-javaagent:" + jar));
        options.addAll(agent());
        return options;
    }

    /** JVM options without the agent: the provider and the export it needs, everything on the class path. */
    static List<String> providerOnly() {
        return List.of("--enable-native-access=ALL-UNNAMED", "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED",
                "-Djava.nio.channels.spi.SelectorProvider=" + MptcpSelectorProvider.class.getName(), "-cp", CLASS_PATH);
    }

    /**
     * JVM options: the agent, the library ({@code org.mptcpj}, its bindings, slf4j) on the module path,
     * the server on the class path.
     */
    static List<String> agentWithLibraryModules() {
        Set<String> modules = Set.of("org.mptcpj", "org.mptcpj.bindings", "org.slf4j", "org.slf4j.simple");
        List<String> modulePath = new ArrayList<>();
        List<String> classPath = new ArrayList<>();
        for (String entry : CLASS_PATH.split(File.pathSeparator)) {
            boolean library = ModuleFinder.of(Path.of(entry)).findAll().stream()
                    .anyMatch(m -> !m.descriptor().isAutomatic() && modules.contains(m.descriptor().name()));
            (library ? modulePath : classPath).add(entry);
        }
        return List.of("-javaagent:" + agentJar(), "--enable-native-access=org.mptcpj,org.mptcpj.bindings",
                "--module-path", String.join(File.pathSeparator, modulePath), "--add-modules", "org.mptcpj",
                "-cp", String.join(File.pathSeparator, classPath));
    }

    private static String agentJar() {
        return System.getProperty("mptcpj.agent.jar");
    }

    /** Starts {@code ip netns exec NS java OPTIONS KeepaliveNioServer ARGS} and waits until it listens. */
    static ServerJvm start(String namespace, List<String> jvmOptions, String... serverArgs) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", namespace,
                ProcessHandle.current().info().command().orElseThrow()));
        cmd.addAll(compilerAndCollector());
        cmd.addAll(jvmOptions);
        cmd.add("-Dorg.slf4j.simpleLogger.log.org.mptcpj.agent=debug"); // what the agent did with each channel
        cmd.addAll(List.of("-Dmptcpj.policy=REQUIRED", KeepaliveNioServer.class.getName()));
        cmd.addAll(List.of(serverArgs));
        return new ServerJvm(new ProcessBuilder(cmd).redirectErrorStream(true).start());
    }

    /**
     * This JVM's choice of JIT tiers and collector, for the server too: the kernel matrix runs under
     * QEMU's emulation with C1 only and the serial collector (kernels/conformance), where C2's and G1's
     * threads would take the guest's two CPUs from the server's watchdog and selector.
     */
    private static List<String> compilerAndCollector() {
        return ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("-XX:TieredStopAtLevel=") || a.equals("-XX:+UseSerialGC"))
                .toList();
    }

    private void pump() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                System.out.println("[server] " + line);
                synchronized (all) {
                    all.append(line).append('\n');
                }
                lines.add(new Line(line, System.nanoTime()));
            }
        } catch (IOException e) {
            lines.add(new Line("output failed: " + e, System.nanoTime()));
        }
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    /** {@return the next line containing {@code text} within {@code millis}, or null} (lines before it are dropped) */
    Line await(String text, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        for (;;) {
            Line l = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (l == null || l.text().contains(text)) {
                return l;
            }
        }
    }

    /**
     * {@return how many socket descriptors the server process has open} ({@code /proc/PID/fd} links
     * {@code socket:[inode]}; the JVM's other descriptors, epoll instances and jar files, come and go
     * by themselves)
     */
    long openSockets() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid() + "/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().startsWith("socket:");
                } catch (IOException closedMeanwhile) {
                    return false;
                }
            }).count();
        }
    }

    String output() {
        synchronized (all) {
            return all.toString();
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
