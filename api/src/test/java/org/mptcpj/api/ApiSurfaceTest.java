package org.mptcpj.api;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mptcpj.socket.StreamSocket;

/**
 * The public API names only public types: no public or protected member, supertype or type
 * argument of a class in an exported package mentions a type of a package the module does not
 * export ({@code org.mptcpj.internal.*}, the jextract bindings). On the module path such a method
 * could not even be called; on the class path it would hand internals to anyone.
 */
class ApiSurfaceTest {
    private static final Set<String> EXPORTED = Set.copyOf(StreamSocket.class.getModule().isNamed()
            ? StreamSocket.class.getModule().getDescriptor().exports().stream().map(e -> e.source()).toList()
            : List.of("org.mptcpj.socket", "org.mptcpj.option", "org.mptcpj.info", "org.mptcpj.pm",
                    "org.mptcpj.error", "org.mptcpj.netns"));

    @Test
    void publicSignaturesNameOnlyExportedTypes() throws Exception {
        List<String> leaks = new ArrayList<>();
        for (Class<?> c : NullArgumentsTest.exportedClasses()) {
            check(c.getGenericSuperclass(), c + " extends", leaks);
            for (Type t : c.getGenericInterfaces()) {
                check(t, c + " implements", leaks);
            }
            for (Constructor<?> k : c.getDeclaredConstructors()) {
                checkExecutable(k, leaks);
            }
            for (Method m : c.getDeclaredMethods()) {
                checkExecutable(m, leaks);
            }
            for (Field f : c.getDeclaredFields()) {
                if (visible(f)) {
                    check(f.getGenericType(), f.toString(), leaks);
                }
            }
        }
        assertTrue(leaks.isEmpty(), "public signatures naming non-exported types:\n" + String.join("\n", leaks));
    }

    private static void checkExecutable(Executable e, List<String> leaks) {
        if (!visible(e) || e.isSynthetic()) {
            return;
        }
        for (Type t : e.getGenericParameterTypes()) {
            check(t, e.toString(), leaks);
        }
        for (Type t : e.getGenericExceptionTypes()) {
            check(t, e.toString(), leaks);
        }
        if (e instanceof Method m) {
            check(m.getGenericReturnType(), e.toString(), leaks);
        }
    }

    /** Public, or protected in a class that can be extended. */
    private static boolean visible(Member m) {
        int mod = m.getModifiers();
        return Modifier.isPublic(mod)
                || Modifier.isProtected(mod) && !Modifier.isFinal(m.getDeclaringClass().getModifiers());
    }

    private static void check(Type t, String where, List<String> leaks) {
        switch (t) {
            case null -> { }
            case Class<?> c when c.isArray() -> check(c.getComponentType(), where, leaks);
            case Class<?> c -> {
                String p = c.getPackageName();
                if (p.startsWith("org.mptcpj") && !EXPORTED.contains(p)) {
                    leaks.add(where + ": " + c.getName());
                }
            }
            case ParameterizedType p -> {
                check(p.getRawType(), where, leaks);
                for (Type a : p.getActualTypeArguments()) {
                    check(a, where, leaks);
                }
            }
            case GenericArrayType g -> check(g.getGenericComponentType(), where, leaks);
            case WildcardType w -> {
                for (Type b : w.getUpperBounds()) {
                    check(b, where, leaks);
                }
                for (Type b : w.getLowerBounds()) {
                    check(b, where, leaks);
                }
            }
            case TypeVariable<?> v -> {
                for (Type b : v.getBounds()) {
                    check(b, where, leaks);
                }
            }
            default -> throw new AssertionError("unexpected type " + t);
        }
    }
}
