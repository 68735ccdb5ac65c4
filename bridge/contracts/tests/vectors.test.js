// Shared vectors with the Go encoder (bridge/checkpoint), both directions:
//  - go_vectors.json: Go-built messages must get exactly the expected exit
//    code from the real contract (and Go's storage cell must equal ours);
//  - js_vectors.json: cells built here and read back from the contract,
//    which Go must parse identically (TestJSVectors). This test fails if
//    the committed file no longer matches what this code builds;
//    UPDATE_VECTORS=1 npm test rewrites it.
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const { Cell } = require('@ton/core');
const { sign } = require('@ton/crypto');
const cells = require('../lib/cells');
const { testValidator, testValidators, signAll, deployAnchor, anchorTx, computeOf } = require('../lib/anchor');

const TESTDATA = path.join(__dirname, '..', '..', 'checkpoint', 'testdata');
const hex = (b) => Buffer.from(b).toString('hex');
const fromHexBoc = (h) => Cell.fromBoc(Buffer.from(h, 'hex'))[0];

/** The test key whose public key is pubHex, so JS can re-sign Go's digests. */
function keyFor(pubHex) {
  for (let i = 0; i < 32; i++) {
    const v = testValidator(i);
    if (hex(v.pubkey) === pubHex) return v;
  }
  throw new Error(`no test key for ${pubHex}`);
}

test('Go-built messages get the expected exit codes from the contract', async () => {
  const vectors = JSON.parse(fs.readFileSync(path.join(TESTDATA, 'go_vectors.json'), 'utf8'));
  assert.ok(vectors.scenarios.length >= 2);
  let accepted = 0;
  for (const sc of vectors.scenarios) {
    const set = sc.validators.map((v) => ({ pubkey: Buffer.from(v.pubkey, 'hex'), power: BigInt(v.power) }));
    assert.equal(hex(cells.valsetHash(set)), sc.valset_hash, `${sc.name}: valset hash`);
    const data = fromHexBoc(sc.initial_data_boc);
    const ours = cells.initialData({ chainId: BigInt(sc.chain_id), lastEpoch: BigInt(sc.last_epoch), validators: set });
    assert.ok(data.hash().equals(ours.hash()), `${sc.name}: Go storage cell differs from the JS one`);
    const env = await deployAnchor({ data });
    for (const st of sc.steps) {
      const body = fromHexBoc(st.body_boc);
      const s = body.beginParse();
      assert.equal(s.loadUint(32), cells.OP_SUBMIT_CHECKPOINT);
      s.loadUintBig(64);
      const cp = s.loadRef();
      assert.equal(hex(cp.hash()), st.digest, `${sc.name} / ${st.name}: digest`);
      assert.equal(cells.parseCheckpoint(cp).epoch, BigInt(st.epoch));
      if (st.expect_exit === 0) {
        // ed25519 is deterministic: our signature over Go's digest must be
        // byte-identical to the one Go put in the message.
        for (let n = s.loadRef(); n; ) {
          const ns = n.beginParse();
          const idx = ns.loadUint(16);
          const sig = ns.loadBuffer(64);
          const vs = await env.anchor.getValidator(idx);
          const key = keyFor(vs.pubkey.toString(16).padStart(64, '0'));
          assert.ok(sign(cp.hash(), key.secretKey).equals(sig), `${st.name}: signature of ${idx} differs`);
          n = ns.loadMaybeRef();
        }
      }
      const res = await env.anchor.sendBody(env.relayer.getSender(), body, 100_000_000n);
      const c = computeOf(anchorTx(res, env.anchor));
      assert.equal(c.exitCode, st.expect_exit, `${sc.name} / ${st.name}: exit ${c.exitCode}, want ${st.expect_exit}`);
      if (st.expect_exit === 0) {
        accepted++;
        const stored = await env.anchor.getCheckpointByEpoch(BigInt(st.epoch));
        assert.equal(hex(stored.hash()), st.digest);
      }
    }
  }
  assert.ok(accepted >= 5, `only ${accepted} accepted steps`);
});

function h(label) {
  return crypto.createHash('sha256').update(label).digest();
}

const U64_MAX = (1n << 64n) - 1n;

