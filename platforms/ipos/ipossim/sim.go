package ipossim

import (
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"paycert/platforms/catalog"
	"paycert/platforms/ipos"
	"paycert/platforms/sim"
)

// The documented fixture (see doc.go).
const (
	FixtureISSPID   = "39493002"
	FixtureSystemID = "8888"
	FixtureKey      = "654321" // the key of 002 §2's MAC example
	FixtureStoreID  = "1511300001"
	FixturePosID    = "1511300001"
	FixtureStore    = "翼码测试门店"

	// RemoteISSPID only accepts requests from 10.0.0.0/8: 6103 from loopback.
	RemoteISSPID = "39493003"
	RemoteKey    = "123456"
	// CardOnlyISSPID may use the card_* interfaces but no wecard_*: 6101.
	CardOnlyISSPID = "39493004"
	CardOnlyKey    = "abcdef"

	// ElsewherePosID is a terminal of the fixture store bound to 10.1.2.3:
	// trades on it from loopback answer 7104, a rebind 7105.
	ElsewherePosID = "1511300009"
	elsewhereIP    = "10.1.2.3"

	VoucherAmount        = "1000000000000001"             // amount, 10000 fen left of 10000, status 0
	VoucherAmountInUse   = "1000000000000002"             // amount, 4000 of 10000 left, status 2, one redeem row
	VoucherAmountUsed    = "1000000000000003"             // amount, 0 left, status 3
	VoucherAmountShort12 = "100000000004"                 // amount, 12-digit code, 500 fen left
	VoucherTimes         = "2000000000000001"             // times, 10 of 10 left, price 2000, status 0
	VoucherTimesInUse    = "2000000000000002"             // times, 1 of 3 left, status 2
	VoucherTimesUsed     = "2000000000000003"             // times, 0 of 1 left, status 3
	VoucherVoided        = "3000000000000001"             // amount, voided by its issuer (va_status 1): 3037
	VoucherExpired       = "3000000000000002"             // amount, expired yesterday: 3044
	VoucherOffline       = "3000000000000003"             // amount, issuer offline: 9998
	VoucherQR            = "IPOSQR:2000000000000001:8d1f" // QR content of VoucherTimes

	GiftCash        = "798492728980" // cash (type 3), 1000 fen, received (use_flag 4)
	GiftCashEncrypt = "ENC798492728980"
	GiftItem        = "267373474047" // single item (type 2), price 500
	GiftRevoked     = "488014963299" // cash, revoked (use_flag 8)
	GiftExpired     = "111111111111" // cash, validity ended: 3044

	// The certification fixture: what a client certifying this simulator
	// from another process is given as target params (paycert sim ipos
	// --write-config), shared by every spec and every run, so large
	// enough for many runs (the suite reads balances and undoes what it
	// verifies or consumes).
	CertVoucherAmount = "4000000000000001" // amount, 10,000,000 fen (param voucher_amount)
	CertVoucherTimes  = "4000000000000002" // times, 100,000 uses, price 1500 (param voucher_times)
	// CertVoucherLoad is paycert load ipos-verify's voucher (param
	// load_voucher): 1 fen a verification, so 100,000,000 fen pay for a
	// day at 1 000 req/s; certification never touches it.
	CertVoucherLoad = "4000000000000003"
	CertGiftCash    = "798492700001" // cash, 10,000,000 fen (param gift_cash)
	// CertGiftRevokePrefix + 01..CertGiftRevokeN: cash cards of 600 fen a
	// run may revoke (param gift_revoke), two per run.
	CertGiftRevokePrefix = "7984927301"
	CertGiftRevokeN      = 60
)

// CertGiftRevoke lists the revocable gift cards of the certification
// fixture (param gift_revoke).
func CertGiftRevoke() []string {
	out := make([]string, CertGiftRevokeN)
	for i := range out {
		out[i] = fmt.Sprintf("%s%02d", CertGiftRevokePrefix, i+1)
	}
	return out
}

// china is the platform's local time (trans_time, daily_day).
var china = time.FixedZone("CST", 8*3600)

type merchant struct {
	isspid, systemID, key string
	allow                 []netip.Prefix
	noWecard              bool
}

type store struct {
	id, name, addr string
}

type terminal struct {
	isspid, posID, storeID string
	ip                     netip.Addr
	// window sums the verifications (minus undos) since the last daily per
	// goods number: all card_daily reports, so a terminal that never sends
	// a daily holds one entry per goods, not one per verification.
	window map[string]*dailyEvent
}

