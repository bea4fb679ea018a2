package compare

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// TestCompare runs the cases the worker's comparison (src/domain/judge-compare.ts) is
// checked against too: both implementations must agree on every one.
func TestCompare(t *testing.T) {
	raw, err := os.ReadFile("../../../test/fixtures/compare-cases.json")
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Cases []struct {
			Name, Mode, Expected, Actual string
			Equal                        bool
		}
	}
	if err := json.Unmarshal(raw, &file); err != nil {
		t.Fatal(err)
	}
	if len(file.Cases) < 20 {
		t.Fatalf("only %d shared cases", len(file.Cases))
	}
	for _, c := range file.Cases {
		t.Run(c.Name, func(t *testing.T) {
			got := Compare([]byte(c.Expected), []byte(c.Actual), Options{Mode: Mode(c.Mode), AbsTol: 1e-6, RelTol: 1e-6})
			if got.Equal != c.Equal {
				t.Fatalf("Compare(%q, %q, %s) = %+v, want equal=%v", c.Expected, c.Actual, c.Mode, got, c.Equal)
			}
			if !got.Equal && got.Detail == "" {
				t.Fatalf("a difference must come with a detail")
			}
		})
	}
}

func TestFloatZeroToleranceIsExactNumeric(t *testing.T) {
	opts := Options{Mode: Float}
	if !Compare([]byte("0.5"), []byte("5e-1"), opts).Equal {
		t.Fatal("equal numbers in different notation must match with zero tolerance")
	}
	if Compare([]byte("0.5"), []byte("0.5000001"), opts).Equal {
		t.Fatal("different numbers must not match with zero tolerance")
	}
}

func TestDetailNamesFirstDifference(t *testing.T) {
	got := Compare([]byte("a\nb\nc\n"), []byte("a\nx\nc\n"), Options{Mode: Exact})
	if got.Detail != `line 2: expected "b", got "x"` {
		t.Fatalf("detail = %q", got.Detail)
	}
	got = Compare([]byte("1 2 3"), []byte("1 2 9"), Options{Mode: Tokens})
	if got.Detail != `token 3: expected "3", got "9"` {
		t.Fatalf("detail = %q", got.Detail)
	}
}

func TestDetailStaysShort(t *testing.T) {
	long := strings.Repeat("x", 100000)
	got := Compare([]byte(long), []byte(long+"y"), Options{Mode: Exact})
	if got.Equal || len(got.Detail) > 200 {
		t.Fatalf("detail length %d", len(got.Detail))
	}
}

func TestModeValid(t *testing.T) {
	for _, m := range []Mode{Exact, TrimTrailing, Tokens, Float} {
		if !m.Valid() {
			t.Errorf("%s should be valid", m)
		}
	}
	if Mode("fuzzy").Valid() || Mode("").Valid() {
		t.Error("unknown modes must be invalid")
	}
}
