package org.mptcpj.internal.sys;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import org.mptcpj.bindings.linux.pollfd;
import org.mptcpj.error.ErrnoException;

/**
 * Waits until a descriptor is ready: a platform thread in {@code poll(2)} on its scratch
 * {@code struct pollfd}; a virtual thread parked while a {@link VirtualThreadPoller} waits in
 * {@code epoll_wait(2)} for it, so its carrier is free for other virtual threads.
 * {@link GuardedFd#close()} wakes a waiting thread through {@code shutdown(2)}, which makes the
 * descriptor report {@code POLLHUP}. An interrupted virtual thread stops waiting at once; a
 * platform thread in {@code poll(2)} is woken by the close its interrupt causes (see
 * {@code org.mptcpj.socket.Interruption}).
 */
public final class Readiness {
    private Readiness() {
    }

    /**
     * Blocks until {@code fd} reports one of {@code events} ({@code POLLIN} or {@code POLLOUT}), an
     * error or a hang-up, or until the timeout passes or the thread is interrupted.
     *
     * @param timeoutNanos how long to wait; negative waits without limit
     * @return a positive value when the descriptor may be ready, {@code 0} on timeout or interrupt,
     *         or {@code -errno} if the wait failed (see {@link #error})
     */
    public static int await(int fd, int events, long timeoutNanos) {
        if (Thread.currentThread().isVirtual()) {
            return VirtualThreadPoller.forEvents(events).await(fd, timeoutNanos);
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

    /**
     * {@return the exception for a failed {@link #await} on the calling thread}: {@code poll(2)}'s
     * ({@code EINVAL} when {@code RLIMIT_NOFILE} is below 1, {@code ENOMEM}), or for a virtual thread
     * {@code epoll_ctl(2)}'s ({@code ENOMEM}, {@code ENOSPC} past {@code max_user_watches},
     * {@code EPERM} for a descriptor epoll cannot watch) or the poller's failed {@code epoll_wait(2)}
     */
    public static ErrnoException error(int fd, int negErrno) {
        String operation = !Thread.currentThread().isVirtual() ? "poll(fd " + fd + ")"
                : VirtualThreadPoller.failedWith(negErrno) ? "epoll_wait(virtual-thread poller, waiting for fd " + fd + ")"
                : "epoll_ctl(fd " + fd + ")";
        return Sys.error(operation, negErrno);
    }
}
