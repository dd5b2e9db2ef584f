package io.wattwitness.reading;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HexTest {

    @Test
    void onlyAsciiHexDigitsAreHexEitherCase() {
        assertTrue(Hex.isHex("09afAF", 6));
        assertArrayEquals(new byte[] {0x09, (byte) 0xaf, (byte) 0xaf}, Hex.decode("09afAF"));
        assertFalse(Hex.isHex("0g", 2));
        assertFalse(Hex.isHex("0x", 2));
    }

    @Test
    void unicodeDigitsAndFullwidthLettersAreNotHex() {
        // Character.digit accepts these: U+0661 ARABIC-INDIC DIGIT ONE, U+FF21 FULLWIDTH A, U+FF41 FULLWIDTH a,
        // U+FF11 FULLWIDTH DIGIT ONE, U+0967 DEVANAGARI DIGIT ONE. SPEC.md §4 allows [0-9a-fA-F] only.
        for (String text : new String[] {"\u0661\u0661", "\uFF21\uFF21", "\uFF41a", "0\uFF11", "\u09670"}) {
            assertFalse(Hex.isHex(text, 2), text);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Hex.decode(text));
            assertTrue(e.getMessage().startsWith("not a hex digit at position"), e.getMessage());
        }
    }

    @Test
    void anEnvelopeWithNonAsciiDigitsIsRefused() {
        String message = Hex.encode(new byte[ReadingMessage.LENGTH]);
        String signature = Hex.encode(new byte[P256.SIGNATURE_LENGTH]);
        ReadingFormatException e = assertThrows(ReadingFormatException.class,
                () -> Envelope.ofHex("\uFF10" + message.substring(1), signature));
        assertEquals(ReadingFormatException.Code.MESSAGE_LENGTH, e.code());
        e = assertThrows(ReadingFormatException.class,
                () -> Envelope.ofHex(message, signature.substring(1) + "\u0660"));
        assertEquals(ReadingFormatException.Code.SIGNATURE_LENGTH, e.code());
    }
}
