package kernel_test

import (
	"bufio"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/pingo-chain/pingo/x/compute/kernel"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite testdata/golden.txt")

// goldenCases are the (seed, index) pairs of testdata/golden.txt.
func goldenCases() (seeds [][32]byte, idx []uint64) {
	for _, s := range []string{"", "pingo", "network-job-0"} {
		seed := sha256.Sum256([]byte(s))
		for _, i := range []uint64{0, 1, 63, 4095, 1 << 40, ^uint64(0)} {
			seeds, idx = append(seeds, seed), append(idx, i)
		}
	}
	return seeds, idx
}

// TestGoldenVectors pins the output digests of several units: any change
// to the PRG, the product or the serialization breaks consensus and this
// test.
func TestGoldenVectors(t *testing.T) {
	seeds, idx := goldenCases()
	var lines []string
	for i := range seeds {
		d := kernel.Digest(seeds[i], idx[i])
		lines = append(lines, fmt.Sprintf("%x %d %x", seeds[i], idx[i], d))
	}
	const file = "testdata/golden.txt"
	if *update {
		require.NoError(t, os.WriteFile(file, []byte(strings.Join(lines, "\n")+"\n"), 0o644))
	}
	f, err := os.Open(file)
	require.NoError(t, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		parts := strings.Fields(sc.Text())
		require.Len(t, parts, 3)
		seedB, err := hex.DecodeString(parts[0])
		require.NoError(t, err)
		index, err := strconv.ParseUint(parts[1], 10, 64)
		require.NoError(t, err)
		d := kernel.Digest([32]byte(seedB), index)
		require.Equal(t, parts[2], hex.EncodeToString(d[:]), "seed %s index %d", parts[0], index)
		n++
	}
	require.Equal(t, len(seeds), n)
}

// TestKernelMatchesSpec recomputes one unit straight from SPEC.md's
// formulas with an independent loop order and 64-bit sums.
func TestKernelMatchesSpec(t *testing.T) {
	seed := sha256.Sum256([]byte("spec"))
	const index = 77
	stream := make([]byte, 0, 8192)
	for c := uint32(0); c < 256; c++ {
		m := []byte("pingo/matmul-i8-64/v1")
		m = append(m, seed[:]...)
		m = binary.BigEndian.AppendUint64(m, index)
		m = binary.BigEndian.AppendUint32(m, c)
		s := sha256.Sum256(m)
		stream = append(stream, s[:]...)
	}
	out := kernel.Output(seed, index)
	require.Len(t, out, kernel.OutputSize)
	for i := 0; i < 64; i++ {
		for j := 0; j < 64; j++ {
			var sum int64
			for k := 0; k < 64; k++ {
				sum += int64(int8(stream[64*i+k])) * int64(int8(stream[4096+64*k+j]))
			}
			got := int32(binary.LittleEndian.Uint32(out[4*(64*i+j):]))
			require.Equal(t, int32(sum), got, "C[%d][%d]", i, j)
		}
	}
}

// TestWrapping: extreme inputs (all −128) give 64·16384 = 2^20 exactly.
func TestWrapping(t *testing.T) {
	var a, b [64 * 64]int8
	for i := range a {
		a[i], b[i] = -128, -128
	}
	c := kernel.MatMul(&a, &b)
	require.Equal(t, int32(1<<20), c[0])
	require.Equal(t, int32(1<<20), c[4095])
}

// TestSpecHash: the spec hash is SHA-256 of the embedded SPEC.md, as
// sha256sum prints it; pinned so an edit of the consensus text is noticed.
func TestSpecHash(t *testing.T) {
	b, err := os.ReadFile("SPEC.md")
	require.NoError(t, err)
	require.Equal(t, sha256.Sum256(b), kernel.SpecMatmulI8)
	require.Equal(t, "db85d0d8bbb296857355313e0be3d62b55e4cd9c3cc361b7a24e65c6bdcd4e7e", hex.EncodeToString(kernel.SpecMatmulI8[:]))
	require.True(t, kernel.Known(1, kernel.SpecMatmulI8))
	require.False(t, kernel.Known(2, kernel.SpecMatmulI8))
	require.False(t, kernel.Known(1, [32]byte{}))
}

// BenchmarkKernel is the raw kernel: input PRG, tile product, output
// serialization and digest, one unit per op (units/s per core).
func BenchmarkKernel(b *testing.B) {
	seed := sha256.Sum256([]byte("bench"))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		kernel.Digest(seed, uint64(i))
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "units/s")
}

// BenchmarkMatMul is the tile product alone.
func BenchmarkMatMul(b *testing.B) {
	a, c := kernel.Inputs(sha256.Sum256([]byte("bench")), 1)
	for i := 0; i < b.N; i++ {
		kernel.MatMul(&a, &c)
	}
}