type dailyEvent struct {
	goodsNo, goodsName string
	num, amt           int64
}

// addDaily adds one verification (num 1) or undo (num -1) to t's window.
func (t *terminal) addDaily(goodsNo, goodsName string, num, amt int64) {
	if t.window == nil {
		t.window = map[string]*dailyEvent{}
	}
	e := t.window[goodsNo]
	if e == nil {
		e = &dailyEvent{goodsNo: goodsNo, goodsName: goodsName}
		t.window[goodsNo] = e
	}
	e.num += num
	e.amt += amt
}

// Voucher kinds (query_info/use_type).
const (
	KindAmount = ipos.UseTypeAmount
	KindTimes  = ipos.UseTypeTimes
)

type voucher struct {
	code, qr                               string
	kind                                   int
	orderID, batchNo, batchName, shortName string
	goodsNo, goodsName                     string
	price, initial, remain                 int64 // fen for amount vouchers, uses for times vouchers (price in fen)
	endUse                                 time.Time
	voided, offline                        bool
	live                                   []*verification // not undone and in the history window, oldest first
	// agedCount verifications, agedMoved fen or uses, are live (never
	// undone) but fell out of the history window: counted, no longer
	// listed, replayed or undoable (erratum E-IPOS-HISTORY).
	agedCount int
	agedMoved int64
}

func (v *voucher) status() int {
	switch {
	case v.voided:
		return ipos.VaVoided
	case v.remain == 0:
		return ipos.VaUsed
	case len(v.live) > 0 || v.agedCount > 0 || v.remain < v.initial:
		return ipos.VaInUse
	}
	return ipos.VaNormal
}

type verification struct {
	isspid, posSeq, posID, storeID, storeName string
	v                                         *voucher
	moved                                     int64 // fen (amount) or uses (times) taken from the voucher
	value                                     int64 // fen, for the daily summary
	at                                        time.Time
	undone                                    bool
}

// seqRecord remembers a processed pos_seq: the request bytes and the reply.
type seqRecord struct {
	iface string
	xml   string
	reply []byte
}

type giftCard struct {
	code, encrypt, cardID, title, brand, nodeID, orderID string
	typ                                                  int // 2 single item, 3 cash
	total, overplus                                      int64
	useFlag                                              int
	begin, end                                           time.Time
	isspid                                               string
	lastConsume                                          *giftRow
	revokedAmt                                           int64
	// agedConsumed and agedRefunded sum the rows of this card that fell
	// out of the history window (E-IPOS-HISTORY), for Audit.
	agedConsumed, agedRefunded int64
}

type giftRow struct {
	id                                   int
	isspid, code, reqSeq, posID, storeID string
	typ                                  int
	useType, status                      string // ipos.UseConsume..., ipos.RowNormal...
	amount, overplus                     int64
	location, source, orgPosSeq          string
	at                                   time.Time
	refunded                             int64
}

// Simulator is the iPos reference simulator.
type Simulator struct {
	clock   sim.Clock
	faults  sim.FaultSet
	strict  bool
	logf    func(string, ...any)
	rec     sim.Recorder
	handler http.Handler
	cat     *catalog.Catalogue
	fields  map[string]requestFields // interface name -> its request table, built once (see requestFields)

	mu        sync.Mutex
	merchants map[string]*merchant
	stores    map[string]*store    // isspid/store_id
	terms     map[string]*terminal // isspid/pos_id
	vouchers  map[string]*voucher  // by auxiliary code
	qr        map[string]string    // QR content -> auxiliary code
	seqs      map[string]*seqRecord
	verifs    map[string]*verification // isspid/pos_seq of the card_verify
	gifts     map[string]*giftCard
	giftRows  []*giftRow // the history window's rows, oldest first
	rowID     int        // the last row id given
	sysSeq    atomic.Int64
	stats     Totals
	hosts     []netip.Addr // AdmitHost: the simulator's own addresses off loopback

	// The history window (sim.Options.History, erratum E-IPOS-HISTORY):
	// the pos_seq keys of s.seqs in the order they were first answered;
	// past the limit the oldest ages out with its verification.
	history  int
	seqOrder sim.Queue[string]
	agedSeqs int
	agedRows int
}

// Totals are the money movements since New, for a load run's ledger check.
type Totals struct {
	Verifications int64 // card_verify answered 0000 (each pos_seq once)
	VerifiedFen   int64 // fen taken from amount vouchers by them
	VerifiedUses  int64 // uses taken from times vouchers
	Undone        int64 // verifications cancelled or reversed
	UndoneFen     int64
	UndoneUses    int64
	GiftConsumed  int64 // fen consumed from cash gift cards
	GiftRefunded  int64
	GiftRevoked   int64
}

