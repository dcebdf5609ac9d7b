package ipos

import (
	"fmt"

	"paycert/codecs/gbkxml"
)

// Result is result/id and result/comment.
type Result struct {
	ID      string
	Comment string
}

// OK reports a success (0000).
func (r Result) OK() bool { return r.ID == CodeOK }

// QueryInfo is query_info of card_query and card_verify replies.
type QueryInfo struct {
	OrderID, BatchNo, BatchName, BatchShortName string
	UseType, VaStatus, EndUseTime               string
	RemainAmt, RemainTimes, Price               string
}

// Redeem is one verify_info/redeem row.
type Redeem struct {
	StoreID, PosID, PosSeq, StoreName, TransTime string
}

// VerifyInfo is card_query's verify_info.
type VerifyInfo struct {
	Count   string
	Redeems []Redeem
}

// AdditionInfo is card_verify's addition_info.
type AdditionInfo struct {
	PrintText, TxAmt string
}

// Goods is one daily_info/goods_list.
type Goods struct {
	CustomNo, Name, ValidateNum, ValidateAmt string
}

// BaseInfo is wecard_getcodeinfo's base_info.
type BaseInfo struct {
	BrandName, LogoURL, CardType, Title, UseAllLocations, LocationIDList string
	ServicePhone, CancelType, Stock, TimeType, Begin, End                string
}

// TraceInfo is wecard_getcodeinfo's trace_info.
type TraceInfo struct {
	NodeID, OrderID, CardID, UserCardCode, TotalPrice, Overplus, UseFlag string
	ConsumeSource, LocationName, VerifyTime, ReqSeq, PosID, StoreID      string
}

// GiftInfo is the info element of wecard_poscancelcard and wecard_posrevoke.
type GiftInfo struct {
	NodeID, Code, PosID, LocationName, CardID, StoreID, ConsumeSource string
	Amount, Balance, ReqSeq, Type, CardName, BrandName, CreateTime    string
	Overplus, ReturnCode, ReturnMsg                                   string
}

// TraceRow is one list/row (gettracelist) or pos_seq_info/row (getposseqinfo).
type TraceRow struct {
	ID, NodeID, Code, Type, ReqSeq, PosID, ReturnCode, ReturnMsg, Amount, UseType string
	Overplus, LocationName, StoreID, ConsumeSource, OpenID, CreateTime            string
	BatchNum, Memo, Status, OrgPosSeq                                             string
}

// Page is gettracelist's paging.
type Page struct {
	CurrentPage, From, To, LastPage, PerPage, Total string
}

// Reply is any iPos reply, decoded by element name (002 §2: elements may be
// added and reordered at any time, so nothing here depends on position and
// unknown elements are ignored; Doc keeps them). Parts an interface does
// not have are nil.
type Reply struct {
	ResponseType  string
	ISSPID        string
	PosID         string
	PosSeq        string
	SysSeq        string
	TransTime     string
	SystemID      string
	TransactionID string
	Extend        string
	Result        Result

	Addition *AdditionInfo
	Query    *QueryInfo
	Verify   *VerifyInfo
	Daily    []Goods // daily_info/goods_list rows; nil when daily_info is absent
	Base     *BaseInfo
	Trace    *TraceInfo
	Info     *GiftInfo
	Page     *Page
	Rows     []TraceRow // list/row or pos_seq_info/row

	Doc *gbkxml.Doc // the whole reply, raw bytes included
}

