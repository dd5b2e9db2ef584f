package io.wattwitness.simulator.messaging;

import io.wattwitness.simulator.service.SimulatedDevice;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Registers each device's installation through {@code POST <base>/api/v1/installations/} with
 * {@link io.wattwitness.simulator.service.Installation#registrationJson} and a bearer token. 2xx or 409 (already
 * registered) marks the device registered in its state folder. While the API is unreachable or refuses, the
 * registration bodies (with the public keys) are printed once so that an operator can register by hand, and the
 * registrar retries every {@code retryEvery}.
 */
public final class InstallationRegistrar {

    private static final Logger LOG = Logger.getLogger(InstallationRegistrar.class.getName());

    private final URI uri;
    private final String token;
    private final List<SimulatedDevice> devices;
    private final PrintWriter out;
    private final Duration retryEvery;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Set<Integer> printed = new HashSet<>();
    private long lastAttemptMs = Long.MIN_VALUE / 2;

    /**
     * @param baseUrl API base URL
     * @param token bearer token, or null for none
     * @param devices the devices to register
     * @param out where registration bodies are printed while the API is unreachable
     * @param retryEvery wall-clock time between attempts
     * @throws IllegalArgumentException when the URL is not absolute http(s)
     */
    public InstallationRegistrar(String baseUrl, String token, List<SimulatedDevice> devices, PrintWriter out,
            Duration retryEvery) {
        this.uri = HttpTransport.apiUri(baseUrl, "api/v1/installations/");
        this.token = token == null || token.isBlank() ? null : token;
        this.devices = devices;
        this.out = out;
        this.retryEvery = retryEvery;
    }

    /** Attempts the registration of unregistered devices when the retry period has elapsed. */
    public void attemptIfDue() {
        long now = System.currentTimeMillis();
        if (now - lastAttemptMs < retryEvery.toMillis() || allRegistered()) {
            return;
        }
        lastAttemptMs = now;
        attempt();
    }

    /** @return whether every device is registered */
    public boolean allRegistered() {
        return devices.stream().allMatch(d -> d.store().registered());
    }

    /** Tries to register every unregistered device now. */
    public void attempt() {
        for (SimulatedDevice device : devices) {
            if (device.store().registered()) {
                continue;
            }
            String body = device.installation().registrationJson(device.key());
            HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body));
            if (token != null) {
                request.header("Authorization", "Bearer " + token);
            }
            String problem;
            try {
                HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() / 100 == 2 || response.statusCode() == 409) {
                    device.store().markRegistered();
                    LOG.info("installation of device " + device.deviceIdHex() + " registered (HTTP "
                            + response.statusCode() + ")");
                    continue;
                }
                problem = "HTTP " + response.statusCode() + " " + response.body();
            } catch (IOException e) {
                problem = "not reachable: " + (e.getMessage() != null ? e.getMessage() : e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            LOG.warning("registration of device " + device.deviceIdHex() + " at " + uri + " failed (" + problem
                    + "); retrying every " + retryEvery.toSeconds() + " s");
            if (printed.add(device.index())) {
                out.println("unregistered installation: " + body);
                out.flush();
            }
        }
    }
}
