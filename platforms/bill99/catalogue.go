package bill99

import "paycert/platforms/catalog"

// Seed is the spec this package implements.
const Seed = "001 (99bill 协议支付 API 1.0.1, 2019-03-14)"

// Namespace is the default namespace of every MasMessage (seed 001 §4.1..4.7).
const Namespace = "http://www.99bill.com/mas_cnp_merchant_interface"

// Interface names (labels "interface:<name>").
const (
	IfIndAuth       = "ind_auth"
	IfIndAuthVerify = "ind_auth_verify"
	IfPurchase      = "purchase"
	IfQueryTxn      = "query_txn"
	IfCardInfo      = "card_info"
	IfPciDel        = "pci_del"
	IfPciQuery      = "pci_query"
	IfTR3           = "tr3_notice"
)

// URL paths (seed 001 §4.1..4.7; card_info shares query_txn's, erratum
// E-BILL99-CARDINFO-URL).
const (
	PathIndAuth       = "/cnp/ind_auth"
	PathIndAuthVerify = "/cnp/ind_auth_verify"
	PathPurchase      = "/cnp/purchase"
	PathQueryTxn      = "/cnp/query_txn"
	PathPciDel        = "/cnp/pci_del"
	PathPciQuery      = "/cnp/pci_query"
)

// PathOf is the URL path of an interface's requests ("" for the TR3
// notice, which goes to the merchant's tr3Url, and for an unknown name): the
// Path column of Catalogue as a switch, since clients look it up on every
// request (TestPathOfMatchesCatalogue keeps the two equal).
func PathOf(iface string) string {
	switch iface {
	case IfIndAuth:
		return PathIndAuth
	case IfIndAuthVerify:
		return PathIndAuthVerify
	case IfPurchase:
		return PathPurchase
	case IfQueryTxn, IfCardInfo:
		return PathQueryTxn
	case IfPciDel:
		return PathPciDel
	case IfPciQuery:
		return PathPciQuery
	}
	return ""
}

// Content element of each interface's request.
const (
	ElIndAuth   = "indAuthContent"
	ElVerify    = "indAuthDynVerifyContent"
	ElTxn       = "TxnMsgContent"
	ElQryTxn    = "QryTxnMsgContent"
	ElCardInfo  = "CardInfoContent"
	ElPciDelete = "PciDeleteContent"
	ElPciQuery  = "PciQueryContent"
	ElError     = "ErrorMsgContent"
)

// RequestContent is the content element of iface's requests ("" for an
// unknown name): the prefix of the interface's request fields in Catalogue
// (TestRequestContentMatchesCatalogue keeps the two equal).
func RequestContent(iface string) string {
	switch iface {
	case IfIndAuth:
		return ElIndAuth
	case IfIndAuthVerify:
		return ElVerify
	case IfPurchase, IfTR3:
		return ElTxn
	case IfQueryTxn:
		return ElQryTxn
	case IfCardInfo:
		return ElCardInfo
	case IfPciDel:
		return ElPciDelete
	case IfPciQuery:
		return ElPciQuery
	}
	return ""
}

// InterfaceAt names the interface whose requests are posted to path with
// content element el, "" when none is: query_txn and card_info share one
// path (E-BILL99-CARDINFO-URL) and are told apart by the element.
func InterfaceAt(path, el string) string {
	for _, name := range [...]string{IfIndAuth, IfIndAuthVerify, IfPurchase, IfQueryTxn, IfCardInfo, IfPciDel, IfPciQuery} {
		if PathOf(name) == path && RequestContent(name) == el {
			return name
		}
	}
	return ""
}

// Response codes (seed 001 §4.14 and §5.3.1).
const (
	RCSuccess      = "00"
	RCTimeoutC0    = "C0"
	RCTimeout68    = "68"
	RCNotBound     = "T3"
	RCBadCode      = "T6"
	RCBadMerchant  = "M1"
	RCTxnType      = "M7"
	RCNoRoute      = "L8"
	RCPermission   = "TC"
	RCLimit        = "I8"
	RCPhone        = "HW"
	RCResign       = "ZG"
	ECBadMerchant  = "B.MGW.0001"
	ECUnparsable   = "B.MGW.0100"
	ECField        = "B.MGW.0120"
	ECDuplicateRef = "B.MGW.0130"
	ECNoTxn        = "B.MGW.0170"
)

// SignatureHeader carries the TR3 notice signature: standard base64 of
// RSA-SHA1 over the exact GBK body bytes (erratum E-BILL99-TR3-SIGNATURE).
const SignatureHeader = "X-99Bill-Signature"

// Transaction types of table 4.9; agreement payment is PUR.
const (
	TxnPurchase      = "PUR" // 消费交易
	TxnInstalment    = "INP" // 分期消费交易
	TxnPreAuth       = "PRE" // 预授权交易
	TxnPreAuthFinish = "CFM" // 预授权完成交易
	TxnVoid          = "VTX" // 撤销交易
	TxnRefund        = "RFD" // 退货交易
	TxnCardCheck     = "CIV" // 卡信息验证交易
	TxnRealName      = "RNA" // 实名验证交易
)

// TxnTypes is table 4.9.
func TxnTypes() map[string]string {
	return map[string]string{TxnPurchase: "消费交易", TxnInstalment: "分期消费交易", TxnPreAuth: "预授权交易",
		TxnPreAuthFinish: "预授权完成交易", TxnVoid: "撤销交易", TxnRefund: "退货交易", TxnCardCheck: "卡信息验证交易",
		TxnRealName: "实名验证交易"}
}

// interactiveStatus of a TxnMsgContent (§4.3, §5.3.2): the merchant's TR1,
// the platform's TR2 reply, its TR3 notice and the merchant's TR4 ack.
const (
	StatusTR1 = "TR1"
	StatusTR2 = "TR2"
	StatusTR3 = "TR3"
	StatusTR4 = "TR4"
)

