/**
 * In-browser verification of an anchored reading, trusting only the browser and the chain:
 * - P-256 signature over SHA-256(message) with WebCrypto (reading-format SPEC: raw r‖s, key raw X‖Y);
 * - the Merkle proof recomputed locally (SPEC, Merkle: leaf = keccak256(keccak256(message ‖ low-S signature)),
 *   parent = keccak256 of the sorted pair, OpenZeppelin MerkleProof compatible);
 * - the contract's `verifyReading(bytes,bytes,uint64,bytes32[])` over JSON-RPC `eth_call`.
 */
import { keccak_256 } from "@noble/hashes/sha3.js";
import { decodeFunctionResult, encodeFunctionData } from "viem";
import { bigIntToBytes, bytesEqual, bytesToBigInt, bytesToHex, concatBytes, hexToBytes, toHex0x } from "./hex";
import { decodeMessage, ReadingFormatError, type ReadingMessage } from "./reading";

// ---------------------------------------------------------------- P-256 (FIPS 186-4 / SEC 2 secp256r1)

export const P256_P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
export const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const P256_B = 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn;
const HALF_N = P256_N >> 1n;

/** Error codes of the signature check, named as in reading-format's vectors. */
export type SignatureErrorCode =
  | "key_not_on_curve"
  | "device_id_mismatch"
  | "signature_length"
  | "signature_range"
  | "bad_signature";

export type VerifyErrorCode = SignatureErrorCode | ReadingFormatError["code"];

/** Result of {@link verifyReadingSignature}. */
export interface SignatureCheck {
  ok: boolean;
  /** First failing rule, null when ok. */
  error: VerifyErrorCode | null;
  detail: string;
  /** The decoded message when it decodes. */
  reading: ReadingMessage | null;
  /** The low-S form of the signature (what is stored and hashed), null when the signature is malformed. */
  lowS: Uint8Array | null;
  /** True when the given signature was high-S (accepted, normalised). */
  wasHighS: boolean;
}

function mod(a: bigint, m: bigint): bigint {
  const r = a % m;
  return r < 0n ? r + m : r;
}

/** True when raw X‖Y (64 bytes) is a point on P-256 with coordinates in [0, p−1]. */
export function isOnCurve(publicKey: Uint8Array): boolean {
  if (publicKey.length !== 64) return false;
  const x = bytesToBigInt(publicKey.subarray(0, 32));
  const y = bytesToBigInt(publicKey.subarray(32, 64));
  if (x >= P256_P || y >= P256_P) return false;
  const rhs = mod(x * x * x - 3n * x + P256_B, P256_P);
  return mod(y * y, P256_P) === rhs;
}

/** SHA-256 with WebCrypto. */
export async function sha256(data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await globalThis.crypto.subtle.digest("SHA-256", data as BufferSource));
}

/** Device id of a key: the first 8 bytes of SHA-256(X‖Y), as 16 hex (SPEC, message layout). */
export async function deviceIdOf(publicKey: Uint8Array): Promise<string> {
  return bytesToHex((await sha256(publicKey)).subarray(0, 8));
}

/** r‖s with s replaced by n−s when s > n/2. @throws RangeError unless 64 bytes. */
export function toLowS(signature: Uint8Array): Uint8Array {
  if (signature.length !== 64) throw new RangeError("signature must be 64 bytes r||s");
  const s = bytesToBigInt(signature.subarray(32));
  if (s <= HALF_N) return signature.slice();
  return concatBytes(signature.subarray(0, 32), bigIntToBytes(P256_N - s, 32));
}

/** Imports raw X‖Y as a WebCrypto ECDSA P-256 verification key (uncompressed point 0x04‖X‖Y). */
export async function importP256Key(publicKey: Uint8Array): Promise<CryptoKey> {
  const raw = concatBytes(new Uint8Array([0x04]), publicKey);
  return globalThis.crypto.subtle.importKey("raw", raw as BufferSource, { name: "ECDSA", namedCurve: "P-256" }, false, [
    "verify",
  ]);
}

/**
 * Verifies a reading's signature as the backend does (reading-format ReadingVerifier), with WebCrypto doing the
 * ECDSA maths. First failing rule, in order: key_not_on_curve, message_length, magic, version, energy_range,
 * reserved_flags, device_id_mismatch, signature_length, signature_range, bad_signature. High-S is accepted
 * (`wasHighS`), and the low-S form returned.
 */
