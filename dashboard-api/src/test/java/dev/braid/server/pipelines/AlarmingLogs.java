package dev.braid.server.pipelines;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Captures the root logger while open; {@link #alarming} is what an operator would be paged on. */
final class AlarmingLogs implements AutoCloseable {

    private final ListAppender<ILoggingEvent> events = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);

    AlarmingLogs() {
        events.start();
        root.addAppender(events);
    }

    private volatile int from;

    /** Forgets what was logged so far (a server's start, with the test pipelines it refuses on purpose). */
    void mark() {
        synchronized (events) {
            from = events.list.size();
        }
    }

    /** ERROR events and anything carrying a stack trace since the mark, as "LEVEL logger: message [exception]" lines. */
    List<String> alarming() {
        synchronized (events) {
            return List.copyOf(events.list.subList(from, events.list.size())).stream()
                    .filter(e -> e.getLevel().isGreaterOrEqual(Level.ERROR) || e.getThrowableProxy() != null)
                    .map(e -> e.getLevel() + " " + e.getLoggerName() + ": " + e.getFormattedMessage()
                            + (e.getThrowableProxy() == null ? ""
                                    : " [" + e.getThrowableProxy().getClassName() + ": " + e.getThrowableProxy().getMessage() + "]"))
                    .toList();
        }
    }

    @Override
    public void close() {
        root.detachAppender(events);
        events.stop();
    }
}
