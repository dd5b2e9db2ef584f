package io.wattwitness.reading;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds {@code vectors/readings.jsonl} and {@code vectors/merkle.jsonl} deterministically (fixed keys,
 * RFC 6979 nonces), so the committed files can be regenerated and checked byte for byte.
 */
final class VectorGenerator {

    static final long BASE_TIME_MS = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_SAFE_JSON_INTEGER = 1L << 53;

    private VectorGenerator() {
    }

    /** The private key of vector device {@code n}: SHA-256("wattwitness vector key n") mod n. */
    static DeviceSigner signer(int n) {
        byte[] seed = ReadingMessage.digest(("wattwitness vector key " + n).getBytes(StandardCharsets.US_ASCII));
        return new DeviceSigner(new BigInteger(1, seed).mod(P256.N.subtract(BigInteger.ONE)).add(BigInteger.ONE));
    }

    static List<String> readingLines() throws Exception {
        DeviceSigner key1 = signer(1);
        DeviceSigner key2 = signer(2);
        long mac = 0x34945a1b2c3dL;
        List<String> lines = new ArrayList<>();
        ReadingMessage basic = new ReadingMessage(key1.publicKey().deviceId(), mac, 7, 42, BASE_TIME_MS + 42_000,
                2_345_678, 1_523_400_000, ReadingFlags.CLOCK_SYNCED);

        lines.add(valid("valid-basic", "a daytime reading, clock synced", key1, basic));
        lines.add(valid("valid-first-after-boot", "seq 0 with the first-after-boot flag", key1,
                new ReadingMessage(key1.publicKey().deviceId(), mac, 8, 0, BASE_TIME_MS, 0, 1_523_400_500,
                        ReadingFlags.CLOCK_SYNCED | ReadingFlags.FIRST_AFTER_BOOT)));
        lines.add(valid("valid-register-restarted", "register restarted at 0 after a meter power loss", key1,
                new ReadingMessage(key1.publicKey().deviceId(), mac, 8, 1, BASE_TIME_MS + 10_000, 120_000, 0,
                        ReadingFlags.CLOCK_SYNCED | ReadingFlags.REGISTER_RESTARTED)));
        lines.add(valid("valid-negative-power", "night-time consumption shows as negative active power", key1,
                new ReadingMessage(key1.publicKey().deviceId(), mac, 8, 2, BASE_TIME_MS + 20_000, -35_250,
                        100, ReadingFlags.CLOCK_SYNCED)));
        lines.add(valid("valid-minimum-values", "every field at its minimum, clock not synced", key1,
                new ReadingMessage(key1.publicKey().deviceId(), 0, 0, 0, 0, 0, 0, 0)));
        lines.add(valid("valid-maximum-values", "boot, seq, MAC and register at their maxima", key1,
                new ReadingMessage(key1.publicKey().deviceId(), 0xFFFF_FFFF_FFFFL, 0xFFFF_FFFFL, 0xFFFF_FFFFL,
                        Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, ReadingFlags.DEFINED)));
        lines.add(valid("valid-second-device", "a reading from another device key", key2,
                new ReadingMessage(key2.publicKey().deviceId(), 0x34945a000001L, 1, 5, BASE_TIME_MS + 50_000,
                        812_000, 42_000, ReadingFlags.CLOCK_SYNCED)));

        byte[] message = basic.encode();
        byte[] lowS = key1.sign(message);
        byte[] highS = highS(lowS);
        lines.add(line("valid-high-s", "the high-S twin of valid-basic: accepted, stored in low-S form", basic,
                message, key1.publicKey().raw(), highS, lowS, null));

        lines.add(line("wrong-key", "valid-basic signed by another device's key", basic, message,
                key1.publicKey().raw(), key2.sign(message), null, "bad_signature"));
        byte[] flipped = message.clone();
        flipped[40] ^= 0x01;
        lines.add(line("flipped-message-bit", "one bit of power_mw flipped after signing", decoded(flipped),
                flipped, key1.publicKey().raw(), lowS, null, "bad_signature"));
        byte[] flippedSig = lowS.clone();
        flippedSig[10] ^= 0x40;
        lines.add(line("flipped-signature-bit", "one bit of r flipped", basic, message, key1.publicKey().raw(),
                flippedSig, null, "bad_signature"));
        lines.add(line("r-zero", "r = 0", basic, message, key1.publicKey().raw(),
                P256.rawSignature(BigInteger.ZERO, new BigInteger(1, slice(lowS, 32, 64))), null, "signature_range"));
        lines.add(line("s-zero", "s = 0", basic, message, key1.publicKey().raw(),
                P256.rawSignature(new BigInteger(1, slice(lowS, 0, 32)), BigInteger.ZERO), null, "signature_range"));
        lines.add(line("r-equals-n", "r = n", basic, message, key1.publicKey().raw(),
                P256.rawSignature(P256.N, new BigInteger(1, slice(lowS, 32, 64))), null, "signature_range"));
        lines.add(line("s-equals-n", "s = n", basic, message, key1.publicKey().raw(),
                P256.rawSignature(new BigInteger(1, slice(lowS, 0, 32)), P256.N), null, "signature_range"));
        lines.add(line("truncated-signature", "63-byte signature", basic, message, key1.publicKey().raw(),
                slice(lowS, 0, 63), null, "signature_length"));
        byte[] offCurve = key1.publicKey().raw();
        offCurve[63] ^= 0x01;
        lines.add(line("key-not-on-curve", "Y of the key changed by one bit", basic, message, offCurve, lowS,
                null, "key_not_on_curve"));
        byte[] xTooLarge = new byte[64];
        System.arraycopy(P256.to32Bytes(P256.CURVE.getCurve().getField().getCharacteristic()), 0, xTooLarge, 0, 32);
        System.arraycopy(key1.publicKey().raw(), 32, xTooLarge, 32, 32);
        lines.add(line("key-coordinate-too-large", "X = p, outside the field", basic, message, xTooLarge, lowS,
                null, "key_not_on_curve"));
        lines.add(signedBytes("message-truncated", "51-byte message", key1, slice(message, 0, 51), "message_length"));
        byte[] longer = new byte[53];
        System.arraycopy(message, 0, longer, 0, 52);
        lines.add(signedBytes("message-too-long", "53-byte message", key1, longer, "message_length"));
        byte[] badMagic = message.clone();
        badMagic[0] = 'X';
        lines.add(signedBytes("bad-magic", "magic XWR", key1, badMagic, "magic"));
        byte[] badVersion = message.clone();
        badVersion[3] = 2;
        lines.add(signedBytes("bad-version", "version 2", key1, badVersion, "version"));
        for (int bit = 3; bit < 16; bit++) {
            byte[] reserved = message.clone();
            int flags = ReadingFlags.CLOCK_SYNCED | (1 << bit);
            reserved[50] = (byte) (flags >> 8);
            reserved[51] = (byte) flags;
            lines.add(signedBytes("reserved-flag-bit-" + bit, "reserved flags bit " + bit + " set", key1, reserved,
                    "reserved_flags"));
        }
        byte[] energy = message.clone();
        energy[42] |= (byte) 0x80;
        lines.add(signedBytes("energy-over-range", "energy register with the top bit set (> 2^63-1 mWh)", key1,
                energy, "energy_range"));
        ReadingMessage foreign = new ReadingMessage(0x0102030405060708L, mac, 7, 42, BASE_TIME_MS + 42_000,
                2_345_678, 1_523_400_000, ReadingFlags.CLOCK_SYNCED);
        lines.add(line("device-id-mismatch", "signed by key 1 but naming another device id", foreign,
                foreign.encode(), key1.publicKey().raw(), key1.sign(foreign.encode()), null, "device_id_mismatch"));
        return lines;
    }

