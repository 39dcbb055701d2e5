package report

import (
	"encoding/json"
	"fmt"

	"github.com/leaklab/leaklab/experiments"
)

// Renames of schema version 1, which wrote durations as nanoseconds (the
// config) or bare seconds (the samples, the peak), to version 2's float
// seconds under _seconds names.
var (
	v1ConfigNanoseconds = []string{"delay", "interval", "duration", "sample_every", "settle_timeout"}
	v1VariantSeconds    = []string{"peak_at"}
	v1BoundSeconds      = map[string]string{"w": "w_seconds", "lambda": "lambda_per_second"}
	v1SampleSeconds     = []string{"t"}
)

// upgradeV1 rewrites a version 1 run (a Report object, or an array of
// them) as a version 2 Document.
func upgradeV1(data []byte) ([]byte, error) {
	var reports []map[string]any
	if data[0] == '[' {
		if err := json.Unmarshal(data, &reports); err != nil {
			return nil, err
		}
	} else {
		var one map[string]any
		if err := json.Unmarshal(data, &one); err != nil {
			return nil, err
		}
		reports = []map[string]any{one}
	}
	for i, rep := range reports {
		if err := upgradeReport(rep); err != nil {
			return nil, fmt.Errorf("report %d: %w", i+1, err)
		}
	}
	return json.Marshal(map[string]any{"schema_version": experiments.SchemaVersion, "reports": reports})
}

func upgradeReport(rep map[string]any) error {
	if cfg, ok := rep["config"].(map[string]any); ok {
		for _, k := range v1ConfigNanoseconds {
			if ns, ok := cfg[k].(float64); ok {
				cfg[k+"_seconds"] = ns / 1e9
				delete(cfg, k)
			}
		}
	}
	variants, _ := rep["variants"].([]any)
	for _, v := range variants {
		vm, ok := v.(map[string]any)
		if !ok {
			return fmt.Errorf("a variant is a %T, not an object", v)
		}
		rename(vm, v1VariantSeconds)
		if b, ok := vm["bound_detail"].(map[string]any); ok {
			for from, to := range v1BoundSeconds {
				renameTo(b, from, to)
			}
		}
		samples, _ := vm["series"].([]any)
		for _, smp := range samples {
			if sm, ok := smp.(map[string]any); ok {
				rename(sm, v1SampleSeconds)
			}
		}
	}
	return nil
}

// rename moves each key k to k_seconds, its value already in seconds.
func rename(m map[string]any, keys []string) {
	for _, k := range keys {
		renameTo(m, k, k+"_seconds")
	}
}

func renameTo(m map[string]any, from, to string) {
	if v, ok := m[from]; ok {
		m[to] = v
		delete(m, from)
	}
}
