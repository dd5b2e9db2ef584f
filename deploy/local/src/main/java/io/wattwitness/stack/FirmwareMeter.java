package io.wattwitness.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wattwitness.reading.DeviceKey;
import io.wattwitness.reading.MqttCredentials;
import io.wattwitness.reading.ReadingFormatException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One meter running the firmware itself beside the simulators: {@code wattwitness-meter}, the Linux build of
 * {@code firmware/} (the same protocol core as the ESP32 build; built with CMake into {@code firmware/build/host} when
 * missing), reading a {@link ShellyEmulator} (Gen2) and publishing to the stack's broker. Its state lives in
 * {@code <state>/firmware-meter/}: the P-256 key (PKCS#8 PEM, made on first start; the meter has no secure element
 * on Linux), the flash outbox file and boot counter, the MAC and the emulated energy register. On start the meter
 * prints its own registration body, which is registered through the API ({@code POST /api/v1/installations/} with
 * the operator token; 409 = registered by an earlier run); with a broker that has accounts, the meter logs in as its
 * device id with its derived password (SPEC.md §6.3).
 */
public final class FirmwareMeter implements AutoCloseable {

    /** Installation name of the firmware meter. */
    public static final String NAME = "Firmware meter";
    /** Process and log name. */
    public static final String PROCESS = "firmware-meter";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ShellyEmulator shelly;
    private final ManagedProcess process;
    private final String deviceId;

    private FirmwareMeter(ShellyEmulator shelly, ManagedProcess process, String deviceId) {
        this.shelly = shelly;
        this.process = process;
        this.deviceId = deviceId;
    }

    /**
     * Builds (when missing), registers and starts the firmware meter.
     *
     * @param layout the stack's layout
     * @param mqttPort the broker's port on 127.0.0.1
     * @param credentialsSecret the device credential secret of the broker's accounts, or null for a broker without
     * @param intervalMs reading interval, ms
     * @return the running meter
     * @throws IOException when the build, the registration or the start fails (the message says which and where
     *         the log is)
     * @throws InterruptedException when interrupted while building or registering
     */
    public static FirmwareMeter start(StackLayout layout, int mqttPort, String credentialsSecret, long intervalMs)
            throws IOException, InterruptedException {
        Path exe = executable(layout);
        Path dir = Files.createDirectories(layout.state().resolve(PROCESS));
        Path key = dir.resolve("key.pem");
        if (!Files.exists(key)) {
            Files.writeString(key, newPrivateKeyPem(), StandardCharsets.US_ASCII);
        }
        Path macFile = dir.resolve("mac");
        if (!Files.exists(macFile)) {
            byte[] mac = new byte[6];
            new SecureRandom().nextBytes(mac);
            mac[0] = (byte) ((mac[0] & 0xFC) | 0x02);
            Files.writeString(macFile, HexFormat.of().formatHex(mac));
        }
        String mac = Files.readString(macFile).trim();
        ShellyEmulator shelly = ShellyEmulator.start(mac, 2_400_000, dir.resolve("shelly-register-mwh"),
                Clock.systemDefaultZone());
        try {
            String body = run(layout, List.of(exe.toString(), "--shelly", shelly.url(), "--gen", "2", "--key",
                    key.toString(), "--print-registration", NAME), dir.resolve("registration.json"));
            JsonNode registration = JSON.readTree(body);
            String deviceId;
            try {
                deviceId = DeviceKey.ofHex(registration.path("public_key").asText()).deviceIdHex();
            } catch (ReadingFormatException e) {
                throw new IOException("the firmware meter printed a registration without a valid public_key: " + body,
                        e);
            }
            register(layout, body);
            List<String> command = List.of(exe.toString(), "--mqtt", "mqtt://127.0.0.1:" + mqttPort,
                    "--shelly", shelly.url(), "--gen", "2", "--key", key.toString(),
                    "--flash", dir.resolve("outbox.bin").toString(), "--interval-ms", Long.toString(intervalMs));
            Map<String, String> env = credentialsSecret == null ? Map.of()
                    : Map.of("WW_MQTT_PASSWORD", MqttCredentials.devicePassword(credentialsSecret, deviceId));
            ManagedProcess process = ManagedProcess.start(PROCESS, command, env, layout.root(), layout.logs());
            return new FirmwareMeter(shelly, process, deviceId);
        } catch (IOException | InterruptedException | RuntimeException e) {
            shelly.close();
            throw e;
        }
    }

    /**
     * @param layout the stack's layout
     * @return {@code firmware/build/host/wattwitness-meter}, built with CMake first when missing
     * @throws IOException when CMake is missing or the build fails (log in {@code <logs>/firmware-build.log})
     * @throws InterruptedException when interrupted
     */
    static Path executable(StackLayout layout) throws IOException, InterruptedException {
        Path exe = layout.root().resolve("firmware/build/host/wattwitness-meter");
        if (Files.isExecutable(exe)) {
            return exe;
        }
        Path log = layout.logs().resolve("firmware-build.log");
        for (List<String> step : List.of(List.of("cmake", "-S", "firmware/linux", "-B", "firmware/build/host"),
                List.of("cmake", "--build", "firmware/build/host", "--target", "wattwitness-meter"))) {
            Process build;
            try {
                build = new ProcessBuilder(step).directory(layout.root().toFile()).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            } catch (IOException e) {
                throw new IOException("cannot run cmake to build the firmware meter (it needs cmake, a C compiler, "
                        + "libmbedtls-dev and libmosquitto-dev; see firmware/README.md): " + e.getMessage(), e);
            }
            if (!build.waitFor(10, TimeUnit.MINUTES) || build.exitValue() != 0) {
                build.destroyForcibly();
                throw new IOException("building the firmware meter failed (" + String.join(" ", step) + "); see "
                        + log);
            }
        }
        if (!Files.isExecutable(exe)) {
            throw new IOException("the firmware build did not produce " + exe + "; see " + log);
        }
        return exe;
    }

    private static String run(StackLayout layout, List<String> command, Path output)
            throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(layout.root().toFile())
                .redirectError(ProcessBuilder.Redirect.appendTo(layout.logs().resolve(PROCESS + ".log").toFile()))
                .redirectOutput(output.toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException("the firmware meter could not print its registration (is the Shelly emulator "
                    + "reachable?); see " + layout.logs().resolve(PROCESS + ".log"));
        }
        return Files.readString(output).trim();
    }

    private static void register(StackLayout layout, String body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(layout.apiUrl() + "/api/v1/installations/"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + layout.tokens().get("OPERATOR_TOKEN"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request,
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2 && response.statusCode() != 409) {
            throw new IOException("registering the firmware meter failed: HTTP " + response.statusCode() + " "
                    + response.body());
        }
    }

    private static String newPrivateKeyPem() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            byte[] pkcs8 = generator.generateKeyPair().getPrivate().getEncoded();
            String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(pkcs8);
            return "-----BEGIN PRIVATE KEY-----\n" + base64 + "\n-----END PRIVATE KEY-----\n";
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no P-256 key generator in this JVM", e);
        }
    }

    /** @return the meter process (supervised by the stack like the services) */
    public ManagedProcess process() {
        return process;
    }

    /** @return the meter's device id, 16 lowercase hex */
    public String deviceId() {
        return deviceId;
    }

    /** Stops the Shelly emulator (the stack stops the process with the others). */
    @Override
    public void close() {
        shelly.close();
    }
}
