// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {WattWitnessAnchor} from "../src/WattWitnessAnchor.sol";
import {AnchorFixture} from "./utils/AnchorFixture.sol";
import {MerkleBuilder} from "./utils/MerkleBuilder.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";

/// @notice verifyReading / checkReading against the shared reading-format vectors, each tampering, and a fuzz
///         test of the Merkle rules against trees built in Solidity.
contract VerifyReadingTest is AnchorFixture {
    bytes6 internal constant METER = 0x34945a1b2c3d;

    function setUp() public override {
        super.setUp();
        register(1, METER, readingCase("valid-basic").publicKey);
        register(2, METER, readingCase("valid-second-device").publicKey);
    }

    // ------------------------------------------------------------ merkle.jsonl

    function test_merkleVectors_everyReadingVerifies() public {
        MerkleCase[] memory cases = merkleCases();
        assertEq(cases.length, 6, "six merkle cases");
        for (uint256 c = 0; c < cases.length; ++c) {
            MerkleCase memory mc = cases[c];
            assertEq(MerkleBuilder.root(mc.leafHashes), mc.root, string.concat(mc.name, ": root from leaves"));
            uint64 batchId = anchorRoot(mc.root, uint32(mc.messages.length));
            for (uint256 i = 0; i < mc.messages.length; ++i) {
                assertEq(anchor.leafHash(mc.messages[i], mc.signatures[i]), mc.leafHashes[i], "leaf hash");
                assertEq(
                    keccak256(abi.encode(MerkleBuilder.proof(mc.leafHashes, i))),
                    keccak256(abi.encode(mc.proofs[i])),
                    string.concat(mc.name, ": proof equals the Solidity-built proof")
                );
                assertTrue(
                    anchor.verifyReading(mc.messages[i], mc.signatures[i], batchId, mc.proofs[i]),
                    string.concat(mc.name, ": reading verifies")
                );
            }
        }
    }

    function test_tampering_isRejected() public {
        MerkleCase memory mc = merkleCases()[4]; // batch-of-8
        uint64 batchId = anchorRoot(mc.root, uint32(mc.messages.length));
        bytes memory message = mc.messages[3];
        bytes memory signature = mc.signatures[3];
        bytes32[] memory proof = mc.proofs[3];
        assertTrue(anchor.verifyReading(message, signature, batchId, proof), "untampered");

        // wrong proof: another reading's proof, and one flipped sibling
        _expect(message, signature, batchId, mc.proofs[5], WattWitnessAnchor.ReadingStatus.NotInBatch, "other proof");
        bytes32[] memory bent = _copy(proof);
        bent[1] = bent[1] ^ bytes32(uint256(1));
        _expect(message, signature, batchId, bent, WattWitnessAnchor.ReadingStatus.NotInBatch, "flipped sibling");
        _expect(message, signature, batchId, new bytes32[](0), WattWitnessAnchor.ReadingStatus.NotInBatch, "no proof");

        // flipped message byte: every byte of the power, energy and seq fields
        for (uint256 i = 22; i < 50; ++i) {
            bytes memory flipped = bytes.concat(message);
            flipped[i] = flipped[i] ^ 0x01;
            assertFalse(anchor.verifyReading(flipped, signature, batchId, proof), "flipped message byte");
        }
        // high-S variant of the same signature
        _expect(message, highS(signature), batchId, proof, WattWitnessAnchor.ReadingStatus.HighS, "high S");
        // unknown batch
        _expect(message, signature, batchId + 1, proof, WattWitnessAnchor.ReadingStatus.UnknownBatch, "batch");
    }

    function test_wrongKey_inBatch_isRejectedBySignature() public {
        // The proof is right (the leaf is in the batch) but the signature is not the registered key's.
        ReadingCase memory wrong = readingCase("wrong-key");
        bytes32[] memory noProof = new bytes32[](0);
        uint64 batchId = anchorRoot(leafOf(wrong.message, wrong.signature), 1);
        _expect(wrong.message, wrong.signature, batchId, noProof, WattWitnessAnchor.ReadingStatus.BadSignature, "key");
    }

    function test_rotatedKey_verifiesReadingsUpToItsRetirement() public {
        (uint256 x1, uint256 y1) = vm.publicKeyP256(0xA1);
        (uint256 x2, uint256 y2) = vm.publicKeyP256(0xA2);
        bytes6 meter = 0x0a0b0c0d0e0f;
        vm.prank(OWNER);
        bytes8 oldDevice = anchor.registerInstallation(3, meter, bytes32(x1), bytes32(y1));
        bytes memory before = buildMessage(oldDevice, meter, 1, 0, int64(uint64(T0 + 50)) * 1000, 10);
        bytes memory afterwards = buildMessage(oldDevice, meter, 1, 1, int64(uint64(T0 + 51)) * 1000, 11);
        bytes32[] memory leaves = new bytes32[](2);
        bytes memory sigBefore = signLowS(0xA1, before);
        bytes memory sigAfter = signLowS(0xA1, afterwards);
        leaves[0] = leafOf(before, sigBefore);
        leaves[1] = leafOf(afterwards, sigAfter);
        uint64 batchId = anchorRoot(MerkleBuilder.root(leaves), 2);

        vm.warp(T0 + 50);
        vm.prank(OWNER);
        anchor.rotateDeviceKey(3, meter, bytes32(x2), bytes32(y2));
        _expect(
            before, sigBefore, batchId, MerkleBuilder.proof(leaves, 0), WattWitnessAnchor.ReadingStatus.Valid, "before"
        );
        _expect(
            afterwards,
            sigAfter,
            batchId,
            MerkleBuilder.proof(leaves, 1),
            WattWitnessAnchor.ReadingStatus.KeyRetired,
            "after retirement"
        );
    }

    // ------------------------------------------------------------ readings.jsonl replay

    function test_readingVectors_replayThroughVerifyReading() public {
        ReadingCase[] memory cases = readingCases();
        uint256 replayed;
        for (uint256 i = 0; i < cases.length; ++i) {
            ReadingCase memory rc = cases[i];
            if (_is(rc.errorCode, "key_not_on_curve")) continue; // rejected at registration (registry test)
            bytes memory signature = rc.lowS.length != 0 ? rc.lowS : rc.signature;
            uint64 batchId = anchorRoot(leafOf(rc.message, signature), 1);
            WattWitnessAnchor.ReadingStatus expected = _statusFor(rc.errorCode);
            _expect(rc.message, signature, batchId, new bytes32[](0), expected, rc.name);
            if (rc.valid && keccak256(rc.lowS) != keccak256(rc.signature)) {
                // a high-S original is accepted off chain but anchored and verified only in its low-S form
                uint64 highBatch = anchorRoot(leafOf(rc.message, rc.signature), 1);
                _expect(
                    rc.message,
                    rc.signature,
                    highBatch,
                    new bytes32[](0),
                    WattWitnessAnchor.ReadingStatus.HighS,
                    string.concat(rc.name, " (high S)")
                );
            }
            ++replayed;
        }
        assertEq(replayed, cases.length - 2, "every vector but the two off-curve keys");
    }

    // ------------------------------------------------------------ fuzz

    /// @notice Random batches signed in the test: every reading verifies with its Solidity-built proof, a proof
    ///         for another position does not, and OpenZeppelin's processProof reproduces the root.
    function testFuzz_merkleRulesAgainstSolidityTree(uint256 seed, uint8 rawCount, uint8 rawIndex) public {
        uint256 count = bound(rawCount, 1, 24);
        uint256 index = bound(rawIndex, 0, count - 1);
        (bytes[] memory messages, bytes[] memory signatures, bytes32[] memory leaves) = _signedBatch(seed, count);
        bytes32 root = MerkleBuilder.root(leaves);
        uint64 batchId = anchorRoot(root, uint32(count));
        bytes32[] memory proof = MerkleBuilder.proof(leaves, index);
        assertEq(MerkleProof.processProof(proof, leaves[index]), root, "OpenZeppelin recomputes the root");
        assertTrue(anchor.verifyReading(messages[index], signatures[index], batchId, proof), "reading verifies");
        if (count > 1) {
            bytes32[] memory otherProof = MerkleBuilder.proof(leaves, (index + 1) % count);
            if (MerkleProof.processProof(otherProof, leaves[index]) != root) {
                assertFalse(
                    anchor.verifyReading(messages[index], signatures[index], batchId, otherProof),
                    "another position's proof"
                );
            }
        }
    }

    function _signedBatch(uint256 seed, uint256 count)
        internal
        returns (bytes[] memory messages, bytes[] memory signatures, bytes32[] memory leaves)
    {
        uint256 privateKey = bound(seed, 1, 1e70);
        (uint256 x, uint256 y) = vm.publicKeyP256(privateKey);
        bytes6 meter = 0xaabbccddeeff;
        vm.prank(OWNER);
        bytes8 deviceId = anchor.registerInstallation(9, meter, bytes32(x), bytes32(y));
        messages = new bytes[](count);
        signatures = new bytes[](count);
        leaves = new bytes32[](count);
        for (uint256 i = 0; i < count; ++i) {
            int64 timestampMs = int64(uint64(T0) * 1000 + uint64(i) * 10_000);
            uint64 energy = uint64(uint256(keccak256(abi.encode(seed, i))) >> 200);
            messages[i] = buildMessage(deviceId, meter, uint32(seed), uint32(i), timestampMs, energy);
            signatures[i] = signLowS(privateKey, messages[i]);
            leaves[i] = leafOf(messages[i], signatures[i]);
        }
    }

    // ------------------------------------------------------------ helpers

    function _expect(
        bytes memory message,
        bytes memory signature,
        uint64 batchId,
        bytes32[] memory proof,
        WattWitnessAnchor.ReadingStatus expected,
        string memory what
    ) internal view {
        WattWitnessAnchor.ReadingStatus status = anchor.checkReading(message, signature, batchId, proof);
        assertEq(uint256(status), uint256(expected), what);
        assertTrue(
            anchor.verifyReading(message, signature, batchId, proof)
                == (expected == WattWitnessAnchor.ReadingStatus.Valid),
            what
        );
    }

    function _statusFor(string memory errorCode) internal pure returns (WattWitnessAnchor.ReadingStatus) {
        if (_is(errorCode, "null")) return WattWitnessAnchor.ReadingStatus.Valid;
        if (_is(errorCode, "bad_signature")) return WattWitnessAnchor.ReadingStatus.BadSignature;
        if (_is(errorCode, "signature_range")) return WattWitnessAnchor.ReadingStatus.SignatureRange;
        if (_is(errorCode, "signature_length")) return WattWitnessAnchor.ReadingStatus.SignatureLength;
        if (_is(errorCode, "message_length")) return WattWitnessAnchor.ReadingStatus.MessageLength;
        if (_is(errorCode, "magic") || _is(errorCode, "version")) {
            return WattWitnessAnchor.ReadingStatus.MagicOrVersion;
        }
        if (_is(errorCode, "reserved_flags")) return WattWitnessAnchor.ReadingStatus.ReservedFlags;
        if (_is(errorCode, "energy_range")) return WattWitnessAnchor.ReadingStatus.EnergyRange;
        if (_is(errorCode, "device_id_mismatch")) return WattWitnessAnchor.ReadingStatus.UnknownDevice;
        revert AssertionFailed(string.concat("unmapped vector error ", errorCode));
    }

    function _is(string memory a, string memory b) internal pure returns (bool) {
        return keccak256(bytes(a)) == keccak256(bytes(b));
    }

    function _copy(bytes32[] memory a) internal pure returns (bytes32[] memory b) {
        b = new bytes32[](a.length);
        for (uint256 i = 0; i < a.length; ++i) {
            b[i] = a[i];
        }
    }
}
