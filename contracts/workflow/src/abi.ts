/** ABI fragments of WattWitnessAnchor and LocalForwarder used by the workflow and the local runner. */
import { parseAbi } from 'viem'

export const anchorAbi = parseAbi([
  'function lastBatchId() view returns (uint64)',
  'function getDeviceKeys(bytes8[] deviceIds) view returns ((bytes32 x, bytes32 y, uint64 installationId, bytes6 meterId, uint64 registeredAt, uint64 retiredAt)[])',
  'function verifyReading(bytes message, bytes signature, uint64 batchId, bytes32[] proof) view returns (bool)',
  'function checkReading(bytes message, bytes signature, uint64 batchId, bytes32[] proof) view returns (uint8)',
  'function getBatch(uint64 batchId) view returns ((bytes32 merkleRoot, uint32 readingCount, uint64 firstReadingTime, uint64 lastReadingTime, uint64 anchoredAt))',
  'function onReport(bytes metadata, bytes report)',
  'event BatchAnchored(uint64 indexed batchId, bytes32 merkleRoot, uint32 readingCount, uint64 firstReadingTime, uint64 lastReadingTime, bytes32 indexed workflowId)',
])

export const localForwarderAbi = parseAbi([
  'function report(address receiver, bytes rawReport, bytes reportContext, bytes[] signatures)',
  'event ReportProcessed(address indexed receiver, bytes32 indexed workflowExecutionId, bytes2 indexed reportId, bool result)',
])
