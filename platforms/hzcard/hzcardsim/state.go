package hzcardsim

import (
	"errors"
	"fmt"
	"maps"
	"sort"
	"time"

	"paycert/codecs/apdu"
	"paycert/codecs/epurse"
	"paycert/codecs/sm2"
	"paycert/platforms/cpucard"
	"paycert/platforms/hzcard"
)

type institution struct {
	id     string // joininstid
	instid string
	pub    *sm2.PublicKey
}

type merchant struct {
	id, inst string
	hasQuota bool  // 000001 when false
	quota    int64 // fen still available (000094)
	initial  int64
	hasFee   bool // 000072 when false
}

type terminal struct{ id, merchant string }

// cardType carries the rules a card product has (erratum E-HZ-CARD-TYPES).
type cardType struct {
	code, name      string
	deposit         int64
	returnable      bool // 000113 when false
	supplementary   bool // 000159 (second text) when false
	namedAllowed    bool // 000130 when false
	chargeBase      int64
	minCharge       int64
	maxCharge       int64 // per charge
	defaultWalletMx int64
}

// card is the centre's record of one card.
type card struct {
	no, face    string
	ctype       string
	status      string
	blacklisted bool
	initflag    string
	saleDate    string // YYYYMMDD or 00000000
	valDate     string
	walletMax   int64
	balance     int64        // the centre's ledger of the purse
	initial     int64        // balance when the centre first knew the card
	loaded      int64        // credited by confirmed/adjusted orders
	returned    int64        // refunded at card return
	keys        cpucard.Keys // derived on first use (keysOf): the lab batch is large
	depositPaid int64        // held by the centre for this card
	depositIn   bool         // depositPaid was taken by cardSaleConfirm (in the ledger), not before the simulator began
	returning   string       // orderno of a pending return
	cust        *hzcard.CustInfo
	soft        *cpucard.Card // the software card, when the simulator made it
	offCard     bool          // returned as a bad card: its chip no longer counts

	// The card's variant (CardSpec): the purse AID the centre's lists
	// select, the key index of INITIALIZE FOR LOAD, the cipher of its keys
	// and MACs. A city's cards differ in them, and the centre keeps them
	// per card as a real issuer's key system does.
	aid    []byte
	keyIdx byte
	scheme epurse.Scheme
}

// order kinds.
const (
	kindCharge = "charge"
	kindSale   = "sale"
	kindReturn = "return"
)

// order is a charge order, or the order of an activation or a return.
type order struct {
	no, kind, cardno string
	payOrderNo       string
	amount           int64
	state, payState  string
	orderType        string
	chnlid, paytype  string
	merchant         string
	created, txn     time.Time
	refnum           string
	issued           string // the APDU list last handed to the client
	loadList         string // chargeOrderCreate's list: a charge (or a charge again) runs it
	credits          int    // times this order was credited (must stay <= 1)
	refunds          int    // times refunded (must stay <= 1)

	// load (charge orders), set by the charge request
	terminal  [6]byte
	onlineSeq uint16
	random    [4]byte
	oldBal    uint32
	dateTime  [7]byte
	mac2      [4]byte
	loadKnown bool

	// purchase (return orders)
	returnType string
	offlineSeq uint16
	termSeq    uint32
	cust       *hzcard.CustInfo
	realName   string
}

// agedOrders sums what Audit re-derives from the orders that aged out of
// the history window (E-HZ-HISTORY).
type agedOrders struct {
	orders                 int
	paid, loaded, refunded int64
	loadedBy               map[string]int64 // cardno -> fen credited by aged charge orders
	quota                  map[string]int64 // merchant -> fen of aged charge orders not refunded
}

// final says an order can no longer change: confirmed, adjusted or
// refunded. Only such orders age out; one in doubt or still payable stays.
func final(o *order) bool {
	return o.state == hzcard.StateConfirmed || o.state == hzcard.StateAdjusted || o.state == hzcard.StateRefunded
}

// addOrder books a new order and ages the oldest final orders past the
// history window. s.mu is held.
func (s *Simulator) addOrder(o *order) {
	if _, ok := s.orders[o.no]; !ok {
		s.orderQ.Push(o.no)
	}
	s.orders[o.no] = o
	// Each order is looked at once per call: one not final goes to the back
	// (it stays until it is), so a window of unfinished orders cannot spin.
	for n := s.orderQ.Len(); s.orderQ.Len() > s.history && n > 0; n-- {
		no, _ := s.orderQ.Pop()
		old := s.orders[no]
		switch {
		case old == nil:
		case !final(old):
			s.orderQ.Push(no)
		default:
			s.ageOrder(old)
		}
	}
}

