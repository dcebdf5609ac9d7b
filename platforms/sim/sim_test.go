package sim

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestHardenCapsBodiesAndRecoversPanics(t *testing.T) {
	var rec Recorder
	h := Harden(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/panic" {
			panic("boom")
		}
		_, err := io.ReadAll(r.Body)
		if IsBodyTooLarge(err) {
			http.Error(w, "too large", http.StatusRequestEntityTooLarge)
			return
		}
		w.WriteHeader(http.StatusOK)
	}), &rec)
	cases := []struct {
		name, path string
		body       io.Reader
		length     int64
		want       int
	}{
		{"small body", "/", strings.NewReader("xml=1"), 5, 200},
		{"declared too large", "/", bytes.NewReader(make([]byte, MaxBody+1)), MaxBody + 1, 413},
		{"chunked too large", "/", io.LimitReader(zeros{}, MaxBody+10), -1, 413},
		{"panic", "/panic", strings.NewReader(""), 0, 500},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", c.path, c.body)
			r.ContentLength = c.length
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != c.want {
				t.Fatalf("status %d, want %d", w.Code, c.want)
			}
		})
	}
	if v := rec.Violations(); len(v) != 1 || v[0].Rule != "simulator-panic" {
		t.Fatalf("a panic must be recorded as a simulator violation, got %+v", v)
	}
}

// HardenStrict records a body it refuses for its declared length (the
// handler never sees it); Harden does not, and neither records a body
// within the cap.
func TestHardenStrictRecordsDeclaredTooLarge(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) })
	tooLarge := func(r *http.Request) Violation {
		return Violation{Interface: "?", Rule: "too-large", Detail: fmt.Sprintf("Content-Length %d", r.ContentLength)}
	}
	cases := []struct {
		name   string
		strict bool
		length int64
		want   []string // rules recorded
	}{
		{"strict, declared too large", true, MaxBody + 1, []string{"too-large"}},
		{"strict, within the cap", true, MaxBody, nil},
		{"not strict, declared too large", false, MaxBody + 1, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var rec Recorder
			h := Harden(ok, &rec)
			if c.strict {
				h = HardenStrict(ok, &rec, tooLarge)
			}
			r := httptest.NewRequest("POST", "/", bytes.NewReader(make([]byte, c.length)))
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			var got []string
			for _, v := range rec.Violations() {
				got = append(got, v.Rule)
			}
			if !slices.Equal(got, c.want) {
				t.Fatalf("recorded %v, want %v", got, c.want)
			}
			if wantCode := map[bool]int{true: 413, false: 200}[c.length > MaxBody]; w.Code != wantCode {
				t.Fatalf("status %d, want %d", w.Code, wantCode)
			}
		})
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func TestListenIsLoopbackOnly(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})
	if _, err := Listen(h, ListenOptions{Addr: "0.0.0.0:0"}); err == nil {
		t.Fatal("binding 0.0.0.0 must be refused without AllowRemote")
	}
	s, err := Listen(h, ListenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if !strings.HasPrefix(s.URL, "http://127.0.0.1:") {
		t.Fatalf("URL %s", s.URL)
	}
	resp, err := http.Get(s.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
}

func TestFaultSetRejectsUnknownNames(t *testing.T) {
	known := []Fault{{Name: "a"}, {Name: "b"}}
	fs, err := NewFaultSet(known, []string{"a", " "})
	if err != nil || !fs.Has("a") || fs.Has("b") {
		t.Fatalf("fs=%v err=%v", fs, err)
	}
	if _, err := NewFaultSet(known, []string{"c"}); err == nil || !strings.Contains(err.Error(), "known: a, b") {
		t.Fatalf("unknown fault must be refused naming the known ones, got %v", err)
	}
}

func TestManualClock(t *testing.T) {
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	c := NewManualClock(t0)
	c.Advance(25 * time.Hour)
	if got := c.Now(); !got.Equal(t0.Add(25 * time.Hour)) {
		t.Fatalf("now %v", got)
	}
	var o Options
	if _, ok := o.ClockOrSystem().(SystemClock); !ok {
		t.Fatal("no clock must mean the system clock")
	}
}

func TestIsLoopback(t *testing.T) {
	for host, want := range map[string]bool{
		"127.0.0.1": true, "127.0.0.2": true, "::1": true, "localhost": true,
		"0.0.0.0": false, "": false, "::": false, "10.0.0.5": false, "example.com": false, "localhost.example.com": false,
	} {
		if got := IsLoopback(host); got != want {
			t.Errorf("IsLoopback(%q) = %v, want %v", host, got, want)
		}
	}
}

func TestCheckFaults(t *testing.T) {
	ten := make([]Fault, MinFaults)
	for i := range ten {
		ten[i] = Fault{Name: fmt.Sprintf("f%d", i), Description: fmt.Sprintf("fault number %d", i)}
	}
	known := func(fs []Fault) func(Options) error {
		return func(o Options) error {
			for _, f := range fs {
				if f.Name == o.Faults[0] {
					return nil
				}
			}
			return fmt.Errorf("unknown fault %q", o.Faults[0])
		}
	}
	dupName := append(slices.Clone(ten), Fault{Name: "f0", Description: "another"})
	dupDesc := append(slices.Clone(ten), Fault{Name: "f10", Description: "fault number 0"})
	for _, tc := range []struct {
		name  string
		list  []Fault
		build func(Options) error
		ok    bool
	}{
		{"ten distinct", ten, known(ten), true},
		{"too few", ten[:MinFaults-1], known(ten), false},
		{"duplicate name", dupName, known(dupName), false},
		{"duplicate description", dupDesc, known(dupDesc), false},
		{"empty description", append(slices.Clone(ten), Fault{Name: "x"}), known(append(slices.Clone(ten), Fault{Name: "x"})), false},
		{"New refuses a listed fault", ten, known(ten[1:]), false},
		{"New accepts anything", ten, func(Options) error { return nil }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckFaults(tc.list, tc.build)
			if (err == nil) != tc.ok {
				t.Fatalf("CheckFaults = %v, want ok %v", err, tc.ok)
			}
		})
	}
}

// The recorder keeps the first MaxViolations and counts the rest, so a
// strict mock serving a client that breaks a rule in every request holds
// bounded memory; the admin report counts them all.
func TestRecorderIsCapped(t *testing.T) {
	var r Recorder
	for i := range MaxViolations + 5 {
		r.Record(Violation{Rule: "r", Detail: strconv.Itoa(i)})
	}
	v := r.Violations()
	if len(v) != MaxViolations || r.Dropped() != 5 || v[0].Detail != "0" {
		t.Errorf("kept %d (first %q), dropped %d; want %d kept from the first, 5 dropped", len(v), v[0].Detail, r.Dropped(), MaxViolations)
	}
}

func TestQueue(t *testing.T) {
	var q Queue[int]
	if _, ok := q.Pop(); ok {
		t.Fatal("Pop on an empty queue")
	}
	next := 0
	for i := range 1000 {
		q.Push(i)
		if q.Len() > 10 {
			v, _ := q.Pop()
			if v != next {
				t.Fatalf("popped %d, want %d", v, next)
			}
			next++
		}
	}
	if q.Len() != 10 || cap(q.items) > 64 {
		t.Errorf("len %d, cap %d: want 10 queued in a compacted array", q.Len(), cap(q.items))
	}
	if v, _ := q.Peek(); v != 990 {
		t.Errorf("Peek = %d, want 990", v)
	}
}
