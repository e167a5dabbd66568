package org.mptcpj.netns;

import java.lang.foreign.Arena;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import org.mptcpj.bindings.linux.Linux;
import org.mptcpj.error.ErrnoException;
import org.mptcpj.internal.sys.Sys;

/**
 * Creates sockets (or does any other namespace-scoped work) inside a named network namespace,
 * as {@code ip netns add NAME} creates them under {@code /run/netns/}, without moving any thread
 * of the application.
 *
 * <p>A socket belongs for its whole life to the network namespace its creator was in. So
 * {@link #call} starts a fresh platform thread, moves it with {@code setns(2)}
 * ({@code CLONE_NEWNET}, needs {@code CAP_SYS_ADMIN}), runs the action there and lets the thread
 * end; sockets the action returns keep working from any thread.
 */
public final class NetworkNamespace {
    /** Where {@code ip netns} keeps its namespace files. */
    public static final String RUN_NETNS = "/run/netns/";

    private NetworkNamespace() {
    }

    /**
     * Runs {@code action} inside the namespace {@code name} and returns its result.
     *
     * @throws IllegalArgumentException if {@code name} is not a single file name
     * @throws ErrnoException {@code ENOENT} if there is no such namespace, {@code EPERM} without
     *         {@code CAP_SYS_ADMIN}
     * @throws ExecutionException wrapping what {@code action} threw
     */
    public static <T> T call(String name, Callable<T> action) throws ErrnoException, ExecutionException,
            InterruptedException {
        if (name == null || name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..")
                || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("invalid network namespace name '" + name + "': a file name under "
                    + RUN_NETNS + " is expected");
        }
        String path = RUN_NETNS + name;
        int nsFd;
        try (Arena arena = Arena.ofConfined()) {
            nsFd = Sys.open(arena.allocateFrom(path), Linux.O_RDONLY() | Linux.O_CLOEXEC());
        }
        if (nsFd < 0) {
            throw Sys.error("open(" + path + ")", nsFd);
        }
        Object[] result = new Object[1];
        Exception[] failure = new Exception[1];
        try {
            Thread t = Thread.ofPlatform().daemon(true).name("mptcpj-netns-" + name).start(() -> {
                int r = Sys.setns(nsFd, Linux.CLONE_NEWNET());
                if (r < 0) {
                    failure[0] = Sys.error("setns(" + path + ", CLONE_NEWNET)", r);
                    return;
                }
                try {
                    result[0] = action.call();
                } catch (Exception e) {
                    failure[0] = new ExecutionException(e);
                }
                // The thread ends here, still in the namespace: nothing else ever runs on it.
            });
            t.join();
        } finally {
            Sys.close(nsFd);
        }
        if (failure[0] instanceof ErrnoException e) {
            throw e;
        }
        if (failure[0] instanceof ExecutionException e) {
            throw e;
        }
        @SuppressWarnings("unchecked")
        T value = (T) result[0];
        return value;
    }
}