export async function verifyReadingSignature(
  message: Uint8Array,
  signature: Uint8Array,
  publicKey: Uint8Array,
): Promise<SignatureCheck> {
  const fail = (error: VerifyErrorCode, detail: string, reading: ReadingMessage | null = null): SignatureCheck => ({
    ok: false,
    error,
    detail,
    reading,
    lowS: null,
    wasHighS: false,
  });
  if (!isOnCurve(publicKey)) {
    return fail("key_not_on_curve", `public key is not a P-256 point (${publicKey.length} bytes)`);
  }
  let reading: ReadingMessage;
  try {
    reading = decodeMessage(message);
  } catch (e) {
    if (e instanceof ReadingFormatError) return fail(e.code, e.message);
    throw e;
  }
  const keyDeviceId = await deviceIdOf(publicKey);
  if (keyDeviceId !== reading.deviceId) {
    return fail("device_id_mismatch", `message names device ${reading.deviceId} but the key is device ${keyDeviceId}`, reading);
  }
  if (signature.length !== 64) {
    return fail("signature_length", `expected 64 bytes r||s, got ${signature.length}`, reading);
  }
  const r = bytesToBigInt(signature.subarray(0, 32));
  const s = bytesToBigInt(signature.subarray(32));
  if (r === 0n || r >= P256_N) return fail("signature_range", "r is outside [1, n-1]", reading);
  if (s === 0n || s >= P256_N) return fail("signature_range", "s is outside [1, n-1]", reading);
  let key: CryptoKey;
  try {
    key = await importP256Key(publicKey);
  } catch (e) {
    return fail("key_not_on_curve", `WebCrypto refused the key: ${(e as Error).message}`, reading);
  }
  const ok = await globalThis.crypto.subtle.verify(
    { name: "ECDSA", hash: "SHA-256" },
    key,
    signature as BufferSource,
    message as BufferSource,
  );
  if (!ok) return fail("bad_signature", "signature does not verify under the device key", reading);
  const lowS = toLowS(signature);
  const wasHighS = s > HALF_N;
  return {
    ok: true,
    error: null,
    detail: wasHighS ? "valid (high-S form, normalised to low-S)" : "valid",
    reading,
    lowS,
    wasHighS,
  };
}

// ---------------------------------------------------------------- Merkle (SPEC, Merkle; OpenZeppelin MerkleProof)

/** keccak256. */
export function keccak256(data: Uint8Array): Uint8Array {
  return keccak_256(data);
}

/** Leaf of a reading: keccak256(keccak256(message ‖ low-S signature)). */
export function leafHash(message: Uint8Array, lowSSignature: Uint8Array): Uint8Array {
  return keccak_256(keccak_256(concatBytes(message, lowSSignature)));
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== b[i]) return a[i] - b[i];
  }
  return a.length - b.length;
}

/** Parent of two nodes: keccak256 of the pair sorted ascending (commutative). */
export function hashPair(a: Uint8Array, b: Uint8Array): Uint8Array {
  return compareBytes(a, b) <= 0 ? keccak_256(concatBytes(a, b)) : keccak_256(concatBytes(b, a));
}

/** The root reached from a leaf through its proof (sibling hashes from leaf to root). */
export function processProof(leaf: Uint8Array, proof: Uint8Array[]): Uint8Array {
  let node = leaf;
  for (const sibling of proof) node = hashPair(node, sibling);
  return node;
}

/** All levels of the tree, leaves first; an unpaired last node is carried up unchanged. @throws RangeError if empty. */
export function merkleLevels(leaves: Uint8Array[]): Uint8Array[][] {
  if (leaves.length === 0) throw new RangeError("a Merkle tree needs at least one leaf");
  const levels = [leaves];
  while (levels[levels.length - 1].length > 1) {
    const level = levels[levels.length - 1];
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) {
      next.push(i + 1 < level.length ? hashPair(level[i], level[i + 1]) : level[i]);
    }
    levels.push(next);
  }
  return levels;
}

/** Root of the tree over the leaves in batch order. */
export function merkleRoot(leaves: Uint8Array[]): Uint8Array {
  const levels = merkleLevels(leaves);
  return levels[levels.length - 1][0];
}

