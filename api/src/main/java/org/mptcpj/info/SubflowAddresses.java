package org.mptcpj.info;

import java.io.IOException;
import java.net.InetSocketAddress;
import org.mptcpj.bindings.linux.Linux;
import org.mptcpj.bindings.linux.mptcp_subflow_addrs;
import org.mptcpj.internal.sys.GuardedFd;
import org.mptcpj.internal.sys.SockAddrs;

/**
 * The local and remote address of every subflow of an MPTCP connection, read with
 * {@code getsockopt(fd, SOL_MPTCP, MPTCP_SUBFLOW_ADDRS)} (Linux 5.16) into one reusable native buffer.
 *
 * <p>The buffer is a {@code struct mptcp_subflow_data} header ({@code size_subflow_data} = 16,
 * {@code size_user} = {@code sizeof(struct mptcp_subflow_addrs)}) followed by an array of
 * {@code struct mptcp_subflow_addrs}; when the connection has more subflows than the buffer holds,
 * a read ({@link org.mptcpj.socket.StreamSocket#subflowAddresses}) grows it and asks again. A read allocates nothing once the buffer is large enough;
 * {@link #local(int)} and {@link #remote(int)} allocate the {@link InetSocketAddress} they return.
 * Native memory comes from an automatic arena. Not thread-safe: use an instance from one thread at
 * a time.
 */
public final class SubflowAddresses {
    /** {@code sizeof(struct mptcp_subflow_addrs)}: two {@code sockaddr_storage} unions. */
    public static final int ELEMENT_SIZE = (int) mptcp_subflow_addrs.sizeof();

    private final SubflowData data;

    /** Creates an instance with room for 2 subflows; it grows when a connection has more. */
    public SubflowAddresses() {
        this(2);
    }

    /**
     * Creates an instance with room for {@code initialCapacity} subflows (0 allowed).
     *
     * @param initialCapacity subflows the buffer holds before it must grow
     * @throws IllegalArgumentException if {@code initialCapacity} is negative
     */
    public SubflowAddresses(int initialCapacity) {
        data = new SubflowData(Linux.MPTCP_SUBFLOW_ADDRS(), "MPTCP_SUBFLOW_ADDRS", ELEMENT_SIZE, initialCapacity);
    }

    /**
     * Reads the subflows' addresses with {@code getsockopt(fd, SOL_MPTCP, MPTCP_SUBFLOW_ADDRS)},
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
    SubflowAddresses read(GuardedFd fd) throws IOException {
        data.read(fd);
        return this;
    }

    /** {@return the number of subflows whose addresses the last read holds} */
    public int count() {
        return data.count();
    }

    /** {@return {@code num_subflows} as the kernel reported it in the last read} */
    public int numSubflows() {
        return data.numSubflows();
    }

    /** {@return how many elements the buffer holds now} */
    public int capacity() {
        return data.capacity();
    }

    /**
     * {@return the local address of subflow {@code index}, or {@code null} for a family other than
     * {@code AF_INET}/{@code AF_INET6}}
     *
     * @param index the subflow, {@code 0 <= index < count()}
     * @throws IndexOutOfBoundsException unless {@code 0 <= index < count()}
     */
    public InetSocketAddress local(int index) {
        // The union's sockaddr_storage member spans both sockaddr_in and sockaddr_in6 (sin_local alone
        // is 16 bytes, too short for an IPv6 address); SockAddrs.read dispatches on the family.
        return SockAddrs.read(mptcp_subflow_addrs.ss_local(data.element(index)));
    }

    /**
     * {@return the remote address of subflow {@code index}, or {@code null} for a family other than
     * {@code AF_INET}/{@code AF_INET6}}
     *
     * @param index the subflow, {@code 0 <= index < count()}
     * @throws IndexOutOfBoundsException unless {@code 0 <= index < count()}
     */
    public InetSocketAddress remote(int index) {
        return SockAddrs.read(mptcp_subflow_addrs.ss_remote(data.element(index)));
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("subflows:").append(count());
        for (int i = 0; i < count(); i++) {
            b.append(" [").append(local(i)).append(" -> ").append(remote(i)).append(']');
        }
        return b.toString();
    }
}
