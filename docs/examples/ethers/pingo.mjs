// PinGo transactions from JavaScript with ethers v6: EIP-712 signing, the
// canonical RLP wire envelope, and CometBFT JSON-RPC over plain fetch.
//
// Copy this file into a wallet; it depends on nothing but `ethers` (v6) and
// the global `fetch` of Node >= 18 / browsers.
//
// Wire format of a signed transaction (one canonical RLP list):
//
//   [chainId, action, from, nonce, fee, body, sig]
//
//   chainId  uint64   numeric L2 chain id (the same number as the EIP-712 domain's)
//   action   uint64   1 = Transfer, 2 = MultiSend
//   from     20 bytes sender address
//   nonce    uint64   sender's next nonce (0 for a fresh account)
//   fee      uint256  in upingo, >= the chain's /bank/params min_fee
//   body     RLP list Transfer: [to (20 bytes), amount]
//                     MultiSend: [[to, amount], [to, amount], ...]
//   sig      65 bytes r ‖ s ‖ v, v ∈ {27, 28}, s in the lower half of the order
//
// Integers are minimal big-endian byte strings: no leading zero byte, and 0
// is the EMPTY string (RLP 0x80), never 0x00. The node rejects any other
// encoding, so a tx has exactly one encoding and one hash (sha256 of the
// bytes, as CometBFT computes it).

import {
  Signature,
  concat,
  decodeBase64,
  encodeBase64,
  encodeRlp,
  getAddress,
  getBytes,
  hexlify,
  sha256,
  toBeArray,
  toUtf8String,
  TypedDataEncoder,
  verifyTypedData,
} from "ethers";

/** Wire action number of a Transfer. */
export const ACTION_TRANSFER = 1n;
/** Wire action number of a MultiSend. */
export const ACTION_MULTISEND = 2n;

const MAX_U64 = (1n << 64n) - 1n;
const MAX_U256 = (1n << 256n) - 1n;
// secp256k1 group order; signatures must have s <= N/2 (EIP-2).
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/** EIP-712 types of a Transfer (what the wallet shows the user). */
export const TRANSFER_TYPES = Object.freeze({
  Transfer: [
    { name: "from", type: "address" },
    { name: "to", type: "address" },
    { name: "amount", type: "uint256" },
    { name: "fee", type: "uint256" },
    { name: "nonce", type: "uint64" },
  ],
});

/** EIP-712 types of a MultiSend: the primary type and the referenced Output. */
export const MULTISEND_TYPES = Object.freeze({
  MultiSend: [
    { name: "from", type: "address" },
    { name: "outputs", type: "Output[]" },
    { name: "fee", type: "uint256" },
    { name: "nonce", type: "uint64" },
  ],
  Output: [
    { name: "to", type: "address" },
    { name: "amount", type: "uint256" },
  ],
});

/**
 * The EIP-712 domain for a numeric PinGo chain id. There is no
 * verifyingContract: the domain type is EIP712Domain(string name,string
 * version,uint256 chainId).
 * @param {bigint|number|string} chainId numeric L2 chain id (e.g. 7447)
 * @returns {{name: string, version: string, chainId: bigint}}
 */
export function eip712Domain(chainId) {
  return { name: "PinGo", version: "1", chainId: toUint(chainId, MAX_U64, "chainId") };
}

/**
 * Converts a number / bigint / decimal string to a bigint in [0, max].
 * @param {bigint|number|string} v
 * @param {bigint} max
 * @param {string} what field name for error messages
 * @returns {bigint}
 */
function toUint(v, max, what) {
  let n;
  try {
    n = BigInt(v);
  } catch {
    throw new TypeError(`${what}: not an integer: ${v}`);
  }
  if (n < 0n || n > max) throw new RangeError(`${what}: ${n} out of range [0, ${max}]`);
  return n;
}

