package dev.braid.server.http;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import jakarta.inject.Singleton;

/**
 * Tightens Jackson's read limits on Micronaut's ObjectMapper (request bodies, the OpenAI API's
 * own parsing): a body nested 10,000 deep is a 400, never a deep recursion. Request bodies are
 * at most {@code micronaut.server.max-request-size} anyway; these bound what a small body can cost.
 */
@Singleton
public final class JsonReadLimits implements BeanCreatedEventListener<ObjectMapper> {

    /** Deepest nesting of arrays and objects a JSON body may have. */
    public static final int MAX_NESTING_DEPTH = 64;
    /** Longest number literal (digits): BigDecimal parsing is superlinear in it. */
    public static final int MAX_NUMBER_LENGTH = 100;
    /** Longest string value; the body limit (1 MB by default) is lower still. */
    public static final int MAX_STRING_LENGTH = 16 * 1024 * 1024;

    public static final StreamReadConstraints CONSTRAINTS = StreamReadConstraints.builder()
            .maxNestingDepth(MAX_NESTING_DEPTH)
            .maxNumberLength(MAX_NUMBER_LENGTH)
            .maxStringLength(MAX_STRING_LENGTH)
            .build();

    @Override
    public ObjectMapper onCreated(BeanCreatedEvent<ObjectMapper> event) {
        ObjectMapper mapper = event.getBean();
        mapper.getFactory().setStreamReadConstraints(CONSTRAINTS);
        return mapper;
    }
}
