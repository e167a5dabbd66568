package org.mptcpj.netns;

import java.lang.foreign.Arena;
import java.lang.invoke.MethodHandles;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import org.mptcpj.bindings.linux.Linux;
import org.mptcpj.error.ErrnoException;
import org.mptcpj.internal.sys.Sys;
import org.mptcpj.internal.sys.Threads;

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
    private static final Sys SYS = Sys.access(MethodHandles.lookup());

    /** Where {@code ip netns} keeps its namespace files. */
    public static final String RUN_NETNS = "/run/netns/";

    private NetworkNamespace() {
    }

    /**
     * Checks that {@code name} can name a namespace file under {@link #RUN_NETNS}: a single,
     * non-empty path component of at most 255 characters, not {@code .} or {@code ..}.
     *
     * @return {@code name}
     * @throws IllegalArgumentException if it cannot
     */
    public static String checkName(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty() || name.equals(".") || name.equals("..") || name.indexOf('/') >= 0
                || name.indexOf('\0') >= 0 || name.length() > 255) {
            throw new IllegalArgumentException("invalid network namespace name '" + name + "'"
                    + ": must be a non-empty file name under " + RUN_NETNS);
        }
        return name;
    }

    /**
     * Runs {@code action} inside the namespace {@code name} and returns its result.
     *
     * <p>Once the action has started, this method waits for it to end even if the calling thread is
     * interrupted (what the action returns, a socket say, must not be lost); the interrupt is then
     * left pending.
     *
     * @throws IllegalArgumentException if {@code name} is not a single file name ({@link #checkName})
     * @throws ErrnoException {@code ENOENT} if there is no such namespace, {@code EPERM} without
     *         {@code CAP_SYS_ADMIN}
     * @throws ExecutionException wrapping what {@code action} threw (an exception or an error)
     * @throws InterruptedException if the calling thread was interrupted before the action started;
     *         it then does not run
     */
    public static <T> T call(String name, Callable<T> action) throws ErrnoException, ExecutionException,
            InterruptedException {
        checkName(name);
        Objects.requireNonNull(action, "action");
        if (Thread.interrupted()) {
            throw new InterruptedException("interrupted before entering network namespace " + name);
        }
        String path = RUN_NETNS + name;
        int nsFd;
        try (Arena arena = Arena.ofConfined()) {
            nsFd = SYS.open(arena.allocateFrom(path), Linux.O_RDONLY() | Linux.O_CLOEXEC());
        }
        if (nsFd < 0) {
            throw Sys.error("open(" + path + ")", nsFd);
        }
        Object[] result = new Object[1];
        Throwable[] failure = new Throwable[1];
        try {
            Thread t = Thread.ofPlatform().daemon(true).name("mptcpj-netns-" + name).start(() -> {
                int r = SYS.setns(nsFd, Linux.CLONE_NEWNET());
                if (r < 0) {
                    failure[0] = Sys.error("setns(" + path + ", CLONE_NEWNET)", r);
                    return;
                }
                try {
                    result[0] = action.call();
                } catch (Throwable e) {
                    failure[0] = new ExecutionException(e);
                }
                // The thread ends here, still in the namespace: nothing else ever runs on it.
            });
            Threads.joinUninterruptibly(t); // nsFd stays open until setns is done; the result is not dropped
        } finally {
            SYS.close(nsFd);
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
