package dev.braid.cli;

import java.net.URI;
import java.util.Map;

/**
 * Where the CLI talks to and with which key, and where each came from, so a refusal can name the
 * variable or flag to fix without ever showing the key.
 *
 * @param key the API key, or null when none was found
 * @param keySource what supplied the key ({@code --key}, {@code BRAID_KEY}, {@code BRAID_ADMIN_KEY}),
 *     or null when none did
 * @param urlSource what supplied the URL ({@code --url}, {@code BRAID_URL}, {@code BRAID_SERVER}, or the default)
 */
record Connection(URI url, String urlSource, String key, String keySource) {

    static final String DEFAULT_URL = "http://localhost:8080";

    /**
     * The flags win, then {@code BRAID_URL} / {@code BRAID_KEY}, then the older or broader names:
     * {@code BRAID_SERVER} (deprecated) for the URL, {@code BRAID_ADMIN_KEY} (what the server's own
     * first start reads, so a README terminal has it) for the key. A blank value counts as unset.
     */
    static Connection resolve(String urlFlag, String urlFlagName, String keyFlag, Map<String, String> env) {
        String url;
        String urlSource;
        if (present(urlFlag)) {
            url = urlFlag;
            urlSource = urlFlagName;
        } else if (present(env.get("BRAID_URL"))) {
            url = env.get("BRAID_URL");
            urlSource = "BRAID_URL";
        } else if (present(env.get("BRAID_SERVER"))) {
            url = env.get("BRAID_SERVER");
            urlSource = "BRAID_SERVER";
        } else {
            url = DEFAULT_URL;
            urlSource = "the default";
        }
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new CliFailure(Exit.USAGE, urlSource + ": not a URL: " + url);
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new CliFailure(Exit.USAGE, urlSource + ": expected an http:// or https:// URL, got " + url);
        }
        if (present(keyFlag)) {
            return new Connection(uri, urlSource, keyFlag, "--key");
        }
        for (String name : new String[] {"BRAID_KEY", "BRAID_ADMIN_KEY"}) {
            if (present(env.get(name))) {
                return new Connection(uri, urlSource, env.get(name), name);
            }
        }
        return new Connection(uri, urlSource, null, null);
    }

    /**
     * What to do about a 401 or 403, naming where the key came from (never the key): null for any
     * other status.
     */
    String authHint(ApiResponse response) {
        int status = response.status();
        if (status != 401 && status != 403) {
            return null;
        }
        if (key == null) {
            return "no API key was sent: set BRAID_KEY (or BRAID_ADMIN_KEY) or pass --key";
        }
        String from = "BRAID_ADMIN_KEY".equals(keySource) ? "BRAID_ADMIN_KEY (BRAID_KEY is not set)" : keySource;
        if (status == 401) {
            return "the key from " + from + " is unknown to the server at " + url + " (" + urlSource
                    + ") or was revoked: check " + keySource + ", or pass --key";
        }
        return "the key from " + from + " is valid but its role or scope does not allow this (deploy,"
                    + " activate and rollback need a deployer key, invoke an invoker key, keys, providers and"
                    + " audit an admin key): use another key via BRAID_KEY or --key";
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }
}