// New builds a simulator with the documented fixture.
func New(o sim.Options) (*Simulator, error) {
	fs, err := sim.NewFaultSet(faultList(), o.Faults)
	if err != nil {
		return nil, fmt.Errorf("ipos simulator: %w", err)
	}
	s := &Simulator{
		clock: o.ClockOrSystem(), faults: fs, strict: o.Strict, logf: o.Logf, cat: ipos.Catalogue(),
		merchants: map[string]*merchant{}, stores: map[string]*store{}, terms: map[string]*terminal{},
		vouchers: map[string]*voucher{}, qr: map[string]string{}, seqs: map[string]*seqRecord{},
		verifs: map[string]*verification{}, gifts: map[string]*giftCard{}, history: o.HistoryOrDefault(),
	}
	if s.logf == nil {
		s.logf = func(string, ...any) {}
	}
	s.fields = buildRequestFields(s.cat)
	if err := s.loadFixture(); err != nil {
		return nil, fmt.Errorf("ipos simulator: fixture: %w", err)
	}
	var tooLarge func(*http.Request) sim.Violation
	if s.strict {
		// A body that declares a length over the cap is refused by
		// HardenStrict before serve reads it; record it as serve records
		// one sent chunked.
		tooLarge = func(r *http.Request) sim.Violation {
			f := tooLargeFinding(fmt.Sprintf("Content-Length %d", r.ContentLength))
			return sim.Violation{Time: s.clock.Now(), Interface: bodyUnread, Rule: f.Rule, Detail: f.Detail, Section: f.Section}
		}
	}
	s.handler = sim.HardenStrict(http.HandlerFunc(s.serve), &s.rec, tooLarge)
	return s, nil
}

// ServeHTTP answers one iPos request.
func (s *Simulator) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Faults lists every fault the simulator can inject.
func (s *Simulator) Faults() []sim.Fault { return faultList() }

// Violations returns what strict mode recorded (and any simulator panic).
func (s *Simulator) Violations() []sim.Violation { return s.rec.Violations() }

// DroppedViolations counts the violations past sim.MaxViolations.
func (s *Simulator) DroppedViolations() int { return s.rec.Dropped() }

// History says how many pos_seqs are kept whole (replayable, undoable,
// listed) and how many aged out into the counters (E-IPOS-HISTORY).
func (s *Simulator) History() sim.History {
	s.mu.Lock()
	defer s.mu.Unlock()
	return sim.History{Limit: s.history, Kept: s.seqOrder.Len(), Aged: s.agedSeqs}
}

// GiftRows says how many gift card trace rows are kept and how many aged
// out (the same window, counted apart: a row is not a pos_seq of s.seqs
// when the duplicate check is off).
func (s *Simulator) GiftRows() sim.History {
	s.mu.Lock()
	defer s.mu.Unlock()
	return sim.History{Limit: s.history, Kept: len(s.giftRows), Aged: s.agedRows}
}

// remember keeps the reply to key for resends and ages the oldest pos_seq
// out once the window is full. s.mu is held.
func (s *Simulator) remember(key string, r *seqRecord) {
	s.seqs[key] = r
	s.seqOrder.Push(key)
	for s.seqOrder.Len() > s.history {
		old, _ := s.seqOrder.Pop()
		s.age(old)
	}
}

// age drops pos_seq key's reply and verification, keeping what the ledger
// needs: a live verification's amount and count move to its voucher's
// aged totals. An undone one needs nothing (its undo restored the money).
func (s *Simulator) age(key string) {
	delete(s.seqs, key)
	s.agedSeqs++
	vf := s.verifs[key]
	if vf == nil {
		return
	}
	delete(s.verifs, key)
	if vf.undone {
		return
	}
	v := vf.v
	for i, l := range v.live { // the oldest is first but for the fixture's history
		if l == vf {
			copy(v.live[i:], v.live[i+1:])
			v.live[len(v.live)-1] = nil
			v.live = v.live[:len(v.live)-1]
			break
		}
	}
	v.agedCount++
	v.agedMoved += vf.moved
}

