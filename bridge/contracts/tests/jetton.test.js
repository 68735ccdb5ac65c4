// The PINGO jetton itself (TEP-74 reference code) in @ton/sandbox: mint,
// transfer, and the transfer_notification a recipient contract receives.
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { toNano } = require('@ton/core');
const { Blockchain } = require('@ton/sandbox');
const { JettonMinter, JettonWallet, OP, depositPayload } = require('../lib/jetton');

async function setup() {
  const blockchain = await Blockchain.create();
  const admin = await blockchain.treasury('admin');
  const alice = await blockchain.treasury('alice');
  const bob = await blockchain.treasury('bob');
  const minter = blockchain.openContract(JettonMinter.create(admin.address));
  await minter.sendDeploy(admin.getSender());
  const walletOf = async (owner) => blockchain.openContract(new JettonWallet(await minter.getWalletAddress(owner)));
  return { blockchain, admin, alice, bob, minter, walletOf };
}

test('mint credits the owner wallet and the total supply', async () => {
  const { admin, alice, minter, walletOf } = await setup();
  await minter.sendMint(admin.getSender(), { to: alice.address, amount: 5_000_000_000n });
  assert.equal(await (await walletOf(alice.address)).getBalance(), 5_000_000_000n);
  assert.equal(await minter.getTotalSupply(), 5_000_000_000n);
});

test('only the admin mints', async () => {
  const { alice, minter, walletOf } = await setup();
  await minter.sendMint(alice.getSender(), { to: alice.address, amount: 1n });
  assert.equal(await (await walletOf(alice.address)).getBalance(), 0n);
  assert.equal(await minter.getTotalSupply(), 0n);
});

test('transfer moves jettons and notifies the recipient with the forward payload', async () => {
  const { blockchain, admin, alice, bob, minter, walletOf } = await setup();
  await minter.sendMint(admin.getSender(), { to: alice.address, amount: 10n ** 9n });
  const aw = await walletOf(alice.address);
  const payload = depositPayload(Buffer.alloc(20, 7));
  const r = await aw.sendTransfer(alice.getSender(), {
    amount: 400n, to: bob.address, response: alice.address, forwardTon: toNano('0.01'), payload,
  });
  assert.equal(await aw.getBalance(), 10n ** 9n - 400n);
  assert.equal(await (await walletOf(bob.address)).getBalance(), 400n);
  // The notification: from bob's jetton wallet to bob, TEP-74 layout.
  const bw = await walletOf(bob.address);
  const tx = r.transactions.find((t) => t.inMessage?.info.dest?.equals?.(bob.address) && t.inMessage.info.src?.equals?.(bw.address));
  assert.ok(tx, 'bob received a message from its jetton wallet');
  const s = tx.inMessage.body.beginParse();
  assert.equal(s.loadUint(32), OP.TRANSFER_NOTIFICATION);
  s.loadUintBig(64);
  assert.equal(s.loadCoins(), 400n);
  assert.ok(s.loadAddress().equals(alice.address));
  assert.equal(s.loadBit(), true);
  assert.ok(s.loadRef().equals(payload));
  assert.equal(tx.inMessage.info.value.coins, toNano('0.01'));
});
