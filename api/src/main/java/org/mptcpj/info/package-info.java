/**
 * Zero-copy views of the kernel's connection statistics, read with {@code getsockopt(2)}:
 * <ul>
 *   <li>{@link org.mptcpj.info.MptcpInfo}: {@code struct mptcp_info} ({@code SOL_MPTCP, MPTCP_INFO}, Linux 5.16)</li>
 *   <li>{@link org.mptcpj.info.TcpInfo}: {@code struct tcp_info} ({@code SOL_TCP, TCP_INFO}), also the
 *       per-subflow elements of the two classes below</li>
 *   <li>{@link org.mptcpj.info.SubflowTcpInfos}: every subflow's {@code tcp_info} ({@code MPTCP_TCPINFO}, 5.16)</li>
 *   <li>{@link org.mptcpj.info.SubflowAddresses}: every subflow's addresses ({@code MPTCP_SUBFLOW_ADDRS}, 5.16)</li>
 *   <li>{@link org.mptcpj.info.MptcpFullInfo}: all of it in one call ({@code MPTCP_FULL_INFO}, 6.5)</li>
 * </ul>
 *
 * <p><b>Memory.</b> Each instance owns a native buffer from {@link java.lang.foreign.Arena#ofAuto()},
 * allocated once (and again only when a connection has more subflows than it holds); the garbage
 * collector frees it with the instance. A {@code read} fills the buffer in place and allocates
 * nothing once warm; getters read the native memory directly through the jextract-generated
 * accessors. Views are reusable but not thread-safe: one thread at a time may use an instance, and
 * values meant to outlive the next read are taken with {@code snapshot()}, an immutable heap copy.
 *
 * <p><b>Versions.</b> The kernel copies {@code min(user length, its struct size)} bytes and reports
 * the length, so an older kernel returns a shorter struct. Fields every supported kernel returns
 * have primitive getters; later ones are {@link java.util.OptionalLong}/{@link java.util.OptionalInt},
 * empty when the kernel did not return them; {@code has(Field)} and {@code returnedLength()} tell
 * presence explicitly.
 *
 * <p><b>Errors.</b> A failed call raises an {@link org.mptcpj.error.ErrnoException} naming the option.
 * All {@code SOL_MPTCP} options fail with {@code EOPNOTSUPP} on a plain TCP socket and on an MPTCP
 * socket whose connection fell back to TCP: callers use that errno to detect fallback.
 */
package org.mptcpj.info;
