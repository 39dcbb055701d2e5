//go:build !unix

package oslimits

// OpenFiles reads the open-files limit: there is no RLIMIT_NOFILE here.
func OpenFiles() (Files, error) { return Files{}, notSupported("the open-files limit (RLIMIT_NOFILE)") }

// RaiseOpenFiles raises the soft open-files limit to the hard limit:
// there is no RLIMIT_NOFILE here.
func RaiseOpenFiles() (Files, error) {
	return Files{}, notSupported("raising the open-files limit (RLIMIT_NOFILE)")
}

// SetOpenFiles sets the open-files limit: there is no RLIMIT_NOFILE here.
func SetOpenFiles(Files) error { return notSupported("setting the open-files limit (RLIMIT_NOFILE)") }
