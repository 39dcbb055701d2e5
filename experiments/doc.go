// Package experiments runs leaklab's scenarios: for each one, a faulty and
// a fixed client side by side, each against its own slow server on its own
// ephemeral loopback port so their sockets never mix. While the load runs
// it samples the kernel's census of each port; when the load stops and the
// requests in flight have finished it measures what is left (the settled
// state), compares it with the bound Little's law predicts, and judges each
// variant LEAKING or BOUNDED.
//
// It is the only package that imports server, clients and netstat
// together. Results are plain structs with JSON tags; renderers write them
// as a table for people (tablewriter), or JSON, CSV and Markdown.
package experiments
