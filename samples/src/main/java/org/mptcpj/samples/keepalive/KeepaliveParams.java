package org.mptcpj.samples.keepalive;

import java.time.Duration;
import org.mptcpj.option.Keepalive;

/**
 * One keepalive parameter set: idle, count, interval in whole seconds. Seed 001's sets, scaled
 * down by a factor so a lab run finishes quickly; scaling rounds to whole seconds (the kernel's unit)
 * and never below one.
 */
record KeepaliveParams(int idle, int count, int interval) {
    /** The parameter sets of the 2005 test runs (seed 001): idle/count/interval in seconds. */
    static final KeepaliveParams[] SEED_001 = {
        new KeepaliveParams(10, 3, 5), new KeepaliveParams(10, 6, 10), new KeepaliveParams(60, 6, 10)};

    KeepaliveParams scaled(double factor) {
        return new KeepaliveParams(scale(idle, factor), count, scale(interval, factor));
    }

    private static int scale(int seconds, double factor) {
        return (int) Math.max(1, Math.round(seconds * factor));
    }

    Keepalive keepalive() {
        return Keepalive.of(Duration.ofSeconds(idle), Duration.ofSeconds(interval), count);
    }

    /** {@return the textbook time from the last activity to the error: idle + count x interval} */
    double expectedSeconds() {
        return idle + (double) count * interval;
    }

    @Override
    public String toString() {
        return "idle " + idle + " s, count " + count + ", interval " + interval + " s";
    }
}
