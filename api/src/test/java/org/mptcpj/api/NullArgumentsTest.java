package org.mptcpj.api;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.reflect.Executable;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketOption;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.NetworkChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.mptcpj.error.ErrnoException;
import org.mptcpj.info.MptcpFullInfo;
import org.mptcpj.info.MptcpInfo;
import org.mptcpj.info.SubflowAddresses;
import org.mptcpj.info.SubflowTcpInfos;
import org.mptcpj.info.TcpInfo;
import org.mptcpj.option.Keepalive;
import org.mptcpj.option.Linger;
import org.mptcpj.option.Options;
import org.mptcpj.pm.Endpoint;
import org.mptcpj.pm.EndpointFlag;
import org.mptcpj.pm.Limits;
import org.mptcpj.pm.MptcpEventListener;
import org.mptcpj.pm.MptcpEventType;
import org.mptcpj.pm.MptcpPathManager;
import org.mptcpj.socket.AttachedSocket;
import org.mptcpj.socket.MptcpPolicy;
import org.mptcpj.socket.MptcpSelectorProvider;
import org.mptcpj.socket.ServerStreamSocket;
import org.mptcpj.socket.StreamSocket;
import org.mptcpj.testing.NetNs;

/**
 * Every public constructor and method of every exported package, called with {@code null} for one
 * reference parameter at a time (the others valid), throws a {@link NullPointerException} whose
 * message is that parameter's name ({@code Objects.requireNonNull(x, "x")}), before doing anything.
 * The parameters that are documented to accept {@code null} are listed in {@link #NULLABLE}.
 */
class NullArgumentsTest {
    private static final List<String> EXPORTED = List.of("socket", "option", "info", "pm", "error", "netns");

    /** Class.member#parameter that accept null, each documented in its Javadoc. */
    private static final Set<String> NULLABLE = Set.of(
            "StreamSocket.setDeadPeerWatchdog#grace", "AttachedSocket.setDeadPeerWatchdog#grace", // null: watchdog off
            "AttachedSocket.onPeerDead#handler", // null: the default (shutdown)
            "ErrnoException.<init>#hint", "MptcpUnavailableException.<init>#reason",
            "NetlinkErrorException.<init>#kernelMessage", "NetlinkErrorException.<init>#hint",
            "MptcpEvent.<init>#localAddress", "MptcpEvent.<init>#remoteAddress"); // absent in some events

    @Test
    void everyReferenceParameterIsCheckedAndNamed() throws Exception {
        try (NetNs ns = NetNs.create("nulls");
                StreamSocket socket = StreamSocket.open(MptcpPolicy.PREFERRED, StandardProtocolFamily.INET);
                ServerStreamSocket server = ServerStreamSocket.open(MptcpPolicy.PREFERRED, StandardProtocolFamily.INET);
                MptcpPathManager pm = MptcpPathManager.open(ns.name());
                ServerSocketChannel jdkListener = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                AttachedSocket attached = AttachedSocket.attach(jdkListener)) {
            Map<Class<?>, Object> instances = new HashMap<>(defaults());
            instances.put(StreamSocket.class, socket);
            instances.put(ServerStreamSocket.class, server);
            instances.put(org.mptcpj.socket.NativeSocket.class, socket);
            instances.put(MptcpPathManager.class, pm);
            instances.put(NetworkChannel.class, jdkListener);
            instances.put(AttachedSocket.class, attached);
            instances.put(MptcpSelectorProvider.class, new MptcpSelectorProvider());
            instances.put(Endpoint.class, Endpoint.of(InetAddress.getLoopbackAddress()));
            instances.put(ErrnoException.class, new ErrnoException("op", 1, "text"));

            List<String> wrong = new ArrayList<>();
            int checked = 0;
            for (Class<?> c : exportedClasses()) {
                List<Executable> members = new ArrayList<>(List.of(c.getConstructors()));
                if (Modifier.isAbstract(c.getModifiers())) {
                    members.clear();
                }
                if (c.isInterface()) {
                    continue; // callbacks users implement (MptcpEventListener): the library calls them
                }
                for (Method m : c.getDeclaredMethods()) {
                    if (Modifier.isPublic(m.getModifiers()) && !m.isSynthetic() && !Modifier.isAbstract(m.getModifiers())
                            && !isGenerated(c, m)) {
                        members.add(m);
                    }
                }
                for (Executable e : members) {
                    if (Stream.of(e.getParameterTypes()).anyMatch(t -> t.getName().contains(".internal."))) {
                        continue; // not callable by users (issue 10.15)
                    }
                    Parameter[] ps = e.getParameters();
                    for (int i = 0; i < ps.length; i++) {
                        if (ps[i].getType().isPrimitive()) {
                            continue;
                        }
                        String key = c.getSimpleName() + "." + (e instanceof Method ? e.getName() : "<init>")
                                + "#" + ps[i].getName();
                        if (NULLABLE.contains(key)) {
                            continue;
                        }
                        checked++;
                        String problem = callWithNull(e, i, instances);
                        if (problem != null) {
                            wrong.add(key + " (" + e + "): " + problem);
                        }
                    }
                }
            }
            assertTrue(checked > 50, "only " + checked + " parameters found");
            assertTrue(wrong.isEmpty(), wrong.size() + " of " + checked + " parameters are not checked:\n"
                    + String.join("\n", wrong));
        }
    }

