// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";

/// @title IReceiver
/// @notice Receiver of Chainlink CRE reports, as delivered by the Keystone forwarder.
/// @dev Written from the CRE "Building Consumer Contracts" guide: the forwarder checks ERC-165 support for this
///      interface, then calls onReport. The IReceiver of chainlink contracts 1.2.0 predates that and lacks IERC165.
interface IReceiver is IERC165 {
    /// @notice Delivers one report produced and signed by a workflow DON.
    /// @param metadata abi.encodePacked(bytes32 workflowId, bytes10 workflowName, address workflowOwner, bytes2 reportId),
    ///        64 bytes: bytes 45..109 of the forwarder's raw report header.
    /// @param report The workflow's own payload, the bytes after the 109-byte header.
    function onReport(bytes calldata metadata, bytes calldata report) external;
}
