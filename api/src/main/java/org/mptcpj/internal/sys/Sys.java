package org.mptcpj.internal.sys;

import static org.mptcpj.bindings.linux.Linux.*;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.mptcpj.bindings.linux.Linux;
import org.mptcpj.error.ErrnoException;

/**
 * Every system call of the library, as errno-capturing downcall handles, reached through the
 * capability {@link #access} returns (strerror and the exception builder need none).
 *
 * <p>jextract's generated wrappers do not capture {@code errno}, and reading it after the call is
 * unreliable on the JVM (the runtime may make other calls in between), so each handle here is built
 * from the generated function's address and descriptor plus
 * {@link Linker.Option#captureCallState(String...) captureCallState("errno")}. One exception:
 * {@code setsockopt(2)}, idempotent, first goes through a handle without capture and repeats only
 * a failed call with it (see {@link #setsockopt(ThreadScratch, int, int, int, MemorySegment, int)}).
 *
 * <p>Convention: each method returns the call's result when it succeeds and {@code -errno} when it
 * fails, so callers branch on expected errors ({@code EAGAIN}, {@code EINPROGRESS}) without
 * exceptions or allocation, and turn the rest into an {@link ErrnoException} with
 * {@link #error(String, int)}. Calls that POSIX allows to restart are retried on {@code EINTR};
 * {@code close} never is (Linux releases the descriptor even when it reports {@code EINTR}), and an
 * interrupted {@code connect} goes on asynchronously, so it reports {@code EINPROGRESS}.
 *
 * <p>Scratch: the errno capture area is a {@link ThreadScratch}'s. A method taking a
 * {@code ThreadScratch} uses the caller's, which already holds one for its buffers (one lookup
 * per call); the others acquire one for the duration of the call and release it, so that a
 * virtual thread never holds scratch while it parks.
 */
public final class Sys {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");
    private static final VarHandle ERRNO = Linker.Option.captureStateLayout()
            .varHandle(MemoryLayout.PathElement.groupElement("errno"));

    private static final MethodHandle SOCKET = capture("socket", socket$descriptor());
    private static final MethodHandle BIND = capture("bind", bind$descriptor());
    private static final MethodHandle LISTEN = capture("listen", listen$descriptor());
    private static final MethodHandle ACCEPT4 = capture("accept4", accept4$descriptor());
    private static final MethodHandle CONNECT = capture("connect", connect$descriptor());
    private static final MethodHandle CLOSE = capture("close", close$descriptor());
    private static final MethodHandle SHUTDOWN = capture("shutdown", shutdown$descriptor());
    private static final MethodHandle READ = capture("read", read$descriptor());
    private static final MethodHandle WRITE = capture("write", write$descriptor());
    private static final MethodHandle READV = capture("readv", readv$descriptor());
    private static final MethodHandle WRITEV = capture("writev", writev$descriptor());
    private static final MethodHandle RECV = capture("recv", recv$descriptor());
    private static final MethodHandle SEND = capture("send", send$descriptor());
    private static final MethodHandle SENDTO = capture("sendto", sendto$descriptor());
    private static final MethodHandle RECVFROM = capture("recvfrom", recvfrom$descriptor());
    private static final MethodHandle GETSOCKNAME = capture("getsockname", getsockname$descriptor());
    private static final MethodHandle GETPEERNAME = capture("getpeername", getpeername$descriptor());
    private static final MethodHandle SETSOCKOPT = capture("setsockopt", setsockopt$descriptor());
    /** Without errno capture: the success path of {@link #setsockopt(ThreadScratch, int, int, int, MemorySegment, int)}. */
    private static final MethodHandle SETSOCKOPT_UNCAPTURED = LINKER.downcallHandle(symbol("setsockopt"), setsockopt$descriptor());
    private static final MethodHandle GETSOCKOPT = capture("getsockopt", getsockopt$descriptor());
    private static final MethodHandle POLL = capture("poll", poll$descriptor());
    private static final MethodHandle EPOLL_CREATE1 = capture("epoll_create1", epoll_create1$descriptor());
    private static final MethodHandle EPOLL_CTL = capture("epoll_ctl", epoll_ctl$descriptor());
    private static final MethodHandle EPOLL_WAIT = capture("epoll_wait", epoll_wait$descriptor());
    private static final MethodHandle DUP2 = capture("dup2", dup2$descriptor());
    private static final MethodHandle EVENTFD = capture("eventfd", eventfd$descriptor());
    private static final MethodHandle IF_NAMETOINDEX = capture("if_nametoindex", if_nametoindex$descriptor());
    private static final MethodHandle SETNS = capture("setns", setns$descriptor());
    private static final MethodHandle STRERROR_R = LINKER.downcallHandle(symbol("strerror_r"), strerror_r$descriptor());
    // Variadic functions: the generated invoker gives the address and the specialised descriptor.
    private static final MethodHandle FCNTL_INT = captureVariadic("fcntl",
            Linux.fcntl.makeInvoker(C_INT).descriptor(), 2);
    private static final MethodHandle OPEN = captureVariadic("open",
            Linux.open.makeInvoker(C_INT).descriptor(), 2);

