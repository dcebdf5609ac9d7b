package ipos

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"paycert/codecs/gbkxml"
	"paycert/codecs/mac"
	"paycert/platforms/catalog"
)

// Pair is one request element: its path below business_trans
// ("card_verify_request/tx_amt") and its text.
type Pair struct {
	Path  string
	Value string
}

// Request is one iPos request in wire form. Values are written in the order
// given, nested by path; request_type comes from Interface. Values stay
// strings because that is what travels, and because a conformance suite must
// be able to send "abc" where a number belongs.
type Request struct {
	Interface string
	Values    []Pair
}

// Get returns the value of path and whether it is present.
func (r Request) Get(path string) (string, bool) {
	for _, p := range r.Values {
		if p.Path == path {
			return p.Value, true
		}
	}
	return "", false
}

// With returns a copy of r with path set to value (replaced in place when
// present, appended otherwise).
func (r Request) With(path, value string) Request {
	out := Request{Interface: r.Interface, Values: make([]Pair, 0, len(r.Values)+1)}
	done := false
	for _, p := range r.Values {
		if p.Path == path {
			p.Value, done = value, true
		}
		out.Values = append(out.Values, p)
	}
	if !done {
		out.Values = append(out.Values, Pair{path, value})
	}
	return out
}

// Without returns a copy of r without path.
func (r Request) Without(path string) Request {
	out := Request{Interface: r.Interface}
	for _, p := range r.Values {
		if p.Path != path {
			out.Values = append(out.Values, p)
		}
	}
	return out
}

// AppendXML appends the GBK XML of r to dst. Consecutive values that share
// a parent ("store_info/...") are written inside one container element.
func (r Request) AppendXML(dst []byte) ([]byte, error) {
	w := gbkxml.NewWriter(dst, gbkxml.GBK)
	w.Start(Root)
	w.Element("request_type", RequestType(r.Interface))
	var open []string
	for _, p := range r.Values {
		if p.Path == "request_type" {
			continue
		}
		segs := strings.Split(p.Path, "/")
		parents, leaf := segs[:len(segs)-1], segs[len(segs)-1]
		common := 0
		for common < len(open) && common < len(parents) && open[common] == parents[common] {
			common++
		}
		for i := len(open) - 1; i >= common; i-- {
			w.End(open[i])
		}
		open = open[:common]
		for _, s := range parents[common:] {
			w.Start(s)
			open = append(open, s)
		}
		w.Element(leaf, p.Value)
	}
	for i := len(open) - 1; i >= 0; i-- {
		w.End(open[i])
	}
	w.End(Root)
	b := w.Bytes()
	if err := w.Err(); err != nil {
		return nil, fmt.Errorf("ipos: encode %s request: %w", r.Interface, err)
	}
	return b, nil
}

// FormBody returns the HTTP body for xmlBytes: xml=<urlencoded GBK>&mac=<MD5
// of key‖xml‖key> (002 §2).
func FormBody(dst, key, xmlBytes []byte) []byte {
	var m [mac.IPosLen]byte
	return gbkxml.FormBody(dst, xmlBytes, string(mac.AppendIPos(m[:0], key, xmlBytes)))
}

// OrderByCatalogue returns r's values in the order of the interface's
// request table (values the table does not know go last, in their order),
// so a request assembled from command-line pairs nests like the samples.
func OrderByCatalogue(it catalog.Interface, r Request) Request {
	rank := map[string]int{}
	for i, f := range it.FieldsFor(catalog.Request) {
		rank[strings.TrimPrefix(f.Path, Root+"/")] = i
	}
	of := func(p Pair) int {
		if n, ok := rank[p.Path]; ok {
			return n
		}
		return len(rank)
	}
	out := Request{Interface: r.Interface, Values: slices.Clone(r.Values)}
	sort.SliceStable(out.Values, func(i, j int) bool { return of(out.Values[i]) < of(out.Values[j]) })
	return out
}

