// Sandbox harness for the anchor's jetton bridge: the PINGO jetton, an
// anchor deployed with its master, the anchor's wallet discovered
// (set_jetton), and helpers to anchor withdrawal roots.
'use strict';
const crypto = require('node:crypto');
const { beginCell, contractAddress, toNano } = require('@ton/core');
const { Blockchain } = require('@ton/sandbox');
const cells = require('./cells');
const { testValidators, signAll, anchorCode, anchorTx, computeOf, Anchor } = require('./anchor');
const { JettonMinter, JettonWallet, OP_SET_JETTON } = require('./jetton');

const CHAIN_ID = 7n;

/** deployBridge: jetton master, anchor (4 test validators) knowing its jetton wallet (unless setJetton is false). */
async function deployBridge({ anchorJettons = 0n, setJetton = true } = {}) {
  const blockchain = await Blockchain.create();
  const admin = await blockchain.treasury('admin');
  const relayer = await blockchain.treasury('relayer');
  const minter = blockchain.openContract(JettonMinter.create(admin.address));
  await minter.sendDeploy(admin.getSender());
  const validators = testValidators(4);
  const code = await anchorCode();
  const data = cells.initialData({ chainId: CHAIN_ID, validators, jettonMaster: minter.address });
  const init = { code, data };
  const anchor = blockchain.openContract(new Anchor(contractAddress(0, init), init));
  await anchor.sendDeploy(relayer.getSender(), toNano('1'));
  const setRes = setJetton
    ? await anchor.sendBody(relayer.getSender(), beginCell().storeUint(OP_SET_JETTON, 32).storeUint(1, 64).endCell(), toNano('0.1'))
    : null;
  const walletOf = async (owner) => blockchain.openContract(new JettonWallet(await minter.getWalletAddress(owner)));
  const anchorWallet = await walletOf(anchor.address);
  if (anchorJettons > 0n) await minter.sendMint(admin.getSender(), { to: anchor.address, amount: anchorJettons });
  return { blockchain, admin, relayer, minter, anchor, anchorWallet, validators, walletOf, setRes };
}

/** anchorRoot: anchors a checkpoint of `epoch` carrying `root` (32 bytes), signed by 3 of 4. */
async function anchorRoot(env, epoch, root) {
  const hash = cells.valsetHash(env.validators);
  const checkpoint = cells.checkpointCell({
    chainId: CHAIN_ID, epoch: BigInt(epoch), height: BigInt(epoch) * 10n,
    appHash: crypto.createHash('sha256').update(`app-${epoch}`).digest(),
    valsetHash: hash, nextValsetHash: hash, withdrawalRoot: root,
  });
  const body = cells.submitBody({ checkpoint, sigs: signAll(checkpoint, env.validators, [0, 1, 2]) });
  const r = await env.anchor.sendBody(env.relayer.getSender(), body, toNano('0.05'));
  const c = computeOf(anchorTx(r, env.anchor));
  if (c.exitCode !== 0) throw new Error(`anchoring epoch ${epoch}: exit ${c.exitCode}`);
  return r;
}

module.exports = { CHAIN_ID, deployBridge, anchorRoot };
