// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Base} from "./Base.sol";

/// @title Vectors
/// @notice Reads the shared reading-format vectors (../reading-format/vectors/*.jsonl; hex without 0x).
abstract contract Vectors is Base {
    string internal constant READINGS = "../reading-format/vectors/readings.jsonl";
    string internal constant MERKLE = "../reading-format/vectors/merkle.jsonl";

    /// @notice One line of readings.jsonl. lowS is empty when the file has null.
    struct ReadingCase {
        string name;
        bytes message;
        bytes publicKey;
        bytes signature;
        bytes lowS;
        bool valid;
        string errorCode;
    }

    /// @notice One line of merkle.jsonl.
    struct MerkleCase {
        string name;
        bytes[] messages;
        bytes[] signatures;
        bytes[] publicKeys;
        bytes32[] leafHashes;
        bytes32 root;
        bytes32[][] proofs;
    }

    function _lines(string memory path) internal view returns (string[] memory out) {
        string[] memory raw = vm.split(vm.readFile(path), "\n");
        uint256 count;
        for (uint256 i = 0; i < raw.length; ++i) {
            if (bytes(raw[i]).length != 0) ++count;
        }
        out = new string[](count);
        count = 0;
        for (uint256 i = 0; i < raw.length; ++i) {
            if (bytes(raw[i]).length != 0) out[count++] = raw[i];
        }
    }

    function _hex(string memory json, string memory key) internal pure returns (bytes memory) {
        return vm.parseBytes(vm.parseJsonString(json, key));
    }

    function _nullable(string memory json, string memory key) internal pure returns (bytes memory) {
        string memory value = vm.parseJsonString(json, key);
        if (keccak256(bytes(value)) == keccak256("null")) return "";
        return vm.parseBytes(value);
    }

    function readingCases() internal view returns (ReadingCase[] memory cases) {
        string[] memory lines = _lines(READINGS);
        cases = new ReadingCase[](lines.length);
        for (uint256 i = 0; i < lines.length; ++i) {
            string memory l = lines[i];
            cases[i] = ReadingCase({
                name: vm.parseJsonString(l, ".name"),
                message: _hex(l, ".message"),
                publicKey: _hex(l, ".public_key"),
                signature: _hex(l, ".signature"),
                lowS: _nullable(l, ".low_s_signature"),
                valid: keccak256(bytes(vm.parseJsonString(l, ".expected"))) == keccak256("valid"),
                errorCode: vm.parseJsonString(l, ".error")
            });
        }
    }

    function readingCase(string memory name) internal view returns (ReadingCase memory) {
        ReadingCase[] memory cases = readingCases();
        for (uint256 i = 0; i < cases.length; ++i) {
            if (keccak256(bytes(cases[i].name)) == keccak256(bytes(name))) return cases[i];
        }
        revert AssertionFailed(string.concat("no reading vector named ", name));
    }

    function merkleCases() internal view returns (MerkleCase[] memory cases) {
        string[] memory lines = _lines(MERKLE);
        cases = new MerkleCase[](lines.length);
        for (uint256 c = 0; c < lines.length; ++c) {
            string memory l = lines[c];
            string[] memory leafHashes = vm.parseJsonStringArray(l, ".leaf_hashes");
            uint256 n = leafHashes.length;
            MerkleCase memory mc;
            mc.name = vm.parseJsonString(l, ".name");
            mc.root = vm.parseBytes32(string.concat("0x", vm.parseJsonString(l, ".root")));
            mc.messages = new bytes[](n);
            mc.signatures = new bytes[](n);
            mc.publicKeys = new bytes[](n);
            mc.leafHashes = new bytes32[](n);
            mc.proofs = new bytes32[][](n);
            for (uint256 i = 0; i < n; ++i) {
                string memory idx = vm.toString(i);
                mc.messages[i] = _hex(l, string.concat(".leaves[", idx, "].message"));
                mc.signatures[i] = _hex(l, string.concat(".leaves[", idx, "].signature"));
                mc.publicKeys[i] = _hex(l, string.concat(".leaves[", idx, "].public_key"));
                mc.leafHashes[i] = vm.parseBytes32(string.concat("0x", leafHashes[i]));
                string[] memory proof = vm.parseJsonStringArray(l, string.concat(".proofs[", idx, "]"));
                mc.proofs[i] = new bytes32[](proof.length);
                for (uint256 j = 0; j < proof.length; ++j) {
                    mc.proofs[i][j] = vm.parseBytes32(string.concat("0x", proof[j]));
                }
            }
            cases[c] = mc;
        }
    }
}
