package ipos

import (
	"strconv"
	"strings"

	"paycert/platforms/catalog"
)

// Platform is the short name used in labels, flags and reports.
const Platform = "ipos"

// Root is the root element of every request and reply.
const Root = "business_trans"

// Interface names, as labels and the CLI spell them. The wire name of a
// request is Name+"_request", of a reply Name+"_response".
const (
	BindPos                = "bind_pos"
	CardQuery              = "card_query"
	CardVerify             = "card_verify"
	CardCancel             = "card_cancel"
	CardReversal           = "card_reversal"
	CardDaily              = "card_daily"
	WecardGetCodeInfo      = "wecard_getcodeinfo"
	WecardGetTraceList     = "wecard_gettracelist"
	WecardPosCancelCard    = "wecard_poscancelcard"
	WecardGetPosSeqInfo    = "wecard_getposseqinfo"
	WecardPosReturnd       = "wecard_posreturnd"
	WecardPosRevoke        = "wecard_posrevoke"
	requestSuffix          = "_request"
	responseSuffix         = "_response"
	sectionCodes           = "002 §5"
	amountTypeCondition    = "use_type=0 (amount voucher)"
	timesTypeCondition     = "use_type=1 (times voucher)"
	verifiedCondition      = "va_status is 2 (in use) or 3 (used)"
	verifySuccessCondition = "result/id is 0000"
	consumeSuccessCondtn   = "result/id is 0000 (核销成功必填)"
)

// Limits the access codes of 002 §5 set where the request tables say
// otherwise or nothing (erratum E-IPOS-LEN-LIMITS): 5211 pos_id, 5210
// store_id and 5209 user_id lengths, and 5212/5215's "longer than 12
// digits" for pos_seq and org_pos_seq (whose maximum is the tables'
// String(32)). The simulator enforces them.
const (
	MaxPosIDLen   = 10
	MaxStoreIDLen = 10
	MaxUserIDLen  = 12
	MinPosSeqLen  = 13
)

// Numbers of the reply tables: a voucher's use_type and va_status (002
// §4.2), a gift card's type and use_flag (§4.7).
const (
	UseTypeAmount, UseTypeTimes             = 0, 1
	VaNormal, VaVoided, VaInUse, VaUsed     = 0, 1, 2, 3
	GiftTypeItem, GiftTypeCash              = 2, 3
	FlagReceived, FlagConsumed, FlagInvalid = 4, 7, 8
)

// A gift-card trace row's use_type and status (002 §4.9, §4.10).
const (
	UseConsume, UseRefund, UseRevoke = "1", "2", "3"
	RowNormal, RowRefunded           = "1", "2"
)

// encode_type values (002 §4.2): how valid_info names the voucher.
const (
	EncodeAux = "099" // auxiliary code, 12 or 16 digits
	EncodeQR  = "098" // QR content
)

// Result codes, exactly as on the wire (002 §5).
const (
	CodeOK               = "0000"
	CodeUpstreamTimeout  = "9998"
	CodeExpired          = "3044"
	CodeAmountNeeded     = "0305"
	CodeBalanceShort     = "0325"
	CodeCancelled        = "3037"
	CodeAlreadyVerified  = "3038"
	CodeNoOriginal       = "0809"
	CodeFailed           = "9990"
	CodeNoXML            = "6108"
	CodeBadXML           = "6106"
	CodeMethod           = "6107"
	CodeSystemIDFormat   = "6105"
	CodeISSPIDFormat     = "6104"
	CodeIPNotAllowed     = "6103"
	CodeSystemIDWrong    = "6102"
	CodeBadMAC           = "6100"
	CodeNotAuthorised    = "6101"
	CodePosID            = "5211"
	CodeSystemIDEmpty    = "5200"
	CodePosSeq           = "5212"
	CodeStoreID          = "5210"
	CodeUserID           = "5209"
	CodeValidInfo        = "5213"
	CodeEncodeType       = "5214"
	CodeTxAmt            = "5221"
	CodeTimes            = "5223"
	CodeOrgPosSeq        = "5215"
	CodeDailyDay         = "5218"
	CodeBindIPWrong      = "7104"
	CodeBindIPFailed     = "7105"
	CodeStoreName        = "5216"
	CodeNoTerminal       = "7000"
	CodeSTime            = "5511"
	CodeETime            = "5512"
	codeKindTrade        = "trade"
	codeKindAccess       = "access"
	whereSimulator       = "paycert/platforms/ipos/simulator"
	whereIPos            = "paycert/platforms/ipos"
	whereClient          = "paycert/platforms/ipos/client"
	whereSuite           = "paycert/conformance/ipos"
	unprovokableTimes    = "no request of the 12 documented interfaces carries a times (验证次数) field, so no conforming client request can be malformed in it; the simulator never returns it"
	unprovokableUpstream = "an upstream (issuer) timeout is not caused by the request; against the embedded simulator the fixture voucher 3000000000000003 (issuer offline) provokes it (sim-only)"
)

// Interfaces lists the 12 interface names in the order of 002 §4.
func Interfaces() []string {
	return []string{BindPos, CardQuery, CardVerify, CardCancel, CardReversal, CardDaily,
		WecardGetCodeInfo, WecardGetTraceList, WecardPosCancelCard, WecardGetPosSeqInfo,
		WecardPosReturnd, WecardPosRevoke}
}

// RequestType is the wire value of request_type for an interface.
func RequestType(name string) string { return name + requestSuffix }

// ResponseType is the wire value of response_type for an interface.
func ResponseType(name string) string { return name + responseSuffix }

