package dev.braid.components.mask;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;

/**
 * The {@code mask:} component: {@code mask:mask?step=…} or {@code mask:mask?entities=EMAIL,PHONE}
 * replaces personal data by placeholders; {@code mask:restore} puts the originals back.
 * Register it with {@code context.addComponent("mask", new MaskComponent())} or let Camel find it
 * by scheme (META-INF/services discovery file).
 */
public class MaskComponent extends DefaultComponent {

    public static final String SCHEME = "mask";

    /** Compiled maskers per policy: step policies are few and immutable, so this stays small. */
    private static final int MAX_CACHED_MASKERS = 512;

    private final Map<MaskPolicy, Masker> maskers = new ConcurrentHashMap<>();

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        MaskEndpoint endpoint = new MaskEndpoint(uri, this, MaskOperation.fromPath(remaining));
        setProperties(endpoint, parameters);
        endpoint.configure();
        return endpoint;
    }

    /** The masker for {@code policy}, compiled on first use. */
    Masker masker(MaskPolicy policy) {
        Masker masker = maskers.get(policy);
        if (masker == null) {
            if (maskers.size() >= MAX_CACHED_MASKERS) {
                maskers.clear(); // a redeploy-heavy instance recompiles rather than grows
            }
            masker = maskers.computeIfAbsent(policy, Masker::new);
        }
        return masker;
    }
}