/** Proof (siblings from leaf to root) of the leaf at `index`. @throws RangeError on a bad index. */
export function merkleProof(leaves: Uint8Array[], index: number): Uint8Array[] {
  if (index < 0 || index >= leaves.length) throw new RangeError(`leaf index ${index} out of range`);
  const levels = merkleLevels(leaves);
  const proof: Uint8Array[] = [];
  let i = index;
  for (let l = 0; l < levels.length - 1; l++) {
    const sibling = i ^ 1;
    if (sibling < levels[l].length) proof.push(levels[l][sibling]);
    i >>= 1;
  }
  return proof;
}

// ---------------------------------------------------------------- contract call (Solidity ABI, JSON-RPC eth_call)

/** ABI of the contract views the dashboard calls (contracts/src/WattWitnessAnchor.sol). */
export const ANCHOR_ABI = [
  {
    type: "function",
    name: "verifyReading",
    stateMutability: "view",
    inputs: [
      { name: "message", type: "bytes" },
      { name: "signature", type: "bytes" },
      { name: "batchId", type: "uint64" },
      { name: "proof", type: "bytes32[]" },
    ],
    outputs: [{ name: "", type: "bool" }],
  },
  {
    type: "function",
    name: "checkReading",
    stateMutability: "view",
    inputs: [
      { name: "message", type: "bytes" },
      { name: "signature", type: "bytes" },
      { name: "batchId", type: "uint64" },
      { name: "proof", type: "bytes32[]" },
    ],
    outputs: [{ name: "", type: "uint8" }],
  },
] as const;

/** `ReadingStatus` of the contract's checkReading, by ordinal. */
export const READING_STATUS = [
  "Valid",
  "UnknownBatch",
  "MessageLength",
  "MagicOrVersion",
  "ReservedFlags",
  "EnergyRange",
  "UnknownDevice",
  "MeterMismatch",
  "KeyRetired",
  "SignatureLength",
  "SignatureRange",
  "HighS",
  "NotInBatch",
  "BadSignature",
] as const;

/** Arguments of verifyReading / checkReading. */
export interface ReadingCallArgs {
  message: Uint8Array;
  signature: Uint8Array;
  batchId: bigint | number;
  proof: Uint8Array[];
}

function callArgs(a: ReadingCallArgs) {
  return [toHex0x(a.message), toHex0x(a.signature), BigInt(a.batchId), a.proof.map((p) => toHex0x(p))] as const;
}

/** Call data of verifyReading(bytes,bytes,uint64,bytes32[]). */
export function encodeVerifyReading(a: ReadingCallArgs): `0x${string}` {
  return encodeFunctionData({ abi: ANCHOR_ABI, functionName: "verifyReading", args: callArgs(a) });
}

/** Call data of checkReading(bytes,bytes,uint64,bytes32[]). */
export function encodeCheckReading(a: ReadingCallArgs): `0x${string}` {
  return encodeFunctionData({ abi: ANCHOR_ABI, functionName: "checkReading", args: callArgs(a) });
}

/** The bool returned by verifyReading. @throws when the data is not an ABI bool. */
export function decodeVerifyReadingResult(data: `0x${string}`): boolean {
  return decodeFunctionResult({ abi: ANCHOR_ABI, functionName: "verifyReading", data }) as boolean;
}

/** The status name returned by checkReading ("Valid", "NotInBatch", …, or "Status N" for an unknown ordinal). */
export function decodeCheckReadingResult(data: `0x${string}`): string {
  const n = Number(decodeFunctionResult({ abi: ANCHOR_ABI, functionName: "checkReading", data }));
  return READING_STATUS[n] ?? `Status ${n}`;
}

/** A JSON-RPC failure: transport, HTTP status or an `error` member. */
export class RpcError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RpcError";
  }
}

/**
 * `eth_call` against the latest block.
 * @returns the returned data (hex)
 * @throws RpcError on a network error, an HTTP error, a JSON-RPC error or a malformed answer
 */