func (s *Simulator) ageOrder(o *order) {
	delete(s.orders, o.no)
	if o.payOrderNo != "" && s.payOrders[o.payOrderNo] == o.no {
		delete(s.payOrders, o.payOrderNo)
	}
	s.aged.orders++
	if o.kind != kindCharge {
		return
	}
	s.aged.paid += o.amount
	if o.credits > 0 {
		s.aged.loaded += o.amount * int64(o.credits)
		s.aged.loadedBy[o.cardno] += o.amount * int64(o.credits)
	}
	if o.refunds > 0 {
		s.aged.refunded += o.amount * int64(o.refunds)
	} else {
		s.aged.quota[o.merchant] += o.amount
	}
}

// ledger counts money as it moves, to be re-derived by Audit.
type ledger struct {
	paidIn          int64 // charge orders paid
	loaded          int64 // credited to cards
	refunded        int64 // charge orders refunded (cancel)
	deposits        int64 // card deposits taken at activation
	depositsBack    int64 // deposits refunded at return (all of them)
	depositsBackIn  int64 // of which deposits the ledger took (depositIn)
	balancesBack    int64 // purse balances refunded at return
	ordersCreated   int
	ordersConfirmed int
}

// Totals is the centre's ledger for the load runner and the suites.
type Totals struct {
	PaidIn, Loaded, Refunded, Outstanding int64 // charge orders, fen
	Deposits, DepositsBack, BalancesBack  int64
	Orders, Confirmed                     int
	Cards                                 int
}

// Totals returns the ledger.
func (s *Simulator) Totals() Totals {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := Totals{PaidIn: s.ledger.paidIn, Loaded: s.ledger.loaded, Refunded: s.ledger.refunded,
		Deposits: s.ledger.deposits, DepositsBack: s.ledger.depositsBack, BalancesBack: s.ledger.balancesBack,
		Orders: s.ledger.ordersCreated, Confirmed: s.ledger.ordersConfirmed, Cards: len(s.cards)}
	t.Outstanding = t.PaidIn - t.Loaded - t.Refunded
	return t
}

// Fixture numbers (see the package doc).
const (
	MerchantNoQuota   = "330500000000002" // 000001
	MerchantNoFee     = "330500000000003" // 000072
	MerchantLowQuota  = "330500000000004" // 000094: 5000 fen of quota
	TermNoQuota       = "10000002"
	TermNoFee         = "10000003"
	TermLowQuota      = "10000004"
	TermOtherMerchant = "10000009" // belongs to MerchantNoQuota: 000019 with TestMchntID

	CardBlacklisted = "2253000000000010"
	CardLost        = "2253000000000011"
	CardLocked      = "2253000000000012"
	CardUnsold      = "2253000000000013"
	CardStudent     = "2253000000000014"
	CardSenior      = "2253000000000015"
	CardSeniorNew   = "2253000000000016" // unsold senior card: 000130
	CardUnknown     = "2253999999999999" // not issued: 000022/000024

	// FixtureCards is how many ordinary, sold, normal cards the fixture
	// has: 2253000000000001 .. 2253000000000005, balance 0.
	FixtureCards = 5

	// The lab batch: cards the centre knows but holds no software card
	// for, as a centre's test environment knows a batch of test cards
	// whose chips are in the lab. A client outside the process builds
	// them itself from cpucard.TestMasterKeys (paycert sim hzcard
	// --write-config publishes the ranges and the keys), so every spec
	// needing a card runs against the simulator from another process.
	// Each run of the suite spends some (a card that was charged, returned
	// or activated is not fresh any more), so the batch is large enough
	// for many runs against one simulator process.
	LabCardFirst   = "2253200000000001" // ordinary, sold, normal, balance 0
	LabCards       = 2000
	LabUnsoldFirst = "2253300000000001" // ordinary, unsold (initflag 00)
	LabUnsold      = 400
)

// LabRange is the batch [first, first+n-1] as "first-last".
func LabRange(first string, n int) string {
	return first + "-" + first[:len(first)-8] + fmt.Sprintf("%08d", mustAtoi(first[len(first)-8:])+n-1)
}

func mustAtoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

// Limits of the fixture's card types, fen.
const (
	ChargeBase   = 100    // 1 yuan
	MinCharge    = 1000   // 10 yuan
	MaxCharge    = 50000  // 500 yuan per charge
	WalletMax    = 100000 // 1000 yuan, the software card's default cap
	DepositFee   = 2000   // ordinary card deposit
	MerchantCap  = 1_000_000_000_000
	LowQuotaFen  = 5000
	saleValYears = 5
)

