// Package merge puts the segments of one capacity run back together: the
// results each host wrote (capacity.Result.WriteJSON) become one summary,
// one status timeline and a row per segment.
//
// A run split with capacity.Config.Segment runs on several hosts with no
// coordinator, the way k6's execution segments do; merging is where the
// pieces meet, so Merge checks they fit: one run id, one number of
// segments, every segment once, the same target and size. Connect-time
// percentiles come from the sum of the segments' histograms, so the
// merged p99 is the p99 of every connection of the run, not an average
// of the segments' p99s (which is no percentile of anything).
//
// The timeline sums the segments' samples on the run's clock: from the
// common start (capacity.Config.StartAt), or from the earliest start when
// the segments started on their own, every Interval; a segment counts with
// its latest sample at each moment (a sample up to half an Interval late
// counts at its tick), and with its final counts once it has ended. Peaks read from it are those held at the same moment, to
// within one Interval.
package merge
