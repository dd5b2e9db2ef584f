package io.wattwitness.query.repository;

import io.quarkus.hibernate.reactive.panache.PanacheQuery;
import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import io.wattwitness.reading.ReadingStatus;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** Reads of the readings table (Panache); verify-service writes it, query-service only marks batches and chain state. */
@ApplicationScoped
public class ReadingRepository implements PanacheRepository<Reading> {

    /**
     * One page of an installation's readings, newest first by (reading time, id).
     *
     * @param installationId installation
     * @param startMs earliest reading time, inclusive, Unix ms
     * @param endMs latest reading time, inclusive, Unix ms
     * @param verifiedOnly only readings whose signature verified and that are not disputed
     * @param cursorMs reading time of the last reading of the previous page, or null
     * @param cursorId id of that reading
     * @param limit page size
     * @return up to {@code limit} readings
     */
    public Uni<List<Reading>> page(long installationId, long startMs, long endMs, boolean verifiedOnly, Long cursorMs,
            long cursorId, int limit) {
        StringBuilder query = new StringBuilder(
                "installationId = :installation and timestampMs >= :start and timestampMs <= :end");
        Parameters parameters = Parameters.with("installation", installationId).and("start", startMs).and("end", endMs);
        if (verifiedOnly) {
            query.append(" and verified = true and status <> '" + ReadingStatus.DISPUTED.word() + "'");
        }
        if (cursorMs != null) {
            query.append(" and (timestampMs < :cursorMs or (timestampMs = :cursorMs and id < :cursorId))");
            parameters.and("cursorMs", cursorMs).and("cursorId", cursorId);
        }
        query.append(" order by timestampMs desc, id desc");
        PanacheQuery<Reading> found = find(query.toString(), parameters);
        return found.range(0, limit - 1).list();
    }

    /**
     * @param installationId installation
     * @return the reading with the latest reading time (not insert time), or null
     */
    public Uni<Reading> latestByTime(long installationId) {
        return find("installationId = ?1 order by timestampMs desc, id desc", installationId).firstResult();
    }

    /**
     * The newest reading in the signed sequence of a device: highest (boot, seq). A re-sent old reading never
     * comes first here, whatever its arrival time.
     *
     * @param deviceId 16 hex
     * @return the reading, or null
     */
    public Uni<Reading> latestInSequence(String deviceId) {
        return find("deviceId = ?1 and status <> '" + ReadingStatus.DISPUTED.word() + "' order by boot desc, seq desc", deviceId).firstResult();
    }

    /**
     * @param installationId installation
     * @return the earliest reading time, Unix ms, or null
     */
    public Uni<Long> firstReadingMs(long installationId) {
        return find("select min(timestampMs) from Reading where installationId = ?1", installationId)
                .project(Long.class).firstResult();
    }

    /**
     * @param deviceId device
     * @param boot boot counter
     * @return the reading time of the first reading of that boot, Unix ms, or null
     */
    public Uni<Long> bootStartMs(String deviceId, long boot) {
        return find("select min(timestampMs) from Reading where deviceId = ?1 and boot = ?2", deviceId, boot)
                .project(Long.class).firstResult();
    }
}
