// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {LocalForwarder} from "../src/LocalForwarder.sol";
import {WattWitnessAnchor} from "../src/WattWitnessAnchor.sol";
import {AnchorFixture} from "./utils/AnchorFixture.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @notice LocalForwarder delivers raw reports to onReport the way the Keystone forwarder does.
contract LocalForwarderTest is AnchorFixture {
    LocalForwarder internal forwarder;
    uint256[4] internal signerKeys = [uint256(0x51), 0x52, 0x53, 0x54];
    uint32 internal constant DON_ID = 1;
    uint32 internal constant CONFIG_VERSION = 1;

    function setUp() public override {
        super.setUp();
        forwarder = new LocalForwarder(OWNER);
        vm.prank(OWNER);
        anchor.setForwarder(address(forwarder));
        address[] memory signers = new address[](4);
        for (uint256 i = 0; i < 4; ++i) {
            signers[i] = vm.addr(signerKeys[i]);
        }
        vm.prank(OWNER);
        forwarder.setConfig(DON_ID, CONFIG_VERSION, 1, signers);
    }

    function rawReport(bytes32 executionId, bytes memory payload) internal pure returns (bytes memory) {
        return bytes.concat(
            abi.encodePacked(bytes1(0x01), executionId, uint32(T0), DON_ID, CONFIG_VERSION), metadata(), payload
        );
    }

    function sign(bytes memory raw, bytes memory context, uint256 key) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, keccak256(bytes.concat(keccak256(raw), context)));
        return abi.encodePacked(r, s, v - 27);
    }

    function signatures(bytes memory raw, uint256 a, uint256 b) internal pure returns (bytes[] memory sigs) {
        sigs = new bytes[](2);
        sigs[0] = sign(raw, "ctx", a);
        sigs[1] = sign(raw, "ctx", b);
    }

    function test_report_deliversToReceiver() public {
        bytes memory raw = rawReport(keccak256("exec-1"), encodeReport(1, keccak256("root"), 5, T0, T0 + 40));
        vm.expectEmit(true, true, true, true, address(forwarder));
        emit LocalForwarder.ReportProcessed(address(anchor), keccak256("exec-1"), bytes2(0x0001), true);
        forwarder.report(address(anchor), raw, "ctx", signatures(raw, signerKeys[0], signerKeys[2]));
        assertEq(anchor.lastBatchId(), 1, "anchored through the forwarder");
        assertEq(anchor.getBatch(1).merkleRoot, keccak256("root"), "root");
        (address transmitter, bool success) =
            forwarder.getTransmission(address(anchor), keccak256("exec-1"), bytes2(0x0001));
        assertEq(transmitter, address(this), "transmitter");
        assertTrue(success, "success recorded");
    }

    function test_report_recordsReceiverRevertAsFailure() public {
        bytes memory raw = rawReport(keccak256("exec-2"), encodeReport(2, keccak256("root"), 5, T0, T0));
        forwarder.report(address(anchor), raw, "ctx", signatures(raw, signerKeys[0], signerKeys[1]));
        (address transmitter, bool success) =
            forwarder.getTransmission(address(anchor), keccak256("exec-2"), bytes2(0x0001));
        assertEq(transmitter, address(this), "attempted");
        assertFalse(success, "UnexpectedBatchId inside onReport is a failed delivery");
        assertEq(anchor.lastBatchId(), 0, "nothing anchored");
    }

    function test_report_nonReceiverIsFailure() public {
        bytes memory raw = rawReport(keccak256("exec-3"), "");
        forwarder.report(address(0xDEAD), raw, "ctx", signatures(raw, signerKeys[0], signerKeys[1]));
        (, bool success) = forwarder.getTransmission(address(0xDEAD), keccak256("exec-3"), bytes2(0x0001));
        assertFalse(success, "EOA is no receiver");
    }

    function test_report_reverts() public {
        bytes memory raw = rawReport(keccak256("exec-4"), encodeReport(1, keccak256("root"), 5, T0, T0));
        bytes[] memory sigs = signatures(raw, signerKeys[0], signerKeys[1]);

        vm.expectRevert(LocalForwarder.InvalidReport.selector);
        forwarder.report(address(anchor), new bytes(108), "ctx", sigs);

        bytes[] memory one = new bytes[](1);
        one[0] = sigs[0];
        vm.expectRevert(abi.encodeWithSelector(LocalForwarder.InvalidSignatureCount.selector, 2, 1));
        forwarder.report(address(anchor), raw, "ctx", one);

        bytes[] memory dup = new bytes[](2);
        dup[0] = sigs[0];
        dup[1] = sigs[0];
        vm.expectRevert(abi.encodeWithSelector(LocalForwarder.DuplicateSigner.selector, vm.addr(signerKeys[0])));
        forwarder.report(address(anchor), raw, "ctx", dup);

        bytes[] memory stranger = signatures(raw, signerKeys[0], 0x99);
        vm.expectRevert(abi.encodeWithSelector(LocalForwarder.InvalidSigner.selector, vm.addr(0x99)));
        forwarder.report(address(anchor), raw, "ctx", stranger);

        bytes[] memory short = new bytes[](2);
        short[0] = sigs[0];
        short[1] = new bytes(64);
        vm.expectRevert(abi.encodeWithSelector(LocalForwarder.InvalidSignature.selector, new bytes(64)));
        forwarder.report(address(anchor), raw, "ctx", short);

        bytes memory otherDon = bytes.concat(raw);
        otherDon[40] = 0x02; // don_id 2
        vm.expectRevert(abi.encodeWithSelector(LocalForwarder.InvalidConfig.selector, (uint64(2) << 32) | 1));
        forwarder.report(address(anchor), otherDon, "ctx", sigs);

        forwarder.report(address(anchor), raw, "ctx", sigs);
        bytes32 id = forwarder.getTransmissionId(address(anchor), keccak256("exec-4"), bytes2(0x0001));
        vm.expectRevert(abi.encodeWithSelector(LocalForwarder.AlreadyAttempted.selector, id));
        forwarder.report(address(anchor), raw, "ctx", sigs);
    }

    function test_setConfig_rules() public {
        address[] memory three = new address[](3);
        three[0] = address(1);
        three[1] = address(2);
        three[2] = address(3);
        vm.startPrank(OWNER);
        vm.expectRevert(LocalForwarder.FaultToleranceMustBePositive.selector);
        forwarder.setConfig(2, 1, 0, three);
        vm.expectRevert(abi.encodeWithSelector(LocalForwarder.InsufficientSigners.selector, 3, 4));
        forwarder.setConfig(2, 1, 1, three);
        address[] memory dup = new address[](4);
        dup[0] = address(1);
        dup[1] = address(2);
        dup[2] = address(3);
        dup[3] = address(1);
        vm.expectRevert(abi.encodeWithSelector(LocalForwarder.DuplicateSigner.selector, address(1)));
        forwarder.setConfig(2, 1, 1, dup);
        vm.expectRevert(abi.encodeWithSelector(LocalForwarder.ExcessSigners.selector, 32, 31));
        forwarder.setConfig(2, 1, 1, new address[](32));
        vm.stopPrank();
        (uint8 f, address[] memory signers) = forwarder.getConfig(DON_ID, CONFIG_VERSION);
        assertEq(f, 1, "f");
        assertEq(signers.length, 4, "signers");
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, address(this)));
        forwarder.setConfig(2, 1, 1, signers);
    }
}
