package types

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParseAmount(t *testing.T) {
	for _, c := range []struct {
		in   string
		want string // decimal upingo, "" = error
	}{
		{"0", "0"},
		{"123", "123"},
		{"123upingo", "123"},
		{" 7UPINGO ", "7"},
		{"1pingo", "1000000000"},
		{"1.5pingo", "1500000000"},
		{".000000001pingo", "1"},
		{"0.123456789pingo", "123456789"},
		{"0pingo", "0"},
		{"1.0000000001pingo", ""}, // 10 decimals
		{"1,5pingo", ""},
		{"-1", ""},
		{"+1", ""},
		{"", ""},
		{"abc", ""},
		{"1e9", ""},
		{"115792089237316195423570985008687907853269984665640564039457584007913129639935", "115792089237316195423570985008687907853269984665640564039457584007913129639935"},
		{"115792089237316195423570985008687907853269984665640564039457584007913129639936", ""},   // 2^256
		{"115792089237316195423570985008687907853269984665640564039457584007913129639pingo", ""}, // > 2^256 after scaling
	} {
		t.Run(c.in, func(t *testing.T) {
			v, err := ParseAmount(c.in)
			if c.want == "" {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, c.want, v.Dec())
		})
	}
}

func TestFormatAmount(t *testing.T) {
	for in, want := range map[string]string{
		"0": "0", "1": "0.000000001", "1000000000": "1", "1500000000": "1.5", "123456789012": "123.456789012",
	} {
		v, err := ParseAmount(in)
		require.NoError(t, err)
		require.Equal(t, want, FormatAmount(v), in)
		back, err := ParseAmount(FormatAmount(v) + "pingo")
		require.NoError(t, err)
		require.True(t, back.Eq(v), in)
	}
}
