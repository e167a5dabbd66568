package org.mptcpj.testing;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Lowers this process's soft {@code RLIMIT_NOFILE} for a while, to inject the one {@code poll(2)}
 * failure a correct program can meet: {@code EINVAL} when {@code nfds} exceeds the limit
 * (do_sys_poll() in fs/select.c). While lowered, nothing in the JVM can open a file: keep the
 * window short and load every class the code under test needs beforehand.
 */
public final class FdLimit implements AutoCloseable {
    private static final int RLIMIT_NOFILE = 7; // <asm-generic/resource.h>
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle GETRLIMIT = LINKER.downcallHandle(LINKER.defaultLookup().find("getrlimit").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
    private static final MethodHandle SETRLIMIT = LINKER.downcallHandle(LINKER.defaultLookup().find("setrlimit").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));

    private final Arena arena = Arena.ofShared();
    private final MemorySegment saved = arena.allocate(16, 8); // struct rlimit { rlim_t cur, max; }

    private FdLimit(long soft) throws Throwable {
        if ((int) GETRLIMIT.invokeExact(RLIMIT_NOFILE, saved) != 0) {
            throw new IllegalStateException("getrlimit failed");
        }
        MemorySegment lowered = arena.allocate(16, 8);
        lowered.set(ValueLayout.JAVA_LONG, 0, soft);
        lowered.set(ValueLayout.JAVA_LONG, 8, saved.get(ValueLayout.JAVA_LONG, 8));
        if ((int) SETRLIMIT.invokeExact(RLIMIT_NOFILE, lowered) != 0) {
            throw new IllegalStateException("setrlimit failed");
        }
    }

    /** Sets the soft limit to {@code soft} until {@link #close()}. */
    public static FdLimit lower(long soft) {
        try {
            return new FdLimit(soft);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Restores the limit. */
    @Override
    public void close() {
        try {
            if ((int) SETRLIMIT.invokeExact(RLIMIT_NOFILE, saved) != 0) {
                throw new IllegalStateException("setrlimit (restore) failed");
            }
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        arena.close();
    }
}
