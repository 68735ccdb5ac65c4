// The local TON endpoint's execution engine: an @ton/sandbox Blockchain
// driven by the Go liteserver (bridge/tonlocal) over stdin/stdout, one JSON
// object per line each way. Go owns blocks, the transaction index and
// persistence; this process only executes messages and get-methods with the
// real TVM (the emulator inside @ton/sandbox), so contracts run their real
// compiled code.
//
// Requests: {"id":n,"op":...}; replies {"id":n,"ok":true,...} or
// {"id":n,"ok":false,"error":"..."}. Cells travel as base64 BOCs, addresses
// as raw "wc:hex", amounts and lts as decimal strings.
//
// argv[2]: the bridge/contracts directory (its node_modules and compile.js).
'use strict';
const path = require('node:path');
const readline = require('node:readline');

const contractsDir = process.argv[2];
const req = (m) => require(path.join(contractsDir, 'node_modules', m));
const { Cell, Address, beginCell, contractAddress, storeShardAccount, loadShardAccount, parseTuple, serializeTuple } = req('@ton/core');
const { Blockchain, createShardAccount } = req('@ton/sandbox');
const { compileAnchor } = require(path.join(contractsDir, 'scripts', 'compile.js'));

// Named contracts: the anchor compiled from source in bridge/contracts, and
// the PINGO jetton (TEP-74 reference code, from bridge/contracts/lib/jetton.js,
// issue #7); everything else arrives as code BOCs.
const jettonCode = (name) => async () => ({ code: require(path.join(contractsDir, 'lib', 'jetton.js'))[name] });
const compilers = { anchor: compileAnchor, jetton_minter: jettonCode('MINTER_CODE'), jetton_wallet: jettonCode('WALLET_CODE') };

let bc;
const cell = (b64) => Cell.fromBase64(b64);
const boc = (c) => c.toBoc().toString('base64');
const raw = (a) => `${a.workChain}:${a.hash.toString('hex')}`;

async function shardAccountOf(address) {
  const sc = await bc.getContract(address);
  return sc.account;
}

const ops = {
  async init() {
    bc = await Blockchain.create();
    return {};
  },

  async compile(r) {
    const f = compilers[r.contract];
    if (!f) throw new Error(`unknown contract ${r.contract}`);
    const { code } = await f();
    return { code: boc(code) };
  },

  // deploy puts an active account with the given code, data and balance at
  // its StateInit address (no deploy message: genesis-style). With
  // init_data, the address is that of (code, init_data) and the account
  // holds data: a contract placed as if it had already run (a jetton wallet
  // holding a balance, the anchor knowing its jetton wallet).
  async deploy(r) {
    const code = cell(r.code);
    const data = cell(r.data);
    const address = contractAddress(r.workchain || 0, { code, data: r.init_data ? cell(r.init_data) : data });
    await bc.setShardAccount(address, createShardAccount({ address, code, data, balance: BigInt(r.balance) }));
    return { address: raw(address) };
  },

  // account returns the real ShardAccount (persisted, restored verbatim)
  // and the view served to clients: the same with storage_extra_none.
  // Since TON's 2025 storage-stat change, a large account's StorageInfo
  // carries storage_extra_info$001 dict_hash:uint256, which tonutils-go
  // v1.12.0 cannot parse (it reads the pre-2025 layout, where the three
  // zero bits of storage_extra_none happen to parse).
  async account(r) {
    const sa = await shardAccountOf(Address.parse(r.address));
    const acc = sa.account;
    let view = sa;
    if (acc && acc.storageStats.storageExtra) {
      view = { ...sa, account: { ...acc, storageStats: { ...acc.storageStats, storageExtra: null } } };
    }
    return {
      shard_account: boc(beginCell().store(storeShardAccount(sa)).endCell()),
      client_view: boc(beginCell().store(storeShardAccount(view)).endCell()),
      active: !!acc && acc.storage.state.type === 'active',
      // An uninit account without coins is account_none on TON: the
      // sandbox materializes one for any address it is asked about.
      exists: !!acc && !(acc.storage.state.type === 'uninit' && acc.storage.balance.coins === 0n),
      balance: acc ? acc.storage.balance.coins.toString() : '0',
    };
  },

  async restore(r) {
    for (const [a, b64] of Object.entries(r.accounts)) {
      await bc.setShardAccount(Address.parse(a), loadShardAccount(cell(b64).beginParse()));
    }
    bc.currentLt = BigInt(r.lt); // protected in the typings, a plain field in JS
    return {};
  },

  async run_get(r) {
    const address = Address.parse(r.address);
    const sc = await bc.getContract(address);
    if (!sc.accountState || sc.accountState.type !== 'active') {
      return { exit_code: -256, stack: '' };
    }
    const stack = r.stack ? parseTuple(cell(r.stack)) : [];
    try {
      const res = await bc.runGetMethod(address, Number(BigInt.asIntN(64, BigInt(r.method_id))), stack);
      return { exit_code: res.exitCode, stack: boc(serializeTuple(res.stack)), gas_used: res.gasUsed.toString() };
    } catch (e) {
      if (e && typeof e.exitCode === 'number') return { exit_code: e.exitCode, stack: '' };
      throw e;
    }
  },

  // send executes an external message and everything it causes; returns
  // every transaction in execution order.
  async send(r) {
    const res = await bc.sendMessage(cell(r.boc));
    return {
      txs: res.transactions.map((t) => ({
        address: `0:${t.address.toString(16).padStart(64, '0')}`,
        lt: t.lt.toString(),
        hash: t.hash().toString('hex'),
        boc: boc(t.raw),
      })),
      lt: bc.lt.toString(),
    };
  },

  async lt() {
    return { lt: bc.lt.toString() };
  },
};

const rl = readline.createInterface({ input: process.stdin });
let queue = Promise.resolve();
rl.on('line', (line) => {
  queue = queue.then(async () => {
    let r;
    try {
      r = JSON.parse(line);
      const f = ops[r.op];
      if (!f) throw new Error(`unknown op ${r.op}`);
      const out = await f(r);
      process.stdout.write(JSON.stringify({ id: r.id, ok: true, ...out }) + '\n');
    } catch (e) {
      process.stdout.write(JSON.stringify({ id: r ? r.id : 0, ok: false, error: String((e && e.message) || e) }) + '\n');
    }
  });
});
rl.on('close', () => process.exit(0));
