package org.mptcpj.socket;

import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.spi.AbstractInterruptibleChannel;
import org.mptcpj.error.SocketClosedByInterruptException;

/**
 * The JDK's interrupt semantics for one socket: {@link Thread#interrupt()} of a thread blocked in a
 * read, write, accept or connect closes the socket, and the blocked call throws a
 * {@link SocketClosedByInterruptException} with the thread's interrupt status left set.
 *
 * <p>{@link AbstractInterruptibleChannel}'s {@code begin()}/{@code end()} are the public hook the
 * JDK's own channels use: {@code begin()} registers this channel's interruptor with the current
 * thread, and {@code Thread.interrupt()} then closes the channel on the interrupting thread
 * ({@link #implCloseChannel()}, which closes the socket: its {@code shutdown(2)} wakes a thread in
 * {@code poll(2)} or a blocking system call, and a parked virtual thread is unparked by the
 * interrupt itself). That works alike for platform and virtual threads. One instance per socket,
 * made on its first blocking wait; {@link #enter()}/{@link #exit(String)} allocate nothing.
 */
final class Interruption extends AbstractInterruptibleChannel {
    private final NativeSocket socket;

    Interruption(NativeSocket socket) {
        this.socket = socket;
    }

    /** The calling thread may now block: an interrupt closes the socket (at once if already interrupted). */
    void enter() {
        begin();
    }

    /**
     * The calling thread no longer blocks.
     *
     * @throws SocketClosedByInterruptException if it was interrupted while blocked (the socket is
     *         then closed), or as it stopped blocking: a wait that an interrupt ended must not look
     *         like a timeout, so that case closes the socket too, as the next {@code begin()} would
     */
    void exit(String operation) throws SocketClosedByInterruptException {
        try {
            end(true);
            if (Thread.currentThread().isInterrupted()) {
                begin(); // the interrupt raced with end(): close now, as the JDK's next call would
                end(true);
            }
        } catch (AsynchronousCloseException e) { // with completed=true only ClosedByInterruptException
            throw new SocketClosedByInterruptException(operation);
        }
    }

    /** Called once, by the interrupting thread or by the interrupted one. */
    @Override
    protected void implCloseChannel() {
        socket.close();
    }
}
