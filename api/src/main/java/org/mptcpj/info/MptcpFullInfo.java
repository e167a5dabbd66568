package org.mptcpj.info;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import org.mptcpj.bindings.linux.Linux;
import org.mptcpj.bindings.linux.mptcp_full_info;
import org.mptcpj.bindings.linux.mptcp_subflow_addrs;
import org.mptcpj.bindings.linux.mptcp_subflow_info;
import org.mptcpj.internal.sys.GuardedFd;
import org.mptcpj.internal.sys.SockAddrs;

/**
 * Everything about an MPTCP connection in one call: {@code getsockopt(fd, SOL_MPTCP, MPTCP_FULL_INFO)}
 * (Linux 6.5) returns the connection's {@code struct mptcp_info} together with, per subflow, its id,
 * its addresses ({@code struct mptcp_subflow_info}) and its {@code struct tcp_info}.
 *
 * <p>One native buffer holds the {@code struct mptcp_full_info} and the two arrays it points to
 * ({@code subflow_info} and {@code tcp_info}, {@code size_arrays_user} elements each). The kernel
 * fills {@code num_subflows} with the real number of subflows, copies at most
 * {@code size_arrays_user} elements, each of {@code min(user, kernel)} bytes at that stride (it
 * writes the clamped sizes back into {@code size_sfinfo_user}/{@code size_tcpinfo_user}), and
 * copies {@code min(len - 40, sizeof(struct mptcp_info))} bytes of {@code mptcp_info}. When the
 * connection has more subflows than the arrays hold, a read ({@link org.mptcpj.socket.StreamSocket#fullInfo}) grows the buffer and asks again;
 * once it is large enough a read allocates nothing.
 *
 * <p>{@link #mptcpInfo()} and {@link #tcpInfo(int)} return views into this buffer, valid until the
 * next read (the {@code tcpInfo} flyweight also until the next {@code tcpInfo} call); take a
 * {@code snapshot()} to keep one. Native memory comes from an automatic arena. Not thread-safe: use
 * an instance from one thread at a time.
 */
public final class MptcpFullInfo {
    private static final int HEADER = (int) mptcp_full_info.sizeof();
    private static final int SFINFO_SIZE = (int) mptcp_subflow_info.sizeof();
    private static final int MPTCP_INFO_OFFSET = (int) mptcp_full_info.mptcp_info$offset();
    private static final int MAX_ATTEMPTS = 16;

    private MemorySegment buffer;
    private MemorySegment header;
    private MemorySegment mptcpInfoSlice;
    private MemorySegment sfArray;
    private MemorySegment tcpArray;
    private MemorySegment[] sfElements = new MemorySegment[0];
    private MemorySegment[] tcpElements = new MemorySegment[0];
    private int sfStride = -1;
    private int tcpStride = -1;
    private int capacity;
    private int count;
    private int numSubflows;
    private int sizeTcpinfoKernel;
    private int sizeSfinfoKernel;
    private final MptcpInfo mptcpInfo = MptcpInfo.wrap(MemorySegment.ofArray(new long[0]), 0);
    private final TcpInfo flyweight = TcpInfo.flyweight();

    /** Creates an instance with room for 2 subflows; it grows when a connection has more. */
    public MptcpFullInfo() {
        this(2);
    }

    /**
     * Creates an instance with room for {@code initialCapacity} subflows (0 allowed: the first read
     * then learns the count and grows).
     *
     * @param initialCapacity subflows the buffer holds before it must grow
     * @throws IllegalArgumentException if {@code initialCapacity} is negative
     */
    public MptcpFullInfo(int initialCapacity) {
        if (initialCapacity < 0) {
            throw new IllegalArgumentException("negative capacity " + initialCapacity);
        }
        allocate(initialCapacity);
    }

