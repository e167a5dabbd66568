/**
 * Exceptions: {@link org.mptcpj.error.ErrnoException} for every failed system call (operation,
 * errno name, number and text), {@link org.mptcpj.error.SocketClosedException} for use after close,
 * {@link org.mptcpj.error.MptcpUnavailableException} when MPTCP is required and refused. Invalid
 * argument values are rejected before any system call with {@link java.lang.IllegalArgumentException}.
 */
package org.mptcpj.error;
