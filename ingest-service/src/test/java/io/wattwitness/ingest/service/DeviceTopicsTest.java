package io.wattwitness.ingest.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wattwitness.reading.MqttTopics;
import org.junit.jupiter.api.Test;

class DeviceTopicsTest {

    private static final String DEVICE = "0011223344556677";

    @Test
    void theDefaultRootIsTheWireContract() {
        DeviceTopics topics = new DeviceTopics(DeviceTopics.DEFAULT_ROOT);
        assertEquals(MqttTopics.READINGS_FILTER, topics.readingsFilter());
        assertEquals(MqttTopics.STATUS_FILTER, topics.statusFilter());
        assertEquals(MqttTopics.readings(DEVICE), topics.readings(DEVICE));
        assertEquals(MqttTopics.status(DEVICE), topics.status(DEVICE));
        assertEquals(MqttTopics.ack(DEVICE), topics.ack(DEVICE));
        assertEquals(DEVICE, topics.deviceIdOf(MqttTopics.readings(DEVICE)));
    }

    @Test
    void classifiesTopicsUnderItsRootOnly() {
        DeviceTopics topics = new DeviceTopics("wwtest-1/v1/devices");
        assertEquals("wwtest-1/v1/devices/+/readings", topics.readingsFilter());
        assertTrue(topics.isReadings("wwtest-1/v1/devices/" + DEVICE + "/readings"));
        assertTrue(topics.isStatus("wwtest-1/v1/devices/" + DEVICE + "/status"));
        assertTrue(topics.isReadings("wwtest-1/v1/devices//readings"));
        assertEquals("", topics.deviceIdOf("wwtest-1/v1/devices//readings"));
        assertFalse(topics.isReadings("wwtest-1/v1/devices/" + DEVICE + "/status"));
        assertFalse(topics.isReadings("wwtest-1/v1/devices/" + DEVICE + "/x/readings"));
        assertFalse(topics.isReadings(MqttTopics.readings(DEVICE)));
        assertNull(topics.deviceIdOf(MqttTopics.readings(DEVICE)));
        assertNull(topics.deviceIdOf("wwtest-1/v1/devices/" + DEVICE));
    }

    @Test
    void sharedFiltersPutTheShareNameBeforeTheRoot() {
        DeviceTopics topics = new DeviceTopics(DeviceTopics.DEFAULT_ROOT);
        assertEquals("$share/wattwitness-ingest/wattwitness/v1/devices/+/readings",
                topics.sharedReadingsFilter("wattwitness-ingest"));
        assertEquals("$share/g1/wattwitness/v1/devices/+/status", topics.sharedStatusFilter("g1"));
        for (String group : new String[] {"", "a/b", "a+", "#", null}) {
            assertThrows(IllegalArgumentException.class, () -> topics.sharedReadingsFilter(group), group);
        }
    }

    @Test
    void refusesRootsThatWouldBreakTheFilters() {
        for (String root : new String[] {"", "a/", "a/+/b", "a/#"}) {
            assertThrows(IllegalArgumentException.class, () -> new DeviceTopics(root), root);
        }
    }
}
