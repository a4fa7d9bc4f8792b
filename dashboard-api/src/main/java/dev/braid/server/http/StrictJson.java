package dev.braid.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import jakarta.inject.Singleton;

/**
 * Gives Micronaut's ObjectMapper (request bodies, and every controller that parses with it) a
 * parser that refuses non-finite numbers ({@link FiniteNumbers}). The mapper is replaced by a copy
 * with the new factory before any bean receives it; its configuration and modules carry over.
 */
@Singleton
public final class StrictJson implements BeanCreatedEventListener<ObjectMapper> {

    @Override
    public ObjectMapper onCreated(BeanCreatedEvent<ObjectMapper> event) {
        ObjectMapper mapper = event.getBean();
        if (mapper.getFactory() instanceof FiniteNumbers) {
            return mapper;
        }
        return mapper.copyWith(new FiniteNumbers(mapper.getFactory()));
    }
}
