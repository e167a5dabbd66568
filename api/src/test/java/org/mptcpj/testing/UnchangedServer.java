package org.mptcpj.testing;

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
import org.mptcpj.socket.MptcpPolicy;
import org.mptcpj.socket.MptcpSelectorProvider;
import org.mptcpj.socket.StreamSocket;

/**
 * An unchanged HTTP server in a child JVM (this JVM's class path), with or without
 * {@link MptcpSelectorProvider} named on its command line, asked for one page by the library's
 * MPTCP client. The server must print a line with {@code port N} once it listens on 127.0.0.1.
 */
public final class UnchangedServer {
    private static final Pattern PORT = Pattern.compile("port (\\d+)");
    /** The body of {@link #jdkHttpServerHello}'s file. */
    public static final String HELLO = "hello over MPTCP\n";

    private UnchangedServer() {
    }

    /**
     * @param multipath   whether the client's connection is multipath ({@code isMultipath()})
     * @param mptcpListed whether {@code ss -M} lists the server's listener (it lists MPTCP sockets only)
     * @param response    the HTTP response, headers and body
     */
    public record Result(boolean multipath, boolean mptcpListed, String response) {
    }

    /** Runs {@code java [provider options] -cp <class path> main...}, GETs {@code path} over MPTCP, stops the server. */
    public static Result get(boolean provider, List<String> main, String path) throws Exception {
        return get(providerOptions(provider), main, path);
    }

    /** {@return the JVM options that name MptcpSelectorProvider (policy REQUIRED), or without {@code provider} only those it needs} */
    public static List<String> providerOptions(boolean provider) {
        List<String> options = new ArrayList<>(List.of("--enable-native-access=ALL-UNNAMED", "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED"));
        if (provider) {
            options.addAll(List.of("-Djava.nio.channels.spi.SelectorProvider=" + MptcpSelectorProvider.class.getName(),
                    "-Dmptcpj.policy=REQUIRED"));
        }
        return options;
    }

    /**
     * Runs the JDK's own web server ({@code java jvmOptions... -m jdk.httpserver}) on a directory
     * holding {@code hello.txt} = {@link #HELLO} and {@return the GET of it over MPTCP}
     */
    public static Result jdkHttpServerHello(List<String> jvmOptions) throws Exception {
        Path dir = Files.createTempDirectory("mptcpj-www");
        Files.writeString(dir.resolve("hello.txt"), HELLO);
        try {
            return get(jvmOptions, List.of("-m", "jdk.httpserver", "-b", "127.0.0.1", "-p", "0", "-d", dir.toString()), "/hello.txt");
        } finally {
            Files.delete(dir.resolve("hello.txt"));
            Files.delete(dir);
        }
    }

    /** Runs {@code java jvmOptions... -cp <class path> main...}, GETs {@code path} over MPTCP, stops the server. */
    public static Result get(List<String> jvmOptions, List<String> main, String path) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow()));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path")));
        cmd.addAll(main);
        Process server = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
            int port = -1;
            StringBuilder seen = new StringBuilder();
            for (String line; port < 0 && (line = out.readLine()) != null; ) {
                seen.append(line).append('\n');
                Matcher m = PORT.matcher(line);
                if (m.find()) {
                    port = Integer.parseInt(m.group(1));
                }
            }
            if (port < 0) {
                throw new IOException("the server did not start: " + cmd + "\n" + seen);
            }
            return get(port, path);
        } finally {
            server.destroy();
            server.waitFor();
        }
    }

    private static Result get(int port, String path) throws IOException {
        try (StreamSocket s = StreamSocket.open(MptcpPolicy.REQUIRED, StandardProtocolFamily.INET)) {
            s.connect(new InetSocketAddress("127.0.0.1", port), Duration.ofSeconds(5));
            boolean multipath = s.isMultipath();
            boolean listed = Commands.run("ss", "-Mnl", "sport", "= :" + port).contains(":" + port + " ");
            return new Result(multipath, listed, Http.get(s, path));
        }
    }
}