/**
 * Minimal big-endian bytes of an unsigned integer, as the wire wants it:
 * 0 → empty (RLP 0x80), 1 → 0x01, 256 → 0x0100.
 * ethers 6.x `toBeArray(0n)` already returns an empty array; this does not
 * rely on it, because a single 0x00 byte would make the node refuse the tx.
 * @param {bigint} n
 * @returns {Uint8Array}
 */
export function uintBytes(n) {
  if (typeof n !== "bigint" || n < 0n) throw new RangeError(`uintBytes: want a non-negative bigint, got ${n}`);
  if (n === 0n) return new Uint8Array(0);
  const b = toBeArray(n);
  if (b.length === 0 || b[0] === 0) throw new Error(`uintBytes: non-minimal encoding of ${n}`); // cannot happen
  return b;
}

/**
 * Parses an address (checksummed or all-lower/upper hex) to its 20 bytes.
 * A mixed-case address with a wrong EIP-55 checksum throws, as on the node.
 * @param {string} a 0x-prefixed address
 * @returns {Uint8Array}
 */
function addressBytes(a) {
  return getBytes(getAddress(a));
}

/**
 * @typedef {object} UnsignedTx
 * @property {bigint} chainId numeric L2 chain id
 * @property {bigint} action wire action number
 * @property {string} from sender (EIP-55)
 * @property {bigint} nonce
 * @property {bigint} fee upingo
 * @property {Array} body the action's RLP list (nested byte arrays)
 * @property {{name: string, version: string, chainId: bigint}} domain EIP-712 domain
 * @property {Record<string, Array<{name: string, type: string}>>} types EIP-712 types (no EIP712Domain)
 * @property {string} primaryType
 * @property {Record<string, any>} message EIP-712 message
 */

/**
 * Builds an unsigned Transfer of `amount` upingo from `from` to `to`.
 * @param {object} p
 * @param {bigint|number|string} p.chainId numeric L2 chain id (see getChainId)
 * @param {string} p.from sender address (must be the signer's)
 * @param {string} p.to recipient address
 * @param {bigint|number|string} p.amount upingo, > 0
 * @param {bigint|number|string} p.fee upingo, >= min_fee (see getMinFee)
 * @param {bigint|number|string} p.nonce sender's next nonce (see getAccount)
 * @returns {UnsignedTx}
 */
export function buildTransfer({ chainId, from, to, amount, fee, nonce }) {
  const h = header(chainId, from, fee, nonce);
  const toAddr = getAddress(to);
  const amt = toUint(amount, MAX_U256, "amount");
  return {
    ...h,
    action: ACTION_TRANSFER,
    body: [addressBytes(toAddr), uintBytes(amt)],
    types: TRANSFER_TYPES,
    primaryType: "Transfer",
    message: { from: h.from, to: toAddr, amount: amt, fee: h.fee, nonce: h.nonce },
  };
}

/**
 * Builds an unsigned MultiSend paying several recipients in one action.
 * The chain caps the number of outputs (/bank/params max_outputs).
 * @param {object} p
 * @param {bigint|number|string} p.chainId numeric L2 chain id
 * @param {string} p.from sender address
 * @param {Array<{to: string, amount: bigint|number|string}>} p.outputs recipients, in order
 * @param {bigint|number|string} p.fee upingo
 * @param {bigint|number|string} p.nonce sender's next nonce
 * @returns {UnsignedTx}
 */
export function buildMultiSend({ chainId, from, outputs, fee, nonce }) {
  if (!Array.isArray(outputs) || outputs.length === 0) throw new Error("buildMultiSend: outputs must be a non-empty array");
  const h = header(chainId, from, fee, nonce);
  const outs = outputs.map((o, i) => ({ to: getAddress(o.to), amount: toUint(o.amount, MAX_U256, `outputs[${i}].amount`) }));
  return {
    ...h,
    action: ACTION_MULTISEND,
    body: outs.map((o) => [addressBytes(o.to), uintBytes(o.amount)]),
    types: MULTISEND_TYPES,
    primaryType: "MultiSend",
    message: { from: h.from, outputs: outs, fee: h.fee, nonce: h.nonce },
  };
}