// TR3Deliveries is how many times the platform sends a TR3 notice that
// gets no correct TR4: the first delivery and 10 resends (§5.3.2,
// E-BILL99-TR3-RESEND).
const TR3Deliveries = 11

// SpFlagAgreement is the spFlag of agreement payment (§4.13: QuickPay is
// authenticated payment, which seed 001 does not cover).
const SpFlagAgreement = "QPay02"

// txnStatus of an order (§4.4).
const (
	TxnSucceeded = "S"
	TxnFailed    = "F"
	TxnPending   = "P"
)

// cardType (§4.6, §4.7).
const (
	CardCredit = "0001"
	CardDebit  = "0002"
)

// IDTypes is table 4.10.
func IDTypes() map[string]string {
	return map[string]string{"0": "身份证类型", "1": "护照类型", "2": "军官证", "3": "士兵证", "4": "港澳台通行证",
		"5": "临时身份证", "6": "户口本", "7": "其他类型证件", "9": "警官证", "12": "外国人居留证", "15": "回乡证",
		"16": "企业营业执照", "17": "法人代码证", "18": "台胞证"}
}

// CardOrgs is table 4.11.
func CardOrgs() map[string]string {
	return map[string]string{"VI": "Visa 维萨", "MC": "Mastercard 万事达", "AX": "American Express 美国运通",
		"DC": "Diners Club 大莱", "JC": "JCB", "CU": "China Unionpay 中国银联"}
}

// BankIDs is table 4.12 (code → bank name). The table lists SHB (上海银行)
// twice; a map keeps one.
func BankIDs() map[string]string {
	rows := [][2]string{
		{"ICBC", "工商银行"}, {"ABC", "农业银行"}, {"BOC", "中国银行"}, {"CCB", "建设银行"}, {"CMB", "招商银行"},
		{"BCOM", "交通银行"}, {"SPDB", "浦发银行"}, {"CITIC", "中信银行"}, {"CIB", "兴业银行"}, {"CMBC", "民生银行"},
		{"PAB", "平安银行"}, {"GDB", "广发银行"}, {"SHB", "上海银行"}, {"CEB", "光大银行"}, {"HXB", "华夏银行"},
		{"PSBC", "中国邮政储蓄银行"}, {"JSB", "江苏银行"}, {"NBCB", "宁波银行"}, {"DLB", "大连银行"}, {"SRCB", "上海农商行"},
		{"WZB", "温州银行"}, {"JJB", "九江银行"}, {"NCB", "南昌银行"}, {"IMB", "内蒙古银行"}, {"ORDOSB", "鄂尔多斯银行"},
		{"BSB", "包商银行"}, {"JZB", "锦州银行"}, {"QLB", "齐鲁银行"}, {"WHCCB", "威海市商业银行"}, {"WFB", "潍坊银行"},
		{"HBBB", "湖北银行"}, {"CDB", "承德银行"}, {"HZB", "杭州银行"}, {"TZB", "台州银行"}, {"LZB", "兰州银行"},
		{"SRB", "上饶银行"}, {"HRBB", "哈尔滨银行"}, {"LJB", "龙江银行"}, {"GZCB", "广州银行"}, {"HSB", "徽商银行"},
		{"NXB", "宁夏银行"}, {"DYB", "东营银行"}, {"NJCB", "南京银行"}, {"GYB", "贵阳银行"}, {"QHB", "青海银行"},
		{"YZB", "鄞州银行"}, {"CSB", "长沙银行"}, {"CQB", "重庆银行"}, {"HBB", "河北银行"}, {"CDRCBB", "成都农商"},
		{"ZJTLCB", "泰隆商行"}, {"SXRCB", "绍兴银行"}, {"ZJCZCB", "稠州商行"}, {"ZJRCC", "浙江农信"}, {"HZRCB", "湖州商行"},
		{"ZJMTCB", "民泰商行"}, {"JHRCB", "金华银行"}, {"GZRCB", "赣州银行"}, {"CRB", "广州农商行"}, {"DGB", "东莞银行"},
		{"DGRCB", "东莞农商行"}, {"HYB", "华润银行"}, {"NYB", "南粤银行"}, {"SDRCB", "顺德农商行"}, {"SZSB", "石嘴山银行"},
		{"SJB", "盛京银行"}, {"LSSRCB", "临商银行"}, {"DZB", "德州银行"}, {"LSB", "莱商银行"}, {"RZRCB", "日照银行"},
		{"QSRCB", "齐商银行"}, {"BJRCB", "北京农商行"}, {"CSRCB", "常熟农商行"}, {"JYRCB", "江阴农商行"}, {"JSRCU", "江苏农信"},
		{"WXRCB", "无锡农商行"}, {"WJRCB", "吴江农商行"}, {"FJRCC", "福建农信"}, {"GXBBWB", "广西北部湾"}, {"QHRCC", "青海农信"},
		{"HNRCC", "湖南农信"}, {"QDRCB", "青岛银行"}, {"SQB", "商丘银行"}, {"HKB", "汉口银行"}, {"JLRCB", "吉林银行"},
		{"CQRCB", "重庆农商"}, {"TJRCB", "天津农商"}, {"TJB", "天津银行"}, {"YNRCC", "云南农信"}, {"FDB", "富滇银行"},
		{"SXRCC", "山西省联社"}, {"BOCD", "成都银行"},
	}
	m := make(map[string]string, len(rows))
	for _, r := range rows {
		m[r[0]] = r[1]
	}
	return m
}

