package org.mptcpj.socket;

import java.io.IOException;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.Pipe;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.AbstractSelector;
import java.nio.channels.spi.SelectorProvider;
import java.util.Set;

/** A SocketChannel of a SelectorProvider that is not the JDK's: nothing in it works. */
final class ForeignChannel extends SocketChannel {
    static final SelectorProvider PROVIDER = new SelectorProvider() {
        @Override public DatagramChannel openDatagramChannel() { throw new UnsupportedOperationException(); }
        @Override public DatagramChannel openDatagramChannel(ProtocolFamily family) { throw new UnsupportedOperationException(); }
        @Override public Pipe openPipe() { throw new UnsupportedOperationException(); }
        @Override public AbstractSelector openSelector() { throw new UnsupportedOperationException(); }
        @Override public ServerSocketChannel openServerSocketChannel() { throw new UnsupportedOperationException(); }
        @Override public SocketChannel openSocketChannel() { return new ForeignChannel(); }
        @Override public String toString() { return "ForeignProvider"; }
    };

    ForeignChannel() {
        super(PROVIDER);
    }

    @Override public SocketChannel bind(SocketAddress local) { throw new UnsupportedOperationException(); }
    @Override public <T> SocketChannel setOption(SocketOption<T> name, T value) { throw new UnsupportedOperationException(); }
    @Override public <T> T getOption(SocketOption<T> name) { throw new UnsupportedOperationException(); }
    @Override public Set<SocketOption<?>> supportedOptions() { return Set.of(); }
    @Override public SocketChannel shutdownInput() { throw new UnsupportedOperationException(); }
    @Override public SocketChannel shutdownOutput() { throw new UnsupportedOperationException(); }
    @Override public java.net.Socket socket() { throw new UnsupportedOperationException(); }
    @Override public boolean isConnected() { return false; }
    @Override public boolean isConnectionPending() { return false; }
    @Override public boolean connect(SocketAddress remote) { throw new UnsupportedOperationException(); }
    @Override public boolean finishConnect() { throw new UnsupportedOperationException(); }
    @Override public SocketAddress getRemoteAddress() { return null; }
    @Override public int read(ByteBuffer dst) { throw new UnsupportedOperationException(); }
    @Override public long read(ByteBuffer[] dsts, int offset, int length) { throw new UnsupportedOperationException(); }
    @Override public int write(ByteBuffer src) { throw new UnsupportedOperationException(); }
    @Override public long write(ByteBuffer[] srcs, int offset, int length) { throw new UnsupportedOperationException(); }
    @Override public SocketAddress getLocalAddress() { return null; }
    @Override protected void implCloseSelectableChannel() { }
    @Override protected void implConfigureBlocking(boolean block) throws IOException { }
}
