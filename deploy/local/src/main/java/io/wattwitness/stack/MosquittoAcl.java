package io.wattwitness.stack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The broker ACL (SPEC.md §6.3) for a given topic root and ingest account, made from the shipped
 * {@code deploy/mosquitto/acl}, which is written for {@value #DEFAULT_TOPIC_ROOT} and {@value #DEFAULT_INGEST_USERNAME}.
 * Mosquitto's ACL file has no variables besides {@code %u} and {@code %c}, so another root is written into a copy.
 */
public final class MosquittoAcl {

    /** The topic root of SPEC.md §6 (and of the shipped ACL). */
    public static final String DEFAULT_TOPIC_ROOT = "wattwitness/v1/devices";

    /** ingest-service's broker account in the shipped ACL. */
    public static final String DEFAULT_INGEST_USERNAME = "wattwitness-ingest";

    private MosquittoAcl() {
    }

    /**
     * @param template the shipped ACL text
     * @param topicRoot the topic root, e.g. {@code wattwitness/v1/devices}: levels separated by {@code /}, none empty,
     *        no wildcards ({@code +}, {@code #}), no {@code %}, no leading or trailing {@code /}
     * @param ingestUsername ingest-service's account: no spaces, {@code :}, {@code %}, wildcards or line breaks
     * @return the ACL for that root and account
     * @throws IllegalArgumentException when the root or account is not usable, or the template does not name the
     *         default root and account
     */
    public static String render(String template, String topicRoot, String ingestUsername) {
        checkTopicRoot(topicRoot);
        if (ingestUsername == null || !ingestUsername.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("the ingest username must be letters, digits, '.', '_' or '-': "
                    + ingestUsername);
        }
        String userLine = "\nuser " + DEFAULT_INGEST_USERNAME + "\n";
        if (!template.contains(" " + DEFAULT_TOPIC_ROOT + "/") || !template.contains(userLine)) {
            throw new IllegalArgumentException("the ACL template does not name " + DEFAULT_TOPIC_ROOT + " and user "
                    + DEFAULT_INGEST_USERNAME);
        }
        return "# Copy for topic root " + topicRoot + " and ingest account " + ingestUsername + ".\n"
                + template.replace(userLine, "\nuser " + ingestUsername + "\n")
                        .replace(" " + DEFAULT_TOPIC_ROOT + "/", " " + topicRoot + "/");
    }

    /**
     * Writes {@link #render} of a template file atomically.
     *
     * @param template the shipped ACL file
     * @param target the ACL file to write
     * @param topicRoot the topic root
     * @param ingestUsername ingest-service's account
     * @throws IOException if a file cannot be read or written
     */
    public static void write(Path template, Path target, String topicRoot, String ingestUsername) throws IOException {
        String text = render(Files.readString(template, StandardCharsets.UTF_8), topicRoot, ingestUsername);
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, target.getFileName().toString(), ".new");
        try {
            Files.writeString(temp, text, StandardCharsets.UTF_8);
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * @param topicRoot a topic root
     * @throws IllegalArgumentException when it is not a plain topic prefix
     */
    public static void checkTopicRoot(String topicRoot) {
        if (topicRoot == null || topicRoot.isEmpty() || topicRoot.startsWith("/") || topicRoot.endsWith("/")
                || topicRoot.contains("//") || topicRoot.matches(".*[+#%\\s].*") || topicRoot.startsWith("$")) {
            throw new IllegalArgumentException("a topic root is levels separated by '/', none empty, without "
                    + "wildcards, '%', spaces or a leading '$': " + topicRoot);
        }
    }
}
