// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {WattWitnessAnchor} from "../../src/WattWitnessAnchor.sol";
import {P256Verifier} from "../../src/libraries/P256Verifier.sol";
import {Vectors} from "./Vectors.sol";

/// @title AnchorFixture
/// @notice Deploys a WattWitnessAnchor and offers report, key and reading helpers to the test suites.
abstract contract AnchorFixture is Vectors {
    address internal constant OWNER = address(0xA11CE);
    address internal constant FORWARDER = address(0xF0F0);
    address internal constant WORKFLOW_OWNER = address(0xB0B);
    /// @dev First 10 hex characters of SHA-256("wattwitness-anchor"), as CRE encodes workflow names.
    bytes10 internal constant WORKFLOW_NAME = bytes10("4b1c5c1d2e");
    bytes32 internal constant WORKFLOW_ID = keccak256("workflow-id");
    uint64 internal constant T0 = 1_767_225_600;

    WattWitnessAnchor internal anchor;

    function setUp() public virtual {
        vm.warp(T0 - 3600);
        anchor = new WattWitnessAnchor(OWNER, FORWARDER, WORKFLOW_OWNER, WORKFLOW_NAME);
    }

    function metadata() internal pure returns (bytes memory) {
        return abi.encodePacked(WORKFLOW_ID, WORKFLOW_NAME, WORKFLOW_OWNER, bytes2(0x0001));
    }

    function encodeReport(uint64 batchId, bytes32 root, uint32 count, uint64 first, uint64 last)
        internal
        pure
        returns (bytes memory)
    {
        return abi.encode(batchId, root, count, first, last);
    }

    /// @notice Anchors root as the next batch through the forwarder; returns its batch id.
    function anchorRoot(bytes32 root, uint32 count) internal returns (uint64 batchId) {
        batchId = anchor.lastBatchId() + 1;
        vm.prank(FORWARDER);
        anchor.onReport(metadata(), encodeReport(batchId, root, count, T0, T0 + 300));
    }

    function keyXY(bytes memory publicKey) internal pure returns (bytes32 x, bytes32 y) {
        assembly {
            x := mload(add(publicKey, 32))
            y := mload(add(publicKey, 64))
        }
    }

    /// @notice Registers the key as a new installation (id = installationId) reading meter meterId.
    function register(uint64 installationId, bytes6 meterId, bytes memory publicKey) internal returns (bytes8) {
        (bytes32 x, bytes32 y) = keyXY(publicKey);
        vm.prank(OWNER);
        return anchor.registerInstallation(installationId, meterId, x, y);
    }

    function leafOf(bytes memory message, bytes memory signature) internal pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(bytes.concat(message, signature))));
    }

    function meterOf(bytes memory message) internal pure returns (bytes6 meter) {
        assembly {
            meter := mload(add(message, 44))
        }
    }

    /// @notice Builds a v1 message (reading-format SPEC, Message v1).
    function buildMessage(bytes8 deviceId, bytes6 meterId, uint32 boot, uint32 seq, int64 timestampMs, uint64 energy)
        internal
        pure
        returns (bytes memory)
    {
        return
            abi.encodePacked(
                bytes4(0x57575201), deviceId, meterId, boot, seq, timestampMs, int64(1500), energy, uint16(1)
            );
    }

    /// @notice Signs SHA-256(message) with a P-256 key, normalised to low S, as r||s.
    function signLowS(uint256 privateKey, bytes memory message) internal pure returns (bytes memory) {
        (bytes32 r, bytes32 s) = vm.signP256(privateKey, sha256(message));
        uint256 sv = uint256(s);
        if (sv > P256Verifier.HALF_N) sv = P256Verifier.N - sv;
        return abi.encodePacked(r, bytes32(sv));
    }

    function highS(bytes memory lowSignature) internal pure returns (bytes memory) {
        bytes32 r;
        uint256 s;
        assembly {
            r := mload(add(lowSignature, 32))
            s := mload(add(lowSignature, 64))
        }
        return abi.encodePacked(r, bytes32(P256Verifier.N - s));
    }
}