function header(chainId, from, fee, nonce) {
  return {
    chainId: toUint(chainId, MAX_U64, "chainId"),
    domain: eip712Domain(chainId),
    from: getAddress(from),
    fee: toUint(fee, MAX_U256, "fee"),
    nonce: toUint(nonce, MAX_U64, "nonce"),
  };
}

/**
 * The EIP-712 digest the sender signs: keccak256(0x1901 ‖ domainSeparator ‖
 * hashStruct(message)). Useful for tests and hardware-wallet debugging.
 * @param {UnsignedTx} tx
 * @returns {string} 0x-prefixed 32-byte hex
 */
export function signingDigest(tx) {
  return TypedDataEncoder.hash(tx.domain, tx.types, tx.message);
}

/**
 * Normalises a signature to the 65 bytes the node accepts: r ‖ s ‖ v with
 * v ∈ {27, 28} and low s. (ethers and every mainstream wallet already sign
 * low-s; a wallet returning v ∈ {0, 1} is fixed up too.)
 * @param {string|Uint8Array} sig 65-byte signature as returned by signTypedData
 * @returns {Uint8Array} 65 bytes
 */
export function normalizeSignature(sig) {
  // Parsed by hand: ethers' Signature refuses to expose a high s.
  let b = typeof sig === "string" || sig instanceof Uint8Array ? getBytes(sig) : null;
  if (b === null || b.length !== 65) b = getBytes(Signature.from(sig).serialized); // e.g. 64-byte EIP-2098
  let v = b[64] < 27 ? b[64] + 27 : b[64];
  if (v !== 27 && v !== 28) throw new Error(`signature v must be 27/28 (or 0/1), got ${b[64]}`);
  let s = BigInt(hexlify(b.subarray(32, 64)));
  if (s === 0n || s >= SECP256K1_N) throw new Error("signature s out of range");
  if (s > SECP256K1_N / 2n) {
    // (r, N - s) with the other recovery id is the same signature, low-s form.
    s = SECP256K1_N - s;
    v = v === 27 ? 28 : 27;
  }
  return getBytes(concat([b.subarray(0, 32), "0x" + s.toString(16).padStart(64, "0"), new Uint8Array([v])]));
}

/**
 * Encodes a signed tx to its canonical wire bytes.
 * @param {UnsignedTx} tx
 * @param {string|Uint8Array} signature 65-byte r ‖ s ‖ v
 * @returns {Uint8Array}
 */
export function encodeTx(tx, signature) {
  const sig = normalizeSignature(signature);
  return getBytes(
    encodeRlp([
      uintBytes(tx.chainId),
      uintBytes(tx.action),
      addressBytes(tx.from),
      uintBytes(tx.nonce),
      uintBytes(tx.fee),
      tx.body, // a nested list, not a byte string
      sig,
    ]),
  );
}

/**
 * CometBFT's tx hash: sha256 of the wire bytes, upper-case hex without 0x
 * (the form /tx and tx_search print).
 * @param {Uint8Array} bytes
 * @returns {string}
 */
export function txHash(bytes) {
  return sha256(bytes).slice(2).toUpperCase();
}

/**
 * Signs `tx` with any ethers v6 Signer (Wallet, JsonRpcSigner of a browser
 * wallet, hardware signer) through `signer.signTypedData(domain, types,
 * message)`, checks the signature recovers to `tx.from`, and encodes it.
 * @param {{getAddress(): Promise<string>, signTypedData(domain: object, types: object, value: object): Promise<string>}} signer
 * @param {UnsignedTx} tx
 * @returns {Promise<{bytes: Uint8Array, hex: string, hash: string, signature: string, digest: string}>}
 */