export async function ethCall(
  rpcUrl: string,
  to: string,
  data: `0x${string}`,
  fetchImpl: typeof fetch = globalThis.fetch.bind(globalThis),
): Promise<`0x${string}`> {
  let res: Response;
  try {
    res = await fetchImpl(rpcUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_call", params: [{ to, data }, "latest"] }),
    });
  } catch (e) {
    throw new RpcError(`cannot reach ${rpcUrl}: ${(e as Error).message}`);
  }
  if (!res.ok) throw new RpcError(`${rpcUrl} answered HTTP ${res.status}`);
  let body: { result?: unknown; error?: { code?: number; message?: string } };
  try {
    body = await res.json();
  } catch {
    throw new RpcError(`${rpcUrl} did not answer JSON`);
  }
  if (body.error) throw new RpcError(`eth_call failed: ${body.error.message ?? "error"} (${body.error.code ?? "?"})`);
  if (typeof body.result !== "string" || !/^0x[0-9a-fA-F]*$/.test(body.result)) {
    throw new RpcError("eth_call answered without a hex result");
  }
  return body.result as `0x${string}`;
}

// ---------------------------------------------------------------- the whole check, step by step

/** Proof document of GET /api/v1/batches/{batch}/proof/{reading} (api-contract, Batches). */
export interface ReadingProof {
  batch_id: number;
  reading_id: number;
  index: number;
  leaf: string;
  proof: string[];
  merkle_root: string;
  message: string;
  signature: string;
  public_key: string;
  device_id: string;
}

/** Chain info of GET /api/v1/chain. */
export interface ChainInfo {
  chain_id: number;
  rpc_url: string;
  contract_address: string;
  explorer_tx_url_template: string | null;
}

export type StepId = "decode" | "key" | "signature" | "leaf" | "merkle" | "chain";
export type StepState = "pending" | "running" | "pass" | "fail" | "skipped";

export interface VerifyStep {
  id: StepId;
  title: string;
  state: StepState;
  detail: string;
}

export const STEP_TITLES: Record<StepId, string> = {
  decode: "Message decodes (v1, 52 bytes)",
  key: "Device key matches the message's device id",
  signature: "P-256 signature (WebCrypto)",
  leaf: "Leaf hash recomputed",
  merkle: "Merkle proof leads to the batch root",
  chain: "On-chain verifyReading",
};

export interface VerifyOptions {
  /** Flip one bit of the message (last byte of power_mw) to show what tampering does. */
  tamper?: boolean;
  /** JSON-RPC URL and contract; the chain step is skipped when null. */
  chain?: { rpcUrl: string; contractAddress: string } | null;
  /** Public keys (128 hex) registered for the installation; when given, the proof's key must be one of them. */
  registeredKeys?: string[];
  fetchImpl?: typeof fetch;
  /** Called after every change, with a copy of all steps. */
  onProgress?: (steps: VerifyStep[]) => void;
}

/** Byte offset flipped by the tamper demo: the last byte of power_mw. */
export const TAMPER_OFFSET = 41;

/** The message with one bit flipped at {@link TAMPER_OFFSET}. */
export function tamperMessage(message: Uint8Array): Uint8Array {
  const m = message.slice();
  m[TAMPER_OFFSET] ^= 0x01;
  return m;
}

/**
 * Runs every check of an anchored reading and reports each step. A failing step does not stop the others
 * (the visitor sees everything that does and does not hold); only steps that cannot run are "skipped".
 * @returns the final steps; `steps.every(s => s.state === "pass")` means the reading is proven
 */