// ageRows keeps at most s.history gift card rows, summing the older ones
// into their cards. s.mu is held.
func (s *Simulator) ageRows() {
	n := len(s.giftRows) - s.history
	if n <= 0 {
		return
	}
	for _, r := range s.giftRows[:n] {
		if g := s.gifts[r.code]; g != nil {
			switch r.useType {
			case ipos.UseConsume:
				g.agedConsumed += r.amount
			case ipos.UseRefund:
				g.agedRefunded += r.amount
			}
		}
	}
	clear(s.giftRows[:n])
	s.giftRows = s.giftRows[n:]
	s.agedRows += n
}

func loopback() []netip.Prefix {
	return []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}
}

func (s *Simulator) loadFixture() error {
	now := s.clock.Now()
	s.merchants[FixtureISSPID] = &merchant{isspid: FixtureISSPID, systemID: FixtureSystemID, key: FixtureKey, allow: loopback()}
	s.merchants[RemoteISSPID] = &merchant{isspid: RemoteISSPID, systemID: FixtureSystemID, key: RemoteKey,
		allow: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}}
	s.merchants[CardOnlyISSPID] = &merchant{isspid: CardOnlyISSPID, systemID: FixtureSystemID, key: CardOnlyKey,
		allow: loopback(), noWecard: true}
	for _, m := range []string{FixtureISSPID, RemoteISSPID, CardOnlyISSPID} {
		if err := s.BindTerminal(m, FixtureStoreID, FixtureStore, FixturePosID, "127.0.0.1"); err != nil {
			return err
		}
	}
	if err := s.BindTerminal(FixtureISSPID, FixtureStoreID, FixtureStore, ElsewherePosID, elsewhereIP); err != nil {
		return err
	}
	year := now.AddDate(1, 0, 0)
	add := func(v VoucherSpec) error { return s.AddVoucher(v) }
	for _, v := range []VoucherSpec{
		{Code: VoucherAmount, Kind: KindAmount, Balance: 10000, Price: 10000, Expires: year},
		{Code: VoucherAmountInUse, Kind: KindAmount, Balance: 10000, Price: 10000, Expires: year},
		{Code: VoucherAmountUsed, Kind: KindAmount, Balance: 5000, Price: 5000, Expires: year},
		{Code: VoucherAmountShort12, Kind: KindAmount, Balance: 500, Price: 500, Expires: year},
		{Code: VoucherTimes, QR: VoucherQR, Kind: KindTimes, Balance: 10, Price: 2000, Expires: year},
		{Code: VoucherTimesInUse, Kind: KindTimes, Balance: 3, Price: 1500, Expires: year},
		{Code: VoucherTimesUsed, Kind: KindTimes, Balance: 1, Price: 3000, Expires: year},
		{Code: VoucherVoided, Kind: KindAmount, Balance: 10000, Price: 10000, Expires: year, Voided: true},
		{Code: VoucherExpired, Kind: KindAmount, Balance: 10000, Price: 10000, Expires: now.Add(-24 * time.Hour)},
		{Code: VoucherOffline, Kind: KindAmount, Balance: 10000, Price: 10000, Expires: year, Offline: true},
		{Code: CertVoucherAmount, Kind: KindAmount, Balance: 10_000_000, Price: 10_000_000, Expires: year},
		{Code: CertVoucherTimes, Kind: KindTimes, Balance: 100_000, Price: 1500, Expires: year},
		{Code: CertVoucherLoad, Kind: KindAmount, Balance: 100_000_000, Price: 100_000_000, Expires: year},
	} {
		if err := add(v); err != nil {
			return err
		}
	}
	// History of the in-use and used vouchers, made by the fixture terminal
	// before the simulator started, outside any daily window.
	hist := func(code, seq string, moved, value int64) {
		v := s.vouchers[code]
		vf := &verification{isspid: FixtureISSPID, posSeq: seq, posID: FixturePosID, storeID: FixtureStoreID,
			storeName: FixtureStore, v: v, moved: moved, value: value, at: now.Add(-48 * time.Hour)}
		v.remain -= moved
		v.live = append(v.live, vf)
		s.verifs[FixtureISSPID+"/"+seq] = vf
	}
	hist(VoucherAmountInUse, "1511300000901", 6000, 6000)
	hist(VoucherAmountUsed, "1511300000902", 5000, 5000)
	hist(VoucherTimesInUse, "1511300000903", 1, 1500)
	hist(VoucherTimesInUse, "1511300000904", 1, 1500)
	hist(VoucherTimesUsed, "1511300000905", 1, 3000)

	for _, g := range []GiftCardSpec{
		{Code: GiftCash, EncryptCode: GiftCashEncrypt, Type: ipos.GiftTypeCash, Amount: 1000, Title: "翼码储值礼品卡", Begin: now.Add(-24 * time.Hour), End: year},
		{Code: GiftItem, Type: ipos.GiftTypeItem, Amount: 500, Title: "翼码兑换礼品卡", Begin: now.Add(-24 * time.Hour), End: year},
		{Code: GiftRevoked, Type: ipos.GiftTypeCash, Amount: 500, Title: "已注销礼品卡", Begin: now.Add(-24 * time.Hour), End: year, Revoked: true},
		{Code: GiftExpired, Type: ipos.GiftTypeCash, Amount: 500, Title: "过期礼品卡", Begin: now.AddDate(0, -2, 0), End: now.Add(-time.Hour)},
		{Code: CertGiftCash, Type: ipos.GiftTypeCash, Amount: 10_000_000, Title: "认证储值礼品卡", Begin: now.Add(-24 * time.Hour), End: year},
	} {
		if err := s.AddGiftCard(FixtureISSPID, g); err != nil {
			return err
		}
	}
	for _, code := range CertGiftRevoke() {
		g := GiftCardSpec{Code: code, Type: ipos.GiftTypeCash, Amount: 600, Title: "认证可注销礼品卡", Begin: now.Add(-24 * time.Hour), End: year}
		if err := s.AddGiftCard(FixtureISSPID, g); err != nil {
			return err
		}
	}
	return nil
}

