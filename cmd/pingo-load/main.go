// Command pingo-load is PinGo's load generator, run as its own process beside
// a node it does not share memory with.
//
//	pingo-load genesis --home H --accounts 1000000 --senders 20000
//	    funds the accounts in H's genesis.json: senders are the deterministic
//	    test keys testutil.Key(0..senders-1), the rest cheap key-less
//	    addresses that only receive.
//
//	pingo-load run --rpc http://127.0.0.1:26657 --rate 2000 --duration 30s --senders 20000
//	    pre-signs transfers, pushes them over RPC at --rate tx/s (0 =
//	    saturate) on a bounded number of connections, follows the committed
//	    heights and reports committed tx/s over the steady-state window,
//	    broadcast-to-commit latency p50/p99 and the refused/unconfirmed
//	    counts, as one summary line and one JSON line.
//
// The keys are public test keys: never fund them on a real network. The
// generator only talks to loopback addresses.
package main

import (
	"fmt"
	"os"
)

func usage() {
	fmt.Fprint(os.Stderr, `usage:
  pingo-load genesis --home DIR [--accounts N] [--senders N] [--amount UPINGO]
  pingo-load run [--rpc URL] [--rate TX/S] [--duration D] [--senders N] [--accounts N] ...
run "pingo-load <command> -h" for every flag.
`)
}

func main() {
	if len(os.Args) < 2 {
		usage()
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "genesis":
		err = genesisCmd(os.Args[2:])
	case "run":
		err = runCmd(os.Args[2:])
	case "-h", "--help", "help":
		usage()
		return
	default:
		usage()
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "pingo-load:", err)
		os.Exit(1)
	}
}
