package main

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/ethereum/go-ethereum/crypto"
	auth "github.com/pingo-chain/pingo/x/auth/types"
	bank "github.com/pingo-chain/pingo/x/bank/types"
	"github.com/pingo-chain/pingo/x/compute/kernel"
	compute "github.com/pingo-chain/pingo/x/compute/types"
	nft "github.com/pingo-chain/pingo/x/nft/types"
	"github.com/spf13/cobra"
)

// computeTxCmds are the compute and nft actions under `pingod tx`: groups
// `node`, `job`, `nft`, plus `attest` and `sign-share`. Leaves get the
// common tx flags from the caller.
func computeTxCmds() (groups []*cobra.Command, leaves []*cobra.Command) {
	meta := func(c *cobra.Command) {
		c.Flags().String("endpoint", "", "public endpoint contributors connect to")
		c.Flags().String("region", "", "region label, e.g. eu-west")
		c.Flags().String("unit-kinds", "1", "comma-separated unit kinds the node runs")
	}
	readMeta := func(c *cobra.Command) (string, string, []uint32, error) {
		ep, _ := c.Flags().GetString("endpoint")
		rg, _ := c.Flags().GetString("region")
		ks, _ := c.Flags().GetString("unit-kinds")
		var kinds []uint32
		for _, s := range strings.Split(ks, ",") {
			k, err := strconv.ParseUint(strings.TrimSpace(s), 10, 32)
			if err != nil {
				return "", "", nil, fmt.Errorf("--unit-kinds: %w", err)
			}
			kinds = append(kinds, uint32(k))
		}
		return ep, rg, kinds, compute.ValidateMetadata(ep, rg, kinds)
	}
	register := &cobra.Command{
		Use: "register <bond>", Short: "Register your account as a CDN node operator and bond PINGO", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			bond, err := bank.ParseAmount(args[0])
			if err != nil {
				return err
			}
			ep, rg, kinds, err := readMeta(cmd)
			if err != nil {
				return err
			}
			return signAndSend(cmd, &compute.RegisterNode{Endpoint: ep, Region: rg, UnitKinds: kinds, Bond: *bond})
		},
	}
	meta(register)
	update := &cobra.Command{
		Use: "update [add-bond]", Short: "Replace your node's metadata, optionally adding bond", Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			m := &compute.UpdateNode{}
			if len(args) == 1 {
				v, err := bank.ParseAmount(args[0])
				if err != nil {
					return err
				}
				m.AddBond = *v
			}
			var err error
			if m.Endpoint, m.Region, m.UnitKinds, err = readMeta(cmd); err != nil {
				return err
			}
			return signAndSend(cmd, m)
		},
	}
	meta(update)
	unbond := &cobra.Command{Use: "unbond", Short: "Stop serving and start paying your node bond back", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return signAndSend(cmd, &compute.UnbondNode{}) }}
	unjail := &cobra.Command{Use: "unjail", Short: "Return your jailed node to service after its jail period", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return signAndSend(cmd, &compute.UnjailNode{}) }}
	node := &cobra.Command{Use: "node", Short: "CDN node operator actions"}

	submit := &cobra.Command{
		Use: "submit <units> <price-per-unit>", Short: "Submit a job (contributor-NFT holders); units × price moves into escrow", Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			units, err := strconv.ParseUint(args[0], 10, 64)
			if err != nil {
				return fmt.Errorf("units: %w", err)
			}
			price, err := bank.ParseAmount(args[1])
			if err != nil {
				return err
			}
			m := &compute.SubmitJob{Units: units, PricePerUnit: *price}
			kind, _ := cmd.Flags().GetUint32("unit-kind")
			m.UnitKind = kind
			m.MaxNodes, _ = cmd.Flags().GetUint32("max-nodes")
			m.Expiry, _ = cmd.Flags().GetUint64("expiry")
			for flag, dst := range map[string]*compute.Hash{"spec-hash": &m.SpecHash, "seed": &m.Seed} {
				if s, _ := cmd.Flags().GetString(flag); s != "" {
					h, err := compute.ParseHash(s)
					if err != nil {
						return fmt.Errorf("--%s: %w", flag, err)
					}
					*dst = h
				}
			}
			if m.SpecHash == (compute.Hash{}) && kind == kernel.KindMatmulI8 {
				m.SpecHash = kernel.SpecMatmulI8 // the only spec of kind 1
			}
			return signAndSend(cmd, m)
		},
	}
	submit.Flags().Uint32("unit-kind", 1, "unit kind")
	submit.Flags().String("spec-hash", "", "hash of the unit spec, 0x + 64 hex (default: kind 1's, x/compute/kernel/SPEC.md)")
	submit.Flags().String("seed", "", "job seed, 0x + 64 hex")
	submit.Flags().Uint32("max-nodes", 1, "most CDN nodes sharing the job")
	submit.Flags().Uint64("expiry", 0, "height after which the job takes no attestations")
	_ = submit.MarkFlagRequired("expiry")
	jobID := func(use, short string, build func(id uint64) auth.Msg) *cobra.Command {
		return &cobra.Command{Use: use, Short: short, Args: cobra.ExactArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				id, err := strconv.ParseUint(args[0], 10, 64)
				if err != nil {
					return fmt.Errorf("job id: %w", err)
				}
				return signAndSend(cmd, build(id))
			}}
	}
	accept := jobID("accept <job-id>", "Take the next unit range of an open job with your node", func(id uint64) auth.Msg { return &compute.AcceptJob{JobID: id} })
	cancel := jobID("cancel <job-id>", "Refund a job's unspent escrow (before acceptance or after expiry)", func(id uint64) auth.Msg { return &compute.CancelJob{JobID: id} })
	job := &cobra.Command{Use: "job", Short: "Job actions"}

	transfer := &cobra.Command{
		Use: "transfer <nft-id> <to>", Short: "Give your contributor NFT (and the right to submit jobs) to another account", Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseUint(args[0], 10, 64)
			if err != nil {
				return fmt.Errorf("nft id: %w", err)
			}
			to, err := auth.ParseAddress(args[1])
			if err != nil {
				return err
			}
			return signAndSend(cmd, &nft.TransferNFT{ID: id, To: to})
		},
	}
	nftCmd := &cobra.Command{Use: "nft", Short: "Contributor NFT actions"}

	attest := &cobra.Command{
		Use:   "attest <attestation.json>",
		Short: "Attest a unit range of a job your node is assigned (contributor shares signed by each contributor)",
		Long: `The file holds {"job_id", "attestation_id", "start", "end", "output_root",
"expiry", "shares": [{"contributor", "units", "sub_root", "signature"}]}; ids,
roots and signatures as 0x hex. Each contributor signs its share with
` + "`pingod tx sign-share`" + ` (or any EIP-712 wallet; docs/protocol.md).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			m, err := readAttestation(args[0])
			if err != nil {
				return err
			}
			return signAndSend(cmd, m)
		},
	}
	reveal := &cobra.Command{
		Use:   "reveal <reveal.json>",
		Short: "Reveal sampled units of a pending attestation (anyone may send it)",
		Long: `The file holds {"attestation_id", "first", "openings": [{"digest", "path"}]}:
the committed output digests of sample positions [first, first+n) of the
attestation's sample, with each unit's Merkle path to its contributor's
sub-root (x/compute/kernel/README.md: count byte ‖ 32-byte siblings), as 0x
hex. A well-formed reveal of wrong outputs gives the FAIL verdict.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			m, err := readReveal(args[0])
			if err != nil {
				return err
			}
			return signAndSend(cmd, m)
		},
	}
	groups = []*cobra.Command{node, job, nftCmd}
	node.AddCommand(register, update, unbond, unjail)
	job.AddCommand(submit, accept, cancel)
	nftCmd.AddCommand(transfer)
	return groups, []*cobra.Command{register, update, unbond, unjail, submit, accept, cancel, transfer, attest, reveal}
}

