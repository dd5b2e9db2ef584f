import { decodeFunctionData, encodeFunctionResult } from "viem";
import { describe, expect, it } from "vitest";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { merkleVectors, readingVectors, type MerkleVector } from "../test/vectors";
import {
  ANCHOR_ABI,
  decodeCheckReadingResult,
  decodeVerifyReadingResult,
  deviceIdOf,
  encodeVerifyReading,
  ethCall,
  isOnCurve,
  leafHash,
  merkleProof,
  merkleRoot,
  processProof,
  RpcError,
  tamperMessage,
  toLowS,
  verifyAnchoredReading,
  verifyReadingSignature,
  type ReadingProof,
  type VerifyStep,
} from "./verify";
import { bytesEqual, bytesToHex, hexToBytes, toHex0x } from "./hex";

const h = (s: string) => hexToBytes(s);

describe("P-256 signature check (WebCrypto) against reading-format vectors", () => {
  for (const v of readingVectors()) {
    it(`${v.name}: ${v.expected}${v.error ? ` (${v.error})` : ""}`, async () => {
      const result = await verifyReadingSignature(h(v.message), h(v.signature), h(v.public_key));
      if (v.expected === "valid") {
        expect(result.error).toBeNull();
        expect(result.ok).toBe(true);
        expect(bytesToHex(result.lowS!)).toBe(v.low_s_signature);
        expect(result.wasHighS).toBe(v.signature !== v.low_s_signature);
      } else {
        expect(result.ok).toBe(false);
        expect(result.error).toBe(v.error);
      }
    });
  }

  it("accepts the high-S twin and normalises it to the low-S form", async () => {
    const v = readingVectors().find((x) => x.name === "valid-high-s")!;
    expect(v.signature).not.toBe(v.low_s_signature);
    const result = await verifyReadingSignature(h(v.message), h(v.signature), h(v.public_key));
    expect(result.ok).toBe(true);
    expect(result.wasHighS).toBe(true);
    expect(result.detail).toMatch(/high-S/);
    expect(bytesToHex(toLowS(h(v.signature)))).toBe(v.low_s_signature);
    expect(bytesToHex(toLowS(h(v.low_s_signature!)))).toBe(v.low_s_signature);
  });

  it("derives the device id from the key and checks the curve", async () => {
    const v = readingVectors().find((x) => x.name === "valid-basic")!;
    expect(await deviceIdOf(h(v.public_key))).toBe("39bbdb115a7d41cb");
    expect(isOnCurve(h(v.public_key))).toBe(true);
    expect(isOnCurve(h(readingVectors().find((x) => x.name === "key-not-on-curve")!.public_key))).toBe(false);
    expect(isOnCurve(new Uint8Array(63))).toBe(false);
  });
});

describe("Merkle tree against reading-format vectors", () => {
  for (const v of merkleVectors()) {
    it(`${v.name}: leaves, root and every proof`, () => {
      const leaves = v.leaves.map((l) => leafHash(h(l.message), toLowS(h(l.signature))));
      expect(leaves.map(bytesToHex)).toEqual(v.leaf_hashes);
      expect(bytesToHex(merkleRoot(leaves))).toBe(v.root);
      leaves.forEach((leaf, i) => {
        expect(merkleProof(leaves, i).map(bytesToHex)).toEqual(v.proofs[i]);
        expect(bytesToHex(processProof(leaf, v.proofs[i].map(h)))).toBe(v.root);
      });
    });
  }

  it("does not reach the root from a wrong leaf or a wrong proof", () => {
    const v = merkleVectors().find((x) => x.name === "batch-of-5")!;
    const root = h(v.root);
    const leaf = h(v.leaf_hashes[1]);
    expect(bytesEqual(processProof(leaf, v.proofs[2].map(h)), root)).toBe(false);
    expect(bytesEqual(processProof(h(v.leaf_hashes[2]), v.proofs[2].map(h)), root)).toBe(true);
    expect(() => merkleProof([leaf], 1)).toThrow(RangeError);
    expect(() => merkleRoot([])).toThrow(RangeError);
  });
});

