package compare

import (
	"strings"
	"testing"
)

func TestCompare(t *testing.T) {
	cases := []struct {
		name             string
		mode             Mode
		expected, actual string
		equal            bool
	}{
		{"exact equal", Exact, "3\n", "3\n", true},
		{"exact missing newline", Exact, "3\n", "3", false},
		{"exact trailing space", Exact, "3", "3 ", false},
		{"exact both empty", Exact, "", "", true},

		{"trim trailing newlines", TrimTrailing, "1\n2\n", "1\n2\n\n\n", true},
		{"trim line-end spaces", TrimTrailing, "1 2\n3\n", "1 2   \n3\t\r\n", true},
		{"trim CRLF", TrimTrailing, "a\nb", "a\r\nb\r\n", true},
		{"trim keeps leading space", TrimTrailing, "1", " 1", false},
		{"trim keeps inner space", TrimTrailing, "1 2", "1  2", false},
		{"trim keeps leading blank line", TrimTrailing, "1", "\n1", false},
		{"trim keeps blank line inside", TrimTrailing, "1\n2", "1\n\n2", false},
		{"trim empty vs whitespace", TrimTrailing, "", " \n\n", true},

		{"tokens spacing", Tokens, "1 2\n3", "  1\n2   3\n\n", true},
		{"tokens differ", Tokens, "1 2 3", "1 2 4", false},
		{"tokens extra", Tokens, "1 2", "1 2 3", false},
		{"tokens missing", Tokens, "1 2 3", "1 2", false},
		{"tokens case", Tokens, "Yes", "yes", false},

		{"float within abs", Float, "0.3333333", "0.33333334", true},
		{"float outside", Float, "0.333", "0.334", false},
		{"float within rel", Float, "1000000000", "1000000100", true},
		{"float forms", Float, "1e3 0.5", "1000.0000001 .5", true},
		{"float words exact", Float, "YES 1.0", "YES 1", true},
		{"float word differs", Float, "YES 1.0", "NO 1.0", false},
		{"float number vs word", Float, "1", "one", false},
		{"float nan", Float, "nan", "NaN", true},
		{"float nan vs number", Float, "nan", "0", false},
		{"float inf", Float, "inf", "+Inf", true},
		{"float inf sign", Float, "inf", "-inf", false},
		{"float count", Float, "1 2", "1", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Compare([]byte(c.expected), []byte(c.actual), Options{Mode: c.mode, AbsTol: 1e-6, RelTol: 1e-6})
			if got.Equal != c.equal {
				t.Fatalf("Compare(%q, %q, %s) = %+v, want equal=%v", c.expected, c.actual, c.mode, got, c.equal)
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
