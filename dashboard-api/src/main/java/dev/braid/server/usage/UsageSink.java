package dev.braid.server.usage;

import java.util.List;

/**
 * Where batches of usage records go. Called only from the {@link UsageRecorder}'s writer thread,
 * never on a request thread, so an implementation may block.
 */
public interface UsageSink {

    void write(List<UsageRecord> batch) throws Exception;
}
