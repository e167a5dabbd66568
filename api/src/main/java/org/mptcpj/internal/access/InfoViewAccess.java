package org.mptcpj.internal.access;

import java.io.IOException;
import org.mptcpj.info.MptcpFullInfo;
import org.mptcpj.info.MptcpInfo;
import org.mptcpj.info.SubflowAddresses;
import org.mptcpj.info.SubflowTcpInfos;
import org.mptcpj.info.TcpInfo;
import org.mptcpj.internal.sys.GuardedFd;

/**
 * The info views' {@code read(GuardedFd)}, package-private in {@code org.mptcpj.info}, for the
 * sockets that own the descriptors ({@code StreamSocket.mptcpInfo(view)} and its siblings). Each
 * method refills {@code view} from {@code fd} and returns it; see the views for the errnos.
 */
public interface InfoViewAccess {
    MptcpInfo read(MptcpInfo view, GuardedFd fd) throws IOException;

    TcpInfo read(TcpInfo view, GuardedFd fd) throws IOException;

    SubflowTcpInfos read(SubflowTcpInfos view, GuardedFd fd) throws IOException;

    SubflowAddresses read(SubflowAddresses view, GuardedFd fd) throws IOException;

    MptcpFullInfo read(MptcpFullInfo view, GuardedFd fd) throws IOException;
}
