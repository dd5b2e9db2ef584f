package io.wattwitness.reading;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The signed reading, message v1 (SPEC.md §2): 52 bytes, big-endian, fixed layout.
 *
 * <pre>
 * offset size field          Java component
 *  0     3    magic "WWR"
 *  3     1    version 0x01
 *  4     8    device_id      deviceId   (first 8 bytes of SHA-256(X‖Y), as a big-endian long)
 * 12     6    meter_id       meterId    (meter MAC, low 48 bits)
 * 18     4    boot           boot       (uint32)
 * 22     4    seq            seq        (uint32)
 * 26     8    timestamp_ms   timestampMs (Unix ms, UTC)
 * 34     8    power_mw       powerMw    (active power, mW, production positive)
 * 42     8    energy_mwh     energyMwh  (cumulative production register, mWh, 0..2^63−1)
 * 50     2    flags          flags      (see {@link ReadingFlags})
 * </pre>
 *
 * @param deviceId device id, 8 bytes as a long (compare with {@link DeviceKey#deviceId()})
 * @param meterId meter MAC in the low 48 bits
 * @param boot secure-element boot counter, 0..2^32−1
 * @param seq reading number within the boot, 0..2^32−1
 * @param timestampMs reading time, Unix milliseconds UTC
 * @param powerMw active power in milliwatts
 * @param energyMwh energy register in milliwatt-hours, ≥ 0
 * @param flags flags, only bits 0–2 may be set
 */
public record ReadingMessage(
        long deviceId,
        long meterId,
        long boot,
        long seq,
        long timestampMs,
        long powerMw,
        long energyMwh,
        int flags) {

    /** Length of an encoded v1 message in bytes. */
    public static final int LENGTH = 52;
    /** Version byte of this layout. */
    public static final int VERSION = 1;
    private static final byte[] MAGIC = "WWR".getBytes(StandardCharsets.US_ASCII);
    private static final long UINT32_MAX = 0xFFFF_FFFFL;
    private static final long MAC_MAX = 0xFFFF_FFFF_FFFFL;

    /**
     * Validates the ranges of every field.
     *
     * @throws IllegalArgumentException naming the field when a value is out of range
     */
    public ReadingMessage {
        if (meterId < 0 || meterId > MAC_MAX) {
            throw new IllegalArgumentException("meter_id: must fit in 48 bits");
        }
        if (boot < 0 || boot > UINT32_MAX) {
            throw new IllegalArgumentException("boot: must be a uint32");
        }
        if (seq < 0 || seq > UINT32_MAX) {
            throw new IllegalArgumentException("seq: must be a uint32");
        }
        if (energyMwh < 0) {
            throw new IllegalArgumentException("energy_mwh: must be in 0..2^63-1");
        }
        if ((flags & ~ReadingFlags.DEFINED) != 0) {
            throw new IllegalArgumentException("flags: reserved bits set: 0x" + Integer.toHexString(flags));
        }
    }

    /**
     * Encodes the message (SPEC.md §2).
     *
     * @return a fresh 52-byte array
     */
    public byte[] encode() {
        ByteBuffer buffer = ByteBuffer.allocate(LENGTH);
        buffer.put(MAGIC);
        buffer.put((byte) VERSION);
        buffer.putLong(deviceId);
        buffer.putShort((short) (meterId >>> 32));
        buffer.putInt((int) meterId);
        buffer.putInt((int) boot);
        buffer.putInt((int) seq);
        buffer.putLong(timestampMs);
        buffer.putLong(powerMw);
        buffer.putLong(energyMwh);
        buffer.putShort((short) flags);
        return buffer.array();
    }

    /**
     * Decodes a message strictly (SPEC.md §2): length, magic, version, energy range and reserved flags are checked.
     *
     * @param bytes the candidate message
     * @return the decoded reading
     * @throws ReadingFormatException with code {@code MESSAGE_LENGTH}, {@code MAGIC}, {@code VERSION},
     *         {@code ENERGY_RANGE} or {@code RESERVED_FLAGS}, naming the field
     */
    public static ReadingMessage decode(byte[] bytes) throws ReadingFormatException {
        if (bytes == null || bytes.length != LENGTH) {
            throw new ReadingFormatException(ReadingFormatException.Code.MESSAGE_LENGTH, "message",
                    "expected " + LENGTH + " bytes, got " + (bytes == null ? 0 : bytes.length));
        }
        if (!Arrays.equals(bytes, 0, 3, MAGIC, 0, 3)) {
            throw new ReadingFormatException(ReadingFormatException.Code.MAGIC, "magic", "expected ASCII WWR");
        }
        if (bytes[3] != VERSION) {
            throw new ReadingFormatException(ReadingFormatException.Code.VERSION, "version",
                    "unsupported version " + (bytes[3] & 0xff));
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes, 4, LENGTH - 4);
        long deviceId = buffer.getLong();
        long meterId = ((buffer.getShort() & 0xFFFFL) << 32) | (buffer.getInt() & UINT32_MAX);
        long boot = buffer.getInt() & UINT32_MAX;
        long seq = buffer.getInt() & UINT32_MAX;
        long timestampMs = buffer.getLong();
        long powerMw = buffer.getLong();
        long energyMwh = buffer.getLong();
        int flags = buffer.getShort() & 0xFFFF;
        if (energyMwh < 0) {
            throw new ReadingFormatException(ReadingFormatException.Code.ENERGY_RANGE, "energy_mwh",
                    "register exceeds 2^63-1 mWh");
        }
        if ((flags & ~ReadingFlags.DEFINED) != 0) {
            throw new ReadingFormatException(ReadingFormatException.Code.RESERVED_FLAGS, "flags",
                    "reserved bits set: 0x" + Integer.toHexString(flags & ~ReadingFlags.DEFINED));
        }
        return new ReadingMessage(deviceId, meterId, boot, seq, timestampMs, powerMw, energyMwh, flags);
    }

    /**
     * The digest the device signs (SPEC.md §3).
     *
     * @param message an encoded message (any length; normally 52 bytes)
     * @return SHA-256 of the bytes, 32 bytes
     */
    public static byte[] digest(byte[] message) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(message);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    /** @return the identity (device_id, boot, seq) of this reading (SPEC.md §3.3) */
    public ReadingIdentity identity() {
        return new ReadingIdentity(deviceId, boot, seq);
    }

    /** @return the device id as 16 lowercase hex digits, as in MQTT topics */
    public String deviceIdHex() {
        return Hex.ofLong(deviceId);
    }

    /** @return the meter MAC as 12 lowercase hex digits */
    public String meterIdHex() {
        return Hex.ofMac(meterId);
    }

    /** @return active power in watts */
    public double powerW() {
        return powerMw / 1000.0;
    }

    /** @return the energy register in watt-hours */
    public double energyWh() {
        return energyMwh / 1000.0;
    }

    /**
     * @param bit one of the {@link ReadingFlags} constants
     * @return whether the bit is set
     */
    public boolean hasFlag(int bit) {
        return ReadingFlags.isSet(flags, bit);
    }
}
