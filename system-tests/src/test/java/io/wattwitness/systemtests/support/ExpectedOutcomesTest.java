package io.wattwitness.systemtests.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wattwitness.reading.DeviceSigner;
import io.wattwitness.reading.Envelope;
import io.wattwitness.reading.ReadingFlags;
import io.wattwitness.reading.ReadingMessage;
import io.wattwitness.reading.ReadingStatus;
import io.wattwitness.systemtests.support.ExpectedOutcomes.Identity;
import io.wattwitness.systemtests.support.ExpectedOutcomes.Outcome;
import io.wattwitness.systemtests.support.ExpectedOutcomes.Quarantined;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExpectedOutcomesTest {

    private static final long NOW = 1_750_000_000_000L;
    private final DeviceSigner signer = new DeviceSigner(BigInteger.valueOf(123_456_789));
    private final DeviceSigner stranger = new DeviceSigner(BigInteger.valueOf(987_654_321));
    private final String id = signer.publicKey().deviceIdHex();
    private final ExpectedOutcomes model = new ExpectedOutcomes(Map.of(id, signer.publicKey()));

    private Envelope envelope(DeviceSigner by, long boot, long seq, long timestampMs, long powerMw) {
        byte[] message = new ReadingMessage(by.publicKey().deviceId(), 0x02_0000_0000_01L, boot, seq, timestampMs,
                powerMw, 1_000 + seq, ReadingFlags.CLOCK_SYNCED).encode();
        return new Envelope(message, by.sign(message));
    }

    private Outcome send(Envelope envelope) {
        return model.forwarded(envelope, ExpectedOutcomes.utf8(envelope.toJson()), NOW);
    }

    @Test
    void identicalResendIsANoOpAndAnotherMessageForTheIdentityIsAConflict() {
        Envelope first = envelope(signer, 1, 0, NOW - 60_000, 500_000);
        Envelope other = envelope(signer, 1, 0, NOW - 60_000, 700_000);
        assertEquals(Outcome.STORED, send(first));
        assertEquals(Outcome.NO_OP, send(first));
        assertEquals(Outcome.CONFLICT, send(other));
        assertEquals(Outcome.NO_OP, send(other));
        assertEquals(new ExpectedOutcomes.Reading(first.messageHex(), ReadingStatus.DISPUTED, "equivocation"),
                model.readings().get(new Identity(id, 1, 0)));
        assertEquals(1, model.conflictRows().size());
        assertEquals(2, model.readingNoOps());
        assertEquals(4, model.sent());
    }

    @Test
    void tamperedUnknownSkewedAndRolledBackReadingsAreQuarantinedOnce() {
        Envelope valid = envelope(signer, 2, 0, NOW - 60_000, 500_000);
        byte[] flipped = valid.message().clone();
        flipped[40] ^= 0x01;
        Envelope tampered = new Envelope(flipped, valid.signature());
        assertEquals(Outcome.QUARANTINED, send(tampered));
        assertEquals(Outcome.NO_OP, send(tampered));
        assertEquals(Outcome.STORED, send(valid), "the tampered copy did not claim the identity");
        assertEquals(Outcome.QUARANTINED, send(envelope(stranger, 1, 0, NOW, 1)));
        assertEquals(Outcome.QUARANTINED, send(envelope(signer, 2, 1, NOW + 5 * 60_000 + 1, 1)));
        assertEquals(Outcome.STORED, send(envelope(signer, 2, 2, NOW + 5 * 60_000, 1)), "the limit is inclusive");
        assertEquals(Outcome.QUARANTINED, send(envelope(signer, 1, 9, NOW, 1)));
        assertEquals(Outcome.QUARANTINED, model.rejectedAtIngest(id, "malformed_json", ExpectedOutcomes.utf8("{")));
        assertEquals(Outcome.NO_OP, model.rejectedAtIngest(id, "malformed_json", ExpectedOutcomes.utf8("{")));
        assertEquals(Map.of("bad_signature", 1, "unknown_device", 1, "clock_ahead", 1, "rollback", 1,
                "malformed_json", 1), model.quarantinedByReason());
        assertEquals(List.of("verify", "verify", "verify", "verify", "ingest"),
                model.quarantine().stream().map(Quarantined::stage).toList());
        assertEquals(new Quarantined("verify", "rollback", id, 1L, 9L,
                ExpectedOutcomes.sha256(ExpectedOutcomes.utf8(envelope(signer, 1, 9, NOW, 1).toJson()))),
                model.quarantine().get(3));
        assertEquals(2, model.count(Outcome.STORED));
        assertEquals(5, model.count(Outcome.QUARANTINED));
        assertEquals(2, model.count(Outcome.NO_OP));
    }
}
