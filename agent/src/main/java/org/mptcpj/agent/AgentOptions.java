package org.mptcpj.agent;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.mptcpj.socket.MptcpPolicy;
import org.mptcpj.socket.MptcpSelectorProvider;

/**
 * The agent's arguments ({@code -javaagent:mptcpj-agent.jar=policy=REQUIRED,scope=all}) and the
 * system properties they become: {@code java.nio.channels.spi.SelectorProvider} (unless the program
 * names a provider itself), {@code mptcpj.policy}, {@code mptcpj.scope} (read by
 * {@link MptcpSelectorProvider}). A property also given with {@code -D} must agree.
 */
record AgentOptions(Map<String, String> properties) {
    static final String PROVIDER_PROPERTY = "java.nio.channels.spi.SelectorProvider";
    private static final String USAGE = "-javaagent:mptcpj-agent.jar[=policy=PREFERRED|REQUIRED|DISABLED,scope=listeners|all]";

    /** Parses {@code key=value,...} ({@code null} or empty: the defaults); throws {@link IllegalArgumentException} naming the bad part. */
    static AgentOptions parse(String args) {
        Map<String, String> properties = new LinkedHashMap<>();
        if (args == null || args.isBlank()) {
            return new AgentOptions(properties);
        }
        for (String part : args.split(",")) {
            String[] kv = part.split("=", 2);
            String key = kv[0].strip();
            String value = kv.length == 2 ? kv[1].strip() : "";
            switch (key) {
                case "policy" -> {
                    try {
                        properties.put("mptcpj.policy", MptcpPolicy.valueOf(value.toUpperCase(Locale.ROOT)).name());
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("policy=" + value + " is not a policy: " + USAGE);
                    }
                }
                case "scope" -> {
                    if (!value.equals("listeners") && !value.equals("all")) {
                        throw new IllegalArgumentException("scope=" + value + " is not a scope: " + USAGE);
                    }
                    properties.put("mptcpj.scope", value);
                }
                default -> throw new IllegalArgumentException("unknown agent argument '" + part + "': " + USAGE);
            }
        }
        return new AgentOptions(properties);
    }

    /**
     * Sets the properties: the provider if the program named none, the policy and scope given as
     * arguments. {@return whether this JVM's NIO provider is now {@link MptcpSelectorProvider}}
     *
     * @throws IllegalArgumentException if {@code -D} gave a policy or scope other than the argument's
     */
    boolean apply() {
        properties.forEach((key, value) -> {
            String given = System.getProperty(key);
            if (given != null && !given.equalsIgnoreCase(value)) {
                throw new IllegalArgumentException("-D" + key + "=" + given + " contradicts the agent argument " + value);
            }
            System.setProperty(key, value);
        });
        String provider = System.getProperty(PROVIDER_PROPERTY);
        if (provider == null) {
            System.setProperty(PROVIDER_PROPERTY, MptcpSelectorProvider.class.getName());
            return true;
        }
        return Objects.equals(provider, MptcpSelectorProvider.class.getName());
    }
}
