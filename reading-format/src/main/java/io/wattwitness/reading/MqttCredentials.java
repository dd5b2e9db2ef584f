package io.wattwitness.reading;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Per-device broker credentials (SPEC.md §6.3): the username is the device id, the password is derived from the
 * deployment's device credential secret, so that the broker's password file can be rebuilt from the installation
 * registry alone and a device's password can be printed for its configuration at any time.
 * <p>
 * {@code password = lowercase hex of the first 16 bytes of HMAC-SHA256(key = secret (UTF-8), message = device id)}
 * (RFC 2104, FIPS 180-4): 32 hex characters, 128 bits.
 */
public final class MqttCredentials {

    /** Characters of a derived password. */
    public static final int PASSWORD_LENGTH = 32;

    private MqttCredentials() {
    }

    /**
     * @param secret the deployment's device credential secret, at least 16 characters
     * @param deviceIdHex the device id, 16 lowercase hex characters
     * @return the device's broker password, 32 lowercase hex characters
     * @throws IllegalArgumentException when the secret is shorter than 16 characters or the id is not 16 lowercase
     *         hex characters
     */
    public static String devicePassword(String secret, String deviceIdHex) {
        if (secret == null || secret.length() < 16) {
            throw new IllegalArgumentException("the device credential secret must have at least 16 characters");
        }
        if (!Hex.isHex(deviceIdHex, 16) || !deviceIdHex.equals(deviceIdHex.toLowerCase(java.util.Locale.ROOT))) {
            throw new IllegalArgumentException("device id must be 16 lowercase hex characters: " + deviceIdHex);
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] digest = mac.doFinal(deviceIdHex.getBytes(StandardCharsets.US_ASCII));
            return Hex.encode(java.util.Arrays.copyOf(digest, PASSWORD_LENGTH / 2));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
