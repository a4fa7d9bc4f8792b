package dev.braid.server.http;

import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client that went away before its request body arrived in full (closed, reset, timed out) is
 * not a server error. Each one was logged as ERROR with a 20-line stack trace: 7,000 slowloris
 * connections wrote 14 MB of log (issue 13, item 11). Now one DEBUG line without a trace.
 */
final class ClientAborts {

    private static final Logger LOG = LoggerFactory.getLogger(ClientAborts.class);

    private ClientAborts() {}

    /** Whether {@code error} (or a cause of it) says the connection ended under the request. */
    static boolean is(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof EOFException || t instanceof ClosedChannelException) {
                return true;
            }
            if (t instanceof IOException && t.getMessage() != null) {
                String m = t.getMessage();
                if (m.contains("Connection reset") || m.contains("Broken pipe") || m.contains("connection was aborted")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Logs the abort ({@code what}: the method and path); the answer goes nowhere, but it must still be one. */
    static ApiProblem problem(String what, Throwable error) {
        if (LOG.isDebugEnabled()) {
            LOG.debug("client went away before the request body arrived: {} ({})", what, error.getClass().getSimpleName());
        }
        return ApiProblem.of(400, "request_aborted", "the request body was not received in full");
    }
}
