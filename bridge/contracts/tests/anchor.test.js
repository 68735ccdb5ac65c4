// Behaviour of the anchor contract in @ton/sandbox: acceptance, every
// rejection path with its documented exit code, rotation and getters.
'use strict';
const { test, describe } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { beginCell, Dictionary } = require('@ton/core');
const cells = require('../lib/cells');
const { testValidators, testValidator, signAll, deployAnchor, anchorTx, computeOf } = require('../lib/anchor');

const CHAIN_ID = 7n;
const EXIT = {
  UNKNOWN_OP: 0xffff,
  MALFORMED: 100,
  WRONG_CHAIN: 101,
  ALREADY_ANCHORED: 200,
  STALE_EPOCH: 201,
  VALSET_MISMATCH: 202,
  UNSORTED_SIGNERS: 203,
  UNKNOWN_SIGNER: 204,
  BAD_SIGNATURE: 205,
  INSUFFICIENT_POWER: 206,
  NEW_SET_MISSING: 207,
  NEW_SET_HASH_MISMATCH: 208,
  NEW_SET_UNEXPECTED: 209,
  NEW_SET_INVALID: 210,
};

function h(label) {
  return crypto.createHash('sha256').update(label).digest();
}

/** checkpoint for `set` at `epoch`; nextSet defaults to set (no rotation). */
function checkpoint({ set, epoch, nextSet = set, chainId = CHAIN_ID, withdrawalRoot = Buffer.alloc(32) }) {
  return cells.checkpointCell({
    chainId,
    epoch: BigInt(epoch),
    height: BigInt(epoch) * 100n,
    appHash: h(`app-${epoch}`),
    valsetHash: cells.valsetHash(set),
    nextValsetHash: cells.valsetHash(nextSet),
    withdrawalRoot,
  });
}

async function submit(env, body, value = undefined) {
  const res = await env.anchor.sendBody(env.relayer.getSender(), body, value);
  return computeOf(anchorTx(res, env.anchor));
}

function expectExit(c, code) {
  assert.equal(c.exitCode, code, `exit code ${c.exitCode}, want ${code}`);
}

function expectOK(c) {
  assert.equal(c.success, true, `compute failed with exit code ${c.exitCode}`);
  assert.equal(c.exitCode, 0);
}

