// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title MerkleBuilder
/// @notice Test-side tree builder following reading-format SPEC (Merkle): parent = keccak256 of the sorted pair,
///         leaves in batch order, an unpaired last node is carried up unchanged.
library MerkleBuilder {
    function parent(bytes32 a, bytes32 b) internal pure returns (bytes32) {
        return a < b ? keccak256(abi.encodePacked(a, b)) : keccak256(abi.encodePacked(b, a));
    }

    function root(bytes32[] memory leaves) internal pure returns (bytes32) {
        bytes32[] memory level = leaves;
        while (level.length > 1) {
            level = _up(level);
        }
        return level[0];
    }

    function proof(bytes32[] memory leaves, uint256 index) internal pure returns (bytes32[] memory out) {
        bytes32[] memory buffer = new bytes32[](64);
        uint256 length;
        bytes32[] memory level = leaves;
        while (level.length > 1) {
            uint256 sibling = index ^ 1;
            if (sibling < level.length) buffer[length++] = level[sibling];
            level = _up(level);
            index /= 2;
        }
        out = new bytes32[](length);
        for (uint256 i = 0; i < length; ++i) {
            out[i] = buffer[i];
        }
    }

    function _up(bytes32[] memory level) private pure returns (bytes32[] memory next) {
        next = new bytes32[]((level.length + 1) / 2);
        for (uint256 i = 0; i < next.length; ++i) {
            uint256 left = 2 * i;
            next[i] = left + 1 < level.length ? parent(level[left], level[left + 1]) : level[left];
        }
    }
}
