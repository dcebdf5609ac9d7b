package kakatongsim

import (
	"errors"
	"fmt"
	"net/http"
	"sort"
	"sync"
	"time"

	"paycert/codecs/mac"
	"paycert/platforms/catalog"
	"paycert/platforms/kakatong"
	"paycert/platforms/sim"
)

// CST is China Standard Time: "当天" is a calendar day there (E-KAKATONG-DAY).
var cst = time.FixedZone("CST", 8*3600)

// CardState is a card's life-cycle state.
type CardState string

const (
	Active    CardState = "active"
	Inactive  CardState = "inactive"  // not yet activated (领卡): 17
	Lost      CardState = "lost"      // 14
	Cancelled CardState = "cancelled" // 15 (and 53 on activation: a recycled card)
	Replaced  CardState = "replaced"  // 19
	Frozen    CardState = "frozen"    // 此卡已冻结
)

// CardKind says which functions a card supports.
type CardKind string

const (
	Both       CardKind = "both"   // stored value and points
	ValueOnly  CardKind = "value"  // no points: 32
	PointsOnly CardKind = "points" // a points card: 20, 31
)

// CardSpec describes a card to seed.
type CardSpec struct {
	No          string    // 16 digits
	Issuer      string    // issuing merchant COPNO
	Password    string    // 6 digits
	Kind        CardKind  // default Both
	State       CardState // default Active
	Balance     int64     // fen
	Points      int64
	ValidFrom   time.Time // zero: always valid
	ExpireAt    time.Time // zero: never expires
	SingleLimit int64     // per-trade limit in fen (09); 0: none
	FaceValue   int64     // loaded on activation from the issuer's account (54)
	Mobile      string    // holder's mobile (59)
}

// MerchantSpec describes a merchant to seed.
type MerchantSpec struct {
	CopNo    string
	Name     string
	Closed   bool  // 60
	TestMode bool  // 68
	Prepaid  int64 // account funding recharges (65) and activation loads (54), fen
}

// TerminalSpec describes a terminal to seed.
type TerminalSpec struct {
	PosCode        string
	CopNo          string
	DailyRecharge  int64 // max recharge total a day (58); 0: none
	DailyMaxTrades int   // max successful trades a day (67); 0: none
}

// LicenceSpec describes a licence key.
type LicenceSpec struct {
	Key     string
	CopNo   string
	Expires time.Time // zero: never
}

type card struct {
	CardSpec
	pwdHash    string
	seedBal    int64
	seedPts    int64
	bound      string
	info       holderInfo
	trades     []*trade // this card's trades in the history window, oldest first
	activation int64    // face value loaded on activation
	// agedBal and agedPts sum the movements of this card's trades that
	// aged out of the history window (E-KAKATONG-HISTORY), for Audit.
	agedBal, agedPts int64
}

type holderInfo struct {
	ChName, EnName, Addr, Email, Mobile, Tel, Birthday string
}

type merchant struct {
	MerchantSpec
	seedPrepaid int64
}

type trade struct {
	Stance    string
	Row       kakatong.Row
	Card      string
	Pos       string
	CopNo     string // merchant of the terminal
	Amount    int64  // fen, or points for points rows
	Delta     int64  // change to the card's balance
	PtsDelta  int64  // change to the card's points
	MerDelta  int64  // change to the merchant's prepaid account
	BalAfter  int64  // the card's balance after the trade (stream Integral)
	Time      time.Time
	UndoOf    string // stance this undo cancels
	UndoneBy  string // stance of the undo that cancelled it
	Reversed  bool   // cancelled by a 0400 reversal: counts for nothing
	Query     bool   // a query: gets a stance, moves nothing, not in the stream
	dayKey    string
	countable bool // counted for 67/68
}