    private void allocate(int cap) {
        long sfBytes = (long) cap * SFINFO_SIZE;
        long tcpBytes = (long) cap * TcpInfo.SIZE;
        // The struct, then the subflow_info array, then the tcp_info array: all three sizes are
        // multiples of 8, so every element stays 8-byte aligned.
        buffer = Arena.ofAuto().allocate(HEADER + sfBytes + tcpBytes, 8);
        header = buffer.asSlice(0, HEADER);
        sfArray = buffer.asSlice(HEADER, sfBytes);
        tcpArray = buffer.asSlice(HEADER + sfBytes, tcpBytes);
        capacity = cap;
        sfStride = -1;
        tcpStride = -1;
        mptcpInfoSlice = mptcp_full_info.mptcp_info(header);
        mptcpInfo.point(mptcpInfoSlice, 0);
    }

    /**
     * Reads with {@code getsockopt(fd, SOL_MPTCP, MPTCP_FULL_INFO)}, growing the arrays and repeating
     * the call while the connection has more subflows than they hold.
     *
     * @param fd the socket, held (acquired and released) for the duration of the call
     * @return this instance
     * @throws org.mptcpj.error.ErrnoException {@code EOPNOTSUPP} when the socket is not MPTCP, its
     *         connection fell back to plain TCP, or the kernel predates 6.5 (which does not know
     *         {@code MPTCP_FULL_INFO}); {@code EINVAL} if the kernel rejects the request;
     *         {@code EFAULT} if it cannot write the arrays; {@code EBADF}/{@code ENOTSOCK} for a
     *         descriptor that is not a socket. On failure {@link #count()} is 0 and the
     *         {@link #mptcpInfo()} view is empty.
     * @throws org.mptcpj.error.SocketClosedException if {@code fd} was closed
     */
    MptcpFullInfo read(GuardedFd fd) throws IOException {
        count = 0;
        numSubflows = 0;
        mptcpInfo.point(mptcpInfoSlice, 0);
        for (int attempt = 1; ; attempt++) {
            MemorySegment h = header;
            mptcp_full_info.size_tcpinfo_kernel(h, 0);
            mptcp_full_info.size_tcpinfo_user(h, TcpInfo.SIZE);
            mptcp_full_info.size_sfinfo_kernel(h, 0);
            mptcp_full_info.size_sfinfo_user(h, SFINFO_SIZE);
            mptcp_full_info.num_subflows(h, 0);
            mptcp_full_info.size_arrays_user(h, capacity);
            mptcp_full_info.subflow_info(h, sfArray.address());
            mptcp_full_info.tcp_info(h, tcpArray.address());
            int len = Getsockopt.get(fd, Linux.SOL_MPTCP(), Linux.MPTCP_FULL_INFO(), "getsockopt(MPTCP_FULL_INFO)",
                    "MPTCP_FULL_INFO", header, HEADER);
            int num = mptcp_full_info.num_subflows(h);
            if (Integer.compareUnsigned(num, capacity) > 0 && attempt < MAX_ATTEMPTS) {
                allocate(num);
                continue;
            }
            numSubflows = num;
            count = Math.min(num, capacity);
            sizeTcpinfoKernel = mptcp_full_info.size_tcpinfo_kernel(h);
            sizeSfinfoKernel = mptcp_full_info.size_sfinfo_kernel(h);
            int sf = mptcp_full_info.size_sfinfo_user(h);   // clamped by the kernel: the real stride
            int tcp = mptcp_full_info.size_tcpinfo_user(h);
            if (sf != sfStride) {
                sfStride = sf;
                sfElements = slices(sfArray, sf);
            }
            if (tcp != tcpStride) {
                tcpStride = tcp;
                tcpElements = slices(tcpArray, tcp);
            }
            mptcpInfo.point(mptcpInfoSlice, Math.max(0, len - MPTCP_INFO_OFFSET));
            return this;
        }
    }

    private MemorySegment[] slices(MemorySegment array, int stride) {
        MemorySegment[] e = new MemorySegment[stride <= 0 ? 0 : capacity];
        for (int i = 0; i < e.length; i++) {
            e[i] = array.asSlice((long) i * stride, stride);
        }
        return e;
    }

