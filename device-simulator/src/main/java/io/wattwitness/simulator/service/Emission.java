package io.wattwitness.simulator.service;

import io.wattwitness.reading.Envelope;
import io.wattwitness.reading.ReadingMessage;

/**
 * One envelope a simulated device emitted (or, for {@link Fault#DROPPED}, would have emitted), as recorded in the
 * manifest.
 *
 * @param deviceIndex index of the device in the simulator, from 0
 * @param deviceIdHex device id, 16 lowercase hex digits
 * @param boot the reading's boot number
 * @param seq the reading's seq
 * @param reading the reading as the device signed it (for {@link Fault#TAMPERED}: before the flip; may be null for a
 *        {@link Fault#RESEND} of a buffered message that no longer decodes)
 * @param envelope the bytes on the wire
 * @param fault the injected fault
 * @param sent whether the envelope goes to the transport (false only for {@link Fault#DROPPED})
 * @param clockSkewMs skew added to the timestamp, ms
 */
public record Emission(int deviceIndex, String deviceIdHex, long boot, long seq, ReadingMessage reading,
        Envelope envelope, Fault fault, boolean sent, long clockSkewMs) {
}
