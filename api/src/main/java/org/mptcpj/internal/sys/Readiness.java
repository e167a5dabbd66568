package org.mptcpj.internal.sys;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import org.mptcpj.bindings.linux.pollfd;

/**
 * Waits until a non-blocking descriptor is ready: a platform thread in {@code poll(2)} on its
 * scratch {@code struct pollfd}; a virtual thread parked while {@link VirtualThreadPoller} polls for
 * it, so its carrier is free for other virtual threads. {@link GuardedFd#close()} wakes a waiting
 * thread through {@code shutdown(2)}, which makes the descriptor report {@code POLLHUP}.
 */
public final class Readiness {
    private Readiness() {
    }

    /**
     * Blocks until {@code fd} reports one of {@code events}, an error or a hang-up, or until the
     * timeout passes.
     *
     * @param timeoutNanos how long to wait; negative waits without limit
     * @return the {@code revents} bits, {@code 0} on timeout, or {@code -errno}
     */
    public static int await(int fd, int events, long timeoutNanos) {
        if (Thread.currentThread().isVirtual()) {
            return VirtualThreadPoller.get().await(fd, events, timeoutNanos);
        }
        MemorySegment p = ThreadScratch.get().pollfd;
        pollfd.fd(p, fd);
        pollfd.events(p, (short) events);
        pollfd.revents(p, (short) 0);
        int timeoutMillis = timeoutNanos < 0 ? -1
                : (int) Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(timeoutNanos + 999_999));
        int r = Sys.LIBRARY.poll(p, 1, timeoutMillis);
        return r <= 0 ? r : pollfd.revents(p) & 0xffff;
    }
}