function cpJSON(cell) {
  const cp = cells.parseCheckpoint(cell);
  return {
    chain_id: cp.chainId.toString(),
    epoch: cp.epoch.toString(),
    height: cp.height.toString(),
    app_hash: hex(cp.appHash),
    valset_hash: hex(cp.valsetHash),
    next_valset_hash: hex(cp.nextValsetHash),
    withdrawal_root: hex(cp.withdrawalRoot),
    boc: hex(cell.toBoc()),
    hash: hex(cell.hash()),
  };
}

function setJSON(source, root, set) {
  return {
    source,
    validators: set.map((v) => ({ pubkey: hex(v.pubkey), power: BigInt(v.power).toString() })),
    boc: hex(root.toBoc()),
    hash: hex(root.hash()),
  };
}

/** buildJsVectors: deterministic cells from @ton/core and from the contract's getters. */
async function buildJsVectors() {
  const checkpoints = [];
  const valsets = [];
  const edge = [
    { chainId: 0n, epoch: 0n, height: 0n, appHash: Buffer.alloc(32), valsetHash: Buffer.alloc(32), nextValsetHash: Buffer.alloc(32), withdrawalRoot: Buffer.alloc(32) },
    { chainId: U64_MAX, epoch: U64_MAX, height: U64_MAX, appHash: Buffer.alloc(32, 0xff), valsetHash: Buffer.alloc(32, 0xff), nextValsetHash: Buffer.alloc(32, 0xff), withdrawalRoot: Buffer.alloc(32, 0xff) },
    { chainId: 1n << 63n, epoch: 12345n, height: 9876543210n, appHash: h('a'), valsetHash: h('b'), nextValsetHash: h('c'), withdrawalRoot: h('d') },
  ];
  for (const f of edge) checkpoints.push({ source: '@ton/core', ...cpJSON(cells.checkpointCell(f)) });

  for (const n of [1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 21, 33, 64, 100, 256]) {
    const set = testValidators(Math.min(n, 40)).slice(0, n);
    // Keys repeat past 40 (key derivation is the slow part); powers vary.
    while (set.length < n) set.push(testValidator(set.length % 40));
    const withPowers = set.map((v, i) => ({ pubkey: v.pubkey, power: BigInt(1 + ((i * 7919) % 1000)) * (i === 0 ? U64_MAX / 4096n : 1n) }));
    valsets.push(setJSON(`@ton/core, ${n} validators`, cells.valsetRoot(withPowers), withPowers));
  }

  // Cells as the contract stores and returns them after an anchoring that
  // rotates the set.
  const old = testValidators(4);
  const next = [testValidator(1, 20n), testValidator(2, 10n), testValidator(3, 10n), testValidator(4, 30n)];
  const env = await deployAnchor({ chainId: 7n, validators: old });
  valsets.push(setJSON('contract getter validatorSet, genesis', (await env.anchor.getValidatorSet()).root, old));
  const cp = cells.checkpointCell({ chainId: 7n, epoch: 1n, height: 100n, appHash: h('app-1'), valsetHash: cells.valsetHash(old), nextValsetHash: cells.valsetHash(next), withdrawalRoot: h('w-1') });
  const res = await env.anchor.sendBody(env.relayer.getSender(), cells.submitBody({ checkpoint: cp, sigs: signAll(cp, old, [0, 1, 2]), newSet: next }));
  assert.equal(computeOf(anchorTx(res, env.anchor)).exitCode, 0);
  checkpoints.push({ source: 'contract getter checkpointByEpoch(1)', ...cpJSON(await env.anchor.getCheckpointByEpoch(1n)) });
  valsets.push(setJSON('contract getter validatorSet, after rotation', (await env.anchor.getValidatorSet()).root, next));

  return {
    comment: 'Generated by bridge/contracts/tests/vectors.test.js (UPDATE_VECTORS=1 npm test); parsed by TestJSVectors in bridge/checkpoint.',
    checkpoints,
    valsets,
  };
}

test('JS-built cells match the committed js_vectors.json (Go parses that file)', async () => {
  const file = path.join(TESTDATA, 'js_vectors.json');
  const got = JSON.stringify(await buildJsVectors(), null, 2) + '\n';
  if (process.env.UPDATE_VECTORS === '1') fs.writeFileSync(file, got);
  const want = fs.readFileSync(file, 'utf8');
  assert.ok(got === want, `${file} is stale: the JS encoding changed; if intended, rerun with UPDATE_VECTORS=1 and run go test ./bridge/checkpoint`);
});
