package childexec

import (
	"errors"
	"reflect"
	"testing"
)

func TestArgsRoundTrip(t *testing.T) {
	l := Limits{CPUSeconds: 2, AddressSpace: 1 << 30, FileSize: 1 << 20, Processes: 70}
	argv := []string{"python3", "-c", "print(1)", "--", "-exec-child"}
	args := Args("/launcher", l, argv)
	if args[0] != "/launcher" || args[1] != Flag {
		t.Fatalf("args = %q", args)
	}
	gotL, gotArgv, err := Parse(args[2:])
	if err != nil {
		t.Fatal(err)
	}
	if gotL != l || !reflect.DeepEqual(gotArgv, argv) {
		t.Fatalf("round trip: %+v %q", gotL, gotArgv)
	}
}

func TestParseRejects(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"1", "2", "3", "4", "--"},          // no program
		{"1", "2", "3", "4", "x", "prog"},   // no separator
		{"1", "2", "3", "-4", "--", "prog"}, // negative
		{"1", "2", "three", "4", "--", "p"}, // not a number
	} {
		var ae *ArgsError
		if _, _, err := Parse(args); !errors.As(err, &ae) {
			t.Errorf("Parse(%q) err = %v", args, err)
		}
	}
}