export async function verifyAnchoredReading(proofDoc: ReadingProof, options: VerifyOptions = {}): Promise<VerifyStep[]> {
  const steps: VerifyStep[] = (Object.keys(STEP_TITLES) as StepId[]).map((id) => ({
    id,
    title: STEP_TITLES[id],
    state: "pending",
    detail: "",
  }));
  const set = (id: StepId, state: StepState, detail: string) => {
    const s = steps.find((x) => x.id === id)!;
    s.state = state;
    s.detail = detail;
    options.onProgress?.(steps.map((x) => ({ ...x })));
  };

  let message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array, expectedLeaf: Uint8Array, root: Uint8Array;
  let proof: Uint8Array[];
  try {
    message = hexToBytes(proofDoc.message, "message");
    signature = hexToBytes(proofDoc.signature, "signature");
    publicKey = hexToBytes(proofDoc.public_key, "public_key");
    expectedLeaf = hexToBytes(proofDoc.leaf, "leaf");
    root = hexToBytes(proofDoc.merkle_root, "merkle_root");
    proof = proofDoc.proof.map((p, i) => hexToBytes(p, `proof[${i}]`));
  } catch (e) {
    set("decode", "fail", `the proof document is malformed: ${(e as Error).message}`);
    for (const s of steps) if (s.state === "pending") set(s.id, "skipped", "cannot run without a well-formed proof");
    return steps;
  }
  if (options.tamper) message = tamperMessage(message);

  // 1. decode
  set("decode", "running", "");
  let reading: ReadingMessage | null = null;
  try {
    reading = decodeMessage(message);
    set(
      "decode",
      "pass",
      `device ${reading.deviceId}, boot ${reading.boot}, seq ${reading.seq}, ${new Date(reading.timestampMs).toISOString()}, ` +
        `${reading.powerW} W, register ${reading.energyWh} Wh${options.tamper ? " (tampered copy)" : ""}`,
    );
  } catch (e) {
    set("decode", "fail", (e as Error).message);
  }

  // 2. key
  set("key", "running", "");
  const keyId = isOnCurve(publicKey) ? await deviceIdOf(publicKey) : null;
  const registered = options.registeredKeys?.map((k) => k.toLowerCase().replace(/^0x/, ""));
  if (!keyId) {
    set("key", "fail", "the public key is not a point on P-256");
  } else if (registered && !registered.includes(bytesToHex(publicKey))) {
    set("key", "fail", `key ${keyId} is not one of the installation's registered keys`);
  } else if (reading && reading.deviceId !== keyId) {
    set("key", "fail", `message names device ${reading.deviceId}, key is device ${keyId}`);
  } else {
    set("key", "pass", `SHA-256(X‖Y)[0..8] = ${keyId}${registered ? ", registered for this installation" : ""}`);
  }

  // 3. signature
  set("signature", "running", "");
  const sig = await verifyReadingSignature(message, signature, publicKey);
  set("signature", sig.ok ? "pass" : "fail", sig.ok ? `ECDSA P-256 / SHA-256: ${sig.detail}` : `${sig.error}: ${sig.detail}`);

  // 4. leaf
  set("leaf", "running", "");
  let leaf: Uint8Array | null = null;
  if (signature.length === 64) {
    leaf = leafHash(message, toLowS(signature));
    const same = bytesEqual(leaf, expectedLeaf);
    set(
      "leaf",
      same ? "pass" : "fail",
      same ? `keccak256(keccak256(message ‖ low-S signature)) = 0x${bytesToHex(leaf)}` : `computed 0x${bytesToHex(leaf)}, the batch holds 0x${bytesToHex(expectedLeaf)}`,
    );
  } else {
    set("leaf", "fail", "the signature is not 64 bytes");
  }

  // 5. merkle
  set("merkle", "running", "");
  if (leaf) {
    const computed = processProof(leaf, proof);
    const same = bytesEqual(computed, root);
    set(
      "merkle",
      same ? "pass" : "fail",
      same
        ? `${proof.length} sibling hash${proof.length === 1 ? "" : "es"} → root 0x${bytesToHex(root)}`
        : `recomputed root 0x${bytesToHex(computed)} ≠ batch root 0x${bytesToHex(root)}`,
    );
  } else {
    set("merkle", "skipped", "no leaf to start from");
  }

  // 6. chain
  if (!options.chain) {
    set("chain", "skipped", "no JSON-RPC URL / contract configured");
    return steps;
  }
  set("chain", "running", `eth_call ${options.chain.rpcUrl}`);
  const args: ReadingCallArgs = { message, signature: signature.length === 64 ? toLowS(signature) : signature, batchId: proofDoc.batch_id, proof };
  try {
    const result = decodeVerifyReadingResult(
      await ethCall(options.chain.rpcUrl, options.chain.contractAddress, encodeVerifyReading(args), options.fetchImpl),
    );
    if (result) {
      set("chain", "pass", `verifyReading(…, batch ${proofDoc.batch_id}, proof) = true at ${options.chain.contractAddress}`);
    } else {
      let reason = "";
      try {
        reason = decodeCheckReadingResult(
          await ethCall(options.chain.rpcUrl, options.chain.contractAddress, encodeCheckReading(args), options.fetchImpl),
        );
      } catch {
        reason = "";
      }
      set("chain", "fail", `verifyReading returned false${reason ? ` (checkReading: ${reason})` : ""}`);
    }
  } catch (e) {
    set("chain", "fail", (e as Error).message);
  }
  return steps;
}
