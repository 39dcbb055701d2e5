// Package chart draws leaklab's pictures in a terminal: line charts of
// socket counts over time (drawn with asciigraph), sparklines, and the
// live panel that redraws the counts of a running comparison in place.
//
// Lines is generic (named series of numbers); Established draws the
// picture of a comparison: client ESTABLISHED over time, one line per
// variant, with the bound a correct client stays under.
package chart
