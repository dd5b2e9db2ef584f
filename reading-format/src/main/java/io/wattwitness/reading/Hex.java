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
     * @param hex an even-length string of ASCII hex digits
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
            int high = digit(hex.charAt(2 * i));
            int low = digit(hex.charAt(2 * i + 1));
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
            if (digit(hex.charAt(i)) < 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Value of one ASCII hex digit. Unlike {@link Character#digit(char, int)}, which also accepts other Unicode
     * digits and the fullwidth Latin letters, only {@code [0-9a-fA-F]} count (SPEC.md §4).
     *
     * @param c a character
     * @return 0..15, or -1 when {@code c} is not an ASCII hex digit
     */
    public static int digit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
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
