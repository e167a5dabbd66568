package org.mptcpj.pm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.mptcpj.bindings.linux.Linux;
import org.mptcpj.error.ErrnoException;
import org.mptcpj.internal.sys.Sys;

/**
 * Runs an action inside a named network namespace ({@code /run/netns/NAME}, as {@code ip netns add}
 * creates them) without moving any thread of the application: a dedicated platform thread calls
 * {@code setns(fd, CLONE_NEWNET)}, runs the action (typically {@code socket()}: a socket belongs for
 * its whole life to the namespace it was created in) and ends.
 */
final class Netns {
    static final String RUN_NETNS = "/run/netns/";

    /** An action that may fail with an errno. */
    @FunctionalInterface
    interface Action<T> {
        T run() throws ErrnoException;
    }

    private Netns() {
    }

    /** Rejects names that are not a single path component. */
    static String checkName(String name) {
        if (name == null || name.isEmpty() || name.equals(".") || name.equals("..") || name.indexOf('/') >= 0
                || name.indexOf('\0') >= 0 || name.length() > 255) {
            throw new IllegalArgumentException("invalid network namespace name " + (name == null ? null : "'" + name + "'")
                    + ": must be a non-empty file name under " + RUN_NETNS);
        }
        return name;
    }

    /**
     * Runs {@code action} in the namespace {@code name}, or on the calling thread when {@code name}
     * is {@code null} (the caller's current namespace).
     */
    static <T> T call(String name, Action<T> action) throws ErrnoException {
        if (name == null) {
            return action.run();
        }
        checkName(name);
        String path = RUN_NETNS + name;
        int nsfd;
        try (Arena arena = Arena.ofConfined()) {
            nsfd = Sys.open(arena.allocateFrom(path), Linux.O_RDONLY() | Linux.O_CLOEXEC());
        }
        if (nsfd < 0) {
            throw Sys.error("open(" + path + ")", nsfd);
        }
        try {
            Object[] result = new Object[1];
            Throwable[] failure = new Throwable[1];
            Thread t = Thread.ofPlatform().daemon(true).name("mptcpj-netns-" + name).unstarted(() -> {
                try {
                    int r = Sys.setns(nsfd, Linux.CLONE_NEWNET());
                    if (r < 0) {
                        throw Sys.error("setns(" + path + ", CLONE_NEWNET)", r);
                    }
                    result[0] = action.run();
                } catch (Throwable e) {
                    failure[0] = e;
                }
                // The thread ends here, in the namespace; nothing else ever runs on it.
            });
            t.start();
            boolean interrupted = false;
            while (true) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // the action owns resources: wait for it to finish
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            if (failure[0] instanceof ErrnoException e) {
                throw e;
            }
            if (failure[0] instanceof RuntimeException e) {
                throw e;
            }
            if (failure[0] instanceof Error e) {
                throw e;
            }
            if (failure[0] != null) {
                throw new IllegalStateException("action in namespace " + name + " failed", failure[0]);
            }
            @SuppressWarnings("unchecked")
            T r = (T) result[0];
            return r;
        } finally {
            Sys.close(nsfd);
        }
    }
}
