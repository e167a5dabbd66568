package org.mptcpj.consumer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import org.mptcpj.info.MptcpInfo;
import org.mptcpj.info.TcpInfo;
import org.mptcpj.socket.MptcpPolicy;
import org.mptcpj.socket.ServerStreamSocket;
import org.mptcpj.socket.StreamSocket;

/**
 * One loopback connection under {@link MptcpPolicy#PREFERRED}: a message sent and echoed back, then
 * the kernel's views of the client socket read through the library.
 */
public final class LoopbackEcho {
    private LoopbackEcho() {
    }

    /**
     * What the connection did.
     *
     * @param echoed the bytes that came back
     * @param multipath whether the client's connection is multipath
     * @param tcpState the first subflow's TCP state from {@code TCP_INFO}
     * @param mptcpToken the connection's token from {@code MPTCP_INFO} (0 when not multipath)
     */
    public record Result(byte[] echoed, boolean multipath, String tcpState, long mptcpToken) {
    }

    /** Connects to a listener on {@code 127.0.0.1}, echoes {@code message} and reads the info views. */
    public static Result run(byte[] message) throws IOException {
        try (ServerStreamSocket listener = ServerStreamSocket.open(MptcpPolicy.PREFERRED, StandardProtocolFamily.INET)
                     .bind(new InetSocketAddress("127.0.0.1", 0), 1);
             StreamSocket client = StreamSocket.open(MptcpPolicy.PREFERRED, StandardProtocolFamily.INET)
                     .connect(listener.localAddress(), Duration.ofSeconds(5));
             StreamSocket server = listener.accept()) {
            client.write(message, 0, message.length);
            byte[] buffer = new byte[message.length];
            readFully(server, buffer);
            server.write(buffer, 0, buffer.length);
            byte[] echoed = new byte[message.length];
            readFully(client, echoed);
            boolean multipath = client.isMultipath();
            String state = client.tcpInfo(new TcpInfo()).stateName();
            long token = multipath ? client.mptcpInfo(new MptcpInfo()).token() : 0;
            return new Result(echoed, multipath, state, token);
        }
    }

    private static void readFully(StreamSocket s, byte[] into) throws IOException {
        for (int at = 0; at < into.length; ) {
            int n = s.read(into, at, into.length - at);
            if (n < 0) {
                throw new IOException("end of stream after " + at + " of " + into.length + " bytes");
            }
            at += n;
        }
    }

    /** Prints what one echo did (stdout), e.g. {@code multipath true, state ESTAB, token 1a2b3c4d}. */
    public static void main(String[] args) throws IOException {
        byte[] message = "hello over mptcpj".getBytes(StandardCharsets.UTF_8);
        Result r = run(message);
        if (!Arrays.equals(message, r.echoed())) {
            throw new IOException("echo differs: " + new String(r.echoed(), StandardCharsets.UTF_8));
        }
        System.out.printf("module %s, multipath %b, state %s, token %x%n",
                StreamSocket.class.getModule().getName(), r.multipath(), r.tcpState(), r.mptcpToken());
    }
}
