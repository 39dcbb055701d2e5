package experiments

// Live is one round of the census while a comparison runs: the latest
// sample of every variant, for live views.
type Live struct {
	// Config is the comparison's configuration, Scenario set.
	Config Config
	// Bound is what a correct client of this scenario holds.
	Bound Bound
	// Variants names the variants, in the order of Samples.
	Variants []string
	// Samples holds the latest sample of each variant.
	Samples []Sample
}

// liveOf gathers the last sample of every variant.
func liveOf(runs []*variantRun, c Config) Live {
	l := Live{Config: c}
	if sc, ok := Lookup(c.Scenario); ok {
		l.Bound = sc.Bound(c)
	}
	for _, r := range runs {
		if len(r.series) == 0 {
			continue
		}
		l.Variants = append(l.Variants, r.name)
		l.Samples = append(l.Samples, r.series[len(r.series)-1])
	}
	return l
}
