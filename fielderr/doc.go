// Package fielderr is the error a package returns for a configuration
// value it refuses: the field, the value, and the fix.
//
// Each config of the kit (server.Config, clients.LoadConfig,
// capacity.Config, experiments.Config) validates itself and returns an
// *Error naming the field by its Go name, so a program that shows fields
// under other names, such as a command line's flags, can find the field
// with errors.As and say it its own way:
//
//	var fe *fielderr.Error
//	if errors.As(err, &fe) {
//		fmt.Println(fe.Named("-max-conns"))
//	}
//
// The fix names other fields by their Go names too; Rename rewrites them
// all at once. The package is a leaf: it imports only the standard
// library, so any package of the kit may use it.
package fielderr
