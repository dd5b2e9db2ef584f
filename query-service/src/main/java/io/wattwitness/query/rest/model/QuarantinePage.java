package io.wattwitness.query.rest.model;

import java.util.List;

/**
 * @param items newest first
 */
public record QuarantinePage(List<QuarantineItem> items) {
}
