package org.mptcpj.agent;

import java.lang.instrument.Instrumentation;

/**
 * The agent's entry point: {@code java -javaagent:mptcpj-agent.jar[=policy=PREFERRED,scope=listeners]
 * --enable-native-access=ALL-UNNAMED -cp mptcpj-api.jar:mptcpj-bindings.jar:slf4j-api.jar:... Main}.
 * It makes the program's NIO listeners MPTCP ({@code org.mptcpj.socket.MptcpSelectorProvider}) and
 * gives keepalive that the program sets on their accepted channels the dead-peer watchdog
 * ({@link Installer}).
 *
 * <p>This class alone is compiled for Java 8, so that a JVM older than 24 (no
 * {@code java.lang.classfile}) reads it and stops with one clear message instead of a
 * class-version error with a stack trace.
 */
public final class MptcpjAgent {
    /** The first JDK whose ClassFile API ({@code java.lang.classfile}, JEP 484) is final. */
    static final int MIN_JDK = 24;

    private MptcpjAgent() {
    }

    /**
     * Called by the JVM before {@code main} for {@code -javaagent:}; exits the JVM with status 1
     * and one message on standard error if the agent cannot do its job (a JDK older than 24, bad
     * arguments, the library missing from the class path, a JDK whose socket channel it cannot hook).
     */
    public static void premain(String args, Instrumentation inst) {
        String version = System.getProperty("java.specification.version");
        int feature = version.startsWith("1.") ? 8 : Integer.parseInt(version.split("\\.")[0]);
        if (feature < MIN_JDK) {
            fail("needs JDK " + MIN_JDK + " or newer (java.lang.classfile), this JVM is " + version);
        }
        try {
            Installer.install(args, inst);
        } catch (IllegalArgumentException | IllegalStateException | UnsupportedOperationException e) {
            fail(e.getMessage());
        } catch (NoClassDefFoundError e) { // else the JVM aborts with "processing of -javaagent failed" and native frames
            fail(e.getMessage().replace('/', '.') + " is not on the class path: the agent needs mptcpj-api,"
                    + " mptcpj-bindings and slf4j-api there (-cp or the application's Class-Path)");
        }
    }

    private static void fail(String why) {
        System.err.println("mptcpj-agent: " + why);
        System.exit(1);
    }
}
