package dev.braid.server.calls;

/** The front door a paid call came through: the {@code source} column of its usage rows. */
public enum Source {
    /** {@code POST /v1/pipelines/{name}/invoke}. */
    INVOKE("invoke"),
    /** {@code POST /v1/chat/completions}, on a provider model, an alias or {@code pipeline/<name>}. */
    CHAT("chat"),
    /** {@code POST /v1/embeddings}. */
    EMBEDDINGS("embeddings"),
    /** A line of a batch ({@code POST /v1/batches}), run by a worker under the batch creator's key. */
    BATCH("batch");

    private final String wire;

    Source(String wire) {
        this.wire = wire;
    }

    /** The name usage rows, spans and metrics use. */
    public String wire() {
        return wire;
    }
}
