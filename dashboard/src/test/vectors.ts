/** Loads reading-format's shared test vectors (../reading-format/vectors, one JSON object per line). */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const VECTOR_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../../../reading-format/vectors");

export interface ReadingVector {
  name: string;
  description: string;
  fields: Record<string, string | number> | null;
  message: string;
  digest: string | null;
  public_key: string;
  signature: string;
  low_s_signature: string | null;
  expected: "valid" | "invalid";
  error: string | null;
}

export interface MerkleVector {
  name: string;
  leaves: { message: string; signature: string; public_key: string }[];
  leaf_hashes: string[];
  root: string;
  proofs: string[][];
}

function jsonl<T>(file: string): T[] {
  const text = readFileSync(resolve(VECTOR_DIR, file), "utf8");
  return text
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as T);
}

export const readingVectors = (): ReadingVector[] => jsonl<ReadingVector>("readings.jsonl");
export const merkleVectors = (): MerkleVector[] => jsonl<MerkleVector>("merkle.jsonl");