    /** The one instance, handed to library classes by {@link #access}. */
    static final Sys LIBRARY = new Sys();

    private Sys() {
    }

    /**
     * {@return the capability to make system calls}, for the library's own classes only: hold it in
     * a {@code static final} field ({@code Sys.access(MethodHandles.lookup())}), which costs nothing
     * per call. On the module path this package is not exported at all; on the class path the check
     * keeps raw system calls (close(2) of any number, say) out of reach of code that merely finds the
     * class.
     *
     * @param caller {@link MethodHandles#lookup()} of the calling class: full privilege, a class of
     *               this library's module (or, on the class path, its class loader's unnamed module)
     *               in an {@code org.mptcpj} package
     * @throws IllegalCallerException for any other lookup
     */
    public static Sys access(MethodHandles.Lookup caller) {
        Class<?> c = caller.lookupClass();
        if (!caller.hasFullPrivilegeAccess() || !c.getPackageName().startsWith("org.mptcpj.")
                || c.getModule() != Sys.class.getModule()) {
            throw new IllegalCallerException("system calls are internal to mptcpj; " + caller + " may not make them");
        }
        return LIBRARY;
    }

    /** {@return {@code fd}, owned from now on by a {@link GuardedFd} (which closes it)} */
    public GuardedFd guard(int fd) {
        return new GuardedFd(fd);
    }

    /**
     * {@return a duplicate {@code dupFd} of a socket someone else owns, guarded: its close releases
     * the duplicate only and never shuts the socket down (see {@link GuardedFd#ofDuplicate})}
     */
    public GuardedFd guardDuplicate(int dupFd) {
        return GuardedFd.ofDuplicate(dupFd);
    }

    // The same lookup the generated code uses: the C library, through the linker's default lookup.
    private static MemorySegment symbol(String name) {
        return LINKER.defaultLookup().find(name).orElseThrow(() -> new UnsatisfiedLinkError("no symbol " + name));
    }

    private static MethodHandle capture(String function, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(symbol(function), descriptor, CAPTURE_ERRNO);
    }

    private static MethodHandle captureVariadic(String function, FunctionDescriptor descriptor, int fixedArgs) {
        return LINKER.downcallHandle(symbol(function), descriptor, CAPTURE_ERRNO,
                Linker.Option.firstVariadicArg(fixedArgs));
    }

    private static int result(int r, MemorySegment state) {
        return r >= 0 ? r : -(int) ERRNO.get(state, 0L);
    }

    private static long result(long r, MemorySegment state) {
        return r >= 0 ? r : -(int) ERRNO.get(state, 0L);
    }

