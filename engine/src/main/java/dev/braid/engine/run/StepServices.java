package dev.braid.engine.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpClient;

/**
 * What the runtime lends a step operation that leaves the process: one HTTP client (named daemon
 * threads, no redirects), one JSON mapper, and the policy deciding which targets may be called.
 */
public interface StepServices {

    HttpClient http();

    ObjectMapper json();

    /** Which outbound targets an {@code enrich} step may call (the server's SSRF rules). */
    EnrichTargetPolicy enrichPolicy();
}
