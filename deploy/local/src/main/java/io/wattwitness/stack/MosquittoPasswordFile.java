package io.wattwitness.stack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Writes a Mosquitto 2.0 password file in Mosquitto's own hashed format, the one {@code mosquitto_passwd} writes, so
 * that no password is ever stored in plain text: one line {@code username:$7$101$<salt>$<hash>} per account, where
 * {@code salt} is 12 random bytes, {@code hash} is PBKDF2-HMAC-SHA512 (RFC 8018) of the password (UTF-8) over 101
 * iterations, 64 bytes, both in standard Base64.
 */
public final class MosquittoPasswordFile {

    /** PBKDF2 iterations Mosquitto 2.0 uses by default. */
    public static final int ITERATIONS = 101;

    private static final int SALT_BYTES = 12;
    private static final int HASH_BYTES = 64;
    private static final SecureRandom RANDOM = new SecureRandom();

    private MosquittoPasswordFile() {
    }

    /**
     * @param username the account; not empty, without {@code :} or line breaks
     * @param password the password; not empty
     * @return the password file line, without line break
     * @throws IllegalArgumentException when the username or password cannot be stored
     */
    public static String line(String username, String password) {
        if (username == null || username.isEmpty() || username.contains(":") || username.contains("\n")
                || username.contains("\r")) {
            throw new IllegalArgumentException("a Mosquitto username must be non-empty, without ':' or line breaks: "
                    + username);
        }
        if (password == null || password.isEmpty()) {
            throw new IllegalArgumentException("the password of " + username + " is empty");
        }
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        try {
            PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, ITERATIONS, HASH_BYTES * 8);
            byte[] hash = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512").generateSecret(spec).getEncoded();
            Base64.Encoder base64 = Base64.getEncoder();
            return username + ":$7$" + ITERATIONS + "$" + base64.encodeToString(salt) + "$"
                    + base64.encodeToString(hash);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA512 is not available", e);
        }
    }

    /**
     * Writes the file atomically (a temporary file in the same folder, then renamed over the old one), readable and
     * writable by its owner only when the file system has POSIX permissions, accounts sorted by name.
     *
     * @param file the password file
     * @param accounts username to password
     * @throws IOException if the file cannot be written
     * @throws IllegalArgumentException when an account cannot be stored (see {@link #line})
     */
    public static void write(Path file, Map<String, String> accounts) throws IOException {
        StringBuilder text = new StringBuilder();
        for (Map.Entry<String, String> account : new TreeMap<>(accounts).entrySet()) {
            text.append(line(account.getKey(), account.getValue())).append('\n');
        }
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, file.getFileName().toString(), ".new");
        try {
            try {
                Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // no POSIX permissions on this file system: the folder's protection applies
            }
            Files.writeString(temp, text, StandardCharsets.UTF_8);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
