package dev.lifeline.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The example file shipped in src/ must stay valid and mean what its comments say. */
class ExampleConfigurationTest {
    @Test
    void shippedExampleIsValid() {
        Path example = Paths.get("..", "src", "lifeline.properties");
        assertThat(example).isRegularFile();
        Config c = Config.load(example.toString(), Map.of(), Map.of());
        assertThat(c.errors()).isEmpty();
        assertThat(c.policyFor("db1.prod.example.com", null, 22).keepaliveIntervalMillis()).isEqualTo(30000);
        assertThat(c.policyFor("x.lab.example.com", null, 22).mode()).isEqualTo(Mode.AUDIT);
        assertThat(c.policyFor("elsewhere", null, 22).describe()).isEqualTo(Config.defaults().policyFor("e", null, 22).describe());
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
        String text = Files.readString(Paths.get("..", "src", "lifeline.properties"));
        for (Key k : Key.all().values()) {
            assertThat(text).contains("# " + k.name + " = " + k.defaultText);
        }
    }
}
