package org.mptcpj.internal.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import org.mptcpj.bindings.linux.Linux;
import org.mptcpj.bindings.linux.pollfd;

/**
 * Readiness waits for virtual threads. A virtual thread blocked in {@code poll(2)} would hold its
 * carrier thread for the whole wait (the JVM does not unmount a thread inside a native call), so a
 * few blocked readers could starve every other virtual thread. Instead the virtual thread hands
 * its descriptor to this poller and parks, which frees the carrier; one platform thread polls all
 * registered descriptors plus an {@code eventfd(2)} that wakes it for new registrations, and
 * unparks each waiter whose descriptor is ready. {@link GuardedFd#close()}'s {@code shutdown}
 * makes the descriptor report {@code POLLHUP}, which wakes its waiter like any readiness.
 *
 * <p>A waiter holds its socket's {@link GuardedFd} while registered, so the descriptor number it
 * waits on cannot be closed and reused during the wait; after a timeout the poller may poll the
 * number once more, which has no effect on whatever owns it by then.
 */
final class VirtualThreadPoller {
    private static final VirtualThreadPoller INSTANCE = new VirtualThreadPoller();

    /** One wait of one virtual thread. */
    private static final class Waiter {
        final int fd;
        final short events;
        final Thread thread;
        volatile int revents;
        volatile boolean done;
        volatile boolean cancelled;

        Waiter(int fd, short events, Thread thread) {
            this.fd = fd;
            this.events = events;
            this.thread = thread;
        }
    }

    private final int wakeFd;
    private final MemorySegment wakeValue = Arena.global().allocate(ValueLayout.JAVA_LONG);
    /** The eventfd increment every waker writes; shared, since write(2) only reads it. */
    private final MemorySegment one = Arena.global().allocate(ValueLayout.JAVA_LONG);
    private final ConcurrentLinkedQueue<Waiter> incoming = new ConcurrentLinkedQueue<>();

    private VirtualThreadPoller() {
        one.set(ValueLayout.JAVA_LONG, 0, 1L);
        wakeFd = Sys.LIBRARY.eventfd(0, Linux.EFD_CLOEXEC() | Linux.EFD_NONBLOCK());
        if (wakeFd < 0) {
            throw new IllegalStateException(Sys.error("eventfd", wakeFd).getMessage());
        }
        Thread.ofPlatform().daemon(true).name("mptcpj-virtual-thread-poller").start(this::run);
    }

    static VirtualThreadPoller get() {
        return INSTANCE;
    }

    /** As {@link Readiness#await}, parking the calling (virtual) thread instead of blocking its carrier. */
    int await(int fd, int events, long timeoutNanos) {
        Waiter w = new Waiter(fd, (short) events, Thread.currentThread());
        incoming.add(w);
        wake();
        long deadline = System.nanoTime() + timeoutNanos;
        while (!w.done) {
            if (timeoutNanos < 0) {
                LockSupport.park(this);
            } else {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    w.cancelled = true;
                    wake();
                    return w.done ? w.revents : 0;
                }
                LockSupport.parkNanos(this, left);
            }
        }
        return w.revents;
    }

    private void wake() {
        Sys.LIBRARY.write(wakeFd, one, 8); // EAGAIN only when the counter is already huge: it is awake anyway
    }

    private void run() {
        List<Waiter> active = new ArrayList<>();
        MemorySegment fds = Arena.ofAuto().allocate(pollfd.layout(), 64);
        long pollfdSize = pollfd.sizeof();
        for (;;) {
            for (Waiter w; (w = incoming.poll()) != null; ) {
                active.add(w);
            }
            active.removeIf(w -> w.cancelled);
            if ((active.size() + 1) * pollfdSize > fds.byteSize()) {
                fds = Arena.ofAuto().allocate(pollfd.layout(), 2L * (active.size() + 1));
            }
            set(fds.asSlice(0, pollfdSize), wakeFd, (short) Linux.POLLIN());
            for (int i = 0; i < active.size(); i++) {
                Waiter w = active.get(i);
                set(fds.asSlice((i + 1) * pollfdSize, pollfdSize), w.fd, w.events);
            }
            int r = Sys.LIBRARY.poll(fds, active.size() + 1, -1);
            if (r < 0) {
                continue; // EINTR is retried inside; nothing else is expected from a valid array
            }
            if ((pollfd.revents(fds) & Linux.POLLIN()) != 0) {
                Sys.LIBRARY.read(wakeFd, wakeValue, 8);
            }
            for (int i = active.size() - 1; i >= 0; i--) {
                int revents = pollfd.revents(fds.asSlice((i + 1) * pollfdSize, pollfdSize)) & 0xffff;
                if (revents != 0) {
                    Waiter w = active.remove(i);
                    w.revents = revents;
                    w.done = true;
                    LockSupport.unpark(w.thread);
                }
            }
        }
    }

    private static void set(MemorySegment p, int fd, short events) {
        pollfd.fd(p, fd);
        pollfd.events(p, events);
        pollfd.revents(p, (short) 0);
    }
}
