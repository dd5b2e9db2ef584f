// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {P256Verifier} from "../src/libraries/P256Verifier.sol";
import {Base} from "./utils/Base.sol";

/// @notice The EVM that forge tests run on (evm_version = osaka) has the P256VERIFY precompile at 0x100.
contract P256PrecompileTest is Base {
    function test_precompileAcceptsVmSignature() public view {
        uint256 pk = 0xC0FFEE;
        (uint256 x, uint256 y) = vm.publicKeyP256(pk);
        bytes32 digest = sha256("wattwitness");
        (bytes32 r, bytes32 s) = vm.signP256(pk, digest);
        (bool ok, bytes memory out) = address(0x100).staticcall(abi.encode(digest, r, s, x, y));
        assertTrue(ok, "staticcall");
        assertEq(out.length, 32, "output length");
        assertEq(abi.decode(out, (uint256)), 1, "precompile result");
        assertTrue(P256Verifier.verify(digest, uint256(r), uint256(s), x, y), "library verify");
        assertFalse(P256Verifier.verify(sha256("other"), uint256(r), uint256(s), x, y), "other digest");
    }
}
