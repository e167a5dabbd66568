package org.mptcpj.pm;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.mptcpj.bindings.linux.Linux;
import org.mptcpj.bindings.linux.pollfd;
import org.mptcpj.error.ErrnoException;
import org.mptcpj.internal.jfr.JfrEvents;
import org.mptcpj.internal.sys.Threads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A subscription to the {@code mptcp_pm_events} multicast group of one network namespace, made by
 * {@link MptcpPathManager#subscribe(MptcpEventListener, int)}.
 *
 * <p>Two library-owned daemon threads: a reader drains the netlink socket as fast as the kernel
 * fills it, decodes each event and offers it to a bounded queue; a delivery thread takes events from
 * the queue and calls the listener. A slow listener therefore never blocks the socket, and nothing
 * is lost silently:
 * <ul>
 *   <li>an event that finds the queue full is dropped and counted in {@link #droppedEvents()};</li>
 *   <li>when the kernel itself drops messages because the socket's receive buffer was full
 *       ({@code recv} fails with {@code ENOBUFS}), that is counted in {@link #overruns()} (one count per
 *       overrun, whatever the number of messages lost in it);</li>
 *   <li>both are logged (at most once a second) through SLF4J logger {@code org.mptcpj.pm.MptcpEventSubscription}.</li>
 * </ul>
 * {@link #close()} stops both threads and closes the socket; events still queued are discarded.
 *
 * <p>If the reader fails (an errno from {@code poll(2)} or {@code recv(2)}, or an unexpected
 * exception), the subscription ends by itself: it closes its socket, {@link #isClosed()} becomes
 * true, {@link #failure()} holds the error, and the listener receives it through
 * {@link MptcpEventListener#onError} after the events queued before it.
 * <p>The reader also records each event as the JFR event {@code org.mptcpj.PathManagerEvent} (and
 * subflow events as {@code org.mptcpj.SubflowEstablished}/{@code SubflowClosed}) when a recording
 * asks for them.
 */
public final class MptcpEventSubscription implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MptcpEventSubscription.class);
    private static final int POLL_MILLIS = 100;
    private static final long LOG_INTERVAL_NANOS = 1_000_000_000L;
    /** Receive buffer requested for the event socket (capped by net.core.rmem_max). */
    private static final int RCVBUF = 1 << 20;

    private final GenlSocket socket;
    private final int familyId;
    private final MptcpEventListener listener;
    private final BlockingQueue<MptcpEvent> queue;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong overruns = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();
    private final AtomicLong received = new AtomicLong();
    private final Thread reader;
    private final Thread delivery;
    private final String name;
    private volatile boolean closed;
    private volatile IOException failure;
    private long lastLog;
    private long loggedDrops;
    private long loggedOverruns;

    MptcpEventSubscription(GenlSocket socket, int familyId, int group, MptcpEventListener listener,
                           int capacity, String name) throws IOException {
        if (capacity < 1) {
            throw new IllegalArgumentException("event queue capacity " + capacity + " must be at least 1");
        }
        this.socket = socket;
        this.familyId = familyId;
        this.listener = listener;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.name = name;
        socket.setInt(Linux.SOL_SOCKET(), Linux.SO_RCVBUF(), RCVBUF, "SO_RCVBUF", true);
        socket.joinGroup(group, Linux.MPTCP_PM_EV_GRP_NAME().getString(0));
        reader = Thread.ofPlatform().daemon(true).name("mptcpj-pm-events-reader-" + name).unstarted(this::readLoop);
        delivery = Thread.ofPlatform().daemon(true).name("mptcpj-pm-events-" + name).unstarted(this::deliveryLoop);
        delivery.start();
        reader.start();
    }

    private void readLoop() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pfd = arena.allocate(pollfd.layout());
            while (!closed) {
                long n;
                try {
                    n = socket.pollMulticast(pfd, POLL_MILLIS, this::onMessage);
                } catch (NetlinkProtocolException e) {
                    malformed.incrementAndGet();
                    LOG.warn("{}: malformed event datagram skipped: {}", name, e.getMessage());
                    continue;
                }
                if (n == -Linux.ENOBUFS()) {
                    overruns.incrementAndGet();
                }
                maybeLog();
            }
        } catch (IOException e) {
            readerFailed(e);
        } catch (RuntimeException | Error e) {
            readerFailed(new IOException(name + ": event reader failed: " + e, e));
        }
    }

    /** Ends the subscription from the reader thread; the delivery thread tells the listener. */
    private void readerFailed(IOException e) {
        if (closed) {
            return; // close() stopped the reader: not a failure
        }
        LOG.error("{}: event reader stopped; the subscription is closed", name, e);
        failure = e;
        closed = true;
        socket.close();
    }

    private void onMessage(int type, int cmd, MemorySegment msg, long from, long to) {
        if (type != familyId) {
            return;
        }
        MptcpEvent event;
        try {
            event = MptcpEvent.parse(cmd, msg, from, to);
        } catch (NetlinkProtocolException e) {
            malformed.incrementAndGet();
            LOG.warn("{}: malformed event skipped: {}", name, e.getMessage());
            return;
        }
        received.incrementAndGet();
        JfrEvents.pathManagerEvent(name, event);
        if (!queue.offer(event)) {
            dropped.incrementAndGet();
        }
    }

    private void maybeLog() {
        long d = dropped.get();
        long o = overruns.get();
        if (d == loggedDrops && o == loggedOverruns) {
            return;
        }
        long now = System.nanoTime();
        if (lastLog != 0 && now - lastLog < LOG_INTERVAL_NANOS) {
            return;
        }
        lastLog = now;
        if (d != loggedDrops) {
            LOG.warn("{}: {} MPTCP events dropped because the listener is slower than the kernel "
                    + "(queue of {} full); {} in total", name, d - loggedDrops, queue.remainingCapacity() + queue.size(), d);
        }
        if (o != loggedOverruns) {
            LOG.warn("{}: netlink receive buffer overrun (ENOBUFS) {} time(s), kernel dropped events; {} in total",
                    name, o - loggedOverruns, o);
        }
        loggedDrops = d;
        loggedOverruns = o;
    }

    private void deliveryLoop() {
        deliverUntilClosed();
        IOException f = failure;
        if (f != null) {
            for (MptcpEvent e; (e = queue.poll()) != null; ) {
                deliver(e);
            }
            try {
                listener.onError(f);
            } catch (RuntimeException | Error t) {
                LOG.warn("{}: MPTCP event listener threw on the reader's failure", name, t);
            }
        }
    }

    private void deliverUntilClosed() {
        while (!closed) {
            MptcpEvent e;
            try {
                e = queue.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException ie) {
                if (closed) {
                    return;
                }
                continue;
            }
            if (e == null || closed) {
                continue;
            }
            deliver(e);
        }
    }

    private void deliver(MptcpEvent e) {
        try {
            listener.onEvent(e);
        } catch (RuntimeException | Error t) {
            LOG.warn("{}: MPTCP event listener threw on {}", name, e, t);
        }
    }

    /** {@return the number of events dropped because the queue to the listener was full} */
    public long droppedEvents() {
        return dropped.get();
    }

    /** {@return how many times the kernel reported a receive-buffer overrun ({@code ENOBUFS}): events were lost before reaching the library} */
    public long overruns() {
        return overruns.get();
    }

    /** {@return the number of malformed event messages skipped} */
    public long malformedEvents() {
        return malformed.get();
    }

    /** {@return the number of events decoded (delivered, queued or dropped)} */
    public long receivedEvents() {
        return received.get();
    }

    /** {@return whether {@link #close()} was called or the reader failed ({@link #failure()})} */
    public boolean isClosed() {
        return closed;
    }

    /** {@return the error that ended the subscription's reader, or empty while it runs or after a plain close()} */
    public Optional<IOException> failure() {
        return Optional.ofNullable(failure);
    }

    /**
     * Stops delivery, waits for the library's threads to end (at most about 100 ms each, unless the
     * listener is busy) and closes the socket. Idempotent. When called from the listener itself it
     * does not wait for the delivery thread.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Threads.joinUninterruptibly(reader);
        socket.close();
        delivery.interrupt();
        if (Thread.currentThread() != delivery) {
            Threads.joinUninterruptibly(delivery);
        }
        queue.clear();
        maybeLogFinal();
    }

    private void maybeLogFinal() {
        if (dropped.get() != loggedDrops || overruns.get() != loggedOverruns) {
            lastLog = 0;
            maybeLog();
        }
    }

    @Override
    public String toString() {
        return "MPTCP event subscription " + name + " (" + socket + ", dropped " + dropped.get()
                + ", overruns " + overruns.get() + ")";
    }
}