func (s *Simulator) loadFixture() error {
	pub, err := hzcard.TestPub(hzcard.TestInstPubHex)
	if err != nil {
		return err
	}
	// The centre verifies every request by this key: its tables (a few ms,
	// 510 KiB, once) make each verification ~3.5× cheaper (codecs/sm2).
	pub.Precompute()
	s.insts[hzcard.TestJoinInstID] = &institution{id: hzcard.TestJoinInstID, instid: hzcard.TestInstID, pub: pub}
	for _, m := range []merchant{
		{id: hzcard.TestMchntID, hasQuota: true, quota: MerchantCap, hasFee: true},
		{id: MerchantNoQuota, hasQuota: false, hasFee: true},
		{id: MerchantNoFee, hasQuota: true, quota: MerchantCap, hasFee: false},
		{id: MerchantLowQuota, hasQuota: true, quota: LowQuotaFen, hasFee: true},
	} {
		m.inst, m.initial = hzcard.TestJoinInstID, m.quota
		s.merchants[m.id] = &m
	}
	for t, m := range map[string]string{hzcard.TestTermID: hzcard.TestMchntID, TermNoQuota: MerchantNoQuota,
		TermNoFee: MerchantNoFee, TermLowQuota: MerchantLowQuota, TermOtherMerchant: MerchantNoQuota} {
		s.terminals[t] = &terminal{id: t, merchant: m}
	}
	for _, t := range []cardType{
		{code: hzcard.CardTypeOrdinary, name: "普通卡", deposit: DepositFee, returnable: true, supplementary: true, namedAllowed: true},
		{code: hzcard.CardTypeStudent, name: "学生卡", returnable: false, supplementary: true, namedAllowed: true},
		{code: hzcard.CardTypeSenior, name: "老年卡", returnable: true, supplementary: false, namedAllowed: false},
	} {
		t.chargeBase, t.minCharge, t.maxCharge, t.defaultWalletMx = ChargeBase, MinCharge, MaxCharge, WalletMax
		s.types[t.code] = t
	}
	add := func(spec CardSpec) error {
		_, err := s.addCardLocked(spec)
		return err
	}
	for i := 1; i <= FixtureCards; i++ {
		if err := add(CardSpec{CardNo: fmt.Sprintf("22530000000000%02d", i)}); err != nil {
			return err
		}
	}
	for _, c := range []CardSpec{
		{CardNo: CardBlacklisted, Blacklisted: true},
		{CardNo: CardLost, Status: hzcard.CardLost},
		{CardNo: CardLocked, Status: hzcard.CardLocked},
		{CardNo: CardUnsold, Unsold: true},
		{CardNo: CardStudent, Type: hzcard.CardTypeStudent},
		{CardNo: CardSenior, Type: hzcard.CardTypeSenior},
		{CardNo: CardSeniorNew, Type: hzcard.CardTypeSenior, Unsold: true},
	} {
		if err := add(c); err != nil {
			return err
		}
	}
	for _, b := range []struct {
		first  string
		n      int
		unsold bool
	}{{LabCardFirst, LabCards, false}, {LabUnsoldFirst, LabUnsold, true}} {
		head, base := b.first[:len(b.first)-8], mustAtoi(b.first[len(b.first)-8:])
		for i := 0; i < b.n; i++ {
			if _, err := s.addCardLocked(CardSpec{CardNo: fmt.Sprintf("%s%08d", head, base+i), Unsold: b.unsold, lab: true}); err != nil {
				return err
			}
		}
	}
	return nil
}

// CardSpec describes a card to add to the centre (and to make in software).
type CardSpec struct {
	CardNo      string // 16 digits
	Type        string // default 01 ordinary
	Balance     uint32 // initial purse balance, on the card and in the ledger
	WalletMax   uint32 // walletmaxbal and the software card's cap; 0: the type's default (100000)
	Status      string // default 00
	Blacklisted bool
	Unsold      bool // initflag 00: must be activated (cardSaleRequest) first

	// The card's variant; zero values are the fixture's (AID
	// A000000632010105, key index 01, 3DES). The centre selects AID in the
	// load and management lists, sends KeyIndex in INITIALIZE FOR LOAD,
	// diversifies the card's keys and computes MAC1/MAC2/TAC with Cipher
	// and expects the card to report its algId; the software card is
	// personalised the same way.
	AID      []byte
	KeyIndex byte
	Cipher   epurse.Cipher

	lab bool // the lab batch: no software card here (its chip is the client's)
}