type revealFile struct {
	AttestationID compute.Hash `json:"attestation_id"`
	First         uint64       `json:"first"`
	Openings      []struct {
		Digest compute.Hash `json:"digest"`
		Path   string       `json:"path"`
	} `json:"openings"`
}

func readReveal(path string) (*compute.Reveal, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var f revealFile
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	m := &compute.Reveal{AttestationID: f.AttestationID, First: f.First}
	for i, o := range f.Openings {
		p, err := hex.DecodeString(trim0x(o.Path))
		if err != nil {
			return nil, fmt.Errorf("opening %d: path must be hex", i)
		}
		m.Openings = append(m.Openings, compute.Opening{Digest: o.Digest, Path: p})
	}
	return m, nil
}

type attestationFile struct {
	JobID         uint64       `json:"job_id"`
	AttestationID compute.Hash `json:"attestation_id"`
	Start         uint64       `json:"start"`
	End           uint64       `json:"end"`
	OutputRoot    compute.Hash `json:"output_root"`
	Expiry        uint64       `json:"expiry"`
	Shares        []struct {
		Contributor auth.Address `json:"contributor"`
		Units       uint64       `json:"units"`
		SubRoot     compute.Hash `json:"sub_root"`
		Signature   string       `json:"signature"`
	} `json:"shares"`
}

