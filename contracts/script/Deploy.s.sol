// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {LocalForwarder} from "../src/LocalForwarder.sol";
import {WattWitnessAnchor} from "../src/WattWitnessAnchor.sol";
import {Base} from "../test/utils/Base.sol";

/// @title Deploy
/// @notice Deploys WattWitnessAnchor (and, on a local chain, a LocalForwarder) and writes the addresses to
///         deployments/<chainId>.json (or DEPLOYMENT_FILE).
/// @dev Environment:
///      DEPLOYER_PRIVATE_KEY  key that pays and becomes owner of both contracts (required)
///      WORKFLOW_OWNER        CRE workflow owner address expected in report metadata (required)
///      WORKFLOW_NAME         CRE workflow name; stored as bytes10 = first 10 hex chars of SHA-256(name) (required)
///      FORWARDER_ADDRESS     Keystone forwarder of the chain (Fuji: from the CRE docs); unset = deploy LocalForwarder
///      LOCAL_DON_SIGNER_KEYS comma-separated private keys of the local DON signers (4 keys: f = 1); the
///                            LocalForwarder is configured with their addresses, the local runner signs with them
///      LOCAL_DON_ID          DON id of the LocalForwarder configuration (default 1, config version 1)
///      DEPLOYMENT_FILE       output path (default deployments/<chainId>.json)
contract Deploy is Base {
    function run() external {
        uint256 deployerKey = vm.envUint("DEPLOYER_PRIVATE_KEY");
        address deployer = vm.addr(deployerKey);
        address workflowOwner = vm.envAddress("WORKFLOW_OWNER");
        bytes10 workflowName = encodeWorkflowName(vm.envString("WORKFLOW_NAME"));
        address forwarder = vm.envOr("FORWARDER_ADDRESS", address(0));
        bool local = forwarder == address(0);

        vm.startBroadcast(deployerKey);
        if (local) {
            LocalForwarder localForwarder = new LocalForwarder(deployer);
            uint256[] memory signerKeys = vm.envUint("LOCAL_DON_SIGNER_KEYS", ",");
            address[] memory signers = new address[](signerKeys.length);
            for (uint256 i = 0; i < signerKeys.length; ++i) {
                signers[i] = vm.addr(signerKeys[i]);
            }
            uint8 f = uint8((signers.length - 1) / 3);
            localForwarder.setConfig(uint32(vm.envOr("LOCAL_DON_ID", uint256(1))), 1, f, signers);
            forwarder = address(localForwarder);
        }
        WattWitnessAnchor anchor = new WattWitnessAnchor(deployer, forwarder, workflowOwner, workflowName);
        vm.stopBroadcast();

        string memory path =
            vm.envOr("DEPLOYMENT_FILE", string.concat("deployments/", vm.toString(block.chainid), ".json"));
        string memory json = string.concat(
            "{\"chainId\":",
            vm.toString(block.chainid),
            ",\"anchor\":\"",
            vm.toString(address(anchor)),
            "\",\"forwarder\":\"",
            vm.toString(forwarder),
            "\",\"localForwarder\":",
            local ? "true" : "false",
            ",\"workflowOwner\":\"",
            vm.toString(workflowOwner),
            "\",\"workflowName\":\"",
            vm.toString(bytes32(workflowName)),
            "\"}\n"
        );
        vm.writeFile(path, json);
        log(string.concat("WattWitnessAnchor deployed at ", vm.toString(address(anchor)), " -> ", path));
    }

    /// @notice CRE's bytes10 workflow name: the first 10 characters of hex(SHA-256(name)), as ASCII bytes.
    function encodeWorkflowName(string memory name) public pure returns (bytes10 encoded) {
        bytes memory hexHash = bytes(vm.toString(sha256(bytes(name)))); // "0x" + 64 lowercase hex digits
        for (uint256 i = 0; i < 10; ++i) {
            encoded |= bytes10(hexHash[2 + i]) >> (8 * i);
        }
    }
}
