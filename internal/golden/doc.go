// Package golden compares rendered output with the files under a test's
// testdata/ directory. Run the tests with -update to write the files from
// the output instead, then read the diff before committing it.
package golden