// AddCard registers a card at the centre and returns a software card
// personalised with keys diversified from the same test master keys, so
// the two agree on every MAC and TAC. Load tests give each worker its own
// card with a large WalletMax for a long run.
func (s *Simulator) AddCard(spec CardSpec) (*cpucard.Card, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addCardLocked(spec)
}

func (s *Simulator) addCardLocked(spec CardSpec) (*cpucard.Card, error) {
	if _, dup := s.cards[spec.CardNo]; dup {
		return nil, fmt.Errorf("card %s already exists", spec.CardNo)
	}
	if spec.Type == "" {
		spec.Type = hzcard.CardTypeOrdinary
	}
	t, ok := s.types[spec.Type]
	if !ok {
		return nil, fmt.Errorf("card type %q unknown", spec.Type)
	}
	if spec.Status == "" {
		spec.Status = hzcard.CardNormal
	}
	if spec.WalletMax == 0 {
		spec.WalletMax = uint32(t.defaultWalletMx)
	}
	if spec.Balance > spec.WalletMax {
		return nil, fmt.Errorf("card %s: balance %d over walletmaxbal %d", spec.CardNo, spec.Balance, spec.WalletMax)
	}
	if _, err := cpucard.Diversifier(spec.CardNo); err != nil {
		return nil, fmt.Errorf("card %s: %w", spec.CardNo, err)
	}
	if spec.KeyIndex == 0 {
		spec.KeyIndex = 0x01
	}
	if len(spec.AID) == 0 {
		spec.AID = apdu.PurseAID
	}
	if len(spec.AID) < 5 || len(spec.AID) > 16 {
		return nil, fmt.Errorf("card %s: AID %X: want 5 to 16 bytes", spec.CardNo, spec.AID)
	}
	var soft *cpucard.Card
	if !spec.lab {
		var err error
		soft, err = cpucard.New(cpucard.Profile{PAN: spec.CardNo, Balance: spec.Balance, MaxBalance: spec.WalletMax,
			AID: spec.AID, KeyIndex: spec.KeyIndex, Cipher: spec.Cipher})
		if err != nil {
			return nil, fmt.Errorf("card %s: software card: %w", spec.CardNo, err)
		}
	}
	c := &card{no: spec.CardNo, face: "HZ" + spec.CardNo[len(spec.CardNo)-8:], ctype: spec.Type, status: spec.Status,
		blacklisted: spec.Blacklisted, initflag: hzcard.InitFlagOn, saleDate: "20240101", valDate: "20401231",
		walletMax: int64(spec.WalletMax), balance: int64(spec.Balance), initial: int64(spec.Balance), soft: soft,
		aid: append([]byte(nil), spec.AID...), keyIdx: spec.KeyIndex, scheme: epurse.Scheme{Cipher: spec.Cipher}}
	if spec.Unsold {
		c.initflag, c.saleDate = hzcard.InitFlagOff, "00000000"
	} else {
		c.depositPaid = t.deposit // paid before the simulator's time began: not in the ledger
	}
	s.cards[c.no] = c
	return soft, nil
}

// keysOf returns the card's keys, diversified from the master keys the
// first time they are needed: most of the lab batch is never used by a
// run, and deriving 2400 cards' keys at New would cost every in-process
// simulator tens of milliseconds. Called with s.mu held.
func (s *Simulator) keysOf(cd *card) cpucard.Keys {
	if cd.keys.DLK == nil {
		k, err := cpucard.DeriveKeys(cd.scheme, s.masters, cd.no)
		if err != nil { // the number was checked by addCardLocked: cannot happen
			panic(fmt.Sprintf("hzcard simulator: card %s: %v", cd.no, err))
		}
		cd.keys = k
	}
	return cd.keys
}

// Card returns the software card the simulator made for cardno (fixture or
// AddCard), for in-process tests.
func (s *Simulator) Card(cardno string) (*cpucard.Card, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.cards[cardno]
	if !ok || c.soft == nil {
		return nil, false
	}
	return c.soft, true
}

// CardBalance is the centre's ledger balance of a card.
func (s *Simulator) CardBalance(cardno string) (int64, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.cards[cardno]
	if !ok {
		return 0, false
	}
	return c.balance, true
}

