package org.mptcpj.socket;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * Releases the duplicate descriptor of attachments whose owner closed its socket, for owners
 * with no close listener (JDK channels): without it the kernel socket would live on after the
 * owner's {@code close()}, sending no FIN and keeping a listener's port, until the attachment
 * was used or closed. One daemon thread asks each watched owner's {@code isOpen()} (a volatile
 * read) every {@link #PERIOD}, started with the first watched owner.
 */
final class OwnerCloseWatch {
    /** Longest time the kernel socket outlives its owner's close() because of an attachment. */
    static final Duration PERIOD = Duration.ofMillis(50);

    private static final Set<AttachedSocket> WATCHED = ConcurrentHashMap.newKeySet();
    private static Thread thread;

    private OwnerCloseWatch() {
    }

    static void watch(AttachedSocket a) {
        WATCHED.add(a);
        synchronized (OwnerCloseWatch.class) {
            if (thread == null) {
                thread = Thread.ofPlatform().daemon(true).name("mptcpj-owner-close-watch").start(OwnerCloseWatch::run);
            }
        }
    }

    static void unwatch(AttachedSocket a) {
        WATCHED.remove(a);
    }

    private static void run() {
        for (;;) {
            for (AttachedSocket a : WATCHED) {
                if (a.ownerClosed()) {
                    a.close(); // removes it from WATCHED
                }
            }
            LockSupport.parkNanos(PERIOD.toNanos());
        }
    }
}
