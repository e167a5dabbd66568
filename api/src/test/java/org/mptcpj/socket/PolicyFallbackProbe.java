package org.mptcpj.socket;

import java.io.FileInputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.util.ArrayList;
import java.util.List;
import org.mptcpj.error.ErrnoException;
import org.mptcpj.netns.NetworkNamespace;

/**
 * Child JVM of {@link PolicyFallbackTest}: opens three PREFERRED sockets in a namespace where MPTCP
 * is off (args[0]), then fills every descriptor the process may have and opens one more PREFERRED
 * socket. Prints {@code RESULT\t...} lines; runs under {@code prlimit --nofile} so filling is cheap.
 */
public final class PolicyFallbackProbe {
    public static void main(String[] args) throws Exception {
        NetworkNamespace.call(args[0], () -> {
            for (int i = 0; i < 3; i++) {
                try (StreamSocket s = StreamSocket.open(MptcpPolicy.PREFERRED, StandardProtocolFamily.INET)) {
                    System.out.println("RESULT\tdisabled\t" + s.isMptcp());
                }
            }
            return null;
        });
        // Load what the failure path needs while descriptors are still free.
        Class.forName(ErrnoException.class.getName());
        StreamSocket.open(MptcpPolicy.PREFERRED, StandardProtocolFamily.INET).close();
        List<FileInputStream> fillers = new ArrayList<>();
        try {
            try {
                for (;;) {
                    fillers.add(new FileInputStream("/dev/null"));
                }
            } catch (IOException full) {
                // every descriptor is taken
            }
            String result;
            try (StreamSocket s = StreamSocket.open(MptcpPolicy.PREFERRED, StandardProtocolFamily.INET)) {
                result = "OPENED\t" + s.isMptcp();
            } catch (ErrnoException e) {
                result = "THROWN\t" + e.errnoName() + "\t" + e.getMessage();
            }
            int filled = fillers.size();
            for (FileInputStream f : fillers) {
                f.close();
            }
            fillers.clear();
            System.out.println("RESULT\temfile\t" + result + "\t(" + filled + " descriptors filled)");
        } finally {
            for (FileInputStream f : fillers) {
                f.close();
            }
        }
    }
}