export async function signAndEncode(signer, tx) {
  const addr = getAddress(await signer.getAddress());
  if (addr !== tx.from) throw new Error(`signer is ${addr} but tx.from is ${tx.from}`);
  const signature = await signer.signTypedData(tx.domain, tx.types, tx.message);
  const recovered = verifyTypedData(tx.domain, tx.types, tx.message, signature);
  if (recovered !== tx.from) throw new Error(`signature recovers to ${recovered}, not ${tx.from}`);
  const bytes = encodeTx(tx, signature);
  return { bytes, hex: hexlify(bytes), hash: txHash(bytes), signature: hexlify(normalizeSignature(signature)), digest: signingDigest(tx) };
}

// ---------------------------------------------------------------- JSON-RPC

/**
 * A transaction or query the node refused, with its stable (codespace, code)
 * pair from docs/protocol.md (e.g. auth/5 = wrong chain id, auth/8 = nonce
 * too low, bank/4 = insufficient funds).
 */
export class PingoError extends Error {
  /**
   * @param {string} codespace
   * @param {number} code
   * @param {string} log
   * @param {string} [hash] tx hash, when a tx was refused
   */
  constructor(codespace, code, log, hash) {
    super(`${codespace}/${code}: ${log}${hash ? ` (tx ${hash})` : ""}`);
    this.name = "PingoError";
    this.codespace = codespace;
    this.code = code;
    this.log = log;
    this.hash = hash;
  }
}

/** An RPC-level failure (transport, JSON-RPC error object). */
export class RpcError extends Error {
  constructor(message, data) {
    super(data ? `${message}: ${data}` : message);
    this.name = "RpcError";
    this.data = data;
  }
}

/**
 * Calls a CometBFT JSON-RPC method with HTTP POST. Byte parameters are
 * base64, int64 parameters are decimal strings (CometBFT's JSON rules).
 * @param {string} rpcUrl e.g. http://127.0.0.1:26657
 * @param {string} method
 * @param {Record<string, any>} params
 * @param {{timeoutMs?: number}} [opts]
 * @returns {Promise<any>} the JSON-RPC result
 */
