package dev.lifeline.report;

import org.junit.jupiter.api.Test;

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
}