// DecodeReply parses a reply body (GBK XML as the platform sends it; any
// declared encoding gbkxml accepts). It fails only when the body is not XML
// or its root is not business_trans; missing elements are for CheckReply.
func DecodeReply(b []byte) (*Reply, error) {
	doc, err := gbkxml.Parse(b)
	if err != nil {
		return nil, fmt.Errorf("ipos: reply: %w", err)
	}
	root := doc.Root()
	if root == nil || root.Name != Root {
		return nil, fmt.Errorf("ipos: reply: root element is not %s", Root)
	}
	r := &Reply{Doc: doc}
	for _, c := range root.Children {
		switch c.Name {
		case "response_type":
			r.ResponseType = c.Text
		case "isspid":
			r.ISSPID = c.Text
		case "pos_id":
			r.PosID = c.Text
		case "pos_seq":
			r.PosSeq = c.Text
		case "sys_seq":
			r.SysSeq = c.Text
		case "trans_time":
			r.TransTime = c.Text
		case "system_id":
			r.SystemID = c.Text
		case "transaction_id":
			r.TransactionID = c.Text
		case "extend":
			r.Extend = c.Text
		case "result":
			r.Result = Result{ID: text(c, "id"), Comment: text(c, "comment")}
		case "addition_info":
			r.Addition = &AdditionInfo{PrintText: text(c, "print_text"), TxAmt: text(c, "tx_amt")}
		case "query_info":
			r.Query = decodeQueryInfo(c)
		case "verify_info":
			v := &VerifyInfo{Count: text(c, "count")}
			for _, rd := range c.All("redeem") {
				v.Redeems = append(v.Redeems, Redeem{StoreID: text(rd, "store_id"), PosID: text(rd, "pos_id"),
					PosSeq: text(rd, "pos_seq"), StoreName: text(rd, "store_name"), TransTime: text(rd, "trans_time")})
			}
			r.Verify = v
		case "daily_info":
			r.Daily = []Goods{}
			for _, g := range c.All("goods_list") {
				r.Daily = append(r.Daily, Goods{CustomNo: text(g, "goods_custom_no"), Name: text(g, "goods_name"),
					ValidateNum: text(g, "act_validate_num"), ValidateAmt: text(g, "act_validate_amt")})
			}
		case "base_info":
			r.Base = &BaseInfo{BrandName: text(c, "brand_name"), LogoURL: text(c, "logo_url"), CardType: text(c, "card_type"),
				Title: text(c, "title"), UseAllLocations: text(c, "use_all_locations"), LocationIDList: text(c, "location_id_list"),
				ServicePhone: text(c, "service_phone"), CancelType: text(c, "cancel_type"), Stock: text(c, "stock"),
				TimeType: text(c, "time_type"), Begin: text(c, "begin"), End: text(c, "end")}
		case "trace_info":
			r.Trace = &TraceInfo{NodeID: text(c, "node_id"), OrderID: text(c, "order_id"), CardID: text(c, "card_id"),
				UserCardCode: text(c, "user_card_code"), TotalPrice: text(c, "total_price"), Overplus: text(c, "overplus"),
				UseFlag: text(c, "use_flag"), ConsumeSource: text(c, "consume_source"), LocationName: text(c, "location_name"),
				VerifyTime: text(c, "verify_time"), ReqSeq: text(c, "req_seq"), PosID: text(c, "pos_id"), StoreID: text(c, "store_id")}
		case "info":
			r.Info = &GiftInfo{NodeID: text(c, "node_id"), Code: text(c, "code"), PosID: text(c, "pos_id"),
				LocationName: text(c, "location_name"), CardID: text(c, "card_id"), StoreID: text(c, "store_id"),
				ConsumeSource: text(c, "consume_source"), Amount: text(c, "amount"), Balance: text(c, "balance"),
				ReqSeq: text(c, "req_seq"), Type: text(c, "type"), CardName: text(c, "card_name"), BrandName: text(c, "brand_name"),
				CreateTime: text(c, "create_time"), Overplus: text(c, "overplus"), ReturnCode: text(c, "return_code"),
				ReturnMsg: text(c, "return_msg")}
		case "list", "pos_seq_info":
			r.Rows = []TraceRow{}
			for _, row := range c.All("row") {
				r.Rows = append(r.Rows, decodeRow(row))
			}
		case "current_page", "from", "to", "last_page", "per_page", "total":
			if r.Page == nil {
				r.Page = &Page{}
			}
			switch c.Name {
			case "current_page":
				r.Page.CurrentPage = c.Text
			case "from":
				r.Page.From = c.Text
			case "to":
				r.Page.To = c.Text
			case "last_page":
				r.Page.LastPage = c.Text
			case "per_page":
				r.Page.PerPage = c.Text
			case "total":
				r.Page.Total = c.Text
			}
		}
	}
	return r, nil
}

func text(n *gbkxml.Node, name string) string {
	if c := n.Child(name); c != nil {
		return c.Text
	}
	return ""
}

func decodeQueryInfo(c *gbkxml.Node) *QueryInfo {
	q := &QueryInfo{}
	for _, e := range c.Children {
		switch e.Name {
		case "order_id":
			q.OrderID = e.Text
		case "batch_no":
			q.BatchNo = e.Text
		case "batch_name":
			q.BatchName = e.Text
		case "batch_short_name":
			q.BatchShortName = e.Text
		case "use_type":
			q.UseType = e.Text
		case "va_status":
			q.VaStatus = e.Text
		case "end_use_time":
			q.EndUseTime = e.Text
		case "remain_amt":
			q.RemainAmt = e.Text
		case "remain_times":
			q.RemainTimes = e.Text
		case "price":
			q.Price = e.Text
		}
	}
	return q
}

func decodeRow(n *gbkxml.Node) TraceRow {
	return TraceRow{ID: text(n, "id"), NodeID: text(n, "node_id"), Code: text(n, "code"), Type: text(n, "type"),
		ReqSeq: text(n, "req_seq"), PosID: text(n, "pos_id"), ReturnCode: text(n, "return_code"),
		ReturnMsg: text(n, "return_msg"), Amount: text(n, "amount"), UseType: text(n, "use_type"),
		Overplus: text(n, "overplus"), LocationName: text(n, "location_name"), StoreID: text(n, "store_id"),
		ConsumeSource: text(n, "consume_source"), OpenID: text(n, "open_id"), CreateTime: text(n, "create_time"),
		BatchNum: text(n, "batch_num"), Memo: text(n, "memo"), Status: text(n, "status"), OrgPosSeq: text(n, "org_pos_seq")}
}

// Classify reads a reply body the way a load runner needs it: the
// result/id, and whether it is a success. A body that is not an iPos reply
// is an error.
func Classify(body []byte) (code string, ok bool, err error) {
	if code, ok, handled := classifyFast(body); handled {
		return code, ok, nil
	}
	return classifyFull(body)
}

// classifyFull is Classify by the full parse.
func classifyFull(body []byte) (code string, ok bool, err error) {
	r, err := DecodeReply(body)
	if err != nil {
		return "", false, err
	}
	if r.Result.ID == "" {
		return "", false, fmt.Errorf("ipos: reply has no result/id")
	}
	return r.Result.ID, r.Result.OK(), nil
}
