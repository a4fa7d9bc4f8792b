package dev.braid.components.mask;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The streaming masker releases exactly what masking the whole text at once gives, however it is split. */
class StreamMaskerTest {

    private static final Masker ALL = new Masker(new MaskPolicy(List.of(), Map.of("ticket", "TCK-\\d{6}"), false));

    private static final String[] VALUES = {
        "john.doe@example.com", "a@b.co", "ops+alerts@mail.example.org", "+44 20 7946 0958", "(415) 555-2671",
        "415.555.2671", "020 7946 0958", "+4915112345678", "4111 1111 1111 1111", "5500-0000-0000-0004",
        "4012888888881881", "DE89 3704 0044 0532 0130 00", "GB82WEST12345698765432", "192.168.1.20", "2001:db8::1",
        "::1", "123-45-6789", "TCK-123456",
    };

    private static final String[] FILLER = {
        "hello", "order 12345", "call", "at", "or", "v1.2.3", "2024-05-01", "@", "a@", "x:", "(", "+", "42",
        "Dear customer", "<NAME_1>", "<NAME_", "<not a token>", "TCK-12", "1.2.3.4.5", "DE00", "\n", "€5",
    };

    private static final String[] JOINS = {" ", "", ", ", ". ", "\n", " - ", ": "};

    @Test
    void randomSplitsOfRandomTextsMaskExactlyAsTheWholeText() {
        Random random = new Random(Long.getLong("seed", 20261126L));
        for (int round = 0; round < Integer.getInteger("rounds", 400); round++) {
            String text = randomText(random);
            String expected = ALL.mask(text, new MaskVault());
            List<String> chunks = randomSplit(text, random);
            String streamed = stream(ALL, chunks, new MaskVault());
            assertEquals(expected, streamed, "round " + round + " chunks " + chunks);
        }
    }

    @Test
    void everyValueSplitAtEveryPositionIsStillMasked() {
        for (String value : VALUES) {
            String text = "Reach me at " + value + " today.";
            String expected = ALL.mask(text, new MaskVault());
            assertFalse(expected.contains(value), expected);
            for (int cut = 1; cut < text.length(); cut++) {
                List<String> chunks = List.of(text.substring(0, cut), text.substring(cut));
                assertEquals(expected, stream(ALL, chunks, new MaskVault()), "cut at " + cut + " of " + text);
            }
            // one character per chunk: the worst split a provider can send
            List<String> singles = new ArrayList<>();
            text.chars().forEach(c -> singles.add(String.valueOf((char) c)));
            assertEquals(expected, stream(ALL, singles, new MaskVault()));
        }
    }

    @Test
    void plainTextIsReleasedAtOnceAndOnlyAPossibleValueIsHeldBack() {
        Masker.StreamMasker masker = ALL.streamMasker(new MaskVault());
        // the last word may still become word@…: only it is held
        assertEquals("Thank you for your ", masker.accept("Thank you for your message"));
        String released = masker.accept(". Write to bob");
        assertEquals("message. Write to ", released);
        assertEquals("", masker.accept("@exa"));
        assertEquals("<EMAIL_1> ", masker.accept("mple.com now"));
        assertEquals("now", masker.finish());
    }

    @Test
    void heldTextIsBoundedAndFlushedAtTheEnd() {
        Masker.StreamMasker masker = ALL.streamMasker(new MaskVault());
        StringBuilder out = new StringBuilder();
        String digits = "1 ".repeat(2000); // digits and spaces: always a possible phone or card start
        for (int i = 0; i < digits.length(); i += 7) {
            int accepted = Math.min(digits.length(), i + 7);
            out.append(masker.accept(digits.substring(i, accepted)));
            assertTrue(accepted - out.length() <= Masker.StreamMasker.MAX_HELD, "held " + (accepted - out.length()));
        }
        out.append(masker.finish());
        assertEquals(ALL.mask(digits, new MaskVault()), out.toString());
    }

    @Test
    void aStreamSharesTheVaultWithTheWholeTextMasking() {
        // the streamed deltas and the final (non-streamed) output of one request get the same placeholders
        MaskVault vault = new MaskVault().outputVault();
        String text = "Mail bob@x.com or call +44 20 7946 0958; bob@x.com again.";
        String streamed = stream(ALL, List.of("Mail bob@", "x.com or call +44 20 79", "46 0958; bob@x.com again."), vault);
        assertEquals("Mail <EMAIL_1> or call <PHONE_1>; <EMAIL_1> again.", streamed);
        assertEquals(streamed, ALL.mask(text, vault));
    }

    static String stream(Masker masker, List<String> chunks, MaskVault vault) {
        Masker.StreamMasker stream = masker.streamMasker(vault);
        StringBuilder out = new StringBuilder();
        for (String c : chunks) {
            out.append(stream.accept(c));
        }
        return out.append(stream.finish()).toString();
    }

    private static String randomText(Random random) {
        StringBuilder b = new StringBuilder();
        int parts = 1 + random.nextInt(14);
        for (int i = 0; i < parts; i++) {
            if (i > 0) {
                b.append(JOINS[random.nextInt(JOINS.length)]);
            }
            String[] pool = random.nextInt(3) == 0 ? VALUES : FILLER;
            b.append(pool[random.nextInt(pool.length)]);
        }
        return b.toString();
    }

    private static List<String> randomSplit(String text, Random random) {
        List<String> chunks = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            int len = random.nextInt(4) == 0 ? 1 : 1 + random.nextInt(12);
            int end = Math.min(text.length(), i + len);
            chunks.add(text.substring(i, end));
            i = end;
        }
        return chunks;
    }
}
