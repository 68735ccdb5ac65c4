package types

import (
	"fmt"
	"strings"

	"github.com/holiman/uint256"
)

// Denominations: amounts on chain are integers of upingo; 1 PINGO = 10^9
// upingo, the decimals of the PINGO jetton on TON.
const (
	BaseDenom    = "upingo"
	DisplayDenom = "pingo"
	Decimals     = 9
)

// ParseAmount reads "123" or "123upingo" (base units) or "1.5pingo"
// (display units, at most 9 decimals) into upingo.
func ParseAmount(s string) (*uint256.Int, error) {
	s = strings.TrimSpace(strings.ToLower(s))
	switch {
	case strings.HasSuffix(s, BaseDenom):
		s = strings.TrimSuffix(s, BaseDenom)
	case strings.HasSuffix(s, DisplayDenom):
		return parseDisplay(strings.TrimSuffix(s, DisplayDenom))
	}
	v, err := uint256.FromDecimal(s)
	if err != nil || s == "" || s[0] == '+' || s[0] == '-' {
		return nil, fmt.Errorf("amount %q: want an integer of upingo, or a decimal followed by pingo", s)
	}
	return v, nil
}

func parseDisplay(s string) (*uint256.Int, error) {
	whole, frac, _ := strings.Cut(s, ".")
	if len(frac) > Decimals {
		return nil, fmt.Errorf("amount %spingo: more than %d decimals", s, Decimals)
	}
	if whole == "" {
		whole = "0"
	}
	digits := whole + frac + strings.Repeat("0", Decimals-len(frac))
	for _, c := range digits {
		if c < '0' || c > '9' {
			return nil, fmt.Errorf("amount %spingo: not a decimal number", s)
		}
	}
	if digits = strings.TrimLeft(digits, "0"); digits == "" {
		digits = "0"
	}
	v, err := uint256.FromDecimal(digits)
	if err != nil {
		return nil, fmt.Errorf("amount %spingo: %v", s, err)
	}
	return v, nil
}

// FormatAmount renders upingo as a PINGO decimal string ("1.5").
func FormatAmount(v *uint256.Int) string {
	d := v.Dec()
	if len(d) <= Decimals {
		d = strings.Repeat("0", Decimals-len(d)+1) + d
	}
	whole, frac := d[:len(d)-Decimals], strings.TrimRight(d[len(d)-Decimals:], "0")
	if frac == "" {
		return whole
	}
	return whole + "." + frac
}
