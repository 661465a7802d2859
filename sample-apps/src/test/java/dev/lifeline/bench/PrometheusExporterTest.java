package dev.lifeline.bench;

import dev.lifeline.bench.Bench.Library;
import dev.lifeline.samples.ForkedJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 27: the Prometheus export that operations.md documents works, so that a renamed attribute or rule breaks this
 * test rather than every dashboard. The real JMX exporter ({@code jmx_prometheus_javaagent}, copied to target/libs)
 * runs as a second agent beside Lifeline with the rule file taken verbatim from the YAML block of operations.md; the
 * test scrapes it over HTTP and finds every metric name the Prometheus section names and every numeric attribute of
 * its {@code lifeline:type=Agent} table, then sees {@code lifeline_sessions_seen_total} move from 1 to 2 when the app
 * (JschAttachLater, against OpenSSH) opens its second session. One forked JVM.
 */
class PrometheusExporterTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Path OPERATIONS = Paths.get("..", "src", "docs", "operations.md");
    /** A sample line of the text format: name, optional labels, value (timestamps are not used by the exporter). */
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*\\})? (\\S+)");

    @RegisterExtension
    static final OpenSshExtension SSHD = OpenSshExtension.builder().build();

    @Test
    void theDocumentedRulesExportEveryDocumentedMetricAndTheCountersMove(@TempDir Path dir) throws Exception {
        String docs = Files.readString(OPERATIONS);
        String section = section(docs, "\n## Prometheus\n");
        Path rules = Files.writeString(dir.resolve("lifeline-jmx.yaml"), yamlBlock(section));
        Path exporter = exporterJar();
        Path config = Files.writeString(dir.resolve("lifeline.properties"), "host.lab.match = *.lab\n");
        int port = freeLoopbackPort();

        ForkedJvm.Builder b = Bench.withAgent(Bench.app("JschAttachLater", Library.JSCH_MWIEDE, Bench.defaultJdk()),
                        config.toString())
                .jvmArg("-javaagent:" + exporter + "=127.0.0.1:" + port + ":" + rules)
                .sysprop("sample.idleAfter", "true") // after "go": a second session, held open
                .args(SSHD.server().target()).keepStdin();
        try (ForkedJvm app = b.start()) {
            app.awaitLine(Pattern.compile("^READY first"), 30_000);
            // Lifeline registers its MBeans a few seconds after start: scrape until they are there
            Map<String, Double> first = scrapeUntil(port, m -> m.containsKey("lifeline_sessions_seen_total"));
            assertThat(first).containsEntry("lifeline_sessions_seen_total", 1.0)
                    .containsEntry("lifeline_sessions_open{lib=\"jsch\"}", 1.0)
                    .containsEntry("lifeline_active", 1.0)
                    .containsEntry("lifeline_rule_count", 1.0)
                    .containsEntry("lifeline_rule{rule=\"lab\"}", 1.0)
                    .containsEntry("lifeline_internal_errors_total", 0.0);

            TreeSet<String> families = new TreeSet<>();
            first.keySet().forEach(k -> families.add(k.replaceFirst("\\{.*", "")));
            assertThat(families).as("metric names named in the Prometheus section of operations.md")
                    .containsAll(namesIn(section));
            assertThat(first.keySet()).as("a metric for every numeric attribute of the lifeline:type=Agent table")
                    .containsAll(metricsOfAgentTable(section(docs, "\n### `lifeline:type=Agent`\n")));

            app.send("go");
            app.awaitLine(Pattern.compile("^READY idle"), 30_000);
            Map<String, Double> second = scrapeUntil(port, m -> Double.valueOf(2.0).equals(m.get("lifeline_sessions_seen_total")));
            assertThat(second).containsEntry("lifeline_sessions_changed_total", 2.0)
                    .containsEntry("lifeline_sessions_open{lib=\"jsch\"}", 2.0);
        }
    }

    /** From {@code heading} to the next heading of the same or a higher level. */
    private static String section(String docs, String heading) {
        int start = docs.indexOf(heading);
        assertThat(start).as("%s in operations.md", heading.trim()).isNotNegative();
        String level = heading.trim().substring(0, heading.trim().indexOf(' ') + 1);
        int end = docs.indexOf("\n" + level, start + heading.length());
        return docs.substring(start, end < 0 ? docs.length() : end);
    }

    /** The rule file exactly as the guide shows it. */
    private static String yamlBlock(String section) {
        int start = section.indexOf("```yaml\n");
        assertThat(start).as("a ```yaml block in the Prometheus section").isNotNegative();
        int end = section.indexOf("\n```", start + 8);
        return section.substring(start + 8, end + 1);
    }

    /** Every {@code lifeline_xxx} name the section mentions (prose, rules, alerts); not templates like {@code lifeline_$1}. */
    private static TreeSet<String> namesIn(String section) {
        TreeSet<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("\\blifeline_[a-z][a-z_]*[a-z]\\b(?![$<])").matcher(section);
        while (m.find()) {
            names.add(m.group());
        }
        assertThat(names).as("metric names in the guide").hasSizeGreaterThan(10);
        return names;
    }

    /**
     * The series the rules promise for the table: {@code long} attributes are counters ({@code lifeline_x_total}),
     * {@code int} and {@code boolean} ones gauges ({@code lifeline_x}), and the per-library session gauges one
     * {@code lifeline_sessions_open} with a {@code lib} label. String attributes are not exported.
     */
    private static TreeSet<String> metricsOfAgentTable(String table) {
        TreeSet<String> series = new TreeSet<>();
        Matcher row = Pattern.compile("(?m)^\\| ((?:`\\w+`(?:, )?)+) \\| (\\w+) \\|").matcher(table);
        while (row.find()) {
            String type = row.group(2);
            if (type.equals("String")) {
                continue;
            }
            Matcher attr = Pattern.compile("`(\\w+)`").matcher(row.group(1));
            while (attr.find()) {
                String snake = snakeCase(attr.group(1));
                if (snake.startsWith("sessions_open_")) {
                    series.add("lifeline_sessions_open{lib=\"" + snake.substring("sessions_open_".length()) + "\"}");
                } else {
                    series.add("lifeline_" + snake + (type.equals("long") ? "_total" : ""));
                }
            }
        }
        assertThat(series).as("numeric attributes in the table").hasSizeGreaterThan(15);
        return series;
    }

    /** As the exporter's {@code attrNameSnakeCase}: {@code keepaliveDeclaredDead} → {@code keepalive_declared_dead}. */
    private static String snakeCase(String attribute) {
        return attribute.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
    }

    private static Map<String, Double> scrapeUntil(int port, Predicate<Map<String, Double>> done) {
        AtomicReference<Map<String, Double>> last = new AtomicReference<>();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> {
            last.set(scrape(port));
            return done.test(last.get());
        });
        return last.get();
    }

    /** Every sample of the exporter's text format, keyed {@code name{labels}} as it prints them. */
    private static Map<String, Double> scrape(int port) throws IOException {
        HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + port + "/metrics").openConnection();
        c.setConnectTimeout(5_000);
        c.setReadTimeout(10_000);
        c.setRequestProperty("Accept", "text/plain"); // the classic text format, not protobuf or OpenMetrics
        try (InputStream in = c.getInputStream()) {
            assertThat(c.getResponseCode()).isEqualTo(200);
            Map<String, Double> samples = new LinkedHashMap<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                Matcher m = SAMPLE.matcher(line);
                if (!line.startsWith("#") && m.find()) {
                    samples.put(m.group(1) + (m.group(2) == null ? "" : m.group(2)), Double.parseDouble(m.group(3)));
                }
            }
            return samples;
        } finally {
            c.disconnect();
        }
    }

    private static Path exporterJar() throws IOException {
        try (var jars = Files.list(Bench.libs().resolve("jmx_prometheus_javaagent-1.0.1"))) {
            return jars.filter(p -> p.toString().endsWith(".jar")).findFirst().orElseThrow().toAbsolutePath();
        }
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