export async function rpcCall(rpcUrl, method, params, { timeoutMs = 10_000 } = {}) {
  const res = await fetch(rpcUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  return rpcResult(res, method);
}

async function rpcResult(res, method) {
  const text = await res.text();
  let j;
  try {
    j = JSON.parse(text);
  } catch {
    throw new RpcError(`${method}: HTTP ${res.status}, not JSON`, text.slice(0, 200));
  }
  if (j.error) throw new RpcError(`${method}: ${j.error.message} (${j.error.code})`, j.error.data);
  if (!res.ok) throw new RpcError(`${method}: HTTP ${res.status}`);
  return j.result;
}

/**
 * Submits signed tx bytes with broadcast_tx_sync: returns once CheckTx has
 * admitted the tx to the mempool (not yet in a block; see waitTx).
 * @param {string} rpcUrl
 * @param {Uint8Array} bytes wire bytes from signAndEncode
 * @returns {Promise<string>} tx hash (upper-case hex, no 0x)
 * @throws {PingoError} if CheckTx refused the tx
 */
export async function broadcast(rpcUrl, bytes) {
  const r = await rpcCall(rpcUrl, "broadcast_tx_sync", { tx: encodeBase64(bytes) });
  if (r.code !== 0) throw new PingoError(r.codespace, r.code, r.log, r.hash);
  return r.hash;
}

/**
 * Polls GET /tx?hash=0x… until the tx is in a block.
 * @param {string} rpcUrl
 * @param {string} hash tx hash (hex, with or without 0x)
 * @param {{timeoutMs?: number, intervalMs?: number}} [opts]
 * @returns {Promise<{height: bigint, index: number, events: Array<any>}>}
 * @throws {PingoError} if the tx was included but failed in block execution
 */
export async function waitTx(rpcUrl, hash, { timeoutMs = 30_000, intervalMs = 200 } = {}) {
  const h = hash.replace(/^0x/i, "");
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const res = await fetch(`${rpcUrl.replace(/\/+$/, "")}/tx?hash=0x${h}`, { signal: AbortSignal.timeout(10_000) });
      const r = await rpcResult(res, "tx");
      const tr = r.tx_result;
      if (tr.code !== 0) throw new PingoError(tr.codespace, tr.code, tr.log, h.toUpperCase());
      return { height: BigInt(r.height), index: r.index, events: tr.events ?? [] };
    } catch (e) {
      if (e instanceof PingoError) throw e;
      last = e; // "tx (…) not found" until it is indexed, or a transient error
    }
    if (Date.now() >= deadline) throw new Error(`tx ${h} not included within ${timeoutMs} ms (last: ${last?.message})`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * abci_query without proof. The answer is what the node says; for
 * trust-minimised reads use the Go client, which verifies the ICS23 proof
 * (proof op type "ics23:iavl") against the AppHash in header H+1.
 * @param {string} rpcUrl
 * @param {string} path e.g. "/bank/balance/0x…"
 * @param {{height?: bigint|number}} [opts] 0 = latest committed
 * @returns {Promise<{value: Uint8Array|null, height: bigint}>} value null when absent
 * @throws {PingoError} for refused queries (e.g. query/2 unknown path)
 */
export async function abciQuery(rpcUrl, path, { height = 0 } = {}) {
  const r = await rpcCall(rpcUrl, "abci_query", { path, data: "", height: String(height), prove: false });
  const q = r.response;
  if (q.code !== 0) throw new PingoError(q.codespace, q.code, q.log);
  return { value: q.value == null ? null : decodeBase64(q.value), height: BigInt(q.height) };
}

/**
 * Decodes the 40-byte account record: nonce u64 BE ‖ balance u256 BE.
 * @param {Uint8Array|null} v
 * @returns {{nonce: bigint, balance: bigint}}
 */
export function decodeAccount(v) {
  if (v == null) return { nonce: 0n, balance: 0n }; // never funded
  if (v.length !== 40) throw new Error(`account record: want 40 bytes, got ${v.length}`);
  const nonce = BigInt(hexlify(v.subarray(0, 8)));
  const balance = BigInt(hexlify(v.subarray(8, 40)));
  return { nonce, balance };
}

/**
 * Reads an account (nonce and balance); an absent account is nonce 0,
 * balance 0.
 * @param {string} rpcUrl
 * @param {string} address
 * @param {{height?: bigint|number, path?: "auth"|"bank"}} [opts] path "bank" reads /bank/balance/… (same record)
 * @returns {Promise<{nonce: bigint, balance: bigint, exists: boolean, height: bigint}>}
 */
export async function getAccount(rpcUrl, address, { height = 0, path = "auth" } = {}) {
  const prefix = path === "bank" ? "/bank/balance/" : "/auth/account/";
  const r = await abciQuery(rpcUrl, prefix + getAddress(address), { height });
  return { ...decodeAccount(r.value), exists: r.value != null, height: r.height };
}

/**
 * Reads an integer field of a JSON params record without going through JS
 * numbers (uint64 / uint256 may exceed 2^53; uint256 values are strings).
 */
function jsonUintField(bytes, field) {
  const text = toUtf8String(bytes);
  const m = new RegExp(`"${field}"\\s*:\\s*"?(\\d+)"?`).exec(text);
  if (!m) throw new Error(`params: no ${field} in ${text}`);
  return BigInt(m[1]);
}

/**
 * The numeric L2 chain id for EIP-712 domains, from /auth/params.
 * @param {string} rpcUrl
 * @returns {Promise<bigint>}
 */
export async function getChainId(rpcUrl) {
  const r = await abciQuery(rpcUrl, "/auth/params");
  return jsonUintField(r.value, "chain_id");
}

/**
 * The least fee a tx pays, in upingo, from /bank/params (a node may ask for
 * more in CheckTx: its local mempool minimum).
 * @param {string} rpcUrl
 * @returns {Promise<bigint>}
 */
export async function getMinFee(rpcUrl) {
  const r = await abciQuery(rpcUrl, "/bank/params");
  return jsonUintField(r.value, "min_fee");
}
