package io.wattwitness.stack;

import io.wattwitness.kafka.LocalKafkaBroker;
import io.wattwitness.reading.MqttCredentials;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/** Starts the shipped Mosquitto configuration for a test: own process, free port, the test's temporary folder. */
final class TestBrokers {

    static final String SECRET = "test-device-credential-secret";
    static final String INGEST = MosquittoAcl.DEFAULT_INGEST_USERNAME;
    static final String INGEST_PASSWORD = "test-ingest-password";
    /** ingest-service's shared-subscription group, the one the broker's ingest role names. */
    static final String GROUP = MosquittoAcl.DEFAULT_SHARED_GROUP;

    private TestBrokers() {
    }

    /** @return {@code deploy/mosquitto} of this repository (tests run in {@code deploy/local}) */
    static Path shippedDir() {
        return Path.of("").toAbsolutePath().resolve("../mosquitto").normalize();
    }

    /** @return a device id: 14 hex zeros... then {@code n} in two hex digits */
    static String deviceId(int n) {
        return String.format("d0000000000000%02x", n);
    }

    static String password(String deviceId) {
        return MqttCredentials.devicePassword(SECRET, deviceId);
    }

    /** Accounts of devices 0..devices-1 and the ingest account. */
    static Map<String, String> accounts(int devices) {
        Map<String, String> accounts = new TreeMap<>();
        for (int i = 0; i < devices; i++) {
            accounts.put(deviceId(i), password(deviceId(i)));
        }
        accounts.put(INGEST, INGEST_PASSWORD);
        return accounts;
    }

    /** @return {@code $share/<GROUP>/<root>/+/<kind>}, ingest's shared subscription */
    static String shared(String topicRoot, String kind) {
        return "$share/" + GROUP + "/" + topicRoot + "/+/" + kind;
    }

    static MosquittoProcess start(Path dir, String topicRoot, Map<String, String> accounts) throws IOException {
        Path executable = MosquittoProcess.executable()
                .orElseThrow(() -> new IllegalStateException("these tests need mosquitto (apt-get install mosquitto)"));
        return MosquittoProcess.start(executable, shippedDir(), dir, LocalKafkaBroker.freePort(), topicRoot, INGEST,
                accounts);
    }
}
