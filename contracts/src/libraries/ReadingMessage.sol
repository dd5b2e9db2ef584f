// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title ReadingMessage
/// @notice Field access for the 52-byte WattWitness reading message v1 (reading-format SPEC, "Message v1").
/// @dev Layout, big-endian: magic "WWR" (0..3) | version 0x01 (3) | device_id (4..12) | meter_id (12..18) |
///      boot u32 (18..22) | seq u32 (22..26) | timestamp_ms i64 (26..34) | power_mw i64 (34..42) |
///      energy_mwh u64 (42..50) | flags u16 (50..52). Callers check the length before using the accessors.
library ReadingMessage {
    /// @notice Length of a v1 message in bytes.
    uint256 internal constant LENGTH = 52;

    /// @notice "WWR" followed by version 0x01: the first four bytes of every v1 message.
    bytes4 internal constant MAGIC_AND_VERSION = 0x57575201;

    /// @notice Flag bits defined by v1 (clock synced, register restarted, first after boot); others must be 0.
    uint16 internal constant DEFINED_FLAGS = 0x0007;

    /// @notice First four bytes: magic and version.
    function magicAndVersion(bytes calldata message) internal pure returns (bytes4) {
        return bytes4(message[0:4]);
    }

    /// @notice device_id: first 8 bytes of SHA-256(public key X || Y).
    function deviceId(bytes calldata message) internal pure returns (bytes8) {
        return bytes8(message[4:12]);
    }

    /// @notice timestamp_ms: reading time, Unix milliseconds UTC (signed).
    function timestampMs(bytes calldata message) internal pure returns (int64) {
        return int64(uint64(bytes8(message[26:34])));
    }

    /// @notice energy_mwh: cumulative production register in milliwatt-hours (must be <= 2^63 - 1).
    function energyMwh(bytes calldata message) internal pure returns (uint64) {
        return uint64(bytes8(message[42:50]));
    }

    /// @notice flags: bit0 clock synced, bit1 register restarted, bit2 first reading after boot.
    function flags(bytes calldata message) internal pure returns (uint16) {
        return uint16(bytes2(message[50:52]));
    }
}
