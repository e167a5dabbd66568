package org.mptcpj.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.invoke.MethodHandles;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.mptcpj.internal.sys.GuardedFd;
import org.mptcpj.internal.sys.Sys;
import outsider.Outsider;

/**
 * On the class path, where the module system does not hide {@code org.mptcpj.internal.sys}, finding
 * {@link Sys} or {@link GuardedFd} gives no system call and no raw descriptor: the system calls are
 * instance methods of the capability {@link Sys#access} grants only to full-privilege lookups of the
 * library's classes, and only that capability creates a {@link GuardedFd} (whose {@code close()}
 * would otherwise close(2) any number).
 */
class SysCapabilityTest {
    @Test
    void noSystemCallWithoutTheCapability() {
        // What anyone can call without an instance: the capability check and the errno text helpers.
        assertEquals(Set.of("access", "strerror", "error"), publicStatics(Sys.class));
        assertEquals(Set.of(), publicStatics(GuardedFd.class));
        assertEquals(0, Sys.class.getConstructors().length, "Sys has no public constructor");
        assertEquals(0, GuardedFd.class.getConstructors().length, "GuardedFd has no public constructor");

        IllegalCallerException e = assertThrows(IllegalCallerException.class, Outsider::askForSystemCalls);
        assertEquals(true, e.getMessage().contains("outsider.Outsider"), e.getMessage());
        assertThrows(IllegalCallerException.class, () -> Sys.access(MethodHandles.publicLookup()));
        assertThrows(IllegalCallerException.class,
                () -> Sys.access(MethodHandles.lookup().dropLookupMode(MethodHandles.Lookup.PRIVATE)));
        // The library's own classes (tests included: they live in org.mptcpj packages) get it.
        assertNotNull(Sys.access(MethodHandles.lookup()));
    }

    private static Set<String> publicStatics(Class<?> c) {
        return Stream.of(c.getDeclaredMethods())
                .filter(m -> Modifier.isPublic(m.getModifiers()) && Modifier.isStatic(m.getModifiers()))
                .map(Method::getName).collect(Collectors.toSet());
    }
}
