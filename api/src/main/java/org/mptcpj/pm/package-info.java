/**
 * The MPTCP path manager over generic netlink (family {@code mptcp_pm}): endpoints and limits of the
 * in-kernel path manager, per-connection commands of the userspace path manager, and the
 * {@code mptcp_pm_events} event stream, each scoped to a network namespace. Entry point:
 * {@link org.mptcpj.pm.MptcpPathManager}.
 */
package org.mptcpj.pm;
