package sim

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// Counters reads the ledger counters a load run compares with what it saw
// accepted (verifications, trades, orders, money moved), and per item the
// query names (a voucher's remaining balance, a card's balance): a flat map
// so it crosses a process boundary as JSON unchanged.
type Counters func(q url.Values) (map[string]int64, error)

// AuditReport is a simulator's ledger as a load run in another process sees
// it: its own invariants (Audit), what it recorded about itself or the
// requests (Violations), and the counters.
type AuditReport struct {
	Audit          string           `json:"audit"` // "" when Audit passed, else its error
	Violations     int              `json:"violations"`
	FirstViolation string           `json:"first_violation,omitempty"`
	Counters       map[string]int64 `json:"counters"`
}

// Err returns the report's own failures (audit, violations) as one error.
func (r AuditReport) Err() error {
	var parts []string
	if r.Audit != "" {
		parts = append(parts, "simulator audit: "+r.Audit)
	}
	if r.Violations > 0 {
		parts = append(parts, fmt.Sprintf("simulator recorded %d violations, first: %s", r.Violations, r.FirstViolation))
	}
	if len(parts) == 0 {
		return nil
	}
	return fmt.Errorf("%s", strings.Join(parts, "; "))
}

// Report builds s's AuditReport for the items q names, in process.
func Report(s Simulator, counters Counters, q url.Values) (AuditReport, error) {
	var r AuditReport
	if err := s.Audit(); err != nil {
		r.Audit = err.Error()
	}
	if v := s.Violations(); len(v) > 0 {
		r.Violations, r.FirstViolation = len(v), v[0].Interface+" "+v[0].Rule+": "+v[0].Detail
	}
	if d, ok := s.(DropCounter); ok {
		r.Violations += d.DroppedViolations()
	}
	if counters != nil {
		c, err := counters(q)
		if err != nil {
			return r, err
		}
		r.Counters = c
	}
	return r, nil
}

// AdminHandler serves GET /audit?… with s's AuditReport as JSON (400 when a
// queried item is unknown). It answers nothing else: it is the one thing a
// load run in another process needs to check the ledger, and it changes no
// state.
func AdminHandler(s Simulator, counters Counters) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /audit", func(w http.ResponseWriter, r *http.Request) {
		rep, err := Report(s, counters, r.URL.Query())
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(rep)
	})
	return mux
}

// ListenAdmin serves AdminHandler on addr, which must be a loopback address:
// the admin endpoint exposes the ledger, so it never leaves the machine,
// even when the simulator itself is served with AllowRemote.
func ListenAdmin(addr string, s Simulator, counters Counters) (*Server, error) {
	return Listen(AdminHandler(s, counters), ListenOptions{Addr: addr})
}

// FetchAudit asks the admin endpoint at base (http://127.0.0.1:PORT) for the
// AuditReport of the items q names.
func FetchAudit(ctx context.Context, base string, q url.Values) (AuditReport, error) {
	var r AuditReport
	u := strings.TrimSuffix(base, "/") + "/audit"
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return r, fmt.Errorf("admin endpoint: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return r, fmt.Errorf("admin endpoint: %w", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return r, fmt.Errorf("admin endpoint: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return r, fmt.Errorf("admin endpoint: %s: %s", resp.Status, strings.TrimSpace(string(b)))
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return r, fmt.Errorf("admin endpoint: %w", err)
	}
	return r, nil
}
