package io.wattwitness.ingest.messaging;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.wattwitness.kafka.KafkaBrokerTestResource;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Ingest subscribes with a shared subscription: a second member of the same share group (a plain Paho client, as
 * another replica would be) takes part of the readings, and between them every reading is taken exactly once.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerTestResource.class)
@WithTestResource(OfflineReadingsTestResource.class)
class SharedSubscriptionTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String FORWARDED = "ingest_readings_forwarded_total";

    @BeforeEach
    void startupTrafficIsDone() {
        await().atMost(WAIT).until(() -> Metrics.value(FORWARDED) >= OfflineReadingsTestResource.READINGS);
    }

    @Test
    void twoMembersOfTheShareGroupReceiveDisjointSubsetsOfEveryReading() throws Exception {
        List<TestDevice> devices = List.of(new TestDevice(), new TestDevice(), new TestDevice());
        Set<String> ids = new HashSet<>();
        devices.forEach(d -> ids.add(d.id()));
        String filter = TestDevice.topics().sharedReadingsFilter(OfflineReadingsTestResource.SHARED_GROUP);
        List<String> published = new ArrayList<>();
        double forwardedBefore = Metrics.value(FORWARDED);
        try (MqttTestClient otherReplica = MqttTestClient.connect(); MqttTestClient publisher = MqttTestClient.connect()) {
            otherReplica.subscribe(filter);
            for (long seq = 0; seq < 10; seq++) {
                for (TestDevice device : devices) {
                    byte[] envelope = device.envelope(2, seq);
                    publisher.publish(device.readingsTopic(), envelope);
                    published.add(new String(envelope, StandardCharsets.UTF_8));
                }
            }
            await().atMost(WAIT).until(() -> Metrics.value(FORWARDED) - forwardedBefore
                    + otherReplica.received().size() >= published.size());
            List<String> toOther = otherReplica.received().stream().map(MqttTestClient.Received::payload).toList();
            List<String> toIngest = KafkaProbe.snapshot("readings.raw", r -> ids.contains(r.key())).stream()
                    .map(KafkaProbe::text).toList();

            assertFalse(toOther.isEmpty(), "the other member got a share");
            assertFalse(toIngest.isEmpty(), "ingest got a share");
            assertEquals(published.size(), toOther.size() + toIngest.size());
            Set<String> union = new HashSet<>(toOther);
            union.addAll(toIngest);
            assertEquals(new HashSet<>(published), union);
            assertTrue(toOther.stream().noneMatch(toIngest::contains), "disjoint");
            assertEquals(forwardedBefore + toIngest.size(), Metrics.value(FORWARDED));
        }
    }
}