// ImportantFields is §4.13, rule by rule ("所有字段区分大小写": every element
// name and fixed value is case-sensitive).
func ImportantFields() []string {
	return []string{
		"all fields are case-sensitive",
		"externalRefNumber: merchant order number, unique per transaction; the sign-up (ind_auth) and its verification must carry the same one, otherwise T6",
		"customerId: the merchant's user id, unique per user; with payToken it selects the bound card",
		"payToken: returned after binding; with customerId it selects the card for later purchases",
		"token: the SMS-code token from ind_auth, passed through to the verification; unrelated to payToken",
		"tr3Url: the TR3 notice address; when the message carries one it wins over the configured one",
		"validCode: the SMS code, passed exactly to the verification",
		"spFlag: QuickPay for authenticated payment, QPay02 for agreement payment",
		"savePciFlag: 0 do not store (default), 1 store",
		"payBatch: 1 first payment, 2 repeat payment; agreement payment always 2",
	}
}

// Field presences and shapes used below.
const (
	tN   = "Number"   // digits only
	tS   = "String"   // any text
	tAmt = "Amount"   // decimal, at most 2 fraction digits, > 0
	tDT  = "DateTime" // YYYYMMDDhhmmss
)

func req(path, typ string, min, max int, p catalog.Presence, meaning, sample string) catalog.Field {
	return catalog.Field{Dir: catalog.Request, Path: path, Type: typ, MinLen: min, MaxLen: max, Presence: p, Meaning: meaning, Sample: sample}
}

func rep(path, typ string, min, max int, p catalog.Presence, meaning, sample string) catalog.Field {
	return catalog.Field{Dir: catalog.Reply, Path: path, Type: typ, MinLen: min, MaxLen: max, Presence: p, Meaning: meaning, Sample: sample}
}

func cond(f catalog.Field, when string) catalog.Field {
	f.Presence = catalog.Conditional
	f.Condition = when
	return f
}

const (
	R = catalog.Required
	O = catalog.Optional
)

