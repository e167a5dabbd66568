package org.mptcpj.info;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import org.mptcpj.internal.access.InfoViewAccess;
import org.mptcpj.internal.access.SharedSecrets;
import org.mptcpj.internal.sys.GuardedFd;

/**
 * Hands the views' package-private {@code read(GuardedFd)} to the sockets through
 * {@link SharedSecrets}: the public API reads views only through a socket
 * ({@code StreamSocket.mptcpInfo(view)}), never from a descriptor.
 */
final class InfoViews implements InfoViewAccess {
    static {
        SharedSecrets.setInfoViewAccess(MethodHandles.lookup(), new InfoViews());
    }

    private InfoViews() {
    }

    @Override
    public MptcpInfo read(MptcpInfo view, GuardedFd fd) throws IOException {
        return view.read(fd);
    }

    @Override
    public TcpInfo read(TcpInfo view, GuardedFd fd) throws IOException {
        return view.read(fd);
    }

    @Override
    public SubflowTcpInfos read(SubflowTcpInfos view, GuardedFd fd) throws IOException {
        return view.read(fd);
    }

    @Override
    public SubflowAddresses read(SubflowAddresses view, GuardedFd fd) throws IOException {
        return view.read(fd);
    }

    @Override
    public MptcpFullInfo read(MptcpFullInfo view, GuardedFd fd) throws IOException {
        return view.read(fd);
    }
}
