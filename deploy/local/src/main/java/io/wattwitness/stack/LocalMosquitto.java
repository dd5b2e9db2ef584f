package io.wattwitness.stack;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.logging.Logger;

/**
 * The local stack's MQTT broker when Mosquitto is installed: the shipped configuration ({@code deploy/mosquitto}) in
 * its own process ({@link MosquittoProcess}, folder {@code state/mosquitto}, output {@code logs/mosquitto.log}), with
 * ingest-service's account and one account per active device of the installation registry, reconciled through the
 * dynamic-security plugin ({@link MqttProvisioning#reconcile}) whenever the registry's set of active devices changes.
 */
public final class LocalMosquitto implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LocalMosquitto.class.getName());

    private final StackLayout layout;
    private final MosquittoProcess broker;
    private Set<String> provisioned = Set.of();

    private LocalMosquitto(StackLayout layout, MosquittoProcess broker) {
        this.layout = layout;
        this.broker = broker;
    }

    /**
     * Starts the broker with the ingest account only (devices are added by {@link #provisionIfChanged()} once the
     * registry answers).
     *
     * @param layout the stack's layout (state and logs folders, local secrets)
     * @param executable the mosquitto binary
     * @param port the port on 127.0.0.1
     * @return the running broker
     * @throws IOException if it does not start
     */
    public static LocalMosquitto start(StackLayout layout, Path executable, int port) throws IOException {
        MosquittoProcess broker = MosquittoProcess.start(executable, layout.root().resolve("deploy/mosquitto"),
                layout.state().resolve("mosquitto"), port, MosquittoAcl.DEFAULT_TOPIC_ROOT,
                MosquittoAcl.DEFAULT_INGEST_USERNAME, accounts(layout, Set.of()), layout.logs().resolve("mosquitto.log"));
        LocalMosquitto local = new LocalMosquitto(layout, broker);
        local.writePid();
        return local;
    }

    private static Map<String, String> accounts(StackLayout layout, Set<String> devices) {
        return MqttProvisioning.accounts(layout.mqttCredentialsSecret(), devices, MosquittoAcl.DEFAULT_INGEST_USERNAME,
                layout.mqttIngestPassword());
    }

    /**
     * Reads the registry's active device ids and, when they differ from the provisioned ones, reconciles the broker's
     * accounts with them (new devices get an account, retired ones lose theirs, the others are left untouched). A
     * registry or broker that does not answer leaves the accounts as they are.
     *
     * @return the number of provisioned device accounts
     */
    public synchronized int provisionIfChanged() {
        Set<String> devices;
        try {
            devices = MqttProvisioning.activeDeviceIds(URI.create(layout.apiUrl()),
                    layout.tokens().get("OPERATOR_TOKEN"));
        } catch (IOException | IllegalArgumentException e) {
            LOG.warning("broker accounts not updated: " + e.getMessage());
            return provisioned.size();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return provisioned.size();
        }
        if (!devices.equals(provisioned)) {
            try {
                broker.reload(accounts(layout, devices));
                provisioned = Set.copyOf(new TreeSet<>(devices));
                LOG.info(() -> "broker accounts: " + devices.size() + " devices and "
                        + MosquittoAcl.DEFAULT_INGEST_USERNAME);
            } catch (IOException | IllegalStateException e) {
                LOG.warning("broker accounts not updated: " + e.getMessage());
            }
        }
        return provisioned.size();
    }

    /**
     * Provisions until the registry holds at least this many active devices.
     *
     * @param expected device count
     * @param timeout how long to wait
     * @throws IllegalStateException when they are not there in time
     */
    public void awaitDevices(int expected, Duration timeout) {
        Probes.await(expected + " device accounts on the broker", timeout, () -> provisionIfChanged() >= expected);
    }

    /**
     * Starts the broker again, on its port and with its persistence, after it stopped.
     *
     * @throws IOException if it does not start
     */
    public synchronized void restart() throws IOException {
        broker.restart();
        writePid();
    }

    private void writePid() throws IOException {
        Path pids = layout.logs().resolve("pids");
        Files.createDirectories(pids);
        Files.writeString(pids.resolve("mosquitto.pid"), Long.toString(broker.pid()));
    }

    /** @return whether the broker runs */
    public boolean isAlive() {
        return broker.isAlive();
    }

    /** @return the broker's port on 127.0.0.1 */
    public int port() {
        return broker.port();
    }

    /** @return the broker's output */
    public Path logFile() {
        return broker.logFile();
    }

    /** @return ingest-service's account */
    public String ingestUsername() {
        return broker.ingestUsername();
    }

    @Override
    public void close() {
        broker.close();
    }
}