// Catalogue is seed 001 as data: seven interfaces plus the TR3/TR4 notice,
// the response codes and the errorCodes, and the errata register.
func Catalogue() *catalog.Catalogue {
	errFields := func(el string) []catalog.Field {
		return []catalog.Field{
			rep("version", tS, 1, 6, R, "接口版本号", "1.0"),
			rep(ElError+"/errorCode", tS, 1, 16, O, "错误代码 (format check, never with responseCode)", "B.MGW.0001"),
			rep(ElError+"/errorMessage", tS, 0, 128, O, "错误消息", "错误的商户编号"),
			rep(el+"/responseCode", tS, 2, 2, O, "应答码 (business result, never with errorCode)", "00"),
			rep(el+"/responseTextMessage", tS, 0, 128, O, "应答码文本消息", "交易成功"),
		}
	}
	ia := ElIndAuth + "/"
	iv := ElVerify + "/"
	tx := ElTxn + "/"
	qt := ElQryTxn + "/"
	ci := ElCardInfo + "/"
	pd := ElPciDelete + "/"
	pq := ElPciQuery + "/"
	pi := ElPciQuery + "/pciInfos/pciInfo/"

	c := &catalog.Catalogue{
		Platform: "bill99",
		Title:    "99bill (快钱) agreement payment (协议支付) CNP API",
		Seed:     Seed,
		Document: "快钱 协议支付 API 接口说明 V1.0.1 (2019-03-14)",
	}
	c.Interfaces = []catalog.Interface{
		{Name: IfIndAuth, Title: "签约申请接口(卡信息验证-发送动态码)", Section: "001 §4.1", Path: PathIndAuth, Fields: append([]catalog.Field{
			req("version", tS, 1, 6, R, "接口版本号, 1.0", "1.0"),
			req(ia+"merchantId", tN, 15, 15, R, "商户号", "104110045112012"),
			req(ia+"terminalId", tN, 8, 8, R, "终端号", "00002012"),
			req(ia+"customerId", tS, 1, 32, R, "客户号 (merchant's user id)", "fj2030"),
			req(ia+"externalRefNumber", tS, 1, 32, R, "外部跟踪编号 (order number; same in ind_auth_verify)", "d2f3f42g"),
			req(ia+"pan", tN, 12, 19, R, "卡号", "6225757519832520"),
			req(ia+"cardHolderName", tS, 0, 32, O, "持卡人户名 (first sign-up; bank may require it: TC)", "小强"),
			req(ia+"idType", tN, 0, 32, O, "证件类型 (4.10; 0 = 身份证)", "0"),
			req(ia+"cardHolderId", tS, 0, 32, O, "证件号码", "32058219870706111X"),
			req(ia+"expiredDate", tN, 4, 4, O, "有效期 MMYY (credit cards)", "1007"),
			req(ia+"cvv2", tN, 3, 3, O, "卡校验码 (credit cards; debit cards do not send it)", "111"),
			req(ia+"phoneNO", tN, 1, 20, R, "手机号码 (bank-reserved; mismatch: HW)", "13500000000"),
			rep(ia+"merchantId", tN, 15, 15, R, "商户号 (echo)", "104110045112012"),
			rep(ia+"terminalId", tN, 8, 8, R, "终端号 (echo)", "00002012"),
			rep(ia+"customerId", tS, 1, 32, R, "客户号 (echo)", "fj2030"),
			rep(ia+"externalRefNumber", tS, 1, 32, R, "外部跟踪编号 (echo)", "d2f3f42g"),
			rep(ia+"storablePan", tN, 10, 10, R, "缩略卡号: first 6 + last 4 of the pan", "6225752520"),
			rep(ia+"token", tS, 1, 32, R, "令牌信息 (pass to ind_auth_verify; not a payToken)", "1300177"),
		}, errFields(ElIndAuth)...)},
		{Name: IfIndAuthVerify, Title: "签约短信验证接口(卡信息验证-动态码验证交易)", Section: "001 §4.2", Path: PathIndAuthVerify, Fields: append([]catalog.Field{
			req("version", tS, 1, 6, R, "接口版本号", "1.0"),
			req(iv+"merchantId", tN, 15, 15, R, "商户号", "104110045112012"),
			req(iv+"terminalId", tN, 8, 8, O, "终端号 (not in the table, in the sample)", "00002012"),
			req(iv+"customerId", tS, 1, 32, R, "客户号", "fj2030"),
			req(iv+"externalRefNumber", tS, 1, 32, R, "原交易签约申请外部跟踪编号 (same as ind_auth; else T6)", "d2f3f42g"),
			req(iv+"pan", tN, 12, 19, R, "卡号", "6225757519832520"),
			req(iv+"phoneNO", tN, 1, 20, R, "手机号码", "13500000000"),
			req(iv+"validCode", tN, 6, 6, R, "验证码 (single use; reuse: T6)", "523142"),
			req(iv+"token", tS, 1, 12, R, "令牌信息 from ind_auth", "1300177"),
			rep(iv+"merchantId", tN, 15, 15, R, "商户号", "104110045112012"),
			rep(iv+"customerId", tS, 1, 32, R, "客户号", "fj2030"),
			rep(iv+"externalRefNumber", tS, 1, 32, R, "外部跟踪编号", "d2f3f42g"),
			rep(iv+"storablePan", tN, 10, 10, R, "缩略卡号", "6225752520"),
			cond(rep(iv+"payToken", tN, 19, 19, R, "支付标记 (keep it; with customerId selects the card)", "8120000002712994411"), "responseCode 00"),
		}, errFields(ElVerify)...)},
		{Name: IfPurchase, Title: "协议支付接口 (TR1→TR2)", Section: "001 §4.3", Path: PathPurchase, Fields: append([]catalog.Field{
			req("version", tS, 1, 6, R, "接口版本号", "1.0"),
			req(tx+"txnType", tS, 3, 3, R, "交易类型编码 (PUR)", "PUR"),
			req(tx+"interactiveStatus", tS, 3, 3, R, "消息状态 (TR1)", "TR1"),
			req(tx+"merchantId", tN, 15, 15, R, "商户号", "104110045112012"),
			req(tx+"terminalId", tN, 8, 8, R, "终端号", "00002012"),
			req(tx+"customerId", tS, 1, 32, R, "客户号", "fj2030"),
			req(tx+"spFlag", tS, 1, 32, R, "特殊交易标志 (QPay02)", "QPay02"),
			req(tx+"externalRefNumber", tS, 1, 32, R, "外部跟踪编号 (unique per merchant)", "d2f3f42g"),
			req(tx+"entryTime", tDT, 14, 14, R, "商户端交易时间", "20190111151320"),
			req(tx+"amount", tAmt, 1, 12, R, "金额 (yuan, at most 2 decimals)", "10"),
			req(tx+"storableCardNo", tN, 10, 10, O, "缩略卡号 (the sample calls it storablePan)", "6225752520"),
			req(tx+"payToken", tN, 19, 19, R, "支付协议号", "8120000000000700000"),
			req(tx+"settleMerchantId", tN, 15, 15, O, "结算商户号", "104110045112012"),
			req(tx+"tr3Url", tS, 0, 128, O, "异步通知地址 (wins over the configured one)", "https://www.99bill.com/notify"),
			req(tx+"bankId", tS, 0, 6, O, "银行简称 (4.12)", "ICBC"),
			req(tx+"ext1", tS, 0, 32, O, "扩展字段1", "今天的"),
			rep(tx+"txnType", tS, 3, 3, R, "交易类型编码", "PUR"),
			cond(rep(tx+"refNumber", tN, 12, 12, R, "系统参考号", "110037487081"), "the order reached the bank (00, C0, 68, I8, ZG)"),
			rep(tx+"interactiveStatus", tS, 3, 3, R, "消息状态 (TR2)", "TR2"),
			rep(tx+"amount", tAmt, 1, 12, R, "金额 (echo)", "10"),
			rep(tx+"transTime", tDT, 14, 14, R, "交易传输时间", "20190111151320"),
			rep(tx+"merchantId", tN, 15, 15, R, "商户号", "104110045112012"),
			rep(tx+"terminalId", tN, 8, 8, R, "终端号", "00002012"),
			rep(tx+"entryTime", tDT, 14, 14, R, "商户端交易时间 (echo)", "20190111151320"),
			rep(tx+"customerId", tS, 1, 32, R, "客户号", "fj2030"),
			rep(tx+"externalRefNumber", tS, 1, 32, R, "外部跟踪编号 (echo)", "d2f3f42g"),
			cond(rep(tx+"storableCardNo", tN, 10, 10, R, "缩略卡号 (table: storablePan; samples: storableCardNo)", "6225752520"), "the card was resolved"),
			rep(tx+"bindType", tN, 1, 1, O, "接入方式", "0"),
			rep(tx+"settleMerchantId", tN, 15, 15, O, "结算商户号", "104110045112012"),
			rep(tx+"payToken", tN, 19, 19, O, "支付协议号", "8120000000000700000"),
			rep(tx+"cardOrg", tS, 2, 2, O, "卡组织编号 (4.11)", "CU"),
			rep(tx+"issuer", tS, 0, 64, O, "发卡行银行名称", "中国银行"),
			cond(rep(tx+"authorizationCode", tS, 6, 6, R, "授权码", "123456"), "responseCode 00"),
		}, errFields(ElTxn)...)},
		{Name: IfQueryTxn, Title: "查询交易流水接口", Section: "001 §4.4", Path: PathQueryTxn, Fields: append([]catalog.Field{
			req("version", tS, 1, 6, R, "接口版本号", "1.0"),
			cond(req(qt+"externalRefNumber", tS, 1, 32, R, "外部跟踪编号", "d2f3f42g"), "one of externalRefNumber, refNumber"),
			cond(req(qt+"refNumber", tN, 12, 12, R, "系统参考号", "110037482181"), "one of externalRefNumber, refNumber"),
			req(qt+"txnType", tS, 3, 3, R, "交易类型 (4.9; the table says 4.10)", "PUR"),
			req(qt+"merchantId", tN, 15, 15, R, "商户号", "104110045112012"),
			req(qt+"terminalId", tN, 8, 8, O, "终端号", "00002012"),
			req(qt+"txnStatus", tS, 1, 1, O, "交易状态 filter S/P/F", "S"),
			rep(qt+"externalRefNumber", tS, 1, 32, O, "echo of the query", "d2f3f42g"),
			rep(qt+"txnType", tS, 3, 3, O, "echo of the query", "PUR"),
			rep(qt+"merchantId", tN, 15, 15, O, "echo of the query", "104110045112012"),
			rep(tx+"externalRefNumber", tS, 1, 32, R, "外部跟踪编号", "d2f3f42g"),
			rep(tx+"refNumber", tN, 12, 12, R, "系统参考号", "110037482181"),
			rep(tx+"txnType", tS, 3, 3, R, "交易类型", "PUR"),
			rep(tx+"merchantId", tN, 15, 15, R, "商户号", "104110045112012"),
			rep(tx+"terminalId", tN, 8, 8, R, "终端号", "00002012"),
			rep(tx+"txnStatus", tS, 1, 1, R, "交易状态 S/F/P", "S"),
			rep(tx+"amount", tAmt, 1, 12, R, "金额", "10"),
			rep(tx+"entryTime", tDT, 14, 14, R, "商户端交易时间", "20180808181800"),
			rep(tx+"customerId", tS, 1, 32, O, "客户号", "6214833617"),
			rep(tx+"transTime", tDT, 14, 14, R, "交易传输时间", "20180808181800"),
			rep(tx+"voidFlag", tN, 1, 1, R, "撤销标志 1 voided / 0 not", "0"),
			rep(tx+"cardOrg", tS, 2, 2, O, "卡组织编号", "CU"),
			rep(tx+"issuer", tS, 0, 64, O, "发卡银行名称", "招商银行"),
			rep(tx+"storableCardNo", tN, 10, 10, O, "缩略卡号 (sample only)", "6214833617"),
			rep(tx+"authorizationCode", tS, 0, 6, O, "授权码", "76203"),
		}, errFields(ElTxn)...)},
		{Name: IfCardInfo, Title: "银行卡信息查询接口", Section: "001 §4.7", Path: PathQueryTxn, Fields: append([]catalog.Field{
			req("version", tS, 1, 6, R, "接口版本号", "1.0"),
			req(ci+"txnType", tS, 0, 3, O, "交易类型 PUR/INP/CFM/RFD/VTX", "PUR"),
			req(ci+"cardNo", tN, 12, 19, R, "银行卡号 (table: 12; the sample has 19 digits)", "6217003320034459100"),
			rep(ci+"txnType", tS, 3, 3, R, "交易类型", "PUR"),
			rep(ci+"cardNo", tN, 1, 60, R, "银行卡号 (echo)", "6217003320034459100"),
			rep(ci+"validFlag", tN, 1, 1, R, "CNP 标志位 1 supported / 2 not", "1"),
			rep(ci+"cardOrg", tS, 2, 2, O, "卡组织编号", "CU"),
			rep(ci+"cardType", tN, 4, 4, O, "卡类型 0001 credit / 0002 debit", "0002"),
			rep(ci+"issuer", tS, 0, 64, O, "发卡银行名称", "建设银行"),
			rep(ci+"validateType", tN, 3, 3, O, "交易能力位图 CVV2/name/id (table length 8, sample 3 digits)", "000"),
			rep(ci+"bankId", tS, 0, 6, O, "银行简称", "ABC"),
		}, errFields(ElCardInfo)...)},
		{Name: IfPciDel, Title: "PCI 数据解绑接口", Section: "001 §4.5", Path: PathPciDel, Fields: append([]catalog.Field{
			req("version", tS, 1, 6, R, "接口版本号", "1.0"),
			req(pd+"merchantId", tN, 15, 15, R, "商户号", "104110045112012"),
			req(pd+"customerId", tS, 1, 32, R, "客户号", "fj2030"),
			req(pd+"pan", tN, 0, 19, O, "卡号", "6225757519832520"),
			cond(req(pd+"payToken", tN, 19, 19, R, "支付标记", "8120000002712994411"), "one of payToken, storablePan"),
			cond(req(pd+"storablePan", tN, 10, 10, R, "缩略卡号", "6225752520"), "one of payToken, storablePan"),
			req(pd+"bankId", tS, 1, 6, R, "银行代码 (4.12)", "ABC"),
			rep(pd+"merchantId", tN, 15, 15, R, "商户号", "104110045112012"),
			rep(pd+"customerId", tS, 1, 32, R, "客户号", "fj2030"),
			rep(pd+"pan", tN, 0, 19, O, "卡号", ""),
			rep(pd+"storablePan", tN, 10, 10, R, "缩略卡号", "6225752520"),
			rep(pd+"bankId", tS, 1, 6, R, "银行代码", "ABC"),
		}, errFields(ElPciDelete)...)},
		{Name: IfPciQuery, Title: "PCI 数据查询接口", Section: "001 §4.6", Path: PathPciQuery, Fields: append([]catalog.Field{
			req("version", tS, 1, 6, R, "接口版本号", "1.0"),
			req(pq+"merchantId", tN, 15, 15, R, "商户号", "104110045112012"),
			req(pq+"terminalId", tN, 8, 8, O, "终端号 (table: required; sample omits it)", "00002012"),
			req(pq+"customerId", tS, 1, 32, R, "客户号", "fj2030"),
			req(pq+"cardType", tN, 0, 4, O, "卡类型 0001 credit / 0002 debit; absent = credit", "0002"),
			req(pq+"bindType", tN, 0, 1, O, "接入方式 0/1/2, other = 0 (table: required; sample omits it)", "0"),
			req(pq+"storablePan", tN, 0, 10, O, "缩略卡号 filter", "6214833617"),
			req(pq+"payToken", tN, 0, 19, O, "支付标记 filter", "8120000000000560000"),
			req(pq+"bankId", tS, 0, 6, O, "银行代码 filter", "CMB"),
			rep(pq+"merchantId", tN, 15, 15, R, "商户号", "104110045112012"),
			rep(pq+"customerId", tS, 1, 32, R, "客户号", "fj2030"),
			rep(pq+"cardType", tN, 4, 4, O, "卡类型 (echo)", "0002"),
			rep(pi+"bankId", tS, 1, 6, R, "银行代码", "CMB"),
			rep(pi+"storablePan", tN, 10, 10, R, "缩略卡号", "6214833617"),
			rep(pi+"payToken", tN, 19, 19, R, "支付标记", "8120000000000560000"),
			rep(pi+"shortPhoneNo", tN, 7, 7, R, "缩略手机号: first 3 + last 4", "1877121"),
			rep(pi+"phoneNO", tN, 0, 20, O, "手机号码 (sample only)", "13500000000"),
			rep(pi+"cardType", tN, 4, 4, O, "卡类型", "0002"),
		}, errFields(ElPciQuery)...)},
		{Name: IfTR3, Title: "TR3 异步通知 / TR4 应答 (platform → merchant tr3Url)", Section: "001 §5.3.2", Path: "tr3Url", Fields: []catalog.Field{
			req("version", tS, 1, 6, R, "接口版本号", "1.0"),
			req(tx+"txnType", tS, 3, 3, R, "交易类型", "PUR"),
			req(tx+"interactiveStatus", tS, 3, 3, R, "TR3", "TR3"),
			req(tx+"amount", tAmt, 1, 12, R, "金额", "10"),
			req(tx+"merchantId", tN, 15, 15, R, "商户号", "104110045112012"),
			req(tx+"terminalId", tN, 8, 8, R, "终端号", "00002012"),
			req(tx+"entryTime", tDT, 14, 14, R, "商户端交易时间", "20160126145908"),
			req(tx+"externalRefNumber", tS, 1, 32, R, "外部跟踪编号", "20160126145859"),
			req(tx+"customerId", tS, 1, 32, O, "客户号", "33150003"),
			req(tx+"transTime", tDT, 14, 14, R, "交易传输时间", "20160126145942"),
			req(tx+"refNumber", tN, 12, 12, R, "系统参考号", "000012846461"),
			req(tx+"responseCode", tS, 2, 2, R, "应答码 (final result)", "00"),
			req(tx+"responseTextMessage", tS, 0, 128, O, "应答码文本消息", "交易成功"),
			req(tx+"cardOrg", tS, 2, 2, O, "卡组织编号", "CU"),
			req(tx+"issuer", tS, 0, 64, O, "发卡银行名称", "建设银行"),
			req(tx+"storableCardNo", tN, 10, 10, O, "缩略卡号", "6217009100"),
			req(tx+"authorizationCode", tS, 0, 6, O, "授权码", "584559"),
			rep("version", tS, 1, 6, R, "接口版本号", "1.0"),
			rep(tx+"txnType", tS, 3, 3, R, "交易类型", "PUR"),
			rep(tx+"interactiveStatus", tS, 3, 3, R, "TR4", "TR4"),
			rep(tx+"merchantId", tN, 15, 15, R, "商户号", "104110045112012"),
			rep(tx+"terminalId", tN, 8, 8, R, "终端号", "00002012"),
			rep(tx+"refNumber", tN, 12, 12, R, "系统参考号 (the TR3's)", "000012846461"),
		}},
	}
	biz := func(code, text, en, sec string) catalog.Code {
		return catalog.Code{Code: code, Text: text, TextEN: en, Kind: "business (responseCode)", Section: sec}
	}
	fmtc := func(code, text, en, sec string) catalog.Code {
		return catalog.Code{Code: code, Text: text, TextEN: en, Kind: "format (errorCode)", Section: sec}
	}
	c.Codes = []catalog.Code{
		biz(RCSuccess, "交易成功", "approved", "001 §4.1, §5.3.1"),
		biz(RCTimeoutC0, "银行处理超时,交易状态待查询", "bank timeout: order pending (query or wait for TR3)", "001 §5.3.1"),
		biz(RCTimeout68, "银行处理超时,交易状态待查询", "bank timeout: order pending (query or wait for TR3)", "001 §5.3.1"),
		biz(RCNotBound, "一个银行不能绑定多张卡或者未绑定", "one card per bank, or no binding for customerId + payToken/storablePan", "001 §4.14(1)"),
		biz(RCBadCode, "验证码不符", "SMS code wrong, used, expired, or sign-up data differ", "001 §4.14(2), §5.4"),
		biz(RCBadMerchant, "Merchant. 错误的商户编号", "merchant not opened for this function or terminal not the merchant's", "001 §4.14(3)"),
		biz(RCTxnType, "Merchant. 终端不支持的交易类型", "terminal not configured for the transaction type", "001 §4.14(4)"),
		biz(RCNoRoute, "BIN. 找不到路由", "card not supported (unknown BIN or CNP not supported)", "001 §4.14(5)"),
		biz(RCPermission, "商户权限不足", "card elements the bank requires were not sent", "001 §4.14(6)"),
		biz(RCLimit, "金额超限或其他", "amount over the card's limit", "001 §4.14(7)"),
		biz(RCPhone, "手机号码不符", "phone differs from the bank-reserved one", "001 §4.14(8)"),
		biz(RCResign, "请重新签约", "holder revoked the agreement at the bank: sign up again", "001 §4.14(9)"),
		fmtc(ECBadMerchant, "错误的商户编号", "unknown merchantId", "001 §4.1 reply table sample"),
		fmtc(ECUnparsable, "报文格式错误 (paycert reading)", "not a MasMessage: malformed XML, wrong root, namespace or content element", "paycert (E-BILL99-ERRORCODES)"),
		fmtc(ECField, "Data length of element[...] is incorrect!", "a field is missing, too long/short or malformed", "001 §5.3.3"),
		fmtc(ECDuplicateRef, "externalRefNumber 重复 (paycert reading)", "externalRefNumber already used with different content", "paycert (E-BILL99-ERRORCODES), 001 §5.4.1"),
		fmtc(ECNoTxn, "No transaction[externalRefNumber=..., refNumber=...] exists!", "query: no such order (or older than half a year)", "001 §5.3.3, §4.4"),
	}
	c.Errata = errata()
	c.FieldCodes = fieldCodes(c.Interfaces)
	return c
}

