package org.mptcpj.samples.keepalive;

/**
 * One connection of the lab: protocol, when keepalive is set, whether the MPTCP dead-peer watchdog
 * runs, and the parameters. Each connection yields two results, the client's and the server's.
 */
record LabScenario(Protocol protocol, boolean afterConnect, boolean watchdog, KeepaliveParams params) {
    enum Protocol {
        TCP("tcp"), MPTCP("mptcp"), FALLBACK("mptcp-fallback");

        final String label;

        Protocol(String label) {
            this.label = label;
        }
    }

    String set() {
        return afterConnect ? "after-connect" : "before-connect";
    }

    /** Everything but MPTCP without the watchdog is expected on the textbook schedule. */
    boolean expectTextbook() {
        return protocol != Protocol.MPTCP || watchdog;
    }

    String name(String side) {
        return protocol.label + "/" + set() + "/" + (watchdog ? "watchdog" : "no-watchdog") + "/" + side + "/i"
                + params.idle() + "c" + params.count() + "n" + params.interval();
    }
}
