package io.wattwitness.simulator.messaging;

import io.wattwitness.simulator.service.Emission;
import io.wattwitness.simulator.service.SimulatedDevice;
import io.wattwitness.simulator.service.Transport;
import java.io.PrintWriter;
import java.util.List;
import java.util.function.Consumer;

/** The transport when neither MQTT nor HTTP is given: each envelope's JSON on its own line of the output. */
public final class PrintTransport implements Transport {

    private final PrintWriter out;

    /** @param out the user-facing output (picocli's writer) */
    public PrintTransport(PrintWriter out) {
        this.out = out;
    }

    @Override
    public void open(List<SimulatedDevice> devices, Consumer<Emission> resent) {
        // nothing to connect
    }

    @Override
    public void send(SimulatedDevice device, Emission emission) {
        out.println(emission.envelope().toJson());
    }

    @Override
    public void flush() {
        out.flush();
    }

    @Override
    public void close() {
        out.flush();
    }
}
