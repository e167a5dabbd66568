package org.mptcpj.pm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mptcpj.error.ErrnoException;

/**
 * When the event reader dies, the subscription does not pretend to live on: the listener receives
 * the typed error and {@link MptcpEventSubscription#isClosed()} becomes true. The failure is a real
 * errno: {@code /dev/null} is {@code dup2}ed over the subscription's netlink descriptor, so its next
 * {@code recv(2)} fails with {@code ENOTSOCK}.
 */
class EventReaderFailureTest {
    @RegisterExtension
    static final PathManagerFixture NS = new PathManagerFixture();

    @Test
    void aDyingReaderClosesTheSubscriptionAndTellsTheListener() throws Throwable {
        CompletableFuture<IOException> error = new CompletableFuture<>();
        MptcpEventListener listener = new MptcpEventListener() {
            @Override
            public void onEvent(MptcpEvent event) {
            }

            @Override
            public void onError(IOException e) {
                error.complete(e);
            }
        };
        try (MptcpEventSubscription sub = NS.pm.subscribe(listener)) {
            Matcher m = Pattern.compile("socket fd (\\d+)").matcher(sub.toString());
            assertTrue(m.find(), sub.toString());
            int fd = Integer.parseInt(m.group(1));
            assertFalse(sub.isClosed());
            overwriteWithDevNull(fd);

            IOException e = error.get(5, TimeUnit.SECONDS);
            ErrnoException errno = assertInstanceOf(ErrnoException.class, e);
            assertEquals("ENOTSOCK", errno.errnoName(), e.getMessage());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!sub.isClosed() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertTrue(sub.isClosed(), "a subscription whose reader died must say it is closed");
            assertNotNull(sub.failure().orElse(null));
            assertEquals(e, sub.failure().orElseThrow());
        }
    }

    /** dup2(open("/dev/null"), fd) through libc, independent of the library's own native layer. */
    private static void overwriteWithDevNull(int fd) throws Throwable {
        Linker linker = Linker.nativeLinker();
        MethodHandle open = linker.downcallHandle(linker.defaultLookup().find("open").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
        MethodHandle dup2 = linker.downcallHandle(linker.defaultLookup().find("dup2").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        MethodHandle close = linker.downcallHandle(linker.defaultLookup().find("close").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        try (Arena arena = Arena.ofConfined()) {
            int devNull = (int) open.invokeExact(arena.allocateFrom("/dev/null"), 0);
            assertTrue(devNull >= 0);
            assertEquals(fd, (int) dup2.invokeExact(devNull, fd));
            assertEquals(0, (int) close.invokeExact(devNull));
        }
    }
}
