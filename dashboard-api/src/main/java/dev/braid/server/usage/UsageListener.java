package dev.braid.server.usage;

/**
 * Told about every usage record as it is captured (on the request's completing thread, before
 * the database sees it): metrics count from here. Must be quick and must not throw.
 */
public interface UsageListener {

    void recorded(UsageRecord record);
}
