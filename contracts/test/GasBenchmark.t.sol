// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {LocalForwarder} from "../src/LocalForwarder.sol";
import {AnchorFixture} from "./utils/AnchorFixture.sol";
import {MerkleBuilder} from "./utils/MerkleBuilder.sol";

/// @notice Gas of anchoring a 1,000-reading batch and of verifying one of its readings (figures for
///         docs/benchmarks.md). Run: forge test --match-contract GasBenchmark -vv
contract GasBenchmarkTest is AnchorFixture {
    uint256 internal constant BATCH_SIZE = 1000;
    uint256 internal constant DEVICE_KEY = 0xD1;

    function test_gas_anchorAndVerify1000ReadingBatch() public {
        (uint256 x, uint256 y) = vm.publicKeyP256(DEVICE_KEY);
        bytes6 meter = 0x34945a1b2c3d;
        vm.prank(OWNER);
        bytes8 deviceId = anchor.registerInstallation(1, meter, bytes32(x), bytes32(y));

        bytes[] memory messages = new bytes[](BATCH_SIZE);
        bytes[] memory signatures = new bytes[](BATCH_SIZE);
        bytes32[] memory leaves = new bytes32[](BATCH_SIZE);
        for (uint256 i = 0; i < BATCH_SIZE; ++i) {
            int64 timestampMs = int64(uint64(T0) * 1000 + uint64(i) * 10_000);
            messages[i] = buildMessage(deviceId, meter, 3, uint32(i), timestampMs, uint64(1e9 + i * 4));
            signatures[i] = signLowS(DEVICE_KEY, messages[i]);
            leaves[i] = leafOf(messages[i], signatures[i]);
        }
        bytes32 root = MerkleBuilder.root(leaves);

        // Through the local forwarder with f = 1 (two DON signatures), as on CRE.
        LocalForwarder forwarder = new LocalForwarder(OWNER);
        address[] memory signers = new address[](4);
        for (uint256 i = 0; i < 4; ++i) {
            signers[i] = vm.addr(0x51 + i);
        }
        vm.startPrank(OWNER);
        forwarder.setConfig(1, 1, 1, signers);
        anchor.setForwarder(address(forwarder));
        vm.stopPrank();
        bytes memory raw = bytes.concat(
            abi.encodePacked(bytes1(0x01), keccak256("exec"), uint32(T0), uint32(1), uint32(1)),
            metadata(),
            encodeReport(1, root, uint32(BATCH_SIZE), T0, T0 + 9990)
        );
        bytes[] memory sigs = new bytes[](2);
        for (uint256 i = 0; i < 2; ++i) {
            (uint8 v, bytes32 r, bytes32 s) = vm.sign(0x51 + i, keccak256(bytes.concat(keccak256(raw), "")));
            sigs[i] = abi.encodePacked(r, s, v - 27);
        }
        uint256 before = gasleft();
        forwarder.report(address(anchor), raw, "", sigs);
        uint256 forwarded = before - gasleft();
        assertEq(anchor.lastBatchId(), 1, "anchored");

        // onReport alone, for the next batch.
        vm.prank(address(forwarder));
        before = gasleft();
        anchor.onReport(metadata(), encodeReport(2, root, uint32(BATCH_SIZE), T0, T0 + 9990));
        uint256 onReportGas = before - gasleft();

        bytes32[] memory proof = MerkleBuilder.proof(leaves, 500);
        before = gasleft();
        bool valid = anchor.verifyReading(messages[500], signatures[500], 1, proof);
        uint256 verifyGas = before - gasleft();
        assertTrue(valid, "reading 500 verifies");
        assertEq(proof.length, 10, "proof length for 1000 leaves");

        log("readings per batch", BATCH_SIZE);
        log("forwarder.report -> onReport, execution gas", forwarded);
        log("onReport alone, execution gas", onReportGas);
        log("per reading (forwarded / 1000), gas", forwarded / BATCH_SIZE);
        log("verifyReading (proof of 10), execution gas", verifyGas);
    }
}
