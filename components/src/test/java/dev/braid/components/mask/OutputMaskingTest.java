package dev.braid.components.mask;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/** Output masking: its own originals, never restored, numbered apart from the restoring vault. */
class OutputMaskingTest {

    private static final Masker EMAIL_PHONE = new Masker(new MaskPolicy(List.of("EMAIL", "PHONE"), null, false));

    @Test
    void aValueEqualToAnInputOriginalIsStillMaskedInTheOutput() {
        MaskVault input = new MaskVault();
        assertEquals("Hi, I am <EMAIL_1>", EMAIL_PHONE.mask("Hi, I am alice@shop.example", input));
        MaskVault output = input.outputVault();
        // the model (or an enrich step) echoes the raw original: masked, with a placeholder of its own
        String masked = EMAIL_PHONE.mask("Write to alice@shop.example or bob@shop.example", output);
        assertEquals("Write to <EMAIL_2> or <EMAIL_3>", masked);
        // restoring puts back only the input's placeholder, never an output one
        assertEquals("Write to <EMAIL_2> or <EMAIL_3>", input.restore(masked));
        assertEquals("alice@shop.example and <EMAIL_2>", input.restore("<EMAIL_1> and <EMAIL_2>"));
        assertEquals(List.of("alice@shop.example"), List.copyOf(input.originals()));
    }

    @Test
    void outputPlaceholdersAreNeverRestoredNotEvenByTheOutputVault() {
        MaskVault output = new MaskVault().outputVault();
        String masked = EMAIL_PHONE.mask("call +44 20 7946 0958", output);
        assertEquals("call <PHONE_1>", masked);
        assertEquals(masked, output.restore(masked));
        assertEquals(Map.of("t", masked), output.restoreDeep(Map.of("t", masked)));
        assertTrue(output.isOutputVault());
        assertSame(output, output.outputVault());
    }

    @Test
    void laterInputMaskingNeverReusesAnOutputNumber() {
        MaskVault input = new MaskVault();
        MaskVault output = input.outputVault();
        assertEquals("<EMAIL_1>", EMAIL_PHONE.mask("x@y.example", output));
        assertEquals("<EMAIL_2>", EMAIL_PHONE.mask("z@y.example", input));
        // so a restore of the combined text cannot turn the output placeholder into z@y.example
        assertEquals("<EMAIL_1> z@y.example", input.restore("<EMAIL_1> <EMAIL_2>"));
    }

    @Test
    void inputPlaceholdersInAnAnswerAreKeptAsTheyAre() {
        MaskVault input = new MaskVault();
        EMAIL_PHONE.mask("alice@shop.example", input);
        assertEquals("Dear <EMAIL_1>, see <EMAIL_2>", EMAIL_PHONE.mask("Dear <EMAIL_1>, see carol@x.example", input.outputVault()));
    }

    @Test
    void maskOutputEndpointMasksTheBodyWithTheOutputVault() throws Exception {
        try (CamelContext context = new DefaultCamelContext()) {
            context.addComponent(MaskComponent.SCHEME, new MaskComponent());
            context.start();
            Exchange exchange = new DefaultExchange(context);
            exchange.getMessage().setBody("mail alice@shop.example");
            context.getEndpoint("mask:mask?entities=EMAIL&restore=true").createProducer().process(exchange);
            assertEquals("mail <EMAIL_1>", exchange.getMessage().getBody());
            exchange.getMessage().setBody("<EMAIL_1> is alice@shop.example");
            context.getEndpoint("mask:output?entities=EMAIL").createProducer().process(exchange);
            assertEquals("<EMAIL_1> is <EMAIL_2>", exchange.getMessage().getBody());
            context.getEndpoint("mask:restore").createProducer().process(exchange);
            assertEquals("alice@shop.example is <EMAIL_2>", exchange.getMessage().getBody());
            assertFalse(MaskVault.find(exchange).orElseThrow().outputVault().isEmpty());
            assertThrows(Exception.class, () -> context.getEndpoint("mask:output?restore=true"));
        }
    }
}
