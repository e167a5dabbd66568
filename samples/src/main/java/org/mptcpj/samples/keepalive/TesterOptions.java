package org.mptcpj.samples.keepalive;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import org.mptcpj.socket.MptcpPolicy;

/** The keepalive tester's command line. */
record TesterOptions(boolean lab, MptcpPolicy policy, KeepaliveParams params, Duration userTimeout,
                     boolean afterConnect, boolean watchdog, InetSocketAddress target, double scale, boolean json,
                     String cut, double waitMarginSeconds, Path chart) {

    static final String USAGE = """
            usage: keepalive-tester [peer options] [host:port]
                   keepalive-tester --lab [--scale F] [--cut loss|link] [--wait-margin S] [--json] [--chart FILE.svg]

            Peer mode (seed 001's program): connect (to an embedded loopback server when no host:port
            is given), set keepalive, read every value back, wait and report how the connection ended.
              --tcp | --mptcp         protocol (default: --mptcp, falling back to TCP if refused)
              --idle S --count N --interval S   keepalive (default 10, 3, 5)
              --user-timeout MS       also set TCP_USER_TIMEOUT
              --after-connect         set keepalive after connect (default: before)
              --no-watchdog           turn the MPTCP dead-peer watchdog off

            Lab mode (root): two network namespaces through a router namespace; every scenario
            (TCP, MPTCP, MPTCP falling back to TCP; keepalive before/after connect; watchdog on/off;
            client and server side; seed 001's parameter sets scaled by --scale, default 0.2) runs at
            once, the path is cut (100% loss, or a link down), and the tester reports when each side
            saw the error, which errno, and how many probes went out (kernel: tcpi_probes; wire:
            tcpdump, when installed). Exit status 0 only if every scenario expected to be textbook is.
            --chart FILE.svg draws each side's expected and measured detection time.
            """;

    static TesterOptions parse(String[] args) {
        boolean lab = false;
        MptcpPolicy policy = MptcpPolicy.PREFERRED;
        int idle = 10;
        int count = 3;
        int interval = 5;
        Duration userTimeout = null;
        boolean after = false;
        boolean watchdog = true;
        InetSocketAddress target = null;
        double scale = 0.2;
        boolean json = false;
        String cut = "loss";
        double margin = 10;
        Path chart = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--lab" -> lab = true;
                case "--tcp" -> policy = MptcpPolicy.DISABLED;
                case "--mptcp" -> policy = MptcpPolicy.PREFERRED;
                case "--idle" -> idle = Integer.parseInt(value(args, ++i, a));
                case "--count" -> count = Integer.parseInt(value(args, ++i, a));
                case "--interval" -> interval = Integer.parseInt(value(args, ++i, a));
                case "--user-timeout" -> userTimeout = Duration.ofMillis(Long.parseLong(value(args, ++i, a)));
                case "--after-connect" -> after = true;
                case "--no-watchdog" -> watchdog = false;
                case "--scale" -> scale = Double.parseDouble(value(args, ++i, a));
                case "--json" -> json = true;
                case "--cut" -> cut = value(args, ++i, a);
                case "--wait-margin" -> margin = Double.parseDouble(value(args, ++i, a));
                case "--chart" -> chart = Path.of(value(args, ++i, a));
                case "-h", "--help" -> throw new IllegalArgumentException("");
                default -> {
                    if (a.startsWith("-") || target != null) {
                        throw new IllegalArgumentException("unknown argument " + a);
                    }
                    int colon = a.lastIndexOf(':');
                    if (colon < 0) {
                        throw new IllegalArgumentException("target must be host:port, got " + a);
                    }
                    target = new InetSocketAddress(a.substring(0, colon).replaceAll("^\\[|\\]$", ""),
                            Integer.parseInt(a.substring(colon + 1)));
                }
            }
        }
        if (!cut.equals("loss") && !cut.equals("link")) {
            throw new IllegalArgumentException("--cut must be loss or link, got " + cut);
        }
        if (scale <= 0 || scale > 10) {
            throw new IllegalArgumentException("--scale must be in (0, 10], got " + scale);
        }
        return new TesterOptions(lab, policy, new KeepaliveParams(idle, count, interval), userTimeout, after, watchdog,
                target, scale, json, cut, margin, chart);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }
}