// VoucherSpec describes a voucher to seed.
type VoucherSpec struct {
	Code    string // auxiliary code: 12 or 16 digits
	QR      string // optional QR content that resolves to Code
	Kind    int    // KindAmount or KindTimes
	Balance int64  // fen (amount) or uses (times), all unused
	Price   int64  // face value in fen; for a times voucher, the value of one use
	Expires time.Time
	Batch   string // batch_no; default derived from the kind
	Voided  bool
	Offline bool // the issuer does not answer: verifications get 9998
}

// AddVoucher seeds a voucher (load runs create amount vouchers with enough
// balance this way). A code already present is an error.
func (s *Simulator) AddVoucher(v VoucherSpec) error {
	if n := len(v.Code); (n != 12 && n != 16) || !catalog.IsDigits(v.Code) {
		return fmt.Errorf("voucher code %q: want 12 or 16 digits", v.Code)
	}
	if v.Kind != KindAmount && v.Kind != KindTimes {
		return fmt.Errorf("voucher %s: kind %d is neither amount (0) nor times (1)", v.Code, v.Kind)
	}
	if v.Balance < 0 || v.Price < 0 {
		return fmt.Errorf("voucher %s: negative balance or price", v.Code)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.vouchers[v.Code]; dup {
		return fmt.Errorf("voucher %s already exists", v.Code)
	}
	batch, goods, name := "20240001001", "P096033878", "100元代金券"
	if v.Kind == KindTimes {
		batch, goods, name = "20240001002", "P096033879", "洗车次卡"
	}
	if v.Batch != "" {
		batch = v.Batch
	}
	vo := &voucher{code: v.Code, qr: v.QR, kind: v.Kind, orderID: "O" + v.Code, batchNo: batch,
		batchName: name + "活动", shortName: name, goodsNo: goods, goodsName: name, price: v.Price,
		initial: v.Balance, remain: v.Balance, endUse: v.Expires, voided: v.Voided, offline: v.Offline}
	s.vouchers[v.Code] = vo
	if v.QR != "" {
		s.qr[v.QR] = v.Code
	}
	return nil
}

// GiftCardSpec describes a WeChat gift card to seed.
type GiftCardSpec struct {
	Code, EncryptCode string
	Type              int   // 2 single item, 3 cash
	Amount            int64 // cash balance, or the item's price, in fen
	Title             string
	Begin, End        time.Time
	Revoked           bool
}

// AddGiftCard seeds a gift card for merchant isspid.
func (s *Simulator) AddGiftCard(isspid string, g GiftCardSpec) error {
	if g.Code == "" || (g.Type != ipos.GiftTypeItem && g.Type != ipos.GiftTypeCash) || g.Amount < 0 {
		return fmt.Errorf("gift card %q: want a code, type 2 or 3 and a non-negative amount", g.Code)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.gifts[g.Code]; dup {
		return fmt.Errorf("gift card %s already exists", g.Code)
	}
	gc := &giftCard{code: g.Code, encrypt: g.EncryptCode, cardID: "pBznZj" + g.Code, title: g.Title, brand: "翼码测试",
		nodeID: "00055818", orderID: "AQAA" + g.Code, typ: g.Type, total: g.Amount, overplus: g.Amount, useFlag: ipos.FlagReceived,
		begin: g.Begin, end: g.End, isspid: isspid}
	if g.Revoked {
		gc.useFlag, gc.revokedAmt, gc.overplus = ipos.FlagInvalid, g.Amount, 0
	}
	s.gifts[g.Code] = gc
	return nil
}

// BindTerminal creates (or updates) a store and binds a terminal to ip, as
// bind_pos does, for seeding.
func (s *Simulator) BindTerminal(isspid, storeID, storeName, posID, ip string) error {
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return fmt.Errorf("bind terminal %s: %w", posID, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.merchants[isspid]; !ok {
		return fmt.Errorf("bind terminal %s: no merchant %s", posID, isspid)
	}
	s.stores[isspid+"/"+storeID] = &store{id: storeID, name: storeName}
	s.terms[isspid+"/"+posID] = &terminal{isspid: isspid, posID: posID, storeID: storeID, ip: addr.Unmap()}
	return nil
}

// VoucherState is what the simulator holds for one voucher.
type VoucherState struct {
	Kind          int
	Status        int   // va_status
	Remain        int64 // fen or uses
	Initial       int64
	Verifications int // live (not undone), those aged out of the history window included
}

// Voucher reads a voucher's state (suites inspect state after negative
// requests: nothing may have moved).
func (s *Simulator) Voucher(code string) (VoucherState, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.vouchers[code]
	if !ok {
		return VoucherState{}, false
	}
	return VoucherState{Kind: v.kind, Status: v.status(), Remain: v.remain, Initial: v.initial, Verifications: len(v.live) + v.agedCount}, true
}

// GiftOverplus reads a gift card's balance and use_flag.
func (s *Simulator) GiftOverplus(code string) (overplus int64, useFlag int, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, ok := s.gifts[code]
	if !ok {
		return 0, 0, false
	}
	return g.overplus, g.useFlag, true
}

// Totals returns the money moved since New.
func (s *Simulator) Totals() Totals {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

// Audit re-checks the ledger over the whole state: every voucher's balance
// equals its initial balance minus its live verifications (those aged out
// of the history window by their sum), never below zero; every
// verification is counted once; every cash gift card's balance equals its
// total minus consumes plus refunds minus what a revoke took (aged rows by
// their sums), and no kept refund exceeds its consume. The first broken
// invariant is reported with the numbers.
func (s *Simulator) Audit() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var errs []error
	codes := make([]string, 0, len(s.vouchers))
	for c := range s.vouchers {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	seen := map[*verification]bool{}
	for _, c := range codes {
		v := s.vouchers[c]
		used := v.agedMoved
		for _, vf := range v.live {
			if seen[vf] || vf.undone {
				errs = append(errs, fmt.Errorf("voucher %s: verification %s counted twice or undone but live", c, vf.posSeq))
			}
			seen[vf] = true
			used += vf.moved
		}
		if v.remain < 0 || v.remain != v.initial-used || v.agedCount < 0 || v.agedMoved < 0 {
			errs = append(errs, fmt.Errorf("voucher %s: remain %d, but initial %d - live verifications %d (%d of them aged out of the history) = %d",
				c, v.remain, v.initial, used, v.agedMoved, v.initial-used))
		}
	}
	for key, vf := range s.verifs {
		if !vf.undone && !seen[vf] {
			errs = append(errs, fmt.Errorf("verification %s is live but not on its voucher", key))
		}
	}
	for code, g := range s.gifts {
		if g.typ != 3 {
			continue
		}
		consumed, refunded := g.agedConsumed, g.agedRefunded
		for _, r := range s.giftRows {
			if r.code != code {
				continue
			}
			switch r.useType {
			case ipos.UseConsume:
				consumed += r.amount
				if r.refunded > r.amount {
					errs = append(errs, fmt.Errorf("gift card %s: consume %s refunded %d of %d", code, r.reqSeq, r.refunded, r.amount))
				}
			case ipos.UseRefund:
				refunded += r.amount
			}
		}
		if want := g.total - consumed + refunded - g.revokedAmt; g.overplus != want || g.overplus < 0 {
			errs = append(errs, fmt.Errorf("gift card %s: overplus %d, but total %d - consumed %d + refunded %d - revoked %d = %d",
				code, g.overplus, g.total, consumed, refunded, g.revokedAmt, want))
		}
	}
	return errors.Join(errs...)
}
