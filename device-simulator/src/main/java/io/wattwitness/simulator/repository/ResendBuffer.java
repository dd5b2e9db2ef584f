package io.wattwitness.simulator.repository;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wattwitness.reading.Envelope;
import io.wattwitness.reading.ReadingFormatException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.logging.Logger;

/**
 * Readings sent but not yet acknowledged, persisted as JSON lines ({@code {"boot":N,"seq":M,"message":hex,
 * "signature":hex}}) so that they survive a restart, in sending order. The backend acknowledges with the highest
 * contiguous (boot, seq) it stored durably; everything up to it is then deleted. Thread-safe (acks arrive on the
 * MQTT client's thread).
 */
public final class ResendBuffer {

    private static final Logger LOG = Logger.getLogger(ResendBuffer.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One buffered envelope.
     *
     * @param boot boot number of the reading
     * @param seq sequence number of the reading
     * @param envelope what was sent
     */
    public record Entry(long boot, long seq, Envelope envelope) {
    }

    private final Path file;
    private final int limit;
    private final Deque<Entry> entries = new ArrayDeque<>();

    /**
     * @param file the JSON-lines file; loaded when it exists (unreadable lines are skipped with a warning)
     * @param limit most entries kept; beyond it the oldest are dropped with a warning
     * @throws IOException when the file exists but cannot be read
     */
    public ResendBuffer(Path file, int limit) throws IOException {
        if (limit < 1) {
            throw new IllegalArgumentException("buffer limit must be at least 1");
        }
        this.file = file;
        this.limit = limit;
        if (Files.exists(file)) {
            int lineNo = 0;
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    JsonNode node = JSON.readTree(line);
                    entries.add(new Entry(node.path("boot").asLong(), node.path("seq").asLong(),
                            Envelope.ofHex(node.path("message").asText(), node.path("signature").asText())));
                } catch (IOException | ReadingFormatException e) {
                    LOG.warning(file + ":" + lineNo + ": unreadable buffered reading skipped: " + e.getMessage());
                }
            }
        }
    }

    /**
     * Appends an envelope (persisted before returning).
     *
     * @param boot the reading's boot
     * @param seq the reading's seq
     * @param envelope the envelope as sent
     */
    public synchronized void add(long boot, long seq, Envelope envelope) {
        Entry entry = new Entry(boot, seq, envelope);
        entries.addLast(entry);
        if (entries.size() > limit) {
            Entry dropped = entries.removeFirst();
            LOG.warning("resend buffer full (" + limit + "): dropped unacknowledged reading " + dropped.boot() + "/"
                    + dropped.seq());
            rewrite();
            return;
        }
        try (BufferedWriter writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND)) {
            writer.write(line(entry));
            writer.newLine();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot persist resend buffer " + file, e);
        }
    }

    /**
     * Deletes every entry at or before (boot, seq), ordered by boot then seq.
     *
     * @param boot acknowledged boot
     * @param seq acknowledged seq
     * @return number of entries deleted
     */
    public synchronized int acknowledge(long boot, long seq) {
        int before = entries.size();
        entries.removeIf(e -> e.boot() < boot || (e.boot() == boot && e.seq() <= seq));
        int removed = before - entries.size();
        if (removed > 0) {
            rewrite();
        }
        return removed;
    }

    /**
     * Deletes the oldest entry if it is {@code entry} (HTTP transport: answered for good).
     *
     * @param entry the entry expected at the head
     * @return whether it was deleted
     */
    public synchronized boolean removeFirst(Entry entry) {
        if (entries.isEmpty() || entries.peekFirst() != entry) {
            return false;
        }
        entries.removeFirst();
        rewrite();
        return true;
    }

    /** @return a snapshot of the entries in sending order */
    public synchronized List<Entry> entries() {
        return new ArrayList<>(entries);
    }

    /** @return number of unacknowledged entries */
    public synchronized int size() {
        return entries.size();
    }

    private void rewrite() {
        StringBuilder content = new StringBuilder();
        for (Entry entry : entries) {
            content.append(line(entry)).append('\n');
        }
        try {
            DeviceStore.writeAtomically(file, content.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot persist resend buffer " + file, e);
        }
    }

    private static String line(Entry entry) {
        ObjectNode node = JSON.createObjectNode();
        node.put("boot", entry.boot());
        node.put("seq", entry.seq());
        node.put("message", entry.envelope().messageHex());
        node.put("signature", entry.envelope().signatureHex());
        return node.toString();
    }
}
