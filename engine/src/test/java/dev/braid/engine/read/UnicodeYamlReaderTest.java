package dev.braid.engine.read;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.braid.engine.spec.InvalidPipelineException;
import dev.braid.engine.spec.PipelineSpec;
import dev.braid.engine.spec.ValidationError;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Unicode the YAML reader must survive: astral characters wherever they fall (snakeyaml-engine
 * 3.0.1 read its input in 1,025-char windows and threw IndexOutOfBoundsException when a surrogate
 * pair straddled one, index 1024, 2049, …, which reached callers as a 500), and random documents
 * of astral characters, lone surrogates, NUL, BOMs and CRLF, which must either read or fail with
 * the reader's own positioned validation error, never anything else.
 */
class UnicodeYamlReaderTest {

    private static final String EMOJI = "\uD83D\uDE00"; // U+1F600, one surrogate pair
    private static final String HEAD = "apiVersion: braid/v1\nkind: Pipeline\nname: test\n";
    private static final String STEPS = "steps: [{ id: x, transform: { jsonata: input } }]\n";

    /** A valid pipeline whose description (quoted, plain, or a comment) puts {@link #EMOJI} at UTF-16 index {@code at}. */
    private static String emojiAt(int at, String style) {
        StringBuilder sb = new StringBuilder(HEAD);
        switch (style) {
            case "quoted" -> sb.append("description: \"");
            case "plain" -> sb.append("description: ");
            case "comment" -> sb.append("# ");
            default -> throw new IllegalArgumentException(style);
        }
        while (sb.length() < at) {
            sb.append('x');
        }
        assertEquals(at, sb.length());
        sb.append(EMOJI).append("y");
        sb.append("quoted".equals(style) ? "\"\n" : "\n");
        return sb.append(STEPS).toString();
    }

    @Test
    void anEmojiReadsAtTheIndicesThatUsedToFail() {
        for (int at : new int[] {1023, 1024, 1025, 2048, 2049, 2050, 3073, 3074, 4099}) {
            for (String style : List.of("quoted", "plain", "comment")) {
                String yaml = emojiAt(at, style);
                PipelineSpec spec = read(yaml, "emoji at " + at + " (" + style + ")");
                if (!"comment".equals(style)) {
                    assertTrue(spec.description().endsWith(EMOJI + "y"), spec.description());
                    assertEquals(at - yaml.indexOf("description: ") - "description: ".length()
                            - ("quoted".equals(style) ? 1 : 0), spec.description().indexOf(EMOJI));
                }
            }
        }
    }

    @Test
    void anEmojiReadsAtEveryPositionNearTheFirstFiveBufferBoundaries() {
        // windows of 1,025 chars (the engine's 1,024-code-point buffer plus one): ±40 around each edge
        List<Integer> positions = new ArrayList<>();
        for (int edge = 1; edge <= 5; edge++) {
            IntStream.rangeClosed(edge * 1024 - 40, edge * 1025 + 40).forEach(positions::add);
        }
        for (int at : positions) {
            read(emojiAt(at, "quoted"), "emoji at " + at);
        }
    }

    @Test
    void aLoneSurrogateIsAPositionedValidationError() {
        for (String lone : List.of("\uD83D", "\uDE00")) {
            for (int at : new int[] {100, 1024, 2049}) {
                String yaml = emojiAt(at, "quoted").replace(EMOJI, lone);
                InvalidPipelineException e = readFailure(yaml, "lone surrogate at " + at);
                ValidationError first = e.errors().get(0);
                assertTrue(first.line() >= 1 && first.column() >= 1, first.toString());
                assertTrue(first.message().startsWith("YAML"), first.toString());
            }
        }
    }

    // --- property: random Unicode never escapes as anything but InvalidPipelineException ---

    /** Pieces the generator draws from: YAML syntax, astral characters, lone surrogates, NUL, BOM, line ends, controls. */
    private static final String[] PIECES = {
        "\uD83D\uDE00", "\uD834\uDD1E", "\uDBFF\uDFFF", "\uD800", "\uDFFF", "\uDC00\uD800", "\u0000", "\uFEFF",
        "\r\n", "\r", "\n", "\t", "\u0085", "\u2028", "\u2029", "\u0007", "\u001B", "\u007F", "\u009F",
        "\uFFFE", "\uFFFF", "\uFFFD", "é", "ß", "中", "\u0301", " ", "  ", ":", ": ", "- ", "-", "#", "&a", "*a",
        "!!str ", "!x ", "'", "\"", "\\", "\\u", "\\x", "\\U0001F600", "{", "}", "[", "]", ",", "?", "|", ">", "%", "@",
        "`", "---", "...", "id", "steps", "model", "x", "0", "1e999", "null", "~",
    };