// Simulator is the Kakatong reference gateway.
type Simulator struct {
	root   bool // profile root: REST reply fields directly under <TradeResult>
	clock  sim.Clock
	faults sim.FaultSet
	strict bool
	cat    *catalog.Catalogue // read once in New: the strict checks consult it per request
	rec    *sim.Recorder
	logf   func(string, ...any)
	h      http.Handler

	mu        sync.Mutex
	closed    bool // gateway closed: 51
	merchants map[string]*merchant
	terminals map[string]TerminalSpec
	licences  map[string]LicenceSpec
	cards     map[string]*card
	items     map[string]item
	trades    []*trade          // by stance order
	byStance  map[string]*trade // stance -> trade
	seq       int
	termDay   map[string]*dayCount // pos|day
	merchDay  map[string]int       // copno|day
	// dup and dupAnyPos index the latest successful money trade per
	// duplicate key (with and without the terminal), so the duplicate rule
	// costs one lookup however many trades a load run leaves on a card.
	dup, dupAnyPos map[string]*trade
	codes          map[string]kakatong.Code

	// The history window (sim.Options.History, E-KAKATONG-HISTORY): at
	// most history trades are kept whole in s.trades; the older ones live
	// on in these sums, so Audit and Totals stay exact.
	history    int
	agedTrades int              // trades aged out, reversed ones included
	aged       Totals           // Trades, Consumed, Recharged of the aged, not reversed trades
	agedMer    map[string]int64 // merchant -> prepaid movements of aged trades
	lastAged   string           // the stance of the last trade aged out ("" if none)
}

type dayCount struct {
	recharge int64
	count    int
}

type item struct {
	Name string
	Rate int64 // points per 100 units of AMOUNT (0033)
}

var _ sim.Simulator = (*Simulator)(nil)

// New builds a simulator loaded with the default fixture (see doc.go).
func New(o sim.Options) (*Simulator, error) {
	fs, err := sim.NewFaultSet(faults(), o.Faults)
	if err != nil {
		return nil, fmt.Errorf("kakatong simulator: %w", err)
	}
	switch o.Profile {
	case "", ProfileRecord, ProfileRoot:
	default:
		return nil, fmt.Errorf("kakatong simulator: unknown profile %q (want %s or %s)", o.Profile, ProfileRecord, ProfileRoot)
	}
	s := &Simulator{
		clock: o.ClockOrSystem(), faults: fs, strict: o.Strict, rec: &sim.Recorder{}, logf: o.Logf, root: o.Profile == ProfileRoot,
		merchants: map[string]*merchant{}, terminals: map[string]TerminalSpec{}, licences: map[string]LicenceSpec{},
		cards: map[string]*card{}, items: map[string]item{}, byStance: map[string]*trade{},
		termDay: map[string]*dayCount{}, merchDay: map[string]int{},
		dup: map[string]*trade{}, dupAnyPos: map[string]*trade{}, codes: map[string]kakatong.Code{},
		history: o.HistoryOrDefault(), agedMer: map[string]int64{},
	}
	s.cat = kakatong.Catalogue()
	for _, c := range s.cat.Codes {
		s.codes[c.Code] = c
	}
	if s.logf == nil {
		s.logf = func(string, ...any) {}
	}
	if err := s.loadFixture(); err != nil {
		return nil, fmt.Errorf("kakatong simulator: fixture: %w", err)
	}
	s.h = sim.Harden(http.HandlerFunc(s.serve), s.rec)
	return s, nil
}

// ServeHTTP serves REST (/s/get) and SOAP 1.2 (/s/sp.php, WSDL at
// /s/sp.php?wsdl and /s/sp.wsdl).
func (s *Simulator) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.h.ServeHTTP(w, r) }

// Faults lists every injectable fault.
func (s *Simulator) Faults() []sim.Fault { return faults() }

// Violations returns what strict-mock mode recorded.
func (s *Simulator) Violations() []sim.Violation { return s.rec.Violations() }

// DroppedViolations counts the violations past sim.MaxViolations.
func (s *Simulator) DroppedViolations() int { return s.rec.Dropped() }

// History says how many trades are kept whole (undoable, reversible,
// listed by the stream) and how many aged out into the ledger's sums.
func (s *Simulator) History() sim.History {
	s.mu.Lock()
	defer s.mu.Unlock()
	return sim.History{Limit: s.history, Kept: len(s.trades), Aged: s.agedTrades}
}