describe('anchor: checkpoints at 4 validators', () => {
  const set = testValidators(4);

  test('accepts a checkpoint signed by 3 of 4 and stores it', async () => {
    const env = await deployAnchor({ chainId: CHAIN_ID, validators: set });
    const cp = checkpoint({ set, epoch: 1 });
    expectOK(await submit(env, cells.submitBody({ checkpoint: cp, sigs: signAll(cp, set, [0, 1, 3]) })));
    assert.equal(await env.anchor.getLastEpoch(), 1n);
    const stored = await env.anchor.getCheckpointByEpoch(1n);
    assert.ok(stored && stored.hash().equals(cp.hash()), 'stored checkpoint differs');
    assert.equal(await env.anchor.getCheckpointByEpoch(2n), null);
    assert.equal(await env.anchor.getCheckpointCount(), 1);
  });

  test('rejects 2 of 4 signatures (exactly 2/3 is not enough either)', async () => {
    const env = await deployAnchor({ chainId: CHAIN_ID, validators: set });
    const cp = checkpoint({ set, epoch: 1 });
    expectExit(await submit(env, cells.submitBody({ checkpoint: cp, sigs: signAll(cp, set, [1, 2]) })), EXIT.INSUFFICIENT_POWER);
    // Powers 1,1,1,3 of 6: the three small ones hold exactly 2/3 -> rejected;
    // the big one plus one small is 4/6 -> also exactly 2/3 -> rejected;
    // the big one plus two small is 5/6 -> accepted.
    const weighted = [testValidator(0, 1n), testValidator(1, 1n), testValidator(2, 1n), testValidator(3, 3n)];
    const env2 = await deployAnchor({ chainId: CHAIN_ID, validators: weighted });
    const cp2 = checkpoint({ set: weighted, epoch: 1 });
    expectExit(await submit(env2, cells.submitBody({ checkpoint: cp2, sigs: signAll(cp2, weighted, [0, 1, 2]) })), EXIT.INSUFFICIENT_POWER);
    expectExit(await submit(env2, cells.submitBody({ checkpoint: cp2, sigs: signAll(cp2, weighted, [0, 3]) })), EXIT.INSUFFICIENT_POWER);
    expectOK(await submit(env2, cells.submitBody({ checkpoint: cp2, sigs: signAll(cp2, weighted, [0, 1, 3]) })));
    assert.equal(await env2.anchor.getLastEpoch(), 1n);
  });

  test('rejects a forged signature', async () => {
    const env = await deployAnchor({ chainId: CHAIN_ID, validators: set });
    const cp = checkpoint({ set, epoch: 1 });
    const sigs = signAll(cp, set, [0, 1, 2]);
    sigs[1].signature = Buffer.from(sigs[1].signature);
    sigs[1].signature[5] ^= 1;
    expectExit(await submit(env, cells.submitBody({ checkpoint: cp, sigs })), EXIT.BAD_SIGNATURE);
    // A real signature by a key outside the set, under an index of the set.
    const outsider = testValidator(99);
    const forged = signAll(cp, [...set.slice(0, 2), outsider], [0, 1, 2]);
    expectExit(await submit(env, cells.submitBody({ checkpoint: cp, sigs: forged })), EXIT.BAD_SIGNATURE);
    // A signature over another checkpoint.
    const other = checkpoint({ set, epoch: 2 });
    const replayed = [...signAll(cp, set, [0, 1]), ...signAll(other, set, [2])];
    expectExit(await submit(env, cells.submitBody({ checkpoint: cp, sigs: replayed })), EXIT.BAD_SIGNATURE);
    assert.equal(await env.anchor.getLastEpoch(), 0n);
  });

  test('rejects a duplicate signer', async () => {
    const env = await deployAnchor({ chainId: CHAIN_ID, validators: set });
    const cp = checkpoint({ set, epoch: 1 });
    const s = signAll(cp, set, [0, 1]);
    expectExit(await submit(env, cells.submitBody({ checkpoint: cp, sigs: [s[0], s[1], s[1]] })), EXIT.UNSORTED_SIGNERS);
  });

  test('rejects unsorted signers', async () => {
    const env = await deployAnchor({ chainId: CHAIN_ID, validators: set });
    const cp = checkpoint({ set, epoch: 1 });
    expectExit(await submit(env, cells.submitBody({ checkpoint: cp, sigs: signAll(cp, set, [0, 2, 1]) })), EXIT.UNSORTED_SIGNERS);
  });

  test('rejects a signer index outside the set', async () => {
    const env = await deployAnchor({ chainId: CHAIN_ID, validators: set });
    const cp = checkpoint({ set, epoch: 1 });
    const sigs = signAll(cp, [...set, testValidator(4)], [0, 1, 4]);
    expectExit(await submit(env, cells.submitBody({ checkpoint: cp, sigs })), EXIT.UNKNOWN_SIGNER);
  });

  test('rejects stale and equal epochs; the same checkpoint again is "already anchored"', async () => {
    const env = await deployAnchor({ chainId: CHAIN_ID, validators: set });
    const cp5 = checkpoint({ set, epoch: 5 });
    const body5 = cells.submitBody({ checkpoint: cp5, sigs: signAll(cp5, set, [0, 1, 2]) });
    expectOK(await submit(env, body5));
    expectExit(await submit(env, body5), EXIT.ALREADY_ANCHORED);
    // Same epoch, different content: not the anchored one.
    const cp5b = cells.checkpointCell({ ...cells.parseCheckpoint(cp5), appHash: h('fork') });
    expectExit(await submit(env, cells.submitBody({ checkpoint: cp5b, sigs: signAll(cp5b, set, [0, 1, 2]) })), EXIT.STALE_EPOCH);
    const cp3 = checkpoint({ set, epoch: 3 });
    expectExit(await submit(env, cells.submitBody({ checkpoint: cp3, sigs: signAll(cp3, set, [0, 1, 2]) })), EXIT.STALE_EPOCH);
    assert.equal(await env.anchor.getLastEpoch(), 5n);
    const cp6 = checkpoint({ set, epoch: 6 });
    expectOK(await submit(env, cells.submitBody({ checkpoint: cp6, sigs: signAll(cp6, set, [1, 2, 3]) })));
    assert.equal(await env.anchor.getLastEpoch(), 6n);
  });

  test('rejects a checkpoint over another validator set hash', async () => {
    const env = await deployAnchor({ chainId: CHAIN_ID, validators: set });
    const other = testValidators(5);
    const cp = checkpoint({ set: other, epoch: 1 });
    expectExit(await submit(env, cells.submitBody({ checkpoint: cp, sigs: signAll(cp, set, [0, 1, 2]) })), EXIT.VALSET_MISMATCH);
  });

  test('rejects a checkpoint of another chain', async () => {
    const env = await deployAnchor({ chainId: CHAIN_ID, validators: set });
    const cp = checkpoint({ set, epoch: 1, chainId: CHAIN_ID + 1n });
    expectExit(await submit(env, cells.submitBody({ checkpoint: cp, sigs: signAll(cp, set, [0, 1, 2]) })), EXIT.WRONG_CHAIN);
  });

  test('rejects malformed messages', async () => {
    const env = await deployAnchor({ chainId: CHAIN_ID, validators: set });
    const cp = checkpoint({ set, epoch: 1 });
    const sigs = signAll(cp, set, [0, 1, 2]);
    // Unknown opcode.
    expectExit(await submit(env, beginCell().storeUint(0x12345678, 32).endCell()), EXIT.UNKNOWN_OP);
    // A checkpoint with a wrong tag.
    const badTag = beginCell().storeUint(0xdeadbeef, 32).storeSlice(cp.beginParse().skip(32)).endCell();
    expectExit(await submit(env, cells.submitBody({ checkpoint: badTag, sigs })), EXIT.MALFORMED);
    // Truncated body: no signature ref (TVM cell underflow, 9).
    const truncated = beginCell().storeUint(cells.OP_SUBMIT_CHECKPOINT, 32).storeUint(0, 64).storeRef(cp).endCell();
    expectExit(await submit(env, truncated), 9);
    // An empty body is a top-up and succeeds without changing state.
    expectOK(await submit(env, beginCell().endCell()));
    assert.equal(await env.anchor.getLastEpoch(), 0n);
  });

  test('keeps the last 16 checkpoints and records non-zero withdrawal roots', async () => {
    const env = await deployAnchor({ chainId: CHAIN_ID, validators: set });
    const roots = {};
    for (let e = 1; e <= cells.RECENT_CHECKPOINTS + 2; e++) {
      const withdrawalRoot = e % 3 === 0 ? h(`w-${e}`) : Buffer.alloc(32);
      roots[e] = withdrawalRoot;
      const cp = checkpoint({ set, epoch: e, withdrawalRoot });
      expectOK(await submit(env, cells.submitBody({ checkpoint: cp, sigs: signAll(cp, set, [0, 1, 2]) })));
    }
    assert.equal(await env.anchor.getCheckpointCount(), cells.RECENT_CHECKPOINTS);
    assert.equal(await env.anchor.getCheckpointByEpoch(1n), null, 'epoch 1 not evicted');
    assert.equal(await env.anchor.getCheckpointByEpoch(2n), null, 'epoch 2 not evicted');
    assert.notEqual(await env.anchor.getCheckpointByEpoch(3n), null, 'epoch 3 evicted');
    assert.notEqual(await env.anchor.getCheckpointByEpoch(18n), null, 'epoch 18 missing');
    // Withdrawal roots outlive the recent window.
    assert.equal(await env.anchor.getWithdrawalRoot(3n), BigInt('0x' + roots[3].toString('hex')));
    assert.equal(await env.anchor.getWithdrawalRoot(18n), BigInt('0x' + roots[18].toString('hex')));
    assert.equal(await env.anchor.getWithdrawalRoot(4n), 0n);
  });
});

