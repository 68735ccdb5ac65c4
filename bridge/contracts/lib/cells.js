// JavaScript encoding of the anchor's cells (README "Cell layouts"): the
// same layouts bridge/checkpoint builds in Go. Tests use it to build
// checkpoints and messages independently of the Go code, so that the
// shared vectors compare two implementations, not one with itself.
'use strict';
const { beginCell, Cell, Dictionary } = require('@ton/core');

const CHECKPOINT_TAG = 0x03fae044; // sha256("pingo:checkpoint:v1")[0:4]
const OP_SUBMIT_CHECKPOINT = 0xd14ea15f; // sha256("pingo:submit_checkpoint")[0:4]
const MAX_VALIDATORS = 256;
const RECENT_CHECKPOINTS = 16;

/** Dictionary value codec of Validator {pubkey:uint256, power:uint64}. */
const validatorValue = {
  serialize(v, b) {
    if (v.pubkey.length !== 32) throw new Error('pubkey must be 32 bytes');
    b.storeBuffer(v.pubkey).storeUint(v.power, 64);
  },
  parse(s) {
    return { pubkey: s.loadBuffer(32), power: s.loadUintBig(64) };
  },
};

/** validatorDict: index (0..n-1 in the given order) -> {pubkey, power}. */
function validatorDict(validators) {
  const d = Dictionary.empty(Dictionary.Keys.Uint(16), validatorValue);
  validators.forEach((v, i) => d.set(i, { pubkey: v.pubkey, power: BigInt(v.power) }));
  return d;
}

/** valsetRoot: the root cell of the set's Hashmap 16; its hash is valset_hash. */
function valsetRoot(validators) {
  if (validators.length === 0) throw new Error('empty validator set');
  return beginCell().storeDictDirect(validatorDict(validators)).endCell();
}

/** valsetHash: 32-byte valset_hash of a set (array of {pubkey, power}). */
function valsetHash(validators) {
  return valsetRoot(validators).hash();
}

function u256(buf, name) {
  if (!Buffer.isBuffer(buf) || buf.length !== 32) throw new Error(`${name} must be 32 bytes`);
  return BigInt('0x' + buf.toString('hex'));
}

/** checkpointCell builds the signed checkpoint cell (hash = digest). */
function checkpointCell(cp) {
  const tail = beginCell().storeUint(u256(cp.appHash, 'appHash'), 256).endCell();
  return beginCell()
    .storeUint(CHECKPOINT_TAG, 32)
    .storeUint(BigInt(cp.chainId), 64)
    .storeUint(BigInt(cp.epoch), 64)
    .storeUint(BigInt(cp.height), 64)
    .storeUint(u256(cp.valsetHash, 'valsetHash'), 256)
    .storeUint(u256(cp.nextValsetHash, 'nextValsetHash'), 256)
    .storeUint(u256(cp.withdrawalRoot, 'withdrawalRoot'), 256)
    .storeRef(tail)
    .endCell();
}

/** parseCheckpoint is the inverse of checkpointCell; throws on any deviation. */
function parseCheckpoint(cell) {
  const s = cell.beginParse();
  if (s.loadUint(32) !== CHECKPOINT_TAG) throw new Error('bad checkpoint tag');
  const cp = {
    chainId: s.loadUintBig(64),
    epoch: s.loadUintBig(64),
    height: s.loadUintBig(64),
    valsetHash: s.loadBuffer(32),
    nextValsetHash: s.loadBuffer(32),
    withdrawalRoot: s.loadBuffer(32),
  };
  const t = s.loadRef().beginParse();
  cp.appHash = t.loadBuffer(32);
  t.endParse();
  s.endParse();
  return cp;
}

/**
 * signatureChain builds the SigNode chain from [{index, signature}] in the
 * order given (the contract requires strictly ascending indexes; tests pass
 * other orders on purpose).
 */
function signatureChain(sigs) {
  if (sigs.length === 0) throw new Error('no signatures');
  let next = null;
  for (let i = sigs.length - 1; i >= 0; i--) {
    const { index, signature } = sigs[i];
    if (signature.length !== 64) throw new Error('signature must be 64 bytes');
    next = beginCell().storeUint(index, 16).storeBuffer(signature).storeMaybeRef(next).endCell();
  }
  return next;
}

/** submitBody builds a submit_checkpoint body; newSet is an array or null. */
function submitBody({ queryId = 0n, checkpoint, sigs, newSet = null }) {
  const b = beginCell()
    .storeUint(OP_SUBMIT_CHECKPOINT, 32)
    .storeUint(BigInt(queryId), 64)
    .storeRef(checkpoint)
    .storeRef(signatureChain(sigs));
  if (newSet instanceof Cell) {
    // A raw set root (tests of non-canonical sets).
    b.storeBit(1).storeRef(newSet);
  } else if (newSet) {
    b.storeBit(1).storeRef(valsetRoot(newSet));
  } else {
    b.storeBit(0);
  }
  return b.endCell();
}

/** initialData: the anchor's storage at deployment. */
function initialData({ chainId, lastEpoch = 0n, validators, jettonMaster = null }) {
  const total = validators.reduce((a, v) => a + BigInt(v.power), 0n);
  const bridge = beginCell()
    .storeBit(0) // withdrawalRoots: empty
    .storeBit(0) // claimed: empty
    .storeAddress(jettonMaster) // jettonMaster: addr_none when null (no bridge)
    .storeUint(0, 2) // jettonWallet: addr_none until set_jetton
    .storeBit(0) // refunds: empty
    .endCell();
  return beginCell()
    .storeUint(BigInt(chainId), 64)
    .storeUint(BigInt(lastEpoch), 64)
    .storeUint(total, 64)
    .storeBit(1)
    .storeRef(valsetRoot(validators))
    .storeBit(0) // checkpoints: empty
    .storeRef(bridge)
    .endCell();
}

module.exports = {
  CHECKPOINT_TAG,
  OP_SUBMIT_CHECKPOINT,
  MAX_VALIDATORS,
  RECENT_CHECKPOINTS,
  validatorValue,
  validatorDict,
  valsetRoot,
  valsetHash,
  checkpointCell,
  parseCheckpoint,
  signatureChain,
  submitBody,
  initialData,
};
