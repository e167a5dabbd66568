package org.mptcpj.layout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.mptcpj.testing.Require;

/**
 * Proves the generated layouts (and the one hand-written, {@code struct epoll_event}) and constants
 * against gcc: every field of every bound struct and
 * every bound constant, first against the project's headers (what jextract read), then against
 * the distribution's own headers wherever they know the item (an independent source).
 */
class LayoutTest {
    private static BoundItems items;
    private static Map<String, String> java;

    @BeforeAll
    static void load() throws IOException {
        Require.that(CProbe.gccAvailable(), "gcc is not installed: the layout probe needs it");
        items = BoundItems.load(BoundItems.headersDir());
        java = items.javaValues();
    }

    /**
     * Where jextract's layout knowingly differs from C, with the C value it must still match.
     * jextract 22 ignores {@code __attribute__((aligned(8)))} on struct mptcp_subflow_data: the size
     * (16) is right, and the API allocates these buffers 8-aligned itself.
     */
    private static final Map<String, String> KNOWN_JEXTRACT_DEVIATIONS = Map.of(
            "struct mptcp_subflow_data alignof", "8");

    /** Mismatches between the Java values and a probe's, one line each naming the struct and field. */
    private static List<String> mismatches(Map<String, String> c, String prefix) {
        List<String> out = new ArrayList<>();
        java.forEach((key, value) -> {
            String expected = KNOWN_JEXTRACT_DEVIATIONS.getOrDefault(key, value);
            if (key.startsWith(prefix) && c.containsKey(key) && !c.get(key).equals(expected)) {
                out.add(key + ": Java " + expected + ", C " + c.get(key));
            }
        });
        return out;
    }

    @TestFactory
    Stream<DynamicTest> projectHeaders(@TempDir Path work) throws Exception {
        CProbe.Result c = CProbe.run(items, items.headers().resolve("mptcpj.h"),
                List.of(items.headers().resolve("include")), false, work);
        assertEquals(java.keySet(), c.values().keySet(), "the probe must print every bound item");
        Stream<DynamicTest> structs = items.aggregates().stream().map(a -> DynamicTest.dynamicTest(
                a.cType() + " (" + a.fields().size() + " fields)", () -> {
                    List<String> bad = mismatches(c.values(), a.cType() + " ");
                    bad.addAll(mismatches(c.values(), a.cType() + "."));
                    assertTrue(bad.isEmpty(), String.join("\n", bad));
                }));
        Stream<DynamicTest> constants = Stream.of(DynamicTest.dynamicTest(
                items.constants().size() + " constants", () -> {
                    List<String> bad = mismatches(c.values(), "constant ");
                    assertTrue(bad.isEmpty(), String.join("\n", bad));
                }));
        return Stream.concat(structs, constants);
    }

    @Test
    void systemHeadersAgreeWhereTheyKnowTheItem(@TempDir Path work) throws Exception {
        CProbe.Result c = CProbe.run(items, items.headers().resolve("mptcpj.h"), List.of(), true, work);
        List<String> bad = new ArrayList<>();
        int compared = 0;
        for (Map.Entry<String, String> e : java.entrySet()) {
            String key = e.getKey();
            if (!c.values().containsKey(key) || grownStructSize(key, c)) {
                continue;
            }
            compared++;
            if (!c.values().get(key).equals(KNOWN_JEXTRACT_DEVIATIONS.getOrDefault(key, e.getValue()))) {
                bad.add(key + ": Java " + e.getValue() + ", system headers " + c.values().get(key));
            }
        }
        System.out.println("layout vs system headers: " + compared + " items compared, " + c.missing().size()
                + " newer than the system headers in: " + c.missing().stream()
                        .map(LayoutTest::itemName).distinct().toList());
        assertTrue(bad.isEmpty(), String.join("\n", bad));
        // The system headers know most of what we bind; if they suddenly knew nothing, the test would be vacuous.
        assertTrue(compared > java.size() / 2, "only " + compared + " of " + java.size() + " items compared");
    }

    /** "constant X" to "X", "struct s.f offsetof" and "struct s sizeof" to "struct s". */
    private static String itemName(String key) {
        if (key.startsWith("constant ")) {
            return key.substring("constant ".length());
        }
        int dot = key.indexOf('.');
        return dot > 0 ? key.substring(0, dot) : key.substring(0, key.lastIndexOf(' '));
    }

    /** A struct that grew since the system headers legitimately has another size there. */
    private static boolean grownStructSize(String key, CProbe.Result c) {
        if (!key.endsWith(" sizeof") || key.contains(".")) {
            return false;
        }
        String type = key.substring(0, key.length() - " sizeof".length());
        return c.missing().stream().anyMatch(m -> m.startsWith(type + "."));
    }

    @Test
    void probeCatchesAWrongOffset(@TempDir Path work) throws Exception {
        // A copy of the headers where one field of struct mptcp_info is widened from __u8 to __u16.
        Path copy = work.resolve("headers");
        copyTree(items.headers(), copy);
        Path mptcp = copy.resolve("include/linux/mptcp.h");
        String text = Files.readString(mptcp);
        String altered = text.replace("__u8\tmptcpi_subflows_max;", "__u16\tmptcpi_subflows_max;");
        if (altered.equals(text)) {
            fail("the field to alter was not found in " + mptcp);
        }
        Files.writeString(mptcp, altered);
        Path probeDir = Files.createDirectory(work.resolve("probe"));
        CProbe.Result c = CProbe.run(items, copy.resolve("mptcpj.h"), List.of(copy.resolve("include")), false, probeDir);
        List<String> bad = mismatches(c.values(), "struct mptcp_info.");
        assertTrue(bad.contains("struct mptcp_info.mptcpi_subflows_max sizeof: Java 1, C 2"), String.join("\n", bad));
        assertTrue(bad.contains("struct mptcp_info.mptcpi_subflows_max offsetof: Java 3, C 4"),
                String.join("\n", bad));
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