describe('anchor: validator set rotation', () => {
  const oldSet = testValidators(4);
  // Validator 4 joins, validator 0 leaves, powers change.
  const newSet = [testValidator(1, 20n), testValidator(2, 10n), testValidator(3, 10n), testValidator(4, 30n)];

  test('rotates with the old set signatures; then only the new set is accepted', async () => {
    const env = await deployAnchor({ chainId: CHAIN_ID, validators: oldSet });
    const cp1 = checkpoint({ set: oldSet, epoch: 1, nextSet: newSet });
    expectOK(await submit(env, cells.submitBody({ checkpoint: cp1, sigs: signAll(cp1, oldSet, [0, 1, 2]), newSet })));
    assert.equal(await env.anchor.getTotalPower(), 70n);
    assert.equal(await env.anchor.getValsetHash(), BigInt('0x' + cells.valsetHash(newSet).toString('hex')));
    const v3 = await env.anchor.getValidator(3);
    assert.equal(v3.pubkey, BigInt('0x' + newSet[3].pubkey.toString('hex')));
    assert.equal(v3.power, 30n);

    // The old set's checkpoint for epoch 2 no longer matches.
    const oldCp2 = checkpoint({ set: oldSet, epoch: 2 });
    expectExit(await submit(env, cells.submitBody({ checkpoint: oldCp2, sigs: signAll(oldCp2, oldSet, [0, 1, 2, 3]) })), EXIT.VALSET_MISMATCH);
    // Old keys under the new set's hash: they are not the new set's keys.
    const cp2 = checkpoint({ set: newSet, epoch: 2 });
    expectExit(await submit(env, cells.submitBody({ checkpoint: cp2, sigs: signAll(cp2, oldSet, [0, 1, 2, 3]) })), EXIT.BAD_SIGNATURE);
    // New set: 20+10+10 = 40 of 70 is not > 2/3; 20+10+30 = 60 is.
    expectExit(await submit(env, cells.submitBody({ checkpoint: cp2, sigs: signAll(cp2, newSet, [0, 1, 2]) })), EXIT.INSUFFICIENT_POWER);
    expectOK(await submit(env, cells.submitBody({ checkpoint: cp2, sigs: signAll(cp2, newSet, [0, 1, 3]) })));
    assert.equal(await env.anchor.getLastEpoch(), 2n);
  });

  test('the new set cannot sign its own rotation', async () => {
    const env = await deployAnchor({ chainId: CHAIN_ID, validators: oldSet });
    const cp1 = checkpoint({ set: oldSet, epoch: 1, nextSet: newSet });
    const sigs = signAll(cp1, newSet, [0, 1, 2, 3]);
    expectExit(await submit(env, cells.submitBody({ checkpoint: cp1, sigs, newSet })), EXIT.BAD_SIGNATURE);
  });

  test('rejects a new set that does not hash to next_valset_hash', async () => {
    const env = await deployAnchor({ chainId: CHAIN_ID, validators: oldSet });
    const cp1 = checkpoint({ set: oldSet, epoch: 1, nextSet: newSet });
    const sigs = signAll(cp1, oldSet, [0, 1, 2]);
    const tampered = newSet.map((v, i) => (i === 3 ? { ...v, power: 31n } : v));
    expectExit(await submit(env, cells.submitBody({ checkpoint: cp1, sigs, newSet: tampered })), EXIT.NEW_SET_HASH_MISMATCH);
    expectExit(await submit(env, cells.submitBody({ checkpoint: cp1, sigs })), EXIT.NEW_SET_MISSING);
    const cpSame = checkpoint({ set: oldSet, epoch: 1 });
    expectExit(
      await submit(env, cells.submitBody({ checkpoint: cpSame, sigs: signAll(cpSame, oldSet, [0, 1, 2]), newSet })),
      EXIT.NEW_SET_UNEXPECTED,
    );
    assert.equal(await env.anchor.getValsetHash(), BigInt('0x' + cells.valsetHash(oldSet).toString('hex')));
  });

  test('rejects a non-canonical new set (zero power, index gap, too many)', async () => {
    const env = await deployAnchor({ chainId: CHAIN_ID, validators: oldSet });
    const rawSet = (entries) => {
      const d = Dictionary.empty(Dictionary.Keys.Uint(16), cells.validatorValue);
      for (const [k, v] of entries) d.set(k, { pubkey: v.pubkey, power: v.power });
      return beginCell().storeDictDirect(d).endCell();
    };
    const a = testValidator(1, 10n);
    const bad = {
      'zero power': rawSet([[0, a], [1, testValidator(2, 0n)]]),
      'index gap': rawSet([[0, a], [2, testValidator(2, 10n)]]),
      'not from 0': rawSet([[1, a]]),
      'over MAX_VALIDATORS': rawSet(Array.from({ length: cells.MAX_VALIDATORS + 1 }, (_, i) => [i, a])),
    };
    for (const [name, set] of Object.entries(bad)) {
      const cp1 = cells.checkpointCell({
        ...cells.parseCheckpoint(checkpoint({ set: oldSet, epoch: 1 })),
        nextValsetHash: set.hash(),
      });
      // Walking 257 entries takes more gas than the default 0.05 TON buys.
      const c = await submit(env, cells.submitBody({ checkpoint: cp1, sigs: signAll(cp1, oldSet, [0, 1, 2]), newSet: set }), 500_000_000n);
      assert.equal(c.exitCode, EXIT.NEW_SET_INVALID, `${name}: exit ${c.exitCode}`);
    }
    assert.equal(await env.anchor.getLastEpoch(), 0n);
  });
});

