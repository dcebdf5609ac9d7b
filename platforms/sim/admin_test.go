package sim

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// fakeSim is a Simulator whose audit and violations a test sets.
type fakeSim struct {
	http.Handler
	audit error
	rec   Recorder
}

func (f *fakeSim) Faults() []Fault         { return nil }
func (f *fakeSim) Violations() []Violation { return f.rec.Violations() }
func (f *fakeSim) Audit() error            { return f.audit }

func TestAdminEndpoint(t *testing.T) {
	counters := func(q url.Values) (map[string]int64, error) {
		m := map[string]int64{"trades": 7}
		for _, c := range q["card"] {
			if c != "c1" {
				return nil, errors.New("no card " + c)
			}
			m["card:"+c] = 42
		}
		return m, nil
	}
	cases := []struct {
		name    string
		audit   error
		violate bool
		q       url.Values
		wantErr string // from FetchAudit
		wantBad string // from AuditReport.Err
		want    map[string]int64
	}{
		{name: "clean", want: map[string]int64{"trades": 7}},
		{name: "an item", q: url.Values{"card": {"c1"}}, want: map[string]int64{"trades": 7, "card:c1": 42}},
		{name: "unknown item", q: url.Values{"card": {"zz"}}, wantErr: "no card zz"},
		{name: "audit fails", audit: errors.New("money made"), wantBad: "money made", want: map[string]int64{"trades": 7}},
		{name: "violation", violate: true, wantBad: "1 violations", want: map[string]int64{"trades": 7}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := &fakeSim{audit: c.audit}
			if c.violate {
				s.rec.Record(Violation{Interface: "x", Rule: "mac-mismatch"})
			}
			srv, err := ListenAdmin("127.0.0.1:0", s, counters)
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			rep, err := FetchAudit(context.Background(), srv.URL, c.q)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("err %v, want %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if bad := rep.Err(); (c.wantBad == "") != (bad == nil) || (bad != nil && !strings.Contains(bad.Error(), c.wantBad)) {
				t.Errorf("Err() = %v, want %q", bad, c.wantBad)
			}
			if len(rep.Counters) != len(c.want) {
				t.Errorf("counters %v, want %v", rep.Counters, c.want)
			}
			for k, v := range c.want {
				if rep.Counters[k] != v {
					t.Errorf("counter %s = %d, want %d", k, rep.Counters[k], v)
				}
			}
		})
	}
	if _, err := ListenAdmin("0.0.0.0:0", &fakeSim{}, counters); err == nil {
		t.Error("the admin endpoint bound a non-loopback address")
	}
}
