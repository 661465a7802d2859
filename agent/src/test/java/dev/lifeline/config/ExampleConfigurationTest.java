package dev.lifeline.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The example file shipped in src/ must stay valid and mean what its comments say. */
class ExampleConfigurationTest {
    private static final Path EXAMPLE = Paths.get("..", "src", "lifeline.properties");

    /**
     * Issue 27: people copy the example as is, to every host. It must set nothing: every key and rule commented out,
     * so that the copy means exactly the built-in defaults until someone uncomments a line.
     */
    @Test
    void shippedExampleSetsNothingButDefaults() throws Exception {
        assertThat(EXAMPLE).isRegularFile();
        assertThat(liveLines(Files.readAllLines(EXAMPLE))).as("lines of %s that are not comments", EXAMPLE).isEmpty();

        Config c = Config.load(EXAMPLE.toString(), Map.of(), Map.of());
        assertThat(c.errors()).isEmpty();
        assertThat(c.warnings()).isEmpty();
        assertThat(c.ruleCount()).isZero();
        Config defaults = Config.defaults();
        for (Key k : Key.all().values()) {
            assertThat(c.globalValue(k.name)).as(k.name).isEqualTo(defaults.globalValue(k.name));
            assertThat(c.globalSource(k.name)).as("source of %s", k.name).isEqualTo(defaults.globalSource(k.name));
        }
        for (String host : new String[] {"db1.prod.example.com", "10.1.2.3", "x.lab.example.com", "elsewhere"}) {
            for (int port : new int[] {22, 2222}) {
                assertThat(c.policyFor(host, null, port).describe()).as("%s:%d", host, port)
                        .isEqualTo(defaults.policyFor(host, null, port).describe());
            }
        }
    }

    /** The check above would see a rule added back: a live line among the comments is reported. */
    @Test
    void aLiveLineAddedBackIsSeen() throws Exception {
        List<String> lines = new ArrayList<>(Files.readAllLines(EXAMPLE));
        lines.add("host.prod.match = *.prod.example.com 10.0.0.0/8");
        lines.add("   ");
        assertThat(liveLines(lines)).containsExactly("host.prod.match = *.prod.example.com 10.0.0.0/8");
    }

    /** The rules shown commented out stay valid and mean what their comments say, once uncommented. */
    @Test
    void commentedOutRulesWorkWhenUncommented(@TempDir Path dir) throws Exception {
        List<String> uncommented = new ArrayList<>();
        for (String line : Files.readAllLines(EXAMPLE)) {
            uncommented.add(line.startsWith("# host.") ? line.substring(2) : line);
        }
        Path copy = Files.write(dir.resolve("lifeline.properties"), uncommented);
        Config c = Config.load(copy.toString(), Map.of(), Map.of());
        assertThat(c.errors()).isEmpty();
        assertThat(c.ruleCount()).isEqualTo(2);
        assertThat(c.policyFor("db1.prod.example.com", null, 22).keepaliveIntervalMillis()).isEqualTo(30000);
        assertThat(c.policyFor("x.lab.example.com", null, 22).mode()).isEqualTo(Mode.AUDIT);
        assertThat(c.policyFor("elsewhere", null, 22).describe()).isEqualTo(Config.defaults().policyFor("e", null, 22).describe());
    }

    /** Lines a properties reader would take as a setting: neither blank nor a comment ({@code #} or {@code !}). */
    private static List<String> liveLines(List<String> lines) {
        List<String> live = new ArrayList<>();
        for (String line : lines) {
            String t = line.strip();
            if (!t.isEmpty() && !t.startsWith("#") && !t.startsWith("!")) {
                live.add(line);
            }
        }
        return live;
    }

    @Test
    void settingsReferenceDescribesEveryKeyWithItsDefault() throws Exception {
        String text = Files.readString(Paths.get("..", "src", "docs", "settings.md"));
        for (Key k : Key.all().values()) {
            int at = text.indexOf("\n**" + k.name + "**");
            assertThat(at).as("paragraph for %s in settings.md", k.name).isPositive();
            String paragraph = text.substring(at, text.indexOf("\n\n", at + 1) < 0 ? text.length() : text.indexOf("\n\n", at + 1));
            assertThat(paragraph).as("default of %s", k.name)
                    .contains(k.defaultText.isEmpty() ? "default empty" : "default `" + k.defaultText + "`");
            if (!k.perHost) {
                assertThat(paragraph).as("%s is global only", k.name).contains("global only");
            }
        }
    }

    @Test
    void shippedExampleDocumentsEveryKeyWithItsDefault() throws Exception {
        String text = Files.readString(EXAMPLE);
        for (Key k : Key.all().values()) {
            assertThat(text).contains("# " + k.name + " = " + k.defaultText);
        }
    }
}