describe('anchor: getters', () => {
  test('report the deployed set, chain id and empty history', async () => {
    const set = [testValidator(0, 5n), testValidator(1, 6n), testValidator(2, 7n)];
    const env = await deployAnchor({ chainId: 42n, lastEpoch: 9n, validators: set });
    assert.equal(await env.anchor.getChainId(), 42n);
    assert.equal(await env.anchor.getLastEpoch(), 9n);
    const vs = await env.anchor.getValidatorSet();
    assert.equal(vs.totalPower, 18n);
    assert.ok(vs.root.hash().equals(cells.valsetHash(set)));
    assert.equal(vs.hash, BigInt('0x' + cells.valsetHash(set).toString('hex')));
    for (let i = 0; i < set.length; i++) {
      const v = await env.anchor.getValidator(i);
      assert.equal(v.pubkey, BigInt('0x' + set[i].pubkey.toString('hex')));
      assert.equal(v.power, set[i].power);
    }
    assert.deepEqual(await env.anchor.getValidator(3), { pubkey: 0n, power: 0n });
    assert.deepEqual(await env.anchor.getValidator(-1), { pubkey: 0n, power: 0n });
    assert.deepEqual(await env.anchor.getValidator(70000), { pubkey: 0n, power: 0n });
    assert.equal(await env.anchor.getCheckpointByEpoch(-1n), null);
    assert.equal(await env.anchor.getCheckpointByEpoch(1n << 64n), null);
    assert.equal(await env.anchor.getWithdrawalRoot(1n << 64n), 0n);
    assert.equal(await env.anchor.getCheckpointCount(), 0);
    assert.equal(await env.anchor.getCheckpointByEpoch(9n), null);
  });
});
