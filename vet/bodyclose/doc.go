// Package bodyclose defines the leaklab wrapper around
// github.com/timakin/bodyclose, which reports a response body never
// closed.
//
// # Analyzer bodyclose
//
// bodyclose: report a response body that is never closed (github.com/timakin/bodyclose)
//
// A response body that is never closed keeps its connection out of the
// Transport's pool for good: two goroutines and one socket per request,
// ESTABLISHED, then CLOSE_WAIT once the server gives up. The fix is
// defer resp.Body.Close() after the error check. See
// docs/02-body-not-closed.md in github.com/leaklab/leaklab.
//
// The finding comes from github.com/timakin/bodyclose (its own
// //bodyclose:handled comments work as well). This wrapper drops the
// false alarms of bodies closed where bodyclose does not follow them: a
// body passed to a function whose parameter can close it (an
// io.ReadCloser or io.Closer, such as a drainAndClose helper), and a
// function of the package that closes the body of the response it returns
// or is given (get(t, c, url), drain(resp)). A body passed to a plain
// io.Reader (io.ReadAll, json.NewDecoder) is still reported when nothing
// closes it.
// It also adds the leaklab allow comment, on the finding's line or the
// line above:
//
//	//leaklab:allow bodyclose <reason>
package bodyclose
