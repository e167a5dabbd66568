package org.mptcpj.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentOptionsTest {
    @Test
    void policyAndScopeBecomeTheProviderProperties() {
        assertEquals(Map.of("mptcpj.policy", "REQUIRED", "mptcpj.scope", "all"),
                AgentOptions.parse("policy=required, scope=all").properties());
        assertEquals(Map.of(), AgentOptions.parse(null).properties());
        assertEquals(Map.of(), AgentOptions.parse("").properties());
    }

    @Test
    void badArgumentsAreNamed() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AgentOptions.parse("policy=FAST"))
                .getMessage().startsWith("policy=FAST is not a policy"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AgentOptions.parse("scope=clients"))
                .getMessage().startsWith("scope=clients is not a scope"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AgentOptions.parse("polcy=REQUIRED"))
                .getMessage().startsWith("unknown agent argument 'polcy=REQUIRED'"));
    }
}
