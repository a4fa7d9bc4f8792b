package dev.braid.server.calls;

import dev.braid.server.http.EventStream;

/**
 * A {@link CallStream} that writes server-sent events: whether it is open and whether its client
 * left are its {@link EventStream}'s; the front door says what a delta, the end and a failure look like.
 */
public abstract class EventCallStream<D, R> implements CallStream<D, R> {

    protected final EventStream events;

    protected EventCallStream(EventStream events) {
        this.events = events;
    }

    @Override
    public boolean isOpen() {
        return events.isOpen();
    }

    @Override
    public boolean isCancelled() {
        return events.isCancelled();
    }
}
