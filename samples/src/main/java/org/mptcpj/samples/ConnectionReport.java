package org.mptcpj.samples;

import java.io.IOException;
import java.io.PrintStream;
import org.mptcpj.error.ErrnoException;
import org.mptcpj.info.MptcpFullInfo;
import org.mptcpj.info.MptcpInfo;
import org.mptcpj.info.TcpInfo;
import org.mptcpj.socket.StreamSocket;

/** Prints what the kernel says about a connection, in the style of {@code ss -Mti}. */
public final class ConnectionReport {
    private ConnectionReport() {
    }

    public static void print(StreamSocket socket, PrintStream out) throws IOException {
        if (!socket.isMultipath()) {
            out.printf("tcp_info     %s%n", socket.tcpInfo(new TcpInfo()));
            return;
        }
        MptcpInfo info = socket.mptcpInfo(new MptcpInfo());
        out.printf("mptcp_info   (%d bytes from the kernel) %s%n", info.returnedLength(), info);
        try {
            MptcpFullInfo full = socket.fullInfo(new MptcpFullInfo());
            for (int i = 0; i < full.count(); i++) {
                out.printf("subflow %d    id %d  %s -> %s%n             %s%n", i, full.subflowId(i),
                        full.localAddress(i), full.remoteAddress(i), full.tcpInfo(i));
            }
        } catch (ErrnoException e) {
            out.printf("full_info    unavailable: %s%n", e.getMessage()); // kernels before 6.5
        }
    }
}
