package reports

import (
	"strings"
	"testing"
)

// Real Gomega messages from a run against an unreachable target and a
// faulty simulator.
const (
	transportMsg = "the request must get a reply\nUnexpected error:\n" +
		"    <*wire.TransportError | 0x1ac4c9102d0>: \n" +
		"    ipos card_query: transport: Post \"http://127.0.0.1:1/x\": dial tcp 127.0.0.1:1: connect: connection refused\n" +
		"    {\n        Platform: \"ipos\",\n        Interface: \"card_query\",\n" +
		"        Err: <*url.Error | 0x1ac4c9102a0>{\n            Op: \"Post\",\n" +
		"            Err: <*net.OpError | 0x1ac4cc206e0>{\n" +
		"                Addr: <*net.TCPAddr | 0x1ac4c9101e0>{\n" +
		"                    IP: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 127, 0, 0, 1],\n" +
		"                },\n                Err: <syscall.Errno>0x6f,\n            },\n        },\n    }\noccurred"
	equalMsg = "result/id must be 0325 (剩余金额不足, 002 §5); comment was \"交易失败\"\n" +
		"Expected\n    <string>: 9990\nto equal\n    <string>: 0325"
)

func TestFailureTextForPeople(t *testing.T) {
	for _, tt := range []struct {
		name, msg string
		want, not []string
	}{
		{"error with a struct dump", transportMsg,
			[]string{"the request must get a reply", "seen: an error:", "connect: connection refused"},
			[]string{"0x", "<*", "IP: [", "Platform:", "occurred", "{", "}"}},
		{"a value against a matcher", equalMsg,
			[]string{"result/id must be 0325", "seen:\n    9990\nexpected it to equal\n    0325"},
			[]string{"<string>"}},
	} {
		got := FailureText(tt.msg)
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: %q lacks %q", tt.name, got, w)
			}
		}
		for _, n := range tt.not {
			if strings.Contains(got, n) {
				t.Errorf("%s: %q still shows %q", tt.name, got, n)
			}
		}
	}
}

func TestSourceLocationIsRepositoryRelative(t *testing.T) {
	for in, want := range map[string]string{
		moduleRoot + "conformance/ipossuite/specs_codes.go:52":      "conformance/ipossuite/specs_codes.go:52",
		"/root/go/pkg/mod/github.com/onsi/ginkgo/v2@v2/node.go:437": "node.go:437",
	} {
		if got := SourceLocation(in); got != want {
			t.Errorf("SourceLocation(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTrimSourcePaths(t *testing.T) {
	for in, want := range map[string]string{
		"  [FAILED] in [It] - " + moduleRoot + "conformance/ipossuite/specs_codes.go:52 @ 12/04/26": "  [FAILED] in [It] - conformance/ipossuite/specs_codes.go:52 @ 12/04/26",
		"at conformance/ipossuite/specs_codes.go:52":                                                "at conformance/ipossuite/specs_codes.go:52",
		"/root/go/pkg/mod/github.com/onsi/ginkgo/v2@v2.34.0/internal/node.go:437":                   "node.go:437",
	} {
		if got := TrimSourcePaths(in); got != want {
			t.Errorf("TrimSourcePaths(%q) = %q, want %q", in, got, want)
		}
	}
}
