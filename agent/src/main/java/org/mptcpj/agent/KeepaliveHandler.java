package org.mptcpj.agent;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import jdk.net.ExtendedSocketOptions;
import org.mptcpj.option.Options;
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
 * <p>On {@code SO_KEEPALIVE}, {@code TCP_KEEPIDLE}, {@code TCP_KEEPINTERVAL} or {@code TCP_KEEPCOUNT}
 * set on a connected channel whose keepalive is now on (set, or inherited from the listener), the
 * channel is attached ({@link AttachedSocket#attach(int, java.util.function.BooleanSupplier, String)}:
 * a duplicate descriptor, taken inside the JDK's {@code setOption}, which holds the channel's state
 * lock, so the channel's descriptor cannot be closed meanwhile), which enrolls it in the watchdog with
 * the kernel's keepalive settings; a later {@code TCP_KEEPIDLE} is recorded through the attachment
 * (the watchdog's schedule follows it), {@code SO_KEEPALIVE} off releases it. The attachment is kept
 * only while the watchdog watches: a TCP connection (a client that fell back) or a kernel without the
 * watchdog is let go at once and not looked at again (kernel keepalive reports the dead peer there
 * itself). When the watchdog gives up, it shuts the socket down: the program reads end of stream.
 * When the program closes the channel, {@link #closing} releases the duplicate before the JDK's
 * {@code close(2)}, so the FIN goes out then. Nothing here throws into the JDK's code: failures are
 * logged at WARN.
 */
final class KeepaliveHandler {
    private static final Logger LOG = LoggerFactory.getLogger(KeepaliveHandler.class);

    // JDK channels have identity equality
    private final Map<SocketChannel, AttachedSocket> attached = new ConcurrentHashMap<>();
    private final Set<SocketChannel> unwatchable = ConcurrentHashMap.newKeySet();
    private final MethodHandle fdVal;

    /** Needs {@code sun.nio.ch} exported to this class's module. */
    KeepaliveHandler() throws ReflectiveOperationException {
        Class<?> selChImpl = Class.forName("sun.nio.ch.SelChImpl", false, null);
        this.fdVal = MethodHandles.lookup().findVirtual(selChImpl, "getFDVal", MethodType.methodType(int.class))
                .asType(MethodType.methodType(int.class, Object.class));
    }

    /** The program set {@code option} on {@code channel} (called inside the JDK's {@code setOption}, holding its state lock). */
    void optionSet(Object channel, Object option) {
        if (!isKeepaliveOption(option) || !(channel instanceof SocketChannel ch) || !ch.isConnected()
                || unwatchable.contains(ch)) {
            return; // keepalive set before connect: the watchdog needs a connection (accepted channels have one)
        }
        try {
            AttachedSocket a = attached.get(ch);
            boolean on = ch.getOption(StandardSocketOptions.SO_KEEPALIVE); // also inherited from the listener
            if (a == null) {
                if (on) {
                    attach(ch);
                }
            } else if (!on) {
                release(ch);
            } else if (option == ExtendedSocketOptions.TCP_KEEPIDLE) {
                // recorded through the attachment: the watchdog's schedule follows keepalive idle
                a.setOption(Options.TCP_KEEPIDLE, a.getOption(Options.TCP_KEEPIDLE));
            }
        } catch (IOException | RuntimeException | LinkageError e) {
            LOG.warn("{}: keepalive set by the program gets no dead-peer watchdog: {}", ch, e.toString());
        }
    }

    /** Attaches to a connected channel with keepalive on: {@link AttachedSocket} reads keepalive and starts the watchdog. */
    private void attach(SocketChannel ch) throws IOException {
        int fd;
        try {
            fd = (int) fdVal.invokeExact((Object) ch);
        } catch (Throwable e) {
            throw new IllegalStateException("SelChImpl.getFDVal()", e);
        }
        AttachedSocket a = AttachedSocket.attach(fd, ch::isOpen, ch.toString());
        if (a.isPeerDeadDetection()) {
            attached.put(ch, a);
            LOG.debug("{}: keepalive watched by the dead-peer watchdog", ch);
        } else { // TCP, or no watchdog on this kernel: neither changes, so this channel is not looked at again
            LOG.debug("{}: keepalive without the dead-peer watchdog ({})", ch, a.isMptcp() ? "MPTCP, not watched" : "TCP");
            a.close();
            unwatchable.add(ch);
        }
        if (!ch.isOpen()) {
            forget(ch); // closed meanwhile: closing() may have run before the put or add
        }
    }

    /** The program closes {@code channel}: called by the JDK before it closes the descriptor. */
    void closing(Object channel) {
        try {
            forget(channel);
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("{}: releasing the dead-peer watchdog's descriptor failed: {}", channel, e.toString());
        }
    }

    private void forget(Object channel) {
        release(channel);
        unwatchable.remove(channel);
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
