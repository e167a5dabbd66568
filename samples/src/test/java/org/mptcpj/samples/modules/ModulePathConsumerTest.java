package org.mptcpj.samples.modules;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mptcpj.bindings.linux.Linux;
import org.mptcpj.socket.StreamSocket;
import org.slf4j.LoggerFactory;

/**
 * A consumer outside this build uses the library as a named module ({@code requires org.mptcpj;},
 * the library and its dependencies on the module path) and, the same code, on the class path. The
 * other tests all run on the class path.
 */
class ModulePathConsumerTest {
    private static final String MODULE_INFO = "module consumer { requires org.mptcpj; }\n";
    private static final String MAIN = """
            package consumer;

            import java.net.InetSocketAddress;
            import java.net.StandardProtocolFamily;
            import java.time.Duration;
            import org.mptcpj.socket.MptcpPolicy;
            import org.mptcpj.socket.ServerStreamSocket;
            import org.mptcpj.socket.StreamSocket;

            public class Main {
                public static void main(String[] args) throws Exception {
                    try (ServerStreamSocket l = ServerStreamSocket.open(MptcpPolicy.REQUIRED, StandardProtocolFamily.INET)
                                 .bind(new InetSocketAddress("127.0.0.1", 0), 1);
                         StreamSocket c = StreamSocket.open(MptcpPolicy.REQUIRED, StandardProtocolFamily.INET)
                                 .connect(l.localAddress(), Duration.ofSeconds(5));
                         StreamSocket a = l.accept()) {
                        System.out.println("module " + StreamSocket.class.getModule().getName() + " multipath " + c.isMultipath());
                    }
                }
            }
            """;

    @Test
    void namedModuleAndClassPath(@TempDir Path dir) throws Exception {
        String libraries = String.join(java.io.File.pathSeparator,
                locationOf(StreamSocket.class), locationOf(Linux.class), locationOf(LoggerFactory.class));
        Path src = dir.resolve("src");
        Files.createDirectories(src.resolve("consumer"));
        Files.writeString(src.resolve("module-info.java"), MODULE_INFO);
        Files.writeString(src.resolve("consumer/Main.java"), MAIN);
        Path modular = dir.resolve("modular");
        Path plain = dir.resolve("plain");
        javac("--module-path", libraries, "-d", modular.toString(),
                src.resolve("module-info.java").toString(), src.resolve("consumer/Main.java").toString());
        javac("-cp", libraries, "-d", plain.toString(), src.resolve("consumer/Main.java").toString());

        assertEquals("module org.mptcpj multipath true", java("--module-path", libraries + java.io.File.pathSeparator + modular,
                "--enable-native-access=org.mptcpj,org.mptcpj.bindings", "-m", "consumer/consumer.Main"));
        assertEquals("module null multipath true", java("-cp", libraries + java.io.File.pathSeparator + plain,
                "--enable-native-access=ALL-UNNAMED", "consumer.Main"));
    }

    private static String locationOf(Class<?> c) throws URISyntaxException {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    private static void javac(String... args) {
        int r = ToolProvider.getSystemJavaCompiler().run(null, null, null, args);
        assertEquals(0, r, "javac " + List.of(args));
    }

    /** {@return the last line the program printed on stdout}; stderr (the library's log) is dropped */
    private static String java(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(0, p.waitFor(), cmd + " printed:\n" + out);
        return out.substring(out.lastIndexOf('\n') + 1);
    }
}
