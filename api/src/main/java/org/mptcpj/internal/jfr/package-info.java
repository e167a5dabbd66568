/**
 * JDK Flight Recorder events of the library, all in the {@code org.mptcpj.*} namespace, and the one
 * switch that compiles them out ({@link org.mptcpj.internal.jfr.JfrEvents#ON}).
 *
 * <ul>
 *   <li>{@code org.mptcpj.SocketRead}, {@code org.mptcpj.SocketWrite}: the equivalents of
 *       {@code jdk.SocketRead}/{@code jdk.SocketWrite} for this library's sockets (same fields, same
 *       20 ms default threshold, a stack trace);</li>
 *   <li>{@code org.mptcpj.ConnectionEstablished}: multipath or not, and why not;</li>
 *   <li>{@code org.mptcpj.KeepaliveReapplied}: keepalive set again on a new MPTCP connection;</li>
 *   <li>{@code org.mptcpj.DeadPeer}: the dead-peer watchdog failed a connection;</li>
 *   <li>{@code org.mptcpj.PathManagerEvent}, {@code org.mptcpj.SubflowEstablished},
 *       {@code org.mptcpj.SubflowClosed}: what an open path-manager event subscription received.</li>
 * </ul>
 *
 * They are configured the JFR way: {@code -XX:StartFlightRecording}, a {@code .jfc} file, or
 * {@code jdk.jfr.Recording.enable("org.mptcpj.SocketRead").withThreshold(...)}. When no recording
 * runs, each hook is a constant-false check the JIT removes.
 */
package org.mptcpj.internal.jfr;
