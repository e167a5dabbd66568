package org.mptcpj.internal.jfr;

import java.io.IOException;
import java.net.InetSocketAddress;
import org.mptcpj.pm.MptcpEvent;
import org.mptcpj.pm.MptcpEventType;
import org.mptcpj.socket.StreamSocket;

/**
 * The library's hooks into JDK Flight Recorder: one call per place where something worth recording
 * happens. Each does nothing unless its event is enabled in a running recording; what the event
 * needs from the socket (addresses, {@code MPTCP_INFO}, keepalive read back) is fetched only then.
 */
public final class JfrEvents {
    /**
     * Whether the event code exists at all: {@code -Dmptcpj.jfr=false} makes every hook a constant
     * false the JIT folds away. It is there to measure that the events cost nothing without a
     * recording ({@code JfrEventBenchmark}); applications have no reason to set it.
     */
    public static final boolean ON = !"false".equals(System.getProperty("mptcpj.jfr"));

    private JfrEvents() {
    }

    /** A connection exists ({@code connect} returned, or {@code accept} made it). */
    public static void connectionEstablished(StreamSocket s) {
        if (!ON) {
            return;
        }
        ConnectionEstablishedEvent e = new ConnectionEstablishedEvent();
        if (e.isEnabled()) {
            e.fill(s);
            e.commit();
        }
    }

    /** Keepalive settings made before the connection existed were applied to it again. */
    public static void keepaliveReapplied(StreamSocket s) {
        if (!ON) {
            return;
        }
        KeepaliveReappliedEvent e = new KeepaliveReappliedEvent();
        if (e.isEnabled()) {
            e.fill(s);
            e.commit();
        }
    }

    /** The dead-peer watchdog failed {@code s}'s I/O with {@code ETIMEDOUT}. */
    public static void deadPeer(StreamSocket s, long graceNanos, long withoutSubflowMillis) {
        if (!ON) {
            return;
        }
        DeadPeerEvent e = new DeadPeerEvent();
        if (e.isEnabled()) {
            e.fill(s, graceNanos, withoutSubflowMillis);
            e.commit();
        }
    }

    /**
     * A path-manager event subscription ({@code subscription}: its namespace, or netlink port)
     * received {@code event}: a {@code PathManagerEvent}, and for subflow events also a
     * {@code SubflowEstablished} or {@code SubflowClosed}.
     */
    public static void pathManagerEvent(String subscription, MptcpEvent event) {
        if (!ON) {
            return;
        }
        PathManagerEventReceived e = new PathManagerEventReceived();
        if (e.isEnabled()) {
            e.fill(subscription, event);
            e.commit();
        }
        if (event.type() == MptcpEventType.SUB_ESTABLISHED) {
            SubflowEstablishedEvent s = new SubflowEstablishedEvent();
            if (s.isEnabled()) {
                s.fill(subscription, event);
                s.commit();
            }
        } else if (event.type() == MptcpEventType.SUB_CLOSED) {
            SubflowClosedEvent s = new SubflowClosedEvent();
            if (s.isEnabled()) {
                s.fill(subscription, event);
                s.commit();
            }
        }
    }

    /** {@return the peer of {@code s}, or null if it has none any more (a reset connection)} */
    static InetSocketAddress peer(StreamSocket s) {
        try {
            return s.remoteAddress();
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * {@return whether {@code s} is MPTCP; false if that can no longer be learnt} (an MPTCP listener's
     * accepted socket closed before anything asked, see {@link StreamSocket#isMptcp()})
     */
    static boolean mptcp(StreamSocket s) {
        try {
            return s.isMptcp();
        } catch (IOException e) {
            return false;
        }
    }

    /** {@return the local end of {@code s}, or null once closed} */
    static InetSocketAddress local(StreamSocket s) {
        try {
            return s.localAddress();
        } catch (IOException e) {
            return null;
        }
    }

    /** {@return {@code a}'s IP address as text, or null} */
    static String ip(InetSocketAddress a) {
        return a == null || a.getAddress() == null ? null : a.getAddress().getHostAddress();
    }
}
