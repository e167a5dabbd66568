package org.mptcpj.agent;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import jdk.net.ExtendedSocketOptions;
import org.mptcpj.option.Keepalive;
import org.mptcpj.socket.AttachedSocket;
import org.mptcpj.socket.StreamSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the hooked JDK socket channels report to: keepalive the program set on a connected MPTCP
 * channel (an accepted one, typically) gets the dead-peer watchdog, as on a {@link StreamSocket}:
 * on MPTCP, kernel keepalive closes dead subflows but the connection itself lives on for
 * {@code net.mptcp.close_timeout} (60 s), unseen by the program.
 *
 * <p>On {@code SO_KEEPALIVE}, {@code TCP_KEEPIDLE}, {@code TCP_KEEPINTERVAL} or {@code TCP_KEEPCOUNT}:
 * the channel is attached ({@link AttachedSocket#attach(int, java.util.function.BooleanSupplier, String)}:
 * a duplicate descriptor, taken inside the JDK's {@code setOption}, which holds the channel's state
 * lock, so the channel's descriptor cannot be closed meanwhile), which enrolls it in the watchdog with
 * the kernel's keepalive settings, re-read at each later keepalive option. The attachment is kept only
 * while the watchdog watches (not for TCP, a client that fell back, keepalive off, or a kernel without
 * the watchdog: kernel keepalive reports the dead peer there itself). When the watchdog gives up, it
 * shuts the socket down: the program reads end of stream. When the program closes the channel,
 * {@link #closing} releases the duplicate before the JDK's {@code close(2)}, so the FIN goes out
 * then. Nothing here throws into the JDK's code: failures are logged at WARN.
 */
final class KeepaliveHandler {
    private static final Logger LOG = LoggerFactory.getLogger(KeepaliveHandler.class);

    private final Map<SocketChannel, AttachedSocket> attached = new ConcurrentHashMap<>(); // JDK channels: identity equality
    private final MethodHandle fdVal;

    /** Needs {@code sun.nio.ch} exported to this class's module. */
    KeepaliveHandler() throws ReflectiveOperationException {
        Class<?> selChImpl = Class.forName("sun.nio.ch.SelChImpl", false, null);
        this.fdVal = MethodHandles.lookup().findVirtual(selChImpl, "getFDVal", MethodType.methodType(int.class))
                .asType(MethodType.methodType(int.class, Object.class));
    }

    /** The program set {@code option} on {@code channel} (called inside the JDK's {@code setOption}, holding its state lock). */
    void optionSet(Object channel, Object option) {
        if (!isKeepaliveOption(option) || !(channel instanceof SocketChannel ch)) {
            return;
        }
        try {
            AttachedSocket a = attached.get(ch);
            if (a == null) {
                attach(ch);
            } else {
                Keepalive k = a.keepalive();
                if (k.enabled()) {
                    a.setKeepalive(k); // the watchdog's schedule follows the new idle time
                } else {
                    release(ch);
                }
            }
        } catch (IOException | RuntimeException | LinkageError e) {
            LOG.warn("{}: keepalive set by the program gets no dead-peer watchdog: {}", ch, e.toString());
        }
    }

    private void attach(SocketChannel ch) throws IOException {
        if (!ch.isConnected()) {
            return; // keepalive set before connect: not an accepted channel; the watchdog needs a connection
        }
        int fd;
        try {
            fd = (int) fdVal.invokeExact((Object) ch);
        } catch (Throwable e) {
            throw new IllegalStateException("SelChImpl.getFDVal()", e);
        }
        AttachedSocket a = AttachedSocket.attach(fd, ch::isOpen, ch.toString());
        if (!a.isPeerDeadDetection()) {
            a.close();
            return;
        }
        attached.put(ch, a);
        if (!ch.isOpen()) {
            release(ch); // closed meanwhile: closing() may have run before the put
            return;
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("{}: keepalive {} watched by the dead-peer watchdog", ch, a.keepalive());
        }
    }

    /** The program closes {@code channel}: called by the JDK before it closes the descriptor. */
    void closing(Object channel) {
        try {
            release(channel);
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("{}: releasing the dead-peer watchdog's descriptor failed: {}", channel, e.toString());
        }
    }

    private void release(Object channel) {
        AttachedSocket a = attached.remove(channel);
        if (a != null) {
            a.close();
        }
    }

    private static boolean isKeepaliveOption(Object option) {
        return option == StandardSocketOptions.SO_KEEPALIVE || option == ExtendedSocketOptions.TCP_KEEPIDLE
                || option == ExtendedSocketOptions.TCP_KEEPINTERVAL || option == ExtendedSocketOptions.TCP_KEEPCOUNT;
    }
}
