package io.wattwitness.simulator.repository;

import io.wattwitness.reading.DeviceSigner;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;

/**
 * One simulated device's persistent state, a folder standing in for the ATECC608A and the ESP32's flash:
 * <ul>
 *   <li>{@code key.pem}: the private key, PKCS#8 PEM ({@link PemKeys}), created on first use;</li>
 *   <li>{@code device.properties}: {@code boot} (the monotonic boot counter), {@code register_mwh} (the meter's
 *       energy register), {@code outbox_dropped} (readings the full outbox dropped), installation fields and
 *       {@code registered};</li>
 *   <li>{@code buffer.jsonl}: the outbox, readings not yet named by an ack ({@link ResendBuffer}).</li>
 * </ul>
 * Properties are rewritten atomically (temporary file + rename). Not thread-safe except the buffer and the dropped
 * counter it updates.
 */
public final class DeviceStore {

    /** Property holding the boot counter. */
    public static final String BOOT = "boot";
    /** Property holding the energy register in mWh. */
    public static final String REGISTER_MWH = "register_mwh";
    /** Property holding the total of readings the full outbox dropped (SPEC.md §6.2), over every start. */
    public static final String OUTBOX_DROPPED = "outbox_dropped";
    /** Property set to {@code true} once the installation is registered with the API. */
    public static final String REGISTERED = "registered";

    private final Path directory;
    private final DeviceSigner signer;
    private final Properties properties = new Properties();
    private final ResendBuffer buffer;

    private DeviceStore(Path directory, DeviceSigner signer, int bufferLimit) throws IOException {
        this.directory = directory;
        this.signer = signer;
        Path file = directory.resolve("device.properties");
        if (Files.exists(file)) {
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                properties.load(reader);
            }
        }
        this.buffer = new ResendBuffer(directory.resolve("buffer.jsonl"), bufferLimit, this::addDropped);
    }

    /**
     * Opens (creating if needed) a device folder.
     *
     * @param directory the folder, e.g. {@code state/device-000}
     * @param newKey makes a key when the folder has none yet
     * @param bufferLimit outbox capacity; the oldest readings are dropped (and counted) beyond it
     * @return the store
     * @throws IOException when the folder cannot be read or written
     * @throws IllegalArgumentException when {@code key.pem} is not a P-256 PKCS#8 key
     */
    public static DeviceStore open(Path directory, Supplier<DeviceSigner> newKey, int bufferLimit) throws IOException {
        Files.createDirectories(directory);
        Path keyFile = directory.resolve("key.pem");
        DeviceSigner signer;
        if (Files.exists(keyFile)) {
            signer = PemKeys.fromPem(Files.readString(keyFile, StandardCharsets.US_ASCII));
        } else {
            signer = newKey.get();
            writeAtomically(keyFile, PemKeys.toPem(signer));
        }
        return new DeviceStore(directory, signer, bufferLimit);
    }

    /** @return the device key */
    public DeviceSigner signer() {
        return signer;
    }

    /** @return the folder */
    public Path directory() {
        return directory;
    }

    /** @return the boot counter as last persisted, 0 for a new device */
    public long boot() {
        return Long.parseLong(properties.getProperty(BOOT, "0"));
    }

    /**
     * Increments the boot counter and persists it before returning, like the secure element's monotonic counter.
     *
     * @return the new boot number (1 on a device's first start)
     * @throws UncheckedIOException when it cannot be persisted
     */
    public long nextBoot() {
        long boot = boot() + 1;
        properties.setProperty(BOOT, Long.toString(boot));
        save();
        return boot;
    }

    /** @return the persisted energy register in mWh, 0 for a new device */
    public long registerMwh() {
        return Long.parseLong(properties.getProperty(REGISTER_MWH, "0"));
    }

    /**
     * @param registerMwh the energy register in mWh, persisted immediately
     * @throws UncheckedIOException when it cannot be persisted
     */
    public void saveRegister(long registerMwh) {
        properties.setProperty(REGISTER_MWH, Long.toString(registerMwh));
        save();
    }

    /**
     * @param key a property name
     * @return its value or null
     */
    public String get(String key) {
        return properties.getProperty(key);
    }

    /**
     * Sets several properties and persists them.
     *
     * @param values names and values
     * @throws UncheckedIOException when they cannot be persisted
     */
    public void putAll(Map<String, String> values) {
        values.forEach(properties::setProperty);
        save();
    }

    /** @return readings the full outbox dropped, over every start of this device (persisted) */
    public long outboxDropped() {
        return Long.parseLong(properties.getProperty(OUTBOX_DROPPED, "0"));
    }

    private synchronized void addDropped(long count) {
        properties.setProperty(OUTBOX_DROPPED, Long.toString(outboxDropped() + count));
        save();
    }

    /** @return whether the installation has been registered with the API */
    public boolean registered() {
        return Boolean.parseBoolean(properties.getProperty(REGISTERED, "false"));
    }

    /** Records that the installation is registered. */
    public void markRegistered() {
        putAll(Map.of(REGISTERED, "true"));
    }

    /** @return the outbox: readings not yet named by an ack */
    public ResendBuffer buffer() {
        return buffer;
    }

    private synchronized void save() {
        try (Writer writer = new StringWriter()) {
            properties.store(writer, "WattWitness simulated device state");
            writeAtomically(directory.resolve("device.properties"), writer.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot persist device state in " + directory, e);
        }
    }

    static void writeAtomically(Path file, String content) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(temporary, content, StandardCharsets.UTF_8);
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
