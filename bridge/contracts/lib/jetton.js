// PINGO jetton harness: the TEP-74 reference jetton (the ton-blockchain
// token-contract minter + wallet, discoverable minter with TEP-89), whose
// compiled code is taken from the pinned @ton-community/assets-sdk package
// (README "PINGO jetton"), and the message bodies the bridge tests send.
'use strict';
const { beginCell, Cell, contractAddress, toNano, TupleBuilder } = require('@ton/core');
const { jettonMinterCode } = require('@ton-community/assets-sdk/dist/jetton/contracts/build/jetton-minter.js');
const { jettonWalletCode } = require('@ton-community/assets-sdk/dist/jetton/contracts/build/jetton-wallet.js');

const MINTER_CODE = Cell.fromBase64(jettonMinterCode.codeBoc);
const WALLET_CODE = Cell.fromBase64(jettonWalletCode.codeBoc);

const OP = {
  MINT: 21, // token-contract minter: mint#15
  TRANSFER: 0x0f8a7ea5,
  TRANSFER_NOTIFICATION: 0x7362d09c,
  INTERNAL_TRANSFER: 0x178d4519,
  EXCESSES: 0xd53276db,
  PROVIDE_WALLET_ADDRESS: 0x2c76b973,
  TAKE_WALLET_ADDRESS: 0xd1735400,
};

// Anchor bridge opcodes (README "Jetton bridge").
const OP_CLAIM_WITHDRAWAL = 0x3da36280;
const OP_SET_JETTON = 0x332c2485;
const OP_CLAIM_REFUND = 0x0d35a156;
const DEPOSIT_TAG = 0x504e4744; // "PNGD"

/** minterData: total_supply:Coins admin:MsgAddress content:^Cell wallet_code:^Cell. */
function minterData(admin) {
  const content = beginCell().storeUint(1, 8).storeStringTail('pingo').endCell();
  return beginCell().storeCoins(0).storeAddress(admin).storeRef(content).storeRef(WALLET_CODE).endCell();
}

/** mintBody: mint#15 query_id to walletValue ^internal_transfer(amount, from none, response, no forward). */
function mintBody({ queryId = 0n, to, amount, response = null, walletValue = toNano('0.05') }) {
  const internal = beginCell()
    .storeUint(OP.INTERNAL_TRANSFER, 32)
    .storeUint(queryId, 64)
    .storeCoins(amount)
    .storeAddress(null)
    .storeAddress(response)
    .storeCoins(0)
    .storeBit(0)
    .endCell();
  return beginCell().storeUint(OP.MINT, 32).storeUint(queryId, 64).storeAddress(to).storeCoins(walletValue).storeRef(internal).endCell();
}

/**
 * transferBody: TEP-74 transfer. payload: null (no Either bit at all when
 * payloadMode is 'none'), a Cell stored in a ref ('ref', the default) or
 * inline ('inline').
 */
function transferBody({ queryId = 0n, amount, to, response, forwardTon = 0n, payload = null, payloadMode = 'ref' }) {
  const b = beginCell()
    .storeUint(OP.TRANSFER, 32)
    .storeUint(queryId, 64)
    .storeCoins(amount)
    .storeAddress(to)
    .storeAddress(response)
    .storeBit(0)
    .storeCoins(forwardTon);
  if (payloadMode === 'none') return b.endCell();
  if (payload === null) return b.storeBit(0).endCell();
  if (payloadMode === 'inline') return b.storeBit(0).storeSlice(payload.beginParse()).endCell();
  return b.storeBit(1).storeRef(payload).endCell();
}

/** depositPayload: "PNGD" ‖ 20-byte L2 address. */
function depositPayload(l2) {
  if (l2.length !== 20) throw new Error('L2 address must be 20 bytes');
  return beginCell().storeUint(DEPOSIT_TAG, 32).storeBuffer(l2).endCell();
}

class JettonMinter {
  constructor(address, init) {
    this.address = address;
    this.init = init;
  }
  static create(admin) {
    const init = { code: MINTER_CODE, data: minterData(admin) };
    return new JettonMinter(contractAddress(0, init), init);
  }
  async sendDeploy(provider, via) {
    await provider.internal(via, { value: toNano('0.1'), bounce: false });
  }
  async sendMint(provider, via, { to, amount, value = toNano('0.1') }) {
    await provider.internal(via, { value, body: mintBody({ to, amount }), bounce: true });
  }
  async getWalletAddress(provider, owner) {
    const t = new TupleBuilder();
    t.writeAddress(owner);
    return (await provider.get('get_wallet_address', t.build())).stack.readAddress();
  }
  async getTotalSupply(provider) {
    return (await provider.get('get_jetton_data', [])).stack.readBigNumber();
  }
}

class JettonWallet {
  constructor(address) {
    this.address = address;
  }
  async getBalance(provider) {
    const st = await provider.getState();
    if (st.state.type !== 'active') return 0n;
    return (await provider.get('get_wallet_data', [])).stack.readBigNumber();
  }
  async sendTransfer(provider, via, opts, value = toNano('0.1')) {
    await provider.internal(via, { value, body: transferBody(opts), bounce: true });
  }
}

module.exports = {
  MINTER_CODE,
  WALLET_CODE,
  OP,
  OP_CLAIM_WITHDRAWAL,
  OP_SET_JETTON,
  OP_CLAIM_REFUND,
  DEPOSIT_TAG,
  minterData,
  mintBody,
  transferBody,
  depositPayload,
  JettonMinter,
  JettonWallet,
};
