package io.wattwitness.query.rest.model;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A verified reading not yet on chain, written as the JSON array {@code [id, power_w, total_wh, timestamp,
 * signature]} (e.g. {@code [42, 1234.5, 3737.0, 1700000000, "3045…"]}), the wire format of the pending endpoint.
 *
 * @param id reading id
 * @param powerW active power, W
 * @param totalWh energy register, Wh
 * @param timestamp reading time, Unix s
 * @param signature low-S signature r‖s, 128 hex
 */
@JsonFormat(shape = JsonFormat.Shape.ARRAY)
@Schema(type = SchemaType.ARRAY, minItems = 5, maxItems = 5,
        description = "[id, power_w (W), total_wh (Wh), timestamp (Unix s), signature (128 hex)]")
@JsonPropertyOrder({"id", "powerW", "totalWh", "timestamp", "signature"})
public record PendingReading(long id, double powerW, double totalWh, long timestamp, String signature) {
}
