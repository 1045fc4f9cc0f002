// The loopback helpers live in LoopbackTools, shared with the benchmarks; tests keep reaching
// them through TestSupport.
@_exported import LoopbackTools
