package hzcard

import "paycert/platforms/catalog"

// Platform is the short name used in labels, flags and reports.
const Platform = "hzcard"

// Interface names. They are the URL segment of the interface
// (http://IP:PORT/cardfront/<name>/V1), except order query and order cancel,
// for which the seed repeats chargeOrderCreate's URL (erratum
// E-HZ-ORDER-URLS): paycert names them chargeOrderQuery and chargeOrderCancel.
const (
	CardInfoQuery            = "cardInfoQuery"
	ChargeOrderCreate        = "chargeOrderCreate"
	ChargeOrderQuery         = "chargeOrderQuery"
	ChargeOrderCancel        = "chargeOrderCancel"
	CardChargeRequest        = "cardChargeRequest"
	CardChargeConfirm        = "cardChargeConfirm"
	ChargeOrderManageRequest = "chargeOrderManageRequest"
	ChargeOrderManageConfirm = "chargeOrderManageConfirm"
	CardSaleRequest          = "cardSaleRequest"
	CardSaleConfirm          = "cardSaleConfirm"
	CardReturnApply          = "cardReturnApply"
	CardReturnConfirm        = "cardReturnConfirm"
)

// InterfaceNames lists every interface in the seed's order.
func InterfaceNames() []string {
	return []string{CardInfoQuery, ChargeOrderCreate, ChargeOrderQuery, ChargeOrderCancel,
		CardChargeRequest, CardChargeConfirm, ChargeOrderManageRequest, ChargeOrderManageConfirm,
		CardSaleRequest, CardSaleConfirm, CardReturnApply, CardReturnConfirm}
}

// Path is the URL path of an interface: /cardfront/<name>/V1 (seed §2.2 item
// 3 and every "接口" line of §4).
func Path(name string) string { return "/cardfront/" + name + "/V1" }

// Result codes the simulator, client and suite name in code (the full table is
// Catalogue().Codes, appendix D).
const (
	CodeOK                  = "000000"
	CodeNoQuota             = "000001"
	CodeNoTxnInfo           = "000014"
	CodeNoInstitution       = "000016"
	CodeNoMerchant          = "000017"
	CodeNoTerminal          = "000018"
	CodeTerminalCheck       = "000019"
	CodeBadSign             = "000020"
	CodeNoCard              = "000022"
	CodeCardNotFound        = "000024"
	CodeAPDUCount           = "000026"
	CodeAPDUResult          = "000027"
	CodeCardAuth            = "000030"
	CodeMAC1                = "000031"
	CodeRandom              = "000034"
	CodeCardKey             = "000037"
	CodeBlacklist           = "000038"
	CodeNoOrder             = "000039"
	CodeOrderState          = "000040"
	CodeOverLimit           = "000041"
	CodeTAC                 = "000043"
	CodeAmountMismatch      = "000070"
	CodeAmount              = "000071"
	CodeNoFee               = "000072"
	CodeCardState           = "000078"
	CodeCharged             = "000079"
	CodeCardOpError         = "000080"
	CodeCardOpUnknown       = "000081"
	CodeDuplicateTxn        = "000082"
	CodeDuplicateOrder      = "000090"
	CodeRefundMismatch      = "000091"
	CodeInsufficient        = "000094"
	CodeCardTypeBusiness    = "000113"
	CodeReportedLost        = "000114"
	CodeAlreadyApplied      = "000115"
	CodeNoNamedRegistration = "000130"
	CodeNoRealName          = "000133"
	CodeCardMismatch        = "000150"
	CodeNeedManage          = "000151"
	CodeChargeFailed        = "000152"
	CodeManagePacket        = "000153"
	CodeNoManageNeeded      = "000154"
	CodeManual              = "000155"
	CodePayType             = "000157"
	CodePayTypeNotAllowed   = "000158"
	CodeCancelled           = "000159" // also "该卡不支持补登交易": erratum E-HZ-DUP-000159
	CodeCardStateHost       = "10000B"
	CodeUnknown             = "999999"
)

