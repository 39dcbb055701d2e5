package fielderr_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/leaklab/leaklab/fielderr"
)

// config is a package's configuration that validates itself.
type config struct {
	Interval, Duration time.Duration
}

func (c config) Validate() error {
	if c.Interval >= c.Duration {
		return fielderr.New("Interval", c.Interval, fmt.Sprintf("not shorter than Duration %v; shorten Interval or lengthen Duration", c.Duration))
	}
	return nil
}

// A library reports the field by its Go name; a command line finds the
// error with errors.As and names its flags instead.
func Example() {
	err := config{Interval: 2 * time.Second, Duration: time.Second}.Validate()
	fmt.Println(err)

	var fe *fielderr.Error
	if errors.As(err, &fe) {
		fmt.Println(fe.Rename(map[string]string{"Interval": "-interval", "Duration": "-duration"}))
	}
	// Output:
	// Interval 2s: not shorter than Duration 1s; shorten Interval or lengthen Duration
	// -interval 2s: not shorter than -duration 1s; shorten -interval or lengthen -duration
}
