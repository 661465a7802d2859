package dev.lifeline.report;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LogTest {
    @Test
    void writesOneLogfmtLinePerEvent() {
        String line = Log.format(Log.Level.INFO, "session.policy", "host", "db1.prod", "port", 22);
        assertThat(line).isEqualTo("[lifeline] level=info event=session.policy host=db1.prod port=22");
    }

    @Test
    void quotesValuesWithSpacesQuotesOrEqualsAndKeepsThemOnOneLine() {
        String line = Log.format(Log.Level.WARN, "x", "reason", "a \"b\" = c\nd", "empty", "");
        assertThat(line).isEqualTo("[lifeline] level=warn event=x reason=\"a \\\"b\\\" = c\\nd\" empty=\"\"");
    }

    @Test
    void describesThrowablesByClassAndMessage() {
        String line = Log.format(Log.Level.ERROR, "x", "error", new IllegalStateException("boom"));
        assertThat(line).endsWith("error=\"java.lang.IllegalStateException: boom\"");
    }

    /** Every character Python's str.splitlines() treats as a line break (Java's own splitters see fewer). */
    private static final String BREAKS = "\n\r\u000b\u000c\u001c\u001d\u001e\u0085\u2028\u2029";

    static List<String> splitLines(String s) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            if (BREAKS.indexOf(s.charAt(i)) >= 0) {
                lines.add(s.substring(start, i));
                if (s.charAt(i) == '\r' && i + 1 < s.length() && s.charAt(i + 1) == '\n') {
                    i++;
                }
                start = i + 1;
            }
        }
        if (start < s.length()) {
            lines.add(s.substring(start));
        }
        return lines;
    }

    /** The keys of a logfmt line, quoted values (with backslash escapes) skipped whole. */
    static List<String> logfmtKeys(String line) {
        List<String> keys = new ArrayList<>();
        int i = 0;
        while (i < line.length()) {
            int eq = line.indexOf('=', i);
            keys.add(line.substring(i, eq));
            i = eq + 1;
            if (i < line.length() && line.charAt(i) == '"') {
                i++;
                while (line.charAt(i) != '"') {
                    i += line.charAt(i) == '\\' ? 2 : 1;
                }
                i++;
            } else {
                while (i < line.length() && line.charAt(i) != ' ') {
                    i++;
                }
            }
            i++; // the space
        }
        return keys;
    }

    @Test
    void aHugeValueIsCutSoOneEventStaysOneShortLine() {
        StringBuilder command = new StringBuilder();
        for (int i = 0; i < 1_000_000; i++) {
            command.append('x');
        }
        String line = Log.format(Log.Level.WARN, "exec.deadline-fired", "command", command.toString(), "host", "db1");
        assertThat(line.length()).isLessThan(Log.MAX_VALUE_CHARS + 200);
        assertThat(line).contains("...(1000000 chars)").endsWith("host=db1");
    }

    @Test
    void anAdversarialHostOrCommandStaysOneLineForAnyLineSplitter() {
        String forged = " level=error event=forged.event host=evil";
        StringBuilder host = new StringBuilder("db1");
        for (char c : BREAKS.toCharArray()) {
            host.append(c).append(forged);
        }
        String command = "rm -rf /tmp/x\u0000\u0007\t\u007f\u009b\u00e9\ud83d\ude00\\\"" + forged;
        // the fault is real: unescaped, these values split into many lines, some of them forged events
        assertThat(splitLines("[lifeline] level=info event=exec.deadline host=" + host)).hasSizeGreaterThan(1)
                .anyMatch(l -> l.startsWith(" level=error event=forged.event"));

        String line = Log.format(Log.Level.INFO, "exec.deadline", "host", host.toString(), "command", command);
        assertThat(splitLines(line)).containsExactly(line);
        assertThat(line).matches("[\\x20-\\x7e]+");
        assertThat(logfmtKeys(line.substring("[lifeline] ".length()))).containsExactly("level", "event", "host", "command");
        assertThat(line).contains("host=\"db1\\n level=error").contains("\\r").contains("\\u000b").contains("\\u0085")
                .contains("\\u2028").contains("\\u2029").contains("\\u0000").contains("\\t").contains("\\u007f")
                .contains("\\u009b").contains("\\u00e9").contains("\\ud83d\\ude00").contains("\\\\\\\"");
    }

    @Test
    void nonAsciiAloneIsQuotedAndEscaped() {
        assertThat(Log.format(Log.Level.INFO, "x", "host", "h\u00f6st")).isEqualTo("[lifeline] level=info event=x host=\"h\\u00f6st\"");
    }
}
