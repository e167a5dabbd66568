package org.mptcpj.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.mptcpj.testing.Commands;

/**
 * The JDK's own web server ({@code java -m jdk.httpserver}, com.sun.net.httpserver), unchanged,
 * serves over MPTCP with JVM options only (MptcpSelectorProvider); the same server without them is
 * TCP, so the check can fail. The client is the library's MPTCP socket: its connection is
 * multipath only if the server's socket is MPTCP too.
 */
class UnchangedServerTest {
    private static final Pattern PORT = Pattern.compile("port (\\d+)");

    @Test
    void jdkHttpServerOverMptcpWithJvmOptionsOnly() throws Exception {
        assertEquals(true, get(true), "with the provider the connection is multipath");
        assertEquals(false, get(false), "without it the server is TCP and the MPTCP client falls back");
    }

    /** Starts the server (with or without the provider), GETs a file over MPTCP; {@return isMultipath()} */
    private static boolean get(boolean provider) throws Exception {
        Path dir = Files.createTempDirectory("mptcpj-www");
        Files.writeString(dir.resolve("hello.txt"), "hello over MPTCP\n");
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED"));
        if (provider) {
            cmd.addAll(List.of("-Djava.nio.channels.spi.SelectorProvider=" + MptcpSelectorProvider.class.getName(),
                    "-Dmptcpj.policy=REQUIRED"));
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"),
                "-m", "jdk.httpserver", "-b", "127.0.0.1", "-p", "0", "-d", dir.toString()));
        Process server = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
            int port = -1;
            StringBuilder seen = new StringBuilder();
            for (String line; port < 0 && (line = out.readLine()) != null; ) {
                seen.append(line).append('\n');
                Matcher m = PORT.matcher(line);
                if (line.startsWith("Serving") && m.find()) {
                    port = Integer.parseInt(m.group(1));
                }
            }
            assertTrue(port > 0, "the server did not start:\n" + seen);
            try (StreamSocket s = StreamSocket.open(MptcpPolicy.REQUIRED, StandardProtocolFamily.INET)) {
                s.connect(new InetSocketAddress("127.0.0.1", port), Duration.ofSeconds(5));
                boolean multipath = s.isMultipath();
                // An independent witness: ss -M lists the server's listener only if it is MPTCP. (Not the
                // client's socket: an MPTCP socket whose connection fell back is listed too.)
                String ss = Commands.run("ss", "-Mnl", "sport", "= :" + port);
                assertEquals(multipath, ss.contains(":" + port + " "), "ss -M disagrees with isMultipath():\n" + ss);
                byte[] request = "GET /hello.txt HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII);
                s.write(request, 0, request.length);
                s.setReadTimeout(Duration.ofSeconds(5));
                StringBuilder response = new StringBuilder();
                byte[] buf = new byte[4096];
                for (int n; (n = s.read(buf, 0, buf.length)) > 0; ) {
                    response.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
                }
                assertTrue(response.toString().startsWith("HTTP/1.1 200"), response.toString());
                assertTrue(response.toString().endsWith("hello over MPTCP\n"), response.toString());
                return multipath;
            }
        } finally {
            server.destroy();
            server.waitFor();
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(dir);
        }
    }
}
