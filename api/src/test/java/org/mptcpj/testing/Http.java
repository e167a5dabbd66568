package org.mptcpj.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.mptcpj.socket.StreamSocket;

/** A minimal HTTP/1.1 client over a connected library socket, for tests of servers. */
public final class Http {
    private Http() {
    }

    /** Sends {@code GET path} with {@code Connection: close}; {@return the whole response, read until end of stream} */
    public static String get(StreamSocket s, String path) throws IOException {
        byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        s.write(request, 0, request.length);
        s.setReadTimeout(Duration.ofSeconds(5));
        StringBuilder response = new StringBuilder();
        byte[] buf = new byte[4096];
        for (int n; (n = s.read(buf, 0, buf.length)) > 0; ) {
            response.append(new String(buf, 0, n, StandardCharsets.UTF_8));
        }
        return response.toString();
    }
}
