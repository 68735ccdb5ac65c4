#!/usr/bin/env node
// Sends a PinGo Transfer signed with ethers v6 and waits for it.
//
//   node transfer.mjs <rpcUrl> <privateKeyHex> <toAddress> <amount>
//
// amount is in upingo (1 PINGO = 10^9 upingo). Prints the tx hash, the block
// height and the recipient's new balance; on any failure prints the error
// (for a refused tx: codespace, code and log) to stderr and exits 1.
//
// Environment overrides (for testing and for the curious):
//   PINGO_CHAIN_ID  sign for this numeric chain id instead of /auth/params's
//   PINGO_FEE       fee in upingo instead of /bank/params min_fee
//   PINGO_NONCE     nonce instead of the account's next nonce

import { Wallet } from "ethers";
import {
  PingoError,
  broadcast,
  buildTransfer,
  getAccount,
  getChainId,
  getMinFee,
  signAndEncode,
  waitTx,
} from "./pingo.mjs";

function usage() {
  console.error("usage: node transfer.mjs <rpcUrl> <privateKeyHex> <toAddress> <amount>");
  process.exit(2);
}

async function main(argv) {
  if (argv.length !== 4) usage();
  const [rpcUrl, keyHex, to, amountArg] = argv;
  if (!/^\d+$/.test(amountArg)) throw new Error(`amount must be a decimal integer in upingo, got ${amountArg}`);
  const wallet = new Wallet(keyHex.startsWith("0x") ? keyHex : "0x" + keyHex);

  // 1. What the chain wants: chain id, fee, our next nonce.
  const chainId = process.env.PINGO_CHAIN_ID ? BigInt(process.env.PINGO_CHAIN_ID) : await getChainId(rpcUrl);
  const fee = process.env.PINGO_FEE ? BigInt(process.env.PINGO_FEE) : await getMinFee(rpcUrl);
  const nonce = process.env.PINGO_NONCE ? BigInt(process.env.PINGO_NONCE) : (await getAccount(rpcUrl, wallet.address)).nonce;

  // 2. Build, sign (EIP-712), encode (RLP).
  const tx = buildTransfer({ chainId, from: wallet.address, to, amount: BigInt(amountArg), fee, nonce });
  const signed = await signAndEncode(wallet, tx);
  console.log(`from:    ${tx.from} (nonce ${nonce}, fee ${fee} upingo, chain id ${chainId})`);
  console.log(`tx hash: 0x${signed.hash}`);

  // 3. Broadcast (CheckTx), then wait for the block.
  await broadcast(rpcUrl, signed.bytes);
  const { height } = await waitTx(rpcUrl, signed.hash);
  console.log(`height:  ${height}`);

  // 4. Read the recipient's record as of that block.
  const acc = await getAccountAt(rpcUrl, to, height);
  console.log(`balance: ${acc.balance} upingo (${tx.message.to} at height ${acc.height})`);
}

// The node indexes a tx right after committing its block; the query
// connection may lag by a moment, so retry "height not available".
async function getAccountAt(rpcUrl, addr, height) {
  for (let i = 0; ; i++) {
    try {
      return await getAccount(rpcUrl, addr, { height, path: "bank" });
    } catch (e) {
      if (!(e instanceof PingoError && e.codespace === "query" && e.code === 3) || i >= 50) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (e) => {
    if (e instanceof PingoError) {
      console.error(`error: codespace=${e.codespace} code=${e.code} log=${JSON.stringify(e.log)}${e.hash ? ` hash=0x${e.hash}` : ""}`);
    } else {
      console.error(`error: ${e?.message ?? e}`);
    }
    process.exit(1);
  },
);
