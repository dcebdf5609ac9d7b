package bill99

import "fmt"

// Version is the interface version every request carries (seed 001: "1.0 默认值").
const Version = "1.0"

// IndAuthRequest is the sign-up request (§4.1): the platform sends an SMS
// code to the card's bank-reserved phone and returns a token.
type IndAuthRequest struct {
	MerchantID, TerminalID, CustomerID, ExternalRefNumber                 string
	Pan, CardHolderName, IDType, CardHolderID, ExpiredDate, CVV2, PhoneNO string
}

// Message renders the request, omitting empty optional elements.
func (r IndAuthRequest) Message() *Node {
	m := NewMessage(Version)
	c := m.AddNode(ElIndAuth)
	c.Add("merchantId", r.MerchantID).Add("terminalId", r.TerminalID).Add("customerId", r.CustomerID).
		Add("externalRefNumber", r.ExternalRefNumber).Add("pan", r.Pan).AddOpt("cardHolderName", r.CardHolderName).
		AddOpt("idType", r.IDType).AddOpt("cardHolderId", r.CardHolderID).AddOpt("expiredDate", r.ExpiredDate).
		AddOpt("cvv2", r.CVV2).Add("phoneNO", r.PhoneNO)
	return m
}

// VerifyRequest is the SMS-code verification (§4.2); on 00 it returns the
// payToken.
type VerifyRequest struct {
	MerchantID, TerminalID, CustomerID, ExternalRefNumber string
	Pan, PhoneNO, ValidCode, Token                        string
}

// Message renders the request.
func (r VerifyRequest) Message() *Node {
	m := NewMessage(Version)
	c := m.AddNode(ElVerify)
	c.Add("merchantId", r.MerchantID).AddOpt("terminalId", r.TerminalID).Add("customerId", r.CustomerID).
		Add("externalRefNumber", r.ExternalRefNumber).Add("pan", r.Pan).Add("validCode", r.ValidCode).
		Add("token", r.Token).Add("phoneNO", r.PhoneNO)
	return m
}

// PurchaseRequest is TR1 of the agreement payment (§4.3).
type PurchaseRequest struct {
	MerchantID, TerminalID, CustomerID, ExternalRefNumber string
	EntryTime                                             string // YYYYMMDDhhmmss
	Amount                                                string // yuan, "10" or "10.50"
	PayToken, StorableCardNo                              string
	TxnType                                               string // default PUR
	SpFlag                                                string // default QPay02
	SettleMerchantID, TR3URL, BankID, Ext1                string
}

// Message renders the TR1.
func (r PurchaseRequest) Message() *Node {
	if r.TxnType == "" {
		r.TxnType = TxnPurchase
	}
	if r.SpFlag == "" {
		r.SpFlag = SpFlagAgreement
	}
	m := NewMessage(Version)
	c := m.AddNode(ElTxn)
	c.Add("interactiveStatus", StatusTR1).Add("spFlag", r.SpFlag).Add("txnType", r.TxnType).
		Add("merchantId", r.MerchantID).Add("terminalId", r.TerminalID).Add("externalRefNumber", r.ExternalRefNumber).
		Add("entryTime", r.EntryTime).Add("amount", r.Amount).Add("customerId", r.CustomerID).
		AddOpt("storableCardNo", r.StorableCardNo).Add("payToken", r.PayToken).AddOpt("settleMerchantId", r.SettleMerchantID).
		AddOpt("tr3Url", r.TR3URL).AddOpt("bankId", r.BankID).AddOpt("ext1", r.Ext1)
	return m
}

// QueryRequest is the order query (§4.4).
type QueryRequest struct {
	MerchantID, TerminalID, ExternalRefNumber, RefNumber, TxnType, TxnStatus string
}

// Message renders the query.
func (r QueryRequest) Message() *Node {
	if r.TxnType == "" {
		r.TxnType = TxnPurchase
	}
	m := NewMessage(Version)
	c := m.AddNode(ElQryTxn)
	c.AddOpt("externalRefNumber", r.ExternalRefNumber).AddOpt("refNumber", r.RefNumber).Add("txnType", r.TxnType).
		Add("merchantId", r.MerchantID).AddOpt("terminalId", r.TerminalID).AddOpt("txnStatus", r.TxnStatus)
	return m
}

// CardInfoRequest is the card-info (BIN) query (§4.7), posted to
// /cnp/query_txn with a CardInfoContent element (E-BILL99-CARDINFO-URL).
type CardInfoRequest struct{ TxnType, CardNo string }

// Message renders the query.
func (r CardInfoRequest) Message() *Node {
	m := NewMessage(Version)
	m.AddNode(ElCardInfo).AddOpt("txnType", r.TxnType).Add("cardNo", r.CardNo)
	return m
}

// PciDeleteRequest unbinds a card (§4.5).
type PciDeleteRequest struct {
	MerchantID, CustomerID, Pan, PayToken, StorablePan, BankID string
}

// Message renders the request.
func (r PciDeleteRequest) Message() *Node {
	m := NewMessage(Version)
	m.AddNode(ElPciDelete).Add("merchantId", r.MerchantID).Add("customerId", r.CustomerID).AddOpt("pan", r.Pan).
		AddOpt("payToken", r.PayToken).AddOpt("storablePan", r.StorablePan).Add("bankId", r.BankID)
	return m
}

// PciQueryRequest lists a customer's bound cards (§4.6).
type PciQueryRequest struct {
	MerchantID, TerminalID, CustomerID, CardType, BindType, StorablePan, PayToken, BankID string
}

