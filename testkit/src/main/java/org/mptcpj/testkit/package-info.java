/**
 * Lab tooling for tests, samples and benchmarks, not part of the library's API: namespaces joined
 * by veth paths that can be cut, shaped or made lossy ({@link org.mptcpj.testkit.NamespaceLab}),
 * built with iproute2 and tc. Needs root; uses nothing of the library.
 */
package org.mptcpj.testkit;
