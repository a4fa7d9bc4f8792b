package dev.braid.components.model.local;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Splits text into words (letters, digits, inner apostrophes) and punctuation marks that end clauses. */
final class TextTokens {

    /** A word as written, or one punctuation mark. */
    record Token(String text, boolean word) {
        String lower() {
            return text.toLowerCase(java.util.Locale.ROOT);
        }
    }

    private static final Pattern TOKEN = Pattern.compile("[\\p{L}\\p{N}]+(?:'[\\p{L}]+)*|[.!?;,:]");

    private TextTokens() {}

    static List<Token> of(String text) {
        List<Token> tokens = new ArrayList<>();
        if (text == null) {
            return tokens;
        }
        // typographic apostrophes are common in pasted text: "don’t"
        Matcher m = TOKEN.matcher(text.replace('\u2019', '\'').replace('\u2018', '\''));
        while (m.find()) {
            String t = m.group();
            tokens.add(new Token(t, Character.isLetterOrDigit(t.codePointAt(0))));
        }
        return tokens;
    }

    static List<String> lowerWords(String text) {
        List<String> words = new ArrayList<>();
        for (Token t : of(text)) {
            if (t.word()) {
                words.add(t.lower());
            }
        }
        return words;
    }
}