// fb builds catalogue fields of one direction tersely. typ is written as the
// spec writes it ("String(32)", "Number(16)", "Number", "array"); the length
// in brackets becomes MaxLen.
type fb struct {
	dir    catalog.Direction
	fields []catalog.Field
}

func (b *fb) add(path, typ string, p catalog.Presence, meaning string, sample string) *fb {
	return b.addc(path, typ, p, "", meaning, sample)
}

func (b *fb) addc(path, typ string, p catalog.Presence, cond, meaning string, sample string) *fb {
	t, max := splitType(typ)
	b.fields = append(b.fields, catalog.Field{Dir: b.dir, Path: Root + "/" + path, Type: t, MaxLen: max,
		Presence: p, Condition: cond, Meaning: meaning, Sample: sample})
	return b
}

// min sets the minimum length of the field added last: the fixed lengths
// the seed's samples and format codes imply (erratum E-IPOS-FIXED-LENGTHS).
func (b *fb) min(n int) *fb {
	b.fields[len(b.fields)-1].MinLen = n
	return b
}

func splitType(typ string) (string, int) {
	t, rest, ok := strings.Cut(typ, "(")
	if !ok {
		return strings.TrimSpace(typ), 0
	}
	n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), ")"))
	if err != nil {
		// A typo in a literal below; the catalogue test catches it through
		// Validate and the field-count checks.
		return typ, 0
	}
	return strings.TrimSpace(t), n
}

const (
	req = catalog.Required
	opt = catalog.Optional
	con = catalog.Conditional
)

// cardRequestHeader adds the common request header of the card_* interfaces.
// pos_id, store_id and user_id carry the limits of codes 5211, 5210 and 5209
// (10, 10, 12), not the tables' 20/24 (erratum E-IPOS-LEN-LIMITS); isspid,
// system_id and a required pos_seq their fixed or minimum lengths
// (E-IPOS-FIXED-LENGTHS).
func cardRequestHeader(b *fb, name string, withStore bool, posSeqRequired bool) {
	b.add("request_type", "String(32)", req, "请求类型, fixed "+RequestType(name), RequestType(name))
	b.add("isspid", "String(8)", req, "商户号: the merchant id the platform assigned (echoed)", "39493002").min(8)
	b.add("pos_id", "String(10)", req, "终端号: the caller's own terminal number (table: String(20); 5211: at most 10)", "1511300001")
	if withStore {
		b.add("store_id", "String(10)", req, "门店号 (table: String(20); 5210: at most 10)", "1511300001")
	}
	if posSeqRequired {
		b.add("pos_seq", "String(32)", req, "终端流水号: unique per merchant and longer than 12 digits", "1511300000001").min(MinPosSeqLen)
	} else {
		b.add("pos_seq", "String(32)", opt, "终端流水号: optional here, for log lookup", "1511300000001")
	}
	b.add("user_id", "String(12)", opt, "操作员标识: the POS operator (tables: String(20)/String(24); 5209: at most 12)", "user01")
	b.add("system_id", "String(4)", req, "系统平台号: assigned by the platform", "8888").min(4)
}

func replyHeader(b *fb, name string, sysSeq catalog.Presence) {
	b.add("response_type", "String(32)", req, "返回类型, fixed "+ResponseType(name), ResponseType(name))
	b.add("isspid", "String(8)", req, "商户号 (echo of the request)", "39493002")
	b.add("pos_id", "String(20)", req, "终端号 (echo of the request)", "1511300001")
	b.add("pos_seq", "String(32)", req, "终端流水号: the request's pos_seq", "1511300000001")
	if sysSeq != "" {
		b.add("sys_seq", "String(22)", sysSeq, "平台流水号: generated by the platform, for tracing", "00000000244")
	}
	b.add("trans_time", "String(14)", req, "交易时间, yyyymmddhh24miss", "20090405010104")
}

func resultFields(b *fb) {
	b.add("result/id", "String(4)", req, "响应码: 0000 success, anything else a failure (002 §5)", "0000")
	b.add("result/comment", "String(64)", req, "响应码解释: Chinese text for the code, shown to the operator", "成功")
}

func queryInfo(b *fb, p catalog.Presence, cond string) {
	b.addc("query_info/order_id", "String(32)", p, cond, "订单号: the order id the issuer passed in", "123456789")
	b.addc("query_info/batch_no", "String(11)", p, cond, "活动号: campaign number", "123456789")
	b.addc("query_info/batch_name", "String(128)", p, cond, "活动名称: campaign name", "测试活动")
	b.addc("query_info/batch_short_name", "String(128)", p, cond, "活动简称: campaign short name", "测试活动")
	b.addc("query_info/use_type", "Number(1)", p, cond, "活动类型: 0 amount voucher, 1 times voucher", "1")
	b.addc("query_info/va_status", "Number(1)", p, cond, "验证状态: 0 normal, 1 voided (撤消), 2 in use, 3 used", "2")
	b.addc("query_info/end_use_time", "Number(14)", p, cond, "条码有效期: end of validity, yyyymmddhh24miss", "20170316235959")
	b.addc("query_info/remain_amt", "Number", con, amountTypeCondition, "可用金额: remaining amount in fen", "1000")
	b.addc("query_info/remain_times", "Number(10)", con, timesTypeCondition, "可用次数: remaining uses", "10")
	b.addc("query_info/price", "Number", con, timesTypeCondition, "卡券面值: face value in fen", "2000")
}