describe("verifyReading call encoding", () => {
  it("uses the selector of verifyReading(bytes,bytes,uint64,bytes32[]) and the ABI layout", () => {
    const selector = bytesToHex(keccak_256(new TextEncoder().encode("verifyReading(bytes,bytes,uint64,bytes32[])"))).slice(0, 8);
    const message = new Uint8Array(52).fill(0x11);
    const signature = new Uint8Array(64).fill(0x22);
    const sibling = new Uint8Array(32).fill(0x33);
    const data = encodeVerifyReading({ message, signature, batchId: 7n, proof: [sibling] });
    expect(data.slice(2, 10)).toBe(selector);
    const words = data.slice(10).match(/.{64}/g)!;
    // head: offset(message), offset(signature), batchId, offset(proof)
    expect(BigInt("0x" + words[0])).toBe(128n);
    expect(BigInt("0x" + words[1])).toBe(128n + 32n + 64n); // length word + 52 bytes padded to 64
    expect(BigInt("0x" + words[2])).toBe(7n);
    expect(BigInt("0x" + words[3])).toBe(128n + 96n + 32n + 64n);
    expect(BigInt("0x" + words[4])).toBe(52n);
    expect(words[5]).toBe("11".repeat(32));
    expect(words[6]).toBe("11".repeat(20) + "00".repeat(12));
    expect(BigInt("0x" + words[7])).toBe(64n);
    expect(BigInt("0x" + words[10])).toBe(1n);
    expect(words[11]).toBe("33".repeat(32));
    expect(words.length).toBe(12);
  });

  it("decodes bool and status results", () => {
    expect(decodeVerifyReadingResult(`0x${"0".repeat(63)}1`)).toBe(true);
    expect(decodeVerifyReadingResult(`0x${"0".repeat(64)}`)).toBe(false);
    expect(decodeCheckReadingResult(`0x${"0".repeat(62)}0c`)).toBe("NotInBatch");
    expect(() => decodeVerifyReadingResult("0x")).toThrow();
  });
});

/**
 * A JSON-RPC endpoint standing in for the chain in unit tests: it decodes the call with the ABI and answers
 * like the contract would (Merkle proof against the anchored root, then the signature).
 */
function fakeChain(anchored: Map<bigint, Uint8Array>, publicKey: Uint8Array, calls: string[] = []): typeof fetch {
  return (async (_url: string, init?: RequestInit) => {
    const req = JSON.parse(String(init!.body));
    calls.push(req.method);
    const { functionName, args } = decodeFunctionData({ abi: ANCHOR_ABI, data: req.params[0].data });
    const [message, signature, batchId, proof] = args as [`0x${string}`, `0x${string}`, bigint, `0x${string}`[]];
    const root = anchored.get(batchId);
    let status = 0;
    if (!root) status = 1;
    else if (!bytesEqual(processProof(leafHash(h(message), h(signature)), proof.map(h)), root)) status = 12;
    else if (!(await verifyReadingSignature(h(message), h(signature), publicKey)).ok) status = 13;
    const result =
      functionName === "verifyReading"
        ? encodeFunctionResult({ abi: ANCHOR_ABI, functionName, result: status === 0 })
        : encodeFunctionResult({ abi: ANCHOR_ABI, functionName: "checkReading", result: status });
    return new Response(JSON.stringify({ jsonrpc: "2.0", id: req.id, result }), { status: 200 });
  }) as typeof fetch;
}

function proofDoc(v: MerkleVector, index: number, batchId = 42): ReadingProof {
  const leaf = v.leaves[index];
  return {
    batch_id: batchId,
    reading_id: 1000 + index,
    index,
    leaf: "0x" + v.leaf_hashes[index],
    proof: v.proofs[index].map((p) => "0x" + p),
    merkle_root: "0x" + v.root,
    message: leaf.message,
    signature: leaf.signature,
    public_key: leaf.public_key,
    device_id: leaf.message.slice(8, 24),
  };
}

const states = (steps: VerifyStep[]) => Object.fromEntries(steps.map((s) => [s.id, s.state]));

