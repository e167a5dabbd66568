/**
 * MPTCP and TCP stream sockets over the Foreign Function &amp; Memory API.
 * {@link org.mptcpj.socket.StreamSocket} and {@link org.mptcpj.socket.ServerStreamSocket} are
 * created under an {@link org.mptcpj.socket.MptcpPolicy}; {@link org.mptcpj.socket.MptcpChannels}
 * gives JDK NIO channels whose socket is MPTCP.
 */
package org.mptcpj.socket;
