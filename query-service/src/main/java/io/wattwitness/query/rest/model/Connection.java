package io.wattwitness.query.rest.model;

import java.time.Instant;

/**
 * @param state online | offline | unknown
 * @param since when the state was reported, or null
 * @param boot announced boot, or null
 */
public record Connection(String state, Instant since, Long boot) {
}
