package org.mptcpj.agent;

/**
 * A test agent that runs before mptcpj's and loads the JDK's {@code SocketChannelImpl}, as another
 * agent or early code might: mptcpj's agent must then retransform it.
 */
public final class LoadsSocketChannelImpl {
    private LoadsSocketChannelImpl() {
    }

    public static void premain(String args) throws ClassNotFoundException {
        Class.forName(SocketChannelTransformer.TARGET.replace('/', '.'));
    }
}
