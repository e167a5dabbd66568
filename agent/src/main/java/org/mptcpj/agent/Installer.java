package org.mptcpj.agent;

import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.mptcpj.socket.MptcpSelectorProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code premain} does, in order: export {@code java.base/sun.nio.ch} to the library (what
 * {@code --add-exports} did) and open it to the agent; name {@link MptcpSelectorProvider} as the
 * JVM's NIO provider (see {@link AgentOptions}); define the hook class with a {@link KeepaliveHandler};
 * hook the JDK's {@code SocketChannelImpl} ({@link SocketChannelTransformer}) and check it worked.
 */
final class Installer {
    private static final Logger LOG = LoggerFactory.getLogger(Installer.class);
    /** Loaded by the first SelectorProvider.provider(), which reads the provider property once (JDK 25 source). */
    private static final String PROVIDER_HOLDER = "java.nio.channels.spi.SelectorProvider$Holder";

    private Installer() {
    }

    /**
     * @throws IllegalArgumentException for bad agent arguments
     * @throws IllegalStateException if the JDK cannot be hooked or the library is missing
     */
    static void install(String args, Instrumentation inst) {
        AgentOptions options = AgentOptions.parse(args);
        Module javaBase = Object.class.getModule();
        Module agent = Installer.class.getModule();
        Module library = MptcpSelectorProvider.class.getModule(); // the unnamed module, or org.mptcpj on the module path
        inst.redefineModule(javaBase, Set.of(), Map.of(HookClass.PACKAGE, Set.copyOf(List.of(library, agent))),
                Map.of(HookClass.PACKAGE, Set.of(agent)), Set.of(), Map.of());

        boolean providerSet = options.apply();
        if (providerSet && loaded(inst, PROVIDER_HOLDER).isPresent()) {
            throw new IllegalStateException("SelectorProvider.provider() was called before the agent ran; "
                    + "pass the provider with -D" + AgentOptions.PROVIDER_PROPERTY + "=" + MptcpSelectorProvider.class.getName());
        }
        try {
            KeepaliveHandler handler = new KeepaliveHandler();
            HookClass.define(handler::optionSet, handler::closing);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot define the hook class in " + HookClass.PACKAGE + ": " + e, e);
        }
        // Stays registered: another agent's retransformation of the class starts again from its
        // original bytes and runs the retransform-capable transformers, so the hook survives it.
        SocketChannelTransformer transformer = new SocketChannelTransformer();
        inst.addTransformer(transformer, true);
        String target = SocketChannelTransformer.TARGET.replace('/', '.');
        Optional<Class<?>> already = loaded(inst, target);
        try {
            if (already.isPresent()) {
                inst.retransformClasses(already.get());
            } else {
                Class.forName(target, false, null); // loads (does not initialize) it now, through the transformer
            }
        } catch (ClassNotFoundException | UnmodifiableClassException e) {
            throw new IllegalStateException("cannot hook " + target + ": " + e, e);
        }
        transformer.requireHooked();
        LOG.info("mptcpj-agent: {}; keepalive on accepted MPTCP channels gets the dead-peer watchdog ({} {})",
                providerSet ? "NIO listeners are MPTCP (" + MptcpSelectorProvider.class.getSimpleName() + ")"
                        : "NIO provider " + System.getProperty(AgentOptions.PROVIDER_PROPERTY) + " kept",
                target, already.isPresent() ? "retransformed" : "hooked as it loaded");
    }

    private static Optional<Class<?>> loaded(Instrumentation inst, String name) {
        for (Class<?> c : inst.getAllLoadedClasses()) {
            if (c.getName().equals(name)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
