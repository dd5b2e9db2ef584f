// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {WattWitnessAnchor} from "../src/WattWitnessAnchor.sol";
import {IReceiver} from "../src/interfaces/IReceiver.sol";
import {AnchorFixture} from "./utils/AnchorFixture.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";

/// @notice Registry, report intake, views and administration of WattWitnessAnchor.
contract WattWitnessAnchorTest is AnchorFixture {
    bytes internal key1;
    bytes internal key2;
    bytes8 internal device1;
    bytes8 internal device2;
    bytes6 internal constant METER = 0x34945a1b2c3d;

    function setUp() public override {
        super.setUp();
        key1 = readingCase("valid-basic").publicKey;
        key2 = readingCase("valid-second-device").publicKey;
        device1 = bytes8(0x39bbdb115a7d41cb);
        device2 = bytes8(0xa9615c3401424804);
    }

    // ------------------------------------------------------------ constructor and admin

    function test_constructor_setsConfiguration() public view {
        assertEq(anchor.owner(), OWNER, "owner");
        assertEq(anchor.forwarder(), FORWARDER, "forwarder");
        assertEq(anchor.workflowOwner(), WORKFLOW_OWNER, "workflow owner");
        assertEq(bytes32(anchor.workflowName()), bytes32(WORKFLOW_NAME), "workflow name");
        assertEq(anchor.lastBatchId(), 0, "no batch yet");
    }

    function test_constructor_revertsOnZeroForwarder() public {
        vm.expectRevert(WattWitnessAnchor.ZeroAddress.selector);
        new WattWitnessAnchor(OWNER, address(0), WORKFLOW_OWNER, WORKFLOW_NAME);
    }

    function test_constructor_revertsOnZeroWorkflowOwner() public {
        vm.expectRevert(WattWitnessAnchor.ZeroAddress.selector);
        new WattWitnessAnchor(OWNER, FORWARDER, address(0), WORKFLOW_NAME);
    }

    function test_constructor_revertsOnZeroWorkflowName() public {
        vm.expectRevert(WattWitnessAnchor.ZeroWorkflowName.selector);
        new WattWitnessAnchor(OWNER, FORWARDER, WORKFLOW_OWNER, bytes10(0));
    }

    function test_setForwarder_updatesAndEmits() public {
        vm.expectEmit(false, false, false, true, address(anchor));
        emit WattWitnessAnchor.ForwarderUpdated(FORWARDER, address(0xF1));
        vm.prank(OWNER);
        anchor.setForwarder(address(0xF1));
        assertEq(anchor.forwarder(), address(0xF1), "forwarder");
    }

    function test_setForwarder_revertsOnZero() public {
        vm.prank(OWNER);
        vm.expectRevert(WattWitnessAnchor.ZeroAddress.selector);
        anchor.setForwarder(address(0));
    }

    function test_setForwarder_revertsForNonOwner() public {
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, address(this)));
        anchor.setForwarder(address(0xF1));
    }

    function test_setWorkflowIdentity_updatesAndEmits() public {
        vm.expectEmit(false, false, false, true, address(anchor));
        emit WattWitnessAnchor.WorkflowIdentityUpdated(address(0xB1), bytes10("0123456789"));
        vm.prank(OWNER);
        anchor.setWorkflowIdentity(address(0xB1), bytes10("0123456789"));
        assertEq(anchor.workflowOwner(), address(0xB1), "workflow owner");
        assertEq(bytes32(anchor.workflowName()), bytes32(bytes10("0123456789")), "workflow name");
    }

    function test_setWorkflowIdentity_reverts() public {
        vm.prank(OWNER);
        vm.expectRevert(WattWitnessAnchor.ZeroAddress.selector);
        anchor.setWorkflowIdentity(address(0), WORKFLOW_NAME);
        vm.prank(OWNER);
        vm.expectRevert(WattWitnessAnchor.ZeroWorkflowName.selector);
        anchor.setWorkflowIdentity(WORKFLOW_OWNER, bytes10(0));
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, address(this)));
        anchor.setWorkflowIdentity(WORKFLOW_OWNER, WORKFLOW_NAME);
    }

    function test_supportsInterface() public view {
        assertTrue(anchor.supportsInterface(type(IReceiver).interfaceId), "IReceiver");
        assertTrue(anchor.supportsInterface(type(IERC165).interfaceId), "IERC165");
        assertEq(uint32(type(IReceiver).interfaceId), uint32(IReceiver.onReport.selector), "interface id");
        assertFalse(anchor.supportsInterface(0xffffffff), "0xffffffff");
    }

    // ------------------------------------------------------------ registry

    function test_registerInstallation_storesKeyAndEmits() public {
        (bytes32 x, bytes32 y) = keyXY(key1);
        vm.expectEmit(true, true, false, true, address(anchor));
        emit WattWitnessAnchor.InstallationRegistered(7, device1, METER, x, y);
        vm.prank(OWNER);
        bytes8 deviceId = anchor.registerInstallation(7, METER, x, y);
        assertEq(bytes32(deviceId), bytes32(device1), "device id from vectors");

        WattWitnessAnchor.DeviceKey memory key = anchor.getDeviceKey(device1);
        assertEq(key.x, x, "x");
        assertEq(key.y, y, "y");
        assertEq(key.installationId, 7, "installation");
        assertEq(bytes32(key.meterId), bytes32(METER), "meter");
        assertEq(key.registeredAt, T0 - 3600, "registered at");
        assertEq(key.retiredAt, 0, "current");
        bytes8[] memory ids = anchor.getInstallationDeviceIds(7);
        assertEq(ids.length, 1, "one device");
        assertEq(bytes32(ids[0]), bytes32(device1), "device listed");
    }

    function test_deviceIdOf_matchesVectors() public view {
        (bytes32 x, bytes32 y) = keyXY(key2);
        assertEq(bytes32(anchor.deviceIdOf(x, y)), bytes32(device2), "second device id");
    }

    function test_registerInstallation_revertsForNonOwner() public {
        (bytes32 x, bytes32 y) = keyXY(key1);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, address(this)));
        anchor.registerInstallation(7, METER, x, y);
    }

    function test_registerInstallation_revertsOnZeroId() public {
        (bytes32 x, bytes32 y) = keyXY(key1);
        vm.prank(OWNER);
        vm.expectRevert(WattWitnessAnchor.InvalidInstallationId.selector);
        anchor.registerInstallation(0, METER, x, y);
    }

    function test_registerInstallation_revertsWhenInstallationExists() public {
        register(7, METER, key1);
        (bytes32 x, bytes32 y) = keyXY(key2);
        vm.prank(OWNER);
        vm.expectRevert(abi.encodeWithSelector(WattWitnessAnchor.InstallationExists.selector, uint64(7)));
        anchor.registerInstallation(7, METER, x, y);
    }

    function test_registerInstallation_revertsWhenKeyAlreadyRegistered() public {
        register(7, METER, key1);
        (bytes32 x, bytes32 y) = keyXY(key1);
        vm.prank(OWNER);
        vm.expectRevert(abi.encodeWithSelector(WattWitnessAnchor.DeviceKeyExists.selector, device1));
        anchor.registerInstallation(8, METER, x, y);
    }

    function test_registerInstallation_rejectsVectorKeysNotOnCurve() public {
        ReadingCase[] memory cases = readingCases();
        uint256 checked;
        for (uint256 i = 0; i < cases.length; ++i) {
            if (keccak256(bytes(cases[i].errorCode)) != keccak256("key_not_on_curve")) continue;
            (bytes32 x, bytes32 y) = keyXY(cases[i].publicKey);
            vm.prank(OWNER);
            vm.expectRevert(abi.encodeWithSelector(WattWitnessAnchor.KeyNotOnCurve.selector, x, y));
            anchor.registerInstallation(uint64(100 + i), METER, x, y);
            ++checked;
        }
        assertEq(checked, 2, "both key_not_on_curve vectors");
    }

    function test_registerInstallation_rejectsZeroPoint() public {
        vm.prank(OWNER);
        vm.expectRevert(abi.encodeWithSelector(WattWitnessAnchor.KeyNotOnCurve.selector, bytes32(0), bytes32(0)));
        anchor.registerInstallation(9, METER, bytes32(0), bytes32(0));
    }

    function test_rotateDeviceKey_keepsHistoryAndEmits() public {
        register(7, METER, key1);
        vm.warp(T0 + 1000);
        (bytes32 x, bytes32 y) = keyXY(key2);
        bytes6 newMeter = 0x112233445566;
        vm.expectEmit(true, true, true, true, address(anchor));
        emit WattWitnessAnchor.DeviceKeyRotated(7, device1, device2, newMeter, x, y);
        vm.prank(OWNER);
        bytes8 deviceId = anchor.rotateDeviceKey(7, newMeter, x, y);
        assertEq(bytes32(deviceId), bytes32(device2), "new device id");

        WattWitnessAnchor.DeviceKey[] memory keys = anchor.getInstallationKeys(7);
        assertEq(keys.length, 2, "history kept");
        assertEq(keys[0].retiredAt, T0 + 1000, "old key retired now");
        assertEq(keys[1].retiredAt, 0, "new key current");
        assertEq(bytes32(keys[1].meterId), bytes32(newMeter), "new meter");
        assertEq(keys[1].x, x, "new x");
        assertEq(anchor.getDeviceKey(device1).installationId, 7, "old key still resolvable");
    }

    function test_rotateDeviceKey_reverts() public {
        (bytes32 x, bytes32 y) = keyXY(key1);
        vm.prank(OWNER);
        vm.expectRevert(abi.encodeWithSelector(WattWitnessAnchor.UnknownInstallation.selector, uint64(7)));
        anchor.rotateDeviceKey(7, METER, x, y);

        register(7, METER, key1);
        vm.prank(OWNER);
        vm.expectRevert(abi.encodeWithSelector(WattWitnessAnchor.DeviceKeyExists.selector, device1));
        anchor.rotateDeviceKey(7, METER, x, y);

        vm.prank(OWNER);
        vm.expectRevert(abi.encodeWithSelector(WattWitnessAnchor.KeyNotOnCurve.selector, x, bytes32(uint256(y) ^ 1)));
        anchor.rotateDeviceKey(7, METER, x, bytes32(uint256(y) ^ 1));

        (bytes32 x2, bytes32 y2) = keyXY(key2);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, address(this)));
        anchor.rotateDeviceKey(7, METER, x2, y2);
    }

    function test_deviceViews() public {
        vm.expectRevert(abi.encodeWithSelector(WattWitnessAnchor.UnknownDevice.selector, device1));
        anchor.getDeviceKey(device1);
        vm.expectRevert(abi.encodeWithSelector(WattWitnessAnchor.UnknownInstallation.selector, uint64(7)));
        anchor.getInstallationKeys(7);
        assertEq(anchor.getInstallationDeviceIds(7).length, 0, "no ids for unknown installation");

        register(7, METER, key1);
        bytes8[] memory ids = new bytes8[](2);
        ids[0] = device2;
        ids[1] = device1;
        WattWitnessAnchor.DeviceKey[] memory keys = anchor.getDeviceKeys(ids);
        assertEq(keys.length, 2, "two entries");
        assertEq(keys[0].installationId, 0, "unknown device gives zero entry");
        assertEq(keys[0].x, bytes32(0), "zero x");
        assertEq(keys[1].installationId, 7, "known device");
    }

    // ------------------------------------------------------------ reports

    function test_onReport_anchorsBatchAndEmits() public {
        bytes32 root = keccak256("root");
        vm.warp(T0 + 600);
        vm.expectEmit(true, true, false, true, address(anchor));
        emit WattWitnessAnchor.BatchAnchored(1, root, 1000, T0, T0 + 300, WORKFLOW_ID);
        vm.prank(FORWARDER);
        anchor.onReport(metadata(), encodeReport(1, root, 1000, T0, T0 + 300));

        assertEq(anchor.lastBatchId(), 1, "last id");
        WattWitnessAnchor.Batch memory batch = anchor.getBatch(1);
        assertEq(batch.merkleRoot, root, "root");
        assertEq(batch.readingCount, 1000, "count");
        assertEq(batch.firstReadingTime, T0, "first");
        assertEq(batch.lastReadingTime, T0 + 300, "last");
        assertEq(batch.anchoredAt, T0 + 600, "anchored at");
        (uint64 lastId, WattWitnessAnchor.Batch memory last) = anchor.lastBatch();
        assertEq(lastId, 1, "lastBatch id");
        assertEq(last.merkleRoot, root, "lastBatch root");
    }

    function test_onReport_acceptsMetadataWithoutReportId() public {
        vm.prank(FORWARDER);
        anchor.onReport(
            abi.encodePacked(WORKFLOW_ID, WORKFLOW_NAME, WORKFLOW_OWNER), encodeReport(1, keccak256("r"), 1, T0, T0)
        );
        assertEq(anchor.lastBatchId(), 1, "anchored");
    }

    function test_onReport_sequenceOfBatches() public {
        for (uint64 i = 1; i <= 3; ++i) {
            anchorRoot(keccak256(abi.encode(i)), 10);
        }
        assertEq(anchor.lastBatchId(), 3, "three batches");
        assertEq(anchor.getBatch(2).merkleRoot, keccak256(abi.encode(uint64(2))), "second root");
    }

    function test_onReport_revertsOnReplayAndGap() public {
        anchorRoot(keccak256("one"), 1);
        bytes memory replay = encodeReport(1, keccak256("one"), 1, T0, T0);
        vm.prank(FORWARDER);
        vm.expectRevert(abi.encodeWithSelector(WattWitnessAnchor.UnexpectedBatchId.selector, uint64(2), uint64(1)));
        anchor.onReport(metadata(), replay);
        vm.prank(FORWARDER);
        vm.expectRevert(abi.encodeWithSelector(WattWitnessAnchor.UnexpectedBatchId.selector, uint64(2), uint64(3)));
        anchor.onReport(metadata(), encodeReport(3, keccak256("three"), 1, T0, T0));
    }

    function test_onReport_revertsForOtherSender() public {
        vm.expectRevert(abi.encodeWithSelector(WattWitnessAnchor.NotForwarder.selector, address(this)));
        anchor.onReport(metadata(), encodeReport(1, keccak256("r"), 1, T0, T0));
    }

    function test_onReport_revertsOnShortMetadata() public {
        vm.prank(FORWARDER);
        vm.expectRevert(abi.encodeWithSelector(WattWitnessAnchor.MetadataTooShort.selector, uint256(61)));
        anchor.onReport(new bytes(61), encodeReport(1, keccak256("r"), 1, T0, T0));
    }

    function test_onReport_revertsOnWrongWorkflowOwner() public {
        bytes memory md = abi.encodePacked(WORKFLOW_ID, WORKFLOW_NAME, address(0xBAD), bytes2(0x0001));
        vm.prank(FORWARDER);
        vm.expectRevert(
            abi.encodeWithSelector(WattWitnessAnchor.WrongWorkflowOwner.selector, WORKFLOW_OWNER, address(0xBAD))
        );
        anchor.onReport(md, encodeReport(1, keccak256("r"), 1, T0, T0));
    }

    function test_onReport_revertsOnWrongWorkflowName() public {
        bytes10 other = bytes10("ffffffffff");
        bytes memory md = abi.encodePacked(WORKFLOW_ID, other, WORKFLOW_OWNER, bytes2(0x0001));
        vm.prank(FORWARDER);
        vm.expectRevert(abi.encodeWithSelector(WattWitnessAnchor.WrongWorkflowName.selector, WORKFLOW_NAME, other));
        anchor.onReport(md, encodeReport(1, keccak256("r"), 1, T0, T0));
    }

    function test_onReport_revertsOnReportLength() public {
        bytes memory report = abi.encodePacked(encodeReport(1, keccak256("r"), 1, T0, T0), uint8(0));
        vm.prank(FORWARDER);
        vm.expectRevert(abi.encodeWithSelector(WattWitnessAnchor.ReportLength.selector, uint256(161)));
        anchor.onReport(metadata(), report);
        vm.prank(FORWARDER);
        vm.expectRevert(abi.encodeWithSelector(WattWitnessAnchor.ReportLength.selector, uint256(0)));
        anchor.onReport(metadata(), "");
    }

    function test_onReport_revertsOnFieldOutOfRange() public {
        bytes[4] memory reports = [
            abi.encode(uint256(1) << 64, keccak256("r"), uint256(1), uint256(T0), uint256(T0)),
            abi.encode(uint256(1), keccak256("r"), uint256(1) << 32, uint256(T0), uint256(T0)),
            abi.encode(uint256(1), keccak256("r"), uint256(1), uint256(1) << 64, uint256(T0)),
            abi.encode(uint256(1), keccak256("r"), uint256(1), uint256(T0), uint256(1) << 64)
        ];
        for (uint256 i = 0; i < reports.length; ++i) {
            vm.prank(FORWARDER);
            vm.expectRevert(WattWitnessAnchor.ReportFieldOutOfRange.selector);
            anchor.onReport(metadata(), reports[i]);
        }
    }

    function test_onReport_revertsOnEmptyBatch() public {
        vm.prank(FORWARDER);
        vm.expectRevert(WattWitnessAnchor.EmptyBatch.selector);
        anchor.onReport(metadata(), encodeReport(1, keccak256("r"), 0, T0, T0));
    }

    function test_onReport_revertsOnZeroRoot() public {
        vm.prank(FORWARDER);
        vm.expectRevert(WattWitnessAnchor.ZeroMerkleRoot.selector);
        anchor.onReport(metadata(), encodeReport(1, bytes32(0), 1, T0, T0));
    }

    function test_onReport_revertsOnTimesOutOfOrder() public {
        vm.prank(FORWARDER);
        vm.expectRevert(abi.encodeWithSelector(WattWitnessAnchor.ReadingTimesOutOfOrder.selector, T0 + 1, T0));
        anchor.onReport(metadata(), encodeReport(1, keccak256("r"), 1, T0 + 1, T0));
    }

    function test_batchViews_revertWhenMissing() public {
        vm.expectRevert(abi.encodeWithSelector(WattWitnessAnchor.BatchNotAnchored.selector, uint64(0)));
        anchor.lastBatch();
        vm.expectRevert(abi.encodeWithSelector(WattWitnessAnchor.BatchNotAnchored.selector, uint64(5)));
        anchor.getBatch(5);
    }
}
