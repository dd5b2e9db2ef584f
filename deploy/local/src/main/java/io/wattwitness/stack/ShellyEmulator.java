package io.wattwitness.stack;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A Shelly EM Gen2 for the local stack's firmware meter: {@code GET /rpc/Shelly.GetStatus} answers
 * {@code {"sys":{"mac":…},"em1:0":{"act_power":W},"em1data:0":{"total_act_energy":Wh}}} with W and Wh as decimal text
 * to three places (what the firmware parses straight to mW and mWh). The active power follows a clear-sky day at the
 * stack machine's local time (a half sine from 06:00 to 18:00, peak {@code peakMw}); the energy register integrates it
 * between requests and is kept in a file, so it keeps counting up across stack restarts. Every other request gets 404.
 */
public final class ShellyEmulator implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ShellyEmulator.class.getName());

    private final HttpServer server;
    private final String mac;
    private final long peakMw;
    private final Path registerFile;
    private final Clock clock;
    private long energyMwh;
    private long lastMs;
    private double pendingMwh;

    private ShellyEmulator(HttpServer server, String mac, long peakMw, Path registerFile, Clock clock, long energyMwh) {
        this.server = server;
        this.mac = mac;
        this.peakMw = peakMw;
        this.registerFile = registerFile;
        this.clock = clock;
        this.energyMwh = energyMwh;
        this.lastMs = clock.millis();
    }

    /**
     * Starts the emulator on a free port of 127.0.0.1.
     *
     * @param mac the meter's MAC, 12 hex digits
     * @param peakMw active power at solar noon, mW
     * @param registerFile where the energy register (mWh, decimal text) is kept; read when present
     * @param clock wall clock (local time of day drives the power)
     * @return the running emulator
     * @throws IOException if the port cannot be bound or the register file cannot be read
     */
    public static ShellyEmulator start(String mac, long peakMw, Path registerFile, Clock clock) throws IOException {
        long energy = Files.exists(registerFile) ? Long.parseLong(Files.readString(registerFile).trim()) : 0;
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        ShellyEmulator shelly = new ShellyEmulator(server, mac, peakMw, registerFile, clock, energy);
        server.createContext("/", shelly::handle);
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "shelly-emulator");
            thread.setDaemon(true);
            return thread;
        }));
        server.start();
        return shelly;
    }

    /** @return {@code http://127.0.0.1:<port>} */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /**
     * @param at a wall-clock instant
     * @return the active power at that local time of day, mW (0 at night)
     */
    long powerMw(ZonedDateTime at) {
        double hour = at.getHour() + at.getMinute() / 60.0 + at.getSecond() / 3600.0;
        if (hour <= 6 || hour >= 18) {
            return 0;
        }
        return Math.round(peakMw * Math.sin(Math.PI * (hour - 6) / 12));
    }

    /** @return the status body for now, advancing the energy register */
    synchronized String status() {
        long now = clock.millis();
        long power = powerMw(ZonedDateTime.ofInstant(clock.instant(), ZoneId.systemDefault()));
        pendingMwh += power * Math.max(0, now - lastMs) / 3_600_000.0;
        long whole = (long) Math.floor(pendingMwh);
        energyMwh += whole;
        pendingMwh -= whole;
        lastMs = now;
        try {
            Files.writeString(registerFile, Long.toString(energyMwh));
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot keep the emulated energy register in " + registerFile, e);
        }
        return "{\"sys\":{\"mac\":\"" + mac.toUpperCase(Locale.ROOT) + "\"},\"em1:0\":{\"id\":0,\"act_power\":"
                + thousandths(power) + "},\"em1data:0\":{\"id\":0,\"total_act_energy\":" + thousandths(energyMwh)
                + "}}";
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            boolean known = "GET".equals(exchange.getRequestMethod())
                    && "/rpc/Shelly.GetStatus".equals(exchange.getRequestURI().getPath());
            byte[] body = (known ? status() : "{\"error\":\"not found\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(known ? 200 : 404, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** @return thousandths as exact decimal text, e.g. 1234567 → {@code 1234.567} */
    static String thousandths(long value) {
        return value / 1000 + "." + String.format(Locale.ROOT, "%03d", value % 1000);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
