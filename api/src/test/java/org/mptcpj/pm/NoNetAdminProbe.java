package org.mptcpj.pm;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import org.mptcpj.error.ErrnoException;

/**
 * The child process of {@link PermissionTest}: started without {@code CAP_NET_ADMIN}, it opens the
 * path manager of the namespace named by {@code args[0]}, tries read and write commands and prints
 * one line per command, tab-separated: {@code RESULT op OK value} or
 * {@code RESULT op FAIL exception-class errno message}. The first line is {@code CAPEFF hex} (the
 * effective capability set, from {@code /proc/self/status}).
 */
public final class NoNetAdminProbe {
    private NoNetAdminProbe() {
    }

    @FunctionalInterface
    private interface Op {
        Object run() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("CapEff:")) {
                System.out.println("CAPEFF\t" + line.substring("CapEff:".length()).trim());
            }
        }
        try (MptcpPathManager pm = MptcpPathManager.open(args[0])) {
            InetAddress a = InetAddress.getByName("10.99.0.1");
            attempt("limits", pm::limits);
            attempt("endpoints", pm::endpoints);
            attempt("addEndpoint", () -> pm.addEndpoint(new Endpoint(0, a, 0, 0, EnumSet.of(EndpointFlag.SIGNAL))));
            attempt("setLimits", () -> {
                pm.setLimits(new Limits(5, 5));
                return null;
            });
            attempt("setEndpointFlags", () -> {
                pm.setEndpointFlags(1, EnumSet.of(EndpointFlag.BACKUP));
                return null;
            });
            attempt("deleteEndpoint", () -> {
                pm.deleteEndpoint(1);
                return null;
            });
            attempt("createSubflow", () -> { // userspace PM command; the permission check comes before the token's
                pm.createSubflow(1, new Endpoint(0, a, 0, 0, EnumSet.noneOf(EndpointFlag.class)),
                        new java.net.InetSocketAddress("10.99.0.3", 80));
                return null;
            });
            attempt("flushEndpoints", () -> {
                pm.flushEndpoints();
                return null;
            });
        }
        System.out.flush();
    }

    private static void attempt(String name, Op op) {
        String line;
        try {
            line = "OK\t" + op.run();
        } catch (Exception e) {
            line = "FAIL\t" + e.getClass().getName() + "\t" + (e instanceof ErrnoException x ? x.errno() : -1)
                    + "\t" + e.getMessage();
        }
        System.out.println("RESULT\t" + name + "\t" + line.replace('\n', ' '));
    }
}
