package keeper

import "time"

// RevealClock, when non-nil, receives the wall-clock time of each Reveal's
// execution (all of it: checks, path folds, re-execution, verdict) and of
// its re-execution alone. It exists so the app-level block-time benchmark
// can report verification's share of a block (issue #5) without
// subtracting runs. Benchmarks set it; no binary does, so block execution
// reads no clock and its results never depend on one. Not safe to change
// while blocks execute.
var RevealClock func(total, reexec time.Duration)