// Texts the seed gives a second time for 000071 and 000159 (erratum
// E-HZ-DUP-000071, E-HZ-DUP-000159). The catalogue holds one Code per wire
// value (the first text); these are the resultdesc the simulator sends for the
// second meaning, so a reader of the reply can tell which case it was.
const (
	TextBelowMinimum    = "小于最小充值金额"
	TextNoSupplementary = "该卡不支持补登交易"
)

// Catalogue returns seed 003's interfaces, fields, codes and errata, built
// afresh on every call.
func Catalogue() *catalog.Catalogue {
	return &catalog.Catalogue{
		Platform:   Platform,
		Title:      "Huzhou transit card general recharge (湖州交通一卡通 通用充值接口规范)",
		Seed:       "003_6f8e7a1dc52eb034.txt V1.1.1 (2022-05)",
		Document:   "湖州交通一卡通 通用充值接口规范 V1.1.1 (2022-05)",
		Interfaces: interfaces(),
		Codes:      codes(),
		Errata:     errata(),
		FieldCodes: fieldCodes(),
	}
}

func req(path, typ string, max int, p catalog.Presence, meaning string) catalog.Field {
	return catalog.Field{Dir: catalog.Request, Path: path, Type: typ, MaxLen: max, Presence: p, Meaning: meaning}
}

func rep(path, typ string, max int, p catalog.Presence, meaning string) catalog.Field {
	return catalog.Field{Dir: catalog.Reply, Path: path, Type: typ, MaxLen: max, Presence: p, Meaning: meaning}
}

const (
	m  = catalog.Required
	o  = catalog.Optional
	cp = catalog.Conditional
)

// envelope is §2.4 (request) and §2.5 (reply); every interface carries it.
func envelope() []catalog.Field {
	return []catalog.Field{
		req("joininstid", "String", 32, m, "接入方机构 ID: joining institution id assigned by the platform, at most 32"),
		req("joininstssn", "String", 32, m, "接入方机构流水号: the joining institution's serial number, unique per institution"),
		{Dir: catalog.Request, Path: "areaflag", Type: "String", MinLen: 2, MaxLen: 2, Presence: m, Meaning: "区域标志: 00 湖州市 01 德清 02 长兴 03 安吉", Sample: "00"},
		{Dir: catalog.Request, Path: "reqdate", Type: "YYYYMMDD", MinLen: 8, MaxLen: 8, Presence: m, Meaning: "请求日期"},
		{Dir: catalog.Request, Path: "reqtime", Type: "HHMISS", MinLen: 6, MaxLen: 6, Presence: m, Meaning: "请求时间"},
		{Dir: catalog.Request, Path: "instid", Type: "N", MinLen: 8, MaxLen: 8, Presence: m, Meaning: "接入机构 ID: 8 digits (appendix B)"},
		{Dir: catalog.Request, Path: "mchntid", Type: "N", MinLen: 15, MaxLen: 15, Presence: m, Meaning: "接入商户编号: 15 digits (appendix B)"},
		req("netid", "String", 32, m, "网点编号: outlet"),
		{Dir: catalog.Request, Path: "termid", Type: "N", MinLen: 8, MaxLen: 8, Presence: m, Meaning: "终端编号: 8 digits (appendix B)"},
		req("termseq", "String", 32, m, "终端流水号"),
		req("oprid", "String", 32, m, "操作员编号"),
		req("batchno", "String", 32, m, "批次号"),
		{Dir: catalog.Request, Path: "chnlid", Type: "N", MinLen: 2, MaxLen: 2, Presence: m, Meaning: "渠道代码 (appendix E, channels)"},
		req("data", "Obj", 0, m, "报文数据: the interface's data object (the seed types it String; its §2.2 sample is an object: erratum E-HZ-DATA-OBJECT); §2.4 marks it N, yet every interface's data has required members (erratum E-HZ-DATA-REQUIRED)"),
		req("sign", "H", 128, m, "签名信息: SM3withSM2 by the joining institution over the message with \"sign\":\"\" (erratum E-HZ-SIGN-DOMAIN)"),
		{Dir: catalog.Reply, Path: "result", Type: "String", MinLen: 6, MaxLen: 6, Presence: m, Meaning: "result code (appendix D)"},
		rep("resultdesc", "String", 0, m, "result text"),
		rep("data", "Obj", 0, o, "报文数据"),
		rep("sign", "H", 128, m, "签名信息: SM3withSM2 by the centre"),
	}
}

