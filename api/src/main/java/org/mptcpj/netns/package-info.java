/** Network namespaces: create sockets inside a named namespace ({@code ip netns}) from any thread. */
package org.mptcpj.netns;