describe("verifyAnchoredReading, step by step", () => {
  const v = merkleVectors().find((x) => x.name === "batch-of-5")!;
  const pk = h(v.leaves[0].public_key);
  const chain = { rpcUrl: "http://chain.test/rpc", contractAddress: "0x5FbDB2315678afecb367f032d93F642f64180aa3" };
  const anchored = new Map([[42n, h(v.root)]]);

  it("passes every step for a valid anchored reading", async () => {
    const progress: VerifyStep[][] = [];
    const steps = await verifyAnchoredReading(proofDoc(v, 3), {
      chain,
      fetchImpl: fakeChain(anchored, pk),
      registeredKeys: [v.leaves[0].public_key],
      onProgress: (s) => progress.push(s),
    });
    expect(states(steps)).toEqual({ decode: "pass", key: "pass", signature: "pass", leaf: "pass", merkle: "pass", chain: "pass" });
    expect(progress.some((s) => s.some((x) => x.state === "running"))).toBe(true);
    expect(steps.find((s) => s.id === "merkle")!.detail).toContain(v.root);
  });

  it("fails the signature, leaf, Merkle and chain steps for a tampered message", async () => {
    const calls: string[] = [];
    const steps = await verifyAnchoredReading(proofDoc(v, 3), { chain, fetchImpl: fakeChain(anchored, pk, calls), tamper: true });
    expect(states(steps)).toEqual({ decode: "pass", key: "pass", signature: "fail", leaf: "fail", merkle: "fail", chain: "fail" });
    expect(steps.find((s) => s.id === "signature")!.detail).toMatch(/^bad_signature/);
    expect(steps.find((s) => s.id === "chain")!.detail).toBe("verifyReading returned false (checkReading: NotInBatch)");
    expect(calls).toEqual(["eth_call", "eth_call"]);
    const original = h(v.leaves[3].message);
    expect(tamperMessage(original).filter((b, i) => b !== original[i]).length).toBe(1);
  });

  it("fails only the Merkle and chain steps with a wrong proof", async () => {
    const doc = proofDoc(v, 3);
    doc.proof = proofDoc(v, 1).proof;
    const steps = await verifyAnchoredReading(doc, { chain, fetchImpl: fakeChain(anchored, pk) });
    expect(states(steps)).toEqual({ decode: "pass", key: "pass", signature: "pass", leaf: "pass", merkle: "fail", chain: "fail" });
  });

  it("fails the Merkle step when the claimed root is not the tree's", async () => {
    const doc = proofDoc(v, 0);
    doc.merkle_root = "0x" + "00".repeat(32);
    const steps = await verifyAnchoredReading(doc, { chain: null });
    expect(states(steps)).toMatchObject({ signature: "pass", leaf: "pass", merkle: "fail", chain: "skipped" });
  });

  it("accepts a high-S signature: leaf and chain use the low-S form", async () => {
    const hs = readingVectors().find((x) => x.name === "valid-high-s")!;
    const leaf = leafHash(h(hs.message), h(hs.low_s_signature!));
    const doc: ReadingProof = {
      batch_id: 9,
      reading_id: 1,
      index: 0,
      leaf: toHex0x(leaf),
      proof: [],
      merkle_root: toHex0x(leaf),
      message: hs.message,
      signature: hs.signature,
      public_key: hs.public_key,
      device_id: "39bbdb115a7d41cb",
    };
    const steps = await verifyAnchoredReading(doc, { chain, fetchImpl: fakeChain(new Map([[9n, leaf]]), h(hs.public_key)) });
    expect(states(steps)).toEqual({ decode: "pass", key: "pass", signature: "pass", leaf: "pass", merkle: "pass", chain: "pass" });
    expect(steps.find((s) => s.id === "signature")!.detail).toMatch(/high-S/);
  });

  it("fails the key step when the proof's key is not registered for the installation", async () => {
    const other = readingVectors().find((x) => x.name === "valid-second-device")!.public_key;
    const steps = await verifyAnchoredReading(proofDoc(v, 0), { chain: null, registeredKeys: [other] });
    expect(states(steps).key).toBe("fail");
  });

  it("reports an unknown batch on chain", async () => {
    const steps = await verifyAnchoredReading(proofDoc(v, 0, 77), { chain, fetchImpl: fakeChain(anchored, pk) });
    expect(steps.find((s) => s.id === "chain")!.detail).toContain("UnknownBatch");
  });

  it("reports a malformed proof document instead of crashing", async () => {
    const doc = proofDoc(v, 0);
    doc.leaf = "0xnothex";
    const steps = await verifyAnchoredReading(doc, { chain: null });
    expect(states(steps)).toEqual({ decode: "fail", key: "skipped", signature: "skipped", leaf: "skipped", merkle: "skipped", chain: "skipped" });
  });
});

describe("ethCall", () => {
  const data = "0x12345678" as const;
  it("returns the result", async () => {
    const f = (async () => new Response(JSON.stringify({ jsonrpc: "2.0", id: 1, result: "0x01" }))) as typeof fetch;
    expect(await ethCall("http://x", "0xabc", data, f)).toBe("0x01");
  });
  it("raises RpcError on JSON-RPC errors, HTTP errors and network errors", async () => {
    const rpcErr = (async () => new Response(JSON.stringify({ jsonrpc: "2.0", id: 1, error: { code: -32000, message: "execution reverted" } }))) as typeof fetch;
    await expect(ethCall("http://x", "0xabc", data, rpcErr)).rejects.toThrow(/execution reverted/);
    const http = (async () => new Response("no", { status: 502 })) as typeof fetch;
    await expect(ethCall("http://x", "0xabc", data, http)).rejects.toBeInstanceOf(RpcError);
    const net = (async () => {
      throw new TypeError("Failed to fetch");
    }) as typeof fetch;
    await expect(ethCall("http://x", "0xabc", data, net)).rejects.toThrow(/cannot reach http:\/\/x/);
  });
});
