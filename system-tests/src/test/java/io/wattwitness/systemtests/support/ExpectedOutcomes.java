package io.wattwitness.systemtests.support;

import io.wattwitness.reading.DeviceKey;
import io.wattwitness.reading.Envelope;
import io.wattwitness.reading.Hex;
import io.wattwitness.reading.ReadingFormatException;
import io.wattwitness.reading.ReadingMessage;
import io.wattwitness.reading.ReadingStatus;
import io.wattwitness.reading.ReadingVerifier;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the pipeline must store for what the devices sent, worked out independently of verify-service from the
 * verification rules and the wire contract (SPEC.md §3.3, ingest-service README). Feed every publication of a device in
 * the order it was sent (per-device order is kept end to end: one MQTT client per device, Kafka key = device id).
 * <p>
 * Each publication has exactly one outcome: {@link Outcome#STORED} (a new row in {@code readings}),
 * {@link Outcome#CONFLICT} (a row in {@code reading_conflicts}, the stored reading becomes disputed),
 * {@link Outcome#QUARANTINED} (a row in {@code quarantine}) or {@link Outcome#NO_OP} (an identical resend: nothing
 * new). Rules, in verify-service's order: unknown device; signature ({@code bad_signature}); identity; rollback
 * (boot below the highest stored); reading time ({@code before_2024}, {@code clock_ahead} beyond 5 minutes,
 * {@code too_old} beyond 72 hours, the send time standing in for the receive time: the tests keep wide margins).
 * A quarantine row is unique per (stage, reason, claimed device, raw envelope): an identical envelope received again
 * (a device's resend, an MQTT redelivery) is a no-op, as it is for readings, while the same bytes claimed by another
 * device get their own row. Registers are monotone in these runs, so no anomaly is expected. Not thread-safe.
 */
public final class ExpectedOutcomes {

    /** The effect of one publication. */
    public enum Outcome {
        /** A new reading row. */
        STORED,
        /** A new conflict row; the stored reading is disputed. */
        CONFLICT,
        /** A new quarantine row. */
        QUARANTINED,
        /** Nothing new (an identical envelope was already handled). */
        NO_OP
    }

    /**
     * An identity (SPEC.md §3.3) with the device id in hex.
     *
     * @param deviceId 16 hex
     * @param boot boot counter
     * @param seq sequence number
     */
    public record Identity(String deviceId, long boot, long seq) {
    }

    /**
     * An expected reading row.
     *
     * @param messageHex the first validly signed message of the identity
     * @param status verified | disputed
     * @param verificationError null | equivocation
     */
    public record Reading(String messageHex, ReadingStatus status, String verificationError) {
    }

    /**
     * An expected quarantine row, in the shape of {@link Database.QuarantineRow}.
     *
     * @param stage ingest | verify
     * @param reason reason code
     * @param deviceId claimed device id
     * @param boot boot or null
     * @param seq seq or null
     * @param rawSha256 SHA-256 of the raw envelope, hex
     */
    public record Quarantined(String stage, String reason, String deviceId, Long boot, Long seq, String rawSha256) {
    }

    private static final long MAX_AHEAD_MS = Duration.ofMinutes(5).toMillis();
    private static final long MAX_AGE_MS = Duration.ofHours(72).toMillis();
    private static final long EARLIEST_MS = Instant.parse("2024-01-01T00:00:00Z").toEpochMilli();

    private final Map<String, DeviceKey> registered;
    private final Map<Identity, Reading> readings = new TreeMap<>(ExpectedOutcomes::compare);
    private final Map<Identity, Set<String>> conflicts = new HashMap<>();
    private final Map<String, Long> highestBoot = new HashMap<>();
    private final Set<String> quarantineKeys = new HashSet<>();
    private final List<Quarantined> quarantine = new ArrayList<>();
    private final Map<Outcome, Integer> outcomes = new TreeMap<>();
    private final Map<String, Integer> quarantinedByReason = new TreeMap<>();
    private int sent;
    private int readingNoOps;

    /** @param registered the registered keys by device id (16 hex) */
    public ExpectedOutcomes(Map<String, DeviceKey> registered) {
        this.registered = Map.copyOf(registered);
    }

    /**
     * A well-formed envelope that ingest forwards (its topic names the message's device).
     *
     * @param envelope the envelope as sent
     * @param raw the published bytes (the envelope JSON)
     * @param sentAtMs send time, Unix ms
     * @return its outcome
     */
    public Outcome forwarded(Envelope envelope, byte[] raw, long sentAtMs) {
        ReadingMessage message;
        try {
            message = ReadingMessage.decode(envelope.message());
        } catch (ReadingFormatException e) {
            return quarantine("verify", e.code().wire(), envelope.deviceIdHex(), null, null, raw);
        }
        String deviceId = message.deviceIdHex();
        DeviceKey key = registered.get(deviceId);
        if (key == null) {
            return quarantine("verify", "unknown_device", deviceId, message.boot(), message.seq(), raw);
        }
        try {
            ReadingVerifier.verify(key, envelope.message(), envelope.signature());
        } catch (ReadingFormatException e) {
            return quarantine("verify", e.code().wire(), deviceId, message.boot(), message.seq(), raw);
        }
        Identity identity = new Identity(deviceId, message.boot(), message.seq());
        String messageHex = Hex.encode(envelope.message());
        Reading stored = readings.get(identity);
        if (stored != null) {
            if (stored.messageHex().equals(messageHex)
                    || !conflicts.computeIfAbsent(identity, k -> new HashSet<>()).add(messageHex)) {
                readingNoOps++;
                return record(Outcome.NO_OP);
            }
            readings.put(identity, new Reading(stored.messageHex(), ReadingStatus.DISPUTED, "equivocation"));
            return record(Outcome.CONFLICT);
        }
        Long highest = highestBoot.get(deviceId);
        if (highest != null && message.boot() < highest) {
            return quarantine("verify", "rollback", deviceId, message.boot(), message.seq(), raw);
        }
        long ts = message.timestampMs();
        String timeReason = ts < EARLIEST_MS ? "before_2024"
                : ts - sentAtMs > MAX_AHEAD_MS ? "clock_ahead"
                : sentAtMs - ts > MAX_AGE_MS ? "too_old" : null;
        if (timeReason != null) {
            return quarantine("verify", timeReason, deviceId, message.boot(), message.seq(), raw);
        }
        readings.put(identity, new Reading(messageHex, ReadingStatus.VERIFIED, null));
        highestBoot.merge(deviceId, message.boot(), Math::max);
        return record(Outcome.STORED);
    }

    /**
     * An envelope ingest refuses (it goes to {@code readings.rejected}, then to quarantine with stage ingest).
     *
     * @param topicDeviceId device id of the topic it was published on
     * @param reason ingest's reason code
     * @param raw the published bytes
     * @return its outcome
     */
    public Outcome rejectedAtIngest(String topicDeviceId, String reason, byte[] raw) {
        return quarantine("ingest", reason, topicDeviceId, null, null, raw);
    }

    private Outcome quarantine(String stage, String reason, String deviceId, Long boot, Long seq, byte[] raw) {
        String sha = sha256(raw);
        if (!quarantineKeys.add(stage + "|" + reason + "|" + deviceId + "|" + sha)) {
            return record(Outcome.NO_OP);
        }
        quarantine.add(new Quarantined(stage, reason, deviceId, boot, seq, sha));
        quarantinedByReason.merge(reason, 1, Integer::sum);
        return record(Outcome.QUARANTINED);
    }

    private Outcome record(Outcome outcome) {
        sent++;
        outcomes.merge(outcome, 1, Integer::sum);
        return outcome;
    }

    /** @return expected reading rows by identity */
    public Map<Identity, Reading> readings() {
        return Collections.unmodifiableMap(readings);
    }

    /** @return expected conflict rows: identity and conflicting message hex */
    public Set<Map.Entry<Identity, String>> conflictRows() {
        Set<Map.Entry<Identity, String>> out = new HashSet<>();
        for (Map.Entry<Identity, Set<String>> entry : conflicts.entrySet()) {
            for (String message : entry.getValue()) {
                out.add(Map.entry(entry.getKey(), message));
            }
        }
        return out;
    }

    /** @return expected quarantine rows, in the order they were decided */
    public List<Quarantined> quarantine() {
        return Collections.unmodifiableList(quarantine);
    }

    /**
     * @param outcome an outcome
     * @return how many publications had it
     */
    public int count(Outcome outcome) {
        return outcomes.getOrDefault(outcome, 0);
    }

    /** @return quarantine rows expected per reason */
    public Map<String, Integer> quarantinedByReason() {
        return Collections.unmodifiableMap(quarantinedByReason);
    }

    /** @return publications fed to the model */
    public int sent() {
        return sent;
    }

    /** @return no-ops of validly signed readings (identical resends and repeated conflicts): verify's duplicates */
    public int readingNoOps() {
        return readingNoOps;
    }

    /**
     * @param raw bytes
     * @return lowercase hex SHA-256
     */
    public static String sha256(byte[] raw) {
        try {
            return Hex.encode(MessageDigest.getInstance("SHA-256").digest(raw));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    /**
     * @param text UTF-8 text
     * @return its bytes
     */
    public static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static int compare(Identity a, Identity b) {
        int c = a.deviceId().compareTo(b.deviceId());
        if (c != 0) {
            return c;
        }
        c = Long.compare(a.boot(), b.boot());
        return c != 0 ? c : Long.compare(a.seq(), b.seq());
    }
}
