package org.mptcpj.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.mptcpj.testkit.NamespaceLab;

/** External commands the tests run or use as witnesses ({@code ip}, {@code ss}, {@code sysctl}, {@code gcc}). */
public final class Commands {
    private Commands() {
    }

    /**
     * Runs {@code command} ({@link NamespaceLab#run}); {@return its output, standard error merged}
     *
     * @throws IOException with the output if it exits non-zero or takes over 30 s
     */
    public static String run(String... command) throws IOException {
        return NamespaceLab.run(command);
    }

    /** {@return whether {@code command} (typically {@code tool -V}) runs and exits 0} */
    public static boolean works(String... command) {
        try {
            run(command);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Runs {@code ss} with {@code options} and returns the detail text of the socket
     * {@code local -> peer} whose Netid is {@code netid} ({@code "tcp"} or {@code "mptcp"}; the Netid
     * column exists when more than one kind is listed, so pass both {@code -t} and {@code -M}).
     */
    public static String ss(String netid, InetSocketAddress local, InetSocketAddress peer, String... options)
            throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add("ss");
        cmd.addAll(List.of(options));
        String out = run(cmd.toArray(String[]::new));
        String l = hostPort(local);
        String r = hostPort(peer);
        String[] lines = out.split("\n");
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isEmpty() || Character.isWhitespace(lines[i].charAt(0))) {
                continue;
            }
            List<String> cols = List.of(lines[i].trim().split("\\s+"));
            int at = cols.indexOf(l);
            if (cols.get(0).equals(netid) && at >= 0 && at + 1 < cols.size() && cols.get(at + 1).equals(r)) {
                StringBuilder detail = new StringBuilder();
                for (int j = i + 1; j < lines.length && !lines[j].isEmpty()
                        && Character.isWhitespace(lines[j].charAt(0)); j++) {
                    detail.append(' ').append(lines[j].trim());
                }
                return detail.toString().trim();
            }
        }
        throw new AssertionError("no " + netid + " socket " + l + " -> " + r + " in:\n" + out);
    }

    /** The value after {@code key} (e.g. {@code "token:"}) in ss detail text, up to the next blank. */
    public static String field(String detail, String key) {
        for (String token : detail.split("\\s+")) {
            if (token.startsWith(key)) {
                return token.substring(key.length());
            }
        }
        return null;
    }

    private static String hostPort(InetSocketAddress a) {
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }
}