// Message renders the request.
func (r PciQueryRequest) Message() *Node {
	m := NewMessage(Version)
	m.AddNode(ElPciQuery).Add("merchantId", r.MerchantID).AddOpt("terminalId", r.TerminalID).Add("customerId", r.CustomerID).
		AddOpt("cardType", r.CardType).AddOpt("bindType", r.BindType).AddOpt("storablePan", r.StorablePan).
		AddOpt("payToken", r.PayToken).AddOpt("bankId", r.BankID)
	return m
}

// Result is the outcome carried by any reply: either a format error
// (errorCode/errorMessage in ErrorMsgContent) or a business result
// (responseCode/responseTextMessage), never both (§5.3.3).
type Result struct {
	ErrorCode, ErrorMessage    string
	ResponseCode, ResponseText string
	HasErrorCode, HasRespCode  bool
}

// Code is the errorCode or the responseCode, whichever the reply carries.
func (r Result) Code() string {
	if r.HasErrorCode {
		return r.ErrorCode
	}
	return r.ResponseCode
}

// OK reports a responseCode 00.
func (r Result) OK() bool { return !r.HasErrorCode && r.ResponseCode == RCSuccess }

// Pending reports C0 or 68: the bank timed out and the order is pending.
func (r Result) Pending() bool {
	return !r.HasErrorCode && (r.ResponseCode == RCTimeoutC0 || r.ResponseCode == RCTimeout68)
}

func (r Result) String() string {
	if r.HasErrorCode {
		return fmt.Sprintf("errorCode %s (%s)", r.ErrorCode, r.ErrorMessage)
	}
	return fmt.Sprintf("responseCode %s (%s)", r.ResponseCode, r.ResponseText)
}

// Reply is a decoded reply: the document, its content element and the
// result found anywhere in it.
type Reply struct {
	Interface string // the interface the reply answers (what DecodeReply was given)
	Doc       *Doc
	Content   *Node // the business content element (TxnMsgContent for a query result), nil on a pure error reply
	Result    Result
}

// Get returns a field of the content element.
func (r *Reply) Get(name string) string {
	if r == nil || r.Content == nil {
		return ""
	}
	return r.Content.Get(name)
}

// DecodeReply parses a reply to the interface iface. The content element is
// the interface's own (for query_txn the TxnMsgContent that carries the
// order, after the QryTxnMsgContent echo).
func DecodeReply(iface string, body []byte) (*Reply, error) {
	doc, err := Parse(body)
	if err != nil {
		return nil, err
	}
	return &Reply{Interface: iface, Doc: doc, Content: doc.Root.Child(replyContent(iface)), Result: resultOf(doc)}, nil
}

// replyContent is the content element of iface's replies ("" for an
// unknown interface): its request's, but a query is answered with the
// TxnMsgContent of the transaction it found (§4.4).
func replyContent(iface string) string {
	if iface == IfQueryTxn {
		return ElTxn
	}
	return RequestContent(iface)
}

func resultOf(doc *Doc) Result {
	var res Result
	if e := doc.Error(); e != nil {
		res.ErrorCode, res.HasErrorCode = e.Lookup("errorCode")
		res.ErrorMessage = e.Get("errorMessage")
	}
	for _, c := range doc.Root.Children {
		if v, ok := c.Lookup("responseCode"); ok {
			res.ResponseCode, res.HasRespCode = v, true
			res.ResponseText = c.Get("responseTextMessage")
			break
		}
	}
	return res
}

// TxnResult is a TxnMsgContent as the platform sends it: TR2, a query
// result, or a TR3 notice.
type TxnResult struct {
	TxnType, InteractiveStatus, Amount, MerchantID, TerminalID string
	EntryTime, ExternalRefNumber, CustomerID, TransTime        string
	RefNumber, ResponseCode, ResponseText, CardOrg, Issuer     string
	StorableCardNo, AuthorizationCode, PayToken, TxnStatus     string
	VoidFlag                                                   string
}

// TxnResultOf reads a TxnMsgContent.
func TxnResultOf(n *Node) TxnResult {
	sp := n.Get("storableCardNo")
	if sp == "" {
		sp = n.Get("storablePan")
	}
	return TxnResult{
		TxnType: n.Get("txnType"), InteractiveStatus: n.Get("interactiveStatus"), Amount: n.Get("amount"),
		MerchantID: n.Get("merchantId"), TerminalID: n.Get("terminalId"), EntryTime: n.Get("entryTime"),
		ExternalRefNumber: n.Get("externalRefNumber"), CustomerID: n.Get("customerId"), TransTime: n.Get("transTime"),
		RefNumber: n.Get("refNumber"), ResponseCode: n.Get("responseCode"), ResponseText: n.Get("responseTextMessage"),
		CardOrg: n.Get("cardOrg"), Issuer: n.Get("issuer"), StorableCardNo: sp, AuthorizationCode: n.Get("authorizationCode"),
		PayToken: n.Get("payToken"), TxnStatus: n.Get("txnStatus"), VoidFlag: n.Get("voidFlag"),
	}
}

// TR4 renders the merchant's acknowledgement of a TR3 (§5.3.2).
func TR4(tr3 TxnResult) *Node {
	m := NewMessage(Version)
	m.AddNode(ElTxn).Add("txnType", tr3.TxnType).Add("interactiveStatus", StatusTR4).Add("merchantId", tr3.MerchantID).
		Add("terminalId", tr3.TerminalID).Add("refNumber", tr3.RefNumber)
	return m
}

// StorablePan is the truncated card number: first 6 and last 4 digits.
func StorablePan(pan string) string {
	if len(pan) < 10 {
		return pan
	}
	return pan[:6] + pan[len(pan)-4:]
}

// ShortPhone is the truncated phone of pci_query: first 3 and last 4 digits
// (sample 1877121).
func ShortPhone(phone string) string {
	if len(phone) < 7 {
		return phone
	}
	return phone[:3] + phone[len(phone)-4:]
}
