/**
 * Typed socket options ({@link org.mptcpj.option.Options}), each carrying its level, name, Java
 * type, unit and kernel bounds, and the {@link org.mptcpj.option.Keepalive} value applied and read
 * back as one unit. Out-of-range values are rejected before the system call with an
 * {@link java.lang.IllegalArgumentException} naming the option, the value and the bound.
 */
package org.mptcpj.option;
