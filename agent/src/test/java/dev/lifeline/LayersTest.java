package dev.lifeline;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.Architectures;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The package layers of {@code src/docs/architecture.md}, bottom up: a package may use only those below it. An import
 * that runs back up (report/ naming config/, instrument/ naming a library or the runtime) fails here.
 */
class LayersTest {
    /** Bottom up; packages on one line are one layer and must not use each other. */
    static final List<List<String>> LAYERS = Arrays.asList(
            Arrays.asList("report"),
            Arrays.asList("config"),
            Arrays.asList("policy"),
            Arrays.asList("enforce"),
            Arrays.asList("sessions"),
            Arrays.asList("instrument"),
            Arrays.asList("ssh2family"), // what Ganymed SSH-2 and its fork Trilead share: below both library packages
            Arrays.asList("jsch", "sshd", "sshj", "trilead", "ganymed"),
            Arrays.asList("jmx"),
            Arrays.asList("runtime"),
            Arrays.asList("cli"),
            Arrays.asList("")); // LifelineAgent, the jar's entry point

    static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.lifeline");

    private static String id(String pkg) {
        return pkg.isEmpty() ? "dev.lifeline" : "dev.lifeline." + pkg + "..";
    }

    @Test
    void everyPackageUsesOnlyTheLayersBelowIt() {
        Architectures.LayeredArchitecture layers = Architectures.layeredArchitecture().consideringOnlyDependenciesInLayers();
        for (List<String> layer : LAYERS) {
            for (String pkg : layer) {
                layers = layers.layer(name(pkg)).definedBy(id(pkg));
            }
        }
        List<String> below = new ArrayList<String>();
        for (List<String> layer : LAYERS) {
            for (String pkg : layer) {
                String[] allowed = below.toArray(new String[0]);
                layers = allowed.length == 0
                        ? layers.whereLayer(name(pkg)).mayNotAccessAnyLayer()
                        : layers.whereLayer(name(pkg)).mayOnlyAccessLayers(allowed);
            }
            for (String pkg : layer) {
                below.add(name(pkg));
            }
        }
        layers.check(MAIN);
    }

    @Test
    void noPackageCycle() {
        slices().matching("dev.lifeline.(*)..").should().beFreeOfCycles().check(MAIN);
    }

    private static String name(String pkg) {
        return pkg.isEmpty() ? "agent" : pkg;
    }
}
