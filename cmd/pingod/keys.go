package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/pingo-chain/pingo/chain/keys"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// stdin is shared so that a mnemonic and a passphrase piped one per line are
// both read: separate buffered readers would each swallow the other's line.
var stdin = bufio.NewReader(os.Stdin)

func addKeyringFlags(cmd *cobra.Command) {
	cmd.Flags().String("keyring-backend", envOr("PINGOD_KEYRING_BACKEND", keys.BackendFile), "file (encrypted) or test (plaintext, localnets only)")
	cmd.Flags().String("keyring-dir", "", "keyring directory (default <home>/keyring-<backend>)")
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

func openKeyring(cmd *cobra.Command) (*keys.Keyring, error) {
	backend, _ := cmd.Flags().GetString("keyring-backend")
	dir, _ := cmd.Flags().GetString("keyring-dir")
	if dir == "" {
		dir = keys.Dir(homeFlag(cmd), backend)
	}
	return keys.Open(dir, backend)
}

// passphrase reads the keyring passphrase: PINGOD_KEYRING_PASSPHRASE, else
// a hidden prompt on a terminal, else the first line of stdin (scripts).
// The test backend needs none.
func passphrase(kr *keys.Keyring, prompt string, confirm bool) (string, error) {
	if kr.Backend() == keys.BackendTest {
		return "", nil
	}
	if p, ok := os.LookupEnv("PINGOD_KEYRING_PASSPHRASE"); ok {
		return p, nil
	}
	fd := int(os.Stdin.Fd())
	if !term.IsTerminal(fd) {
		line, err := stdin.ReadString('\n')
		if err != nil && line == "" {
			return "", fmt.Errorf("passphrase: set PINGOD_KEYRING_PASSPHRASE or pipe it on stdin")
		}
		return strings.TrimRight(line, "\r\n"), nil
	}
	fmt.Fprint(os.Stderr, prompt+": ")
	p, err := term.ReadPassword(fd)
	fmt.Fprintln(os.Stderr)
	if err != nil {
		return "", err
	}
	if confirm {
		fmt.Fprint(os.Stderr, "Repeat: ")
		q, err := term.ReadPassword(fd)
		fmt.Fprintln(os.Stderr)
		if err != nil {
			return "", err
		}
		if string(p) != string(q) {
			return "", fmt.Errorf("passphrases differ")
		}
	}
	return string(p), nil
}

func printJSON(v any) error {
	out, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	fmt.Println(string(out))
	return nil
}

func infoJSON(i keys.Info) map[string]any {
	return map[string]any{"name": i.Name, "address": i.Address.Hex(), "path": i.Path, "backend": i.Backend}
}

func newKeysCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "keys", Short: "Manage account keys (BIP39, m/44'/60'/0'/0/i, Ethereum-compatible)"}

	add := &cobra.Command{
		Use:   "add <name>",
		Short: "Create a key from a new 24-word mnemonic and print the mnemonic once",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			kr, err := openKeyring(cmd)
			if err != nil {
				return err
			}
			pass, err := passphrase(kr, "Passphrase to encrypt the key", true)
			if err != nil {
				return err
			}
			info, mnemonic, err := kr.Add(args[0], pass)
			if err != nil {
				return err
			}
			out := infoJSON(info)
			out["mnemonic"] = mnemonic
			fmt.Fprintln(os.Stderr, "Write the mnemonic down: it is the only way to recover this key.")
			return printJSON(out)
		},
	}
	recover := &cobra.Command{
		Use:   "recover <name>",
		Short: "Restore a key from a BIP39 mnemonic read from stdin (or PINGOD_MNEMONIC)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			kr, err := openKeyring(cmd)
			if err != nil {
				return err
			}
			idx, _ := cmd.Flags().GetUint32("index")
			mnemonic := os.Getenv("PINGOD_MNEMONIC")
			if mnemonic == "" {
				fmt.Fprintln(os.Stderr, "Enter the mnemonic:")
				line, err := stdin.ReadString('\n')
				if err != nil && line == "" {
					return fmt.Errorf("no mnemonic on stdin")
				}
				mnemonic = line
			}
			pass, err := passphrase(kr, "Passphrase to encrypt the key", true)
			if err != nil {
				return err
			}
			info, err := kr.Recover(args[0], keys.NormalizeMnemonic(mnemonic), "", pass, idx)
			if err != nil {
				return err
			}
			return printJSON(infoJSON(info))
		},
	}
	recover.Flags().Uint32("index", 0, "account index i in m/44'/60'/0'/0/i")
	list := &cobra.Command{
		Use:   "list",
		Short: "List keys",
		RunE: func(cmd *cobra.Command, _ []string) error {
			kr, err := openKeyring(cmd)
			if err != nil {
				return err
			}
			infos, err := kr.List()
			if err != nil {
				return err
			}
			out := make([]map[string]any, len(infos))
			for i, in := range infos {
				out[i] = infoJSON(in)
			}
			return printJSON(out)
		},
	}
	show := &cobra.Command{
		Use:   "show <name|address>",
		Short: "Show a key's address",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			kr, err := openKeyring(cmd)
			if err != nil {
				return err
			}
			info, err := kr.Show(args[0])
			if err != nil {
				return err
			}
			if a, _ := cmd.Flags().GetBool("address"); a {
				fmt.Println(info.Address.Hex())
				return nil
			}
			return printJSON(infoJSON(info))
		},
	}
	show.Flags().Bool("address", false, "print only the address")
	export := &cobra.Command{
		Use:   "export <name|address>",
		Short: "Print the key as an Ethereum keystore v3 JSON (importable into other wallets)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			kr, err := openKeyring(cmd)
			if err != nil {
				return err
			}
			pass, err := passphrase(kr, "Passphrase of the key", false)
			if err != nil {
				return err
			}
			js, err := kr.Export(args[0], pass)
			if err != nil {
				return err
			}
			fmt.Println(string(js))
			return nil
		},
	}
	for _, c := range []*cobra.Command{add, recover, list, show, export} {
		addKeyringFlags(c)
		cmd.AddCommand(c)
	}
	return cmd
}
