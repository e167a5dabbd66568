package org.mptcpj.socket;

import java.io.IOException;
import java.time.Duration;
import org.mptcpj.option.NativeOption;
import org.mptcpj.option.Options;

/**
 * The keepalive options an application set on a socket, remembered so they can be applied again
 * once an MPTCP connection exists.
 *
 * <p>Why: before upstream commit 648de37416b3 ("mptcp: propagate sockopts ... SO_KEEPALIVE", Linux
 * 6.17, backported to 6.16, 6.12, 6.6 and 6.1 stable), {@code SO_KEEPALIVE} set on an MPTCP socket
 * before {@code connect()}, or on a listener, was not propagated to the first subflow, so keepalive
 * silently never ran. Setting the same values again on the connected socket arms it on every kernel;
 * on fixed kernels it costs four system calls once per connection.
 */
final class KeepaliveSettings {
    /** What a socket that set no keepalive option has: nothing (never recorded into). */
    static final KeepaliveSettings NONE = new KeepaliveSettings();

    private volatile Boolean enabled;
    private volatile Duration idle;
    private volatile Duration interval;
    private volatile Integer count;

    /** {@return whether {@code option} is one of the four this class records} */
    static boolean covers(NativeOption<?> option) {
        return option == Options.SO_KEEPALIVE || option == Options.TCP_KEEPIDLE || option == Options.TCP_KEEPINTVL
                || option == Options.TCP_KEEPCNT;
    }

    /** Records a setting; writes (volatile, so a fence) only when the value changes. */
    void record(NativeOption<?> option, Object value) {
        if (option == Options.SO_KEEPALIVE) {
            if (!value.equals(enabled)) {
                enabled = (Boolean) value;
            }
        } else if (option == Options.TCP_KEEPIDLE) {
            if (!value.equals(idle)) {
                idle = (Duration) value;
            }
        } else if (option == Options.TCP_KEEPINTVL) {
            if (!value.equals(interval)) {
                interval = (Duration) value;
            }
        } else if (option == Options.TCP_KEEPCNT) {
            if (!value.equals(count)) {
                count = (Integer) value;
            }
        }
    }

    /** {@return whether the application switched keepalive on} */
    boolean enabled() {
        return Boolean.TRUE.equals(enabled);
    }

    /** {@return the keepalive idle time the application set, or null} */
    Duration idle() {
        return idle;
    }

    /** {@return whether nothing was set} */
    boolean isEmpty() {
        return enabled == null && idle == null && interval == null && count == null;
    }

    /**
     * Applies every recorded setting to {@code target} (the connected or accepted socket), the idle
     * time after the interval for the reason {@link NativeSocket#setKeepalive} gives.
     */
    void applyTo(NativeSocket target) throws IOException {
        if (interval != null) {
            target.setOption(Options.TCP_KEEPINTVL, interval);
        }
        if (count != null) {
            target.setOption(Options.TCP_KEEPCNT, count);
        }
        if (idle != null) {
            target.setOption(Options.TCP_KEEPIDLE, idle);
        }
        if (enabled != null) {
            target.setOption(Options.SO_KEEPALIVE, enabled);
        }
    }
}