func readAttestation(path string) (*compute.Attest, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var f attestationFile
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	m := &compute.Attest{JobID: f.JobID, AttestationID: f.AttestationID, Start: f.Start, End: f.End, OutputRoot: f.OutputRoot, Expiry: f.Expiry}
	for i, s := range f.Shares {
		sig, err := hex.DecodeString(trim0x(s.Signature))
		if err != nil || len(sig) != 65 {
			return nil, fmt.Errorf("share %d: signature must be 65 bytes of hex", i)
		}
		m.Shares = append(m.Shares, compute.Share{Contributor: s.Contributor, Units: s.Units, SubRoot: s.SubRoot, Sig: [65]byte(sig)})
	}
	return m, nil
}

// signShareCmd signs a contributor share offline and prints the signature
// (what the contributor hands its CDN node).
func signShareCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "sign-share <job-id> <node> <start> <end> <units> <sub-root>",
		Short: "Sign your contributor share of an attestation (offline; prints the signature)",
		Args:  cobra.ExactArgs(6),
		RunE: func(cmd *cobra.Command, args []string) error {
			nums := make([]uint64, 0, 4)
			for _, i := range []int{0, 2, 3, 4} {
				v, err := strconv.ParseUint(args[i], 10, 64)
				if err != nil {
					return fmt.Errorf("argument %d: %w", i+1, err)
				}
				nums = append(nums, v)
			}
			node, err := auth.ParseAddress(args[1])
			if err != nil {
				return err
			}
			sub, err := compute.ParseHash(args[5])
			if err != nil {
				return err
			}
			chainID, _ := cmd.Flags().GetUint64("chain-id")
			kr, err := openKeyring(cmd)
			if err != nil {
				return err
			}
			from, _ := cmd.Flags().GetString("from")
			pass, err := passphrase(kr, "Passphrase of "+from, false)
			if err != nil {
				return err
			}
			key, err := kr.Key(from, pass)
			if err != nil {
				return err
			}
			me := auth.PubkeyToAddress(&key.PublicKey)
			d := compute.ShareDigest(chainID, nums[0], node, nums[1], nums[2], me, nums[3], sub)
			sig, err := crypto.Sign(d[:], key)
			if err != nil {
				return err
			}
			sig[64] += 27
			return printJSON(map[string]any{"contributor": me.Hex(), "units": nums[3], "sub_root": sub.Hex(), "signature": "0x" + hex.EncodeToString(sig)})
		},
	}
	c.Flags().String("from", "", "key name or address in the keyring")
	c.Flags().Uint64("chain-id", 0, "numeric L2 chain id (EIP-712 domain)")
	_ = c.MarkFlagRequired("from")
	_ = c.MarkFlagRequired("chain-id")
	addKeyringFlags(c)
	return c
}
