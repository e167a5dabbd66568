package org.mptcpj.info;

import java.io.IOException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.mptcpj.bindings.linux.Linux;
import org.mptcpj.internal.sys.GuardedFd;

/**
 * The {@code struct tcp_info} of every subflow of an MPTCP connection, read with
 * {@code getsockopt(fd, SOL_MPTCP, MPTCP_TCPINFO)} (Linux 5.16) into one reusable native buffer.
 *
 * <p>The buffer is a {@code struct mptcp_subflow_data} header ({@code size_subflow_data} = 16,
 * {@code size_user} = {@link TcpInfo#SIZE}) followed by an array of {@code tcp_info}. The kernel
 * copies {@code min(size_user, size_kernel)} bytes per subflow, at that stride, and reports the
 * real number of subflows; when it has more subflows than the buffer holds, a read ({@link org.mptcpj.socket.StreamSocket#subflowTcpInfos}) grows the
 * buffer and asks again. Once the buffer is large enough a read allocates nothing.
 *
 * <p>{@link #get(int)} and the iterator return one flyweight {@link TcpInfo}, re-pointed at each
 * element: it is valid until the next {@code get}, iteration step or read. Take a
 * {@link TcpInfo#snapshot()} to keep an element. Native memory comes from an automatic arena. Not
 * thread-safe: use an instance from one thread at a time.
 */
public final class SubflowTcpInfos implements Iterable<TcpInfo> {
    private final SubflowData data;
    private final TcpInfo flyweight = TcpInfo.flyweight();

    /** Creates an instance with room for 2 subflows; it grows when a connection has more. */
    public SubflowTcpInfos() {
        this(2);
    }

    /**
     * Creates an instance with room for {@code initialCapacity} subflows (0 allowed: the first read
     * then learns the count and grows).
     *
     * @param initialCapacity subflows the buffer holds before it must grow
     * @throws IllegalArgumentException if {@code initialCapacity} is negative
     */
    public SubflowTcpInfos(int initialCapacity) {
        data = new SubflowData(Linux.MPTCP_TCPINFO(), "MPTCP_TCPINFO", TcpInfo.SIZE, initialCapacity);
    }

    /**
     * Reads the subflows' {@code tcp_info} with {@code getsockopt(fd, SOL_MPTCP, MPTCP_TCPINFO)},
     * growing the buffer and repeating the call while the connection has more subflows than it holds.
     *
     * @param fd the socket, held (acquired and released) for the duration of the call
     * @return this instance
     * @throws org.mptcpj.error.ErrnoException {@code EOPNOTSUPP} when the socket is not MPTCP or its
     *         connection fell back to plain TCP, or the kernel predates 5.16; {@code EINVAL} if the
     *         kernel rejects the header; {@code EBADF}/{@code ENOTSOCK} for a descriptor that is not a
     *         socket. On failure {@link #count()} is 0.
     * @throws org.mptcpj.error.SocketClosedException if {@code fd} was closed
     */
    SubflowTcpInfos read(GuardedFd fd) throws IOException {
        data.read(fd);
        return this;
    }

    /** {@return the number of subflows whose {@code tcp_info} the last read holds} */
    public int count() {
        return data.count();
    }

    /** {@return {@code num_subflows} as the kernel reported it in the last read (equal to {@link #count()} after growth)} */
    public int numSubflows() {
        return data.numSubflows();
    }

    /** {@return how many elements the buffer holds now} */
    public int capacity() {
        return data.capacity();
    }

    /** {@return bytes of {@code tcp_info} per subflow in the last read: {@code min(size_user, size_kernel)}} */
    public int elementLength() {
        return data.stride();
    }

    /** {@return {@code size_kernel}: the kernel's {@code sizeof(struct tcp_info)}, as it reported in the last read} */
    public int kernelElementSize() {
        return data.sizeKernel();
    }

    /**
     * {@return the shared flyweight view, pointed at subflow {@code index}} Its fields ending beyond
     * {@link #elementLength()} are absent.
     *
     * @param index the subflow, {@code 0 <= index < count()}
     * @throws IndexOutOfBoundsException unless {@code 0 <= index < count()}
     */
    public TcpInfo get(int index) {
        flyweight.point(data.element(index), data.stride());
        return flyweight;
    }

    /** {@return an iterator over the subflows that returns the same flyweight {@link TcpInfo} each time} */
    @Override
    public Iterator<TcpInfo> iterator() {
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < count();
            }

            @Override
            public TcpInfo next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return get(next++);
            }
        };
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("subflows:").append(count());
        for (int i = 0; i < count(); i++) {
            b.append("\n  [").append(i).append("] ").append(get(i));
        }
        return b.toString();
    }
}
