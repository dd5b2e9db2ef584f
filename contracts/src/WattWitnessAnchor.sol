// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IReceiver} from "./interfaces/IReceiver.sol";
import {P256Verifier} from "./libraries/P256Verifier.sol";
import {ReadingMessage} from "./libraries/ReadingMessage.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";

/// @title WattWitnessAnchor
/// @notice Anchors Merkle roots of sealed batches of signed meter readings, delivered by a Chainlink CRE workflow
///         through the Keystone forwarder, keeps the registry of installations and their device keys, and lets
///         anyone verify any reading on chain: Merkle proof against the anchored root plus the device's P-256
///         signature through the P256VERIFY precompile (EIP-7951).
/// @dev Reading format, leaf and tree rules: reading-format/SPEC.md. Report layout: contracts/README.md ("Report").
contract WattWitnessAnchor is IReceiver, Ownable2Step {
    /// @notice One anchored batch. Times are Unix seconds.
    struct Batch {
        bytes32 merkleRoot;
        uint32 readingCount;
        uint64 firstReadingTime;
        uint64 lastReadingTime;
        uint64 anchoredAt;
    }

    /// @notice One device key (P-256 public key X||Y) of an installation. Times are block timestamps (Unix s);
    ///         retiredAt is 0 while the key is current. meterId records the meter MAC the device was installed on;
    ///         it is informational (verification rules, like the reading-format verifier, do not bind it).
    struct DeviceKey {
        bytes32 x;
        bytes32 y;
        uint64 installationId;
        bytes6 meterId;
        uint64 registeredAt;
        uint64 retiredAt;
    }

    /// @notice Outcome of checkReading; only Valid makes verifyReading return true.
    enum ReadingStatus {
        Valid,
        UnknownBatch,
        MessageLength,
        MagicOrVersion,
        ReservedFlags,
        EnergyRange,
        UnknownDevice,
        KeyRetired,
        SignatureLength,
        SignatureRange,
        HighS,
        NotInBatch,
        BadSignature
    }

    /// @notice Length of the report payload: abi.encode(uint64, bytes32, uint32, uint64, uint64).
    uint256 public constant REPORT_LENGTH = 160;

    /// @notice Minimum metadata length: bytes32 workflowId, bytes10 workflowName, address workflowOwner.
    uint256 public constant MIN_METADATA_LENGTH = 62;

    /// @notice The only address allowed to call onReport (the Keystone forwarder of the chain).
    address public forwarder;

    /// @notice Expected workflow owner in report metadata.
    address public workflowOwner;

    /// @notice Expected workflow name in report metadata: first 10 hex characters of SHA-256(name), as ASCII.
    bytes10 public workflowName;

    /// @notice Id of the last anchored batch; 0 before the first batch (batch ids start at 1).
    uint64 public lastBatchId;

    mapping(uint64 batchId => Batch) private _batches;
    mapping(bytes8 deviceId => DeviceKey) private _deviceKeys;
    mapping(uint64 installationId => bytes8[]) private _installationDevices;

    /// @notice A batch was anchored. Times in Unix seconds.
    event BatchAnchored(
        uint64 indexed batchId,
        bytes32 merkleRoot,
        uint32 readingCount,
        uint64 firstReadingTime,
        uint64 lastReadingTime,
        bytes32 indexed workflowId
    );

    /// @notice An installation was registered with its first device key.
    event InstallationRegistered(
        uint64 indexed installationId, bytes8 indexed deviceId, bytes6 meterId, bytes32 x, bytes32 y
    );

    /// @notice An installation's device key was replaced; the previous key is kept, retired.
    event DeviceKeyRotated(
        uint64 indexed installationId,
        bytes8 indexed previousDeviceId,
        bytes8 indexed deviceId,
        bytes6 meterId,
        bytes32 x,
        bytes32 y
    );

    /// @notice The forwarder allowed to deliver reports was changed.
    event ForwarderUpdated(address previousForwarder, address forwarder);

    /// @notice The expected workflow identity was changed.
    event WorkflowIdentityUpdated(address workflowOwner, bytes10 workflowName);

    /// @notice onReport called by another address than the configured forwarder.
    error NotForwarder(address sender);
    /// @notice Report metadata shorter than 62 bytes.
    error MetadataTooShort(uint256 length);
    /// @notice Report from a workflow owned by another address.
    error WrongWorkflowOwner(address expected, address actual);
    /// @notice Report from a workflow with another name.
    error WrongWorkflowName(bytes10 expected, bytes10 actual);
    /// @notice Report payload not exactly REPORT_LENGTH bytes.
    error ReportLength(uint256 length);
    /// @notice A report field does not fit its declared type (uint64 / uint32).
    error ReportFieldOutOfRange();
    /// @notice Batch id is not last anchored + 1.
    error UnexpectedBatchId(uint64 expected, uint64 actual);
    /// @notice Batch with zero readings.
    error EmptyBatch();
    /// @notice Batch with a zero Merkle root.
    error ZeroMerkleRoot();
    /// @notice First reading time after the last reading time.
    error ReadingTimesOutOfOrder(uint64 firstReadingTime, uint64 lastReadingTime);
    /// @notice No batch with this id has been anchored.
    error BatchNotAnchored(uint64 batchId);
    /// @notice The zero address where an address is required.
    error ZeroAddress();
    /// @notice A zero workflow name.
    error ZeroWorkflowName();
    /// @notice Installation id 0 is reserved.
    error InvalidInstallationId();
    /// @notice The installation is registered already.
    error InstallationExists(uint64 installationId);
    /// @notice The installation is not registered.
    error UnknownInstallation(uint64 installationId);
    /// @notice The public key is not a point of P-256.
    error KeyNotOnCurve(bytes32 x, bytes32 y);
    /// @notice This device key is registered already (to this or another installation).
    error DeviceKeyExists(bytes8 deviceId);
    /// @notice The device key is unknown.
    error UnknownDevice(bytes8 deviceId);

    /// @notice Deploys the anchor.
    /// @param initialOwner Registry and configuration administrator.
    /// @param forwarder_ Keystone forwarder address (LocalForwarder on anvil).
    /// @param workflowOwner_ Expected workflow owner address from report metadata.
    /// @param workflowName_ Expected bytes10 workflow name (first 10 hex chars of SHA-256(name), ASCII).
    constructor(address initialOwner, address forwarder_, address workflowOwner_, bytes10 workflowName_)
        Ownable(initialOwner)
    {
        _setForwarder(forwarder_);
        _setWorkflowIdentity(workflowOwner_, workflowName_);
    }

    // ------------------------------------------------------------------ reports

    /// @inheritdoc IReceiver
    /// @dev Reverts NotForwarder, MetadataTooShort, WrongWorkflowOwner, WrongWorkflowName, ReportLength,
    ///      ReportFieldOutOfRange, UnexpectedBatchId, EmptyBatch, ZeroMerkleRoot, ReadingTimesOutOfOrder.
    ///      Report: abi.encode(uint64 batchId, bytes32 merkleRoot, uint32 readingCount, uint64 firstReadingTime,
    ///      uint64 lastReadingTime), times in Unix seconds.
    function onReport(bytes calldata metadata, bytes calldata report) external override {
        if (msg.sender != forwarder) revert NotForwarder(msg.sender);
        if (metadata.length < MIN_METADATA_LENGTH) revert MetadataTooShort(metadata.length);
        bytes32 workflowId = bytes32(metadata[0:32]);
        bytes10 name = bytes10(metadata[32:42]);
        address owner_ = address(bytes20(metadata[42:62]));
        if (owner_ != workflowOwner) revert WrongWorkflowOwner(workflowOwner, owner_);
        if (name != workflowName) revert WrongWorkflowName(workflowName, name);
        if (report.length != REPORT_LENGTH) revert ReportLength(report.length);

        (uint64 batchId, Batch memory batch) = _decodeReport(report);
        uint64 expected = lastBatchId + 1;
        if (batchId != expected) revert UnexpectedBatchId(expected, batchId);
        if (batch.readingCount == 0) revert EmptyBatch();
        if (batch.merkleRoot == bytes32(0)) revert ZeroMerkleRoot();
        if (batch.firstReadingTime > batch.lastReadingTime) {
            revert ReadingTimesOutOfOrder(batch.firstReadingTime, batch.lastReadingTime);
        }
        batch.anchoredAt = uint64(block.timestamp);
        _batches[batchId] = batch;
        lastBatchId = batchId;
        emit BatchAnchored(
            batchId, batch.merkleRoot, batch.readingCount, batch.firstReadingTime, batch.lastReadingTime, workflowId
        );
    }

    /// @inheritdoc IERC165
    function supportsInterface(bytes4 interfaceId) external pure override returns (bool) {
        return interfaceId == type(IReceiver).interfaceId || interfaceId == type(IERC165).interfaceId;
    }

    // ------------------------------------------------------------------ verification

    /// @notice Checks one reading against an anchored batch: Merkle proof against the batch root, then the P-256
    ///         signature (SHA-256 of the message) against the registered device key through P256VERIFY (0x100).
    /// @param message The 52-byte v1 reading message.
    /// @param signature Low-S raw r||s, 64 bytes, as hashed into the leaf.
    /// @param batchId Anchored batch holding the reading.
    /// @param proof Sibling hashes from leaf to root (OpenZeppelin MerkleProof, commutative keccak256).
    /// @return True only when checkReading returns Valid; false for any tampering or unknown batch or device.
    function verifyReading(bytes calldata message, bytes calldata signature, uint64 batchId, bytes32[] calldata proof)
        external
        view
        returns (bool)
    {
        return checkReading(message, signature, batchId, proof) == ReadingStatus.Valid;
    }

    /// @notice Same checks as verifyReading, giving the first failing rule.
    /// @dev Order: batch, message format (length, magic/version, reserved flags, energy <= 2^63-1), device key
    ///      (known, not retired before the reading time), signature form (64 bytes, r and s in
    ///      [1, n-1], low S), Merkle proof, signature.
    function checkReading(bytes calldata message, bytes calldata signature, uint64 batchId, bytes32[] calldata proof)
        public
        view
        returns (ReadingStatus)
    {
        bytes32 root = _batches[batchId].merkleRoot;
        if (root == bytes32(0)) return ReadingStatus.UnknownBatch;
        ReadingStatus status = _checkMessage(message);
        if (status != ReadingStatus.Valid) return status;
        DeviceKey storage key = _deviceKeys[ReadingMessage.deviceId(message)];
        status = _checkKey(key, message);
        if (status != ReadingStatus.Valid) return status;
        status = _checkSignatureForm(signature);
        if (status != ReadingStatus.Valid) return status;
        if (!MerkleProof.verifyCalldata(proof, root, leafHash(message, signature))) return ReadingStatus.NotInBatch;
        if (!P256Verifier.verify(
                sha256(message),
                uint256(bytes32(signature[0:32])),
                uint256(bytes32(signature[32:64])),
                uint256(key.x),
                uint256(key.y)
            )) {
            return ReadingStatus.BadSignature;
        }
        return ReadingStatus.Valid;
    }

    /// @notice Merkle leaf of a reading: keccak256(keccak256(message || signature)) (reading-format SPEC, Merkle).
    /// @param message The 52-byte message. @param signature The low-S 64-byte signature.
    function leafHash(bytes calldata message, bytes calldata signature) public pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(bytes.concat(message, signature))));
    }

    // ------------------------------------------------------------------ registry

    /// @notice Registers an installation with its first device key. Only the owner.
    /// @param installationId The installation's id in the WattWitness API (> 0).
    /// @param meterId The Shelly EM MAC (6 bytes) that the device reads.
    /// @param x Device public key X (P-256, big-endian). @param y Device public key Y.
    /// @return deviceId First 8 bytes of SHA-256(x || y), as carried in every reading of this device.
    /// @dev Reverts InvalidInstallationId, InstallationExists, KeyNotOnCurve, DeviceKeyExists.
    function registerInstallation(uint64 installationId, bytes6 meterId, bytes32 x, bytes32 y)
        external
        onlyOwner
        returns (bytes8 deviceId)
    {
        if (installationId == 0) revert InvalidInstallationId();
        if (_installationDevices[installationId].length != 0) revert InstallationExists(installationId);
        deviceId = _addKey(installationId, meterId, x, y);
        emit InstallationRegistered(installationId, deviceId, meterId, x, y);
    }

    /// @notice Replaces an installation's device key (new secure element or meter). The previous key is kept,
    ///         retired at this block's time: its readings up to then stay verifiable. Only the owner.
    /// @param installationId A registered installation. @param meterId Meter MAC read by the new device.
    /// @param x New public key X. @param y New public key Y.
    /// @return deviceId The new key's device id.
    /// @dev Reverts UnknownInstallation, KeyNotOnCurve, DeviceKeyExists.
    function rotateDeviceKey(uint64 installationId, bytes6 meterId, bytes32 x, bytes32 y)
        external
        onlyOwner
        returns (bytes8 deviceId)
    {
        bytes8[] storage devices = _installationDevices[installationId];
        uint256 count = devices.length;
        if (count == 0) revert UnknownInstallation(installationId);
        bytes8 previous = devices[count - 1];
        deviceId = _addKey(installationId, meterId, x, y);
        _deviceKeys[previous].retiredAt = uint64(block.timestamp);
        emit DeviceKeyRotated(installationId, previous, deviceId, meterId, x, y);
    }

    /// @notice Changes the forwarder allowed to call onReport. Only the owner. Reverts ZeroAddress.
    function setForwarder(address forwarder_) external onlyOwner {
        _setForwarder(forwarder_);
    }

    /// @notice Changes the expected workflow owner and name. Only the owner. Reverts ZeroAddress, ZeroWorkflowName.
    function setWorkflowIdentity(address workflowOwner_, bytes10 workflowName_) external onlyOwner {
        _setWorkflowIdentity(workflowOwner_, workflowName_);
    }

    // ------------------------------------------------------------------ views

    /// @notice The last anchored batch and its id. Reverts BatchNotAnchored(0) before the first batch.
    function lastBatch() external view returns (uint64 batchId, Batch memory batch) {
        batchId = lastBatchId;
        batch = getBatch(batchId);
    }

    /// @notice An anchored batch by id. Reverts BatchNotAnchored.
    function getBatch(uint64 batchId) public view returns (Batch memory batch) {
        batch = _batches[batchId];
        if (batch.merkleRoot == bytes32(0)) revert BatchNotAnchored(batchId);
    }

    /// @notice A device key by device id. Reverts UnknownDevice.
    function getDeviceKey(bytes8 deviceId) external view returns (DeviceKey memory key) {
        key = _deviceKeys[deviceId];
        if (key.installationId == 0) revert UnknownDevice(deviceId);
    }

    /// @notice Device keys for many device ids in one call (used by the workflow). Unknown ids give an all-zero
    ///         entry (installationId 0) instead of reverting.
    function getDeviceKeys(bytes8[] calldata deviceIds) external view returns (DeviceKey[] memory keys) {
        keys = new DeviceKey[](deviceIds.length);
        for (uint256 i = 0; i < deviceIds.length; ++i) {
            keys[i] = _deviceKeys[deviceIds[i]];
        }
    }

    /// @notice All device keys an installation ever had, oldest first; the last one is current.
    ///         Reverts UnknownInstallation.
    function getInstallationKeys(uint64 installationId) external view returns (DeviceKey[] memory keys) {
        bytes8[] storage devices = _installationDevices[installationId];
        if (devices.length == 0) revert UnknownInstallation(installationId);
        keys = new DeviceKey[](devices.length);
        for (uint256 i = 0; i < devices.length; ++i) {
            keys[i] = _deviceKeys[devices[i]];
        }
    }

    /// @notice Device ids of an installation, oldest first (empty when unknown).
    function getInstallationDeviceIds(uint64 installationId) external view returns (bytes8[] memory) {
        return _installationDevices[installationId];
    }

    /// @notice Device id of a public key: first 8 bytes of SHA-256(x || y) (reading-format SPEC, device_id).
    function deviceIdOf(bytes32 x, bytes32 y) public pure returns (bytes8) {
        return bytes8(sha256(bytes.concat(x, y)));
    }

    // ------------------------------------------------------------------ internal

    /// @dev Decodes abi.encode(uint64, bytes32, uint32, uint64, uint64) with a custom error for out-of-range words.
    function _decodeReport(bytes calldata report) private pure returns (uint64 batchId, Batch memory batch) {
        (uint256 id, bytes32 root, uint256 count, uint256 first, uint256 last) =
            abi.decode(report, (uint256, bytes32, uint256, uint256, uint256));
        if (id > type(uint64).max || count > type(uint32).max || first > type(uint64).max || last > type(uint64).max) {
            revert ReportFieldOutOfRange();
        }
        // forge-lint: disable-start(unsafe-typecast)
        // Each cast is safe: the range of every word was checked just above.
        batchId = uint64(id);
        batch.merkleRoot = root;
        batch.readingCount = uint32(count);
        batch.firstReadingTime = uint64(first);
        batch.lastReadingTime = uint64(last);
        // forge-lint: disable-end(unsafe-typecast)
    }

    function _checkMessage(bytes calldata message) private pure returns (ReadingStatus) {
        if (message.length != ReadingMessage.LENGTH) return ReadingStatus.MessageLength;
        if (ReadingMessage.magicAndVersion(message) != ReadingMessage.MAGIC_AND_VERSION) {
            return ReadingStatus.MagicOrVersion;
        }
        if (ReadingMessage.flags(message) & ~ReadingMessage.DEFINED_FLAGS != 0) return ReadingStatus.ReservedFlags;
        if (ReadingMessage.energyMwh(message) > uint64(type(int64).max)) return ReadingStatus.EnergyRange;
        return ReadingStatus.Valid;
    }

    function _checkKey(DeviceKey storage key, bytes calldata message) private view returns (ReadingStatus) {
        if (key.installationId == 0) return ReadingStatus.UnknownDevice;
        uint64 retiredAt = key.retiredAt;
        if (retiredAt != 0 && int256(ReadingMessage.timestampMs(message)) / 1000 > int256(uint256(retiredAt))) {
            return ReadingStatus.KeyRetired;
        }
        return ReadingStatus.Valid;
    }

    function _checkSignatureForm(bytes calldata signature) private pure returns (ReadingStatus) {
        if (signature.length != 64) return ReadingStatus.SignatureLength;
        uint256 r = uint256(bytes32(signature[0:32]));
        uint256 s = uint256(bytes32(signature[32:64]));
        if (r == 0 || r >= P256Verifier.N || s == 0 || s >= P256Verifier.N) return ReadingStatus.SignatureRange;
        if (s > P256Verifier.HALF_N) return ReadingStatus.HighS;
        return ReadingStatus.Valid;
    }

    function _addKey(uint64 installationId, bytes6 meterId, bytes32 x, bytes32 y) private returns (bytes8 deviceId) {
        if (!P256Verifier.isOnCurve(uint256(x), uint256(y))) revert KeyNotOnCurve(x, y);
        deviceId = deviceIdOf(x, y);
        if (_deviceKeys[deviceId].installationId != 0) revert DeviceKeyExists(deviceId);
        _deviceKeys[deviceId] = DeviceKey({
            x: x,
            y: y,
            installationId: installationId,
            meterId: meterId,
            registeredAt: uint64(block.timestamp),
            retiredAt: 0
        });
        _installationDevices[installationId].push(deviceId);
    }

    function _setForwarder(address forwarder_) private {
        if (forwarder_ == address(0)) revert ZeroAddress();
        emit ForwarderUpdated(forwarder, forwarder_);
        forwarder = forwarder_;
    }

    function _setWorkflowIdentity(address workflowOwner_, bytes10 workflowName_) private {
        if (workflowOwner_ == address(0)) revert ZeroAddress();
        if (workflowName_ == bytes10(0)) revert ZeroWorkflowName();
        workflowOwner = workflowOwner_;
        workflowName = workflowName_;
        emit WorkflowIdentityUpdated(workflowOwner_, workflowName_);
    }
}
