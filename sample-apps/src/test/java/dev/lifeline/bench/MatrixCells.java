package dev.lifeline.bench;

import dev.lifeline.bench.Bench.Library;
import dev.lifeline.samples.Versions;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Which cells of {@link MatrixTest} run: library version × behaviour × JDK. A pure function of its inputs, so that
 * {@code MatrixCellsTest} checks the choice in-process, without a server or a forked JVM.
 *
 * <p>Full run: every behaviour of every version on every JDK that can run that version. Default run: each version ×
 * behaviour on one JDK only, chosen by turns over the JDKs that can run it, so that the default costs one cell per
 * version × behaviour whatever the number of JDKs, every version and every behaviour still runs, and each JDK takes
 * an equal share. A JDK older than a version's minimum never runs it: every run lists those cells as skipped, with the
 * reason.
 */
final class MatrixCells {
    enum Behaviour {
        /** Keepalive 1 s × 3 finds a silently dropped peer. */
        KEEPALIVE,
        /** {@code exec.timeout} ends a command that never exits. */
        EXEC_DEADLINE,
        /** {@code close.timeout} frees a close stuck behind writers on a dropped peer. */
        CLOSE_DEADLINE
    }

    /** A library version: its directory under target/libs, the lowest Java its jars need, what the matrix tests of it. */
    static final class Row {
        final String dir;
        final int minJava;
        final Set<Behaviour> behaviours;

        Row(String dir, int minJava, Set<Behaviour> behaviours) {
            this.dir = dir;
            this.minJava = minJava;
            this.behaviours = behaviours;
        }

        @Override
        public String toString() {
            return dir;
        }
    }

    /** A JDK: its home and its feature release (11, 17, 25). */
    static final class Jdk {
        final Path home;
        final int version;

        Jdk(Path home, int version) {
            this.home = home;
            this.version = version;
        }

        @Override
        public String toString() {
            return home.getFileName() + " (Java " + version + ")";
        }
    }

    /** One cell; {@link #skipped} is null for a cell that runs, else why it cannot. */
    static final class Cell {
        final Row row;
        final Behaviour behaviour;
        final Jdk jdk;
        final String skipped;

        Cell(Row row, Behaviour behaviour, Jdk jdk, String skipped) {
            this.row = row;
            this.behaviour = behaviour;
            this.jdk = jdk;
            this.skipped = skipped;
        }

        @Override
        public String toString() {
            return row + " " + behaviour + " on " + jdk + (skipped == null ? "" : " skipped: " + skipped);
        }
    }

    private MatrixCells() {
    }

    /**
     * The matrix's rows: the six JSch and MINA versions with all three behaviours, and the two sshj versions with
     * keepalive only (sshj's exec and close run on JDK 17 in {@link SshjAgentTest}). The minimum Java is each version's
     * highest class file version outside {@code META-INF/versions}, over its jars and their dependencies
     * ({@code MatrixCellsTest} checks it against target/libs): Java 8 for all of them today.
     */
    static List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        for (Library lib : Library.values()) {
            rows.add(new Row(lib.dir, 8, EnumSet.allOf(Behaviour.class)));
        }
        for (String version : Arrays.asList(Versions.SSHJ, Versions.SSHJ_OLD)) {
            rows.add(new Row("sshj-" + version, 8, EnumSet.of(Behaviour.KEEPALIVE)));
        }
        return Collections.unmodifiableList(rows);
    }

    /** The cells of {@code rows} on {@code jdks} (in the order given): every one when {@code full}, else the default set. */
    static List<Cell> choose(List<Row> rows, List<Jdk> jdks, boolean full) {
        List<Cell> cells = new ArrayList<>();
        for (int r = 0; r < rows.size(); r++) {
            Row row = rows.get(r);
            List<Jdk> able = new ArrayList<>();
            for (Jdk jdk : jdks) {
                if (jdk.version >= row.minJava) {
                    able.add(jdk);
                }
            }
            for (Behaviour b : row.behaviours) {
                for (Jdk jdk : jdks) {
                    if (!able.contains(jdk)) { // listed in every run, so that the reason shows
                        cells.add(new Cell(row, b, jdk, row.dir + " needs Java " + row.minJava
                                + "+ (the class file version of its jars); " + jdk + " cannot load it"));
                    } else if (full || jdk == able.get((r + b.ordinal()) % able.size())) {
                        // by turns: row r's behaviours land on consecutive JDKs, so a version with as many behaviours
                        // as there are JDKs runs on every JDK, and each behaviour goes round the JDKs over the rows
                        cells.add(new Cell(row, b, jdk, null));
                    }
                }
            }
        }
        return cells;
    }
}
