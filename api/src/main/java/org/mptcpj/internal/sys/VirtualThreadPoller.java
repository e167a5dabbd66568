package org.mptcpj.internal.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;
import org.mptcpj.bindings.linux.Linux;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Readiness waits for virtual threads, on {@code epoll(7)}. A virtual thread blocked in
 * {@code poll(2)} would hold its carrier thread for the whole wait (the JVM does not unmount a
 * thread inside a native call), so a few blocked readers could starve every other virtual thread.
 * Instead the virtual thread registers its descriptor with a poller and parks, which frees the
 * carrier; the poller's platform thread sits in {@code epoll_wait(2)} and unparks the waiters of
 * each descriptor it reports. As the JDK's own poller does, there are two: one for reads (and
 * accepts), one for writes (and connects), because one epoll set holds one registration per
 * descriptor and a socket may have a reader and a writer at once.
 *
 * <p><b>One-shot registration per wait.</b> Each wait arms the descriptor with
 * {@code EPOLL_CTL_MOD} ({@code EPOLL_CTL_ADD} the first time) and {@code EPOLLONESHOT}: one
 * {@code epoll_ctl(2)} per wait, and in exchange the poller keeps no state per descriptor. An
 * event always belongs to the waiters registered when it fires; a wait that ends by timeout or
 * interrupt leaves its one-shot registration armed, and when that fires it finds nobody (or wakes a
 * later waiter early, which then retries its call: no deregistration call is needed); and nothing
 * is deregistered at close either, since
 * {@code close(2)} of the last reference removes the file from every epoll set. Kept registrations
 * ({@code EPOLLET}) would save that call but need per-descriptor "ready while nobody waited" state
 * and a deregistration on close. Each wake-up costs O(ready descriptors), not O(waiters).
 *
 * <p>{@link GuardedFd#close()}'s {@code shutdown(2)} makes the descriptor report {@code EPOLLHUP},
 * which wakes its waiters like any readiness; a waiter holds its socket's {@link GuardedFd}, so the
 * number cannot be reused during the wait. If {@code epoll_wait(2)} itself fails, the poller wakes
 * every waiter with the error, answers every later wait with it, and stops: never a spin or a hang.
 */
final class VirtualThreadPoller {
    private static final Logger LOG = LoggerFactory.getLogger(VirtualThreadPoller.class);
    private static final int MAX_EVENTS = 256;
    /** Waiters are found by descriptor number, in chunks of 1024 slots made on demand. */
    private static final int CHUNK_BITS = 10;
    private static final int SLOT_MASK = (1 << CHUNK_BITS) - 1;

    private static final VirtualThreadPoller READS = create("read", Linux.EPOLLIN());
    private static final VirtualThreadPoller WRITES = create("write", Linux.EPOLLOUT());

    /** The epoll descriptor; package-private so that a test can inject a failure into its own instance. */
    final int epfd;
    private final int interest;
    /** Per descriptor: null, the waiting Thread, or a Thread[] when several wait on one descriptor. */
    private volatile AtomicReferenceArray<Object>[] chunks;
    /** {@code -errno} of the failed {@code epoll_wait(2)} (or {@code epoll_create1(2)}), 0 while the poller runs. */
    private volatile int failure;

    @SuppressWarnings("unchecked")
    private VirtualThreadPoller(int epfd, int interest, String name) {
        this.epfd = epfd;
        this.interest = interest;
        this.chunks = new AtomicReferenceArray[4];
        if (epfd < 0) { // every wait of a virtual thread will report it: better than a class that fails to load
            failure = epfd;
            LOG.error("no virtual-thread poller: {}", Sys.error("epoll_create1(EPOLL_CLOEXEC)", epfd).getMessage());
        } else {
            Thread.ofPlatform().daemon(true).name("mptcpj-virtual-thread-poller-" + name).start(this::run);
        }
    }

    /** A poller with its own epoll set and thread, for {@code EPOLLIN} or {@code EPOLLOUT}. */
    static VirtualThreadPoller create(String name, int interest) {
        return new VirtualThreadPoller(Sys.LIBRARY.epollCreate1(Linux.EPOLL_CLOEXEC()), interest, name);
    }

    /** {@return the poller for {@code POLLIN} (reads, accepts) or {@code POLLOUT} (writes, connects)} */
    static VirtualThreadPoller forEvents(int events) {
        return (events & Linux.POLLOUT()) != 0 ? WRITES : READS;
    }

    /** {@return whether a poller's {@code epoll_wait(2)} failed with {@code negErrno}} */
    static boolean failedWith(int negErrno) {
        return READS.failure == negErrno || WRITES.failure == negErrno;
    }

    /**
     * As {@link Readiness#await}, parking the calling (virtual) thread instead of blocking its
     * carrier. Returns 0 also when the thread is interrupted (the caller's interrupt handling then
     * throws), and the poller's interest bits when the descriptor may be ready.
     */
    int await(int fd, long timeoutNanos) {
        int f = failure;
        if (f != 0) {
            return f;
        }
        Thread me = Thread.currentThread();
        AtomicReferenceArray<Object> chunk = chunk(fd);
        int slot = fd & SLOT_MASK;
        add(chunk, slot, me); // before arming, so that the event finds this waiter
        int r = arm(fd);
        if (r < 0) {
            remove(chunk, slot, me);
            return r;
        }
        long deadline = System.nanoTime() + timeoutNanos;
        for (;;) {
            if (!contains(chunk.get(slot), me)) {
                // The poller took this waiter: an event, or its failure (then the caller's retry
                // finds nothing to do and its next wait returns the failure at once).
                return interest;
            }
            f = failure; // checked after add(): either the failing poller took this waiter, or this sees the failure
            if (f != 0) {
                return remove(chunk, slot, me) ? f : interest;
            }
            long left = timeoutNanos < 0 ? Long.MAX_VALUE : deadline - System.nanoTime();
            if (left <= 0 || me.isInterrupted()) { // park() would return at once, forever
                return remove(chunk, slot, me) ? 0 : interest;
            }
            if (timeoutNanos < 0) {
                LockSupport.park(this);
            } else {
                LockSupport.parkNanos(this, left);
            }
        }
    }

    /** One-shot registration of {@code fd} for this poller's events: MOD, or ADD the first time. */
    private int arm(int fd) {
        ThreadScratch sc = ThreadScratch.acquire();
        try {
            MemorySegment event = sc.buffer(); // read by the kernel before epoll_ctl returns
            EpollEvent.set(event, 0, interest | Linux.EPOLLONESHOT(), fd);
            int r = Sys.LIBRARY.epollCtl(sc, epfd, Linux.EPOLL_CTL_MOD(), fd, event);
            if (r == -Linux.ENOENT()) {
                r = Sys.LIBRARY.epollCtl(sc, epfd, Linux.EPOLL_CTL_ADD(), fd, event);
                if (r == -Linux.EEXIST()) { // another waiter on fd added it meanwhile
                    r = Sys.LIBRARY.epollCtl(sc, epfd, Linux.EPOLL_CTL_MOD(), fd, event);
                }
            }
            return r;
        } finally {
            sc.release();
        }
    }

    private void run() {
        MemorySegment events = Arena.ofAuto().allocate(EpollEvent.LAYOUT, MAX_EVENTS);
        for (;;) {
            int n = Sys.LIBRARY.epollWait(epfd, events, MAX_EVENTS, -1);
            if (n < 0) { // EINTR is retried inside; anything else means this epoll set is unusable
                fail(n);
                return;
            }
            for (int i = 0; i < n; i++) {
                int fd = (int) EpollEvent.data(events, i);
                AtomicReferenceArray<Object> chunk = existingChunk(fd);
                if (chunk != null) {
                    unpark(chunk.getAndSet(fd & SLOT_MASK, null));
                }
            }
        }
    }

    private void fail(int negErrno) {
        failure = negErrno;
        LOG.error("the virtual-thread poller stopped: {}; blocked and later waits of virtual threads get this error",
                Sys.error("epoll_wait(fd " + epfd + ")", negErrno).getMessage());
        for (AtomicReferenceArray<Object> chunk : chunks) {
            for (int i = 0; chunk != null && i < chunk.length(); i++) {
                unpark(chunk.getAndSet(i, null));
            }
        }
    }

    private static void unpark(Object waiters) {
        if (waiters instanceof Thread t) {
            LockSupport.unpark(t);
        } else if (waiters instanceof Thread[] all) {
            for (Thread t : all) {
                LockSupport.unpark(t);
            }
        }
    }

    private AtomicReferenceArray<Object> existingChunk(int fd) {
        AtomicReferenceArray<Object>[] cs = chunks;
        int k = fd >>> CHUNK_BITS;
        return k < cs.length ? cs[k] : null;
    }

    private AtomicReferenceArray<Object> chunk(int fd) {
        AtomicReferenceArray<Object> c = existingChunk(fd);
        return c != null ? c : newChunk(fd >>> CHUNK_BITS);
    }

    /** Chunks are never replaced, only added, so a slot's compare-and-set is never lost to a copy. */
    private synchronized AtomicReferenceArray<Object> newChunk(int k) {
        AtomicReferenceArray<Object>[] cs = chunks;
        if (k >= cs.length) {
            cs = Arrays.copyOf(cs, Math.max(k + 1, 2 * cs.length));
        }
        if (cs[k] == null) {
            cs[k] = new AtomicReferenceArray<>(1 << CHUNK_BITS);
        }
        chunks = cs;
        return cs[k];
    }

    private static boolean contains(Object waiters, Thread t) {
        if (waiters == t) {
            return true;
        }
        if (waiters instanceof Thread[] all) {
            for (Thread w : all) {
                if (w == t) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void add(AtomicReferenceArray<Object> chunk, int slot, Thread t) {
        for (;;) {
            Object cur = chunk.get(slot);
            Object next;
            if (cur == null) {
                next = t;
            } else if (cur instanceof Thread one) {
                next = new Thread[] {one, t};
            } else {
                Thread[] all = (Thread[]) cur;
                Thread[] more = Arrays.copyOf(all, all.length + 1);
                more[all.length] = t;
                next = more;
            }
            if (chunk.compareAndSet(slot, cur, next)) {
                return;
            }
        }
    }

    /** {@return whether {@code t} was still registered (else the poller took it: an event)} */
    private static boolean remove(AtomicReferenceArray<Object> chunk, int slot, Thread t) {
        for (;;) {
            Object cur = chunk.get(slot);
            if (!contains(cur, t)) {
                return false;
            }
            Object next = null;
            if (cur instanceof Thread[] all) {
                Thread[] rest = Arrays.stream(all).filter(w -> w != t).toArray(Thread[]::new);
                next = rest.length == 1 ? rest[0] : rest;
            }
            if (chunk.compareAndSet(slot, cur, next)) {
                return true;
            }
        }
    }
}
