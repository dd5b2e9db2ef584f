package io.wattwitness.verify.service;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wattwitness.reading.Envelope;
import io.wattwitness.reading.Hex;
import io.wattwitness.reading.ReadingFormatException;
import io.wattwitness.reading.ReadingMessage;
import io.wattwitness.reading.ReadingVerifier;
import io.wattwitness.reading.VerifiedReading;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;

/**
 * The stateless checks on one {@code readings.raw} record, in order: envelope JSON (SPEC.md §4), strict message
 * decoding (SPEC.md §2), registered key, signature (SPEC.md §3). Pure functions, thread-safe; no database.
 * <p>
 * Reasons: {@code malformed_json} (not a JSON object, duplicate members), {@code missing_member} ({@code message}
 * or {@code signature} absent or not a string), the reading-format codes ({@code message_length},
 * {@code signature_length}, {@code magic}, {@code version}, {@code energy_range}, {@code reserved_flags},
 * {@code device_id_mismatch}, {@code signature_range}, {@code bad_signature}), {@code unknown_device} and
 * {@code key_retired}.
 */
public final class ReadingChecker {

    /** Reason: the payload is not a JSON object. */
    public static final String MALFORMED_JSON = "malformed_json";
    /** Reason: a required envelope member is missing or not a string. */
    public static final String MISSING_MEMBER = "missing_member";
    /** Reason: no registered key has the message's device id. */
    public static final String UNKNOWN_DEVICE = "unknown_device";
    /**
     * Reason: the reading verifies under a key that was retired (rotated out) before the reading's time. The
     * contract's {@code checkReading} (KeyRetired) and the anchoring workflow refuse such readings, so one in a
     * sealed batch would block anchoring for good.
     */
    public static final String KEY_RETIRED = "key_retired";

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private ReadingChecker() {
    }

    /**
     * Parses the envelope and decodes the message; cheap, no cryptography.
     *
     * @param raw the record
     * @return {@link Checked.Decoded} or {@link Checked.Rejected}
     */
    public static Checked parse(RawEnvelope raw) {
        String claimed = isDeviceId(raw.key()) ? raw.key() : null;
        JsonNode root;
        try {
            root = raw.value().length == 0 ? null : JSON.readTree(raw.value());
        } catch (JsonProcessingException e) {
            return Checked.Rejected.undecoded(raw, MALFORMED_JSON, "not valid JSON: " + e.getOriginalMessage(), claimed);
        } catch (IOException e) {
            return Checked.Rejected.undecoded(raw, MALFORMED_JSON, "unreadable payload: " + e.getMessage(), claimed);
        }
        if (root == null || !root.isObject()) {
            return Checked.Rejected.undecoded(raw, MALFORMED_JSON, "payload is not a JSON object", claimed);
        }
        JsonNode message = root.get("message");
        JsonNode signature = root.get("signature");
        if (message == null || !message.isTextual()) {
            return Checked.Rejected.undecoded(raw, MISSING_MEMBER, "member \"message\" missing or not a string",
                    claimed);
        }
        if (signature == null || !signature.isTextual()) {
            return Checked.Rejected.undecoded(raw, MISSING_MEMBER, "member \"signature\" missing or not a string",
                    claimed);
        }
        Envelope envelope;
        try {
            envelope = Envelope.ofHex(message.textValue(), signature.textValue());
        } catch (ReadingFormatException e) {
            return Checked.Rejected.undecoded(raw, e.code().wire(), e.getMessage(), claimed);
        }
        try {
            return new Checked.Decoded(raw, envelope, ReadingMessage.decode(envelope.message()));
        } catch (ReadingFormatException e) {
            return Checked.Rejected.undecoded(raw, e.code().wire(), e.getMessage(), envelope.deviceIdHex());
        }
    }

    /**
     * Finds the key and verifies the signature (ECDSA P-256, the expensive step: run it off the event loop).
     *
     * @param checked a result of {@link #parse}; anything but {@link Checked.Decoded} is returned unchanged
     * @param keys registered keys by device id
     * @return {@link Checked.Accepted} or {@link Checked.Rejected}
     */
    public static Checked verify(Checked checked, Map<String, RegisteredKey> keys) {
        if (!(checked instanceof Checked.Decoded decoded)) {
            return checked;
        }
        ReadingMessage message = decoded.message();
        RegisteredKey registered = keys.get(message.deviceIdHex());
        if (registered == null) {
            return Checked.Rejected.of(decoded.raw(), UNKNOWN_DEVICE,
                    "device " + message.deviceIdHex() + " has no registered key", message, null);
        }
        try {
            VerifiedReading reading = ReadingVerifier.verify(registered.key(), decoded.envelope().message(),
                    decoded.envelope().signature());
            if (registered.retiredBefore(message.timestampMs())) {
                return Checked.Rejected.of(decoded.raw(), KEY_RETIRED, "device key " + message.deviceIdHex()
                        + " was retired at " + registered.retiredAtMs() + " ms, before the reading time "
                        + message.timestampMs() + " ms", message, registered.installationId());
            }
            return new Checked.Accepted(decoded.raw(), registered.installationId(), reading);
        } catch (ReadingFormatException e) {
            return Checked.Rejected.of(decoded.raw(), e.code().wire(), e.getMessage(), message,
                    registered.installationId());
        }
    }

    /**
     * @param value a candidate
     * @return whether it is 16 lowercase hex digits
     */
    public static boolean isDeviceId(String value) {
        return value != null && Hex.isHex(value, 16) && value.equals(value.toLowerCase(Locale.ROOT));
    }
}
