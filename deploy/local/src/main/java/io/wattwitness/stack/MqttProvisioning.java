package io.wattwitness.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Provisions the broker's accounts from the installation registry (SPEC.md §6.3): reads the installations from
 * query-service ({@code GET <api>/api/v1/installations}), takes the current device id of every active one, derives
 * each device's password with {@link MqttCredentials#devicePassword}, adds ingest-service's account and writes
 * Mosquitto's hashed password file (and, with {@code --acl}, the ACL for a topic root). The broker re-reads both on
 * SIGHUP. {@code --print-password ID} prints one device's password for its configuration.
 * <p>
 * Run from the built jar: {@code java -cp deploy/local/target/local-stack.jar io.wattwitness.stack.MqttProvisioning
 * --help}. Exit codes: 0 written, 1 registry unreachable or refused, 2 bad input (option, secret, registry entry).
 */
@Command(name = "mqtt-provisioning", mixinStandardHelpOptions = true,
        description = "Writes Mosquitto's password file (and ACL) from the installation registry.")
public final class MqttProvisioning implements Callable<Integer> {

    /** Environment variable holding the device credential secret when --secret-file is not given. */
    public static final String SECRET_ENV = "MQTT_CREDENTIALS_SECRET";

    /** Environment variable holding ingest-service's broker password when --ingest-password-file is not given. */
    public static final String INGEST_PASSWORD_ENV = "MQTT_INGEST_PASSWORD";

    private static final ObjectMapper JSON = new ObjectMapper();

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

    @Option(names = "--password-file", description = "Mosquitto password file to write.")
    Path passwordFile;

    @Option(names = "--acl", description = "Also write the ACL for --topic-root and --ingest-username here.")
    Path acl;

    @Option(names = "--acl-template", defaultValue = "deploy/mosquitto/acl",
            description = "The shipped ACL (default ${DEFAULT-VALUE}).")
    Path aclTemplate;

    @Option(names = "--topic-root", defaultValue = MosquittoAcl.DEFAULT_TOPIC_ROOT,
            description = "Topic root of the device topics (default ${DEFAULT-VALUE}).")
    String topicRoot;

    @Option(names = "--print-password", paramLabel = "DEVICE_ID",
            description = "Print this device's broker password and exit (the registry is not read).")
    String printPassword;

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
            String secret = read(secretFile, SECRET_ENV, "device credential secret");
            if (printPassword != null) {
                out.println(MqttCredentials.devicePassword(secret, printPassword));
                out.flush();
                return 0;
            }
            if (passwordFile == null) {
                throw new IllegalArgumentException("--password-file is required (or --print-password)");
            }
            String ingestPassword = read(ingestPasswordFile, INGEST_PASSWORD_ENV, "ingest password");
            MosquittoAcl.checkTopicRoot(topicRoot);
            Collection<String> devices = activeDeviceIds(URI.create(api), token);
            MosquittoPasswordFile.write(passwordFile, accounts(secret, devices, ingestUsername, ingestPassword));
            out.printf("wrote %s: %d device accounts and %s%n", passwordFile, devices.size(), ingestUsername);
            if (acl != null) {
                MosquittoAcl.write(aclTemplate, acl, topicRoot, ingestUsername);
                out.printf("wrote %s for topic root %s%n", acl, topicRoot);
            }
            out.println("make the running broker re-read them: kill -HUP <mosquitto pid>");
            out.flush();
            return 0;
        } catch (IllegalArgumentException e) {
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
     * The broker accounts of a deployment.
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
        Map<String, String> accounts = new TreeMap<>();
        for (String id : deviceIds) {
            accounts.put(id, MqttCredentials.devicePassword(secret, id));
        }
        if (accounts.containsKey(ingestUsername)) {
            throw new IllegalArgumentException("the ingest account " + ingestUsername + " is a device id");
        }
        accounts.put(ingestUsername, ingestPassword);
        return accounts;
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
