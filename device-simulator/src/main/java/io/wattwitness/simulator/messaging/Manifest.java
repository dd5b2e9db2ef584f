package io.wattwitness.simulator.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wattwitness.simulator.service.Emission;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Writes every emission as one JSON line so that end-to-end tests know exactly what was sent and what should be
 * accepted, quarantined or missing:
 * <pre>
 * {"device_index":0,"device_id":"…16 hex…","boot":1,"seq":0,"timestamp_ms":…,"power_mw":…,"energy_mwh":…,
 *  "flags":5,"fault":"none|tampered|duplicate|conflict|dropped|resend","sent":true,"clock_skew_ms":0,
 *  "message":"…104 hex…","signature":"…128 hex…"}
 * </pre>
 * Reading fields are those the device signed (for {@code tampered}, before the flip); {@code message} is what went
 * on the wire. Thread-safe.
 */
public final class Manifest implements Consumer<Emission>, Closeable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final BufferedWriter writer;

    /**
     * @param file the JSON-lines file, created or truncated
     * @throws IOException when it cannot be opened
     */
    public Manifest(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        this.writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
    }

    /**
     * @param emission an emission
     * @return its manifest line (without newline)
     */
    public static String line(Emission emission) {
        ObjectNode node = JSON.createObjectNode();
        node.put("device_index", emission.deviceIndex());
        node.put("device_id", emission.deviceIdHex());
        node.put("boot", emission.boot());
        node.put("seq", emission.seq());
        if (emission.reading() != null) {
            node.put("timestamp_ms", emission.reading().timestampMs());
            node.put("power_mw", emission.reading().powerMw());
            node.put("energy_mwh", emission.reading().energyMwh());
            node.put("flags", emission.reading().flags());
        }
        node.put("fault", emission.fault().wire());
        node.put("sent", emission.sent());
        node.put("clock_skew_ms", emission.clockSkewMs());
        node.put("message", emission.envelope().messageHex());
        node.put("signature", emission.envelope().signatureHex());
        return node.toString();
    }

    @Override
    public synchronized void accept(Emission emission) {
        try {
            writer.write(line(emission));
            writer.newLine();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write manifest", e);
        }
    }

    /** Flushes buffered lines to disk. */
    public synchronized void flush() {
        try {
            writer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write manifest", e);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        writer.close();
    }
}
