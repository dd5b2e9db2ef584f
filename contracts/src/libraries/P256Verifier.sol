// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title P256Verifier
/// @notice ECDSA P-256 (secp256r1) checks for WattWitness readings through the P256VERIFY precompile.
/// @dev Precompile at address 0x100 as specified by EIP-7951 (Osaka; on Avalanche C-Chain since Granite, ACP-204).
///      Input: 160 bytes hash || r || s || x || y. Output: 32 bytes 0x..01 when valid, empty otherwise.
///      Range and low-S rules follow reading-format SPEC ("Signature"): r, s in [1, n-1]; anchored signatures are low-S.
library P256Verifier {
    /// @notice Address of the P256VERIFY precompile (EIP-7951).
    address internal constant PRECOMPILE = address(0x100);

    /// @notice Order n of the P-256 group.
    uint256 internal constant N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551;

    /// @notice floor(n / 2): the largest low-S value.
    uint256 internal constant HALF_N = 0x7FFFFFFF800000007FFFFFFFFFFFFFFFDE737D56D38BCF4279DCE5617E3192A8;

    /// @notice Field prime p of P-256.
    uint256 internal constant P = 0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF;

    /// @notice Curve coefficient b of P-256 (a = -3).
    uint256 internal constant B = 0x5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B;

    /// @notice True when (x, y) is a point of P-256 other than the point at infinity.
    /// @param x Affine x coordinate, big-endian, must be < p.
    /// @param y Affine y coordinate, big-endian, must be < p.
    function isOnCurve(uint256 x, uint256 y) internal pure returns (bool) {
        if (x >= P || y >= P || (x == 0 && y == 0)) return false;
        uint256 lhs = mulmod(y, y, P);
        uint256 rhs = addmod(addmod(mulmod(mulmod(x, x, P), x, P), mulmod(P - 3, x, P), P), B, P);
        return lhs == rhs;
    }

    /// @notice True when r and s lie in [1, n-1] and s is low (s <= n/2).
    function isLowSInRange(uint256 r, uint256 s) internal pure returns (bool) {
        return r != 0 && r < N && s != 0 && s <= HALF_N;
    }

    /// @notice Calls the precompile; true only for a valid signature.
    /// @param digest SHA-256 of the signed message.
    /// @param r Signature r. @param s Signature s. @param x Public key x. @param y Public key y.
    /// @return valid False for an invalid signature and also when the precompile is absent (empty return data).
    function verify(bytes32 digest, uint256 r, uint256 s, uint256 x, uint256 y) internal view returns (bool valid) {
        (bool ok, bytes memory out) = PRECOMPILE.staticcall(abi.encode(digest, r, s, x, y));
        return ok && out.length == 32 && abi.decode(out, (uint256)) == 1;
    }
}
