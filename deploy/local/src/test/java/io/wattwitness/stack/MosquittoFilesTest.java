package io.wattwitness.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The password file format, the ACL for another topic root and the effective broker configuration (plain JUnit). */
class MosquittoFilesTest {

    @Test
    void passwordLinesAreMosquittosSaltedPbkdf2Format() {
        String first = MosquittoPasswordFile.line("0123456789abcdef", "secret-password");
        String second = MosquittoPasswordFile.line("0123456789abcdef", "secret-password");
        assertTrue(first.matches("0123456789abcdef:\\$7\\$101\\$[A-Za-z0-9+/]{16}\\$[A-Za-z0-9+/]{86}=="), first);
        assertNotEquals(first, second, "a fresh salt every time");
        assertThrows(IllegalArgumentException.class, () -> MosquittoPasswordFile.line("a:b", "x"));
        assertThrows(IllegalArgumentException.class, () -> MosquittoPasswordFile.line("a\nb", "x"));
        assertThrows(IllegalArgumentException.class, () -> MosquittoPasswordFile.line("a", ""));
    }

    @Test
    void theAclIsRewrittenForAnotherTopicRootAndIngestAccount() throws Exception {
        String shipped = Files.readString(TestBrokers.shippedDir().resolve("acl"));
        String acl = MosquittoAcl.render(shipped, "staging/meters", "ingest-staging");
        List<String> rules = acl.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
        assertEquals(List.of("user ingest-staging",
                "topic read staging/meters/+/readings",
                "topic read staging/meters/+/status",
                "topic write staging/meters/+/ack",
                "pattern write staging/meters/%u/readings",
                "pattern write staging/meters/%u/status",
                "pattern read staging/meters/%u/ack"), rules);
        assertEquals(shipped.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).toList(),
                MosquittoAcl.render(shipped, MosquittoAcl.DEFAULT_TOPIC_ROOT, MosquittoAcl.DEFAULT_INGEST_USERNAME)
                        .lines().filter(l -> !l.isBlank() && !l.startsWith("#")).toList());
        for (String bad : List.of("a/+/b", "a/#", "/a", "a/", "a//b", "$SYS/x", "a b", "a/%u", "")) {
            assertThrows(IllegalArgumentException.class, () -> MosquittoAcl.render(shipped, bad, "ingest"), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> MosquittoAcl.render(shipped, "a/b", "in gest"));
    }

    @Test
    void onlyTheSiteSpecificLinesOfTheShippedConfigurationAreReplaced() throws Exception {
        String shipped = Files.readString(TestBrokers.shippedDir().resolve("mosquitto.conf"));
        Path work = Path.of("/tmp/broker");
        String effective = MosquittoProcess.effectiveConfiguration(shipped, work, 41883, "tester");
        List<String> expected = new java.util.ArrayList<>();
        for (String line : shipped.split("\n", -1)) {
            expected.add(switch (line.split(" ", 2)[0]) {
                case "listener" -> "listener 41883 127.0.0.1";
                case "password_file" -> "password_file /tmp/broker/passwd";
                case "acl_file" -> "acl_file /tmp/broker/acl";
                case "persistence_location" -> "persistence_location /tmp/broker/data/";
                default -> line;
            });
        }
        expected.add("# added for this process: keep the user that started it");
        expected.add("user tester");
        expected.add("");
        assertEquals(expected, List.of(effective.split("\n", -1)));
        assertTrue(shipped.contains("\nallow_anonymous false\n"));
        assertThrows(IllegalArgumentException.class, () -> MosquittoProcess.effectiveConfiguration(
                shipped.replace("listener 1883", "# no listener"), work, 1, "tester"));
    }
}
