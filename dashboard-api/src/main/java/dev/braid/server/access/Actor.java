package dev.braid.server.access;

/**
 * Who changed the registry: an API key's id and name once keys exist; until then every caller is
 * {@link #ANONYMOUS}, and pipelines deployed from files at first start are {@link #STARTUP}.
 */
public record Actor(String id, String name) {

    public static final Actor ANONYMOUS = new Actor("anonymous", "anonymous");
    public static final Actor STARTUP = new Actor("startup", "pipeline files at first start");
}