func giftInfo(b *fb, verb string) {
	b.add("extend", "String", opt, "扩展信息: JSON, reserved", "")
	b.addc("info", "array", con, consumeSuccessCondtn, verb+"信息 (required on success)", "")
	b.add("info/node_id", "String", opt, "商户唯一标识", "1006")
	b.add("info/code", "String", opt, "礼品卡code", "267373474047")
	b.add("info/pos_id", "String", opt, "终端号", "0001034843")
	b.add("info/location_name", "String", opt, "门店名称", "独立支付测试IPOS")
	b.add("info/card_id", "String", opt, "礼品卡卡号 (WeChat card_id)", "pBznZjtKfZ74gaSvmiJ0IK1d36Jw")
	b.add("info/store_id", "String", opt, "门店号", "01032000")
	b.add("info/consume_source", "String", opt, verb+"渠道 (echo)", verb+"渠道")
	b.add("info/amount", "String", opt, "礼品卡使用金额 in fen (0 for exchange cards)", "125")
	b.add("info/balance", "String", opt, "礼品卡使用前剩余金额: balance before, in fen", "748")
	b.add("info/req_seq", "String", opt, "流水号", "1902140000000010")
	b.add("info/type", "String", opt, "礼品卡类型: 2 exchange, 3 stored value", "3")
	b.add("info/card_name", "String", opt, "礼品名称", "zy金额型礼品卡")
	b.add("info/brand_name", "String", opt, "礼品卡商户名称", "zy测试")
	b.add("info/create_time", "String", opt, "流水生成时间: Unix seconds", "1550127597")
	b.add("info/overplus", "String", opt, "礼品卡使用后剩余金额: balance after, in fen", "623")
	b.add("info/return_code", "String", opt, "返回状态码", "ok")
	b.add("info/return_msg", "String", opt, "返回错误信息", "ok")
}

func traceRow(b *fb, list string) {
	b.add(list+"/row", "array", opt, "列表每行", "")
	r := list + "/row/"
	b.add(r+"id", "String", opt, "数据id", "222")
	b.add(r+"node_id", "String", opt, "商户号", "00055818")
	b.add(r+"code", "String", opt, "礼品卡code", "798492728980")
	b.add(r+"type", "String", opt, "礼品卡类型: 2 exchange, 3 stored value", "3")
	b.add(r+"req_seq", "String", opt, "交易流水号 (the pos_seq of the trade)", "2020042930008")
	b.add(r+"pos_id", "String", opt, "自定义终端号", "6666666666")
	b.add(r+"return_code", "String", opt, "return_code", "ok")
	b.add(r+"return_msg", "String", opt, "return_msg", "ok")
	b.add(r+"amount", "String", opt, "交易金额 in fen", "500")
	b.add(r+"use_type", "String", opt, "类型: 1 consume, 2 refund, 3 revoke", "1")
	b.add(r+"overplus", "String", opt, "剩余金额 in fen, after this row", "0")
	b.add(r+"location_name", "String", opt, "门店名称", "门店水电费")
	b.add(r+"store_id", "String", opt, "自定义门店号", "6666666666")
	b.add(r+"consume_source", "String", opt, "操作渠道", "核销渠道")
	b.add(r+"open_id", "String", opt, "open_id", "")
	b.add(r+"create_time", "String", opt, "流水产生时间: Unix seconds", "1588126684")
	b.add(r+"batch_num", "String", opt, "batch_num", "")
	b.add(r+"memo", "String", opt, "memo", "")
	b.add(r+"status", "String", opt, "记录状态: 1 normal, 2 refunded", "2")
	b.add(r+"org_pos_seq", "String", opt, "原流水号 (for a refund row, the consume it refunds)", "2020042930008")
}

func wecardRequestHeader(b *fb, name string, withTerminal bool) {
	b.add("request_type", "String(32)", req, "请求类型, fixed "+RequestType(name), RequestType(name))
	b.add("isspid", "String(8)", req, "商户号", "39493002").min(8)
	if withTerminal {
		b.add("pos_id", "String(10)", req, "终端号 (table: String(20); 5211: at most 10)", "1511300001")
		b.add("store_id", "String(10)", req, "门店号 (table: String(20); 5210: at most 10)", "1511300001")
		b.add("pos_seq", "String(32)", req, "终端流水号: unique per merchant and longer than 12 digits", "1902140000000005").min(MinPosSeqLen)
	} else {
		b.add("transaction_id", "String", opt, "请求流水号: not validated, echoed", "1511300000004")
	}
	b.add("system_id", "String(4)", req, "系统平台号", "8888").min(4)
}

func iface(name, title, section string, reqB, repB *fb) catalog.Interface {
	return catalog.Interface{Name: name, Title: title, Section: section, Path: RequestType(name),
		Fields: append(reqB.fields, repB.fields...)}
}

func newFB(d catalog.Direction) *fb { return &fb{dir: d} }