// OrderState returns the state and pay state of an order.
func (s *Simulator) OrderState(orderno string) (state, payState string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.orders[orderno]
	if !ok {
		return "", "", false
	}
	return o.state, o.payState, true
}

// Audit re-derives the ledger from the whole state and checks that no money
// was made or lost:
//   - every charge order paid is loaded, refunded or outstanding, once;
//   - the centre's balance of each card is its initial balance plus what it
//     was credited less what was refunded at return;
//   - merchant quotas moved by exactly the orders not refunded;
//   - each software card the simulator made holds the centre's balance, plus
//     at most the orders still in doubt (states 2, 4, 7, 9: the card may
//     have been credited without the centre knowing yet).
func (s *Simulator) Audit() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var errs []error
	paid, loaded, refunded := s.aged.paid, s.aged.loaded, s.aged.refunded
	loadedBy := maps.Clone(s.aged.loadedBy)
	doubt := map[string]int64{}      // loads the card may hold that the centre has not booked
	doubtDebit := map[string]int64{} // return debits the card may have done that the centre has not booked
	quota := maps.Clone(s.aged.quota)
	for _, o := range s.orders {
		if o.kind == kindReturn && o.state == hzcard.StateCardUnknown {
			doubtDebit[o.cardno] += o.amount
		}
		if o.kind != kindCharge {
			continue
		}
		paid += o.amount
		if o.credits > 1 || o.refunds > 1 || o.credits+o.refunds > 1 {
			errs = append(errs, fmt.Errorf("order %s counted twice: credited %d times, refunded %d times", o.no, o.credits, o.refunds))
		}
		if o.credits > 0 {
			loaded += o.amount * int64(o.credits)
			loadedBy[o.cardno] += o.amount * int64(o.credits)
		}
		if o.refunds > 0 {
			refunded += o.amount * int64(o.refunds)
		} else {
			quota[o.merchant] += o.amount
		}
		if hzcard.Credited(o.state) != (o.credits > 0) {
			errs = append(errs, fmt.Errorf("order %s in state %s credited %d times", o.no, o.state, o.credits))
		}
		if hzcard.NeedsManagement(o.state) || o.state == hzcard.StateAdjustFailed {
			doubt[o.cardno] += o.amount
		}
	}
	if paid != s.ledger.paidIn || loaded != s.ledger.loaded || refunded != s.ledger.refunded {
		errs = append(errs, fmt.Errorf("ledger paid/loaded/refunded %d/%d/%d, orders say %d/%d/%d",
			s.ledger.paidIn, s.ledger.loaded, s.ledger.refunded, paid, loaded, refunded))
	}
	for _, m := range s.merchants {
		if m.hasQuota && m.initial-m.quota != quota[m.id] {
			errs = append(errs, fmt.Errorf("merchant %s quota used %d, its unrefunded orders total %d", m.id, m.initial-m.quota, quota[m.id]))
		}
	}
	var held int64
	for _, c := range s.cards {
		if c.depositIn {
			held += c.depositPaid
		}
	}
	if s.ledger.deposits-s.ledger.depositsBackIn != held {
		errs = append(errs, fmt.Errorf("deposits taken %d - refunded %d, cards hold %d", s.ledger.deposits, s.ledger.depositsBackIn, held))
	}
	nos := make([]string, 0, len(s.cards))
	for no := range s.cards {
		nos = append(nos, no)
	}
	sort.Strings(nos)
	for _, no := range nos {
		c := s.cards[no]
		if c.loaded != loadedBy[no] {
			errs = append(errs, fmt.Errorf("card %s: %d credited on the card record, its orders say %d", no, c.loaded, loadedBy[no]))
		}
		if want := c.initial + c.loaded - c.returned; c.balance != want {
			errs = append(errs, fmt.Errorf("card %s: centre balance %d, initial %d + loaded %d - returned %d = %d", no, c.balance, c.initial, c.loaded, c.returned, want))
		}
		if c.balance < 0 || c.balance > c.walletMax {
			errs = append(errs, fmt.Errorf("card %s: centre balance %d outside 0..%d", no, c.balance, c.walletMax))
		}
		if c.soft == nil || c.offCard {
			continue
		}
		cb := int64(c.soft.Snapshot().Balance)
		if d := cb - c.balance; d < -doubtDebit[no] || d > doubt[no] {
			errs = append(errs, fmt.Errorf("card %s: the card holds %d, the centre %d (loads in doubt %d, debits in doubt %d): money made or lost",
				no, cb, c.balance, doubt[no], doubtDebit[no]))
		}
	}
	return errors.Join(errs...)
}
