package io.wattwitness.verifier.service;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;

/** Where a proof bundle comes from: a saved file or query-service's API. */
public final class BundleSource {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private BundleSource() {
    }

    /**
     * Reads a bundle file.
     *
     * @param file the JSON file
     * @return the bundle
     * @throws InputException the file is missing or unreadable or not a bundle
     */
    public static ProofBundle file(Path file) throws InputException {
        try {
            return ProofBundle.parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            throw new InputException("bundle file " + file + " does not exist");
        } catch (IOException e) {
            throw new InputException("cannot read bundle file " + file + ": " + e.getMessage());
        }
    }

    /**
     * Fetches {@code GET {api}/api/v1/batches/{batchId}/proof/{readingId}}.
     *
     * @param api the API's base URL, e.g. {@code https://host} (a trailing slash is allowed)
     * @param batchId batch id
     * @param readingId reading id
     * @return the bundle
     * @throws InputException a bad URL, a 4xx answer (unknown batch or reading) or a body that is not a bundle
     * @throws ChainException the API cannot be reached or answers 5xx
     */
    public static ProofBundle api(String api, long batchId, long readingId) throws InputException, ChainException {
        String base = api.endsWith("/") ? api.substring(0, api.length() - 1) : api;
        URI uri;
        try {
            uri = URI.create(base + "/api/v1/batches/" + batchId + "/proof/" + readingId);
            if (uri.getScheme() == null || !uri.getScheme().startsWith("http")) {
                throw new IllegalArgumentException("not an http(s) URL");
            }
        } catch (IllegalArgumentException e) {
            throw new InputException("--api " + api + ": " + e.getMessage());
        }
        HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).header("Accept", "application/json")
                .GET().build();
        HttpResponse<String> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ChainException("cannot reach the API at " + uri + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ChainException("interrupted while fetching " + uri, e);
        }
        int status = response.statusCode();
        if (status >= 500) {
            throw new ChainException("the API answered " + status + " for " + uri, null);
        }
        if (status != 200) {
            throw new InputException("the API answered " + status + " for " + uri + ": " + response.body());
        }
        return ProofBundle.parse(response.body());
    }
}
