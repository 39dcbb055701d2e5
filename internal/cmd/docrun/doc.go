// Command docrun reruns the commands marked in the lessons and either
// rewrites their output blocks (make docs) or checks that the output still
// agrees with them (make docs-check). See package docrun for the markers.
//
//	docrun [-check] [-quick] [-bin bin] [-run REGEXP] [-skip REGEXP] [files...]
//
// With no files it takes README.md and docs/*.md. It exits 1 when a block
// failed its checks or its claims, 2 on usage errors.
package main