// Catalogue returns the iPos catalogue: the 12 interfaces of seed 002 with
// every request and reply field, every result code of §5 and the errata
// register. It is built afresh on every call.
func Catalogue() *catalog.Catalogue {
	c := &catalog.Catalogue{
		Platform: Platform,
		Title:    "iPos standard voucher (翼码 iPos 标准卡券版)",
		Seed:     "002_90a70aadd658afb4 (2020-10-20 edit, 2024-07-02 release)",
		Document: "iPos 标准卡券版 (edited 2020-10-20, released 2024-07-02)",
	}

	// 4.1 bind_pos
	q, r := newFB(catalog.Request), newFB(catalog.Reply)
	cardRequestHeader(q, BindPos, false, false)
	q.add("store_info/store_id", "String(10)", req, "门店编号 (table: String(20); 5210: at most 10)", "1511300001")
	q.add("store_info/store_name", "String(100)", req, "门店名称 (up to 50 Chinese characters)", "门店名称")
	q.add("store_info/store_addr", "String(100)", opt, "门店地址", "门店地址")
	q.add("store_info/contact", "String(32)", opt, "门店联系人", "门店联系人")
	q.add("store_info/contact_tel", "String(32)", opt, "门店联系电话", "13900000000")
	q.add("store_info/province", "String(32)", opt, "门店省份", "福建")
	q.add("store_info/city", "String(32)", opt, "门店城市", "福州")
	q.add("store_info/town", "String(32)", opt, "门店城镇", "鼓楼")
	replyHeader(r, BindPos, opt)
	resultFields(r)
	c.Interfaces = append(c.Interfaces, iface(BindPos, "终端绑定", "002 §3.1, §4.1", q, r))

	// 4.2 card_query
	q, r = newFB(catalog.Request), newFB(catalog.Reply)
	cardRequestHeader(q, CardQuery, true, true)
	q.add("card_query_request/valid_info", "String(256)", req, "验证数据: auxiliary code (12 or 16 digits) or QR content", "1234567890123456")
	q.add("card_query_request/encode_type", "String(3)", opt, "验证数据类型: 099 auxiliary code, 098 QR (absent: detected)", "099")
	replyHeader(r, CardQuery, req)
	queryInfo(r, con, verifySuccessCondition)
	r.addc("verify_info/count", "Number", con, verifiedCondition, "验证信息条数: number of redeem rows", "2")
	r.addc("verify_info/redeem/store_id", "String(10)", con, verifiedCondition, "验证门店号", "6666666666")
	r.addc("verify_info/redeem/pos_id", "String(10)", con, verifiedCondition, "验证终端号", "0001034843")
	r.addc("verify_info/redeem/pos_seq", "String(10)", con, verifiedCondition, "验证终端流水号 (see erratum E-IPOS-REDEEM-POSSEQ-LEN)", "1607080000015")
	r.addc("verify_info/redeem/store_name", "String(24)", con, verifiedCondition, "验证门店名称", "独立支付测试IPOS")
	r.addc("verify_info/redeem/trans_time", "String(14)", con, verifiedCondition, "验证时间", "20160708162255")
	resultFields(r)
	c.Interfaces = append(c.Interfaces, iface(CardQuery, "卡券查询", "002 §3.2, §4.2", q, r))

	// 4.3 card_verify
	q, r = newFB(catalog.Request), newFB(catalog.Reply)
	cardRequestHeader(q, CardVerify, true, true)
	q.add("card_verify_request/valid_info", "String(256)", req, "验证数据: auxiliary code (12 or 16 digits) or QR content", "1234567890123456")
	q.add("card_verify_request/encode_type", "String(3)", opt, "验证数据类型: 099 auxiliary code, 098 QR (absent: detected)", "099")
	q.addc("card_verify_request/tx_amt", "Number(16)", con, "amount voucher", "交易金额 in fen, entered at the terminal", "1000")
	replyHeader(r, CardVerify, req)
	r.add("system_id", "String(4)", opt, "系统平台号 (table says 必填, sample omits it: E-IPOS-VERIFY-SYSTEMID)", "8888")
	r.add("addition_info/print_text", "String(1000)", opt, "打印文本: text to print on success", "打印文本")
	r.add("addition_info/tx_amt", "Number(10)", opt, "交易金额 in fen", "1000")
	queryInfo(r, con, verifySuccessCondition)
	resultFields(r)
	c.Interfaces = append(c.Interfaces, iface(CardVerify, "卡券验证", "002 §3.3, §4.3", q, r))

	// 4.4 card_cancel and 4.5 card_reversal share one shape.
	for _, x := range []struct{ name, title, sec, verb string }{
		{CardCancel, "卡券撤销", "002 §3.4, §4.4", "撤销"},
		{CardReversal, "卡券冲正", "002 §3.5, §4.5", "冲正"},
	} {
		q, r = newFB(catalog.Request), newFB(catalog.Reply)
		cardRequestHeader(q, x.name, true, true)
		q.add(x.name+"_request/valid_info", "String(256)", req, "验证数据 of the original verification", "1234567890123456")
		q.add(x.name+"_request/encode_type", "String(3)", opt, "验证数据类型: 099 or 098", "099")
		q.add(x.name+"_request/org_pos_seq", "String(32)", req, "原终端流水号: pos_seq of the verification to "+x.verb, "1511300000002").min(MinPosSeqLen)
		replyHeader(r, x.name, req)
		resultFields(r)
		c.Interfaces = append(c.Interfaces, iface(x.name, x.title, x.sec, q, r))
	}

	// 4.6 card_daily
	q, r = newFB(catalog.Request), newFB(catalog.Reply)
	cardRequestHeader(q, CardDaily, true, true)
	q.add("card_daily_request/daily_day", "String(8)", req, "日结日期 yyyymmdd, not after today", "20151130").min(8)
	replyHeader(r, CardDaily, "")
	resultFields(r)
	r.add("daily_info/goods_list/goods_custom_no", "String(10)", opt, "电子合约号: the platform's contract (goods) number", "P096033878")
	r.add("daily_info/goods_list/goods_name", "String(48)", opt, "电子合约简称", "50元代金券")
	r.add("daily_info/goods_list/act_validate_num", "String", opt, "实际验证笔数: verifications minus cancellations", "118")
	r.add("daily_info/goods_list/act_validate_amt", "String", opt, "实际验证金额 in fen: verified minus cancelled", "5801")
	c.Interfaces = append(c.Interfaces, iface(CardDaily, "卡券日结", "002 §3.6, §4.6", q, r))

	// 4.7 wecard_getcodeinfo
	q, r = newFB(catalog.Request), newFB(catalog.Reply)
	wecardRequestHeader(q, WecardGetCodeInfo, false)
	q.add("code", "String", opt, "礼品卡code", "111111111")
	q.add("encrypt_code", "String", opt, "微信加密后的code, decrypted to find the code", "")
	r.add("response_type", "String(32)", req, "返回类型, fixed "+ResponseType(WecardGetCodeInfo), ResponseType(WecardGetCodeInfo))
	r.add("isspid", "String(8)", req, "商户号", "39493002")
	r.add("transaction_id", "String", opt, "请求流水号 (echo)", "19021300000000003")
	r.add("extend", "String", opt, "扩展信息: JSON, reserved", "")
	for _, f := range []struct{ p, m, s string }{
		{"brand_name", "商家名称", "zy测试"}, {"logo_url", "商户logo (CDATA)", "http://mmbiz.qpic.cn/..."},
		{"card_type", "礼品卡类型: 2 single item, 3 cash", "2"}, {"title", "礼品卡名称", "张亚的礼品卡"},
		{"use_all_locations", "是否全门店: 0 no, 1 yes", "1"}, {"location_id_list", "可使用门店ID, comma separated", ""},
		{"service_phone", "商户电话号码", ""}, {"cancel_type", "核销方式: 2 self-service, 3 scan", "3"},
		{"stock", "商品库存", "6"}, {"time_type", "时间类型: DATE_TYPE_FIX_TIME_RANGE or DATE_TYPE_FIX_TERM", "DATE_TYPE_FIX_TIME_RANGE"},
		{"begin", "开始时间: Unix seconds, or days for FIX_TERM", "1549814400"}, {"end", "结束时间: Unix seconds, or days for FIX_TERM", "1550073599"},
	} {
		r.add("base_info/"+f.p, "String", opt, f.m, f.s)
	}
	for _, f := range []struct{ p, m, s string }{
		{"node_id", "商户唯一id", "1006"}, {"order_id", "订单id", "AQAAyfBdclRuhXBkBgWZ2Y6m3RKG"},
		{"card_id", "礼品卡id", "pBznZjo-nSrhYjUy0HPr4s4fDcvo"}, {"user_card_code", "code", "2234100004129"},
		{"total_price", "总金额 in fen", "1"}, {"overplus", "剩余金额: single-item price or cash balance, in fen", "1000"},
		{"use_flag", "卡面状态: 2 unconsumed 3 gifted 4 received 5 not received 6 transferring 7 consumed 8 invalid", "3"},
		{"consume_source", "核销来源", ""}, {"location_name", "核销门店", ""}, {"verify_time", "核销时间: Unix seconds", ""},
		{"req_seq", "流水号 (ours)", ""}, {"pos_id", "终端号", "00000000"}, {"store_id", "门店号", ""},
	} {
		r.add("trace_info/"+f.p, "String", opt, f.m, f.s)
	}
	resultFields(r)
	c.Interfaces = append(c.Interfaces, iface(WecardGetCodeInfo, "查询微信礼品卡信息", "002 §3.7, §4.7", q, r))

	// 4.8 wecard_gettracelist
	q, r = newFB(catalog.Request), newFB(catalog.Reply)
	wecardRequestHeader(q, WecardGetTraceList, false)
	q.addc("s_time", "String(8)", con, "e_time is given", "开始日期 yyyymmdd; both dates or neither", "20190214").min(8)
	q.addc("e_time", "String(8)", con, "s_time is given", "结束日期 yyyymmdd; both dates or neither", "20190214").min(8)
	q.addc("store_id", "String(10)", con, "pos_id is given", "门店号; store and terminal together or neither (5210: at most 10)", "6666666666")
	q.addc("pos_id", "String(10)", con, "store_id is given", "终端号; store and terminal together or neither (5211: at most 10)", "6666666666")
	q.add("code", "String", opt, "礼品卡code", "1111111111111111")
	r.add("response_type", "String(32)", req, "返回类型, fixed "+ResponseType(WecardGetTraceList), ResponseType(WecardGetTraceList))
	r.add("isspid", "String(8)", req, "商户号", "39493002")
	r.add("transaction_id", "String", opt, "请求流水号 (echo)", "2020042910009")
	r.add("extend", "String", opt, "扩展信息: JSON, reserved", "")
	r.add("current_page", "String", opt, "当前页码", "1")
	r.add("list", "array", opt, "交易列表", "")
	traceRow(r, "list")
	r.add("from", "String", opt, "本页从第几条数据开始", "1")
	r.add("to", "String", opt, "本页到第几条数据结束", "2")
	r.add("last_page", "String", opt, "最后一页页码", "1")
	r.add("per_page", "String", opt, "每页条数", "15")
	r.add("total", "String", opt, "总条数", "2")
	resultFields(r)
	c.Interfaces = append(c.Interfaces, iface(WecardGetTraceList, "获取商户微信礼品卡交易信息", "002 §3.8, §4.8", q, r))

	// 4.9 wecard_poscancelcard
	q, r = newFB(catalog.Request), newFB(catalog.Reply)
	wecardRequestHeader(q, WecardPosCancelCard, true)
	q.add("code", "String", req, "礼品卡code", "11111111")
	q.add("consume_source", "String", req, "核销渠道", "核销渠道")
	q.addc("amount", "String", con, "cash gift card (type 3)", "交易金额 in fen; absent means a single-item card", "125")
	r.add("response_type", "String(32)", req, "返回类型, fixed "+ResponseType(WecardPosCancelCard), ResponseType(WecardPosCancelCard))
	r.add("isspid", "String(8)", req, "商户号", "39493002")
	r.add("pos_id", "String(20)", req, "终端号", "6666666666")
	r.add("pos_seq", "String(32)", req, "终端流水号 (echo)", "1902140000000010")
	giftInfo(r, "核销")
	resultFields(r)
	c.Interfaces = append(c.Interfaces, iface(WecardPosCancelCard, "核销微信礼品卡", "002 §3.9, §4.9", q, r))

	// 4.10 wecard_getposseqinfo
	q, r = newFB(catalog.Request), newFB(catalog.Reply)
	wecardRequestHeader(q, WecardGetPosSeqInfo, false)
	q.addc("code", "String", con, "pos_seq is absent", "礼品卡code; exactly one of code and pos_seq", "267373474047")
	q.addc("pos_seq", "String(32)", con, "code is absent", "终端流水号; exactly one of code and pos_seq", "1902130000000005")
	r.add("response_type", "String(32)", req, "返回类型, fixed "+ResponseType(WecardGetPosSeqInfo), ResponseType(WecardGetPosSeqInfo))
	r.add("isspid", "String(8)", req, "商户号", "39493002")
	r.add("transaction_id", "String", opt, "请求流水号 (echo)", "1511300000004")
	r.add("extend", "String", opt, "扩展信息: JSON, reserved", "")
	r.add("pos_seq_info", "array", opt, "交易列表", "")
	traceRow(r, "pos_seq_info")
	resultFields(r)
	c.Interfaces = append(c.Interfaces, iface(WecardGetPosSeqInfo, "获取微信礼品卡流水信息", "002 §3.10, §4.10", q, r))

	// 4.11 wecard_posreturnd
	q, r = newFB(catalog.Request), newFB(catalog.Reply)
	wecardRequestHeader(q, WecardPosReturnd, true)
	q.add("org_pos_seq", "String(32)", req, "需退款的流水号: pos_seq of the consume", "1902140000000005").min(MinPosSeqLen)
	q.add("consume_source", "String", req, "退款渠道", "退款渠道")
	q.add("code", "String", req, "礼品卡code", "11111111")
	q.add("amount", "String", opt, "退款金额 in fen; absent: the whole consume", "125")
	r.add("response_type", "String(32)", req, "返回类型, fixed "+ResponseType(WecardPosReturnd), ResponseType(WecardPosReturnd))
	r.add("isspid", "String(8)", req, "商户号", "39493002")
	r.add("pos_id", "String(20)", req, "终端号", "6666666666")
	r.add("pos_seq", "String(32)", req, "终端流水号 (echo)", "1902140000000021")
	r.add("extend", "String", opt, "扩展信息: JSON, reserved", "")
	resultFields(r)
	c.Interfaces = append(c.Interfaces, iface(WecardPosReturnd, "微信礼品卡退款", "002 §3.11, §4.11", q, r))

	// 4.12 wecard_posrevoke
	q, r = newFB(catalog.Request), newFB(catalog.Reply)
	wecardRequestHeader(q, WecardPosRevoke, true)
	q.add("code", "String", req, "礼品卡code", "11111111")
	q.add("consume_source", "String", req, "注销渠道", "注销渠道")
	r.add("response_type", "String(32)", req, "返回类型, fixed "+ResponseType(WecardPosRevoke), ResponseType(WecardPosRevoke))
	r.add("isspid", "String(8)", req, "商户号", "39493002")
	r.add("pos_id", "String(20)", req, "终端号", "6666666666")
	r.add("pos_seq", "String(32)", req, "终端流水号 (echo)", "1902140000000010")
	giftInfo(r, "注销")
	resultFields(r)
	c.Interfaces = append(c.Interfaces, iface(WecardPosRevoke, "微信礼品卡注销", "002 §3.12, §4.12", q, r))

	c.Codes = codes()
	c.Errata = errata()
	c.FieldCodes = fieldCodes(c)
	return c
}