    /** {@return null if passing null as parameter i gave NullPointerException(name), else what happened} */
    private static String callWithNull(Executable e, int i, Map<Class<?>, Object> instances) throws Exception {
        Object[] args = new Object[e.getParameterCount()];
        Class<?>[] types = e.getParameterTypes();
        for (int j = 0; j < args.length; j++) {
            args[j] = j == i ? null : valueOf(types[j], e, instances);
        }
        String name = e.getParameters()[i].getName();
        try {
            if (e instanceof Method m) {
                Object target = Modifier.isStatic(m.getModifiers()) ? null : valueOf(m.getDeclaringClass(), e, instances);
                m.invoke(target, args);
            } else {
                ((java.lang.reflect.Constructor<?>) e).newInstance(args);
            }
            return "accepted null";
        } catch (InvocationTargetException x) {
            Throwable t = x.getCause();
            if (t instanceof NullPointerException && name.equals(t.getMessage())) {
                return null;
            }
            return t.toString();
        }
    }

    private static Object valueOf(Class<?> type, Executable e, Map<Class<?>, Object> instances) {
        if (type == int.class) {
            return 1;
        }
        if (type == long.class) {
            return 1L;
        }
        if (type == boolean.class) {
            return false;
        }
        if (type.isEnum()) {
            return type.getEnumConstants()[0];
        }
        if (type.isArray()) {
            return java.lang.reflect.Array.newInstance(type.getComponentType(), 0);
        }
        Object v = instances.get(type);
        if (v == null && type == Object.class) { // the T of setOption(SocketOption<T>, T)
            return Boolean.TRUE;
        }
        if (v == null) {
            throw new AssertionError("no value of " + type + " for " + e);
        }
        return v;
    }

    private static Map<Class<?>, Object> defaults() throws IOException {
        Map<Class<?>, Object> m = new HashMap<>();
        m.put(String.class, "lo");
        m.put(Duration.class, Duration.ofSeconds(1));
        m.put(InetAddress.class, InetAddress.getLoopbackAddress());
        m.put(InetSocketAddress.class, new InetSocketAddress(InetAddress.getLoopbackAddress(), 9));
        m.put(ProtocolFamily.class, StandardProtocolFamily.INET);
        m.put(MemorySegment.class, Arena.ofAuto().allocate(512));
        m.put(ByteBuffer.class, ByteBuffer.allocate(16));
        m.put(Set.class, Set.of());
        m.put(SocketOption.class, Options.SO_KEEPALIVE);
        m.put(Callable.class, (Callable<Object>) () -> "called");
        m.put(BooleanSupplier.class, (BooleanSupplier) () -> true);
        m.put(Consumer.class, (Consumer<Object>) x -> { });
        m.put(Keepalive.class, Keepalive.LINUX_DEFAULTS);
        m.put(Linger.class, Linger.OFF);
        m.put(Limits.class, new Limits(1, 1));
        m.put(MptcpEventListener.class, (MptcpEventListener) event -> { });
        m.put(MptcpEventType.class, MptcpEventType.UNKNOWN);
        m.put(EndpointFlag.class, EndpointFlag.SUBFLOW);
        m.put(MptcpInfo.class, new MptcpInfo());
        m.put(TcpInfo.class, new TcpInfo());
        m.put(SubflowTcpInfos.class, new SubflowTcpInfos());
        m.put(SubflowAddresses.class, new SubflowAddresses());
        m.put(MptcpFullInfo.class, new MptcpFullInfo());
        m.put(org.mptcpj.option.NativeOption.class, Options.SO_KEEPALIVE);
        return m;
    }

    /** equals(Object) takes null by contract; an enum's valueOf is the JDK's. */
    private static boolean isGenerated(Class<?> c, Method m) {
        return m.getName().equals("equals") && m.getParameterCount() == 1
                || c.isEnum() && m.getName().equals("valueOf");
    }

    /** The public classes of the exported packages, from the compiled classes of the api module. */
    static List<Class<?>> exportedClasses() throws IOException, ClassNotFoundException {
        Path root = Path.of(MptcpPolicy.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        List<Class<?>> result = new ArrayList<>();
        for (String pkg : EXPORTED) {
            try (Stream<Path> files = Files.list(root.resolve("org/mptcpj").resolve(pkg))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".class")).sorted().toList()) {
                    String name = "org.mptcpj." + pkg + "." + f.getFileName().toString().replace(".class", "");
                    Class<?> c = Class.forName(name, false, NullArgumentsTest.class.getClassLoader());
                    if (Modifier.isPublic(c.getModifiers())
                            && (c.getEnclosingClass() == null || Modifier.isPublic(c.getEnclosingClass().getModifiers()))) {
                        result.add(c);
                    }
                }
            }
        }
        return result;
    }
}
