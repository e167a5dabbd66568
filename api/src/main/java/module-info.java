/**
 * Multipath TCP and TCP keepalive for Java, over the Foreign Function &amp; Memory API.
 * <ul>
 *   <li>{@link org.mptcpj.socket}: MPTCP and TCP stream sockets, the MPTCP policy, NIO interop</li>
 *   <li>{@link org.mptcpj.option}: typed socket options and the keepalive value</li>
 *   <li>{@link org.mptcpj.info}: zero-copy views of MPTCP_INFO, TCP_INFO and per-subflow data</li>
 *   <li>{@link org.mptcpj.error}: errno-carrying exceptions</li>
 *   <li>{@link org.mptcpj.netns}: sockets inside named network namespaces</li>
 * </ul>
 * All native calls live in the internal package {@code org.mptcpj.internal.sys}; the JDK Flight
 * Recorder events ({@code org.mptcpj.*}) in {@code org.mptcpj.internal.jfr}.
 *
 * <p>Arguments: a {@code null} passed to a constructor or method of these packages throws a
 * {@link java.lang.NullPointerException} whose message is the parameter's name, before anything
 * else happens, unless the parameter's Javadoc says what {@code null} means. Timeouts follow the
 * JDK's rule: {@link java.time.Duration#ZERO} means no limit, a negative duration is an
 * {@link java.lang.IllegalArgumentException}.
 */
module org.mptcpj {
    requires org.mptcpj.bindings;
    requires org.slf4j;
    requires jdk.jfr;

    exports org.mptcpj.socket;
    exports org.mptcpj.option;
    exports org.mptcpj.error;
    exports org.mptcpj.netns;
    exports org.mptcpj.pm;
    exports org.mptcpj.info;
}
