package io.wattwitness.simulator.service;

import io.wattwitness.reading.DeviceAck;
import io.wattwitness.reading.Envelope;
import io.wattwitness.reading.ReadingFormatException;
import io.wattwitness.reading.ReadingMessage;
import io.wattwitness.simulator.repository.ResendBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * The device rules of SPEC.md §6.2 for one device, independent of the transport: outbox ({@link ResendBuffer}),
 * window, order, ack timeout with back-off. The transport hands it emissions ({@link #offer}), acks
 * ({@link #acknowledge}) and connection changes, and publishes, in order, what {@link #due} returns.
 * <ul>
 *   <li>At most {@link Settings#window()} readings are in flight (sent, not yet named by an ack); the outbox is sent
 *       oldest first.</li>
 *   <li>After every (re)connection everything unacknowledged is sent again, oldest first, before any newer
 *       reading.</li>
 *   <li>A reading in flight that no ack named within its timeout is sent again, oldest first. Each reading starts
 *       with {@link Settings#ackTimeout() T}; every expiry without an ack in between doubles it, up to
 *       {@link Settings#ackTimeoutMax() T_max}; an ack that names at least one reading in flight resets every
 *       reading's timeout to T. (Kept per reading so that readings sent together back off together, however the
 *       checks fall between them.)</li>
 *   <li>An ack removes exactly the outbox readings it names, stored or refused, whatever their position.</li>
 * </ul>
 * Fault injection: a {@link Fault#TAMPERED} emission puts the genuine envelope in the outbox and uses the tampered
 * bytes for its first transmission (corruption on the way, repaired by the timeout resend);
 * {@link Fault#DUPLICATE} and {@link Fault#CONFLICT} emissions are extra publications right after their reading's
 * first transmission, never outbox entries. Thread-safe (every method synchronizes on this object).
 */
public final class DeliveryProtocol {

    private static final Logger LOG = Logger.getLogger(DeliveryProtocol.class.getName());

    /**
     * Protocol parameters (SPEC.md §6.2).
     *
     * @param window W, most readings in flight, ≥ 1 (default 100)
     * @param ackTimeout T, the ack timeout after which a reading in flight is sent again, &gt; 0 (default 30 s)
     * @param ackTimeoutMax T_max, the bound of the doubling back-off, ≥ T (default 600 s)
     */
    public record Settings(int window, Duration ackTimeout, Duration ackTimeoutMax) {

        /** W = 100, T = 30 s, T_max = 600 s. */
        public static final Settings DEFAULT = new Settings(100, Duration.ofSeconds(30), Duration.ofSeconds(600));

        /** @throws IllegalArgumentException when a value is out of range */
        public Settings {
            if (window < 1) {
                throw new IllegalArgumentException("window must be >= 1, was " + window);
            }
            if (ackTimeout.isNegative() || ackTimeout.isZero()) {
                throw new IllegalArgumentException("ack timeout must be positive, was " + ackTimeout);
            }
            if (ackTimeoutMax.compareTo(ackTimeout) < 0) {
                throw new IllegalArgumentException("ack timeout maximum " + ackTimeoutMax
                        + " must not be below the ack timeout " + ackTimeout);
            }
        }

        /**
         * @param window W
         * @return a copy with that window
         */
        public Settings withWindow(int window) {
            return new Settings(window, ackTimeout, ackTimeoutMax);
        }

        /**
         * @param ackTimeout T
         * @param ackTimeoutMax T_max
         * @return a copy with those timeouts
         */
        public Settings withAckTimeout(Duration ackTimeout, Duration ackTimeoutMax) {
            return new Settings(window, ackTimeout, ackTimeoutMax);
        }
    }

    /**
     * One publication to make.
     *
     * @param emission what to publish: its envelope, with fault {@link Fault#RESEND} for a reading sent again
     * @param resend whether it is a reading sent again
     * @param injected whether it is an extra copy made by fault injection (not an outbox reading)
     */
    public record Publication(Emission emission, boolean resend, boolean injected) {
    }

    private record Key(long boot, long seq) {
    }

    /** Transient state of an outbox reading. */
    private static final class Flight {
        private int transmissions;
        private int level;
        private boolean inFlight;
        private long sentAtNanos;
        private Emission first;
        private final List<Emission> extras = new ArrayList<>(1);
    }

    private final SimulatedDevice device;
    private final ResendBuffer outbox;
    private final Settings settings;
    private final LongSupplier nanoClock;
    private final Map<Key, Flight> flights = new HashMap<>();
    private final Deque<Emission> pendingExtras = new ArrayDeque<>();
    private boolean connected;
    private int inFlight;
    private long sent;
    private long resent;
    private long injected;
    private long acks;
    private long storedNamed;
    private long refusedNamed;
    private long unmatchedAcks;
    private long invalidAcks;
    private long dropped;
    private long timeouts;

    /**
     * @param device the device, whose {@code store().buffer()} is the outbox; readings already in it (an earlier
     *        start) count as sent before: sending them again is a resend
     * @param settings window and timeouts
     * @param nanoClock monotonic time in ns ({@code System::nanoTime})
     */
    public DeliveryProtocol(SimulatedDevice device, Settings settings, LongSupplier nanoClock) {
        this.device = device;
        this.outbox = device.store().buffer();
        this.settings = settings;
        this.nanoClock = nanoClock;
        for (ResendBuffer.Entry entry : outbox.entries()) {
            Flight flight = new Flight();
            flight.transmissions = 1;
            flights.put(new Key(entry.boot(), entry.seq()), flight);
        }
    }

    /** @return the device */
    public SimulatedDevice device() {
        return device;
    }

    /**
     * Takes an emission of the device. Readings enter the outbox (the full outbox drops its oldest, counted);
     * injected copies wait for their reading's first transmission. Nothing is published here: call {@link #due}.
     *
     * @param emission an emission with {@code sent == true}
     */
    public synchronized void offer(Emission emission) {
        Key key = new Key(emission.boot(), emission.seq());
        switch (emission.fault()) {
            case NONE, TAMPERED -> {
                Envelope genuine = emission.fault() == Fault.TAMPERED && emission.reading() != null
                        ? new Envelope(emission.reading().encode(), emission.envelope().signature())
                        : emission.envelope();
                if (outbox.contains(key.boot, key.seq)) {
                    addExtra(key, emission);
                    return;
                }
                List<ResendBuffer.Entry> gone = outbox.add(key.boot, key.seq, genuine);
                for (ResendBuffer.Entry entry : gone) {
                    Flight flight = flights.remove(new Key(entry.boot(), entry.seq()));
                    if (flight != null && flight.inFlight) {
                        inFlight--;
                    }
                }
                dropped += gone.size();
                if (outbox.contains(key.boot, key.seq)) {
                    Flight flight = new Flight();
                    flight.first = emission;
                    flights.put(key, flight);
                }
            }
            case DUPLICATE, CONFLICT, RESEND -> addExtra(key, emission);
            case DROPPED -> {
                // consumed a seq without sending it: nothing to do
            }
            default -> throw new IllegalArgumentException("unknown fault " + emission.fault());
        }
    }

    private void addExtra(Key key, Emission emission) {
        Flight flight = flights.get(key);
        if (flight != null && flight.transmissions == 0) {
            flight.extras.add(emission);
        } else {
            pendingExtras.add(emission);
        }
    }

    /**
     * Everything to publish now, in order: pending injected copies, readings in flight whose timeout expired
     * (oldest first), then readings not in flight while the window has room (oldest first). Marks them sent at the
     * current time. Nothing while disconnected.
     *
     * @return the publications, in publishing order
     */
    public synchronized List<Publication> due() {
        if (!connected) {
            return List.of();
        }
        long now = nanoClock.getAsLong();
        List<Publication> out = new ArrayList<>();
        while (!pendingExtras.isEmpty()) {
            out.add(new Publication(pendingExtras.poll(), false, true));
            injected++;
        }
        int[] inFlightSeen = {0};
        outbox.forEachOldest(entry -> {
            Flight flight = flights.computeIfAbsent(new Key(entry.boot(), entry.seq()), k -> new Flight());
            if (flight.inFlight) {
                inFlightSeen[0]++;
                if (now - flight.sentAtNanos >= timeoutNanos(flight.level)) {
                    out.add(new Publication(resendOf(entry), true, false));
                    flight.transmissions++;
                    flight.sentAtNanos = now;
                    if (timeoutNanos(flight.level) < settings.ackTimeoutMax().toNanos()) {
                        flight.level++;
                    }
                    resent++;
                    timeouts++;
                }
            } else if (inFlight < settings.window()) {
                if (flight.transmissions == 0) {
                    out.add(new Publication(flight.first != null ? flight.first : firstOf(entry), false, false));
                    sent++;
                    for (Emission extra : flight.extras) {
                        out.add(new Publication(extra, false, true));
                        injected++;
                    }
                    flight.extras.clear();
                    flight.first = null;
                } else {
                    out.add(new Publication(resendOf(entry), true, false));
                    resent++;
                }
                flight.transmissions++;
                flight.inFlight = true;
                flight.sentAtNanos = now;
                inFlight++;
                inFlightSeen[0]++;
            } else if (inFlightSeen[0] >= inFlight) {
                return false;
            }
            return true;
        });
        return out;
    }

    /**
     * Gives back publications that {@link #due} returned but the transport could not hand to its client (a publish
     * that failed while the connection stayed up, e.g. the client's own in-flight limit): they are due again at the
     * next {@link #due}, in the same order, as if never returned. Readings leave the window; a first transmission
     * stays a first transmission (followed by its injected copies); other injected copies go back to the front of
     * their queue. Publications of readings no longer in the outbox (acknowledged meanwhile) are ignored.
     *
     * @param unsent the publications not made, in the order {@code due} returned them
     */
    public synchronized void notSent(List<Publication> unsent) {
        for (Publication publication : unsent) {
            Emission emission = publication.emission();
            if (publication.injected()) {
                continue;
            }
            Flight flight = flights.get(new Key(emission.boot(), emission.seq()));
            if (flight == null) {
                continue;
            }
            if (flight.inFlight) {
                flight.inFlight = false;
                inFlight--;
            }
            flight.transmissions--;
            if (publication.resend()) {
                resent--;
            } else {
                sent--;
                flight.first = emission;
            }
        }
        // Injected copies follow their reading's first transmission again, or go back to the front of the queue.
        List<Emission> queued = new ArrayList<>();
        for (Publication publication : unsent) {
            if (!publication.injected()) {
                continue;
            }
            Emission emission = publication.emission();
            injected--;
            Flight flight = flights.get(new Key(emission.boot(), emission.seq()));
            if (flight != null && flight.transmissions == 0) {
                flight.extras.add(emission);
            } else {
                queued.add(emission);
            }
        }
        for (int i = queued.size() - 1; i >= 0; i--) {
            pendingExtras.addFirst(queued.get(i));
        }
    }

    private long timeoutNanos(int level) {
        long t = settings.ackTimeout().toNanos();
        long max = settings.ackTimeoutMax().toNanos();
        for (int i = 0; i < level && t < max; i++) {
            t = t > max / 2 ? max : t * 2;
        }
        return Math.min(t, max);
    }

    private Emission resendOf(ResendBuffer.Entry entry) {
        return new Emission(device.index(), device.deviceIdHex(), entry.boot(), entry.seq(),
                decodeOrNull(entry.envelope().message()), entry.envelope(), Fault.RESEND, true, 0);
    }

    private Emission firstOf(ResendBuffer.Entry entry) {
        return new Emission(device.index(), device.deviceIdHex(), entry.boot(), entry.seq(),
                decodeOrNull(entry.envelope().message()), entry.envelope(), Fault.NONE, true, 0);
    }

    /**
     * Applies a valid ack: removes exactly the outbox readings it names; resets the timeout when one of them was in
     * flight.
     *
     * @param ack the ack
     * @return the number of outbox readings removed (0 for a duplicate, stale or forged ack)
     */
    public synchronized int acknowledge(DeviceAck ack) {
        acks++;
        List<ResendBuffer.Entry> removed = outbox.acknowledge(ack);
        boolean namedInFlight = false;
        for (ResendBuffer.Entry entry : removed) {
            Flight flight = flights.remove(new Key(entry.boot(), entry.seq()));
            if (flight != null && flight.inFlight) {
                namedInFlight = true;
                inFlight--;
            }
            if (ack.isStored(entry.seq())) {
                storedNamed++;
            } else {
                refusedNamed++;
            }
        }
        if (removed.isEmpty()) {
            unmatchedAcks++;
        }
        if (namedInFlight) {
            for (Flight flight : flights.values()) {
                flight.level = 0;
            }
        }
        notifyAll();
        return removed.size();
    }

    /** Counts a payload on the ack topic that was not a valid ack. */
    public synchronized void invalidAck() {
        invalidAcks++;
    }

    /** Counts an extra publication made outside the outbox (a raw payload, or a publish-once envelope). */
    public synchronized void countInjected() {
        injected++;
    }

    /** Counts an envelope published once, outside the outbox (publish-once mode). */
    public synchronized void countSentOnce() {
        sent++;
    }

    /** The connection is up: everything unacknowledged is to be sent again, oldest first. */
    public synchronized void connected() {
        connected = true;
        clearInFlight();
    }

    /** The connection is down: nothing is in flight any more, nothing is published until {@link #connected()}. */
    public synchronized void disconnected() {
        connected = false;
        clearInFlight();
    }

    private void clearInFlight() {
        for (Flight flight : flights.values()) {
            flight.inFlight = false;
        }
        inFlight = 0;
    }

    /** @return whether the transport reported the connection up */
    public synchronized boolean isConnected() {
        return connected;
    }

    /** @return readings in flight: sent and not yet named by an ack */
    public synchronized int inFlight() {
        return inFlight;
    }

    /**
     * @return the timeout the oldest reading in flight waits for (T doubled by each expiry without an ack, up to
     *     T_max); T when nothing is in flight
     */
    public synchronized Duration ackTimeout() {
        int[] level = {0};
        outbox.forEachOldest(entry -> {
            Flight flight = flights.get(new Key(entry.boot(), entry.seq()));
            if (flight != null && flight.inFlight) {
                level[0] = flight.level;
                return false;
            }
            return true;
        });
        return Duration.ofNanos(timeoutNanos(level[0]));
    }

    /** @return the settings */
    public Settings settings() {
        return settings;
    }

    /** @return a snapshot of the counters */
    public synchronized DeliveryCounters counters() {
        return new DeliveryCounters(sent, resent, injected, acks, storedNamed, refusedNamed, unmatchedAcks,
                invalidAcks, dropped, timeouts);
    }

    /**
     * Waits until the outbox is empty (every reading named by an ack) and no injected copy is pending.
     *
     * @param timeout upper bound of the wait
     * @return whether it is empty
     * @throws InterruptedException when interrupted
     */
    public synchronized boolean awaitEmpty(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (outbox.size() > 0 || !pendingExtras.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, Math.min(left / 1_000_000, 200)));
        }
        return true;
    }

    private static ReadingMessage decodeOrNull(byte[] message) {
        try {
            return ReadingMessage.decode(message);
        } catch (ReadingFormatException e) {
            LOG.fine(() -> "outbox entry does not decode: " + e.getMessage());
            return null;
        }
    }
}
