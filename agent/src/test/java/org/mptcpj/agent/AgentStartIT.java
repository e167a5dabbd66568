package org.mptcpj.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.mptcpj.testing.UnchangedServer;

/**
 * The packaged agent with a real unchanged server (the JDK's {@code java -m jdk.httpserver}, as
 * {@code UnchangedServerTest} runs it with the provider): the agent alone makes it serve over MPTCP.
 * A bad argument, or the library missing from the class path, stops the JVM with one message and
 * exit status 1, before {@code main}.
 */
class AgentStartIT {
    @Test
    void jdkHttpServerServesOverMptcpWithTheAgentOnly() throws Exception {
        UnchangedServer.Result r = UnchangedServer.jdkHttpServerHello(List.of(
                "-javaagent:" + System.getProperty("mptcpj.agent.jar") + "=policy=REQUIRED", "--enable-native-access=ALL-UNNAMED"));
        assertTrue(r.multipath() && r.mptcpListed(), "with the agent: " + r);
        assertTrue(r.response().startsWith("HTTP/1.1 200") && r.response().endsWith(UnchangedServer.HELLO), r.response());
    }

    @Test
    void aBadArgumentStopsTheJvmWithOneMessage() throws Exception {
        String out = stoppedByTheAgent("=policy=FAST", System.getProperty("java.class.path"));
        assertEquals("mptcpj-agent: policy=FAST is not a policy: "
                + "-javaagent:mptcpj-agent.jar[=policy=PREFERRED|REQUIRED|DISABLED,scope=listeners|all]\n", out);
    }

    @Test
    void theLibraryMissingFromTheClassPathStopsTheJvmWithOneMessage() throws Exception {
        String out = stoppedByTheAgent("", System.getProperty("mptcpj.agent.jar"));
        assertTrue(out.startsWith("mptcpj-agent: org.slf4j.LoggerFactory is not on the class path")
                && out.indexOf('\n') == out.length() - 1, out);
    }

    /** Starts a JVM with the agent and {@code classPath}; {@return its output} once it exited with status 1. */
    private static String stoppedByTheAgent(String agentArgs, String classPath) throws Exception {
        Process p = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                "-javaagent:" + System.getProperty("mptcpj.agent.jar") + agentArgs, "--enable-native-access=ALL-UNNAMED",
                "-cp", classPath, KeepaliveNioServer.class.getName(), "option")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(1, p.exitValue(), out);
        return out;
    }
}
