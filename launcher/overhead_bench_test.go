package main_test

import (
	"os/exec"
	"testing"
	"time"
)

// BenchmarkPerTestOverhead measures what one more test costs: a launcher run with 50
// tests of /bin/true against a run with 1, so start-up and result encoding cancel out.
// It reports that marginal cost per test, what /bin/true costs on its own (fork, exec,
// wait from Go), and the difference: the launcher's overhead per test.
func BenchmarkPerTestOverhead(b *testing.B) {
	specFor := func(n int) obj {
		tests := make([]obj, n)
		for i := range tests {
			tests[i] = obj{"stdin": ""}
		}
		return obj{"run": obj{"command": []string{"/bin/true"}}, "workdir": "/", "tests": tests}
	}
	one, fifty := specFor(1), specFor(50)
	var t1, t50, bare time.Duration
	for b.Loop() {
		start := time.Now()
		launch(b, one)
		t1 += time.Since(start)

		start = time.Now()
		launch(b, fifty)
		t50 += time.Since(start)

		start = time.Now()
		for range 49 {
			if err := exec.Command("/bin/true").Run(); err != nil {
				b.Fatal(err)
			}
		}
		bare += time.Since(start)
	}
	n := float64(b.N)
	perTest := float64((t50 - t1).Microseconds()) / 49 / 1000 / n
	own := float64(bare.Microseconds()) / 49 / 1000 / n
	b.ReportMetric(perTest, "ms/test")
	b.ReportMetric(own, "true-ms/run")
	b.ReportMetric(perTest-own, "overhead-ms/test")
	b.ReportMetric(float64(t1.Microseconds())/1000/n, "ms/launch-1-test")
}
