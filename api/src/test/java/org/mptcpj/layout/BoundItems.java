package org.mptcpj.layout;

import java.io.IOException;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.PaddingLayout;
import java.lang.foreign.UnionLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What jextract was asked to bind (read from {@code native-headers/jextract.args}) and what the
 * generated Java says about each item: struct sizes, alignments, field offsets and sizes, constant
 * values. This is the Java side of the layout comparison; {@link CProbe} is the C side.
 */
record BoundItems(Path headers, List<Aggregate> aggregates, List<String> constants) {
    static final String PACKAGE = "org.mptcpj.bindings.linux";

    /** A struct or union and its fields, flattened through anonymous members. */
    record Aggregate(String keyword, String name, long size, long alignment, List<Field> fields) {
        String cType() {
            return keyword + " " + name;
        }
    }

    record Field(String name, long offset, long size) {
    }

    static Path headersDir() {
        String env = System.getenv("MPTCPJ_NATIVE_HEADERS");
        Path dir = env != null ? Path.of(env) : Path.of("..", "native-headers");
        if (!Files.isRegularFile(dir.resolve("jextract.args"))) {
            throw new IllegalStateException("native-headers/ not found at " + dir.toAbsolutePath());
        }
        return dir.toAbsolutePath().normalize();
    }

    /**
     * Structs the library lays out by hand because jextract cannot (C name to the class holding its
     * {@code LAYOUT}): checked against gcc like every generated one.
     */
    private static final Map<String, String> HAND_WRITTEN = Map.of(
            "epoll_event", "org.mptcpj.internal.sys.EpollEvent"); // packed on x86_64

    static BoundItems load(Path headers) throws IOException {
        List<String> lines = Files.readAllLines(headers.resolve("jextract.args")).stream()
                .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        List<Aggregate> aggregates = new ArrayList<>();
        List<String> constants = new ArrayList<>();
        for (int i = 0; i + 1 < lines.size(); i++) {
            switch (lines.get(i)) {
                case "--include-struct" -> aggregates.add(aggregate("struct", lines.get(++i)));
                case "--include-union" -> aggregates.add(aggregate("union", lines.get(++i)));
                case "--include-constant" -> constants.add(lines.get(++i));
                default -> { }
            }
        }
        HAND_WRITTEN.forEach((name, holder) -> aggregates.add(handWritten(name, holder)));
        return new BoundItems(headers, aggregates, constants);
    }

    private static Aggregate aggregate(String keyword, String name) {
        GroupLayout layout;
        try {
            layout = (GroupLayout) Class.forName(PACKAGE + "." + name).getMethod("layout").invoke(null);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("jextract.args lists " + keyword + " " + name + " but bindings/ has no class for it", e);
        }
        return aggregate(keyword, name, layout);
    }

    private static Aggregate handWritten(String name, String holder) {
        try {
            return aggregate("struct", name, (GroupLayout) Class.forName(holder).getField("LAYOUT").get(null));
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("no LAYOUT in " + holder + " for struct " + name, e);
        }
    }

    private static Aggregate aggregate(String keyword, String name, GroupLayout layout) {
        List<Field> fields = new ArrayList<>();
        flatten(layout, 0, fields);
        return new Aggregate(keyword, name, layout.byteSize(), layout.byteAlignment(), fields);
    }

    /** Named members become fields; unnamed or jextract-named anonymous groups are walked into. */
    private static void flatten(GroupLayout group, long base, List<Field> out) {
        long offset = 0;
        for (MemoryLayout m : group.memberLayouts()) {
            long at = base + (group instanceof UnionLayout ? 0 : offset);
            String name = m.name().orElse(null);
            boolean anonymous = name == null || name.startsWith("$anon$");
            if (m instanceof GroupLayout g && anonymous) {
                flatten(g, at, out);
            } else if (!(m instanceof PaddingLayout) && name != null) {
                out.add(new Field(name, at, m.byteSize()));
            }
            offset += m.byteSize();
        }
    }

    /** {@return the value jextract generated for constant {@code name}, as a string} */
    static String javaConstant(String name) {
        try {
            Object v = Class.forName(PACKAGE + ".Linux").getMethod(name).invoke(null);
            if (v instanceof MemorySegment s) {
                return "\"" + s.getString(0) + "\"";
            }
            return String.valueOf(((Number) v).longValue());
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("jextract.args lists constant " + name + " but Linux." + name + "() is missing", e);
        }
    }

    /** {@return every value the Java side states, keyed as the C probe keys them} */
    Map<String, String> javaValues() {
        Map<String, String> values = new LinkedHashMap<>();
        for (Aggregate a : aggregates) {
            values.put(a.cType() + " sizeof", String.valueOf(a.size()));
            values.put(a.cType() + " alignof", String.valueOf(a.alignment()));
            for (Field f : a.fields()) {
                values.put(a.cType() + "." + f.name() + " offsetof", String.valueOf(f.offset()));
                values.put(a.cType() + "." + f.name() + " sizeof", String.valueOf(f.size()));
            }
        }
        for (String c : constants) {
            values.put("constant " + c, javaConstant(c));
        }
        return values;
    }
}
