package jsonfile_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/pingo-chain/pingo/cmd/internal/jsonfile"
	"github.com/stretchr/testify/require"
)

// A write replaces the file whole and leaves no temporary behind; a value
// that cannot be encoded leaves the previous file untouched.
func TestWriteAtomic(t *testing.T) {
	p := filepath.Join(t.TempDir(), "journal.json")
	require.NoError(t, jsonfile.WriteAtomic(p, map[string]int{"a": 1}))
	require.NoError(t, jsonfile.WriteAtomic(p, map[string]int{"b": 2}))
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	var got map[string]int
	require.NoError(t, json.Unmarshal(b, &got))
	require.Equal(t, map[string]int{"b": 2}, got)
	_, err = os.Stat(p + ".tmp")
	require.True(t, os.IsNotExist(err), "temporary file left behind")

	require.Error(t, jsonfile.WriteAtomic(p, map[string]any{"bad": make(chan int)}))
	b2, err := os.ReadFile(p)
	require.NoError(t, err)
	require.Equal(t, b, b2, "a failed write changed the file")

	require.Error(t, jsonfile.WriteAtomic(filepath.Join(t.TempDir(), "missing", "j.json"), 1))
}
