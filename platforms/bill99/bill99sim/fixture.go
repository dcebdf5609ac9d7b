package bill99sim

import "paycert/platforms/bill99"

// The default fixture: the seed's sandbox merchant and terminal (§5.1), the
// sample customers and payTokens of §4.1..4.6, and a bank side (BIN table and
// card records) rich enough to provoke every response code. doc.go lists it
// in prose.

// DefaultMerchant and DefaultTerminal are the sandbox ids of §5.1.
const (
	DefaultMerchant = "104110045112012"
	DefaultTerminal = "00002012"
	// ClosedMerchant is known to the gateway but not opened for agreement
	// payment: every request gets M1 (E-BILL99-M1-VS-0001).
	ClosedMerchant = "104110045112099"

	// FixtureCustomer and FixturePayToken are a bound CCB debit card
	// (6217003320034459100) of DefaultMerchant: target params customer_id
	// and pay_token for a client certifying the simulator from another
	// process.
	FixtureCustomer = "33150001"
	FixturePayToken = "8120000002867710851"
	// SignUpPan and SignUpPhone are a CCB debit card and its
	// bank-reserved phone that any new customer may sign up (params pan,
	// phone); the codes sent are printed and told by PathSMS. Its digits
	// differ around the cut, so first 6 + last 4 tells a storablePan
	// built any other way (first 4 + last 6 of 6217000000000000022 is the
	// same 6217000022).
	SignUpPan   = "6217001234567895678"
	SignUpPhone = "13712345678"
)

// BIN is one row of the simulator's card-BIN table (card-info query, §4.7).
type BIN struct {
	Prefix       string // first 6 digits
	BankID       string // 4.12
	Issuer       string
	CardOrg      string // 4.11
	CardType     string // 0001 credit, 0002 debit
	ValidFlag    string // 1 CNP supported, 2 not
	ValidateType string // bitmap CVV2/name/id
}

// Behaviour is what the simulated bank does with a purchase on a card.
type Behaviour string

const (
	Approve    Behaviour = "approve"
	TimeoutC0S Behaviour = "timeout-C0-then-S" // C0 now, settles S
	Timeout68F Behaviour = "timeout-68-then-F" // 68 now, settles F
	Revoked    Behaviour = "revoked"           // holder revoked the agreement at the bank: ZG
)

// Card is the bank's record of a card.
type Card struct {
	Pan       string
	Phone     string // bank-reserved phone (ind_auth: HW on mismatch)
	Name, ID  string
	Behaviour Behaviour
	LimitFen  int64 // single-purchase limit (I8 above it); 0 = 1,000,000.00
}

// Binding seeds a customer's bound card.
type Binding struct {
	MerchantID, CustomerID, Pan, PayToken string
}

func defaultBINs() []BIN {
	return []BIN{
		{"621700", "CCB", "建设银行", "CU", bill99.CardDebit, "1", "000"},
		{"436742", "CCB", "建设银行", "VI", bill99.CardCredit, "1", "001"},
		{"622575", "CMB", "招商银行", "CU", bill99.CardCredit, "1", "111"},
		{"621483", "CMB", "招商银行", "CU", bill99.CardDebit, "1", "000"},
		{"622202", "ICBC", "工商银行", "CU", bill99.CardDebit, "1", "011"},
		{"601382", "BOC", "中国银行", "CU", bill99.CardDebit, "1", "010"},
		{"622848", "ABC", "农业银行", "CU", bill99.CardDebit, "2", "000"},
		{"356833", "BOC", "中国银行", "JC", bill99.CardCredit, "2", "001"},
		{"622588", "CMB", "招商银行", "MC", bill99.CardCredit, "1", "001"},
	}
}

func defaultCards() []Card {
	return []Card{
		{Pan: "6217003320034459100", Phone: "13500000000", Name: "小强", ID: "32058219870706111X", Behaviour: Approve, LimitFen: 5_000_000},
		{Pan: "6225757519832520", Phone: "13500000000", Name: "小强", ID: "32058219870706111X", Behaviour: Approve, LimitFen: 2_000_000},
		{Pan: "6214833617000003617", Phone: "18700007121", Name: "张三", ID: "110101199001011234", Behaviour: Approve},
		{Pan: "6222021234567890123", Phone: "13600000000", Name: "李四", ID: "110101199002021234", Behaviour: TimeoutC0S},
		{Pan: "6214830000000000068", Phone: "13600000068", Name: "王五", ID: "110101199003031234", Behaviour: Timeout68F},
		{Pan: "6013820000000000009", Phone: "13600000009", Name: "赵六", ID: "110101199004041234", Behaviour: Revoked},
		{Pan: "4367420000000001", Phone: "13600000001", Name: "钱七", ID: "110101199005051234", Behaviour: Approve, LimitFen: 10_000},
		{Pan: "6222020000000000011", Phone: "13700000000", Name: "孙八", ID: "110101199006061234", Behaviour: Approve},
		{Pan: "6217000000000000022", Phone: "13700000022", Name: "周九", ID: "110101199007071234", Behaviour: Approve},
		{Pan: SignUpPan, Phone: SignUpPhone, Name: "冯二", ID: "110101199010101234", Behaviour: Approve},
		{Pan: "6225880000000000033", Phone: "13700000033", Name: "吴十", ID: "110101199008081234", Behaviour: Approve},
		{Pan: "6228480000000000044", Phone: "13700000044", Name: "郑一", ID: "110101199009091234", Behaviour: Approve},
	}
}

func defaultBindings() []Binding {
	m := DefaultMerchant
	return []Binding{
		{m, "33150001", "6217003320034459100", "8120000002867710851"},
		{m, "33150003", "6217003320034459100", "8120000002712994411"},
		{m, "fj2030", "6225757519832520", "8120000000000700000"},
		{m, "33151000", "6214833617000003617", "8120000000000560000"},
		{m, "c-timeout-c0", "6222021234567890123", "8120000000000000101"},
		{m, "c-timeout-68", "6214830000000000068", "8120000000000000102"},
		{m, "c-revoked", "6013820000000000009", "8120000000000000103"},
		{m, "c-limit", "4367420000000001", "8120000000000000104"},
	}
}

// CodeBinding is a bound card whose bank answers one response code to a
// purchase of Amount (yuan).
type CodeBinding struct {
	CustomerID, PayToken, Amount string
}

// CodeBindings are the fixture's bound cards behind the purchase codes a
// client cannot provoke with a card of its own: C0 and 68 (the bank times
// out), I8 (over the card's limit), ZG (the holder revoked the
// agreement). paycert sim bill99 --write-config gives them as param
// code_bindings.
func CodeBindings() map[string]CodeBinding {
	return map[string]CodeBinding{
		bill99.RCTimeoutC0: {"c-timeout-c0", "8120000000000000101", "1.00"},
		bill99.RCTimeout68: {"c-timeout-68", "8120000000000000102", "1.00"},
		bill99.RCResign:    {"c-revoked", "8120000000000000103", "1"},
		bill99.RCLimit:     {"c-limit", "8120000000000000104", "100.01"},
	}
}
