package io.wattwitness.query.rest.model;

import java.util.List;

/**
 * @param readings newest first
 * @param nextCursor cursor for the next page, or null at the end
 */
public record ReadingPage(List<ReadingView> readings, String nextCursor) {
}
