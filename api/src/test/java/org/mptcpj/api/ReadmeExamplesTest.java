package org.mptcpj.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mptcpj.socket.MptcpPolicy;
import org.mptcpj.socket.ServerStreamSocket;
import org.mptcpj.socket.StreamSocket;
import org.mptcpj.testing.NetNs;

/**
 * The README's Java examples, compiled and run as they stand (as socket2's doc examples are): each
 * {@code ```java} block becomes the body of a method, with the imports a reader would add, and
 * {@code System.out} redirected so the test can read what the example printed. The examples run in
 * a namespace of their own, against a real server and the real path manager.
 */
class ReadmeExamplesTest {
    private static final Path README = Path.of(System.getProperty("user.dir")).resolveSibling("README.md");
    private static final List<String> IMPORTS = List.of("java.lang.foreign.*", "java.net.*", "java.time.*",
            "org.mptcpj.socket.*", "org.mptcpj.option.*", "org.mptcpj.info.*", "org.mptcpj.pm.*");

    @TempDir
    static Path classes;
    private static List<Method> examples;

    @BeforeAll
    static void compileTheReadme() throws Exception {
        Matcher m = Pattern.compile("(?ms)^```java\\n(.*?)^```").matcher(Files.readString(README));
        List<Path> sources = new ArrayList<>();
        for (int n = 1; m.find(); n++) {
            StringBuilder src = new StringBuilder("package readme;\n");
            IMPORTS.forEach(i -> src.append("import ").append(i).append(";\n"));
            src.append("public class Example").append(n).append(" {\n")
                    .append("    public static void run(java.io.PrintStream OUT) throws Exception {\n")
                    .append(m.group(1).replace("System.out", "OUT"))
                    .append("    }\n}\n");
            Path file = classes.resolve("readme/Example" + n + ".java");
            Files.createDirectories(file.getParent());
            Files.writeString(file, src);
            sources.add(file);
        }
        assertEquals(2, sources.size(), "```java blocks in " + README + " (add a test for a new one)");
        // javac of the JDK running the tests, as a process (the test module does not read java.compiler).
        List<String> javac = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "javac").toString(),
                "-d", classes.toString(), "-cp", System.getProperty("java.class.path")));
        sources.forEach(s -> javac.add(s.toString()));
        Process p = new ProcessBuilder(javac).redirectErrorStream(true).start();
        String diagnostics = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "the README's examples do not compile:\n" + diagnostics);
        // Left open: an example's lambdas and nested classes load from it when they run.
        var loader = new java.net.URLClassLoader(new java.net.URL[] {classes.toUri().toURL()},
                ReadmeExamplesTest.class.getClassLoader());
        examples = new ArrayList<>();
        for (int n = 1; n <= sources.size(); n++) {
            examples.add(loader.loadClass("readme.Example" + n).getMethod("run", PrintStream.class));
        }
    }

    /** The client example against an MPTCP server listening on 127.0.0.1:8080 in a namespace. */
    @Test
    void clientExampleConnectsOverMptcpAndWrites() throws Exception {
        try (NetNs ns = NetNs.create("readme")) {
            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            String received = ns.call(() -> {
                try (ServerStreamSocket server = ServerStreamSocket.open(MptcpPolicy.REQUIRED, StandardProtocolFamily.INET)
                        .bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 8080), 1)) {
                    CompletableFuture<String> got = CompletableFuture.supplyAsync(() -> {
                        try (StreamSocket peer = server.accept(); Arena arena = Arena.ofConfined()) {
                            MemorySegment buf = arena.allocate(64);
                            int n = peer.read(buf);
                            return new String(buf.asSlice(0, Math.max(n, 0)).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE),
                                    StandardCharsets.US_ASCII);
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    });
                    examples.get(0).invoke(null, new PrintStream(printed, true, StandardCharsets.UTF_8));
                    return got.get(10, TimeUnit.SECONDS);
                }
            });
            String out = printed.toString(StandardCharsets.UTF_8);
            assertEquals("hello", received, "what the server read");
            assertTrue(out.contains("multipath: true"), "the example printed:\n" + out);
            assertTrue(out.contains("subflows_total:1"), "MptcpInfo's toString (`ss -Mi` style), printed:\n" + out);
        }
    }

    /**
     * The path-manager example in a namespace: limits and endpoint as `ip mptcp` shows them, then
     * its 60 s wait for events, cut short by an interrupt once the endpoint was printed.
     */
    @Test
    void pathManagerExampleSetsWhatIpMptcpShows() throws Exception {
        try (NetNs ns = NetNs.create("readme")) {
            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
            CompletableFuture<Throwable> ended = new CompletableFuture<>();
            Thread example = Thread.ofPlatform().start(() -> {
                try {
                    ns.call(() -> examples.get(1).invoke(null, out));
                    ended.complete(null);
                } catch (Throwable t) {
                    ended.complete(t);
                }
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!printed.toString(StandardCharsets.UTF_8).contains("10.0.2.1") && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            String endpoints = ns.ip("mptcp", "endpoint", "show");
            String limits = ns.ip("mptcp", "limits", "show");
            // The example runs on the namespace's own thread (NetworkNamespace.call): interrupt that one.
            Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().equals("mptcpj-netns-" + ns.name())).forEach(Thread::interrupt);
            Throwable t = ended.get(10, TimeUnit.SECONDS);
            example.join();
            assertTrue(printed.toString(StandardCharsets.UTF_8).contains("10.0.2.1"), "printed:\n" + printed);
            assertTrue(endpoints.contains("10.0.2.1") && endpoints.contains("subflow"), "ip mptcp endpoint show:\n" + endpoints);
            assertTrue(limits.contains("subflows 2") && limits.contains("add_addr_accepted 2"), "ip mptcp limits show:\n" + limits);
            Throwable cause = t instanceof InvocationTargetException ite ? ite.getCause() : t;
            assertInstanceOf(InterruptedException.class, cause, "the example's wait ends by the interrupt");
        }
    }
}
