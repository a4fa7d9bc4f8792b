package dev.braid.components.mask;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

class MaskVaultTest {

    private static MaskVault vaultWith(String... entityValuePairs) {
        MaskVault vault = new MaskVault();
        for (int i = 0; i < entityValuePairs.length; i += 2) {
            vault.placeholderFor(entityValuePairs[i], entityValuePairs[i + 1]);
        }
        return vault;
    }

    @Test
    void restorePutsOriginalsBackAndLeavesUnknownPlaceholdersAlone() {
        MaskVault vault = vaultWith("EMAIL", "a@x.com", "PHONE", "+44 20 7946 0958", "CREDIT_CARD", "4111 1111 1111 1111");
        assertEquals("Dear a@x.com, we call +44 20 7946 0958; <EMAIL_2>, <IBAN_1>, <email_1>, <EMAIL_01>, <EMAIL_1",
                vault.restore("Dear <EMAIL_1>, we call <PHONE_1>; <EMAIL_2>, <IBAN_1>, <email_1>, <EMAIL_01>, <EMAIL_1"));
        assertEquals("card 4111 1111 1111 1111<<", vault.restore("card <CREDIT_CARD_1><<"));
        assertEquals("no placeholders", vault.restore("no placeholders"));
    }

    @Test
    void restoreIsASinglePassSoOriginalsAreNeverExpandedAgain() {
        MaskVault vault = new MaskVault();
        String first = vault.placeholderFor("CODE", "see <CODE_2>");
        String second = vault.placeholderFor("CODE", "secret");
        assertEquals("<CODE_1>", first);
        assertEquals("<CODE_2>", second);
        assertEquals("see <CODE_2> / secret", vault.restore("<CODE_1> / <CODE_2>"));
    }

    @Test
    void restoreDeepCopiesMapsAndLists() {
        MaskVault vault = vaultWith("EMAIL", "a@x.com");
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("<EMAIL_1>", "to <EMAIL_1>");
        reply.put("list", List.of("<EMAIL_1>", 3, Map.of("deep", "<EMAIL_1>!")));
        Object restored = vault.restoreDeep(reply);
        assertEquals(Map.of("<EMAIL_1>", "to a@x.com", "list", List.of("a@x.com", 3, Map.of("deep", "a@x.com!"))),
                restored);
        assertEquals("to <EMAIL_1>", reply.get("<EMAIL_1>"), "input unchanged");
    }

    @Test
    void placeholderForValidatesTheEntityName() {
        MaskVault vault = new MaskVault();
        assertThrows(IllegalArgumentException.class, () -> vault.placeholderFor("email", "x"));
        assertThrows(IllegalArgumentException.class, () -> vault.placeholderFor("E-MAIL", "x"));
        assertThrows(IllegalArgumentException.class, () -> vault.placeholderFor("EMAIL", null));
        assertEquals("<A_B2_1>", vault.placeholderFor("A_B2", "x"));
    }

    @Test
    void originalsAndEmptiness() {
        MaskVault vault = new MaskVault();
        assertTrue(vault.isEmpty());
        vault.placeholderFor("EMAIL", "a@x.com");
        vault.placeholderFor("EMAIL", "a@x.com");
        vault.placeholderFor("PHONE", "020 7946 0958");
        assertFalse(vault.isEmpty());
        assertEquals(Set.of("a@x.com", "020 7946 0958"), Set.copyOf(vault.originals()));
    }

    @Test
    void toStringShowsCountsOnly() {
        MaskVault vault = vaultWith("EMAIL", "secret@x.com", "PHONE", "020 7946 0958");
        String s = vault.toString();
        assertFalse(s.contains("secret") || s.contains("7946") || s.contains("EMAIL_1"), s);
        assertTrue(s.contains("2"), s);
    }

    @Test
    void theVaultLivesOnTheExchange() {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        assertTrue(MaskVault.find(exchange).isEmpty());
        MaskVault vault = MaskVault.of(exchange);
        assertSame(vault, MaskVault.of(exchange));
        assertSame(vault, exchange.getProperty(MaskVault.EXCHANGE_PROPERTY));
        assertSame(vault, MaskVault.find(exchange).orElseThrow());
    }

    @Test
    void streamRestorerRestoresAcrossEverySplitPoint() {
        MaskVault vault = vaultWith("EMAIL", "a@x.com", "CREDIT_CARD", "4111 1111 1111 1111", "PHONE", "020 7946 0958");
        String masked = "Hi <EMAIL_1>, card <CREDIT_CARD_1> <PHONE_1><EMAIL_1> 3 < 4, <IBAN_2> <EMAIL_1";
        String expected = vault.restore(masked);
        assertEquals("Hi a@x.com, card 4111 1111 1111 1111 020 7946 0958a@x.com 3 < 4, <IBAN_2> <EMAIL_1", expected);
        for (int i = 0; i <= masked.length(); i++) {
            for (int j = i; j <= masked.length(); j++) {
                MaskVault.StreamRestorer r = vault.streamRestorer();
                String out = r.accept(masked.substring(0, i)) + r.accept(masked.substring(i, j))
                        + r.accept(masked.substring(j)) + r.finish();
                assertEquals(expected, out, "split at " + i + "," + j);
            }
        }
        // one character at a time
        MaskVault.StreamRestorer r = vault.streamRestorer();
        StringBuilder out = new StringBuilder();
        for (char c : masked.toCharArray()) {
            out.append(r.accept(String.valueOf(c)));
        }
        assertEquals(expected, out.append(r.finish()).toString());
    }

    @Test
    void streamRestorerHoldsBackOnlyAPossiblePlaceholderTail() {
        MaskVault vault = vaultWith("EMAIL", "a@x.com");
        MaskVault.StreamRestorer r = vault.streamRestorer();
        assertEquals("Hello ", r.accept("Hello <EM"));
        assertEquals("a@x.com, bye", r.accept("AIL_1>, bye"));
        assertEquals("1 < 2 ", r.accept("1 < 2 "), "a '<' that cannot start a placeholder is not held");
        assertEquals("<b>", r.accept("<b>"));
        assertEquals("", r.accept("<EMAIL_"));
        assertEquals("<EMAIL_", r.finish(), "an unfinished tail is flushed as it is");
    }

    @Test
    void streamRestorerPassesTextThroughWhenNothingWasMasked() {
        MaskVault.StreamRestorer r = new MaskVault().streamRestorer();
        assertEquals("a <B", r.accept("a <B"));
        assertEquals("", r.finish());
    }
}
