package io.wattwitness.verify.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wattwitness.verify.service.VerifiedEvent;
import org.junit.jupiter.api.Test;

class VerifiedPublisherTest {

    @Test
    void eventsUseTheContractFieldNames() {
        VerifiedEvent event = new VerifiedEvent(12, 3, "0011223344556677", 7, 42, 1_767_225_642_000L, 2_345_678,
                1_523_400_000L, 1, "verified", null, "5757", "ef03", 1_767_225_643_000L, 1_767_225_643_500L);
        assertEquals("{\"id\":12,\"installation_id\":3,\"device_id\":\"0011223344556677\",\"boot\":7,\"seq\":42,"
                + "\"timestamp_ms\":1767225642000,\"power_mw\":2345678,\"energy_mwh\":1523400000,\"flags\":1,"
                + "\"status\":\"verified\",\"verification_error\":null,\"message\":\"5757\",\"signature\":\"ef03\","
                + "\"received_at\":1767225643000,\"verified_at\":1767225643500}", VerifiedPublisher.json(event));
    }
}
