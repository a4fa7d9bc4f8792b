package dev.braid.components.model.pricing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.braid.components.model.api.Target;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class PriceTableTest {

    private final PriceTable prices = PriceTable.standard();

    @Test
    void theShippedTableListsTheCommonModelsWithItsDate() {
        assertTrue(prices.asOf().matches("\\d{4}-\\d{2}-\\d{2}"), prices.asOf());
        for (String key : List.of("openai/gpt-4o", "openai/gpt-4o-mini", "openai/gpt-4.1", "openai/gpt-4.1-mini",
                "openai/o3-mini", "openai/text-embedding-3-small", "openai/text-embedding-3-large",
                "anthropic/claude-3-5-haiku-latest", "anthropic/claude-3-7-sonnet-latest", "anthropic/claude-sonnet-4",
                "gemini/gemini-2.0-flash", "gemini/gemini-1.5-pro")) {
            String[] pm = key.split("/");
            assertTrue(prices.priceOf(pm[0], pm[1]).isPresent(), key);
        }
        assertEquals(new PriceTable.Price(0.15, 0.60), prices.priceOf("openai", "gpt-4o-mini").orElseThrow());
    }

    @Test
    void costIsPricePerMillionTokens() {
        // 1000 prompt tokens at $2.50/M + 500 completion tokens at $10/M
        assertEquals(0.0025 + 0.005, prices.costOf(Target.of("openai", "gpt-4o"), 1000, 500), 1e-12);
    }

    @Test
    void datedModelNamesTakeTheirLongestListedPrefix() {
        assertEquals(new PriceTable.Price(0.15, 0.60), prices.priceOf("openai", "gpt-4o-mini-2024-07-18").orElseThrow());
        assertEquals(new PriceTable.Price(2.50, 10.00), prices.priceOf("openai", "gpt-4o-2024-08-06").orElseThrow());
        assertEquals(new PriceTable.Price(3.00, 15.00), prices.priceOf("anthropic", "claude-sonnet-4-20250514").orElseThrow());
        assertTrue(prices.priceOf("openai", "gpt-4omni").isEmpty(), "a prefix must end at a '-'");
    }

    @Test
    void mockAndLocalAreFreeAndUnknownModelsCostNothing() {
        assertEquals(0.0, prices.costOf(Target.of("mock", "anything"), 1_000_000, 1_000_000));
        assertEquals(0.0, prices.costOf(Target.of("local", "lexicon"), 1_000_000, 0));
        assertTrue(prices.priceOf("acme", "x").isEmpty());
        assertEquals(0.0, prices.costOf(Target.of("acme", "x"), 1000, 1000));
    }

    @Test
    void overridesReplaceShippedPricesOnThisTableOnly() {
        prices.override("openai/gpt-4o", new PriceTable.Price(1.0, 4.0));
        prices.override("acme/*", new PriceTable.Price(0.5, 0.5));
        assertEquals(new PriceTable.Price(1.0, 4.0), prices.priceOf("openai", "gpt-4o").orElseThrow());
        assertEquals(1.0, prices.costOf(Target.of("acme", "any"), 1_000_000, 1_000_000), 1e-12);
        assertEquals(new PriceTable.Price(2.50, 10.00), PriceTable.standard().priceOf("openai", "gpt-4o").orElseThrow());
        assertThrows(IllegalArgumentException.class, () -> prices.override("gpt-4o", new PriceTable.Price(1, 1)));
        assertThrows(IllegalArgumentException.class, () -> new PriceTable.Price(-1, 0));
    }

    @Test
    void readsATableInTheShippedShape() throws Exception {
        String json = "{\"asOf\":\"2030-01-01\",\"prices\":{\"x/y\":{\"input\":1.5,\"output\":3}}}";
        PriceTable t = PriceTable.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
        assertEquals("2030-01-01", t.asOf());
        assertEquals(new PriceTable.Price(1.5, 3.0), t.priceOf("x", "y").orElseThrow());
        assertTrue(PriceTable.empty().priceOf("x", "y").isEmpty());
    }
}