    /**
     * {@return the connection's {@code struct mptcp_info} from the last read, a view into this
     * instance's buffer} The same object after every read; its {@code returnedLength()} is what the
     * kernel copied ({@code optlen - 40}).
     */
    public MptcpInfo mptcpInfo() {
        return mptcpInfo;
    }

    /** {@return the number of subflows the last read holds: {@code min(num_subflows, capacity())}} */
    public int count() {
        return count;
    }

    /** {@return {@code num_subflows}: the connection's real subflow count in the last read} */
    public int numSubflows() {
        return numSubflows;
    }

    /** {@return how many subflows the arrays hold now} */
    public int capacity() {
        return capacity;
    }

    /** {@return bytes of {@code tcp_info} per subflow in the last read: {@code min(ours, the kernel's)}} */
    public int tcpInfoLength() {
        return Math.max(tcpStride, 0);
    }

    /** {@return {@code size_tcpinfo_kernel}: the kernel's {@code sizeof(struct tcp_info)}} */
    public int kernelTcpInfoSize() {
        return sizeTcpinfoKernel;
    }

    /** {@return bytes of {@code mptcp_subflow_info} per subflow in the last read: {@code min(ours, the kernel's)}} */
    public int subflowInfoLength() {
        return Math.max(sfStride, 0);
    }

    /** {@return {@code size_sfinfo_kernel}: the kernel's {@code sizeof(struct mptcp_subflow_info)}} */
    public int kernelSubflowInfoSize() {
        return sizeSfinfoKernel;
    }

    private MemorySegment sf(int index) {
        if (index < 0 || index >= count) {
            throw new IndexOutOfBoundsException("subflow " + index + " of " + count);
        }
        return sfElements[index];
    }

    /**
     * {@return the id of subflow {@code index} ({@code mptcp_subflow_info.id}), unique within the connection}
     *
     * @param index the subflow, {@code 0 <= index < count()}
     * @throws IndexOutOfBoundsException unless {@code 0 <= index < count()}
     */
    public long subflowId(int index) {
        return Integer.toUnsignedLong(mptcp_subflow_info.id(sf(index)));
    }

    /**
     * {@return the local address of subflow {@code index}, or {@code null} for another family than
     * {@code AF_INET}/{@code AF_INET6}}
     *
     * @param index the subflow, {@code 0 <= index < count()}
     * @throws IndexOutOfBoundsException unless {@code 0 <= index < count()}
     */
    public InetSocketAddress localAddress(int index) {
        // sockaddr_storage member of the union: long enough for sockaddr_in6, unlike sin_local.
        return SockAddrs.read(mptcp_subflow_addrs.ss_local(mptcp_subflow_info.addrs(sf(index))));
    }

    /**
     * {@return the remote address of subflow {@code index}, or {@code null} for another family than
     * {@code AF_INET}/{@code AF_INET6}}
     *
     * @param index the subflow, {@code 0 <= index < count()}
     * @throws IndexOutOfBoundsException unless {@code 0 <= index < count()}
     */
    public InetSocketAddress remoteAddress(int index) {
        return SockAddrs.read(mptcp_subflow_addrs.ss_remote(mptcp_subflow_info.addrs(sf(index))));
    }

    /**
     * {@return the shared flyweight {@link TcpInfo}, pointed at subflow {@code index}} Valid until
     * the next call of this method or the next read.
     *
     * @param index the subflow, {@code 0 <= index < count()}
     * @throws IndexOutOfBoundsException unless {@code 0 <= index < count()}
     */
    public TcpInfo tcpInfo(int index) {
        if (index < 0 || index >= count) {
            throw new IndexOutOfBoundsException("subflow " + index + " of " + count);
        }
        flyweight.point(tcpElements[index], tcpStride);
        return flyweight;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder().append(mptcpInfo);
        for (int i = 0; i < count; i++) {
            b.append("\n  subflow id:").append(subflowId(i)).append(' ').append(localAddress(i))
                    .append(" -> ").append(remoteAddress(i)).append(' ').append(tcpInfo(i));
        }
        return b.toString();
    }
}