// Header is what every terminal-side request starts with.
type Header struct {
	ISSPID   string
	PosID    string
	StoreID  string
	PosSeq   string
	UserID   string // optional; empty is left out
	SystemID string
}

func (h Header) pairs(withStore bool) []Pair {
	ps := []Pair{{"isspid", h.ISSPID}, {"pos_id", h.PosID}}
	if withStore {
		ps = append(ps, Pair{"store_id", h.StoreID})
	}
	ps = append(ps, Pair{"pos_seq", h.PosSeq})
	if h.UserID != "" {
		ps = append(ps, Pair{"user_id", h.UserID})
	}
	return append(ps, Pair{"system_id", h.SystemID})
}

func appendOpt(ps []Pair, path, v string) []Pair {
	if v == "" {
		return ps
	}
	return append(ps, Pair{path, v})
}

// StoreInfo is bind_pos's store_info.
type StoreInfo struct {
	StoreID, StoreName, StoreAddr, Contact, ContactTel, Province, City, Town string
}

// BindPosRequest binds a terminal (and creates its store) (002 §4.1).
type BindPosRequest struct {
	Header // StoreID is unused: bind_pos carries it in Store
	Store  StoreInfo
}

func (q BindPosRequest) Request() Request {
	ps := []Pair{{"isspid", q.ISSPID}, {"pos_id", q.PosID}}
	ps = appendOpt(ps, "pos_seq", q.PosSeq)
	ps = appendOpt(ps, "user_id", q.UserID)
	ps = append(ps, Pair{"system_id", q.SystemID}, Pair{"store_info/store_id", q.Store.StoreID},
		Pair{"store_info/store_name", q.Store.StoreName})
	for _, o := range []Pair{{"store_info/store_addr", q.Store.StoreAddr}, {"store_info/contact", q.Store.Contact},
		{"store_info/contact_tel", q.Store.ContactTel}, {"store_info/province", q.Store.Province},
		{"store_info/city", q.Store.City}, {"store_info/town", q.Store.Town}} {
		ps = appendOpt(ps, o.Path, o.Value)
	}
	return Request{Interface: BindPos, Values: ps}
}

// CardQueryRequest asks about a voucher (002 §4.2).
type CardQueryRequest struct {
	Header
	ValidInfo  string
	EncodeType string // optional: EncodeAux or EncodeQR
}

func (q CardQueryRequest) Request() Request {
	ps := append(q.pairs(true), Pair{"card_query_request/valid_info", q.ValidInfo})
	return Request{Interface: CardQuery, Values: appendOpt(ps, "card_query_request/encode_type", q.EncodeType)}
}

// CardVerifyRequest redeems a voucher (002 §4.3). TxAmt is the amount in fen
// as decimal digits, required for amount vouchers, empty for times vouchers.
type CardVerifyRequest struct {
	Header
	ValidInfo  string
	EncodeType string
	TxAmt      string
}

func (q CardVerifyRequest) Request() Request {
	ps := append(q.pairs(true), Pair{"card_verify_request/valid_info", q.ValidInfo})
	ps = appendOpt(ps, "card_verify_request/encode_type", q.EncodeType)
	return Request{Interface: CardVerify, Values: appendOpt(ps, "card_verify_request/tx_amt", q.TxAmt)}
}

// AppendXML writes the request straight into w (reset to dst): the load
// runner's hot path, with no intermediate Request value. Reuse one Writer
// per goroutine.
func (q *CardVerifyRequest) AppendXML(w *gbkxml.Writer, dst []byte) ([]byte, error) {
	w.Reset(dst, gbkxml.GBK)
	w.Start(Root)
	w.Element("request_type", "card_verify_request")
	w.Element("isspid", q.ISSPID)
	w.Element("pos_id", q.PosID)
	w.Element("store_id", q.StoreID)
	w.Element("pos_seq", q.PosSeq)
	if q.UserID != "" {
		w.Element("user_id", q.UserID)
	}
	w.Element("system_id", q.SystemID)
	w.Start("card_verify_request")
	w.Element("valid_info", q.ValidInfo)
	if q.EncodeType != "" {
		w.Element("encode_type", q.EncodeType)
	}
	if q.TxAmt != "" {
		w.Element("tx_amt", q.TxAmt)
	}
	w.End("card_verify_request")
	w.End(Root)
	b := w.Bytes()
	if err := w.Err(); err != nil {
		return nil, fmt.Errorf("ipos: encode card_verify request: %w", err)
	}
	return b, nil
}

