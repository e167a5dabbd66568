package org.mptcpj.pm;

import java.io.IOException;

/**
 * Receives path-manager events, one at a time and in the kernel's order, on the subscription's
 * delivery thread. An exception thrown here is logged and does not end the subscription.
 */
@FunctionalInterface
public interface MptcpEventListener {
    /** Called for each event. */
    void onEvent(MptcpEvent event);

    /**
     * Called once, on the delivery thread after the events received before it, when the
     * subscription ends because its reader failed: an {@link org.mptcpj.error.ErrnoException} from
     * {@code poll(2)} or {@code recv(2)} on the netlink socket, or an {@link IOException} wrapping an
     * unexpected exception. The subscription is closed by then ({@link MptcpEventSubscription#isClosed()},
     * {@link MptcpEventSubscription#failure()}). Never called after {@link MptcpEventSubscription#close()}.
     * The default does nothing (the subscription logs the failure at ERROR).
     */
    default void onError(IOException error) {
    }
}
