package io.wattwitness.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wattwitness.reading.MqttCredentials;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Reconciles the broker's accounts with the installation registry (SPEC.md §6.3) through Mosquitto's
 * dynamic-security plugin: reads the installations from query-service ({@code GET <api>/api/v1/installations}),
 * derives the password of the current device id of every active one ({@link MqttCredentials#devicePassword}), and
 * makes the broker's clients and roles match, over {@code $CONTROL/dynamic-security/v1} as the administrator account
 * ({@link DynsecControl}):
 * <ul>
 * <li>every active device: client {@code <id>} bound to client id {@code <id>}, role
 * {@code wattwitness-device-<id>} ({@link MosquittoAcl#deviceAcls});</li>
 * <li>ingest-service: client {@code --ingest-username}, any client id, role {@value MosquittoAcl#INGEST_ROLE}
 * ({@link MosquittoAcl#ingestAcls});</li>
 * <li>every other device client (username of 16 lowercase hex digits) and device role is deleted; other accounts
 * (the administrator, an operator's own) are left alone;</li>
 * <li>default access: publish, receive and subscribe denied, unsubscribe allowed.</li>
 * </ul>
 * Idempotent: only differences are sent, so a second run sends nothing and disconnects nobody (the plugin disconnects
 * a client whose entry is modified). Passwords cannot be read back from the plugin: each managed client carries a
 * fingerprint of its password in its {@code textdescription} ({@link #fingerprint}), and a client whose fingerprint
 * differs gets its password set again.
 * <p>
 * {@code --print-password ID} prints one device's password; {@code --init-config FILE} writes the plugin's initial
 * state file ({@link DynamicSecurityFile}). Run from the built jar: {@code java -cp deploy/local/target/local-stack.jar
 * io.wattwitness.stack.MqttProvisioning --help}. Exit codes: 0 reconciled (or written), 1 registry or broker
 * unreachable or refused, 2 bad input (option, secret, registry entry).
 */
@Command(name = "mqtt-provisioning", mixinStandardHelpOptions = true,
        description = "Reconciles the broker's accounts (Mosquitto dynamic security) with the installation registry.")
public final class MqttProvisioning implements Callable<Integer> {

    /** Environment variable holding the device credential secret when --secret-file is not given. */
    public static final String SECRET_ENV = "MQTT_CREDENTIALS_SECRET";

    /** Environment variable holding ingest-service's broker password when --ingest-password-file is not given. */
    public static final String INGEST_PASSWORD_ENV = "MQTT_INGEST_PASSWORD";

    /** Environment variable holding the administrator's password when --admin-password-file is not given. */
    public static final String ADMIN_PASSWORD_ENV = "MQTT_ADMIN_PASSWORD";

    /** Start of the {@code textdescription} of every client this command manages. */
    public static final String MANAGED = "managed by MqttProvisioning; password ";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int COMMANDS_PER_REQUEST = 50;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--api", defaultValue = "http://127.0.0.1:8082",
            description = "query-service base URL (default ${DEFAULT-VALUE}).")
    String api;

    @Option(names = "--token", defaultValue = "${env:OPERATOR_TOKEN}",
            description = "Operator bearer token (default: env OPERATOR_TOKEN).")
    String token;

    @Option(names = "--secret-file", description = "File holding the device credential secret (default: env "
            + SECRET_ENV + ").")
    Path secretFile;

    @Option(names = "--ingest-username", defaultValue = MosquittoAcl.DEFAULT_INGEST_USERNAME,
            description = "ingest-service's broker account (default ${DEFAULT-VALUE}).")
    String ingestUsername;

    @Option(names = "--ingest-password-file", description = "File holding ingest-service's broker password "
            + "(default: env " + INGEST_PASSWORD_ENV + ").")
    Path ingestPasswordFile;

    @Option(names = "--topic-root", defaultValue = MosquittoAcl.DEFAULT_TOPIC_ROOT,
            description = "Topic root of the device topics (default ${DEFAULT-VALUE}).")
    String topicRoot;

    @Option(names = "--shared-group", defaultValue = MosquittoAcl.DEFAULT_SHARED_GROUP,
            description = "ingest-service's shared-subscription group, MQTT_SHARED_GROUP (default ${DEFAULT-VALUE}).")
    String sharedGroup;

    @Option(names = "--broker-host", defaultValue = "${env:MQTT_HOST:-127.0.0.1}",
            description = "Broker host (default: env MQTT_HOST, else 127.0.0.1).")
    String brokerHost;

    @Option(names = "--broker-port", defaultValue = "${env:MQTT_PORT:-1883}",
            description = "Broker port (default: env MQTT_PORT, else 1883).")
    int brokerPort;

    @Option(names = "--admin-username", defaultValue = "${env:MQTT_ADMIN_USERNAME:-"
            + MosquittoAcl.DEFAULT_ADMIN_USERNAME + "}",
            description = "The broker's administrator account (default: env MQTT_ADMIN_USERNAME, else "
                    + MosquittoAcl.DEFAULT_ADMIN_USERNAME + ").")
    String adminUsername;

    @Option(names = "--admin-password-file", description = "File holding the administrator's password (default: env "
            + ADMIN_PASSWORD_ENV + ").")
    Path adminPasswordFile;

    @Option(names = "--dry-run", description = "Print the changes without making them.")
    boolean dryRun;

    @Option(names = "--print-password", paramLabel = "DEVICE_ID",
            description = "Print this device's broker password and exit (the registry is not read).")
    String printPassword;

    @Option(names = "--init-config", paramLabel = "FILE", description = "Write the dynamic-security plugin's "
            + "initial state file (administrator only) and exit; FILE must not exist.")
    Path initConfig;

    /**
     * The accounts the broker must hold.
     *
     * @param topicRoot the topic root of the device topics
     * @param sharedGroup ingest-service's shared-subscription group
     * @param ingestUsername ingest-service's account
     * @param ingestPassword its password
     * @param devicePasswords device id (16 lowercase hex) to password
     */
    public record Desired(String topicRoot, String sharedGroup, String ingestUsername, String ingestPassword,
            Map<String, String> devicePasswords) {

        /**
         * @throws IllegalArgumentException when a root, group, account, id or password is not usable
         */
        public Desired {
            MosquittoAcl.checkTopicRoot(topicRoot);
            MosquittoAcl.checkSharedGroup(sharedGroup);
            MosquittoAcl.checkServiceUsername(ingestUsername);
            if (ingestPassword == null || ingestPassword.isEmpty()) {
                throw new IllegalArgumentException("no ingest password");
            }
            devicePasswords = new TreeMap<>(devicePasswords);
            devicePasswords.forEach((id, password) -> {
                MosquittoAcl.checkDeviceId(id);
                if (password == null || password.isEmpty()) {
                    throw new IllegalArgumentException("empty password for device " + id);
                }
            });
        }

        /**
         * The accounts of a username-to-password map that holds the ingest account and device accounts.
         *
         * @param topicRoot the topic root
         * @param sharedGroup ingest-service's group
         * @param ingestUsername ingest-service's account, a key of {@code accounts}
         * @param accounts username to password: the ingest account and devices (16 lowercase hex)
         * @return the accounts
         * @throws IllegalArgumentException when the ingest account is missing or another key is not a device id
         */
        public static Desired of(String topicRoot, String sharedGroup, String ingestUsername,
                Map<String, String> accounts) {
            Map<String, String> devices = new TreeMap<>(accounts);
            String ingestPassword = devices.remove(ingestUsername);
            if (ingestPassword == null) {
                throw new IllegalArgumentException("no password for the ingest account " + ingestUsername);
            }
            return new Desired(topicRoot, sharedGroup, ingestUsername, ingestPassword, devices);
        }
    }

    /**
     * What a reconciliation changed (or, in a dry run, would change).
     *
     * @param created entries created, e.g. {@code client 0123456789abcdef}, {@code role wattwitness-ingest}
     * @param updated entries changed
     * @param deleted entries deleted
     */
    public record Changes(List<String> created, List<String> updated, List<String> deleted) {

        /** @return whether nothing changed */
        public boolean none() {
            return created.isEmpty() && updated.isEmpty() && deleted.isEmpty();
        }

        @Override
        public String toString() {
            return created.size() + " created " + created + ", " + updated.size() + " updated " + updated + ", "
                    + deleted.size() + " deleted " + deleted;
        }
    }

    /**
     * The commands that make a plugin state match the desired accounts.
     *
     * @param commands the commands, in the order they must run (roles before the clients that use them, clients
     *        before the roles they used)
     * @param changes what they change
     */
    public record Plan(List<ObjectNode> commands, Changes changes) {
    }

    /**
     * @param args command-line arguments, see {@code --help}
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new MqttProvisioning()).execute(args));
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            if (initConfig != null) {
                String adminPassword = read(adminPasswordFile, ADMIN_PASSWORD_ENV, "administrator password");
                DynamicSecurityFile.writeInitial(initConfig, adminUsername, adminPassword);
                out.printf("wrote %s: administrator %s only; start the broker with it, then reconcile%n", initConfig,
                        adminUsername);
                out.flush();
                return 0;
            }
            String secret = read(secretFile, SECRET_ENV, "device credential secret");
            if (printPassword != null) {
                out.println(MqttCredentials.devicePassword(secret, printPassword));
                out.flush();
                return 0;
            }
            String ingestPassword = read(ingestPasswordFile, INGEST_PASSWORD_ENV, "ingest password");
            String adminPassword = read(adminPasswordFile, ADMIN_PASSWORD_ENV, "administrator password");
            MosquittoAcl.checkTopicRoot(topicRoot);
            Collection<String> devices = activeDeviceIds(URI.create(api), token);
            Desired desired = new Desired(topicRoot, sharedGroup, ingestUsername, ingestPassword,
                    devicePasswords(secret, devices));
            String broker = "tcp://" + brokerHost + ":" + brokerPort;
            Changes changes;
            try (DynsecControl control = DynsecControl.connect(broker, adminUsername, adminPassword)) {
                changes = reconcile(control, desired, !dryRun);
            }
            out.printf("%s %s: %d active devices and %s; %s%n", dryRun ? "would reconcile" : "reconciled", broker,
                    devices.size(), ingestUsername, changes.none() ? "no change" : changes.toString());
            out.flush();
            return 0;
        } catch (IllegalArgumentException | java.nio.file.FileAlreadyExistsException e) {
            err.println("error: " + e.getMessage());
            err.flush();
            return 2;
        } catch (IOException e) {
            err.println("error: " + e.getMessage());
            err.flush();
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("interrupted");
            return 1;
        }
    }

    /**
     * @param secret the device credential secret (at least 16 characters)
     * @param deviceIds device ids, 16 lowercase hex
     * @return device id to derived password, sorted
     * @throws IllegalArgumentException for a short secret or a malformed id
     */
    public static Map<String, String> devicePasswords(String secret, Collection<String> deviceIds) {
        Map<String, String> passwords = new TreeMap<>();
        for (String id : deviceIds) {
            MosquittoAcl.checkDeviceId(id);
            passwords.put(id, MqttCredentials.devicePassword(secret, id));
        }
        return passwords;
    }

    /**
     * The broker accounts of a deployment as one map.
     *
     * @param secret the device credential secret (at least 16 characters)
     * @param deviceIds device ids, 16 lowercase hex
     * @param ingestUsername ingest-service's account
     * @param ingestPassword its password
     * @return username to password, sorted
     * @throws IllegalArgumentException for a short secret, a malformed id, or an ingest account that is a device id
     */
    public static Map<String, String> accounts(String secret, Collection<String> deviceIds, String ingestUsername,
            String ingestPassword) {
        MosquittoAcl.checkServiceUsername(ingestUsername);
        Map<String, String> accounts = devicePasswords(secret, deviceIds);
        accounts.put(ingestUsername, ingestPassword);
        return accounts;
    }

    /**
     * Reads the plugin's clients, roles and default access, and sends the commands of {@link #plan} (at most 50
     * per request).
     *
     * @param control an administrator connection
     * @param desired the accounts the broker must hold
     * @param apply false for a dry run (nothing is sent but the reads)
     * @return what changed
     * @throws IOException when the broker does not answer or refuses a command
     */
    public static Changes reconcile(DynsecControl control, Desired desired, boolean apply) throws IOException {
        List<JsonNode> state = control.executeAll(List.of(
                DynsecControl.command("listClients").put("verbose", true),
                DynsecControl.command("listRoles").put("verbose", true),
                DynsecControl.command("getDefaultACLAccess")));
        Plan plan = plan(state.get(0).path("clients"), state.get(1).path("roles"), state.get(2).path("acls"),
                desired);
        if (apply) {
            List<ObjectNode> commands = plan.commands();
            for (int from = 0; from < commands.size(); from += COMMANDS_PER_REQUEST) {
                control.executeAll(commands.subList(from, Math.min(commands.size(), from + COMMANDS_PER_REQUEST)));
            }
        }
        return plan.changes();
    }

    /**
     * The commands that make the plugin's state match the desired accounts (pure; see the class comment).
     *
     * @param clients {@code listClients} (verbose) {@code data.clients}
     * @param roles {@code listRoles} (verbose) {@code data.roles}
     * @param defaultAccess {@code getDefaultACLAccess} {@code data.acls}
     * @param desired the accounts the broker must hold
     * @return the commands and the changes they make
     */
    public static Plan plan(JsonNode clients, JsonNode roles, JsonNode defaultAccess, Desired desired) {
        List<ObjectNode> first = new ArrayList<>();
        List<ObjectNode> then = new ArrayList<>();
        List<String> created = new ArrayList<>();
        List<String> updated = new ArrayList<>();
        List<String> deleted = new ArrayList<>();

        Map<String, Boolean> wantedDefaults = Map.of("publishClientSend", false, "publishClientReceive", false,
                "subscribe", false, "unsubscribe", true);
        ArrayNode defaults = JSON.createArrayNode();
        for (JsonNode acl : defaultAccess) {
            Boolean wanted = wantedDefaults.get(acl.path("acltype").asText());
            if (wanted != null && acl.path("allow").asBoolean() != wanted) {
                defaults.addObject().put("acltype", acl.path("acltype").asText()).put("allow", wanted);
            }
        }
        if (!defaults.isEmpty()) {
            ObjectNode set = DynsecControl.command("setDefaultACLAccess");
            set.set("acls", defaults);
            first.add(set);
            updated.add("defaultACLAccess");
        }

        Map<String, Set<MosquittoAcl.Acl>> haveRoles = new TreeMap<>();
        for (JsonNode role : roles) {
            Set<MosquittoAcl.Acl> acls = new TreeSet<>();
            for (JsonNode acl : role.path("acls")) {
                // a deny entry is never wanted: recorded with a marker type so that it is removed
                String type = acl.path("acltype").asText();
                acls.add(new MosquittoAcl.Acl(acl.path("allow").asBoolean(true) ? type : "!" + type,
                        acl.path("topic").asText()));
            }
            haveRoles.put(role.path("rolename").asText(), acls);
        }
        Map<String, List<MosquittoAcl.Acl>> wantRoles = new TreeMap<>();
        wantRoles.put(MosquittoAcl.INGEST_ROLE, MosquittoAcl.ingestAcls(desired.topicRoot(), desired.sharedGroup()));
        desired.devicePasswords().keySet().forEach(id -> wantRoles.put(MosquittoAcl.deviceRole(id),
                MosquittoAcl.deviceAcls(desired.topicRoot(), id)));
        wantRoles.forEach((name, acls) -> {
            Set<MosquittoAcl.Acl> have = haveRoles.get(name);
            if (have == null) {
                ObjectNode create = DynsecControl.command("createRole").put("rolename", name);
                ArrayNode list = create.putArray("acls");
                acls.forEach(acl -> list.addObject().put("acltype", acl.type()).put("topic", acl.topic())
                        .put("priority", 0).put("allow", true));
                first.add(create);
                created.add("role " + name);
            } else if (!have.equals(new TreeSet<>(acls))) {
                for (MosquittoAcl.Acl acl : have) {
                    if (!acls.contains(acl)) {
                        first.add(DynsecControl.command("removeRoleACL").put("rolename", name)
                                .put("acltype", acl.type().replace("!", "")).put("topic", acl.topic()));
                    }
                }
                for (MosquittoAcl.Acl acl : acls) {
                    if (!have.contains(acl)) {
                        first.add(DynsecControl.command("addRoleACL").put("rolename", name)
                                .put("acltype", acl.type()).put("topic", acl.topic()).put("priority", 0)
                                .put("allow", true));
                    }
                }
                updated.add("role " + name);
            }
        });

        Map<String, JsonNode> haveClients = new TreeMap<>();
        clients.forEach(client -> haveClients.put(client.path("username").asText(), client));
        Map<String, ObjectNode> wantClients = new TreeMap<>();
        wantClients.put(desired.ingestUsername(), client(desired.ingestUsername(), null, desired.ingestPassword(),
                "ingest-service", MosquittoAcl.INGEST_ROLE));
        desired.devicePasswords().forEach((id, password) -> wantClients.put(id,
                client(id, id, password, "device " + id, MosquittoAcl.deviceRole(id))));
        wantClients.forEach((username, want) -> {
            JsonNode have = haveClients.get(username);
            if (have == null) {
                first.add(want.deepCopy().put("command", "createClient"));
                created.add("client " + username);
            } else if (!sameClient(have, want)) {
                if (!have.path("clientid").asText("").isEmpty() && !want.hasNonNull("clientid")) {
                    first.add(DynsecControl.command("deleteClient").put("username", username));
                    first.add(want.deepCopy().put("command", "createClient"));
                } else {
                    ObjectNode modify = want.deepCopy().put("command", "modifyClient");
                    modify.remove("textname");
                    first.add(modify);
                }
                updated.add("client " + username);
            }
        });
        for (String username : haveClients.keySet()) {
            if (username.matches(MosquittoAcl.DEVICE_ID) && !wantClients.containsKey(username)) {
                then.add(DynsecControl.command("deleteClient").put("username", username));
                deleted.add("client " + username);
            }
        }
        for (String role : haveRoles.keySet()) {
            if (role.startsWith(MosquittoAcl.DEVICE_ROLE_PREFIX) && !wantRoles.containsKey(role)) {
                then.add(DynsecControl.command("deleteRole").put("rolename", role));
                deleted.add("role " + role);
            }
        }
        List<ObjectNode> commands = new ArrayList<>(first);
        commands.addAll(then);
        return new Plan(List.copyOf(commands), new Changes(List.copyOf(created), List.copyOf(updated),
                List.copyOf(deleted)));
    }

    private static ObjectNode client(String username, String clientId, String password, String textName,
            String role) {
        ObjectNode client = JSON.createObjectNode().put("command", "createClient").put("username", username);
        client.put("password", password);
        if (clientId != null) {
            client.put("clientid", clientId);
        }
        client.put("textname", textName);
        client.put("textdescription", MANAGED + fingerprint(username, password));
        client.putArray("roles").addObject().put("rolename", role);
        client.putArray("groups");
        return client;
    }

    private static boolean sameClient(JsonNode have, ObjectNode want) {
        Set<String> haveRoles = new TreeSet<>();
        have.path("roles").forEach(role -> haveRoles.add(role.path("rolename").asText()));
        Set<String> wantRoles = new TreeSet<>();
        want.path("roles").forEach(role -> wantRoles.add(role.path("rolename").asText()));
        return Objects.equals(have.path("clientid").asText(""), want.path("clientid").asText(""))
                && have.path("textdescription").asText("").equals(want.path("textdescription").asText())
                && haveRoles.equals(wantRoles) && have.path("groups").isEmpty();
    }

    /**
     * A short fingerprint of an account's password, kept in its {@code textdescription} so that a reconciliation can
     * tell whether the password the plugin holds is the current one: the first 16 hex digits of
     * SHA-256({@code "wattwitness-dynsec:" + username + ":" + password}). It is readable by administrators only
     * (as are the plugin's own password hashes).
     *
     * @param username the account
     * @param password its password
     * @return 16 lowercase hex digits
     */
    public static String fingerprint(String username, String password) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(("wattwitness-dynsec:" + username + ":"
                    + password).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /**
     * Reads the installation registry: {@code GET <api>/api/v1/installations} (JSON array of installations with
     * {@code device_id} and {@code is_active}).
     *
     * @param api query-service base URL
     * @param token operator bearer token, or null / blank to send none
     * @return the current device ids of the active installations, sorted, without duplicates
     * @throws IOException when the registry cannot be reached or does not answer 200
     * @throws IllegalArgumentException when the answer is not an array of installations with valid device ids
     * @throws InterruptedException if interrupted
     */
    public static TreeSet<String> activeDeviceIds(URI api, String token) throws IOException, InterruptedException {
        URI uri = URI.create(api.toString().replaceAll("/+$", "") + "/api/v1/installations");
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET()
                .header("Accept", "application/json");
        if (token != null && !token.isBlank()) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response;
        try {
            response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()
                    .send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IOException("installation registry " + uri + " unreachable: " + e, e);
        }
        if (response.statusCode() != 200) {
            String body = response.body();
            throw new IOException("installation registry " + uri + " answered " + response.statusCode() + ": "
                    + body.substring(0, Math.min(200, body.length())));
        }
        return activeDeviceIds(response.body());
    }

    /**
     * @param json the registry's answer
     * @return the current device ids of the active installations, sorted, without duplicates
     * @throws IllegalArgumentException when it is not an array of installations with valid device ids
     */
    public static TreeSet<String> activeDeviceIds(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("the installation registry's answer is not JSON: " + e.getMessage());
        }
        if (root == null || !root.isArray()) {
            throw new IllegalArgumentException("the installation registry's answer is not a JSON array");
        }
        TreeSet<String> ids = new TreeSet<>();
        for (JsonNode installation : root) {
            JsonNode active = installation.get("is_active");
            JsonNode id = installation.get("device_id");
            String name = "installation " + installation.path("id").asText("?");
            if (active == null || !active.isBoolean()) {
                throw new IllegalArgumentException(name + " has no boolean is_active");
            }
            if (id == null || !id.isTextual() || !id.asText().matches("[0-9a-f]{16}")) {
                throw new IllegalArgumentException(name + " has no device_id of 16 lowercase hex digits: " + id);
            }
            if (active.asBoolean()) {
                ids.add(id.asText());
            }
        }
        return ids;
    }

    private static String read(Path file, String env, String what) throws IOException {
        String value = file != null ? Files.readString(file, StandardCharsets.UTF_8).strip() : System.getenv(env);
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("no " + what + ": give its file or set " + env);
        }
        return value;
    }
}
