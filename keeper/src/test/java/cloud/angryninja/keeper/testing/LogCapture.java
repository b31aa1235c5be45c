package cloud.angryninja.keeper.testing;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Captures every log record (message with parameters filled in, plus any stack trace) from the root logger
 * while open, so a test can prove a secret never reached a log line.
 */
public final class LogCapture implements AutoCloseable {

    private final Logger root = Logger.getLogger("");
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            lines.add(render(record));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private LogCapture() {
        handler.setLevel(Level.ALL);
        root.addHandler(handler);
    }

    public static LogCapture start() {
        return new LogCapture();
    }

    /** Every captured line so far. */
    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** Captured lines that contain {@code needle}. */
    public List<String> linesContaining(String needle) {
        return lines.stream().filter(l -> l.contains(needle)).toList();
    }

    @Override
    public void close() {
        root.removeHandler(handler);
    }

    /** Stops capturing, then checks that no captured line holds any of {@code secrets}. */
    public void closeAndAssertNoLineHolds(String... secrets) {
        close();
        for (String secret : secrets) {
            org.assertj.core.api.Assertions.assertThat(linesContaining(secret)).as("log lines holding a secret").isEmpty();
        }
    }

    private static String render(LogRecord record) {
        StringBuilder text = new StringBuilder(record.getLoggerName() + " " + record.getLevel() + " ");
        String message = record.getMessage();
        Object[] parameters = record.getParameters();
        if (message != null && parameters != null && parameters.length > 0) {
            try {
                message = message.contains("%") ? String.format(message, parameters)
                        : java.text.MessageFormat.format(message, parameters);
            } catch (RuntimeException e) {
                message = message + " " + java.util.Arrays.toString(parameters);
            }
        }
        text.append(message);
        if (record.getThrown() != null) {
            StringWriter trace = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(trace));
            text.append('\n').append(trace);
        }
        return text.toString();
    }
}
