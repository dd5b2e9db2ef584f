package io.wattwitness.verifier.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wattwitness.reading.Hex;
import io.wattwitness.verifier.service.CheckResult.Status;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The check sequence over the reading-format Merkle vector batch-of-3, anchored as batch 3 in a fake chain. */
class ReadingCheckTest {

    private static final String KEY_A = "b98d569ba71845f19d3e17b6efb726fa7dd47662033fc52b6b9cc41f59abd229"
            + "ea9ec6108a2643d1ee806c2dd435cdcb9f8e539102550a5d9186ce36d81572f4";
    private static final String KEY_B = "68dddfe51f1b39717ad1e3a15186e0c36f0bcf368a779d10ac4724ca5c42cf43"
            + "e8e3ab567cfc38ce70532dc332fd5dffe3c300d86a0ebdffb4f98af01fbbf556";
    private static final String ROOT = "be3585c40ba1c1fe9b77f5b3e9fb8f2f8194bab0a0ca52d9a1030804170ed414";

    private final FakeAnchorChain chain = new FakeAnchorChain().anchor(3, ROOT, 3).register(KEY_A, 7, 0)
            .register(KEY_B, 8, 0);

    @Test
    void aValidReadingPassesEveryCheck() throws Exception {
        List<CheckResult> results = new ReadingCheck(chain).run(bundle(0));

        assertEquals(List.of(
                "OK          signature  ECDSA P-256 verifies with the contract's key of device 39bbdb115a7d41cb"
                        + " (installation 7); the bundle's key matches it",
                "OK          merkle     leaf 0xf2955d32bc8c3164cffd6a11744e8d41cb7bd7cd510e28e331822883330e5862 and 2"
                        + " sibling(s) reach root 0x" + ROOT + " (reading-format SPEC §5)",
                "OK          anchored   batch 3 (3 readings) anchored at 1767226000 (Unix s) with this root",
                "OK          contract   verifyReading returned true, checkReading Valid, agreeing with the checks"
                        + " above",
                "NOT CHECKED revocation the contract has no key revocation yet (a key retired by rotation is checked"
                        + " under signature)"), lines(results));
        assertEquals(ExitCode.PROVEN, ExitCode.of(results));
    }

    @Test
    void theOtherDevicesCarriedUpLeafPassesWithItsOwnKey() throws Exception {
        List<CheckResult> results = new ReadingCheck(chain).run(bundle(2));

        assertEquals("OK          signature  ECDSA P-256 verifies with the contract's key of device a9615c3401424804"
                + " (installation 8); the bundle's key matches it", results.get(0).line());
        assertEquals("OK          merkle     leaf 0xa9867bd1b7f9bb3142efe54e45d20c7ceff45ef2bf1b439b899fe6874af060e9"
                + " and 1 sibling(s) reach root 0x" + ROOT + " (reading-format SPEC §5)", results.get(1).line());
        assertEquals(ExitCode.PROVEN, ExitCode.of(results));
    }

    @Test
    void aTamperedPowerFailsTheSignatureAndTheMerklePath() throws Exception {
        ProofBundle original = bundle(0);
        byte[] message = original.message().clone();
        message[41] ^= 0x01; // power_mw, last byte: 1,000,000 mW becomes 1,000,001 mW
        ProofBundle tampered = new ProofBundle(3, 100, original.leaf(), original.proof(), original.merkleRoot(),
                message, original.signature(), original.publicKey());
        chain.verdict = ContractStatus.NotInBatch;

        List<CheckResult> results = new ReadingCheck(chain).run(tampered);

        assertEquals(List.of(Status.FAIL, Status.FAIL, Status.OK, Status.FAIL, Status.NOT_CHECKED),
                statuses(results));
        assertEquals("does not verify with the contract's key of device 39bbdb115a7d41cb (bad_signature: signature:"
                + " signature does not verify under the device key); the bundle's key matches it",
                results.get(0).reason());
        assertEquals("verifyReading returned false, checkReading NotInBatch", results.get(3).reason());
        assertEquals(ExitCode.NOT_PROVEN, ExitCode.of(results));
    }

