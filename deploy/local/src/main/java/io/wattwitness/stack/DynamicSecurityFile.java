package io.wattwitness.stack;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * The initial state file of Mosquitto's dynamic-security plugin ({@code plugin_opt_config_file}): the administrator
 * account and role only, and the default access all denied (but unsubscribing). The broker owns the file once it has
 * started: it rewrites it after every change made through {@code $CONTROL/dynamic-security/v1}, and the devices and
 * ingest-service are added that way ({@link MqttProvisioning}).
 * <p>
 * Passwords are stored the way the plugin stores them: {@code password} = Base64 of PBKDF2-HMAC-SHA512 (RFC 8018) of
 * the password (UTF-8), 64 bytes, over {@code iterations} = 101 rounds with {@code salt} = Base64 of 12 random bytes.
 */
public final class DynamicSecurityFile {

    /** PBKDF2 iterations Mosquitto 2.0 uses. */
    public static final int ITERATIONS = 101;

    private static final int SALT_BYTES = 12;
    private static final int HASH_BYTES = 64;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * A stored password.
     *
     * @param password Base64 of the 64-byte PBKDF2-HMAC-SHA512 hash
     * @param salt Base64 of the 12-byte salt
     * @param iterations PBKDF2 iterations
     */
    public record PasswordHash(String password, String salt, int iterations) {
    }

    private DynamicSecurityFile() {
    }

    /**
     * @param password a password, not empty
     * @return its hash with a fresh salt
     * @throws IllegalArgumentException when it is empty
     */
    public static PasswordHash hash(String password) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        return hash(password, salt, ITERATIONS);
    }

    /**
     * @param password a password, not empty
     * @param salt the salt
     * @param iterations PBKDF2 iterations
     * @return its hash
     * @throws IllegalArgumentException when the password is empty
     */
    public static PasswordHash hash(String password, byte[] salt, int iterations) {
        if (password == null || password.isEmpty()) {
            throw new IllegalArgumentException("empty password");
        }
        try {
            PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, HASH_BYTES * 8);
            byte[] hash = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512").generateSecret(spec).getEncoded();
            Base64.Encoder base64 = Base64.getEncoder();
            return new PasswordHash(base64.encodeToString(hash), base64.encodeToString(salt), iterations);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA512 is not available", e);
        }
    }

    /**
     * The initial configuration: client {@code adminUsername} with role {@value MosquittoAcl#ADMIN_ROLE}
     * ({@link MosquittoAcl#adminAcls()}), no other client or role, default access: publish, receive and subscribe
     * denied, unsubscribe allowed.
     *
     * @param adminUsername the administrator account, see {@link MosquittoAcl#checkServiceUsername}
     * @param adminPassword its password, not empty
     * @return the JSON text
     * @throws IllegalArgumentException when the account or password is not usable
     */
    public static String initialConfiguration(String adminUsername, String adminPassword) {
        MosquittoAcl.checkServiceUsername(adminUsername);
        PasswordHash hash = hash(adminPassword);
        ObjectNode root = JSON.createObjectNode();
        ObjectNode admin = root.putArray("clients").addObject();
        admin.put("username", adminUsername);
        admin.put("textName", "WattWitness broker administrator");
        admin.put("password", hash.password());
        admin.put("salt", hash.salt());
        admin.put("iterations", hash.iterations());
        admin.putArray("roles").addObject().put("rolename", MosquittoAcl.ADMIN_ROLE);
        ObjectNode role = root.putArray("roles").addObject();
        role.put("rolename", MosquittoAcl.ADMIN_ROLE);
        role.put("textName", "reconciles the broker's accounts through $CONTROL/dynamic-security/v1");
        ArrayNode acls = role.putArray("acls");
        for (MosquittoAcl.Acl acl : MosquittoAcl.adminAcls()) {
            acls.addObject().put("acltype", acl.type()).put("topic", acl.topic()).put("priority", 0)
                    .put("allow", true);
        }
        root.putArray("groups");
        ObjectNode defaults = root.putObject("defaultACLAccess");
        defaults.put("publishClientSend", false);
        defaults.put("publishClientReceive", false);
        defaults.put("subscribe", false);
        defaults.put("unsubscribe", true);
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Writes {@link #initialConfiguration} to a file that does not exist yet (owner read/write only where the file
     * system has POSIX permissions), atomically.
     *
     * @param file the plugin's state file
     * @param adminUsername the administrator account
     * @param adminPassword its password
     * @throws FileAlreadyExistsException when the file exists (the broker owns it: never overwritten)
     * @throws IOException when it cannot be written
     */
    public static void writeInitial(Path file, String adminUsername, String adminPassword) throws IOException {
        if (Files.exists(file)) {
            throw new FileAlreadyExistsException(file.toString(), null, "the broker owns it; change it through "
                    + "$CONTROL/dynamic-security/v1");
        }
        writePrivate(file, initialConfiguration(adminUsername, adminPassword));
    }

    /**
     * Writes a text file readable and writable by its owner only (where the file system has POSIX permissions),
     * through a temporary file in the same folder renamed over the target.
     *
     * @param file the file
     * @param text its content
     * @throws IOException when it cannot be written
     */
    static void writePrivate(Path file, String text) throws IOException {
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