// CardUndoRequest is card_cancel (002 §4.4) or card_reversal (§4.5):
// Interface says which.
type CardUndoRequest struct {
	Interface string // CardCancel or CardReversal
	Header
	ValidInfo  string
	EncodeType string
	OrgPosSeq  string
}

func (q CardUndoRequest) Request() Request {
	g := q.Interface + "_request/"
	ps := append(q.pairs(true), Pair{g + "valid_info", q.ValidInfo})
	ps = appendOpt(ps, g+"encode_type", q.EncodeType)
	return Request{Interface: q.Interface, Values: append(ps, Pair{g + "org_pos_seq", q.OrgPosSeq})}
}

// CardDailyRequest closes a terminal's day (002 §4.6).
type CardDailyRequest struct {
	Header
	DailyDay string // yyyymmdd
}

func (q CardDailyRequest) Request() Request {
	return Request{Interface: CardDaily, Values: append(q.pairs(true), Pair{"card_daily_request/daily_day", q.DailyDay})}
}

// WecardRequest is any of the six WeChat gift-card requests (002 §4.7-4.12):
// set the elements the interface uses; empty ones are left out.
type WecardRequest struct {
	Interface     string
	ISSPID        string
	TransactionID string // getcodeinfo, gettracelist, getposseqinfo
	PosID         string
	StoreID       string
	PosSeq        string
	SystemID      string
	OrgPosSeq     string // posreturnd
	Code          string
	EncryptCode   string // getcodeinfo
	ConsumeSource string
	Amount        string
	STime, ETime  string // gettracelist
	Page          string // gettracelist, undocumented (erratum E-IPOS-TRACE-PAGING)
}

func (q WecardRequest) Request() Request {
	ps := []Pair{{"isspid", q.ISSPID}}
	switch q.Interface {
	case WecardGetCodeInfo:
		ps = appendOpt(ps, "transaction_id", q.TransactionID)
		ps = append(ps, Pair{"system_id", q.SystemID})
		ps = appendOpt(ps, "code", q.Code)
		ps = appendOpt(ps, "encrypt_code", q.EncryptCode)
	case WecardGetTraceList:
		ps = appendOpt(ps, "transaction_id", q.TransactionID)
		ps = append(ps, Pair{"system_id", q.SystemID})
		for _, o := range []Pair{{"s_time", q.STime}, {"e_time", q.ETime}, {"store_id", q.StoreID},
			{"pos_id", q.PosID}, {"code", q.Code}, {"page", q.Page}} {
			ps = appendOpt(ps, o.Path, o.Value)
		}
	case WecardGetPosSeqInfo:
		ps = appendOpt(ps, "transaction_id", q.TransactionID)
		ps = append(ps, Pair{"system_id", q.SystemID})
		ps = appendOpt(ps, "code", q.Code)
		ps = appendOpt(ps, "pos_seq", q.PosSeq)
	default: // poscancelcard, posreturnd, posrevoke
		ps = append(ps, Pair{"pos_id", q.PosID}, Pair{"store_id", q.StoreID}, Pair{"pos_seq", q.PosSeq},
			Pair{"system_id", q.SystemID})
		ps = appendOpt(ps, "org_pos_seq", q.OrgPosSeq)
		ps = append(ps, Pair{"code", q.Code}, Pair{"consume_source", q.ConsumeSource})
		ps = appendOpt(ps, "amount", q.Amount)
	}
	return Request{Interface: q.Interface, Values: ps}
}

// Fen formats an amount in fen the way the wire carries it.
func Fen(n int64) string { return strconv.FormatInt(n, 10) }
