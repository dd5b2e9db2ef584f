package io.wattwitness.simulator.service;

import java.util.List;
import java.util.function.Consumer;

/** Where emitted envelopes go (MQTT, HTTP or standard output); implementations live in the messaging package. */
public interface Transport extends AutoCloseable {

    /**
     * Connects every device (a failed connection is retried later, readings are buffered meanwhile).
     *
     * @param devices the devices
     * @param resent receives an {@link Emission} with {@link Fault#RESEND} for every envelope sent again
     * @throws Exception when the transport cannot be set up at all (bad URL)
     */
    void open(List<SimulatedDevice> devices, Consumer<Emission> resent) throws Exception;

    /**
     * Sends one envelope of a device.
     *
     * @param device the device
     * @param emission an emission with {@code sent == true}
     */
    void send(SimulatedDevice device, Emission emission);

    /** Called after every round of readings: reconnect, resend, retry. */
    default void flush() {
    }

    /** Publishes offline status where applicable and releases connections. */
    @Override
    void close();
}