// apduReq are the three APDU fields a request carries when it reports
// executed commands (4.1, and by erratum E-HZ-CHARGE-APDU 4.5).
func apduReq(listMeaning, respMeaning string) []catalog.Field {
	return []catalog.Field{
		req("data.apdunum", "String", 3, m, "指令数量: number of APDUs in apdulist and apduresp"),
		req("data.apdulist", "String", 0, m, listMeaning),
		req("data.apduresp", "String", 0, m, respMeaning),
	}
}

// apduRep are the fields of a reply that hands the client commands to run.
func apduRep() []catalog.Field {
	return []catalog.Field{
		rep("data.orderno", "String", 32, m, "请求订单号: the front's order number"),
		rep("data.apdunum", "String", 3, m, "指令数量"),
		rep("data.apdulist", "jsonlist", 0, m, "指令列表: APDU commands, comma separated"),
	}
}

func txnTimes() []catalog.Field {
	return []catalog.Field{
		{Dir: catalog.Reply, Path: "data.txntime", Type: "HHMISS", MinLen: 6, MaxLen: 6, Presence: m, Meaning: "交易时间"},
		{Dir: catalog.Reply, Path: "data.txndate", Type: "YYYYMMDD", MinLen: 8, MaxLen: 8, Presence: m, Meaning: "交易日期"},
		{Dir: catalog.Reply, Path: "data.settdate", Type: "YYYYMMDD", MinLen: 8, MaxLen: 8, Presence: m, Meaning: "结算日期"},
	}
}

// payFields are chargetype/paytype/payorderno, repeated by 4.2 and 4.5-4.8.
func payFields() []catalog.Field {
	return []catalog.Field{
		{Dir: catalog.Request, Path: "data.chargetype", Type: "String", MinLen: 2, MaxLen: 2, Presence: m, Meaning: "充值类型: 01 钱包充值", Sample: "01"},
		{Dir: catalog.Request, Path: "data.paytype", Type: "String", MinLen: 2, MaxLen: 2, Presence: m, Meaning: "支付类型: 01 现金 10 银联 (appendix 'E' pay types: erratum E-HZ-PAYTYPES)"},
		{Dir: catalog.Request, Path: "data.payorderno", Type: "String", MaxLen: 32, Presence: cp, Condition: "paytype is not 01 (cash)", Meaning: "支付订单号: the payment order number; unique (000090)"},
	}
}

func with(groups ...[]catalog.Field) []catalog.Field {
	var out []catalog.Field
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}

