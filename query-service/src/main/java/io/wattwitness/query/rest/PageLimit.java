package io.wattwitness.query.rest;

import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The {@code limit} query parameter of paged endpoints: 1 to {@value #MAX} items, {@value #DEFAULT} when absent or
 * empty (converted by {@link TypedParams}).
 *
 * @param value 1..{@value #MAX}
 */
@Schema(type = SchemaType.INTEGER, format = "int32", minimum = "1", maximum = "1000", defaultValue = "100")
public record PageLimit(int value) {

    /** Items when the parameter is absent. */
    public static final int DEFAULT = 100;
    /** Largest accepted value. */
    public static final int MAX = 1000;

    /**
     * @param limit the bound parameter, null when absent
     * @return its value, or {@value #DEFAULT}
     */
    public static int orDefault(PageLimit limit) {
        return limit == null ? DEFAULT : limit.value();
    }
}