// Clock is the simulator's clock (tests advance a sim.ManualClock).
func (s *Simulator) Clock() sim.Clock { return s.clock }

func (s *Simulator) violate(iface, rule, detail string) {
	if s.strict {
		s.rec.Record(sim.Violation{Time: s.clock.Now(), Interface: iface, Rule: rule, Detail: detail})
	}
}

// violateFinding records f with its path, value and seed section in the
// Detail, as catalog.Finding renders it ("path: rule: detail (section)").
func (s *Simulator) violateFinding(iface string, f catalog.Finding) {
	s.violate(iface, f.Rule, f.String())
}

// AddMerchant seeds a merchant.
func (s *Simulator) AddMerchant(m MerchantSpec) error {
	if !catalog.IsDigits(m.CopNo) || m.Prepaid < 0 {
		return fmt.Errorf("kakatong simulator: merchant %q: COPNO must be digits and Prepaid >= 0", m.CopNo)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.merchants[m.CopNo]; dup {
		return fmt.Errorf("kakatong simulator: merchant %s exists", m.CopNo)
	}
	s.merchants[m.CopNo] = &merchant{MerchantSpec: m, seedPrepaid: m.Prepaid}
	return nil
}

// AddTerminal seeds a terminal of an existing merchant.
func (s *Simulator) AddTerminal(t TerminalSpec) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.merchants[t.CopNo]; !ok || !catalog.IsDigits(t.PosCode) {
		return fmt.Errorf("kakatong simulator: terminal %q: needs a digit POSCODE and an existing merchant %q", t.PosCode, t.CopNo)
	}
	if _, dup := s.terminals[t.PosCode]; dup {
		return fmt.Errorf("kakatong simulator: terminal %s exists", t.PosCode)
	}
	s.terminals[t.PosCode] = t
	return nil
}

// AddLicence seeds a licence key of an existing merchant.
func (s *Simulator) AddLicence(l LicenceSpec) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.merchants[l.CopNo]; !ok || len(l.Key) < 16 || len(l.Key) > 512 {
		return fmt.Errorf("kakatong simulator: licence for %q: key of 16-512 characters and an existing merchant needed", l.CopNo)
	}
	s.licences[l.Key] = l
	return nil
}

