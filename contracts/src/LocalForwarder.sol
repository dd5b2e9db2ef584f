// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IReceiver} from "./interfaces/IReceiver.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {ERC165Checker} from "@openzeppelin/contracts/utils/introspection/ERC165Checker.sol";

/// @title LocalForwarder
/// @notice Stand-in for Chainlink's Keystone forwarder on a local chain (anvil): checks the DON signatures over a
///         raw report and delivers it to the receiver's onReport exactly as the Keystone forwarder does.
/// @dev Raw report = 109-byte header || payload. Header: version (1) | workflow_execution_id (32) | timestamp (4) |
///      don_id (4) | don_config_version (4) | workflow_id (32) | workflow_name (10) | workflow_owner (20) |
///      report_id (2). The receiver gets metadata = header[45:109] and report = payload. Signatures: 65 bytes r||s||v
///      (v in {0,1}) over keccak256(keccak256(rawReport) || reportContext); exactly f + 1 distinct configured signers.
///      A receiver that reverts does not make report() revert: the outcome is recorded and emitted, as on CRE.
contract LocalForwarder is Ownable {
    /// @notice Signer set of one DON configuration.
    struct OracleSet {
        uint8 f;
        address[] signers;
    }

    /// @notice Header length of a raw report.
    uint256 public constant METADATA_LENGTH = 109;
    /// @notice Offset of the receiver metadata (workflow id, name, owner, report id) in the header.
    uint256 public constant FORWARDER_METADATA_LENGTH = 45;
    /// @notice Length of one signature r||s||v.
    uint256 public constant SIGNATURE_LENGTH = 65;
    /// @notice Largest signer set.
    uint256 public constant MAX_ORACLES = 31;

    mapping(uint64 configId => OracleSet) private _configs;
    mapping(uint64 configId => mapping(address signer => bool)) private _isSigner;
    mapping(bytes32 transmissionId => address transmitter) private _transmitters;
    mapping(bytes32 transmissionId => bool success) private _succeeded;

    /// @notice A DON configuration was set.
    event ConfigSet(uint32 indexed donId, uint32 indexed configVersion, uint8 f, address[] signers);
    /// @notice A report was delivered; result is false when the receiver reverted or is not an IReceiver.
    event ReportProcessed(
        address indexed receiver, bytes32 indexed workflowExecutionId, bytes2 indexed reportId, bool result
    );

    /// @notice Raw report shorter than the 109-byte header.
    error InvalidReport();
    /// @notice f must be at least 1.
    error FaultToleranceMustBePositive();
    /// @notice More than MAX_ORACLES signers.
    error ExcessSigners(uint256 numSigners, uint256 maxSigners);
    /// @notice Fewer than 3f + 1 signers.
    error InsufficientSigners(uint256 numSigners, uint256 minSigners);
    /// @notice The same signer twice (in a configuration or on a report).
    error DuplicateSigner(address signer);
    /// @notice No configuration for the report's DON id and config version.
    error InvalidConfig(uint64 configId);
    /// @notice Not exactly f + 1 signatures.
    error InvalidSignatureCount(uint256 expected, uint256 received);
    /// @notice A signature of the wrong length.
    error InvalidSignature(bytes signature);
    /// @notice A signature by an address outside the configuration.
    error InvalidSigner(address signer);
    /// @notice This report was already delivered to this receiver.
    error AlreadyAttempted(bytes32 transmissionId);

    /// @notice Deploys the forwarder owned by the deployer.
    constructor(address initialOwner) Ownable(initialOwner) {}

    /// @notice Sets the signer set of a DON configuration. Only the owner.
    /// @param donId DON id written in report headers. @param configVersion Its configuration version.
    /// @param f Faulty nodes tolerated (>= 1); reports need f + 1 signatures. @param signers At least 3f + 1 signers.
    function setConfig(uint32 donId, uint32 configVersion, uint8 f, address[] calldata signers) external onlyOwner {
        if (f == 0) revert FaultToleranceMustBePositive();
        if (signers.length > MAX_ORACLES) revert ExcessSigners(signers.length, MAX_ORACLES);
        if (signers.length <= 3 * uint256(f)) revert InsufficientSigners(signers.length, 3 * uint256(f) + 1);
        uint64 configId = _configId(donId, configVersion);
        OracleSet storage set = _configs[configId];
        for (uint256 i = 0; i < set.signers.length; ++i) {
            _isSigner[configId][set.signers[i]] = false;
        }
        for (uint256 i = 0; i < signers.length; ++i) {
            if (_isSigner[configId][signers[i]]) revert DuplicateSigner(signers[i]);
            _isSigner[configId][signers[i]] = true;
        }
        set.signers = signers;
        set.f = f;
        emit ConfigSet(donId, configVersion, f, signers);
    }

    /// @notice Checks the signatures on a raw report and delivers it to receiver.onReport(metadata, payload).
    /// @param receiver Contract implementing IReceiver. @param rawReport Header || payload.
    /// @param reportContext Opaque context bound into the signed hash. @param signatures f + 1 signatures r||s||v.
    /// @dev Reverts InvalidReport, InvalidConfig, InvalidSignatureCount, InvalidSignature, InvalidSigner,
    ///      DuplicateSigner, AlreadyAttempted. The receiver's own revert is caught and reported as result = false.
    function report(
        address receiver,
        bytes calldata rawReport,
        bytes calldata reportContext,
        bytes[] calldata signatures
    ) external {
        if (rawReport.length < METADATA_LENGTH) revert InvalidReport();
        bytes32 executionId = bytes32(rawReport[1:33]);
        uint64 configId = uint64(bytes8(rawReport[37:45]));
        bytes2 reportId = bytes2(rawReport[107:109]);
        _checkSignatures(configId, keccak256(bytes.concat(keccak256(rawReport), reportContext)), signatures);

        bytes32 transmissionId = getTransmissionId(receiver, executionId, reportId);
        if (_transmitters[transmissionId] != address(0)) revert AlreadyAttempted(transmissionId);
        _transmitters[transmissionId] = msg.sender;

        bool success;
        if (ERC165Checker.supportsInterface(receiver, type(IReceiver).interfaceId)) {
            try IReceiver(receiver)
                .onReport(rawReport[FORWARDER_METADATA_LENGTH:METADATA_LENGTH], rawReport[METADATA_LENGTH:]) {
                success = true;
            } catch {
                success = false;
            }
        }
        _succeeded[transmissionId] = success;
        emit ReportProcessed(receiver, executionId, reportId, success);
    }

    /// @notice Id of one delivery: keccak256(receiver || workflowExecutionId || reportId).
    function getTransmissionId(address receiver, bytes32 workflowExecutionId, bytes2 reportId)
        public
        pure
        returns (bytes32)
    {
        return keccak256(bytes.concat(bytes20(receiver), workflowExecutionId, reportId));
    }

    /// @notice Who delivered a report (zero when not yet attempted) and whether the receiver accepted it.
    function getTransmission(address receiver, bytes32 workflowExecutionId, bytes2 reportId)
        external
        view
        returns (address transmitter, bool success)
    {
        bytes32 id = getTransmissionId(receiver, workflowExecutionId, reportId);
        return (_transmitters[id], _succeeded[id]);
    }

    /// @notice The signer set of a DON configuration.
    function getConfig(uint32 donId, uint32 configVersion) external view returns (uint8 f, address[] memory signers) {
        OracleSet storage set = _configs[_configId(donId, configVersion)];
        return (set.f, set.signers);
    }

    function _checkSignatures(uint64 configId, bytes32 digest, bytes[] calldata signatures) private view {
        uint8 f = _configs[configId].f;
        if (f == 0) revert InvalidConfig(configId);
        if (signatures.length != uint256(f) + 1) revert InvalidSignatureCount(uint256(f) + 1, signatures.length);
        address[] memory seen = new address[](signatures.length);
        for (uint256 i = 0; i < signatures.length; ++i) {
            bytes calldata signature = signatures[i];
            if (signature.length != SIGNATURE_LENGTH) revert InvalidSignature(signature);
            (address signer, ECDSA.RecoverError err,) =
                ECDSA.tryRecover(digest, uint8(signature[64]) + 27, bytes32(signature[0:32]), bytes32(signature[32:64]));
            if (err != ECDSA.RecoverError.NoError) revert InvalidSignature(signature);
            if (!_isSigner[configId][signer]) revert InvalidSigner(signer);
            for (uint256 j = 0; j < i; ++j) {
                if (seen[j] == signer) revert DuplicateSigner(signer);
            }
            seen[i] = signer;
        }
    }

    function _configId(uint32 donId, uint32 configVersion) private pure returns (uint64) {
        return (uint64(donId) << 32) | configVersion;
    }
}
