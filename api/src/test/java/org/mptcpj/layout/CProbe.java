package org.mptcpj.layout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mptcpj.testing.Commands;

/**
 * The C side of the layout comparison: a program generated from {@link BoundItems}, compiled by gcc
 * over the umbrella header, that prints {@code sizeof}, {@code _Alignof}, {@code offsetof} and
 * constant values, one {@code key=value} line each, keyed like {@link BoundItems#javaValues()}.
 *
 * <p>Against headers that lack some items (the distribution's older ones), the lines gcc rejects
 * are dropped and the probe is compiled again; {@link Result#missing()} lists what was dropped.
 */
final class CProbe {
    private static final Pattern ERROR_LINE = Pattern.compile("probe\\.c:(\\d+):\\d+: error");

    record Result(Map<String, String> values, Set<String> missing) {
    }

    private CProbe() {
    }

    static boolean gccAvailable() {
        return Commands.works("gcc", "--version");
    }

    /**
     * @param umbrella    the header every probe includes
     * @param includeDirs {@code -I} directories searched before the system's
     * @param tolerant    whether items the headers do not know may be dropped (else gcc errors fail)
     */
    static Result run(BoundItems items, Path umbrella, List<Path> includeDirs, boolean tolerant, Path workDir)
            throws IOException, InterruptedException {
        List<String> probes = probeLines(items);
        Set<String> missing = new TreeSet<>();
        for (int attempt = 0; attempt < 20; attempt++) {
            Path source = workDir.resolve("probe.c");
            Path binary = workDir.resolve("probe");
            Files.writeString(source, program(umbrella, probes));
            List<String> cmd = new ArrayList<>(List.of("gcc", "-std=gnu11", "-w", "-o", binary.toString()));
            includeDirs.forEach(d -> cmd.add("-I" + d));
            cmd.add(source.toString());
            Process gcc = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String diagnostics = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!gcc.waitFor(120, TimeUnit.SECONDS) || gcc.exitValue() != 0) {
                Set<Integer> bad = new TreeSet<>();
                Matcher m = ERROR_LINE.matcher(diagnostics);
                while (m.find()) {
                    bad.add(Integer.parseInt(m.group(1)) - HEADER_LINES - 1);
                }
                int count = probes.size();
                bad.removeIf(i -> i < 0 || i >= count);
                if (!tolerant || bad.isEmpty()) {
                    throw new AssertionError("gcc failed on the layout probe:\n" + diagnostics);
                }
                List<String> kept = new ArrayList<>();
                for (int i = 0; i < probes.size(); i++) {
                    if (bad.contains(i)) {
                        missing.add(keyOf(probes.get(i)));
                    } else {
                        kept.add(probes.get(i));
                    }
                }
                probes = kept;
                continue;
            }
            Process probe = new ProcessBuilder(binary.toString()).redirectErrorStream(true).start();
            String out = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (probe.waitFor() != 0) {
                throw new AssertionError("layout probe exited with " + probe.exitValue() + ":\n" + out);
            }
            Map<String, String> values = new LinkedHashMap<>();
            for (String line : out.split("\n")) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    values.put(line.substring(0, eq), line.substring(eq + 1));
                }
            }
            return new Result(values, missing);
        }
        throw new AssertionError("layout probe did not converge after dropping unknown items");
    }

    private static final int HEADER_LINES = 5;

    private static String program(Path umbrella, List<String> probes) {
        // HEADER_LINES lines before the first probe line, so gcc's line numbers map back to probes.
        return "#include \"" + umbrella + "\"\n"
                + "#include <stdio.h>\n"
                + "#include <stddef.h>\n"
                + "/* no macros below: gcc must report errors on the probe's own line */\n"
                + "int main(void) {\n"
                + String.join("\n", probes) + "\n"
                + "return 0; }\n";
    }

    private static String keyOf(String probeLine) {
        int start = probeLine.indexOf('"') + 1;
        return probeLine.substring(start, probeLine.indexOf('=', start));
    }

    private static List<String> probeLines(BoundItems items) {
        List<String> lines = new ArrayList<>();
        for (BoundItems.Aggregate a : items.aggregates()) {
            String t = a.cType();
            lines.add(num(t + " sizeof", "sizeof(" + t + ")"));
            lines.add(num(t + " alignof", "_Alignof(" + t + ")"));
            for (BoundItems.Field f : a.fields()) {
                lines.add(num(t + "." + f.name() + " offsetof", "__builtin_offsetof(" + t + ", " + f.name() + ")"));
                lines.add(num(t + "." + f.name() + " sizeof", "sizeof(((" + t + " *) 0)->" + f.name() + ")"));
            }
        }
        for (String c : items.constants()) {
            lines.add("_Generic((" + c + "), char *: printf(\"constant " + c + "=\\\"%s\\\"\\n\", (char *) (" + c
                    + ")), default: printf(\"constant " + c + "=%lld\\n\", (long long) (" + c + ")));");
        }
        return lines;
    }

    private static String num(String key, String expression) {
        return "printf(\"" + key + "=%lld\\n\", (long long) (" + expression + "));";
    }
}
