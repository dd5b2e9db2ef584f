package io.wattwitness.reading;

/**
 * The transport envelope (SPEC.md §4), identical over MQTT and HTTP:
 * {@code {"message":"<104 hex>","signature":"<128 hex>"}}. Hex is accepted in either case and written lowercase.
 *
 * @param message the 52-byte message
 * @param signature the raw 64-byte signature
 */
public record Envelope(byte[] message, byte[] signature) {

    /** Characters of hex in the {@code message} member. */
    public static final int MESSAGE_HEX_LENGTH = 2 * ReadingMessage.LENGTH;
    /** Characters of hex in the {@code signature} member. */
    public static final int SIGNATURE_HEX_LENGTH = 2 * P256.SIGNATURE_LENGTH;

    /**
     * Checks the hex members of an envelope without any cryptography (what ingest does, SPEC.md §4).
     *
     * @param messageHex the {@code message} member
     * @param signatureHex the {@code signature} member
     * @return the decoded envelope
     * @throws ReadingFormatException {@code MESSAGE_LENGTH} (field {@code message}) or {@code SIGNATURE_LENGTH}
     *         (field {@code signature}) when a member is missing, not hex or of the wrong length
     */
    public static Envelope ofHex(String messageHex, String signatureHex) throws ReadingFormatException {
        if (!Hex.isHex(messageHex, MESSAGE_HEX_LENGTH)) {
            throw new ReadingFormatException(ReadingFormatException.Code.MESSAGE_LENGTH, "message",
                    "expected " + MESSAGE_HEX_LENGTH + " hex characters");
        }
        if (!Hex.isHex(signatureHex, SIGNATURE_HEX_LENGTH)) {
            throw new ReadingFormatException(ReadingFormatException.Code.SIGNATURE_LENGTH, "signature",
                    "expected " + SIGNATURE_HEX_LENGTH + " hex characters");
        }
        return new Envelope(Hex.decode(messageHex), Hex.decode(signatureHex));
    }

    /** @return the message as lowercase hex */
    public String messageHex() {
        return Hex.encode(message);
    }

    /** @return the signature as lowercase hex */
    public String signatureHex() {
        return Hex.encode(signature);
    }

    /** @return the envelope as compact JSON, lowercase hex */
    public String toJson() {
        return "{\"message\":\"" + messageHex() + "\",\"signature\":\"" + signatureHex() + "\"}";
    }

    /**
     * Reads the device id (bytes 4–11) without decoding the rest, for routing and topic checks.
     *
     * @return the device id as 16 lowercase hex characters
     */
    public String deviceIdHex() {
        long id = 0;
        for (int i = 4; i < 12; i++) {
            id = (id << 8) | (message[i] & 0xff);
        }
        return Hex.ofLong(id);
    }
}
