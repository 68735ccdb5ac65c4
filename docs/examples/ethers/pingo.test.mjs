// Offline checks of pingo.mjs (no node needed): `npm test`.
// The live-chain test and the byte-for-byte comparison with the Go encoder
// are in example_test.go (`go test ./docs/examples/ethers/`).

import assert from "node:assert/strict";
import { test } from "node:test";
import { Signature, Wallet, decodeRlp, encodeRlp, getBytes, hexlify, toBeArray, verifyTypedData } from "ethers";
import {
  ACTION_MULTISEND,
  ACTION_TRANSFER,
  buildMultiSend,
  buildTransfer,
  decodeAccount,
  encodeTx,
  normalizeSignature,
  signAndEncode,
  signingDigest,
  txHash,
  uintBytes,
} from "./pingo.mjs";

const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const wallet = new Wallet("0x" + "11".repeat(32));
const alice = "0x" + "22".repeat(20);
const bob = "0xB6B3aaC8Efc1Ba25F5Ebb77b3A9A62D8F1fC0cFB";

test("zero is the empty byte string (RLP 0x80)", () => {
  assert.equal(uintBytes(0n).length, 0);
  assert.equal(encodeRlp(uintBytes(0n)), "0x80");
  // What ethers itself does (6.17): toBeArray(0n) is empty too. pingo.mjs
  // does not depend on it; a 0x00 byte would be refused by the node.
  assert.equal(toBeArray(0n).length, 0);
  assert.equal(encodeRlp(new Uint8Array([0])), "0x00"); // the wrong encoding
});

test("integers are minimal big-endian", () => {
  assert.equal(hexlify(uintBytes(1n)), "0x01");
  assert.equal(encodeRlp(uintBytes(127n)), "0x7f");
  assert.equal(encodeRlp(uintBytes(128n)), "0x8180");
  assert.equal(hexlify(uintBytes(256n)), "0x0100");
  assert.equal(uintBytes((1n << 256n) - 1n).length, 32);
  assert.throws(() => uintBytes(-1n));
});

test("range checks", () => {
  const ok = { chainId: 7447, from: wallet.address, to: bob, amount: 1, fee: 0, nonce: 0 };
  assert.doesNotThrow(() => buildTransfer(ok));
  assert.throws(() => buildTransfer({ ...ok, amount: 1n << 256n }), RangeError);
  assert.throws(() => buildTransfer({ ...ok, nonce: 1n << 64n }), RangeError);
  assert.throws(() => buildTransfer({ ...ok, chainId: -1 }), RangeError);
  assert.throws(() => buildTransfer({ ...ok, fee: "1.5" }), TypeError);
  // mixed case with a bad EIP-55 checksum
  assert.throws(() => buildTransfer({ ...ok, to: bob.replace("B6B3", "b6B3") }));
  assert.throws(() => buildMultiSend({ ...ok, outputs: [] }));
});

test("transfer envelope layout", async () => {
  const tx = buildTransfer({ chainId: 7447n, from: wallet.address, to: bob, amount: 777n, fee: 0n, nonce: 0n });
  const s = await signAndEncode(wallet, tx);
  const [chainId, action, from, nonce, fee, body, sig] = decodeRlp(s.bytes);
  assert.equal(BigInt(chainId), 7447n);
  assert.equal(BigInt(action), ACTION_TRANSFER);
  assert.equal(from, wallet.address.toLowerCase());
  assert.equal(nonce, "0x"); // empty string, RLP 0x80
  assert.equal(fee, "0x");
  assert.deepEqual(body, [bob.toLowerCase(), "0x0309"]);
  assert.equal(getBytes(sig).length, 65);
  assert.ok([27, 28].includes(getBytes(sig)[64]));
  assert.equal(s.hash, txHash(s.bytes));
  assert.match(s.hash, /^[0-9A-F]{64}$/);
  assert.equal(verifyTypedData(tx.domain, tx.types, tx.message, sig), wallet.address);
  assert.equal(s.digest, signingDigest(tx));
});

test("multisend envelope layout", async () => {
  const tx = buildMultiSend({
    chainId: 7447,
    from: wallet.address,
    outputs: [{ to: alice, amount: 1 }, { to: bob, amount: "1000000000" }],
    fee: 10_000,
    nonce: 3,
  });
  const s = await signAndEncode(wallet, tx);
  const [, action, , nonce, fee, body] = decodeRlp(s.bytes);
  assert.equal(BigInt(action), ACTION_MULTISEND);
  assert.equal(nonce, "0x03");
  assert.equal(fee, "0x2710");
  assert.deepEqual(body, [[alice, "0x01"], [bob.toLowerCase(), "0x3b9aca00"]]);
});

test("signer must be the sender", async () => {
  const tx = buildTransfer({ chainId: 7447, from: alice, to: bob, amount: 1, fee: 0, nonce: 0 });
  await assert.rejects(signAndEncode(wallet, tx), /signer is/);
});

test("high-s and v in {0,1} are normalised", async () => {
  const tx = buildTransfer({ chainId: 7447, from: wallet.address, to: bob, amount: 5, fee: 1, nonce: 9 });
  const good = Signature.from(await wallet.signTypedData(tx.domain, tx.types, tx.message));
  const s = BigInt(good.s);
  assert.ok(s <= N / 2n);
  const highS = "0x" + (N - s).toString(16).padStart(64, "0");
  const flipped = hexlify(new Uint8Array([...getBytes(good.r), ...getBytes(highS), good.v === 27 ? 28 : 27]));
  assert.equal(hexlify(normalizeSignature(flipped)), good.serialized);
  const v01 = hexlify(new Uint8Array([...getBytes(good.r), ...getBytes(good.s), good.v - 27]));
  assert.equal(hexlify(normalizeSignature(v01)), good.serialized);
  assert.equal(hexlify(encodeTx(tx, flipped)), hexlify(encodeTx(tx, good.serialized)));
});

test("account record decoding", () => {
  const rec = new Uint8Array(40);
  rec[7] = 1; // nonce 1
  rec.set([0x3b, 0x9a, 0xcd, 0x09], 36); // 1000000777
  assert.deepEqual(decodeAccount(rec), { nonce: 1n, balance: 1_000_000_777n });
  assert.deepEqual(decodeAccount(null), { nonce: 0n, balance: 0n });
  assert.throws(() => decodeAccount(new Uint8Array(39)));
});
