package dev.braid.components.mask;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class MaskerTest {

    private static final Masker ALL = new Masker(new MaskPolicy(List.of(), null, false));

    @Test
    void placeholdersAreNumberedPerEntityInTextOrder() {
        MaskVault vault = new MaskVault();
        String masked = ALL.mask("a@x.com, +44 20 7946 0958, b@x.com and 10.0.0.1, c@x.com", vault);
        assertEquals("<EMAIL_1>, <PHONE_1>, <EMAIL_2> and <IPV4_1>, <EMAIL_3>", masked);
        assertEquals(5, vault.size());
    }

    @Test
    void theSameValueGetsTheSamePlaceholderEverywhereInARequest() {
        MaskVault vault = new MaskVault();
        assertEquals("<EMAIL_1> then <EMAIL_2> then <EMAIL_1>", ALL.mask("a@x.com then b@x.com then a@x.com", vault));
        // a later field and a later call of the same request reuse the numbers
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("from", "b@x.com");
        input.put("cc", List.of("c@x.com", "a@x.com"));
        Object masked = ALL.maskDeep(input, vault);
        assertEquals(Map.of("from", "<EMAIL_2>", "cc", List.of("<EMAIL_3>", "<EMAIL_1>")), masked);
        // a separately built masker (another step) shares the vault's numbering
        Masker emailOnly = new Masker(new MaskPolicy(List.of("EMAIL"), null, false));
        assertEquals("<EMAIL_3>!", emailOnly.mask("c@x.com!", vault));
    }

    @Test
    void aTextStartingWithAnAtSignStillHasItsAddressesMasked() {
        // an '@' at position 0 once ended the e-mail scan before it began
        assertEquals("@team: write to <EMAIL_1>", ALL.mask("@team: write to a@x.com", new MaskVault()));
    }

    @Test
    void aNewRequestStartsNumberingAgain() {
        assertEquals("<EMAIL_1>", ALL.mask("z@x.com", new MaskVault()));
        assertEquals("<EMAIL_1>", ALL.mask("y@x.com", new MaskVault()));
    }

    @Test
    void customRegexEntitiesAreMaskedWithTheirUpperCaseName() {
        Masker masker = new Masker(new MaskPolicy(List.of("EMAIL", "customerId"),
                Map.of("customerId", "CUST-\\d{6}", "order-ref", "ORD/[A-Z]{3}\\d{4}"), false));
        MaskVault vault = new MaskVault();
        String masked = masker.mask("CUST-123456 wrote from a@x.com about ORD/ABC1234 and CUST-123456", vault);
        assertEquals("<CUSTOMERID_1> wrote from <EMAIL_1> about <ORDER_REF_1> and <CUSTOMERID_1>", masked);
        assertEquals(List.of("EMAIL", "CUSTOMERID", "ORDER_REF"), masker.entities());
    }

    @Test
    void overlappingMatchesAreMaskedOnceLongestFirst() {
        // the IBAN holds digit groups a phone or card detector could see; the IPv6 holds an IPv4
        MaskVault vault = new MaskVault();
        assertEquals("iban <IBAN_1> and <IPV6_1>",
                ALL.mask("iban DE89 3704 0044 0532 0130 00 and ::ffff:192.0.2.128", vault));
        // a custom pattern overlapping an email loses to the longer email
        Masker masker = new Masker(new MaskPolicy(List.of("EMAIL"), Map.of("USER", "john"), false));
        assertEquals("<EMAIL_1> and <USER_1>", masker.mask("john@x.com and john", new MaskVault()));
    }

    @Test
    void forTheSameSpanTheMoreSpecificEntityWins() {
        // 078-05-1120 is both a valid SSN and a national phone shape
        assertEquals("ssn <US_SSN_1>", ALL.mask("ssn 078-05-1120", new MaskVault()));
        // an integrator's pattern beats the built-ins on the same span
        Masker custom = new Masker(new MaskPolicy(List.of("US_SSN"), Map.of("MEMBER", "\\d{3}-\\d{2}-\\d{4}"), false));
        assertEquals("member <MEMBER_1>", custom.mask("member 078-05-1120", new MaskVault()));
    }

    @Test
    void maskDeepCopiesStructuresAndNeverChangesTheInput() {
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("note", "call 415-555-2671");
        List<Object> list = new ArrayList<>(List.of("a@x.com", 42, true));
        list.add(nested);
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("text", "mail a@x.com");
        input.put("items", list);
        input.put("missing", null);
        Map<String, Object> before = deepCopy(input);

        @SuppressWarnings("unchecked")
        Map<String, Object> masked = (Map<String, Object>) ALL.maskDeep(input, new MaskVault());

        assertEquals(before, input, "input must not change");
        assertNotSame(input, masked);
        assertEquals("mail <EMAIL_1>", masked.get("text"));
        assertEquals(List.of("<EMAIL_1>", 42, true, Map.of("note", "call <PHONE_1>")), masked.get("items"));
        assertTrue(masked.containsKey("missing"));
    }

    @Test
    void unsupportedValueTypesFailInsteadOfPassingUnmasked() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ALL.maskDeep(Map.of("blob", new byte[] {1, 2}), new MaskVault()));
        assertTrue(e.getMessage().contains("[B"), e.getMessage());
    }

    @Test
    void unknownEntitiesAndBadCustomPatternsAreRejected() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> new Masker(new MaskPolicy(List.of("EMAIL", "PASSPORT"), null, false)));
        assertTrue(unknown.getMessage().contains("'PASSPORT'") && unknown.getMessage().contains("US_SSN"),
                unknown.getMessage());
        IllegalArgumentException badRegex = assertThrows(IllegalArgumentException.class,
                () -> new Masker(new MaskPolicy(List.of(), Map.of("ID", "([a-z"), false)));
        assertTrue(badRegex.getMessage().contains("'ID'"), badRegex.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new Masker(new MaskPolicy(List.of(), Map.of("1abc", "x"), false)));
        assertThrows(IllegalArgumentException.class,
                () -> new Masker(new MaskPolicy(List.of(), Map.of("email", "x"), false)));
    }

    @Test
    void entityNamesAreCaseInsensitive() {
        Masker masker = new Masker(new MaskPolicy(List.of("email", " Phone "), null, false));
        assertEquals(List.of("EMAIL", "PHONE"), masker.entities());
    }

    @Test
    void placeholderLookingInputIsNeverIssuedNorRestored() {
        MaskVault vault = new MaskVault();
        String text = "my voucher says <EMAIL_1> and <PHONE_7>, mail me at a@x.com";
        String masked = ALL.mask(text, vault);
        // the typed literals are reserved: the real email gets the next free number
        assertEquals("my voucher says <EMAIL_1> and <PHONE_7>, mail me at <EMAIL_2>", masked);
        assertEquals(text, vault.restore(masked));
        assertEquals("reply: <EMAIL_1> / a@x.com", vault.restore("reply: <EMAIL_1> / <EMAIL_2>"));
    }

    @Test
    void literalsAreReservedAcrossAllFieldsBeforeNumbersAreIssued() {
        MaskVault vault = new MaskVault();
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("a", "from a@x.com");
        input.put("b", "literal <EMAIL_1> typed by the user");
        Object masked = ALL.maskDeep(input, vault);
        assertEquals(Map.of("a", "from <EMAIL_2>", "b", "literal <EMAIL_1> typed by the user"), masked);
        assertEquals(input, vault.restoreDeep(masked));
    }

    @Test
    void maskingTwiceChangesNothingAndDetectorsNeverReadInsidePlaceholders() {
        Masker digits = new Masker(new MaskPolicy(List.of("EMAIL"), Map.of("NUMBER", "\\d+"), false));
        MaskVault vault = new MaskVault();
        String once = digits.mask("a@x.com has 42 items", vault);
        assertEquals("<EMAIL_1> has <NUMBER_1> items", once);
        assertEquals(once, digits.mask(once, vault));
        assertEquals("a@x.com has 42 items", vault.restore(digits.mask(once, vault)));
    }

    @Test
    void theVaultIsSafeForParallelBranches() throws Exception {
        MaskVault vault = new MaskVault();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                results.add(pool.submit(() -> {
                    StringBuilder b = new StringBuilder();
                    for (int i = 0; i < 50; i++) {
                        b.append("user").append(i).append("@x.com ");
                    }
                    return ALL.mask(b.toString(), vault);
                }));
            }
            String first = results.get(0).get();
            for (Future<String> f : results) {
                assertEquals(first, f.get(), "every branch sees the same placeholders");
            }
            assertEquals(50, vault.size());
            assertEquals(50, vault.originals().size());
        } finally {
            pool.shutdownNow();
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> deepCopy(Map<String, Object> map) {
        Map<String, Object> copy = new LinkedHashMap<>();
        map.forEach((k, v) -> copy.put(k, v instanceof Map<?, ?> m ? deepCopy((Map<String, Object>) m)
                : v instanceof List<?> l ? new ArrayList<>(l.stream().map(x -> x instanceof Map<?, ?> mm
                        ? deepCopy((Map<String, Object>) mm) : x).toList()) : v));
        return copy;
    }
}