func errata() []catalog.Erratum {
	e := func(id, seed, issue, reading, where string) catalog.Erratum {
		return catalog.Erratum{ID: id, Seed: seed, Issue: issue, Reading: reading, Where: where}
	}
	const sim = "platforms/bill99/simulator"
	const pkg = "platforms/bill99"
	return []catalog.Erratum{
		e("E-BILL99-CARDINFO-URL", "001 §4.7", "The card-info query gives the URL of the order query (/cnp/query_txn); its request sample was lost.",
			"One endpoint, told apart by the content element: <CardInfoContent> is the card-info query, <QryTxnMsgContent> the order query; anything else is B.MGW.0100.", sim),
		e("E-BILL99-TXNTYPE-REF", "001 §4.4", "The query request table points to 4.10 (ID types) for txnType codes.", "txnType codes are table 4.9.", pkg),
		e("E-BILL99-CARDNO-LEN", "001 §4.7", "cardNo is length 12 in the request table; the sample has 19 digits.", "cardNo is 12..19 digits (a PAN), like pan elsewhere.", pkg),
		e("E-BILL99-TR3-SIGNATURE", "001 §4.8, §5.3.2", "TR3 is RSA-SHA1 signed with the platform key, but where the signature travels is not said.",
			"The body is the GBK XML, unchanged; the signature is standard base64 of RSA-SHA1 (PKCS #1 v1.5) over the exact body bytes, in the HTTP header "+SignatureHeader+". A merchant verifies before parsing.", pkg),
		e("E-BILL99-TR3-RESEND", "001 §5.3.2", "Without a correct TR4 the platform resends 10 times at growing intervals; the intervals are not given.",
			"1 first delivery + 10 resends, 1, 2, 4, 8, 16, 32, 64, 128, 256 and 512 minutes after the previous attempt, on the simulator's clock. A correct TR4 is HTTP 200 with a MasMessage TxnMsgContent whose interactiveStatus is TR4 and whose refNumber (and merchantId) equal the TR3's.", sim),
		e("E-BILL99-TR3-DECL", "001 §5.3.2", "TR3 is sent GBK but the sample declares encoding=\"UTF-8\".", "The TR3 declares encoding=\"GBK\" so a parser decodes what it gets; the signature covers the GBK bytes.", pkg),
		e("E-BILL99-ERRORCODES", "001 §4.1..4.7, §5.3.3", "The errorCode table is not in the extraction; only B.MGW.0001, B.MGW.0120 and B.MGW.0170 appear.",
			"B.MGW.0001 unknown merchantId; B.MGW.0120 every missing, too long/short or malformed field (the sample's message names the element); B.MGW.0170 no such order. Two codes are paycert's own: B.MGW.0100 unparsable message (bad XML, root, namespace, content element) and B.MGW.0130 externalRefNumber reused with different content. Against a real endpoint the suite only requires B.MGW.NNNN for those.", sim),
		e("E-BILL99-M1-VS-0001", "001 §4.1, §4.14(3)", "Both B.MGW.0001 and M1 read \"错误的商户编号\".",
			"B.MGW.0001: merchantId unknown to the gateway (front check). M1: merchant known but not opened for agreement payment, or terminalId not one of its terminals (\"功能未开通\").", sim),
		e("E-BILL99-STORABLE-NAME", "001 §4.3, §4.4, §5.3.2", "The purchase tables say storablePan/storableCardNo inconsistently: request table storableCardNo, request sample storablePan; reply table storablePan, reply, query and TR3 samples storableCardNo.",
			"Requests may carry either name; replies, query results and TR3 carry storableCardNo (as every sample does); CheckReply accepts either.", pkg),
		e("E-BILL99-ROOT-CASE", "001 §4.1, §4.13", "The ind_auth request sample's root is <masMessage> (lower case); 4.13 says all fields are case-sensitive; tables write Pan and phoneN0.",
			"The root is MasMessage, elements are pan and phoneNO (as in every other sample); a lower-case root is B.MGW.0100.", pkg),
		e("E-BILL99-PCIQUERY-REQ", "001 §4.6", "terminalId and bindType are required in the table but absent from the sample; cardType absent means credit.",
			"terminalId and bindType are optional (bindType other than 1/2 means 0); an absent cardType filters credit cards (0001), as the table says.", sim),
		e("E-BILL99-PCIQUERY-EMPTY", "001 §4.6", "The reply for a customer without bindings is not described.", "responseCode 00 with an empty <pciInfos/>.", sim),
		e("E-BILL99-REPLY-REQUIRED", "001 §4.1..4.4", "Reply fields are marked required even where a failure cannot have them (payToken on T6, refNumber on TC: the TC sample has none).",
			"Required reply fields are required on 00; on a business failure the echoes stay, payToken/token/authorizationCode are absent, refNumber is present only when the order reached the bank.", pkg),
		e("E-BILL99-CODE-LIFE", "001 §5.4.2", "The SMS code is single-use; its lifetime is not given.", "A code is valid for 5 minutes of simulator time and for one successful verification; a wrong code does not consume it.", sim),
		e("E-BILL99-PENDING", "001 §5.3.1", "C0/68 leave the order pending; when it settles is not given.",
			"The simulator settles a pending order 3 minutes (simulator clock) after entry: fixture cards say S or F; TR3 is sent at settlement.", sim),
		e("E-BILL99-HALFYEAR", "001 §4.4", "Order query covers half a year.", "Orders whose entryTime is more than 6 calendar months before the simulator's now are B.MGW.0170.", sim),
		e("E-BILL99-DUPLICATE", "001 §5.4.1", "externalRefNumber must be unique; what a repeat gets is not said.",
			"A repeat purchase identical in content gets the original TR2 again (same refNumber, no second debit); a repeat with different content gets B.MGW.0130. The same holds for ind_auth.", sim),
		e("E-BILL99-HISTORY", "001 §4.4, §5.4.1", "Order query covers half a year and externalRefNumber is unique, but a server cannot keep half a year of a load run's orders in memory.",
			"The simulator keeps the latest sim.Options.History orders (default 10 000; paycert sim --history) whole, a pending one until it settles, and as many delivered or abandoned TR3 notices: an older order is not found by the query (B.MGW.0170, as past half a year) and a repeat of its externalRefNumber is a new order; Totals and Audit count aged orders by their sums (per card too), so the ledger stays exact.", sim),
		e("E-BILL99-TOKEN-LEN", "001 §4.1, §4.2", "token is MAX(32) in the ind_auth reply but MAX(12) in the verification request.", "The simulator issues 7-digit tokens, which fit both; clients accept up to 32.", sim),
		e("E-BILL99-VALIDATETYPE", "001 §4.7", "validateType is length 8 with sample 00002012 (a terminal id), but described as a 3-bit bitmap with sample 000.", "Three digits, CVV2/name/id.", pkg),
		e("E-BILL99-AMOUNT-LEN", "001 §4.4", "The query reply amount is length 12 with sample 0002, the samples show 10.", "amount is MAX(12) in the same form as the purchase.", pkg),
		e("E-BILL99-VALIDATETYPE-BITS", "001 §4.7", "validateType: bit 1 CVV2, bit 2 name, bit 3 id; examples 001 = CVV2 only, 010 = name only, 011 = id and name, 111 = all: 001 and 011 cannot both hold.",
			"Bits are read right to left: the last digit is CVV2 (with expiredDate), the middle one the name, the first one the id number (so 001 and 010 hold; 011 means name and CVV2). ind_auth without an element the BIN requires is TC.", sim),
		e("E-BILL99-QUERY-RESULT", "001 §4.4, §5.3.3", "The query reply carries a responseCode and a txnStatus; the note says the order's state is txnStatus.",
			"responseCode 00 means the order was found; its outcome is txnStatus S/F/P (a pending order is 00 + P, a declined one 00 + F). Not found is B.MGW.0170.", sim),
		e("E-BILL99-RESIGN", "001 §4.14(1)", "T3 may follow a new sign-up that was never completed (\"导致原有的绑卡数据失效\").",
			"A new ind_auth for a card already bound to the customer suspends the old payToken until the verification succeeds (then a new payToken replaces it).", sim),
		e("E-BILL99-FIELD-CODES", "001 §5.3.3", "长度、格式等基础校验错误 return an errorCode, but the code is named once, in a sample: B.MGW.0120 \"Data length of element[merchantId] is incorrect!\"; missing and malformed elements get no code of their own.",
			"B.MGW.0120, naming the element, is the code of every missing, empty, too-long, too-short or malformed (wrong type, value outside its 4.9/4.12/§4.4 table) request field of the six server interfaces (Catalogue.FieldCodes): the sample's message is a template with the element's name, and 基础校验 comes before any business check, so a bad merchantId is B.MGW.0120 before it can be B.MGW.0001 or M1.", pkg),
		e("E-BILL99-TR3-MALFORMED", "001 §5.3.2", "The merchant answers a TR3 with a TR4; what it does with a correctly signed notice whose fields break the TR3 table (a missing amount, an over-long issuer) is not said.",
			"A merchant acknowledges only a notice that passes the table (presence, lengths, shapes): otherwise HTTP 400 and no TR4, never a 5xx, so the platform resends and the merchant can query_txn; it believes nothing of it. Text in UTF-8 inside the GBK notice is not required to be refused: UTF-8 bytes of Chinese text are valid GBK pairs (翼码 reads 缈肩爜), which no reader can tell from GBK text.", "platforms/bill99/bill99client"),
		e("E-BILL99-FIELD-CHARSET", "001 §4.1..4.7", "编码必须为 UTF-8, but nothing says what a message declared UTF-8 with a field in other bytes (GBK) gets.",
			"The message is refused as a whole before any length or content rule: B.MGW.0100 (paycert's unparsable code, E-BILL99-ERRORCODES), and strict mode records one charset violation naming the element whose bytes are not UTF-8. The seed names no code, so against a target any documented error code passes.", sim),
	}
}
