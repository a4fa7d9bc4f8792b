package dev.braid.server.providers;

import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM for secrets at rest (provider API keys). The key comes from {@code BRAID_SECRET_KEY}:
 * base64 of exactly 32 bytes is used as is; any other text is a passphrase, hashed with SHA-256.
 * Each value gets a fresh random 96-bit IV; the stored form is base64(IV || ciphertext || tag). The
 * associated data binds a ciphertext to its row, so one row's value cannot be pasted into another.
 */
@Singleton
public class SecretBox {

    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;

    public SecretBox(@Nullable @Value("${braid.secret-key:}") String secret) {
        this.key = secret == null || secret.isBlank() ? null : new SecretKeySpec(derive(secret.trim()), "AES");
    }

    /** Whether BRAID_SECRET_KEY is set: without it nothing secret may be stored. */
    public boolean available() {
        return key != null;
    }

    public String encrypt(String plaintext, String context) {
        require();
        try {
            byte[] iv = new byte[IV_BYTES];
            RANDOM.nextBytes(iv);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[iv.length + sealed.length];
            System.arraycopy(iv, 0, out, 0, iv.length);
            System.arraycopy(sealed, 0, out, iv.length, sealed.length);
            return Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("encryption failed", e);
        }
    }

    /** @throws IllegalStateException when the key is wrong or the value was tampered with */
    public String decrypt(String stored, String context) {
        require();
        try {
            byte[] in = Base64.getDecoder().decode(stored);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, IV_BYTES));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(in, IV_BYTES, in.length - IV_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("a stored secret cannot be decrypted (is BRAID_SECRET_KEY the one it was stored with?)");
        }
    }

    private void require() {
        if (key == null) {
            throw new IllegalStateException("BRAID_SECRET_KEY is not set");
        }
    }

    static byte[] derive(String secret) {
        try {
            byte[] raw = Base64.getDecoder().decode(secret);
            if (raw.length == 32) {
                return raw;
            }
        } catch (IllegalArgumentException notBase64) {
            // a passphrase
        }
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
