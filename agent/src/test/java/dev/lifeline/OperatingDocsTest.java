package dev.lifeline;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 27: the operator's chapter (src/docs/operating.md) and the README's figures stay true to what they point at.
 * Its links resolve (file and heading), every log event it tells an operator to look for is one the agent logs, every
 * test it names as proof exists, and every figure in the README's "Measured" section is one measurements.md holds.
 */
class OperatingDocsTest {
    private static final Path ROOT = Paths.get("..");
    private static final Path OPERATING = ROOT.resolve("src/docs/operating.md");
    private static final Path README = ROOT.resolve("README.md");

    @Test
    void readmeLinksTheChapterAndEveryLinkOfBothResolves() throws IOException {
        assertThat(Files.readString(README)).contains("](src/docs/operating.md)");
        List<String> broken = new ArrayList<>();
        broken.addAll(brokenLinks(OPERATING));
        broken.addAll(brokenLinks(README));
        assertThat(broken).isEmpty();
    }

    @Test
    void everyEventTheChapterNamesIsLoggedByTheAgent() throws IOException {
        String sources;
        try (Stream<Path> files = Files.walk(ROOT.resolve("agent/src/main/java"))) {
            sources = files.filter(p -> p.toString().endsWith(".java")).map(OperatingDocsTest::read)
                    .collect(Collectors.joining("\n"));
        }
        TreeSet<String> events = all(Pattern.compile("event=([a-z]+\\.[a-z.-]+[a-z])"), Files.readString(OPERATING));
        assertThat(events).as("events named in operating.md").hasSizeGreaterThan(10);
        assertThat(events).allSatisfy(e -> assertThat(sources).as("a log line %s in agent/src/main", e).contains("\"" + e + "\""));
    }

    @Test
    void everyTestTheChapterNamesExists() throws IOException {
        TreeSet<String> named = all(Pattern.compile("`([A-Z][A-Za-z0-9]*(?:Test|IT))(?:#\\w+)?`"), Files.readString(OPERATING));
        assertThat(named).as("tests named in operating.md").hasSizeGreaterThan(10);
        TreeSet<String> existing = new TreeSet<>();
        for (String dir : new String[] {"agent/src/test/java", "sample-apps/src/test/java"}) {
            try (Stream<Path> files = Files.walk(ROOT.resolve(dir))) {
                files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".java"))
                        .forEach(n -> existing.add(n.substring(0, n.length() - 5)));
            }
        }
        assertThat(existing).containsAll(named);
    }

    /**
     * Issue 23: a {@code Test#method} named as proof in operating.md or in the README (the support tables) is a method of
     * that test class; a renamed or removed test fails here rather than leaving a table that claims it.
     */
    @Test
    void everyTestMethodTheDocsNameExists() throws IOException {
        Pattern ref = Pattern.compile("`([A-Z][A-Za-z0-9]*(?:Test|IT))#(\\w+)`");
        TreeSet<String> missing = new TreeSet<>();
        int n = 0;
        for (Path doc : new Path[] {OPERATING, README}) {
            Matcher m = ref.matcher(Files.readString(doc));
            while (m.find()) {
                n++;
                String source = testSource(m.group(1));
                if (source == null || !Pattern.compile("void " + m.group(2) + "\\(").matcher(source).find()) {
                    missing.add(doc.getFileName() + ": " + m.group(1) + "#" + m.group(2));
                }
            }
        }
        assertThat(n).as("Test#method references in operating.md and README.md").isGreaterThan(5);
        assertThat(missing).isEmpty();
    }

    private static String testSource(String className) throws IOException {
        for (String dir : new String[] {"agent/src/test/java", "sample-apps/src/test/java"}) {
            try (Stream<Path> files = Files.walk(ROOT.resolve(dir))) {
                Path found = files.filter(p -> p.getFileName().toString().equals(className + ".java")).findFirst().orElse(null);
                if (found != null) {
                    return Files.readString(found);
                }
            }
        }
        return null;
    }

    /** The README keeps a summary of measurements.md: a figure there that measurements.md lacks is stale or invented. */
    @Test
    void everyFigureInTheReadmesMeasuredSectionIsInMeasurementsMd() throws IOException {
        String readme = Files.readString(README);
        String measured = readme.substring(readme.indexOf("\n## Measured"), readme.indexOf("\n## ", readme.indexOf("\n## Measured") + 1));
        Pattern number = Pattern.compile("(?<![\\w.])[0-9]+(?:\\.[0-9]+)?(?!\\w)");
        TreeSet<String> inMeasurements = all(Pattern.compile("(?<![\\w.])([0-9]+(?:\\.[0-9]+)?)"),
                Files.readString(ROOT.resolve("src/docs/measurements.md")));
        TreeSet<String> missing = new TreeSet<>();
        Matcher m = number.matcher(measured);
        while (m.find()) {
            if (!inMeasurements.contains(m.group())) {
                missing.add(m.group());
            }
        }
        assertThat(missing).as("figures of README's Measured section not found in measurements.md").isEmpty();
    }

    /** Relative links {@code [text](path#anchor)}: the file exists and, with an anchor, has a heading of that slug. */
    private static List<String> brokenLinks(Path doc) throws IOException {
        List<String> broken = new ArrayList<>();
        Matcher m = Pattern.compile("\\]\\(([^)\\s]+)\\)").matcher(Files.readString(doc));
        while (m.find()) {
            String link = m.group(1);
            if (link.matches("^[a-z]+:.*")) {
                continue; // https:, mailto:
            }
            int hash = link.indexOf('#');
            String file = hash < 0 ? link : link.substring(0, hash);
            Path target = file.isEmpty() ? doc : doc.getParent().resolve(file).normalize();
            if (!Files.exists(target)) {
                broken.add(doc.getFileName() + ": " + link + " (no such file)");
            } else if (hash >= 0 && !slugs(target).contains(link.substring(hash + 1))) {
                broken.add(doc.getFileName() + ": " + link + " (no such heading)");
            }
        }
        return broken;
    }

    /** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
    private static TreeSet<String> slugs(Path markdown) throws IOException {
        TreeSet<String> slugs = new TreeSet<>();
        for (String line : Files.readAllLines(markdown)) {
            if (line.startsWith("#")) {
                String title = line.replaceFirst("^#+\\s*", "").toLowerCase(Locale.ROOT);
                slugs.add(title.replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-'));
            }
        }
        return slugs;
    }

    private static TreeSet<String> all(Pattern p, String text) {
        TreeSet<String> found = new TreeSet<>();
        Matcher m = p.matcher(text);
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
