package io.wattwitness.query.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import io.wattwitness.query.messaging.RawReadingsProducer;
import io.wattwitness.query.repository.InstallationKeyRepository;
import io.wattwitness.query.repository.QuarantineEntry;
import io.wattwitness.query.repository.QuarantineRepository;
import io.wattwitness.query.repository.Reading;
import io.wattwitness.query.repository.ReadingRepository;
import io.wattwitness.query.rest.model.QuarantineItem;
import io.wattwitness.query.rest.model.QuarantinePage;
import io.wattwitness.query.rest.model.ReadingPage;
import io.wattwitness.query.rest.model.ReadingView;
import io.wattwitness.query.rest.model.SubmitResult;
import io.wattwitness.reading.Envelope;
import io.wattwitness.reading.Hex;
import io.wattwitness.reading.ReadingFormatException;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Readings: listing, latest, quarantine and the HTTP transport.
 */
@ApplicationScoped
public class ReadingService {

    private static final int MAX_BODY = 4096;

    private final InstallationService installations;
    private final ReadingRepository readings;
    private final InstallationKeyRepository keys;
    private final QuarantineRepository quarantine;
    private final RawReadingsProducer producer;
    private final ObjectMapper mapper;

    /**
     * @param installations installation lookup
     * @param readings reading rows
     * @param keys key history
     * @param quarantine quarantine rows
     * @param producer readings.raw producer
     * @param mapper JSON
     */
    public ReadingService(InstallationService installations, ReadingRepository readings, InstallationKeyRepository keys,
            QuarantineRepository quarantine, RawReadingsProducer producer, ObjectMapper mapper) {
        this.installations = installations;
        this.readings = readings;
        this.keys = keys;
        this.quarantine = quarantine;
        this.producer = producer;
        this.mapper = mapper;
    }

    /**
     * A page of readings, newest first.
     *
     * @param installationId installation id
     * @param from earliest reading time, or null
     * @param to latest reading time, or null; not before {@code from} ({@link InvalidArgumentException} {@code end})
     * @param onlyVerified only readings whose signature verified and that are not disputed
     * @param size page size, ≥ 1
     * @param after position after the previous page, or null for the first page
     * @return the page; {@code next_cursor} set when the page is full
     */
    @WithSession
    public Uni<ReadingPage> list(long installationId, Instant from, Instant to, boolean onlyVerified, int size,
            ReadingCursor after) {
        if (from != null && to != null && to.isBefore(from)) {
            throw new InvalidArgumentException("end", "must not be before start");
        }
        return installations.require(installationId)
                .chain(installation -> readings.page(installation.id, from == null ? Long.MIN_VALUE : from.toEpochMilli(),
                        to == null ? Long.MAX_VALUE : to.toEpochMilli(), onlyVerified,
                        after == null ? null : after.timestampMs(), after == null ? 0 : after.id(), size))
                .map(found -> {
                    List<ReadingView> views = found.stream().map(ReadingService::view).toList();
                    String next = null;
                    if (found.size() == size) {
                        Reading last = found.get(found.size() - 1);
                        next = new ReadingCursor(last.timestampMs, last.id).encode();
                    }
                    return new ReadingPage(views, next);
                });
    }

    /**
     * @param installationId installation id
     * @return the reading with the latest reading time; {@link NotFoundException} when there is none
     */
    @WithSession
    public Uni<ReadingView> latest(long installationId) {
        return installations.require(installationId)
                .chain(installation -> readings.latestByTime(installation.id))
                .onItem().ifNull().failWith(() -> new NotFoundException("installation has no readings yet"))
                .map(ReadingService::view);
    }

    /**
     * @param readingId a reading id
     * @return the reading, or null
     */
    @WithSession
    public Uni<ReadingView> byId(long readingId) {
        return readings.findById(readingId).map(found -> found == null ? null : view(found));
    }

    /**
     * Quarantined inputs of an installation's devices, newest first.
     *
     * @param installationId installation id
     * @param size at most this many entries, ≥ 1
     * @return the entries
     */
    @WithSession
    public Uni<QuarantinePage> quarantine(long installationId, int size) {
        return installations.require(installationId)
                .chain(installation -> keys.forInstallation(installation.id).chain(history -> {
                    List<String> deviceIds = new ArrayList<>();
                    deviceIds.add(installation.deviceId.trim());
                    history.forEach(key -> deviceIds.add(key.deviceId.trim()));
                    return quarantine.forInstallation(installation.id, deviceIds, size);
                }))
                .map(found -> new QuarantinePage(found.stream().map(ReadingService::quarantineItem).toList()));
    }

    /**
     * The HTTP transport: checks the envelope the way ingest does (SPEC.md section 4, lengths and hex only; the
     * signature is verified by verify-service) and forwards the body to {@code readings.raw}.
     *
     * @param body the request body
     * @return the reading identity, once Kafka acknowledged
     */
    public Uni<SubmitResult> submit(byte[] body) {
        if (body == null || body.length == 0) {
            throw new InvalidArgumentException("body", "a JSON envelope {message, signature} is required");
        }
        if (body.length > MAX_BODY) {
            throw new TooLargeException("body", "the envelope is larger than " + MAX_BODY + " bytes");
        }
        JsonNode json;
        try {
            json = mapper.readTree(body);
        } catch (IOException e) {
            throw new InvalidArgumentException("body", "is not valid JSON");
        }
        if (json == null || !json.isObject()) {
            throw new InvalidArgumentException("body", "must be a JSON object {message, signature}");
        }
        Envelope envelope;
        try {
            envelope = Envelope.ofHex(text(json, "message"), text(json, "signature"));
        } catch (ReadingFormatException e) {
            throw new InvalidArgumentException(e.field(), e.detail());
        }
        ByteBuffer message = ByteBuffer.wrap(envelope.message());
        long boot = message.getInt(18) & 0xFFFF_FFFFL;
        long seq = message.getInt(22) & 0xFFFF_FFFFL;
        String deviceId = envelope.deviceIdHex();
        return producer.send(deviceId, body, System.currentTimeMillis())
                .replaceWith(new SubmitResult(deviceId, boot, seq, "accepted"));
    }

    private static String text(JsonNode json, String member) {
        JsonNode node = json.get(member);
        return node != null && node.isTextual() ? node.asText() : null;
    }

    /**
     * @param reading row
     * @return the API view
     */
    static ReadingView view(Reading reading) {
        return new ReadingView(reading.id, reading.installationId, reading.powerW, reading.totalWh,
                Math.floorDiv(reading.timestampMs, 1000L), reading.timestampMs, Hex.encode(reading.signature),
                reading.verified, reading.createdAt, reading.deviceId.trim(), reading.boot, reading.seq,
                Hex.encode(reading.message), reading.verificationError, reading.status, reading.batchId, reading.onChain,
                reading.blockchainTxHash, reading.blockchainBlockNumber, reading.late, reading.registerState);
    }

    private static QuarantineItem quarantineItem(QuarantineEntry entry) {
        return new QuarantineItem(entry.id, entry.receivedAt, entry.reason, entry.detail,
                entry.deviceId == null ? null : entry.deviceId.trim(), entry.boot, entry.seq,
                new String(entry.raw, StandardCharsets.UTF_8));
    }
}
