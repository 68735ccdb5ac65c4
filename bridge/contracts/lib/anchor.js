// Sandbox harness: deterministic validator keys, signing, deployment and
// a thin wrapper over the anchor's getters.
'use strict';
const crypto = require('node:crypto');
const { toNano, contractAddress, TupleBuilder } = require('@ton/core');
const { keyPairFromSeed, sign } = require('@ton/crypto');
const { Blockchain } = require('@ton/sandbox');
const { compileAnchor } = require('../scripts/compile');
const cells = require('./cells');

/** testValidator(i): ed25519 key from seed sha256("pingo/test-validator/<i>"), as Go's testvectors use. */
function testValidator(i, power = 10n) {
  const seed = crypto.createHash('sha256').update(`pingo/test-validator/${i}`).digest();
  const kp = keyPairFromSeed(seed);
  return { pubkey: kp.publicKey, secretKey: kp.secretKey, power: BigInt(power) };
}

function testValidators(n, power = 10n) {
  return Array.from({ length: n }, (_, i) => testValidator(i, power));
}

/** signAll: signatures of validators at the given indexes over the checkpoint's cell hash. */
function signAll(checkpoint, validators, indexes) {
  const digest = checkpoint.hash();
  return indexes.map((index) => ({ index, signature: sign(digest, validators[index].secretKey) }));
}

let codePromise = null;
function anchorCode() {
  if (!codePromise) codePromise = compileAnchor().then((r) => r.code);
  return codePromise;
}

class Anchor {
  constructor(address, init) {
    this.address = address;
    this.init = init;
  }

  async sendDeploy(provider, via, value) {
    await provider.internal(via, { value, bounce: false });
  }

  async sendBody(provider, via, body, value = toNano('0.05')) {
    await provider.internal(via, { value, body, bounce: true });
  }

  async getLastEpoch(provider) {
    return (await provider.get('lastEpoch', [])).stack.readBigNumber();
  }

  async getChainId(provider) {
    return (await provider.get('chainId', [])).stack.readBigNumber();
  }

  async getCheckpointByEpoch(provider, epoch) {
    const t = new TupleBuilder();
    t.writeNumber(epoch);
    return (await provider.get('checkpointByEpoch', t.build())).stack.readCellOpt();
  }

  async getValidatorSet(provider) {
    const s = (await provider.get('validatorSet', [])).stack;
    return { root: s.readCell(), totalPower: s.readBigNumber(), hash: s.readBigNumber() };
  }

  async getValsetHash(provider) {
    return (await provider.get('valsetHash', [])).stack.readBigNumber();
  }

  async getTotalPower(provider) {
    return (await provider.get('totalPower', [])).stack.readBigNumber();
  }

  async getValidator(provider, index) {
    const t = new TupleBuilder();
    t.writeNumber(index);
    const s = (await provider.get('validator', t.build())).stack;
    return { pubkey: s.readBigNumber(), power: s.readBigNumber() };
  }

  async getCheckpointCount(provider) {
    return (await provider.get('checkpointCount', [])).stack.readNumber();
  }

  async getJettonWallet(provider) {
    return (await provider.get('jettonWallet', [])).stack.readAddressOpt();
  }

  async getJettonMaster(provider) {
    return (await provider.get('jettonMaster', [])).stack.readAddressOpt();
  }

  async getIsClaimed(provider, id) {
    const t = new TupleBuilder();
    t.writeNumber(id);
    return (await provider.get('isClaimed', t.build())).stack.readBoolean();
  }

  async getRefundable(provider, owner) {
    const t = new TupleBuilder();
    t.writeAddress(owner);
    return (await provider.get('refundable', t.build())).stack.readBigNumber();
  }

  async getWithdrawalRoot(provider, epoch) {
    const t = new TupleBuilder();
    t.writeNumber(epoch);
    return (await provider.get('withdrawalRoot', t.build())).stack.readBigNumber();
  }
}

/**
 * deployAnchor: a fresh sandbox with the anchor deployed for `validators`,
 * or with a given storage cell `data` (the Go vectors bring their own).
 */
async function deployAnchor({ chainId = 7n, lastEpoch = 0n, validators, data = null }) {
  const blockchain = await Blockchain.create();
  const code = await anchorCode();
  if (!data) data = cells.initialData({ chainId, lastEpoch, validators });
  const init = { code, data };
  const anchor = blockchain.openContract(new Anchor(contractAddress(0, init), init));
  const relayer = await blockchain.treasury('relayer');
  const res = await anchor.sendDeploy(relayer.getSender(), toNano('1'));
  return { blockchain, anchor, relayer, deployResult: res };
}

/** anchorTx: the transaction the anchor ran for a send result (the one addressed to it). */
function anchorTx(result, anchor) {
  const tx = result.transactions.find((t) => t.inMessage?.info.dest?.equals?.(anchor.address));
  if (!tx) throw new Error('no anchor transaction');
  return tx;
}

/** computeOf: {exitCode, gasUsed, success} of a transaction's compute phase. */
function computeOf(tx) {
  const d = tx.description;
  if (d.type !== 'generic') throw new Error(`unexpected tx type ${d.type}`);
  const c = d.computePhase;
  if (c.type !== 'vm') return { exitCode: null, gasUsed: 0n, success: false, skipped: c.reason };
  return { exitCode: c.exitCode, gasUsed: c.gasUsed, success: c.success };
}

module.exports = { testValidator, testValidators, signAll, anchorCode, deployAnchor, anchorTx, computeOf, Anchor };