    @Test
    void aWrongSiblingFailsOnlyTheMerklePath() throws Exception {
        ProofBundle original = bundle(0);
        List<byte[]> proof = new ArrayList<>(original.proof());
        proof.set(1, Hex.decode("d766990855f7868655a22b3e351ac1c9ee7882c24e6ddb8d4a6aac99cce524e2"));
        chain.verdict = ContractStatus.NotInBatch;

        List<CheckResult> results = new ReadingCheck(chain).run(new ProofBundle(3, 100, original.leaf(), proof,
                original.merkleRoot(), original.message(), original.signature(), original.publicKey()));

        assertEquals(List.of(Status.OK, Status.FAIL, Status.OK, Status.FAIL, Status.NOT_CHECKED), statuses(results));
        assertEquals("leaf 0xf2955d32bc8c3164cffd6a11744e8d41cb7bd7cd510e28e331822883330e5862 and 2 sibling(s) do"
                + " not reach root 0x" + ROOT + " (reading-format SPEC §5)", results.get(1).reason());
    }

    @Test
    void aBatchTheContractDidNotAnchorFails() throws Exception {
        chain.batches.clear();
        chain.verdict = ContractStatus.UnknownBatch;

        List<CheckResult> results = new ReadingCheck(chain).run(bundle(0));

        assertEquals(List.of(Status.OK, Status.OK, Status.FAIL, Status.FAIL, Status.NOT_CHECKED), statuses(results));
        assertEquals("batch 3 is not anchored in the contract", results.get(2).reason());
        assertEquals("verifyReading returned false, checkReading UnknownBatch", results.get(3).reason());
    }

    @Test
    void anotherAnchoredRootFails() throws Exception {
        chain.anchor(3, "ed6c249289c7b85c3692cf3fc203cefa21a0dc5d59b4ce23f6f40b7047e87fbb", 2);
        chain.verdict = ContractStatus.NotInBatch;

        List<CheckResult> results = new ReadingCheck(chain).run(bundle(0));

        assertEquals("the contract's root of batch 3 is"
                + " 0xed6c249289c7b85c3692cf3fc203cefa21a0dc5d59b4ce23f6f40b7047e87fbb, not the bundle's 0x" + ROOT,
                results.get(2).reason());
        assertEquals(ExitCode.NOT_PROVEN, ExitCode.of(results));
    }

    @Test
    void aDeviceUnknownToTheContractFailsEvenWhenTheBundleCarriesAKey() throws Exception {
        chain.keys.clear();
        chain.verdict = ContractStatus.UnknownDevice;

        List<CheckResult> results = new ReadingCheck(chain).run(bundle(0));

        assertEquals("device 39bbdb115a7d41cb is not registered in the contract; the bundle's key b98d569ba71845f1…"
                + " was not used", results.get(0).reason());
        assertEquals(Status.FAIL, results.get(0).status());
    }

    @Test
    void aKeyRetiredBeforeTheReadingFails() throws Exception {
        // leaf 0 was read at 1,767,225,600,000 ms; the key was retired one second earlier
        chain.register(KEY_A, 7, 1_767_225_599L);
        chain.verdict = ContractStatus.KeyRetired;

        List<CheckResult> results = new ReadingCheck(chain).run(bundle(0));

        assertEquals("device 39bbdb115a7d41cb's key was retired at 1767225599 (Unix s), before the reading's time"
                + " 1767225600000 ms; the bundle's key matches it", results.get(0).reason());
    }

    @Test
    void aBundleKeyThatDiffersIsReportedAndIgnored() throws Exception {
        ProofBundle original = bundle(0);
        ProofBundle otherKey = new ProofBundle(3, 100, original.leaf(), original.proof(), original.merkleRoot(),
                original.message(), original.signature(), Hex.decode(KEY_B));

        List<CheckResult> results = new ReadingCheck(chain).run(otherKey);

        assertEquals("ECDSA P-256 verifies with the contract's key of device 39bbdb115a7d41cb (installation 7);"
                + " the bundle's key DIFFERS from it and was not used", results.get(0).reason());
        assertEquals(ExitCode.PROVEN, ExitCode.of(results));
    }

    @Test
    void aContractThatDisagreesWithTheLocalChecksFails() throws Exception {
        chain.verdict = ContractStatus.BadSignature;

        List<CheckResult> results = new ReadingCheck(chain).run(bundle(0));

        assertEquals("FAIL        contract   verifyReading returned false, checkReading BadSignature, but the checks"
                + " above passed: the verifier and the contract disagree", results.get(3).line());
        assertEquals(ExitCode.NOT_PROVEN, ExitCode.of(results));
    }

    private static ProofBundle bundle(int index) throws InputException {
        return ProofBundle.parse(Vectors.bundleJson("batch-of-3", index, 3));
    }

    private static List<String> lines(List<CheckResult> results) {
        return results.stream().map(CheckResult::line).toList();
    }

    private static List<Status> statuses(List<CheckResult> results) {
        return results.stream().map(CheckResult::status).toList();
    }
}
