package io.wattwitness.ingest.service;

/**
 * The application-level acknowledgement published on {@code wattwitness/v1/devices/{id}/ack} (kafka-contract.md):
 * every reading (boot, 0..seq) of the device is durably in Kafka, so the device may delete them from its buffer.
 *
 * @param boot boot counter, uint32
 * @param seq highest contiguous sequence number of that boot, uint32
 */
public record DeviceAck(long boot, long seq) {

    /** @return the MQTT payload {@code {"boot":N,"seq":M}} */
    public String toJson() {
        return "{\"boot\":" + boot + ",\"seq\":" + seq + "}";
    }
}
