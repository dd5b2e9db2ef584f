// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {WattWitnessAnchor} from "../src/WattWitnessAnchor.sol";
import {Base} from "../test/utils/Base.sol";

/// @title RegisterInstallations
/// @notice Registers installations listed by the WattWitness API (GET /api/v1/installations/, saved to a file):
///         new installations are registered, installations whose current key differs get their key rotated,
///         unchanged ones are skipped.
/// @dev Environment:
///      DEPLOYER_PRIVATE_KEY  anchor owner key (required)
///      ANCHOR_ADDRESS        WattWitnessAnchor address (required)
///      INSTALLATIONS_FILE    JSON array of {id, shelly_mac (12 hex), public_key (128 hex), ...} (required)
contract RegisterInstallations is Base {
    function run() external {
        uint256 ownerKey = vm.envUint("DEPLOYER_PRIVATE_KEY");
        WattWitnessAnchor anchor = WattWitnessAnchor(vm.envAddress("ANCHOR_ADDRESS"));
        string memory json = vm.readFile(vm.envString("INSTALLATIONS_FILE"));

        vm.startBroadcast(ownerKey);
        uint256 i;
        while (vm.keyExistsJson(json, string.concat("$[", vm.toString(i), "]"))) {
            string memory item = string.concat("$[", vm.toString(i), "]");
            uint64 id = uint64(vm.parseJsonUint(json, string.concat(item, ".id")));
            bytes6 meter = bytes6(vm.parseBytes(vm.parseJsonString(json, string.concat(item, ".shelly_mac"))));
            bytes memory key = vm.parseBytes(vm.parseJsonString(json, string.concat(item, ".public_key")));
            (bytes32 x, bytes32 y) = split(key);
            bytes8[] memory devices = anchor.getInstallationDeviceIds(id);
            if (devices.length == 0) {
                anchor.registerInstallation(id, meter, x, y);
                log("registered installation", id);
            } else if (devices[devices.length - 1] != anchor.deviceIdOf(x, y)) {
                anchor.rotateDeviceKey(id, meter, x, y);
                log("rotated device key of installation", id);
            } else {
                log("unchanged installation", id);
            }
            ++i;
        }
        vm.stopBroadcast();
        log("installations processed", i);
    }

    function split(bytes memory key) internal pure returns (bytes32 x, bytes32 y) {
        if (key.length != 64) revert AssertionFailed("public_key must be 64 bytes (128 hex characters)");
        assembly {
            x := mload(add(key, 32))
            y := mload(add(key, 64))
        }
    }
}
