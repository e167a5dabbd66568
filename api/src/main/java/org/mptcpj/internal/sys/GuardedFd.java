package org.mptcpj.internal.sys;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.mptcpj.bindings.linux.Linux;
import org.mptcpj.error.SocketClosedException;

/**
 * A file descriptor that can never be used after it was closed, nor closed while in use.
 *
 * <p>A closed descriptor number is handed to the next {@code socket()} or {@code open()} anywhere in
 * the process, so an operation racing with {@code close()} could reach the new owner. As the JDK's
 * NIO does, every operation holds the descriptor for its whole duration ({@link #acquire}/{@link
 * #release}); {@link #close()} marks it closed so no new operation starts, wakes the operations in
 * flight with {@code shutdown(SHUT_RDWR)} (the kernel then wakes every thread in {@code poll},
 * {@code epoll} or a blocking call on it, see inet_shutdown() in net/ipv4/af_inet.c), and the last
 * operation to leave performs the real {@code close(2)}. The descriptor number is thus released only
 * when no thread can still use it.
 *
 * <p>State is one int: bit 31 is "closed", bits 0..30 count the holders.
 */
public final class GuardedFd {
    private static final int CLOSED = Integer.MIN_VALUE;
    private static final int HOLDERS = Integer.MAX_VALUE;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(GuardedFd.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int fd;
    @SuppressWarnings("unused") // accessed through STATE
    private volatile int state;

    /** Takes ownership of {@code fd}; see {@link Sys#guard}. */
    GuardedFd(int fd) {
        this.fd = fd;
    }

    /**
     * Holds the descriptor for one operation; pair with {@link #release()} in a {@code finally}.
     *
     * @param operation named in the exception when the descriptor is closed
     * @return the descriptor number, valid until {@link #release()}
     * @throws SocketClosedException if {@link #close()} was called
     */
    public int acquire(String operation) throws SocketClosedException {
        if (!tryAcquire()) {
            throw new SocketClosedException(operation);
        }
        return fd;
    }

    /**
     * As {@link #acquire(String)}, naming {@code argument} (an option, say) in the exception; the
     * message is built only if the descriptor is closed, so the common path allocates nothing.
     */
    public int acquire(String operation, String argument) throws SocketClosedException {
        if (!tryAcquire()) {
            throw new SocketClosedException(operation + " " + argument);
        }
        return fd;
    }

    /** Like {@link #acquire} for background work: {@return false instead of throwing when closed} */
    public boolean tryAcquire() {
        for (;;) {
            int s = state;
            if ((s & CLOSED) != 0) {
                return false;
            }
            if (STATE.compareAndSet(this, s, s + 1)) {
                return true;
            }
        }
    }

    /** Ends an operation begun with {@link #acquire}; the last holder after close closes the descriptor. */
    public void release() {
        int s = (int) STATE.getAndAdd(this, -1) - 1;
        if (s == CLOSED) {
            Sys.LIBRARY.close(fd);
        }
    }

    /**
     * Closes the descriptor: at once if no operation holds it, otherwise after waking them and when
     * the last one leaves. Idempotent.
     *
     * @return {@code true} for the call that closed it, {@code false} if it was already closed
     */
    public boolean close() {
        int s;
        do {
            s = state;
            if ((s & CLOSED) != 0) {
                return false;
            }
        } while (!STATE.compareAndSet(this, s, (s | CLOSED) + 1)); // hold it while waking the others
        if ((s & HOLDERS) > 0) {
            Sys.LIBRARY.shutdown(fd, Linux.SHUT_RDWR());
        }
        release();
        return true;
    }

    /** {@return whether {@link #close()} has been called (the number may still be held by operations)} */
    public boolean isClosed() {
        return (state & CLOSED) != 0;
    }

    /** {@return the descriptor number, for messages and diagnostics only} */
    public int number() {
        return fd;
    }

    @Override
    public String toString() {
        return "fd " + fd + (isClosed() ? " (closed)" : "");
    }
}
