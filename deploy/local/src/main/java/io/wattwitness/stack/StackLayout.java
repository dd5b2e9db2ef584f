package io.wattwitness.stack;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where things are and which ports they use in the local stack.
 *
 * @param root repository root
 * @param logs folder of every log file
 * @param state folder of keys, embedded data and chain state
 * @param apiPort query-service port (dashboard and API)
 * @param database PostgreSQL database name
 */
public record StackLayout(Path root, Path logs, Path state, int apiPort, String database) {

    /** @return ingest-service HTTP port (health, metrics) */
    public int ingestPort() {
        return 8081;
    }

    /** @return verify-service HTTP port (health, metrics) */
    public int verifyPort() {
        return 8083;
    }

    /** @return chain-listener-service HTTP port (health, metrics) */
    public int listenerPort() {
        return 8084;
    }

    /** @return anvil's JSON-RPC port */
    public int anvilPort() {
        return 8545;
    }

    /** @return the query-service base URL */
    public String apiUrl() {
        return "http://127.0.0.1:" + apiPort;
    }

    /** @return anvil's JSON-RPC URL */
    public String rpcUrl() {
        return "http://127.0.0.1:" + anvilPort();
    }

    /** @return the java executable running this JVM */
    public String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** @return the device credential secret of the local stack's broker (SPEC.md §6.3; local stack only) */
    public String mqttCredentialsSecret() {
        return "local-mqtt-credentials-secret";
    }

    /** @return ingest-service's broker password in the local stack (local stack only) */
    public String mqttIngestPassword() {
        return "local-ingest-mqtt-password";
    }

    /**
     * Local-only bearer tokens of the three roles (never use these outside the local stack).
     *
     * @return environment variables carrying them
     */
    public Map<String, String> tokens() {
        return Map.of(
                "WATTWITNESS_TOKENS_OPERATOR", "local-operator-token",
                "WATTWITNESS_TOKENS_ANCHORING", "local-anchoring-token",
                "WATTWITNESS_TOKENS_DEVICE", "local-device-token",
                "ANCHORING_TOKEN", "local-anchoring-token",
                "OPERATOR_TOKEN", "local-operator-token");
    }
}
