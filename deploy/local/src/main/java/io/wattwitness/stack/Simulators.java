package io.wattwitness.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Starts the device simulator (simulated ESP32 + ATECC608A meters) as a child process of the local stack. */
public final class Simulators {

    private Simulators() {
    }

    /**
     * Starts simulated meters that register their installations through the API and publish over MQTT.
     *
     * @param layout the stack's layout
     * @param name process and state name, e.g. {@code simulator} or {@code replay}
     * @param devices how many meters
     * @param replay a CSV of real production to replay, or null for the physical PV model
     * @param speed simulated seconds per real second
     * @param interval reading interval, e.g. {@code 10s}
     * @param start simulated start instant (ISO-8601) or {@code now}
     * @param mqttPort the MQTT broker's port on 127.0.0.1
     * @param mqttCredentialsSecret the device credential secret the broker's accounts derive from (SPEC.md §6.3),
     *        or null for a broker without accounts
     * @param extraArgs further simulator options (fault injection, --count, --manifest)
     * @return the running simulator
     * @throws IOException if the jar is missing or the process cannot start
     */
    public static ManagedProcess start(StackLayout layout, String name, int devices, Path replay, double speed,
            String interval, String start, int mqttPort, String mqttCredentialsSecret, List<String> extraArgs)
            throws IOException {
        Path jar = layout.root().resolve("device-simulator/target/device-simulator.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: build with `mvn install -DskipTests` first");
        }
        List<String> command = new ArrayList<>(List.of(layout.java(), "-Xmx256m", "-jar", jar.toString(),
                "--devices", Integer.toString(devices),
                "--state", layout.state().resolve(name).toString(),
                "--interval", interval,
                "--speed", Double.toString(speed),
                "--start", start,
                "--name", "replay".equals(name) ? "Replay PV" : "Simulated PV",
                "--mqtt", "tcp://127.0.0.1:" + mqttPort,
                "--register", layout.apiUrl(),
                "--token", layout.tokens().get("OPERATOR_TOKEN"),
                "--catch-up"));
        if (mqttCredentialsSecret != null) {
            command.add("--mqtt-credentials-secret");
            command.add(mqttCredentialsSecret);
        }
        if (replay != null) {
            command.add("--replay");
            command.add(replay.toAbsolutePath().toString());
        }
        command.addAll(extraArgs);
        return ManagedProcess.start(name, command, Map.of(), layout.root(), layout.logs());
    }
}
