package dev.braid.server.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Making and checking key secrets. A secret is {@code bk_live_} followed by 256 random bits in
 * base62 (43 characters). Only its SHA-256 is stored: for a uniformly random 256-bit secret a fast
 * unsalted hash is enough (no dictionary to guess from, and 2^256 preimages to search), which a
 * password hash like bcrypt would only slow down on every request.
 */
public final class KeySecrets {

    public static final String PREFIX = "bk_live_";
    /** How much of a key listings show: the prefix and four secret characters. */
    static final int VISIBLE = PREFIX.length() + 4;
    private static final char[] BASE62 =
            "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private KeySecrets() {}

    /** A new secret: {@code bk_live_} + base62 of 32 random bytes. */
    public static String generate() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return PREFIX + base62(bytes);
    }

    /** Lower-case hex SHA-256 of the secret's UTF-8 bytes. */
    public static String sha256(String secret) {
        return HexFormat.of().formatHex(digest(secret));
    }

    static byte[] digest(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** Whether {@code secret} hashes to {@code storedSha256}, in time independent of where they differ. */
    public static boolean matches(String secret, String storedSha256) {
        return matches(digest(secret), storedSha256);
    }

    /** As {@link #matches(String, String)} for a secret already hashed with {@link #digest}. */
    static boolean matches(byte[] secretDigest, String storedSha256) {
        return MessageDigest.isEqual(secretDigest, HexFormat.of().parseHex(storedSha256));
    }

    /** What listings show instead of the secret: {@code bk_live_AbC1…}. */
    public static String visible(String secret) {
        return secret.substring(0, Math.min(VISIBLE, secret.length())) + "…";
    }

    private static String base62(byte[] bytes) {
        java.math.BigInteger n = new java.math.BigInteger(1, bytes);
        java.math.BigInteger base = java.math.BigInteger.valueOf(62);
        StringBuilder out = new StringBuilder();
        while (n.signum() > 0) {
            java.math.BigInteger[] qr = n.divideAndRemainder(base);
            out.append(BASE62[qr[1].intValue()]);
            n = qr[0];
        }
        // fixed width: 62^43 > 2^256
        while (out.length() < 43) {
            out.append('0');
        }
        return out.reverse().toString();
    }
}
