package reports

import (
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
)

// FailureText rewrites a Gomega failure message for a person: the spec's
// requirement (the assertion's description) and what was seen, in paycert's
// words. Gomega shows values as Go sees them: "<*wire.TransportError |
// 0x1ac4c9102d0>:" type headers, then a dump of the error's struct (IPs as
// byte arrays, syscall numbers). The error's own message, which the dump
// follows, already says what happened; the dump goes. The raw message stays
// in ginkgo.json for developers.
func FailureText(msg string) string {
	lines := strings.Split(strings.TrimRight(msg, "\n"), "\n")
	var out []string
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		trim := strings.TrimSpace(line)
		// A struct dump opens with a lone "{" (after the error message) or
		// "<*T | 0x..>{" and closes with "}" at the same indent.
		if trim == "{" || goType.MatchString(trim) && strings.HasSuffix(trim, "{") {
			indent := line[:len(line)-len(strings.TrimLeft(line, " \t"))]
			for i++; i < len(lines); i++ {
				if strings.HasPrefix(lines[i], indent+"}") && strings.TrimSpace(lines[i])[0] == '}' &&
					len(lines[i])-len(strings.TrimLeft(lines[i], " \t")) == len(indent) {
					break
				}
			}
			continue
		}
		line = goType.ReplaceAllString(line, "")
		switch strings.TrimSpace(line) {
		case "":
			continue
		case "Unexpected error:", "Expected success, but got an error:":
			line = "seen: an error:"
		case "Expected":
			line = "seen:"
		case "occurred": // the tail of "Unexpected error: <err> occurred"
			continue
		default:
			if strings.HasPrefix(line, "to ") || strings.HasPrefix(line, "not to ") {
				line = "expected it " + line // "to equal", "to be false", ...
			}
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}

// goType is Gomega's header of a formatted value: "<string>: ",
// "<*errors.joinError | 0x38f5a0>: ", "<[]uint8 | len:3, cap:3>: ".
var goType = regexp.MustCompile(`<[^<>\n]*?(?: \| [^<>\n]*)?>(?:: ?|\{|$)`)

// moduleRoot is where paycert's sources were when it was built (with
// -trimpath, the module path), so that a location names a file in the
// repository, not the build machine's directory.
var moduleRoot = func() string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return ""
	}
	return filepath.Dir(filepath.Dir(file)) + "/"
}()

// SourceLocation shows a failure location relative to the repository:
// "conformance/ipossuite/specs_codes.go:52". A location outside paycert (a
// library) keeps only its file name.
func SourceLocation(loc string) string {
	if rel, ok := strings.CutPrefix(loc, moduleRoot); ok && moduleRoot != "/" {
		return rel
	}
	if strings.HasPrefix(loc, "/") {
		return filepath.Base(loc)
	}
	return loc
}

// goSourcePath is an absolute path (at the start of a line or after a space,
// quote or bracket: "conformance/x.go:1" is already relative) to a Go file.
var goSourcePath = regexp.MustCompile(`(^|[\s"'(\[])(/[^\s:"'<>]+\.go:\d+)`)

// TrimSourcePaths rewrites every absolute Go source location in s with
// SourceLocation (console lines from Ginkgo's reporter with -v).
func TrimSourcePaths(s string) string {
	if !strings.Contains(s, ".go:") {
		return s
	}
	return goSourcePath.ReplaceAllStringFunc(s, func(m string) string {
		i := strings.IndexByte(m, '/')
		return m[:i] + SourceLocation(m[i:])
	})
}
