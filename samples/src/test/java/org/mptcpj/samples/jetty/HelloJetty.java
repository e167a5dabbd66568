package org.mptcpj.samples.jetty;

import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/** A plain Jetty server that knows nothing of MPTCP: it says hello on 127.0.0.1 and an ephemeral port. */
public final class HelloJetty {
    private HelloJetty() {
    }

    public static void main(String[] args) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
                Content.Sink.write(response, true, "hello from Jetty\n", callback);
                return true;
            }
        });
        server.start();
        System.out.println("Jetty listening on 127.0.0.1 port " + connector.getLocalPort());
        System.out.flush();
        server.join();
    }
}