    private static AssertionError unexpected(Throwable t) {
        if (t instanceof RuntimeException re) {
            throw re;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new AssertionError("downcall threw a checked exception", t);
    }

    private static final int EINTR = Linux.EINTR();

    // ---- sockets ----

    /** socket(2). */
    public int socket(int domain, int type, int protocol) {
        ThreadScratch sc = ThreadScratch.acquire();
        MemorySegment st = sc.callState;
        try {
            return result((int) SOCKET.invokeExact(st, domain, type, protocol), st);
        } catch (Throwable t) {
            throw unexpected(t);
        } finally {
            sc.release();
        }
    }

    /** bind(2). */
    public int bind(int fd, MemorySegment addr, int addrLen) {
        ThreadScratch sc = ThreadScratch.acquire();
        try {
            return bind(sc, fd, addr, addrLen);
        } finally {
            sc.release();
        }
    }

    /** {@link #bind} with the caller's scratch (one lookup per call). */
    public int bind(ThreadScratch sc, int fd, MemorySegment addr, int addrLen) {
        MemorySegment st = sc.callState;
        try {
            return result((int) BIND.invokeExact(st, fd, addr, addrLen), st);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** listen(2). */
    public int listen(int fd, int backlog) {
        ThreadScratch sc = ThreadScratch.acquire();
        MemorySegment st = sc.callState;
        try {
            return result((int) LISTEN.invokeExact(st, fd, backlog), st);
        } catch (Throwable t) {
            throw unexpected(t);
        } finally {
            sc.release();
        }
    }

    /** accept4(2), retried on EINTR. {@code addr} and {@code addrLen} may be {@link MemorySegment#NULL}. */
    public int accept4(int fd, MemorySegment addr, MemorySegment addrLen, int flags) {
        ThreadScratch sc = ThreadScratch.acquire();
        MemorySegment st = sc.callState;
        try {
            int r;
            do {
                r = result((int) ACCEPT4.invokeExact(st, fd, addr, addrLen, flags), st);
            } while (r == -EINTR);
            return r;
        } catch (Throwable t) {
            throw unexpected(t);
        } finally {
            sc.release();
        }
    }

    /** connect(2); an interrupted connect continues asynchronously, so EINTR is reported as EINPROGRESS. */
    public int connect(int fd, MemorySegment addr, int addrLen) {
        ThreadScratch sc = ThreadScratch.acquire();
        try {
            return connect(sc, fd, addr, addrLen);
        } finally {
            sc.release();
        }
    }

    /** {@link #connect} with the caller's scratch (one lookup per call). */
    public int connect(ThreadScratch sc, int fd, MemorySegment addr, int addrLen) {
        MemorySegment st = sc.callState;
        try {
            int r = result((int) CONNECT.invokeExact(st, fd, addr, addrLen), st);
            return r == -EINTR ? -Linux.EINPROGRESS() : r;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** close(2), never retried: Linux frees the descriptor even when it reports EINTR. */
    public int close(int fd) {
        ThreadScratch sc = ThreadScratch.acquire();
        MemorySegment st = sc.callState;
        try {
            return result((int) CLOSE.invokeExact(st, fd), st);
        } catch (Throwable t) {
            throw unexpected(t);
        } finally {
            sc.release();
        }
    }

    /** shutdown(2). */
    public int shutdown(int fd, int how) {
        ThreadScratch sc = ThreadScratch.acquire();
        MemorySegment st = sc.callState;
        try {
            return result((int) SHUTDOWN.invokeExact(st, fd, how), st);
        } catch (Throwable t) {
            throw unexpected(t);
        } finally {
            sc.release();
        }
    }

    // ---- data ----

    /** read(2), retried on EINTR. */
    public long read(int fd, MemorySegment buf, long count) {
        ThreadScratch sc = ThreadScratch.acquire();
        MemorySegment st = sc.callState;
        try {
            long r;
            do {
                r = result((long) READ.invokeExact(st, fd, buf, count), st);
            } while (r == -EINTR);
            return r;
        } catch (Throwable t) {
            throw unexpected(t);
        } finally {
            sc.release();
        }
    }

    /** write(2), retried on EINTR. */
    public long write(int fd, MemorySegment buf, long count) {
        ThreadScratch sc = ThreadScratch.acquire();
        MemorySegment st = sc.callState;
        try {
            long r;
            do {
                r = result((long) WRITE.invokeExact(st, fd, buf, count), st);
            } while (r == -EINTR);
            return r;
        } catch (Throwable t) {
            throw unexpected(t);
        } finally {
            sc.release();
        }
    }

    /** readv(2) over {@code count} {@code struct iovec}s, retried on EINTR. */
    public long readv(int fd, MemorySegment iov, int count) {
        ThreadScratch sc = ThreadScratch.acquire();
        MemorySegment st = sc.callState;
        try {
            long r;
            do {
                r = result((long) READV.invokeExact(st, fd, iov, count), st);
            } while (r == -EINTR);
            return r;
        } catch (Throwable t) {
            throw unexpected(t);
        } finally {
            sc.release();
        }
    }

    /** writev(2) over {@code count} {@code struct iovec}s, retried on EINTR. */
    public long writev(int fd, MemorySegment iov, int count) {
        ThreadScratch sc = ThreadScratch.acquire();
        MemorySegment st = sc.callState;
        try {
            long r;
            do {
                r = result((long) WRITEV.invokeExact(st, fd, iov, count), st);
            } while (r == -EINTR);
            return r;
        } catch (Throwable t) {
            throw unexpected(t);
        } finally {
            sc.release();
        }
    }

    /** recv(2) into {@code buf[offset, offset + len)} with the caller's scratch, retried on EINTR. */
    public long recv(ThreadScratch sc, int fd, MemorySegment buf, long offset, long len, int flags) {
        MemorySegment st = sc.callState;
        // A slice is an object: made only for an offset, and here, next to the downcall it is passed
        // to, so that escape analysis removes it whatever inlining the callers get.
        MemorySegment at = offset == 0 ? buf : buf.asSlice(offset, len);
        try {
            long r;
            do {
                r = result((long) RECV.invokeExact(st, fd, at, len, flags), st);
            } while (r == -EINTR);
            return r;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** send(2) of {@code buf[offset, offset + len)} with the caller's scratch, retried on EINTR. */
    public long send(ThreadScratch sc, int fd, MemorySegment buf, long offset, long len, int flags) {
        MemorySegment st = sc.callState;
        // A slice is an object: made only for an offset, and here, next to the downcall it is passed
        // to, so that escape analysis removes it whatever inlining the callers get.
        MemorySegment at = offset == 0 ? buf : buf.asSlice(offset, len);
        try {
            long r;
            do {
                r = result((long) SEND.invokeExact(st, fd, at, len, flags), st);
            } while (r == -EINTR);
            return r;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** sendto(2), retried on EINTR. */
    public long sendto(int fd, MemorySegment buf, long len, int flags, MemorySegment addr, int addrLen) {
        ThreadScratch sc = ThreadScratch.acquire();
        MemorySegment st = sc.callState;
        try {
            long r;
            do {
                r = result((long) SENDTO.invokeExact(st, fd, buf, len, flags, addr, addrLen), st);
            } while (r == -EINTR);
            return r;
        } catch (Throwable t) {
            throw unexpected(t);
        } finally {
            sc.release();
        }
    }

    /** recvfrom(2), retried on EINTR. {@code addr} and {@code addrLen} may be {@link MemorySegment#NULL}. */
    public long recvfrom(int fd, MemorySegment buf, long len, int flags, MemorySegment addr,
                                MemorySegment addrLen) {
        ThreadScratch sc = ThreadScratch.acquire();
        MemorySegment st = sc.callState;
        try {
            long r;
            do {
                r = result((long) RECVFROM.invokeExact(st, fd, buf, len, flags, addr, addrLen), st);
            } while (r == -EINTR);
            return r;
        } catch (Throwable t) {
            throw unexpected(t);
        } finally {
            sc.release();
        }
    }

    // ---- names and options ----

    /** getsockname(2). */
    public int getsockname(int fd, MemorySegment addr, MemorySegment addrLen) {
        ThreadScratch sc = ThreadScratch.acquire();
        try {
            return getsockname(sc, fd, addr, addrLen);
        } finally {
            sc.release();
        }
    }

    /** {@link #getsockname} with the caller's scratch (one lookup per call). */
    public int getsockname(ThreadScratch sc, int fd, MemorySegment addr, MemorySegment addrLen) {
        MemorySegment st = sc.callState;
        try {
            return result((int) GETSOCKNAME.invokeExact(st, fd, addr, addrLen), st);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** getpeername(2). */
    public int getpeername(int fd, MemorySegment addr, MemorySegment addrLen) {
        ThreadScratch sc = ThreadScratch.acquire();
        try {
            return getpeername(sc, fd, addr, addrLen);
        } finally {
            sc.release();
        }
    }

    /** {@link #getpeername} with the caller's scratch (one lookup per call). */
    public int getpeername(ThreadScratch sc, int fd, MemorySegment addr, MemorySegment addrLen) {
        MemorySegment st = sc.callState;
        try {
            return result((int) GETPEERNAME.invokeExact(st, fd, addr, addrLen), st);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** setsockopt(2). */
    public int setsockopt(int fd, int level, int name, MemorySegment value, int len) {
        ThreadScratch sc = ThreadScratch.acquire();
        try {
            return setsockopt(sc, fd, level, name, value, len);
        } finally {
            sc.release();
        }
    }

    /**
     * {@link #setsockopt} with the caller's scratch (one lookup per call). The call is made without
     * errno capture, which costs about 10 ns a downcall (TransitionBenchmark); only a failed call is
     * made again, capturing errno. That is safe because setting an option to a value is idempotent:
     * a failed {@code setsockopt(2)} changed nothing, so the repeated call fails the same way (or,
     * after a transient {@code ENOMEM}, succeeds, and then the option is set once).
     */
    public int setsockopt(ThreadScratch sc, int fd, int level, int name, MemorySegment value, int len) {
        try {
            int r = (int) SETSOCKOPT_UNCAPTURED.invokeExact(fd, level, name, value, len);
            if (r >= 0) {
                return r;
            }
            MemorySegment st = sc.callState;
            return result((int) SETSOCKOPT.invokeExact(st, fd, level, name, value, len), st);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** getsockopt(2); {@code len} is the in/out {@code socklen_t}. */
    public int getsockopt(int fd, int level, int name, MemorySegment value, MemorySegment len) {
        ThreadScratch sc = ThreadScratch.acquire();
        try {
            return getsockopt(sc, fd, level, name, value, len);
        } finally {
            sc.release();
        }
    }

    /** {@link #getsockopt} with the caller's scratch (one lookup per call). */
    public int getsockopt(ThreadScratch sc, int fd, int level, int name, MemorySegment value, MemorySegment len) {
        MemorySegment st = sc.callState;
        try {
            return result((int) GETSOCKOPT.invokeExact(st, fd, level, name, value, len), st);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** fcntl(2) with an int argument (F_GETFL ignores it, F_SETFL takes the flags). */
    public int fcntl(int fd, int cmd, int arg) {
        ThreadScratch sc = ThreadScratch.acquire();
        MemorySegment st = sc.callState;
        try {
            return result((int) FCNTL_INT.invokeExact(st, fd, cmd, arg), st);
        } catch (Throwable t) {
            throw unexpected(t);
        } finally {
            sc.release();
        }
    }

    /** dup2(2). */
    public int dup2(int oldFd, int newFd) {
        ThreadScratch sc = ThreadScratch.acquire();
        MemorySegment st = sc.callState;
        try {
            return result((int) DUP2.invokeExact(st, oldFd, newFd), st);
        } catch (Throwable t) {
            throw unexpected(t);
        } finally {
            sc.release();
        }
    }

    /** eventfd(2). */
    public int eventfd(int initval, int flags) {
        ThreadScratch sc = ThreadScratch.acquire();
        MemorySegment st = sc.callState;
        try {
            return result((int) EVENTFD.invokeExact(st, initval, flags), st);
        } catch (Throwable t) {
            throw unexpected(t);
        } finally {
            sc.release();
        }
    }

    // ---- readiness ----

    /** poll(2), retried on EINTR with the same timeout. */
    public int poll(MemorySegment fds, long nfds, int timeoutMillis) {
        ThreadScratch sc = ThreadScratch.acquire();
        MemorySegment st = sc.callState;
        try {
            int r;
            do {
                r = result((int) POLL.invokeExact(st, fds, nfds, timeoutMillis), st);
            } while (r == -EINTR);
            return r;
        } catch (Throwable t) {
            throw unexpected(t);
        } finally {
            sc.release();
        }
    }

    /** epoll_create1(2). */
    public int epollCreate1(int flags) {
        ThreadScratch sc = ThreadScratch.acquire();
        MemorySegment st = sc.callState;
        try {
            return result((int) EPOLL_CREATE1.invokeExact(st, flags), st);
        } catch (Throwable t) {
            throw unexpected(t);
        } finally {
            sc.release();
        }
    }

    /** epoll_ctl(2); {@code event} is one {@link EpollEvent} (or NULL for EPOLL_CTL_DEL), often in {@code sc}'s buffer. */
    public int epollCtl(ThreadScratch sc, int epfd, int op, int fd, MemorySegment event) {
        MemorySegment st = sc.callState;
        try {
            return result((int) EPOLL_CTL.invokeExact(st, epfd, op, fd, event), st);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** epoll_wait(2) into an array of {@link EpollEvent}s, retried on EINTR with the same timeout. */
    public int epollWait(int epfd, MemorySegment events, int maxEvents, int timeoutMillis) {
        ThreadScratch sc = ThreadScratch.acquire();
        MemorySegment st = sc.callState;
        try {
            int r;
            do {
                r = result((int) EPOLL_WAIT.invokeExact(st, epfd, events, maxEvents, timeoutMillis), st);
            } while (r == -EINTR);
            return r;
        } catch (Throwable t) {
            throw unexpected(t);
        } finally {
            sc.release();
        }
    }

    // ---- namespaces and interfaces ----

    /** open(2) with {@code O_*} flags (no mode), retried on EINTR. */
    public int open(MemorySegment path, int flags) {
        ThreadScratch sc = ThreadScratch.acquire();
        MemorySegment st = sc.callState;
        try {
            int r;
            do {
                r = result((int) OPEN.invokeExact(st, path, flags, 0), st);
            } while (r == -EINTR);
            return r;
        } catch (Throwable t) {
            throw unexpected(t);
        } finally {
            sc.release();
        }
    }

    /** setns(2): moves the calling thread into the namespace {@code fd} refers to. */
    public int setns(int fd, int nstype) {
        ThreadScratch sc = ThreadScratch.acquire();
        MemorySegment st = sc.callState;
        try {
            return result((int) SETNS.invokeExact(st, fd, nstype), st);
        } catch (Throwable t) {
            throw unexpected(t);
        } finally {
            sc.release();
        }
    }

    /** if_nametoindex(3): the interface index, or {@code -errno} (it reports failure as 0). */
    public int ifNameToIndex(MemorySegment name) {
        ThreadScratch sc = ThreadScratch.acquire();
        MemorySegment st = sc.callState;
        try {
            int r = (int) IF_NAMETOINDEX.invokeExact(st, name);
            return r != 0 ? r : -(int) ERRNO.get(st, 0L);
        } catch (Throwable t) {
            throw unexpected(t);
        } finally {
            sc.release();
        }
    }

    // ---- errors ----

    /** {@return the C library's text for {@code errno} (GNU strerror_r)} */
    public static String strerror(int errno) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(256);
            MemorySegment text = (MemorySegment) STRERROR_R.invokeExact(errno, buf, buf.byteSize());
            return text.reinterpret(1024).getString(0);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /**
     * Builds the exception for a failed call.
     *
     * @param operation the call and its interesting arguments, e.g. {@code "connect(fd 5, [::1]:80)"}
     * @param negErrno  the {@code -errno} a method of this class returned
     */
    public static ErrnoException error(String operation, long negErrno) {
        int errno = (int) -negErrno;
        return new ErrnoException(operation, errno, strerror(errno));
    }
}
