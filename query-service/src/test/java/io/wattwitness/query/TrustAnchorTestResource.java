package io.wattwitness.query;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes the root of {@link TestCa#trusted()} to a temporary PEM file and configures it as the only trust anchor
 * ({@code wattwitness.attestation.trust-anchors}). Use it restricted to the annotated class: the other Quarkus tests
 * run with attestation disabled.
 */
public class TrustAnchorTestResource implements QuarkusTestResourceLifecycleManager {

    private Path file;

    @Override
    public Map<String, String> start() {
        try {
            file = Files.createTempFile("wattwitness-trust-anchor-", ".pem");
            Files.writeString(file, TestCa.pem(TestCa.trusted().root()), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of("wattwitness.attestation.trust-anchors", file.toString());
    }

    @Override
    public void stop() {
        try {
            if (file != null) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