// AddCard seeds a card (load tests seed one card per worker with a large
// balance and no single-trade limit).
func (s *Simulator) AddCard(c CardSpec) error {
	if len(c.No) != 16 || !catalog.IsDigits(c.No) {
		return fmt.Errorf("kakatong simulator: card %q: need 16 digits", c.No)
	}
	if len(c.Password) != 6 || !catalog.IsDigits(c.Password) {
		return fmt.Errorf("kakatong simulator: card %s: password must be 6 digits", c.No)
	}
	if c.Balance < 0 || c.Points < 0 || c.FaceValue < 0 {
		return fmt.Errorf("kakatong simulator: card %s: negative balance", c.No)
	}
	if c.Kind == "" {
		c.Kind = Both
	}
	if c.State == "" {
		c.State = Active
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.merchants[c.Issuer]; !ok {
		return fmt.Errorf("kakatong simulator: card %s: unknown issuer %q", c.No, c.Issuer)
	}
	if _, dup := s.cards[c.No]; dup {
		return fmt.Errorf("kakatong simulator: card %s exists", c.No)
	}
	s.cards[c.No] = &card{CardSpec: c, pwdHash: mac.CardPassword(c.Password), seedBal: c.Balance, seedPts: c.Points,
		info: holderInfo{Mobile: c.Mobile}}
	return nil
}

// SetGatewayClosed closes (51) or reopens the gateway.
func (s *Simulator) SetGatewayClosed(closed bool) {
	s.mu.Lock()
	s.closed = closed
	s.mu.Unlock()
}

// CardBalance returns a card's stored value (fen) and points.
func (s *Simulator) CardBalance(no string) (balance, points int64, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.cards[no]
	if !ok {
		return 0, 0, fmt.Errorf("kakatong simulator: no card %s", no)
	}
	return c.Balance, c.Points, nil
}

// Totals are ledger totals for the load runner's check.
type Totals struct {
	Trades    int   // successful money/points trades recorded (undos included, reversed ones excluded)
	Consumed  int64 // net stored value taken by purchases (0022/1 minus undos), fen
	Recharged int64 // net stored value loaded by recharges, fen
	Balances  int64 // sum of all card balances, fen
	Seeded    int64 // sum of the balances cards were seeded with plus activation loads, fen
}

// Totals returns the ledger totals. Balances == Seeded - Consumed + Recharged
// holds whenever Audit passes.
func (s *Simulator) Totals() Totals {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := Totals{Trades: s.aged.Trades, Consumed: s.aged.Consumed, Recharged: s.aged.Recharged}
	for _, c := range s.cards {
		t.Balances += c.Balance
		t.Seeded += c.seedBal + c.activation
	}
	for _, tr := range s.trades {
		if !tr.Reversed {
			t.add(tr)
		}
	}
	return t
}

// add counts a trade that was not reversed into Trades, Consumed and
// Recharged (queries and trades that move nothing are not counted).
func (t *Totals) add(tr *trade) {
	if tr.Query || (tr.Delta == 0 && tr.PtsDelta == 0) {
		return
	}
	t.Trades++
	switch tr.Row.Family {
	case kakatong.FamConsume:
		t.Consumed -= tr.Delta
	case kakatong.FamRecharge:
		t.Recharged += tr.Delta
	}
}

// Audit re-checks the ledger invariants over the whole state: every card's
// balance and points equal what it was seeded with plus the movements of its
// trades that were not reversed; no balance is negative; every undo cancels
// exactly one forward trade that names it back, and no trade is undone
// twice; every merchant's prepaid account equals its seed plus its trades'
// movements.
func (s *Simulator) Audit() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var errs []error
	undos := map[string]int{}
	for _, t := range s.trades {
		if t.UndoOf != "" && !t.Reversed {
			undos[t.UndoOf]++
			orig, ok := s.byStance[t.UndoOf]
			if !ok && t.UndoOf <= s.lastAged {
				continue // the original aged out of the history window (stances are 8 digits: they sort as numbers)
			}
			if !ok || orig.UndoneBy != t.Stance {
				errs = append(errs, fmt.Errorf("undo %s cancels %s, which does not name it back", t.Stance, t.UndoOf))
			}
		}
	}
	for st, n := range undos {
		if n > 1 {
			errs = append(errs, fmt.Errorf("trade %s undone %d times", st, n))
		}
	}
	nos := make([]string, 0, len(s.cards))
	for no := range s.cards {
		nos = append(nos, no)
	}
	sort.Strings(nos)
	for _, no := range nos {
		c := s.cards[no]
		bal, pts := c.seedBal+c.activation+c.agedBal, c.seedPts+c.agedPts
		for _, t := range c.trades {
			if !t.Reversed {
				bal += t.Delta
				pts += t.PtsDelta
			}
		}
		if bal != c.Balance || pts != c.Points {
			errs = append(errs, fmt.Errorf("card %s: balance %d / points %d, but seed plus movements give %d / %d", no, c.Balance, c.Points, bal, pts))
		}
		if c.Balance < 0 || c.Points < 0 {
			errs = append(errs, fmt.Errorf("card %s: negative balance %d or points %d", no, c.Balance, c.Points))
		}
	}
	mer := map[string]int64{}
	for no, d := range s.agedMer {
		mer[no] = d
	}
	for _, t := range s.trades {
		if !t.Reversed {
			mer[t.CopNo] += t.MerDelta
		}
	}
	for _, c := range s.cards {
		mer[c.Issuer] -= c.activation
	}
	for no, m := range s.merchants {
		if want := m.seedPrepaid + mer[no]; m.Prepaid != want {
			errs = append(errs, fmt.Errorf("merchant %s: prepaid %d, but seed plus movements give %d", no, m.Prepaid, want))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("kakatong simulator: ledger audit: %w", errors.Join(errs...))
	}
	return nil
}
