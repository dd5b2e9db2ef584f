// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Deploy} from "../script/Deploy.s.sol";
import {Base} from "./utils/Base.sol";

/// @notice The deploy script encodes workflow names the way CRE writes them into report metadata.
contract DeployScriptTest is Base {
    function test_encodeWorkflowName_isFirstTenHexCharsOfSha256() public {
        Deploy deploy = new Deploy();
        // python3: hashlib.sha256(b"wattwitness-anchor").hexdigest()[:10] == "3057fae827"
        assertEq(bytes32(deploy.encodeWorkflowName("wattwitness-anchor")), bytes32(bytes10("3057fae827")), "name");
    }
}
