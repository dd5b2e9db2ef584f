package io.wattwitness.reading;

/**
 * Hexadecimal helpers for the transport envelope (SPEC.md §4): case-insensitive in, lowercase out.
 */
public final class Hex {

    private static final char[] DIGITS = "0123456789abcdef".toCharArray();

    private Hex() {
    }

    /**
     * Encodes bytes as lowercase hex.
     *
     * @param bytes any bytes, not null
     * @return a string of {@code 2 * bytes.length} characters {@code [0-9a-f]}
     */
    public static String encode(byte[] bytes) {
        char[] out = new char[bytes.length * 2];
        for (int i = 0; i < bytes.length; i++) {
            out[2 * i] = DIGITS[(bytes[i] >> 4) & 0x0f];
            out[2 * i + 1] = DIGITS[bytes[i] & 0x0f];
        }
        return new String(out);
    }

    /**
     * Decodes hex (upper or lower case, no {@code 0x} prefix, no separators).
     *
     * @param hex an even-length string of hex digits
     * @return the decoded bytes
     * @throws IllegalArgumentException if the length is odd or a character is not a hex digit
     */
    public static byte[] decode(CharSequence hex) {
        int length = hex.length();
        if ((length & 1) != 0) {
            throw new IllegalArgumentException("hex string has an odd length: " + length);
        }
        byte[] out = new byte[length / 2];
        for (int i = 0; i < out.length; i++) {
            int high = Character.digit(hex.charAt(2 * i), 16);
            int low = Character.digit(hex.charAt(2 * i + 1), 16);
            if (high < 0 || low < 0) {
                throw new IllegalArgumentException("not a hex digit at position " + (high < 0 ? 2 * i : 2 * i + 1));
            }
            out[i] = (byte) ((high << 4) | low);
        }
        return out;
    }

    /**
     * Tells whether a string is exactly {@code chars} hex digits (either case).
     *
     * @param hex the candidate, may be null
     * @param chars the required number of characters
     * @return true when {@code hex} has that length and only hex digits
     */
    public static boolean isHex(CharSequence hex, int chars) {
        if (hex == null || hex.length() != chars) {
            return false;
        }
        for (int i = 0; i < chars; i++) {
            if (Character.digit(hex.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Formats an unsigned 64-bit value (a device id) as 16 lowercase hex digits.
     *
     * @param value the 8 bytes as a long, big-endian
     * @return 16 hex characters
     */
    public static String ofLong(long value) {
        return String.format("%016x", value);
    }

    /**
     * Formats a 48-bit meter id (MAC) as 12 lowercase hex digits.
     *
     * @param mac the MAC in the low 48 bits
     * @return 12 hex characters
     */
    public static String ofMac(long mac) {
        return String.format("%012x", mac);
    }
}