    @Test
    void randomUnicodeDocumentsReadOrFailWithAPositionedValidationError() {
        long seed = Long.getLong("braid.fuzz.seed", System.nanoTime());
        int iterations = Integer.getInteger("braid.fuzz.iterations", 1500);
        long deadline = System.nanoTime() + 20_000_000_000L; // a bound on CI time whatever the iterations
        Random random = new Random(seed);
        String valid = HEAD + "description: a pipeline\n" + """
                steps:
                  - id: m
                    model:
                      targets: [{ provider: mock, model: echo }]
                      prompt: { system: "Be brief.", user: "{{input.text}}" }
                  - id: t
                    transform: { jsonata: "steps.m.text" }
                """;
        PipelineReader reader = new PipelineReader();
        int read = 0;
        int refused = 0;
        for (int i = 0; i < iterations && System.nanoTime() < deadline; i++) {
            String doc = switch (i % 3) {
                case 0 -> randomText(random, 1 + random.nextInt(random.nextBoolean() ? 200 : 5000));
                case 1 -> mutate(random, valid);
                default -> padTo(random, valid); // long valid documents with hostile text around the buffer edges
            };
            try {
                reader.read(doc);
                read++;
            } catch (InvalidPipelineException e) {
                refused++;
                if (e.errors().isEmpty()) {
                    fail(report(seed, i, doc, "no errors"));
                }
                for (ValidationError error : e.errors()) {
                    if (error.line() < 1 || error.column() < 1) {
                        fail(report(seed, i, doc, "error without a line and column: " + error));
                    }
                }
            } catch (Throwable t) {
                fail(report(seed, i, doc, t.toString()), t);
            }
        }
        System.out.printf("unicode property: seed %d, %d read, %d refused%n", seed, read, refused);
        assertTrue(read + refused >= Math.min(iterations, 100), "too few documents tried");
    }

    private static String randomText(Random random, int length) {
        StringBuilder sb = new StringBuilder(length + 8);
        while (sb.length() < length) {
            int kind = random.nextInt(10);
            if (kind < 5) {
                sb.append(PIECES[random.nextInt(PIECES.length)]);
            } else if (kind < 8) {
                sb.append((char) (' ' + random.nextInt(95)));
            } else if (kind < 9) {
                sb.appendCodePoint(0x10000 + random.nextInt(0x10FFFF - 0x10000));
            } else {
                sb.append((char) random.nextInt(0x10000)); // any UTF-16 unit, lone surrogates included
            }
        }
        return sb.toString();
    }

    private static String mutate(Random random, String valid) {
        StringBuilder sb = new StringBuilder(valid);
        int edits = 1 + random.nextInt(6);
        for (int e = 0; e < edits; e++) {
            int at = random.nextInt(sb.length() + 1);
            switch (random.nextInt(3)) {
                case 0 -> sb.insert(at, PIECES[random.nextInt(PIECES.length)]);
                case 1 -> sb.insert(at, randomText(random, 1 + random.nextInt(8)));
                default -> {
                    if (at < sb.length()) {
                        sb.deleteCharAt(at);
                    }
                }
            }
        }
        if (random.nextInt(8) == 0) {
            sb.insert(0, '\uFEFF');
        }
        return random.nextInt(4) == 0 ? sb.toString().replace("\n", "\r\n") : sb.toString();
    }

    /** The valid document with a long description, so a hostile piece lands near a 1,025-char window's edge. */
    private static String padTo(Random random, String valid) {
        int edge = 1024 * (1 + random.nextInt(4)) + random.nextInt(8) - 4;
        StringBuilder sb = new StringBuilder(HEAD + "description: \"");
        while (sb.length() < edge) {
            sb.append('x');
        }
        sb.append(PIECES[random.nextInt(PIECES.length)]).append(randomText(random, random.nextInt(4))).append("\"\n");
        return sb.append(valid.substring(valid.indexOf("steps:"))).toString();
    }

    private static String report(long seed, int iteration, String doc, String what) {
        StringBuilder escaped = new StringBuilder();
        doc.chars().limit(400).forEach(c -> escaped.append(c >= 0x20 && c < 0x7F ? String.valueOf((char) c)
                : String.format("\\u%04X", c)));
        return "seed " + seed + " (rerun with -Dbraid.fuzz.seed=" + seed + "), iteration " + iteration + ": " + what
                + "\ndocument (" + doc.length() + " chars, first 400): " + escaped;
    }

    private static PipelineSpec read(String yaml, String what) {
        try {
            return new PipelineReader().read(yaml);
        } catch (Throwable t) {
            throw new AssertionError(what + ": " + t, t);
        }
    }

    private static InvalidPipelineException readFailure(String yaml, String what) {
        try {
            new PipelineReader().read(yaml);
        } catch (InvalidPipelineException e) {
            return e;
        } catch (Throwable t) {
            throw new AssertionError(what + ": " + t, t);
        }
        throw new AssertionError(what + ": read");
    }
}
