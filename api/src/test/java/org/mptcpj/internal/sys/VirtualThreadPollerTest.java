package org.mptcpj.internal.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.mptcpj.bindings.linux.Linux;

/**
 * The epoll poller's own failure paths, on a private poller instance: a failing
 * {@code epoll_wait(2)} wakes every waiter with the error and stops (no spin, no stranded waiter),
 * and a failing {@code epoll_ctl(2)} answers the waiter at once.
 */
class VirtualThreadPollerTest {
    @Test
    void failingEpollWaitWakesEveryWaiterWithTheError() throws Exception {
        VirtualThreadPoller poller = VirtualThreadPoller.create("test", Linux.EPOLLIN());
        List<Integer> fds = new ArrayList<>();
        List<CompletableFuture<Integer>> waits = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            for (int i = 0; i < 3; i++) {
                int efd = Sys.LIBRARY.eventfd(0, Linux.EFD_CLOEXEC() | Linux.EFD_NONBLOCK());
                fds.add(efd);
                CompletableFuture<Integer> f = new CompletableFuture<>();
                Thread.ofVirtual().start(() -> f.complete(poller.await(efd, -1)));
                waits.add(f);
            }
            Thread.sleep(200); // all three parked, their descriptors armed
            // Fault injection: the epoll descriptor number now names an eventfd. The epoll_wait in
            // progress keeps the old epoll set alive, so it still reports the next event; the
            // poller's following epoll_wait on the number then fails with EINVAL.
            int junk = Sys.LIBRARY.eventfd(0, Linux.EFD_CLOEXEC());
            assertTrue(Sys.LIBRARY.dup2(junk, poller.epfd) >= 0);
            Sys.LIBRARY.close(junk);
            MemorySegment one = arena.allocate(ValueLayout.JAVA_LONG);
            one.set(ValueLayout.JAVA_LONG, 0, 1);
            Sys.LIBRARY.write(fds.get(0), one, 8);

            assertEquals(Linux.EPOLLIN(), waits.get(0).get(2, TimeUnit.SECONDS), "the event before the failure");
            // The others are woken by the failure: as a possible event (their callers retry and
            // wait again), and their next wait gets the error at once.
            for (int i = 1; i < 3; i++) {
                assertEquals(Linux.EPOLLIN(), waits.get(i).get(2, TimeUnit.SECONDS), "a waiter when the poller failed");
                int efd = fds.get(i);
                CompletableFuture<Integer> again = new CompletableFuture<>();
                Thread.ofVirtual().start(() -> again.complete(poller.await(efd, -1)));
                assertEquals(-Linux.EINVAL(), again.get(2, TimeUnit.SECONDS), "its retried wait");
            }
            CompletableFuture<Integer> later = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> later.complete(poller.await(fds.get(1), -1)));
            assertEquals(-Linux.EINVAL(), later.get(2, TimeUnit.SECONDS), "a wait after the failure");
            Thread pollerThread = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().equals("mptcpj-virtual-thread-poller-test")).findFirst().orElse(null);
            if (pollerThread != null) {
                pollerThread.join(2_000);
                assertTrue(!pollerThread.isAlive(), "the failed poller thread must stop, not spin");
            }
        } finally {
            fds.forEach(Sys.LIBRARY::close);
            Sys.LIBRARY.close(poller.epfd);
        }
    }

    @Test
    void failingEpollCtlAnswersTheWaiterAtOnce() throws Exception {
        VirtualThreadPoller poller = VirtualThreadPoller.create("ctl-test", Linux.EPOLLIN());
        try (Arena arena = Arena.ofConfined()) {
            int devNull = Sys.LIBRARY.open(arena.allocateFrom("/dev/null"), Linux.O_RDONLY() | Linux.O_CLOEXEC());
            try {
                CompletableFuture<Integer> f = new CompletableFuture<>();
                Thread.ofVirtual().start(() -> f.complete(poller.await(devNull, -1)));
                assertEquals(-Linux.EPERM(), f.get(2, TimeUnit.SECONDS), "epoll cannot watch /dev/null: EPERM");
            } finally {
                Sys.LIBRARY.close(devNull);
            }
        }
    }
}
