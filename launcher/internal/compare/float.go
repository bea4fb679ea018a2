package compare

import (
	"math"
	"strconv"
)

// floatToken compares two tokens: as numbers within absTol or relTol (relative to
// the expected value) when both parse as floats, otherwise as exact strings.
func floatToken(expected, actual string, absTol, relTol float64) bool {
	e, errE := strconv.ParseFloat(expected, 64)
	a, errA := strconv.ParseFloat(actual, 64)
	if errE != nil || errA != nil {
		return expected == actual
	}
	switch {
	case math.IsNaN(e) || math.IsNaN(a):
		return math.IsNaN(e) && math.IsNaN(a)
	case math.IsInf(e, 0) || math.IsInf(a, 0):
		return e == a
	}
	diff := math.Abs(e - a)
	return diff <= absTol || diff <= relTol*math.Abs(e)
}
