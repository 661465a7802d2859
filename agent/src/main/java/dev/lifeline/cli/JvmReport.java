package dev.lifeline.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What {@code status --all} learnt about one JVM: Lifeline there, the SSH library copies it loaded, the verdict. */
final class JvmReport {
    /** The verdict of one JVM, as printed (text: upper case where it needs a look). */
    enum Verdict {
        /** It loaded an SSH library and every copy is woven by an active Lifeline in mode fill or enforce. */
        PROTECTED("protected"),
        /** It loaded an SSH library and a copy is not protected (no Lifeline, not active, audit, refused, a hook failed). */
        UNPROTECTED("UNPROTECTED"),
        /** It loaded no SSH library Lifeline covers. */
        NO_SSH("no-ssh"),
        /** It answered, but whether it is protected could not be told (see the problem). */
        UNKNOWN("unknown"),
        /** It did not answer within the bound (stopped, frozen). */
        NO_ANSWER("NO-ANSWER"),
        /** It ended while it was read. */
        ENDED("ended");

        final String text;

        Verdict(String text) {
            this.text = text;
        }

        String json() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    /** One library copy in the verdict: {@code protectedFlag} null when it cannot be told. */
    static final class Library {
        final String name;
        final String version;
        final String pkg;
        final int copies;
        final Boolean protectedFlag;
        final String detail;

        Library(String name, String version, String pkg, int copies, Boolean protectedFlag, String detail) {
            this.name = name;
            this.version = version;
            this.pkg = pkg;
            this.copies = copies;
            this.protectedFlag = protectedFlag;
            this.detail = detail;
        }
    }

    final String pid;
    final String main;
    /** {@code none}, {@code active}, {@code off}, {@code inactive}, {@code disabled}, {@code starting} or {@code silent}. */
    String lifeline;
    String mode;
    String file;
    String version;
    int hookFailures;
    /** The agent's own lines (a Libraries attribute), or null when it reported none. */
    List<String> lifelineLibraries;
    /** From the class list (jcmd), or null when it could not be read ({@link #classListProblem}). */
    Map<String, LoadedCopies.Copy> copies;
    String classListProblem;
    /** Set when the JVM could not be read at all: the verdict is then {@link #answer}. */
    String problem;
    Verdict answer;

    JvmReport(String pid, String main) {
        this.pid = pid;
        this.main = main;
    }

    static JvmReport unanswered(String pid, String main, Verdict verdict, String problem) {
        JvmReport r = new JvmReport(pid, main);
        r.answer = verdict;
        r.problem = problem;
        return r;
    }

    /** Lifeline is active in a mode that applies settings: fill or enforce. */
    private boolean applies() {
        return "active".equals(lifeline) && !"audit".equals(mode) && !"off".equals(mode);
    }

    /** Why a copy is not protected when the agent's own verdict is not the word: null when it is. */
    private String whyNot() {
        if (lifeline == null || lifeline.equals("none")) {
            return "no Lifeline";
        }
        if ("active".equals(lifeline) && "audit".equals(mode)) {
            return "Lifeline in audit mode: nothing applied";
        }
        return applies() ? null : "Lifeline " + lifeline;
    }

    /** Lifeline there cannot tell yet (starting) or cannot report (jmx.enabled=false). */
    private boolean cannotTell() {
        return "starting".equals(lifeline) || "silent".equals(lifeline);
    }

    /** The agent's lines first (its verdict per copy), then copies from the class list it does not name. */
    List<Library> libraries() {
        List<Library> out = new ArrayList<Library>();
        List<String> named = new ArrayList<String>();
        if (lifelineLibraries != null) {
            for (String line : lifelineLibraries) {
                String[] words = line.split(" ", 3);
                int open = line.indexOf(" (");
                int close = line.indexOf(") ", open + 1);
                String pkg = open > 0 && close > open ? line.substring(open + 2, close) : "";
                named.add(pkg);
                int colon = line.indexOf(": ", close < 0 ? 0 : close);
                String verdict = colon < 0 ? line : line.substring(colon + 2);
                boolean woven = !verdict.startsWith("NOT protected");
                String why = whyNot();
                out.add(new Library(words[0], words.length > 1 ? words[1] : "unknown", pkg, 1,
                        woven && why == null, why != null && woven ? why + "; the agent says: " + verdict : verdict));
            }
        }
        if (copies != null) {
            for (LoadedCopies.Copy c : copies.values()) {
                if (named.contains(c.pkg)) {
                    continue;
                }
                String why = whyNot();
                Boolean ok = cannotTell() ? null : Boolean.FALSE;
                String detail = cannotTell() ? "loaded; Lifeline " + lifeline + " cannot tell"
                        : c.relocated ? "a relocated copy (shaded into another package): Lifeline weaves only the library's own"
                        : why != null ? why : "loaded, not seen by Lifeline";
                out.add(new Library(c.library, c.version(), c.pkg, c.loaders.size(), ok, detail));
            }
        }
        return out;
    }

    Verdict verdict() {
        if (answer != null) {
            return answer;
        }
        List<Library> libs = libraries();
        boolean unknown = false;
        for (Library l : libs) {
            if (Boolean.FALSE.equals(l.protectedFlag)) {
                return Verdict.UNPROTECTED;
            }
            unknown |= l.protectedFlag == null;
        }
        if (!libs.isEmpty() && hookFailures > 0) {
            return Verdict.UNPROTECTED;
        }
        if (unknown || (copies == null && lifelineLibraries == null)) {
            return Verdict.UNKNOWN;
        }
        return libs.isEmpty() ? Verdict.NO_SSH : Verdict.PROTECTED;
    }
}
