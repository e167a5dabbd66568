package org.mptcpj.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * What a kernel-conformance test measured, as {@code key=value} lines in {@code facts.txt}, for
 * {@code kernels/feature-table.py} to turn into the README's per-kernel requirements table. The
 * directory is {@code -Dmptcpj.kernel.results} (set by {@code kernels/conformance}), else the module's
 * {@code target} (under Maven). Recording is a by-product: the tests assert what {@link KernelFeatures}
 * expects whether or not anyone reads the file.
 */
public final class KernelFacts {
    private KernelFacts() {
    }

    public static synchronized void record(String key, Object value) {
        Path file = Path.of(System.getProperty("mptcpj.kernel.results", "target"), "facts.txt");
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, key + "=" + value + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