func codes() []catalog.Code {
	t := func(code, text, en string) catalog.Code {
		return catalog.Code{Code: code, Text: text, TextEN: en, Kind: codeKindTrade, Section: sectionCodes}
	}
	a := func(code, text, en string) catalog.Code {
		return catalog.Code{Code: code, Text: text, TextEN: en, Kind: codeKindAccess, Section: sectionCodes}
	}
	up := t(CodeUpstreamTimeout, "接口超时", "upstream interface timed out")
	up.Unprovokable = unprovokableUpstream
	times := a(CodeTimes, "验证次数格式不正确", "verification count malformed")
	times.Unprovokable = unprovokableTimes
	return []catalog.Code{
		t(CodeOK, "交易成功", "success"),
		up,
		t(CodeExpired, "条码已过期", "voucher expired"),
		t(CodeAmountNeeded, "需要输入金额", "an amount (tx_amt) is required"),
		t(CodeBalanceShort, "剩余金额不足", "remaining amount insufficient"),
		t(CodeCancelled, "条码已撤销", "voucher (or the original trade) already cancelled"),
		t(CodeAlreadyVerified, "条码已验证", "voucher already verified (used up)"),
		t(CodeNoOriginal, "没有找到原交易记录", "original transaction not found"),
		t(CodeFailed, "交易失败", "transaction failed (with a specific description)"),
		a(CodeNoXML, "请求报文内容不正确. 无法获取XML报文", "no xml parameter in the request body"),
		a(CodeBadXML, "XML格式错误, 无法解析", "XML malformed, cannot be parsed"),
		a(CodeMethod, "请求方法不支持", "request method (request_type) not supported"),
		a(CodeSystemIDFormat, "接入平台号格式不正确", "system_id malformed"),
		a(CodeISSPIDFormat, "商户编号格式不正确", "isspid malformed"),
		a(CodeIPNotAllowed, "发起请求的IP地址没有授权访问该接口", "caller IP not authorised"),
		a(CodeSystemIDWrong, "接入平台号不正确", "system_id wrong for this merchant"),
		a(CodeBadMAC, "MAC值校验失败", "MAC check failed"),
		a(CodeNotAuthorised, "商户没有授权访问该接口", "merchant not authorised for this interface"),
		a(CodePosID, "终端号不能为空, 且长度不超过10", "pos_id empty or longer than 10"),
		a(CodeSystemIDEmpty, "接入平台号不能为空", "system_id empty"),
		a(CodePosSeq, "终端流水号格式不正确", "pos_seq malformed"),
		a(CodeStoreID, "门店号不能超过10位", "store_id longer than 10"),
		a(CodeUserID, "操作员编号长度不能超过12位", "user_id longer than 12"),
		a(CodeValidInfo, "验证数据格式不正确", "valid_info malformed"),
		a(CodeEncodeType, "验证类型格式不正确", "encode_type malformed"),
		a(CodeTxAmt, "交易金额单位为分, 数值必须为大于等于0的整数", "tx_amt must be an integer >= 0 in fen"),
		times,
		a(CodeOrgPosSeq, "原终端流水号格式不正确", "org_pos_seq malformed"),
		a(CodeDailyDay, "日结日期 (daily_day) 格式不正确", "daily_day malformed"),
		a(CodeBindIPWrong, "终端绑定ip不正确", "terminal is bound to another IP"),
		a(CodeBindIPFailed, "终端绑定ip失败", "binding the terminal to this IP failed"),
		a(CodeStoreName, "门店名称或详称格式不正确", "store_name malformed"),
		a(CodeNoTerminal, "没有该终端", "no such terminal"),
		a(CodeSTime, "开始日期 (s_time) 格式不正确", "s_time malformed"),
		a(CodeETime, "结束日期 (e_time) 格式不正确", "e_time malformed"),
	}
}

