package io.wattwitness.query.service;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Position of a page of readings (newest first): the reading time and id of the last reading of the previous page.
 * On the API it is the opaque {@code next_cursor} token: URL-safe Base64 (no padding) of {@code "<timestampMs>:<id>"}.
 *
 * @param timestampMs reading time of the last reading returned, Unix ms
 * @param id its id
 */
public record ReadingCursor(long timestampMs, long id) {

    /** @return the token, e.g. {@code MTcwMDAwMDAwMDAwMDo0Mg} for (1700000000000, 42) */
    public String encode() {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((timestampMs + ":" + id).getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * @param token a token from {@link #encode}
     * @return the cursor
     * @throws IllegalArgumentException when the token is not one
     */
    public static ReadingCursor decode(String token) {
        try {
            String text = new String(Base64.getUrlDecoder().decode(token.trim()), StandardCharsets.US_ASCII);
            int colon = text.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("no ':' in the cursor");
            }
            return new ReadingCursor(Long.parseLong(text.substring(0, colon)), Long.parseLong(text.substring(colon + 1)));
        } catch (IndexOutOfBoundsException e) {
            throw new IllegalArgumentException("not a cursor", e);
        }
    }
}
