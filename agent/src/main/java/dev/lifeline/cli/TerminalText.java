package dev.lifeline.cli;

import dev.lifeline.report.Log;

import java.io.PrintStream;
import java.io.UnsupportedEncodingException;

/**
 * What the commands print, made safe for a terminal: every line goes through {@link Log#escapeLine}, the log's own
 * escaping, so an ESC or OSC sequence, a U+2028 or any other control character read from a target JVM or a file
 * reaches the terminal as {@code \}{@code u001b}, never as itself. Line breaks the command writes stay line breaks; a value
 * that may hold one (a path, a host name) is escaped where it is printed ({@link Log#value}), so it cannot add a line.
 */
final class TerminalText extends PrintStream {
    private TerminalText(PrintStream out) throws UnsupportedEncodingException {
        super(out, true, "UTF-8");
    }

    static PrintStream wrap(PrintStream out) {
        if (out instanceof TerminalText) {
            return out;
        }
        try {
            return new TerminalText(out);
        } catch (UnsupportedEncodingException e) {
            return out; // UTF-8 is always there
        }
    }

    @Override
    public void print(String s) {
        super.print(escape(s));
    }

    @Override
    public void print(Object o) {
        print(String.valueOf(o));
    }

    @Override
    public void println(String s) {
        synchronized (this) {
            print(s);
            println();
        }
    }

    @Override
    public void println(Object o) {
        println(String.valueOf(o));
    }

    /** Each line of {@code s} escaped, the line breaks between them kept. */
    static String escape(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder(s.length() + 8);
        int from = 0;
        while (true) {
            int nl = s.indexOf('\n', from);
            b.append(Log.escapeLine(s.substring(from, nl < 0 ? s.length() : nl)));
            if (nl < 0) {
                return b.toString();
            }
            b.append('\n');
            from = nl + 1;
        }
    }
}