func errata() []catalog.Erratum {
	return []catalog.Erratum{
		{ID: "E-IPOS-CODE-COUNT", Seed: "002 §5",
			Issue:   "the issue and index speak of 33 codes (9 trade + 24 access); §5's two access tables list 26 access codes (35 in all)",
			Reading: "all 35 codes of §5 are catalogued as written; none is dropped", Where: whereIPos},
		{ID: "E-IPOS-REPLY-MAC", Seed: "002 §2",
			Issue:   "the MAC rule says 密钥+请求/应答报文+密钥, but the body format says 应答：响应报文 (the reply is the bare XML) and no reply field or header carries a MAC",
			Reading: "replies carry no MAC; the client does not demand one. Only requests are MACed (over the exact GBK bytes of the xml parameter)",
			Where:   whereSimulator + ", " + whereClient},
		{ID: "E-IPOS-DAILY-ROOT", Seed: "002 §4.6",
			Issue:   "the reply table says response_type is card_daily_request; the sample says card_daily_response",
			Reading: "the simulator sends card_daily_response (the pattern of every other interface); CheckReply accepts either and says so",
			Where:   whereSimulator + ", " + whereIPos},
		{ID: "E-IPOS-REVERSAL-AFTER-CANCEL", Seed: "002 §3.4, §3.5",
			Issue:   "nothing says what a reversal (冲正) of a verification that was already cancelled (撤销), or a second cancel, does",
			Reading: "the original is undone once: a later cancel or reversal of it answers 3037 and moves no money; a resend of the same reversal (same pos_seq) replays the first reply",
			Where:   whereSimulator},
		{ID: "E-IPOS-DAILY-FUTURE", Seed: "002 §4.6",
			Issue:   "daily_day 必须小于等于当前日期, but no code is named for a later date",
			Reading: "a daily_day after today (simulator clock, local date of the platform, UTC+8) answers 5218, like a malformed date",
			Where:   whereSimulator},
		{ID: "E-IPOS-DAILY-WINDOW", Seed: "002 §3.6, §4.6",
			Issue:   "the summary covers 上次日结到本次日结 per terminal, yet the request names a day (daily_day)",
			Reading: "daily_day is validated only; the summary covers the terminal's verifications since its previous daily (cancellations and reversals subtract), and the daily closes that window",
			Where:   whereSimulator},
		{ID: "E-IPOS-LEN-LIMITS", Seed: "002 §4.1-§4.12, §5",
			Issue:   "tables give pos_id/store_id String(20) and user_id String(20)/String(24), while codes 5211/5210/5209 say not longer than 10/10/12",
			Reading: "the request tables carry the codes' limits (pos_id <= 10, store_id and store_info/store_id <= 10, user_id <= 12; the replies keep the tables' 20), counted like every length of the seed in GBK bytes (a Chinese character is 2), which every sample satisfies",
			Where:   whereIPos + ", " + whereSimulator},
		{ID: "E-IPOS-FIXED-LENGTHS", Seed: "002 §4, §5",
			Issue:   "the tables give only maximum lengths, yet isspid (8), system_id (4), daily_day, s_time and e_time (yyyymmdd) have one length in every sample and a format code (6104, 6105, 5218, 5511, 5512), and a required pos_seq (and an org_pos_seq naming one) must be 大于12位",
			Reading: "isspid is exactly 8 digits, system_id 4, the dates 8; a required pos_seq and every org_pos_seq at least 13 digits; one byte short is malformed and gets the field's format code",
			Where:   whereIPos + ", " + whereSimulator},
		{ID: "E-IPOS-FIELD-CODES", Seed: "002 §5",
			Issue:   "§5 names a code per field without saying which faults of the field it covers",
			Reading: "a 不能为空 code (5200, 5211) covers a missing or empty element; a 格式不正确 code (6104, 6105, 5212-5216, 5218, 5221, 5511, 5512) a value that is there but malformed (empty, too long or short, wrong type); a 不能超过 code (5209, 5210) its length; a missing element whose code only speaks of its format gets any documented error code (the simulator answers the format code), as do the gift-card fields §5 names nothing for (the simulator answers 9990, E-IPOS-GIFT-CODES) and a refund's amount (5221 names 交易金额; the simulator answers 5221)",
			Where:   whereIPos},
		{ID: "E-IPOS-REDEEM-POSSEQ-LEN", Seed: "002 §4.2",
			Issue:   "verify_info/redeem/pos_seq is String(10) but pos_seq must be longer than 12 digits (the sample has 13)",
			Reading: "redeem pos_seq is checked against String(32), the pos_seq length everywhere else",
			Where:   whereIPos},
		{ID: "E-IPOS-GOODS-NO-LEN", Seed: "002 §4.6",
			Issue:   "goods_custom_no is String(10) but the sample carries 7000002015122500 (16)",
			Reading: "goods_custom_no is not length-checked beyond 32",
			Where:   whereIPos},
		{ID: "E-IPOS-VERIFY-SYSTEMID", Seed: "002 §4.3",
			Issue:   "the card_verify reply table lists system_id as 必填; the sample reply has none",
			Reading: "system_id in the card_verify reply is optional; the simulator echoes it",
			Where:   whereIPos},
		{ID: "E-IPOS-BIND-SYSSEQ", Seed: "002 §4.1",
			Issue:   "the bind_pos sample reply has sys_seq, its table does not",
			Reading: "sys_seq is optional in the bind_pos reply; the simulator sends it",
			Where:   whereIPos},
		{ID: "E-IPOS-DUP-POSSEQ", Seed: "002 §4.2-§4.12",
			Issue:   "pos_seq 同一个商户必须唯一, but no code is named for a repeat",
			Reading: "a repeat of an identical request (same interface, same body) replays the first reply and moves no money; a different request reusing a pos_seq answers 9990 (终端流水号重复); bind_pos, whose pos_seq is optional, is exempt",
			Where:   whereSimulator},
		{ID: "E-IPOS-HISTORY", Seed: "002 §4.2-§4.12",
			Issue:   "pos_seq is unique per merchant, but the seed gives no window for resends, cancellations, reversals or the gift card trace list, and a server cannot remember every pos_seq for ever",
			Reading: "the simulator keeps the latest sim.Options.History pos_seqs (default 10 000; paycert sim --history) whole: their replies are replayed and their verifications undone; an older pos_seq is forgotten: a resend of it is a new request, a cancel or reversal of its verification answers 0809, card_query's verify_info no longer lists it; gift card trace rows age out of the same window (the trace list and refunds see the kept ones); voucher and gift card balances, Totals and Audit count the aged entries by their sums, so the ledger stays exact",
			Where:   whereSimulator},
		{ID: "E-IPOS-CANCEL-RESTORES", Seed: "002 §3.4, §4.2",
			Issue:   "va_status 1 is 撤消 but card_cancel (撤销) is not said to set it; 3037 条码已撤销 has no stated trigger",
			Reading: "va_status 1 is a voucher voided by its issuer (verifying it answers 3037); card_cancel and card_reversal undo one verification and restore amount/times (va_status back to 0, or 2 while other verifications remain); undoing an undone verification answers 3037",
			Where:   whereSimulator},
		{ID: "E-IPOS-UNKNOWN-MERCHANT", Seed: "002 §5",
			Issue:   "no code is named for a well-formed isspid the platform does not know (its MAC key is unknown)",
			Reading: "answered 6101 (商户没有授权访问该接口), before the MAC check",
			Where:   whereSimulator},
		{ID: "E-IPOS-METHOD", Seed: "002 §5",
			Issue:   "6107 请求方法不支持 does not say whether HTTP method or request_type is meant",
			Reading: "both: a request_type outside the 12 interfaces, or an HTTP method other than POST, answers 6107",
			Where:   whereSimulator},
		{ID: "E-IPOS-TRACE-PAGING", Seed: "002 §4.8",
			Issue:   "the reply pages (current_page, per_page, last_page) but the request has no page element",
			Reading: "15 rows per page, newest last; an undocumented optional <page> element selects a page (default 1)",
			Where:   whereSimulator},
		{ID: "E-IPOS-GIFT-CODES", Seed: "002 §4.7-§4.12",
			Issue:   "no code is named for gift-card failures (unknown code, both/neither of code and pos_seq, refund over the consumed amount, consume of a revoked card)",
			Reading: "trade codes where they fit (0325 balance short, 0305 cash card without amount, 3038 single-item card already consumed, 3037 card revoked, 3044 expired, 0809 unknown original); otherwise 9990 with a specific comment",
			Where:   whereSimulator},
		{ID: "E-IPOS-REQUEST-CHARSET", Seed: "002 §2",
			Issue:   "传输时的charset需要设置为GBK but not how: header, declaration or both",
			Reading: "the client sends Content-Type application/x-www-form-urlencoded; charset=GBK and the GBK declaration; the simulator decodes the xml by its declaration. No code names a charset error: xml whose bytes are not in the charset it declares (invalid GBK, or UTF-8 text declared GBK: valid UTF-8 holding Chinese characters, which GBK text practically never is, ipos.CheckCharset) answers 6106 (the XML cannot be read as declared), before any length or content rule; strict mode records it (rule charset), and a Content-Type without charset=GBK or a declaration other than GBK",
			Where:   whereClient + ", " + whereSimulator},
		{ID: "E-IPOS-NO-TERMINAL-CODES", Seed: "002 §4.8, §4.10",
			Issue:   "store_id/pos_id must be given together in wecard_gettracelist; no code is named for one without the other",
			Reading: "answered 9990 with comment 门店号与终端号需同时传入",
			Where:   whereSimulator},
	}
}
