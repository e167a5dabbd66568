package org.mptcpj.pm;

/**
 * Receives path-manager events, one at a time and in the kernel's order, on the subscription's
 * delivery thread. An exception thrown here is logged and does not end the subscription.
 */
@FunctionalInterface
public interface MptcpEventListener {
    /** Called for each event. */
    void onEvent(MptcpEvent event);
}
