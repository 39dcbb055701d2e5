// Package seconds is the kit's one convention for durations in JSON:
// float seconds, under a name that ends in _seconds ("delay_seconds":
// 0.2, "elapsed_seconds": 61.03). Machines read a number without
// parsing Go's duration syntax, and the name says the unit.
//
// A struct with time.Duration fields tags them `json:"-"` and writes
// them through a MarshalJSON that adds the _seconds fields with Of, and
// reads them back with Duration.
package seconds
