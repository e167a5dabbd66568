package org.mptcpj.info;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.mptcpj.bindings.linux.Linux;
import org.mptcpj.bindings.linux.mptcp_subflow_data;
import org.mptcpj.internal.sys.GuardedFd;

/**
 * The {@code struct mptcp_subflow_data} protocol of {@code MPTCP_TCPINFO} and {@code MPTCP_SUBFLOW_ADDRS}
 * (net/mptcp/sockopt.c, mptcp_get_subflow_data() and mptcp_put_subflow_data()): the buffer is the
 * 16-byte header followed by {@code capacity} elements. User space sets {@code size_subflow_data}
 * and {@code size_user}; the kernel sets {@code size_user} to {@code min(size_user, its element
 * size)}, copies that many bytes per subflow while they fit in the buffer (packed at that stride),
 * and writes back {@code num_subflows} (all subflows, copied or not), {@code size_kernel} and the
 * total length. When {@code num_subflows} exceeds the capacity the buffer grows and the call is
 * repeated.
 */
final class SubflowData {
    static final int HEADER = (int) mptcp_subflow_data.sizeof();
    /** Retries after growth; subflows are few (the kernel caps them at 8 additional), so two are typical. */
    private static final int MAX_ATTEMPTS = 16;

    private final int optName;
    private final String operation;
    private final String optLabel;
    private final int elementSize;

    private MemorySegment buffer;
    private int capacity;
    /** Element slices at the current stride, built when the buffer or the stride changes. */
    private MemorySegment[] elements = new MemorySegment[0];
    private int stride = -1;
    private int count;
    private int numSubflows;
    private int sizeKernel;

    SubflowData(int optName, String optLabel, int elementSize, int initialCapacity) {
        if (initialCapacity < 0) {
            throw new IllegalArgumentException("negative capacity " + initialCapacity);
        }
        this.optName = optName;
        this.optLabel = optLabel;
        this.operation = "getsockopt(" + optLabel + ")";
        this.elementSize = elementSize;
        allocate(initialCapacity);
    }

    private void allocate(int newCapacity) {
        buffer = Arena.ofAuto().allocate(HEADER + (long) newCapacity * elementSize, 8);
        capacity = newCapacity;
        stride = -1;
        elements = new MemorySegment[0];
    }

    void read(GuardedFd fd) throws IOException {
        count = 0;
        numSubflows = 0;
        for (int attempt = 1; ; attempt++) {
            MemorySegment h = buffer;
            mptcp_subflow_data.size_subflow_data(h, HEADER);
            mptcp_subflow_data.num_subflows(h, 0);
            mptcp_subflow_data.size_kernel(h, 0);
            mptcp_subflow_data.size_user(h, elementSize);
            int len = Getsockopt.get(fd, Linux.SOL_MPTCP(), optName, operation, optLabel, buffer,
                    (int) buffer.byteSize());
            int num = mptcp_subflow_data.num_subflows(h);
            if (Integer.compareUnsigned(num, capacity) > 0 && attempt < MAX_ATTEMPTS) {
                allocate(num);
                continue;
            }
            int s = mptcp_subflow_data.size_user(h); // min(our size_user, size_kernel): the stride
            sizeKernel = mptcp_subflow_data.size_kernel(h);
            numSubflows = num;
            int copied = s <= 0 ? 0 : Math.max(0, len - HEADER) / s;
            count = Math.min(Math.min(num, capacity), copied);
            if (s != stride) {
                slice(s);
            }
            return;
        }
    }

    private void slice(int s) {
        stride = s;
        MemorySegment[] e = new MemorySegment[s <= 0 ? 0 : capacity];
        for (int i = 0; i < e.length; i++) {
            e[i] = buffer.asSlice(HEADER + (long) i * s, s);
        }
        elements = e;
    }

    MemorySegment element(int index) {
        if (index < 0 || index >= count) {
            throw new IndexOutOfBoundsException("subflow " + index + " of " + count);
        }
        return elements[index];
    }

    int count() {
        return count;
    }

    int numSubflows() {
        return numSubflows;
    }

    int capacity() {
        return capacity;
    }

    int stride() {
        return Math.max(stride, 0);
    }

    int sizeKernel() {
        return sizeKernel;
    }
}
