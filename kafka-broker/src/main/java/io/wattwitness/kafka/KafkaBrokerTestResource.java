package io.wattwitness.kafka;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Quarkus test resource that starts a real {@link LocalKafkaBroker} in a fresh temporary folder and points
 * {@code kafka.bootstrap.servers} at it. When the environment variable {@code KAFKA_BOOTSTRAP_SERVERS} is set,
 * that broker is used instead and nothing is started.
 * <p>
 * Use with {@code @QuarkusTestResource(KafkaBrokerTestResource.class)}; the broker is reachable from the test
 * through the system property {@code wattwitness.test.kafka} as well.
 */
public class KafkaBrokerTestResource implements QuarkusTestResourceLifecycleManager {

    private LocalKafkaBroker broker;

    @Override
    public Map<String, String> start() {
        String external = System.getenv("KAFKA_BOOTSTRAP_SERVERS");
        String servers;
        if (external != null && !external.isBlank()) {
            servers = external;
        } else {
            try {
                broker = LocalKafkaBroker.start(Files.createTempDirectory("wattwitness-kafka-"), 0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            servers = broker.bootstrapServers();
        }
        System.setProperty("wattwitness.test.kafka", servers);
        return Map.of("kafka.bootstrap.servers", servers);
    }

    @Override
    public void stop() {
        if (broker != null) {
            broker.close();
            deleteQuietly(broker.dataDir());
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // a temporary folder left behind is harmless
        }
    }
}
