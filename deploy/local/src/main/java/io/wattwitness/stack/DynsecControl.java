package io.wattwitness.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * A connection of the administrator account to Mosquitto's dynamic-security plugin: each {@link #execute} publishes
 * one request {@code {"commands":[...]}} on {@value #REQUEST_TOPIC} and waits for the plugin's answer on
 * {@value #RESPONSE_TOPIC}, {@code {"responses":[...]}}, one response per command in order, each with {@code command},
 * and {@code data} or {@code error}. One request at a time; MQTT 3.1.1, clean session, QoS 1, a random client id.
 */
public final class DynsecControl implements AutoCloseable {

    /** Where commands are sent. */
    public static final String REQUEST_TOPIC = "$CONTROL/dynamic-security/v1";

    /** Where the plugin answers. */
    public static final String RESPONSE_TOPIC = "$CONTROL/dynamic-security/v1/response";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long TIMEOUT_SECONDS = 30;

    private final MqttClient client;
    private final BlockingQueue<byte[]> responses = new LinkedBlockingQueue<>();

    private DynsecControl(MqttClient client) {
        this.client = client;
    }

    /**
     * Connects and subscribes to the responses.
     *
     * @param serverUri e.g. {@code tcp://127.0.0.1:1883}
     * @param username the administrator account
     * @param password its password
     * @return the connection
     * @throws IOException when the broker cannot be reached, refuses the account, or refuses the subscription (the
     *         account lacks the administrator role)
     */
    public static DynsecControl connect(String serverUri, String username, String password) throws IOException {
        MqttClient client = null;
        try {
            client = new MqttClient(serverUri, "wattwitness-dynsec-" + UUID.randomUUID(), new MemoryPersistence());
            DynsecControl control = new DynsecControl(client);
            MqttConnectOptions options = new MqttConnectOptions();
            options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
            options.setCleanSession(true);
            options.setAutomaticReconnect(false);
            options.setConnectionTimeout(10);
            options.setUserName(username);
            options.setPassword(password.toCharArray());
            client.setTimeToWait(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
            client.connect(options);
            int granted = client.subscribeWithResponse(RESPONSE_TOPIC, 1,
                    (topic, message) -> control.responses.add(message.getPayload())).getGrantedQos()[0];
            if (granted != 1 && granted != 0) {
                throw new IOException("broker " + serverUri + " refused " + username + " the subscription to "
                        + RESPONSE_TOPIC + " (SUBACK " + granted + "): not an administrator account");
            }
            return control;
        } catch (MqttException e) {
            closeQuietly(client);
            throw new IOException("dynamic-security control of " + serverUri + " as " + username + ": "
                    + describe(e), e);
        } catch (IOException e) {
            closeQuietly(client);
            throw e;
        }
    }

    private static String describe(MqttException e) {
        return switch (e.getReasonCode()) {
            case MqttException.REASON_CODE_NOT_AUTHORIZED, MqttException.REASON_CODE_FAILED_AUTHENTICATION ->
                    "refused the credentials (CONNACK " + e.getReasonCode() + ")";
            default -> e.toString();
        };
    }

    /**
     * @param command the command name, e.g. {@code listClients}
     * @return a new command object {@code {"command": name}} to fill
     */
    public static ObjectNode command(String command) {
        return JSON.createObjectNode().put("command", command);
    }

    /**
     * Sends commands in one request and returns the responses.
     *
     * @param commands the commands, at least one
     * @return one response per command, in order ({@code command}, and {@code data} or {@code error})
     * @throws IOException when the request cannot be sent, no answer comes within 30 s, or the answer does not hold
     *         one response per command
     */
    public synchronized List<JsonNode> execute(List<ObjectNode> commands) throws IOException {
        ObjectNode request = JSON.createObjectNode();
        request.putArray("commands").addAll(commands);
        responses.clear();
        try {
            MqttMessage message = new MqttMessage(JSON.writeValueAsBytes(request));
            message.setQos(1);
            client.publish(REQUEST_TOPIC, message);
            byte[] answer = responses.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (answer == null) {
                throw new IOException("no answer on " + RESPONSE_TOPIC + " within " + TIMEOUT_SECONDS + " s");
            }
            JsonNode all = JSON.readTree(answer).path("responses");
            if (!all.isArray() || all.size() != commands.size()) {
                throw new IOException("unexpected answer on " + RESPONSE_TOPIC + ": "
                        + new String(answer, StandardCharsets.UTF_8));
            }
            List<JsonNode> out = new ArrayList<>();
            all.forEach(out::add);
            return out;
        } catch (MqttException e) {
            throw new IOException("cannot send to " + REQUEST_TOPIC + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /**
     * Sends commands in one request and requires every one to succeed.
     *
     * @param commands the commands
     * @return their {@code data} (a missing node for commands that return none), in order
     * @throws IOException as {@link #execute}, or naming the first command the plugin refused and its error
     */
    public List<JsonNode> executeAll(List<ObjectNode> commands) throws IOException {
        List<JsonNode> answers = execute(commands);
        List<JsonNode> data = new ArrayList<>();
        for (int i = 0; i < answers.size(); i++) {
            JsonNode answer = answers.get(i);
            if (answer.hasNonNull("error")) {
                throw new IOException("dynamic security refused " + commands.get(i).path("command").asText() + " "
                        + describeTarget(commands.get(i)) + ": " + answer.get("error").asText());
            }
            data.add(answer.path("data"));
        }
        return data;
    }

    private static String describeTarget(ObjectNode command) {
        for (String key : List.of("username", "rolename")) {
            if (command.hasNonNull(key)) {
                return key + "=" + command.get(key).asText();
            }
        }
        return "";
    }

    private static void closeQuietly(MqttClient client) {
        if (client == null) {
            return;
        }
        try {
            if (client.isConnected()) {
                client.disconnect();
            }
        } catch (MqttException e) {
            // closing anyway
        }
        try {
            client.close(true);
        } catch (MqttException e) {
            // nothing left to release
        }
    }

    /** Disconnects. */
    @Override
    public void close() {
        closeQuietly(client);
    }
}
