package io.wattwitness.verifier.service;

import io.wattwitness.reading.DeviceKey;
import io.wattwitness.reading.Hex;
import io.wattwitness.reading.MerkleTree;
import io.wattwitness.reading.P256;
import io.wattwitness.reading.ReadingFormatException;
import io.wattwitness.reading.ReadingMessage;
import io.wattwitness.reading.ReadingVerifier;
import io.wattwitness.verifier.service.CheckResult.Status;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The verifier's check sequence for one reading of a proof bundle, against the anchoring contract only:
 * <ol>
 *   <li>{@code signature}: ECDSA P-256 over SHA-256(message) with the device key read from the contract's registry
 *       (reading-format SPEC §3; the key must not have been retired before the reading's time); the bundle's own key
 *       is only compared, never used;</li>
 *   <li>{@code merkle}: the leaf keccak256(keccak256(message || signature)) and the proof reach the bundle's root
 *       (SPEC §5);</li>
 *   <li>{@code anchored}: the contract anchored that batch with that root ({@code getBatch});</li>
 *   <li>{@code contract}: the contract's {@code verifyReading} proves the reading and agrees with checks 1–3;</li>
 *   <li>{@code revocation}: not checked, the contract has no key revocation yet.</li>
 * </ol>
 * Every check runs even after a failure, so the user sees each reason.
 */
public final class ReadingCheck {

    private final AnchorChain chain;

    /** @param chain reads from the anchoring contract the user named */
    public ReadingCheck(AnchorChain chain) {
        this.chain = chain;
    }

    /**
     * Runs the checks.
     *
     * @param bundle the proof bundle
     * @return one result per check, in the order above
     * @throws ChainException the chain could not be read
     * @throws InputException the contract address holds no anchor contract
     */
    public List<CheckResult> run(ProofBundle bundle) throws ChainException, InputException {
        List<CheckResult> results = new ArrayList<>();
        results.add(signature(bundle));
        results.add(merkle(bundle));
        results.add(anchored(bundle));
        boolean localOk = results.stream().allMatch(r -> r.status() == Status.OK);
        results.add(contract(bundle, localOk));
        results.add(new CheckResult("revocation", Status.NOT_CHECKED,
                "the contract has no key revocation yet (a key retired by rotation is checked under signature)"));
        return results;
    }

    private CheckResult signature(ProofBundle bundle) throws ChainException, InputException {
        ReadingMessage reading;
        try {
            reading = ReadingMessage.decode(bundle.message());
        } catch (ReadingFormatException e) {
            return fail("signature", "the message breaks SPEC §2 (" + e.code().wire() + "): " + e.getMessage());
        }
        Optional<RegisteredKey> registered = chain.deviceKey(reading.deviceId());
        if (registered.isEmpty()) {
            return fail("signature", "device " + reading.deviceIdHex() + " is not registered in the contract"
                    + bundleKeyNote(bundle, null));
        }
        RegisteredKey key = registered.get();
        String note = bundleKeyNote(bundle, key.publicKey());
        if (key.retiredAt() != 0 && reading.timestampMs() / 1000 > key.retiredAt()) {
            return fail("signature", "device " + reading.deviceIdHex() + "'s key was retired at " + key.retiredAt()
                    + " (Unix s), before the reading's time " + reading.timestampMs() + " ms" + note);
        }
        try {
            ReadingVerifier.verify(DeviceKey.of(key.publicKey()), bundle.message(), bundle.signature());
        } catch (ReadingFormatException e) {
            return fail("signature", "does not verify with the contract's key of device " + reading.deviceIdHex()
                    + " (" + e.code().wire() + ": " + e.getMessage() + ")" + note);
        }
        if (!P256.isLowS(bundle.signature())) {
            return fail("signature", "verifies but is high-S; SPEC §3.2 anchors only the low-S form" + note);
        }
        return new CheckResult("signature", Status.OK, "ECDSA P-256 verifies with the contract's key of device "
                + reading.deviceIdHex() + " (installation " + key.installationId() + ")" + note);
    }

    private static String bundleKeyNote(ProofBundle bundle, byte[] registered) {
        if (bundle.publicKey() == null) {
            return "; the bundle carries no key";
        }
        if (registered == null) {
            return "; the bundle's key " + Hex.encode(bundle.publicKey()).substring(0, 16) + "… was not used";
        }
        return Arrays.equals(bundle.publicKey(), registered)
                ? "; the bundle's key matches it"
                : "; the bundle's key DIFFERS from it and was not used";
    }

    private static CheckResult merkle(ProofBundle bundle) {
        byte[] leaf = MerkleTree.leaf(bundle.message(), bundle.signature());
        String leafNote = bundle.leaf() == null || Arrays.equals(bundle.leaf(), leaf)
                ? "" : "; the bundle's leaf " + hex32(bundle.leaf()) + " differs";
        if (MerkleTree.verify(bundle.proof(), bundle.merkleRoot(), leaf)) {
            return new CheckResult("merkle", Status.OK, "leaf " + hex32(leaf) + " and " + bundle.proof().size()
                    + " sibling(s) reach root " + hex32(bundle.merkleRoot()) + " (reading-format SPEC §5)" + leafNote);
        }
        return fail("merkle", "leaf " + hex32(leaf) + " and " + bundle.proof().size()
                + " sibling(s) do not reach root " + hex32(bundle.merkleRoot()) + " (reading-format SPEC §5)"
                + leafNote);
    }

    private CheckResult anchored(ProofBundle bundle) throws ChainException, InputException {
        Optional<AnchoredBatch> batch = chain.batch(bundle.batchId());
        if (batch.isEmpty()) {
            return fail("anchored", "batch " + bundle.batchId() + " is not anchored in the contract");
        }
        AnchoredBatch anchored = batch.get();
        if (!Arrays.equals(anchored.merkleRoot(), bundle.merkleRoot())) {
            return fail("anchored", "the contract's root of batch " + bundle.batchId() + " is "
                    + hex32(anchored.merkleRoot()) + ", not the bundle's " + hex32(bundle.merkleRoot()));
        }
        return new CheckResult("anchored", Status.OK, "batch " + bundle.batchId() + " (" + anchored.readingCount()
                + " readings) anchored at " + anchored.anchoredAt() + " (Unix s) with this root");
    }

    private CheckResult contract(ProofBundle bundle, boolean localOk) throws ChainException, InputException {
        boolean proven = chain.verifyReading(bundle.message(), bundle.signature(), bundle.batchId(), bundle.proof());
        ContractStatus status = chain.checkReading(bundle.message(), bundle.signature(), bundle.batchId(),
                bundle.proof());
        String verdict = "verifyReading returned " + proven + ", checkReading " + status;
        if (proven != (status == ContractStatus.Valid)) {
            return fail("contract", verdict + ": the contract's two views disagree");
        }
        if (proven && !localOk) {
            return fail("contract", verdict + ", but the checks above failed: the verifier and the contract disagree");
        }
        if (!proven && localOk) {
            return fail("contract", verdict + ", but the checks above passed: the verifier and the contract disagree");
        }
        return proven ? new CheckResult("contract", Status.OK, verdict + ", agreeing with the checks above")
                : fail("contract", verdict);
    }

    private static CheckResult fail(String check, String reason) {
        return new CheckResult(check, Status.FAIL, reason);
    }

    private static String hex32(byte[] value) {
        return "0x" + Hex.encode(value);
    }
}
