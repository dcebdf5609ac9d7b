package load

import (
	"strings"
	"testing"
)

func TestCheckTarget(t *testing.T) {
	for _, tc := range []struct {
		url    string
		remote bool
		want   string // "" = allowed
	}{
		{"http://127.0.0.1:8080/", false, ""},
		{"http://[::1]:8080/", false, ""},
		{"http://localhost/", false, ""},
		{"http://10.0.0.5:8080/", false, "--allow-remote"},
		{"https://pay.example.com/", false, "--allow-remote"},
		{"http://10.0.0.5:8080/", true, ""},
		{"https://pay.example.com/", true, ""},
		{"ftp://10.0.0.5/", true, "http://"},
		{"https://op:s3cret@10.0.0.5/", false, "xxxxx"}, // refused, and the password is not shown
	} {
		err := CheckTarget(tc.url, tc.remote)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s remote=%v: %v", tc.url, tc.remote, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s remote=%v: err %v, want one with %q", tc.url, tc.remote, err, tc.want)
		case err != nil && strings.Contains(err.Error(), "s3cret"):
			t.Errorf("the error shows the password: %v", err)
		}
	}
}
