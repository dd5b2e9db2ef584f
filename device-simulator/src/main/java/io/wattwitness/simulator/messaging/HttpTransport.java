package io.wattwitness.simulator.messaging;

import io.wattwitness.reading.ReadingFormatException;
import io.wattwitness.reading.ReadingMessage;
import io.wattwitness.simulator.repository.ResendBuffer;
import io.wattwitness.simulator.service.Emission;
import io.wattwitness.simulator.service.Fault;
import io.wattwitness.simulator.service.SimulatedDevice;
import io.wattwitness.simulator.service.Transport;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * The HTTP transport: {@code POST <base>/api/v1/readings/} with the envelope JSON (SPEC.md §4) and an optional
 * bearer token. A 2xx answer means accepted; a 4xx answer means the API refused the reading for good (it is logged,
 * not retried: the backend quarantines it with its reason); a 5xx answer or a connection failure keeps the reading
 * in the device's {@link ResendBuffer}, retried in order before newer readings.
 */
public final class HttpTransport implements Transport {

    private static final Logger LOG = Logger.getLogger(HttpTransport.class.getName());

    private final URI readingsUri;
    private final String token;
    private final HttpClient client;
    private Consumer<Emission> resent = e -> { };
    private int accepted;
    private int refused;

    /**
     * @param baseUrl API base, e.g. {@code http://127.0.0.1:8080}
     * @param token bearer token, or null/blank for none
     * @throws IllegalArgumentException when the URL is not absolute http(s)
     */
    public HttpTransport(String baseUrl, String token) {
        this.readingsUri = apiUri(baseUrl, "api/v1/readings/");
        this.token = token == null || token.isBlank() ? null : token;
        this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    /**
     * Resolves an API path against a base URL.
     *
     * @param baseUrl absolute http(s) URL, with or without trailing slash
     * @param path relative path without leading slash
     * @return the resolved URI
     * @throws IllegalArgumentException when the URL is not absolute http(s)
     */
    static URI apiUri(String baseUrl, String path) {
        URI base = URI.create(baseUrl.endsWith("/") ? baseUrl : baseUrl + "/");
        if (base.getScheme() == null || !(base.getScheme().equals("http") || base.getScheme().equals("https"))) {
            throw new IllegalArgumentException("not an http(s) URL: " + baseUrl);
        }
        return base.resolve(path);
    }

    @Override
    public void open(List<SimulatedDevice> devices, Consumer<Emission> resent) {
        this.resent = resent;
    }

    @Override
    public void send(SimulatedDevice device, Emission emission) {
        ResendBuffer buffer = device.store().buffer();
        drain(device);
        if (buffer.size() > 0 || !post(device, emission.envelope().toJson())) {
            buffer.add(emission.boot(), emission.seq(), emission.envelope());
        }
    }

    @Override
    public void flush() {
        // retries happen per device on its next send; nothing shared to flush
    }

    /**
     * Retries a device's buffered readings in order, stopping at the first that fails again.
     *
     * @param device the device
     */
    public void drain(SimulatedDevice device) {
        ResendBuffer buffer = device.store().buffer();
        for (ResendBuffer.Entry entry : buffer.entries()) {
            if (!post(device, entry.envelope().toJson())) {
                return;
            }
            buffer.removeFirst(entry);
            resent.accept(new Emission(device.index(), device.deviceIdHex(), entry.boot(), entry.seq(),
                    decodeOrNull(entry.envelope().message()), entry.envelope(), Fault.RESEND, true, 0));
        }
    }

    /** @return whether the reading was answered for good (2xx or 4xx); false when it must be retried */
    private boolean post(SimulatedDevice device, String json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(readingsUri)
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            int status = response.statusCode();
            if (status / 100 == 2) {
                accepted++;
                return true;
            }
            if (status / 100 == 4 && status != 408 && status != 429) {
                refused++;
                LOG.warning("API refused a reading of " + device.deviceIdHex() + ": HTTP " + status + " "
                        + response.body());
                return true;
            }
            LOG.warning("API answered HTTP " + status + " for " + device.deviceIdHex() + "; buffered for retry");
            return false;
        } catch (IOException e) {
            LOG.warning("API " + readingsUri + " not reachable (" + (e.getMessage() != null ? e.getMessage() : e) + "); buffered for retry");
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** @return readings answered 2xx */
    public int accepted() {
        return accepted;
    }

    /** @return readings refused with 4xx */
    public int refused() {
        return refused;
    }

    @Override
    public void close() {
        // java.net.http.HttpClient needs no explicit close on Java 17
    }

    private static ReadingMessage decodeOrNull(byte[] message) {
        try {
            return ReadingMessage.decode(message);
        } catch (ReadingFormatException e) {
            return null;
        }
    }
}
