package io.wattwitness.query.rest.model;

import java.util.List;

/**
 * @param installationId installation
 * @param overall ok | degraded | down
 * @param problems human-readable problems
 * @param deviceConnection MQTT birth / last will
 * @param liveness from the signed reading sequence
 * @param anchoring from the last anchored batch
 */
public record StatusView(long installationId, String overall, List<String> problems, Connection deviceConnection,
        Liveness liveness, Anchoring anchoring) {
}
