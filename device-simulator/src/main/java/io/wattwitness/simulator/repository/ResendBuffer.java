package io.wattwitness.simulator.repository;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wattwitness.reading.DeviceAck;
import io.wattwitness.reading.Envelope;
import io.wattwitness.reading.ReadingFormatException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import java.util.function.Predicate;
import java.util.logging.Logger;

/**
 * The device's outbox (SPEC.md §6.2): every signed reading enters it before it is first sent and leaves it only when
 * an ack names it ({@link #acknowledge(DeviceAck)}, stored or refused, whatever its position). Persisted as JSON
 * lines ({@code {"boot":N,"seq":M,"message":hex,"signature":hex}}) so that it survives a restart, oldest first; one
 * entry per (boot, seq) (adding one that is already there changes nothing). Its capacity is fixed: when it is full
 * the oldest entry is dropped, logged and counted ({@link #dropped()}), never silently. Thread-safe (acks arrive on
 * the MQTT client's thread).
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

    private record Key(long boot, long seq) {
    }

    private final Path file;
    private final int limit;
    private final LinkedHashMap<Key, Entry> entries = new LinkedHashMap<>();
    private final LongConsumer onDrop;
    private long dropped;

    /**
     * @param file the JSON-lines file; loaded when it exists (unreadable lines are skipped with a warning)
     * @param limit capacity, ≥ 1; beyond it the oldest are dropped with a warning
     * @throws IOException when the file exists but cannot be read
     */
    public ResendBuffer(Path file, int limit) throws IOException {
        this(file, limit, n -> { });
    }

    /**
     * @param file the JSON-lines file; loaded when it exists (unreadable lines are skipped with a warning)
     * @param limit capacity, ≥ 1; beyond it the oldest are dropped with a warning
     * @param onDrop told the number of entries dropped each time the capacity drops some (e.g. to persist a total)
     * @throws IOException when the file exists but cannot be read
     */
    public ResendBuffer(Path file, int limit, LongConsumer onDrop) throws IOException {
        if (limit < 1) {
            throw new IllegalArgumentException("outbox capacity must be at least 1");
        }
        this.file = file;
        this.limit = limit;
        this.onDrop = onDrop;
        if (Files.exists(file)) {
            int lineNo = 0;
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    JsonNode node = JSON.readTree(line);
                    Entry entry = new Entry(node.path("boot").asLong(), node.path("seq").asLong(),
                            Envelope.ofHex(node.path("message").asText(), node.path("signature").asText()));
                    entries.putIfAbsent(new Key(entry.boot(), entry.seq()), entry);
                } catch (IOException | ReadingFormatException e) {
                    LOG.warning(file + ":" + lineNo + ": unreadable buffered reading skipped: " + e.getMessage());
                }
            }
            trim();
        }
    }

    /**
     * Appends an envelope (persisted before returning) unless the outbox already holds that (boot, seq); drops the
     * oldest entries when it is then over capacity.
     *
     * @param boot the reading's boot
     * @param seq the reading's seq
     * @param envelope the envelope as signed
     * @return the entries dropped to make room, oldest first (usually none)
     */
    public synchronized List<Entry> add(long boot, long seq, Envelope envelope) {
        Key key = new Key(boot, seq);
        if (entries.containsKey(key)) {
            return List.of();
        }
        Entry entry = new Entry(boot, seq, envelope);
        entries.put(key, entry);
        if (entries.size() > limit) {
            List<Entry> out = trim();
            rewrite();
            return out;
        }
        try (BufferedWriter writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND)) {
            writer.write(line(entry));
            writer.newLine();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot persist outbox " + file, e);
        }
        return List.of();
    }

    private List<Entry> trim() {
        List<Entry> out = new ArrayList<>();
        Iterator<Entry> oldest = entries.values().iterator();
        while (entries.size() > limit) {
            Entry gone = oldest.next();
            oldest.remove();
            out.add(gone);
            LOG.warning("outbox " + file + " full (capacity " + limit + "): dropped unacknowledged reading "
                    + gone.boot() + "/" + gone.seq() + " (" + (dropped + out.size()) + " dropped so far)");
        }
        if (!out.isEmpty()) {
            dropped += out.size();
            onDrop.accept(out.size());
        }
        return out;
    }

    /**
     * Deletes exactly the entries the ack names, stored or refused (SPEC.md §6.1), whatever their position.
     *
     * @param ack a valid ack
     * @return the entries deleted, oldest first (empty for an ack that names nothing held: duplicate, stale, forged)
     */
    public synchronized List<Entry> acknowledge(DeviceAck ack) {
        List<Entry> removed = new ArrayList<>();
        Iterator<Entry> it = entries.values().iterator();
        while (it.hasNext()) {
            Entry entry = it.next();
            if (entry.boot() == ack.boot() && ack.names(entry.seq())) {
                it.remove();
                removed.add(entry);
            }
        }
        if (!removed.isEmpty()) {
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
        if (entries.isEmpty()) {
            return false;
        }
        Map.Entry<Key, Entry> head = entries.entrySet().iterator().next();
        if (head.getValue() != entry) {
            return false;
        }
        entries.remove(head.getKey());
        rewrite();
        return true;
    }

    /**
     * @param boot a boot
     * @param seq a seq
     * @return whether the outbox holds that reading
     */
    public synchronized boolean contains(long boot, long seq) {
        return entries.containsKey(new Key(boot, seq));
    }

    /**
     * Visits the entries oldest first without copying them, under the outbox's lock.
     *
     * @param visitor returns false to stop
     */
    public synchronized void forEachOldest(Predicate<Entry> visitor) {
        for (Entry entry : entries.values()) {
            if (!visitor.test(entry)) {
                return;
            }
        }
    }

    /** @return a snapshot of the entries, oldest first */
    public synchronized List<Entry> entries() {
        return new ArrayList<>(entries.values());
    }

    /** @return number of unacknowledged entries */
    public synchronized int size() {
        return entries.size();
    }

    /** @return the capacity */
    public int capacity() {
        return limit;
    }

    /** @return entries dropped by the capacity since this outbox was opened */
    public synchronized long dropped() {
        return dropped;
    }

    private void rewrite() {
        StringBuilder content = new StringBuilder();
        for (Entry entry : entries.values()) {
            content.append(line(entry)).append('\n');
        }
        try {
            DeviceStore.writeAtomically(file, content.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot persist outbox " + file, e);
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
