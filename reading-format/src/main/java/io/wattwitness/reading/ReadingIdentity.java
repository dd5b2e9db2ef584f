package io.wattwitness.reading;

/**
 * A reading's identity (SPEC.md §3.3): (device_id, boot, seq). Never the signature bytes, which are malleable.
 *
 * @param deviceId device id, 8 bytes as a long
 * @param boot boot counter, uint32
 * @param seq sequence number within the boot, uint32
 */
public record ReadingIdentity(long deviceId, long boot, long seq) implements Comparable<ReadingIdentity> {

    /** Orders by device, then boot, then seq (unsigned for the device id). */
    @Override
    public int compareTo(ReadingIdentity other) {
        int byDevice = Long.compareUnsigned(deviceId, other.deviceId);
        if (byDevice != 0) {
            return byDevice;
        }
        int byBoot = Long.compare(boot, other.boot);
        return byBoot != 0 ? byBoot : Long.compare(seq, other.seq);
    }

    @Override
    public String toString() {
        return Hex.ofLong(deviceId) + "/" + boot + "/" + seq;
    }
}
