package org.mptcpj.consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.StandardProtocolFamily;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.mptcpj.socket.MptcpChannels;
import org.mptcpj.socket.MptcpPolicy;
import org.mptcpj.socket.StreamSocket;

/**
 * Runs twice (pom.xml): on the module path, where the library is the named modules {@code org.mptcpj}
 * and {@code org.mptcpj.bindings}, and on the class path, where it is unnamed code. Either way the
 * library was resolved by Maven from the local repository, and must be the jars this build made.
 */
class LoopbackEchoTest {
    private static final String PATH = System.getProperty("consumer.path");
    private static final Module LIBRARY = StreamSocket.class.getModule();
    private static final Module BINDINGS = classOf("org.mptcpj.bindings.linux.Linux").getModule();
    /*
     * Read before any test calls the library: where the JDK only warns about a missing
     * --enable-native-access (JDK 22-23, or 24+ without --illegal-native-access=deny), the first
     * restricted call grants native access after its warning, and the module would look granted.
     */
    private static final boolean LIBRARY_NATIVE = LIBRARY.isNativeAccessEnabled();
    private static final boolean BINDINGS_NATIVE = BINDINGS.isNativeAccessEnabled();

    @Test
    void echoesAndReadsTheKernelsViews() throws Exception {
        byte[] message = "hello over mptcpj".getBytes(StandardCharsets.UTF_8);
        LoopbackEcho.Result r = LoopbackEcho.run(message);
        assertArrayEquals(message, r.echoed());
        assertEquals("ESTAB", r.tcpState(), "TCP_INFO of the client (ss names)");
        // PREFERRED gives MPTCP wherever the kernel offers it (net.mptcp.enabled=1, as in CI).
        if (mptcpEnabled()) {
            assertTrue(r.multipath(), "a loopback connection between two MPTCP sockets is multipath");
            assertNotEquals(0, r.mptcpToken(), "MPTCP_INFO's token");
        } else {
            assertFalse(r.multipath());
        }
    }

    @Test
    void theLibraryIsWhereThisRunPutIt() {
        switch (PATH) {
            case "module" -> {
                assertEquals("org.mptcpj.consumer", LoopbackEcho.class.getModule().getName());
                assertEquals("org.mptcpj", LIBRARY.getName());
                assertEquals("org.mptcpj.bindings", BINDINGS.getName());
                assertTrue(LoopbackEcho.class.getModule().canRead(LIBRARY));
                // The native layer is the library's own: not exported to its users.
                assertFalse(LIBRARY.isExported("org.mptcpj.internal.sys"), "org.mptcpj exports its internals");
            }
            case "class" -> {
                assertFalse(LIBRARY.isNamed(), LIBRARY.toString());
                assertFalse(BINDINGS.isNamed(), BINDINGS.toString());
            }
            default -> throw new AssertionError("consumer.path must be module or class, got " + PATH);
        }
        // The --enable-native-access of this run (pom.xml) names every module that calls restricted methods.
        assertTrue(LIBRARY_NATIVE, "native access of " + LIBRARY);
        assertTrue(BINDINGS_NATIVE, "native access of " + BINDINGS);
    }

    /**
     * This run gives no {@code --add-exports} (pom.xml): {@code MptcpChannels} must name the flag
     * that would help here, for the module the library is in.
     */
    @Test
    void mptcpChannelsNameTheFlagForThisPath() {
        String wanted = switch (PATH) {
            case "module" -> "--add-exports java.base/sun.nio.ch=org.mptcpj";
            case "class" -> "--add-exports java.base/sun.nio.ch=ALL-UNNAMED";
            default -> throw new AssertionError("consumer.path must be module or class, got " + PATH);
        };
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> MptcpChannels.openSocketChannel(MptcpPolicy.PREFERRED, StandardProtocolFamily.INET));
        assertTrue(e.getMessage().endsWith(wanted), e.getMessage());
    }

    /** An old snapshot in the local repository must not pass for the library this build made. */
    @Test
    void theResolvedJarsAreThisBuilds() throws Exception {
        Path reactor = Path.of(System.getProperty("mptcpj.reactor"));
        String version = System.getProperty("mptcpj.version");
        assertSameBytes(reactor.resolve("api/target/mptcpj-api-" + version + ".jar"), StreamSocket.class);
        assertSameBytes(reactor.resolve("bindings/target/mptcpj-bindings-" + version + ".jar"),
                classOf("org.mptcpj.bindings.linux.Linux"));
    }

    private static void assertSameBytes(Path built, Class<?> loaded) throws Exception {
        Path resolved = Path.of(loaded.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertTrue(resolved.toString().endsWith(".jar"), loaded + " came from " + resolved + ", not a jar");
        assertEquals(-1, Files.mismatch(built, resolved), resolved + " is not the jar this build made, " + built);
    }

    private static Class<?> classOf(String name) {
        try {
            return Class.forName(name);
        } catch (ClassNotFoundException e) {
            throw new AssertionError(name + " is not visible: is mptcpj-bindings resolved?", e);
        }
    }

    private static boolean mptcpEnabled() throws Exception {
        Path sysctl = Path.of("/proc/sys/net/mptcp/enabled");
        return Files.exists(sysctl) && Files.readString(sysctl).strip().equals("1");
    }
}
