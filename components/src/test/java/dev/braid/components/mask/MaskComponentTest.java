package dev.braid.components.mask;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.braid.components.step.StepBindings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ResolveEndpointFailedException;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;

class MaskComponentTest extends CamelTestSupport {

    /** A step reading one exchange property and writing its result to another. */
    private record PropertyStep(MaskPolicy policy, String from, String to) implements MaskStepBinding {
        @Override
        public Object read(Exchange exchange) {
            return exchange.getProperty(from);
        }

        @Override
        public void write(Exchange exchange, Object result) {
            exchange.setProperty(to, result);
        }
    }

    /** The smallest StepBindings: a fixed map of step key to binding. */
    private record FixedStepBindings(Map<String, Object> bindings) implements StepBindings {
        @Override
        public <T> T lookup(String stepKey, Class<T> type) {
            Object binding = bindings.get(stepKey);
            if (!type.isInstance(binding)) {
                throw new IllegalArgumentException("no " + type.getSimpleName() + " for step " + stepKey);
            }
            return type.cast(binding);
        }
    }

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext context = super.createCamelContext();
        context.addComponent(MaskComponent.SCHEME, new MaskComponent());
        context.getRegistry().bind(StepBindings.BEAN_NAME, new FixedStepBindings(Map.of(
                "shop/1/redact", new PropertyStep(new MaskPolicy(List.of("EMAIL", "IBAN"),
                        Map.of("customerId", "CUST-\\d{6}"), true), "input", "masked"),
                "shop/1/final", new PropertyStep(new MaskPolicy(List.of(), null, false), "masked", "restored"))));
        return context;
    }

    @Override
    protected RoutesBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:in").to("mask:mask?entities=EMAIL,PHONE").to("mock:out");
                from("direct:all").to("mask:mask?restore=true").to("mock:all");
                from("direct:roundtrip")
                        .to("mask:mask?entities=EMAIL")
                        .to("mock:masked")
                        .process(e -> e.getMessage().setBody(
                                Map.of("reply", "We wrote to " + e.getMessage().getBody(String.class), "ids", List.of(
                                        "<EMAIL_1>", "<EMAIL_9>"))))
                        .to("mask:restore")
                        .to("mock:restored");
                from("direct:step").to("mask:mask?step=shop/1/redact").to("mask:restore?step=shop/1/final")
                        .to("mock:step");
                from("direct:restoreOnly").to("mask:restore").to("mock:restoreOnly");
            }
        };
    }

    @Test
    void masksTheBodyAndKeepsOriginalsInTheExchangeVault() throws Exception {
        MockEndpoint out = getMockEndpoint("mock:out");
        out.expectedBodiesReceived("Mail <EMAIL_1> or call <PHONE_1>; again <EMAIL_1>. IP 10.0.0.1 stays.");
        out.expectedHeaderReceived(MaskHeaders.MASKED_COUNT, 3);

        Exchange result = template.send("direct:in",
                e -> e.getMessage().setBody("Mail a@x.com or call +44 20 7946 0958; again a@x.com. IP 10.0.0.1 stays."));

        out.assertIsSatisfied();
        MaskVault vault = result.getProperty(MaskVault.EXCHANGE_PROPERTY, MaskVault.class);
        assertNotNull(vault);
        assertEquals(2, vault.size());
        assertTrue(vault.originals().containsAll(List.of("a@x.com", "+44 20 7946 0958")));
        assertFalse(vault.restoreRequested());
    }

    @Test
    void masksMapAndListBodiesAsCopies() throws Exception {
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("text", "from a@x.com");
        input.put("more", List.of("DE89 3704 0044 0532 0130 00", 7));
        MockEndpoint all = getMockEndpoint("mock:all");
        all.expectedBodiesReceived(new LinkedHashMap<>(Map.of("text", "from <EMAIL_1>", "more", List.of("<IBAN_1>", 7))));

        Exchange result = template.send("direct:all", e -> e.getMessage().setBody(input));

        all.assertIsSatisfied();
        assertEquals("from a@x.com", input.get("text"), "the caller's map is not changed");
        assertTrue(MaskVault.find(result).orElseThrow().restoreRequested(), "restore=true is recorded on the vault");
    }

    @Test
    void restoreEndpointPutsOriginalsBackDeepAndLeavesUnknownPlaceholders() throws Exception {
        getMockEndpoint("mock:masked").expectedBodiesReceived("<EMAIL_1>");
        MockEndpoint restored = getMockEndpoint("mock:restored");
        restored.expectedBodiesReceived(
                new LinkedHashMap<>(Map.of("reply", "We wrote to a@x.com", "ids", List.of("a@x.com", "<EMAIL_9>"))));

        template.sendBody("direct:roundtrip", "a@x.com");

        MockEndpoint.assertIsSatisfied(context);
    }

    @Test
    void restoreWithoutAVaultLeavesTheBodyAlone() throws Exception {
        getMockEndpoint("mock:restoreOnly").expectedBodiesReceived("<EMAIL_1> stays");
        template.sendBody("direct:restoreOnly", "<EMAIL_1> stays");
        MockEndpoint.assertIsSatisfied(context);
    }

    @Test
    void aStepBindingFromTheRegistrySuppliesPolicyInputAndOutput() throws Exception {
        MockEndpoint step = getMockEndpoint("mock:step");
        step.expectedBodiesReceived("the body is not the step's input");

        Exchange result = template.send("direct:step", e -> {
            e.getMessage().setBody("the body is not the step's input");
            e.setProperty("input", Map.of("text", "CUST-123456 (a@x.com) pays from DE89 3704 0044 0532 0130 00",
                    "phone", "+44 20 7946 0958"));
        });

        step.assertIsSatisfied();
        assertEquals(Map.of("text", "<CUSTOMERID_1> (<EMAIL_1>) pays from <IBAN_1>", "phone", "+44 20 7946 0958"),
                result.getProperty("masked"));
        // mask:restore?step=… read the masked value through its binding and wrote it restored
        assertEquals(Map.of("text", "CUST-123456 (a@x.com) pays from DE89 3704 0044 0532 0130 00",
                "phone", "+44 20 7946 0958"), result.getProperty("restored"));
        MaskVault vault = MaskVault.find(result).orElseThrow();
        assertTrue(vault.restoreRequested());
        assertEquals(3, vault.size(), "EMAIL, IBAN and the custom entity; PHONE is not in the step's policy");
    }

    @Test
    void aStepBindingMasksIntoItsOutput() throws Exception {
        Exchange exchange = template.send("mask:mask?step=shop/1/redact",
                e -> e.setProperty("input", "CUST-123456 wrote from a@x.com"));
        assertNull(exchange.getException());
        assertEquals("<CUSTOMERID_1> wrote from <EMAIL_1>", exchange.getProperty("masked"));
    }

    @Test
    void anUnknownStepFailsTheExchange() {
        Exchange exchange = template.send("mask:mask?step=nope", e -> e.getMessage().setBody("x"));
        assertInstanceOf(IllegalArgumentException.class, exchange.getException());
    }

    @Test
    void unknownOptionsAndOperationsAreRejectedAtEndpointCreation() {
        ResolveEndpointFailedException unknownOption =
                assertThrows(ResolveEndpointFailedException.class, () -> context.getEndpoint("mask:mask?entites=EMAIL"));
        assertTrue(unknownOption.getMessage().contains("entites"), unknownOption.getMessage());
        Exception unknownEntity = assertThrows(Exception.class, () -> context.getEndpoint("mask:mask?entities=EMAIL,FOO"));
        assertTrue(rootMessage(unknownEntity).contains("'FOO'"), rootMessage(unknownEntity));
        Exception unknownPath = assertThrows(Exception.class, () -> context.getEndpoint("mask:hide"));
        assertTrue(rootMessage(unknownPath).contains("mask:restore"), rootMessage(unknownPath));
        assertThrows(Exception.class, () -> context.getEndpoint("mask:mask?step=a&entities=EMAIL"));
        assertThrows(Exception.class, () -> context.getEndpoint("mask:restore?restore=true"));
        assertThrows(Exception.class, () -> context.getEndpoint("mask:mask?restore=perhaps"));
    }

    @Test
    void theComponentIsFoundByItsSchemeWithoutRegistration() throws Exception {
        try (CamelContext plain = new DefaultCamelContext()) {
            plain.start();
            assertInstanceOf(MaskEndpoint.class, plain.getEndpoint("mask:mask?entities=EMAIL"));
            assertSame(MaskOperation.RESTORE, ((MaskEndpoint) plain.getEndpoint("mask:restore")).getOperation());
        }
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage();
    }
}
