package dev.lifeline.bench;

import dev.lifeline.bench.MatrixCells.Behaviour;
import dev.lifeline.bench.MatrixCells.Cell;
import dev.lifeline.bench.MatrixCells.Jdk;
import dev.lifeline.bench.MatrixCells.Row;
import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;

/** Which cells of {@link MatrixTest} run (issue 23): in-process, no server, no forked JVM. */
class MatrixCellsTest {
    static final Jdk JDK11 = new Jdk(Paths.get("/jdk/11"), 11);
    static final Jdk JDK17 = new Jdk(Paths.get("/jdk/17"), 17);
    static final Jdk JDK25 = new Jdk(Paths.get("/jdk/25"), 25);
    static final List<Jdk> THREE = Arrays.asList(JDK11, JDK17, JDK25);
    /** The default run before JDK 11 joined: each of the 20 version × behaviour pairs once, on one of 17 and 25. */
    static final int CELLS_BEFORE_JDK11 = 20;

    static List<Cell> running(List<Cell> cells) {
        return cells.stream().filter(c -> c.skipped == null).collect(Collectors.toList());
    }

    static int pairs(List<Row> rows) {
        return rows.stream().mapToInt(r -> r.behaviours.size()).sum();
    }

    @Test
    void theDefaultRunsEachVersionAndBehaviourOnceAtTodaysCost() {
        List<Row> rows = MatrixCells.rows();
        List<Cell> cells = MatrixCells.choose(rows, THREE, false);
        assertThat(cells).allMatch(c -> c.skipped == null);
        assertThat(cells).hasSize(pairs(rows));
        assertThat(cells.stream().map(c -> c.row.dir + " " + c.behaviour)).doesNotHaveDuplicates();
        assertThat(cells.size()).as("CI's budget: the default stays at the cost it had on 17 and 25")
                .isBetween(CELLS_BEFORE_JDK11 - 2, CELLS_BEFORE_JDK11 + 2);
        for (Row row : rows) {
            assertThat(cells).filteredOn(c -> c.row == row).extracting(c -> c.behaviour)
                    .containsExactlyInAnyOrderElementsOf(row.behaviours);
        }
    }

    @Test
    void theDefaultSharesTheCellsOutFairlyOverTheJdks() {
        List<Row> rows = MatrixCells.rows();
        List<Cell> cells = MatrixCells.choose(rows, THREE, false);
        Map<Jdk, Long> perJdk = cells.stream().collect(Collectors.groupingBy(c -> c.jdk, Collectors.counting()));
        for (Jdk jdk : THREE) {
            assertThat(perJdk.get(jdk)).as("cells on " + jdk + " of " + cells.size())
                    .isBetween((long) cells.size() / 3, (long) cells.size() / 3 + 1);
            for (Behaviour b : Behaviour.values()) {
                assertThat(cells).as(b + " on " + jdk).anyMatch(c -> c.jdk == jdk && c.behaviour == b);
            }
        }
        // a version with a behaviour per JDK (JSch, MINA) runs on every JDK
        for (Row row : rows) {
            if (row.behaviours.size() == THREE.size()) {
                assertThat(cells).filteredOn(c -> c.row == row).extracting(c -> c.jdk).as(row.dir)
                        .containsExactlyInAnyOrderElementsOf(THREE);
            }
        }
    }

    @Test
    void withTwoJdksTheDefaultIsTheSameCountAsBefore() {
        List<Cell> cells = MatrixCells.choose(MatrixCells.rows(), Arrays.asList(JDK17, JDK25), false);
        assertThat(cells).hasSize(CELLS_BEFORE_JDK11);
        assertThat(MatrixCells.choose(MatrixCells.rows(), Arrays.asList(JDK17), false))
                .hasSameSizeAs(MatrixCells.choose(MatrixCells.rows(), Arrays.asList(JDK17), true));
    }

    @Test
    void theFullRunIsTheWholeProduct() {
        List<Row> rows = MatrixCells.rows();
        List<Cell> cells = MatrixCells.choose(rows, THREE, true);
        assertThat(cells).allMatch(c -> c.skipped == null).hasSize(pairs(rows) * THREE.size());
        assertThat(cells.stream().map(c -> c.row.dir + " " + c.behaviour + " " + c.jdk)).doesNotHaveDuplicates();
    }

    @Test
    void aVersionAJdkCannotLoadIsSkippedThereWithTheReasonAndRunsElsewhere() {
        Row needs17 = new Row("lib-needs-17", 17, EnumSet.allOf(Behaviour.class));
        List<Row> rows = new ArrayList<>(MatrixCells.rows());
        rows.add(needs17);
        for (boolean full : new boolean[]{false, true}) {
            List<Cell> cells = MatrixCells.choose(rows, THREE, full);
            List<Cell> skipped = cells.stream().filter(c -> c.skipped != null).collect(Collectors.toList());
            assertThat(skipped).as("full=" + full).hasSize(3).allMatch(c -> c.row == needs17 && c.jdk == JDK11);
            assertThat(skipped.get(0).skipped).contains("lib-needs-17 needs Java 17+").contains("Java 11");
            List<Cell> runs = running(cells).stream().filter(c -> c.row == needs17).collect(Collectors.toList());
            assertThat(runs).extracting(c -> c.jdk).doesNotContain(JDK11).contains(JDK17, JDK25);
            assertThat(runs).extracting(c -> c.behaviour).containsAll(needs17.behaviours);
            assertThat(runs).hasSize(full ? 6 : 3);
        }
    }

    @Test
    void aVersionNoJdkCanLoadIsSkippedEverywhere() {
        Row needs99 = new Row("lib-needs-99", 99, EnumSet.of(Behaviour.KEEPALIVE));
        List<Cell> cells = MatrixCells.choose(Arrays.asList(needs99), THREE, false);
        assertThat(cells).hasSize(3).allMatch(c -> c.skipped != null);
    }

    /**
     * The minimum Java declared for each row covers its jars: the highest class file version outside
     * {@code META-INF/versions}, over every jar of its set in target/libs (a newer library that needs a newer Java is
     * caught here, and its cells on the older JDK are then skipped with the reason instead of failing).
     */
    @Test
    void eachVersionsMinimumJavaCoversItsJars() throws IOException {
        for (Row row : MatrixCells.rows()) {
            Path dir = Bench.libs().resolve(row.dir);
            assertThat(dir).as("copied by sample-apps/pom.xml").isDirectory();
            int highest = 0;
            try (DirectoryStream<Path> jars = Files.newDirectoryStream(dir, "*.jar")) {
                for (Path jar : jars) {
                    highest = Math.max(highest, highestClassVersion(jar));
                }
            }
            assertThat(highest - 44).as(row.dir + ": Java of its newest class file").isPositive()
                    .isLessThanOrEqualTo(row.minJava);
        }
    }

    private static int highestClassVersion(Path jar) throws IOException {
        int highest = 0;
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                ZipEntry entry = e.nextElement();
                String name = entry.getName();
                if (!name.endsWith(".class") || name.startsWith("META-INF/versions/") || name.endsWith("module-info.class")) {
                    continue;
                }
                try (InputStream in = zip.getInputStream(entry)) {
                    DataInputStream data = new DataInputStream(in);
                    data.readInt(); // 0xCAFEBABE
                    data.readUnsignedShort(); // minor
                    highest = Math.max(highest, data.readUnsignedShort());
                }
            }
        }
        return highest;
    }
}