    static List<String> merkleLines() throws Exception {
        DeviceSigner key1 = signer(1);
        DeviceSigner key2 = signer(2);
        List<String> lines = new ArrayList<>();
        for (int size : new int[] {1, 2, 3, 5, 8, 13}) {
            List<Map<String, Object>> leaves = new ArrayList<>();
            List<byte[]> hashes = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                DeviceSigner key = i % 3 == 2 ? key2 : key1;
                ReadingMessage reading = new ReadingMessage(key.publicKey().deviceId(), 0x34945a1b2c3dL, 3, i,
                        BASE_TIME_MS + i * 10_000L, 1_000_000L + i * 1_000L, 5_000_000L + i * 2_778L,
                        ReadingFlags.CLOCK_SYNCED);
                byte[] message = reading.encode();
                byte[] signature = key.sign(message);
                Map<String, Object> leaf = new LinkedHashMap<>();
                leaf.put("message", Hex.encode(message));
                leaf.put("signature", Hex.encode(signature));
                leaf.put("public_key", key.publicKey().hex());
                leaves.add(leaf);
                hashes.add(MerkleTree.leaf(message, signature));
            }
            MerkleTree tree = MerkleTree.of(hashes);
            List<List<String>> proofs = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                proofs.add(tree.proof(i).stream().map(Hex::encode).toList());
            }
            Map<String, Object> vector = new LinkedHashMap<>();
            vector.put("name", "batch-of-" + size);
            vector.put("leaves", leaves);
            vector.put("leaf_hashes", hashes.stream().map(Hex::encode).toList());
            vector.put("root", Hex.encode(tree.root()));
            vector.put("proofs", proofs);
            lines.add(JSON.writeValueAsString(vector));
        }
        return lines;
    }

    private static String valid(String name, String description, DeviceSigner key, ReadingMessage reading)
            throws Exception {
        byte[] message = reading.encode();
        byte[] signature = key.sign(message);
        return line(name, description, reading, message, key.publicKey().raw(), signature, signature, null);
    }

    private static String signedBytes(String name, String description, DeviceSigner key, byte[] message,
            String error) throws Exception {
        return line(name, description, null, message, key.publicKey().raw(), key.sign(message), null, error);
    }

    private static String line(String name, String description, ReadingMessage fields, byte[] message,
            byte[] publicKey, byte[] signature, byte[] lowS, String error) throws Exception {
        Map<String, Object> vector = new LinkedHashMap<>();
        vector.put("name", name);
        vector.put("description", description);
        vector.put("fields", fields == null ? null : fields(fields));
        vector.put("message", Hex.encode(message));
        vector.put("digest", message.length == ReadingMessage.LENGTH ? Hex.encode(ReadingMessage.digest(message)) : null);
        vector.put("public_key", Hex.encode(publicKey));
        vector.put("signature", Hex.encode(signature));
        vector.put("low_s_signature", lowS == null ? null : Hex.encode(lowS));
        vector.put("expected", error == null ? "valid" : "invalid");
        vector.put("error", error);
        return JSON.writeValueAsString(vector);
    }

    private static Map<String, Object> fields(ReadingMessage reading) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("device_id", reading.deviceIdHex());
        fields.put("meter_id", reading.meterIdHex());
        fields.put("boot", reading.boot());
        fields.put("seq", reading.seq());
        fields.put("timestamp_ms", jsonSafe(reading.timestampMs()));
        fields.put("power_mw", jsonSafe(reading.powerMw()));
        fields.put("energy_mwh", jsonSafe(reading.energyMwh()));
        fields.put("flags", reading.flags());
        return fields;
    }

    private static Object jsonSafe(long value) {
        return Math.abs(value) > MAX_SAFE_JSON_INTEGER ? Long.toString(value) : (Object) value;
    }

    private static ReadingMessage decoded(byte[] message) throws ReadingFormatException {
        return ReadingMessage.decode(message);
    }

    static byte[] highS(byte[] lowS) {
        BigInteger s = new BigInteger(1, slice(lowS, 32, 64));
        return P256.rawSignature(new BigInteger(1, slice(lowS, 0, 32)), P256.N.subtract(s));
    }

    static byte[] slice(byte[] bytes, int from, int to) {
        byte[] out = new byte[to - from];
        System.arraycopy(bytes, from, out, 0, to - from);
        return out;
    }
}
