package io.wattwitness.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wattwitness.stack.MosquittoAcl.Acl;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plugin's password format and initial state, the roles for another topic root, the effective configuration. */
class MosquittoFilesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void passwordsAreHashedAsMosquittoCtrlHashesThem() {
        // written by `mosquitto_ctrl dynsec init FILE admin adminpw` (Mosquitto 2.0.11)
        DynamicSecurityFile.PasswordHash hash = DynamicSecurityFile.hash("adminpw",
                Base64.getDecoder().decode("OG1GNu61KFTYKWq7"), 101);
        assertEquals("4B9I+skYxzyFaCVQsL3+J7KaxqmhPpw6BNlD2Ky9soA7g+5npovtF4xx/YjwtO5SBiEpJk5mXUqJGTpF3uAyow==",
                hash.password());
        DynamicSecurityFile.PasswordHash first = DynamicSecurityFile.hash("secret-password");
        DynamicSecurityFile.PasswordHash second = DynamicSecurityFile.hash("secret-password");
        assertEquals(12, Base64.getDecoder().decode(first.salt()).length);
        assertEquals(64, Base64.getDecoder().decode(first.password()).length);
        assertEquals(101, first.iterations());
        assertNotEquals(first.salt(), second.salt(), "a fresh salt every time");
        assertThrows(IllegalArgumentException.class, () -> DynamicSecurityFile.hash(""));
    }

    @Test
    void theInitialStateHoldsTheAdministratorOnlyAndDeniesByDefault() throws Exception {
        Path file = dir.resolve("dynamic-security.json");
        DynamicSecurityFile.writeInitial(file, "ops-admin", "admin-password-1");
        JsonNode state = JSON.readTree(file.toFile());
        assertEquals(1, state.path("clients").size());
        JsonNode admin = state.path("clients").get(0);
        assertEquals("ops-admin", admin.path("username").asText());
        assertEquals(DynamicSecurityFile.hash("admin-password-1", Base64.getDecoder().decode(admin.path("salt")
                .asText()), admin.path("iterations").asInt()).password(), admin.path("password").asText());
        assertEquals(MosquittoAcl.ADMIN_ROLE, admin.path("roles").get(0).path("rolename").asText());
        assertEquals(1, state.path("roles").size());
        List<String> acls = new java.util.ArrayList<>();
        state.path("roles").get(0).path("acls").forEach(acl -> acls.add(acl.path("acltype").asText() + " "
                + acl.path("topic").asText() + " " + acl.path("allow").asBoolean()));
        assertEquals(List.of("publishClientReceive $CONTROL/dynamic-security/# true",
                "publishClientSend $CONTROL/dynamic-security/# true",
                "subscribePattern $CONTROL/dynamic-security/# true"), acls);
        assertEquals(JSON.readTree("{\"publishClientSend\":false,\"publishClientReceive\":false,"
                + "\"subscribe\":false,\"unsubscribe\":true}"), state.path("defaultACLAccess"));
        assertTrue(!Files.readString(file).contains("admin-password-1"), "no plain text password");
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(file)));
        assertThrows(FileAlreadyExistsException.class, () -> DynamicSecurityFile.writeInitial(file, "x", "y"));
        assertThrows(IllegalArgumentException.class, () -> DynamicSecurityFile.initialConfiguration(
                "0123456789abcdef", "pw"), "a device id is no administrator");
    }

    @Test
    void theRolesAreWrittenOutForTheTopicRootAndGroup() {
        assertEquals(List.of(
                new Acl("publishClientReceive", "staging/meters/0123456789abcdef/ack"),
                new Acl("publishClientSend", "staging/meters/0123456789abcdef/readings"),
                new Acl("publishClientSend", "staging/meters/0123456789abcdef/status"),
                new Acl("subscribeLiteral", "staging/meters/0123456789abcdef/ack")),
                MosquittoAcl.deviceAcls("staging/meters", "0123456789abcdef"));
        assertEquals(List.of(
                new Acl("publishClientReceive", "$SYS/broker/#"),
                new Acl("publishClientReceive", "staging/meters/+/readings"),
                new Acl("publishClientReceive", "staging/meters/+/status"),
                new Acl("publishClientSend", "staging/meters/+/ack"),
                new Acl("subscribePattern", "$SYS/broker/#"),
                new Acl("subscribePattern", "$share/ingest-staging/staging/meters/+/readings"),
                new Acl("subscribePattern", "$share/ingest-staging/staging/meters/+/status"),
                new Acl("subscribePattern", "staging/meters/+/readings"),
                new Acl("subscribePattern", "staging/meters/+/status")),
                MosquittoAcl.ingestAcls("staging/meters", "ingest-staging"));
        for (String bad : List.of("a/+/b", "a/#", "/a", "a/", "a//b", "$SYS/x", "a b", "a/%u", "")) {
            assertThrows(IllegalArgumentException.class, () -> MosquittoAcl.ingestAcls(bad, "g"), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> MosquittoAcl.ingestAcls("a/b", "g/h"));
        assertThrows(IllegalArgumentException.class, () -> MosquittoAcl.ingestAcls("a/b", "+"));
        assertThrows(IllegalArgumentException.class, () -> MosquittoAcl.deviceAcls("a/b", "0123456789ABCDEF"));
        assertThrows(IllegalArgumentException.class, () -> MosquittoAcl.deviceAcls("a/b", "+"));
    }

    @Test
    void onlyTheSiteSpecificLinesOfTheShippedConfigurationAreReplaced() throws Exception {
        String shipped = Files.readString(TestBrokers.shippedDir().resolve("mosquitto.conf"));
        Path work = Path.of("/tmp/broker");
        Path plugin = Path.of("/opt/lib/mosquitto_dynamic_security.so");
        String effective = MosquittoProcess.effectiveConfiguration(shipped, work, 41883, "tester", plugin);
        List<String> expected = new java.util.ArrayList<>();
        for (String line : shipped.split("\n", -1)) {
            expected.add(switch (line.split(" ", 2)[0]) {
                case "listener" -> "listener 41883 127.0.0.1";
                case "plugin" -> "plugin /opt/lib/mosquitto_dynamic_security.so";
                case "plugin_opt_config_file" -> "plugin_opt_config_file /tmp/broker/dynamic-security.json";
                case "persistence_location" -> "persistence_location /tmp/broker/data/";
                default -> line;
            });
        }
        expected.add("# added for this process: keep the user that started it");
        expected.add("user tester");
        expected.add("");
        assertEquals(expected, List.of(effective.split("\n", -1)));
        assertTrue(shipped.contains("\nallow_anonymous false\n"));
        assertTrue(shipped.contains("\nplugin /usr/lib/mosquitto_dynamic_security.so\n"), "the image's plugin");
        assertTrue(!shipped.contains("\npassword_file") && !shipped.contains("\nacl_file"), "no file-based access");
        assertThrows(IllegalArgumentException.class, () -> MosquittoProcess.effectiveConfiguration(
                shipped.replace("listener 1883", "# no listener"), work, 1, "tester", plugin));
    }
}
