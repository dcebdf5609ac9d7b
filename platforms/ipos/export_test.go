package ipos

// ClassifyFast and ClassifyFull expose Classify's two paths to the
// external tests, which hold one to the other.
var (
	ClassifyFast = classifyFast
	ClassifyFull = classifyFull
)
