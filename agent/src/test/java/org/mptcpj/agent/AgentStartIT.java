package org.mptcpj.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The packaged agent refuses a bad argument with one message and exit status 1, before {@code main}. */
class AgentStartIT {
    @Test
    void aBadArgumentStopsTheJvmWithOneMessage() throws Exception {
        Process p = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                "-javaagent:" + System.getProperty("mptcpj.agent.jar") + "=policy=FAST", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), KeepaliveNioServer.class.getName(), "option")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(1, p.exitValue(), out);
        assertEquals("mptcpj-agent: policy=FAST is not a policy: "
                + "-javaagent:mptcpj-agent.jar[=policy=PREFERRED|REQUIRED|DISABLED,scope=listeners|all]\n", out);
    }
}