func interfaces() []catalog.Interface {
	cardInfo := []catalog.Field{
		rep("data.cardno", "String", 20, m, "卡号: taken from the card's file 0x15"),
		rep("data.cardfaceno", "String", 20, m, "卡面号: number printed on the card"),
		rep("data.cardstatus", "String", 2, m, "卡状态 (erratum E-HZ-CARD-STATES)"),
		rep("data.cardstatusdesc", "String", 0, m, "卡状态描述"),
		rep("data.cardtype", "String", 2, m, "卡类型 (erratum E-HZ-CARD-TYPES)"),
		rep("data.cardtypename", "String", 0, m, "卡类型名称"),
		{Dir: catalog.Reply, Path: "data.initflag", Type: "String", MinLen: 2, MaxLen: 2, Presence: m, Meaning: "卡启用标识: 00 未启用 01 启用"},
		rep("data.initflagdesc", "String", 0, m, "卡启用标识描述"),
		{Dir: catalog.Reply, Path: "data.cardsaledate", Type: "YYYYMMDD", MinLen: 8, MaxLen: 8, Presence: m, Meaning: "售卡日期 (00000000 while unsold)"},
		{Dir: catalog.Reply, Path: "data.cardvaldate", Type: "YYYYMMDD", MinLen: 8, MaxLen: 8, Presence: m, Meaning: "卡有效期"},
		rep("data.chargebase", "N", 10, m, "充值基数, fen: amounts must be a multiple"),
		rep("data.minsvamt", "N", 10, m, "单笔最小充值金额, fen"),
		rep("data.maxsvamt", "N", 10, m, "本次最大充值金额, fen: min(per-charge maximum, walletmaxbal - cardbal) rounded down to chargebase"),
		rep("data.walletmaxbal", "N", 10, m, "钱包最大余额, fen"),
		rep("data.cardbal", "N", 10, m, "钱包余额, fen, as the card's GET BALANCE reported it"),
	}
	orderList := []catalog.Field{
		rep("data.currpage", "Int", 0, m, "当前页号"),
		rep("data.recnumperpage", "Int", 0, m, "每页条数"),
		rep("data.totalnum", "Int", 0, m, "总记录数"),
		rep("data.totalpage", "Int", 0, m, "总页数"),
		rep("data.orderlist", "jsonlist", 0, m, "订单列表"),
		rep("data.orderlist[].orderno", "String", 32, m, "订单号"),
		rep("data.orderlist[].cardno", "String", 20, m, "卡号"),
		rep("data.orderlist[].orderstate", "String", 1, m, "订单状态 (appendix G)"),
		rep("data.orderlist[].orderstatedesc", "String", 0, m, "订单状态描述"),
		rep("data.orderlist[].orderamt", "N", 10, m, "订单金额, fen"),
		{Dir: catalog.Reply, Path: "data.orderlist[].orderdate", Type: "YYYYMMDD", MinLen: 8, MaxLen: 8, Presence: m, Meaning: "订单创建日期"},
		{Dir: catalog.Reply, Path: "data.orderlist[].ordertime", Type: "HHMISS", MinLen: 6, MaxLen: 6, Presence: m, Meaning: "订单创建时间"},
		{Dir: catalog.Reply, Path: "data.orderlist[].txndate", Type: "YYYYMMDD", MinLen: 8, MaxLen: 8, Presence: o, Meaning: "订单最近交易日期"},
		{Dir: catalog.Reply, Path: "data.orderlist[].txntime", Type: "HHMISS", MinLen: 6, MaxLen: 6, Presence: o, Meaning: "订单最近交易时间"},
		rep("data.orderlist[].ordertype", "String", 2, m, "订单类型 (appendix F)"),
		rep("data.orderlist[].ordertypedesc", "String", 0, m, "订单类型描述"),
		rep("data.orderlist[].chnlid", "String", 2, m, "受理渠道 (appendix E)"),
		rep("data.orderlist[].chnliddesc", "String", 0, m, "受理渠道名称"),
		rep("data.orderlist[].paytype", "String", 2, m, "支付方式 (second appendix E)"),
		rep("data.orderlist[].paytypedesc", "String", 0, m, "支付方式描述 (the seed spells it paytypedessc: erratum E-HZ-PAYTYPEDESC)"),
		rep("data.orderlist[].paystate", "String", 1, m, "支付状态 (erratum E-HZ-PAY-STATES)"),
		rep("data.orderlist[].paystatedesc", "String", 0, m, "支付状态描述"),
	}
	custinfo := "客户信息 (the seed says 见 4.3.1, which has no customer fields: erratum E-HZ-CUSTINFO; a JSON object with name, idtype, idno, mobile)"
	return []catalog.Interface{
		{
			Name: CardInfoQuery, Title: "卡信息查询", Section: "003 §4.1 (= §4.9)", Path: Path(CardInfoQuery),
			Fields: with(envelope(), apduReq("执行的指令列表: the read commands of appendix C run on the card", "指令执行结果列表: their responses, same order"), cardInfo),
		},
		{
			Name: ChargeOrderCreate, Title: "订单创建", Section: "003 §4.2", Path: Path(ChargeOrderCreate),
			Fields: with(envelope(),
				[]catalog.Field{req("data.cardno", "String", 20, m, "卡号")},
				payFields(),
				[]catalog.Field{req("data.txnamt", "N", 10, m, "充值金额, fen")},
				apduRep(),
				txnTimes()),
		},
		{
			Name: ChargeOrderQuery, Title: "订单查询", Section: "003 §4.3", Path: Path(ChargeOrderQuery),
			Fields: with(envelope(), []catalog.Field{
				req("data.cardno", "String", 20, m, "卡号"),
				req("data.orderno", "String", 32, o, "订单号"),
				req("data.orderstate", "String", 1, o, "订单状态 filter"),
				req("data.recnumperpage", "N", 2, m, "列表大小, at most 20 (the seed lists the three paging rows twice: erratum E-HZ-QUERY-DUPROWS)"),
				req("data.currpage", "N", 6, m, "页码, from 1"),
				req("data.orderby", "String", 1, m, "排序方式: 0 降序 (default) 1 升序, by creation time"),
			}, orderList),
		},
		{
			Name: ChargeOrderCancel, Title: "订单取消", Section: "003 §4.4", Path: Path(ChargeOrderCancel),
			Fields: with(envelope(), []catalog.Field{
				req("data.cardno", "String", 20, m, "卡号"),
				req("data.orderno", "String", 32, o, "订单号 (the seed marks it O; without it there is nothing to cancel: erratum E-HZ-CANCEL-ORDERNO)"),
			}),
		},
		{
			Name: CardChargeRequest, Title: "卡充值请求", Section: "003 §4.5", Path: Path(CardChargeRequest),
			Fields: with(envelope(),
				[]catalog.Field{req("data.cardno", "String", 20, m, "卡号"), req("data.orderno", "String", 32, m, "订单号")},
				payFields(),
				[]catalog.Field{req("data.txnamt", "N", 10, m, "充值金额, fen")},
				apduReq("指令列表: the commands chargeOrderCreate returned (erratum E-HZ-CHARGE-APDU)", "指令执行结果列表: their responses; the last is INITIALIZE FOR LOAD's (balance, counter, random, MAC1)"),
				apduRep(), txnTimes()),
		},
		{
			Name: CardChargeConfirm, Title: "卡充值确认", Section: "003 §4.6", Path: Path(CardChargeConfirm),
			Fields: with(envelope(),
				[]catalog.Field{req("data.cardno", "String", 20, m, "卡号"), req("data.orderno", "String", 32, m, "充值请求订单号")},
				payFields(),
				apduReq("指令列表: the CREDIT FOR LOAD command cardChargeRequest returned", "指令执行结果列表: its response (TAC), empty when the card tore"),
				[]catalog.Field{req("data.txnamt", "N", 10, m, "充值金额/充值次数, fen")},
				txnTimes()),
		},
		{
			Name: ChargeOrderManageRequest, Title: "订单管理请求", Section: "003 §4.7", Path: Path(ChargeOrderManageRequest),
			Fields: with(envelope(),
				[]catalog.Field{req("data.cardno", "String", 20, m, "卡号"), req("data.orderno", "String", 32, m, "订单号")},
				payFields(),
				[]catalog.Field{req("data.txnamt", "N", 10, m, "充值金额, fen")},
				apduRep()),
		},
		{
			Name: ChargeOrderManageConfirm, Title: "订单管理确认", Section: "003 §4.8", Path: Path(ChargeOrderManageConfirm),
			Fields: with(envelope(),
				[]catalog.Field{req("data.cardno", "String", 20, m, "卡号"), req("data.orderno", "String", 32, m, "充值请求订单号")},
				payFields(),
				apduReq("指令列表: the commands chargeOrderManageRequest returned", "指令执行结果列表: select, GET BALANCE and GET TRANSACTION PROOF responses"),
				[]catalog.Field{req("data.txnamt", "N", 10, m, "充值金额/充值次数, fen")},
				txnTimes()),
		},
		{
			Name: CardSaleRequest, Title: "激活请求", Section: "003 §4.10", Path: Path(CardSaleRequest),
			Fields: with(envelope(), []catalog.Field{
				req("data.cardno", "String", 20, m, "卡内号: read from the card"),
				req("data.apdunum", "String", 3, m, "指令数量"),
				req("data.apdulist", "String", 0, m, "APDU 指令执行结果: the GET CHALLENGE (IDX_1001) response (erratum E-HZ-SALE-CHALLENGE)"),
				req("data.realnameflag", "String", 1, m, "实名售卡标识: Y 实名 (N 非实名, from 4.11)"),
				req("data.paytype", "String", 2, m, "支付类型: 01 现金 only"),
				req("data.payorderno", "String", 32, cp, "支付订单号"),
				{Dir: catalog.Request, Path: "data.custinfo", Type: "Obj", Presence: cp, Condition: "realnameflag is Y", Meaning: custinfo},
				rep("data.refnum", "String", 32, m, "业务中心流水号: key authorisation serial, sent back by the confirm"),
			}, apduRep(), txnTimes()),
		},
		{
			Name: CardSaleConfirm, Title: "激活确认", Section: "003 §4.11 (the seed titles 4.12 激活确认 too: erratum E-HZ-SECTION-TITLES)", Path: Path(CardSaleConfirm),
			Fields: with(envelope(), []catalog.Field{
				req("data.cardno", "String", 20, m, "卡内号"),
				req("data.cardresult", "String", 2, m, "卡操作结果: 00 成功 01 失败"),
				req("data.apdunum", "String", 3, m, "指令数量"),
				req("data.apdulist", "Jsonstring", 0, m, "the UPDATE BINARY response (results, as the seed says)"),
				req("data.realnameflag", "String", 1, m, "实名售卡标识: Y 实名 N 非实名"),
				req("data.paytype", "String", 2, m, "支付类型: 01 现金"),
				req("data.payorderno", "String", 32, cp, "支付订单号"),
				{Dir: catalog.Request, Path: "data.custinfo", Type: "Obj", Presence: cp, Condition: "realnameflag is Y", Meaning: custinfo},
				req("data.orderno", "String", 32, m, "售卡请求订单号"),
				req("data.refnum", "String", 32, m, "业务中心流水号 from the request's reply"),
				rep("data.refnum", "String", 32, m, "核心确认交易流水号"),
				rep("data.cardpdpt", "N", 10, m, "卡工本费/押金 collected, fen"),
				rep("data.orgicardpdpt", "N", 10, m, "应收工本费/押金, fen"),
			}, txnTimes()),
		},
		{
			Name: CardReturnApply, Title: "退卡请求", Section: "003 §4.12", Path: Path(CardReturnApply),
			Fields: with(envelope(), []catalog.Field{
				req("data.cardno", "String", 20, m, "卡号"),
				req("data.returntype", "String", 1, m, "退卡类型: 0 好卡退卡 1 坏卡退卡"),
				req("data.cardbal", "N", 10, m, "钱包余额 read from the card"),
				req("data.apdunum", "String", 3, m, "指令数量"),
				req("data.apdulist", "String", 0, m, "消费初始化指令结果: the INITIALIZE FOR PURCHASE response (empty for a bad card)"),
				{Dir: catalog.Request, Path: "data.custinfo", Type: "Obj", Presence: m, Meaning: custinfo},
				rep("data.refnum", "String", 32, m, "业务中心流水号"),
				rep("data.returnamt", "N", 10, m, "可退钱包余额, fen"),
			}, apduRep(), txnTimes()),
		},
		{
			Name: CardReturnConfirm, Title: "退资确认", Section: "003 §4.13", Path: Path(CardReturnConfirm),
			Fields: with(envelope(), []catalog.Field{
				req("data.cardno", "String", 20, m, "卡内号"),
				req("data.refnum", "String", 32, m, "业务中心流水号"),
				req("data.orderno", "String", 32, m, "请求订单号"),
				req("data.apdunum", "String", 3, m, "指令数量"),
				req("data.apdulist", "String", 0, m, "卡操作指令的结果: the DEBIT FOR PURCHASE response (TAC, MAC2)"),
				{Dir: catalog.Request, Path: "data.custinfo", Type: "Obj", Presence: cp, Condition: "as in the apply", Meaning: custinfo},
				rep("data.refnum", "String", 32, m, "核心完成交易流水"),
				rep("data.orderno", "String", 32, m, "请求订单号"),
			}, txnTimes()),
		},
	}
}
