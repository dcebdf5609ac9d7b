// Package kakatong is the Kakatong (卡卡通) stored-value/points card gateway,
// Web Service spec 2.3 (seed 000): the catalogue (REST methods, SOAP 1.2
// operations, the 24 trade type/mode rows, licence and return codes, errata),
// the reply model shared by client and simulator with its decoders
// (ParseReply, ParseSOAPReply), and CheckReply, the field checks the
// conformance suite and the load runner share: catalogue and Expect (what
// the caller sent) in, []catalog.Finding out, each with the element path
// (TradeResult/Record/<field>), a rule and the seed section. CheckReply only
// judges fields; decoding errors are the decoders'.
//
// Wire summary (the readings are errata in Catalogue().Errata):
//   - REST: GET /s/get?method=<m>&PARAM=...; reply UTF-8 XML <TradeResult>
//     with the fields wrapped in <Record> (the later samples; the first sample
//     is unwrapped and ParseReply accepts both).
//   - SOAP 1.2 (document/literal): POST /s/sp.php, WSDL at /s/sp.php?wsdl and
//     /s/sp.wsdl. A request may be encoded GB2312 (the seed's PHP client sets
//     'encoding'=>'GB2312'); the reply uses the request's charset and declares
//     it. GB2312 is a subset of GBK, so codecs/gbk encodes and decodes it.
//   - CARDPWD is md5 hex of the 6-digit password (codecs/mac.CardPassword).
package kakatong

import "paycert/platforms/catalog"

// Code is a catalogue code.
type Code = catalog.Code

// Seed names the specification this package implements.
const Seed = "000_f468cf75f7cba844.txt (卡卡通 WEB SERVICE 接口规范 v2.3, 2008-04-29)"

// Catalogue returns a freshly built catalogue: the single table of truth.
func Catalogue() *catalog.Catalogue {
	return &catalog.Catalogue{
		Platform:   "kakatong",
		Title:      "Kakatong stored-value / points card gateway (REST + SOAP 1.2)",
		Seed:       Seed,
		Document:   "卡卡通 WEB SERVICE 接口规范 version 2.3 (2008-04-29)",
		Interfaces: interfaces(),
		Codes:      codes(),
		Errata:     errata(),
		FieldCodes: fieldCodes(),
	}
}

// CodeOf returns the catalogue entry for code (an unknown code gets the
// catch-all 非法操作 text, as the seed's "其他" row says).
func CodeOf(code string) Code {
	all := codes()
	for _, c := range all {
		if c.Code == code {
			return c
		}
	}
	for _, c := range all {
		if c.Code == CodeIllegal {
			c.Code = code
			return c
		}
	}
	return Code{Code: code}
}

func codes() []Code {
	const lic, tr, sec, secL = "licence", "trade", "000 接口返回值规范", "000 授权码返回错误值"
	notIn := func(what string) string {
		return "no interface of spec 2.3 performs " + what + "; the code belongs to a function the seed lists but does not specify"
	}
	return []Code{
		{Code: "0", Text: "授权码正确", TextEN: "Licence key valid", Kind: lic, Section: secL,
			Unprovokable: "0 is never sent: a valid key lets the request run and the reply carries the trade's own code"},
		{Code: "1", Text: "无效授权码", TextEN: "Invalid licence key", Kind: lic, Section: secL},
		{Code: "2", Text: "过期授权码", TextEN: "Licence key expired", Kind: lic, Section: secL},
		{Code: "3", Text: "非法授权码", TextEN: "Illegal licence key", Kind: lic, Section: secL},
		{Code: "4", Text: "非授权码授权网站", TextEN: "Licence key not issued for this merchant site", Kind: lic, Section: secL},

		{Code: "00", Text: "交易失败！", TextEN: "Transaction failed!", Kind: tr, Section: sec},
		{Code: "01", Text: "卡号输入错误！", TextEN: "Card number invalid!", Kind: tr, Section: sec},
		{Code: "02", Text: "交易金额输入错误！", TextEN: "Transaction amount invalid!", Kind: tr, Section: sec},
		{Code: "03", Text: "交易类型校验错误！", TextEN: "Trade type check failed!", Kind: tr, Section: sec},
		{Code: "04", Text: "交易模式校验错误！", TextEN: "Trade mode check failed!", Kind: tr, Section: sec},
		{Code: "05", Text: "卡号不存在！", TextEN: "Card number does not exist!", Kind: tr, Section: sec},
		{Code: "06", Text: "原始交易校验失败！", TextEN: "Original transaction check failed!", Kind: tr, Section: sec},
		{Code: "07", Text: "校验失败，密码错误！", TextEN: "Check failed: wrong password!", Kind: tr, Section: sec},
		{Code: "08", Text: "卡的可用额度不够！", TextEN: "Insufficient card balance!", Kind: tr, Section: sec},
		{Code: "09", Text: "卡单笔交易额度超出限额", TextEN: "Amount exceeds the card's per-transaction limit", Kind: tr, Section: sec},
		{Code: "10", Text: "卡有效期已过！", TextEN: "Card has expired!", Kind: tr, Section: sec},
		{Code: "11", Text: "交易成功！", TextEN: "Transaction succeeded!", Kind: tr, Section: sec},
		{Code: "12", Text: "重复交易！", TextEN: "Duplicate transaction!", Kind: tr, Section: sec},
		{Code: "13", Text: "此卡启用时间未到！", TextEN: "Card is not yet valid!", Kind: tr, Section: sec},
		{Code: "14", Text: "此卡已挂失！", TextEN: "Card has been reported lost!", Kind: tr, Section: sec},
		{Code: "15", Text: "此卡已注销！", TextEN: "Card has been cancelled!", Kind: tr, Section: sec},
		{Code: "16", Text: "积分规则不存在！", TextEN: "Points rule does not exist!", Kind: tr, Section: sec},
		{Code: "17", Text: "此卡尚未被激活，请先激活后再交易！", TextEN: "Card is not activated; activate it before trading!", Kind: tr, Section: sec},
		{Code: "18", Text: "自动冲正成功！", TextEN: "Automatic reversal succeeded!", Kind: tr, Section: sec},
		{Code: "19", Text: "此卡已补办！", TextEN: "Card has been replaced!", Kind: tr, Section: sec},
		{Code: "20", Text: "积分卡不能进行储值相关操作！", TextEN: "A points card cannot be loaded with stored value!", Kind: tr, Section: sec},
		{Code: "21", Text: "转入卡号与转出卡号不能相同！", TextEN: "Transfer-in and transfer-out cards must differ!", Kind: tr, Section: sec, Unprovokable: notIn("a card-to-card transfer")},
		{Code: "22", Text: "请输入转帐交易中的转出卡号！", TextEN: "Enter the transfer-out card number!", Kind: tr, Section: sec, Unprovokable: notIn("a card-to-card transfer")},
		{Code: "23", Text: "转入卡启用时间未到！", TextEN: "Transfer-in card is not yet valid!", Kind: tr, Section: sec, Unprovokable: notIn("a card-to-card transfer")},
		{Code: "24", Text: "转入卡已挂失！", TextEN: "Transfer-in card has been reported lost!", Kind: tr, Section: sec, Unprovokable: notIn("a card-to-card transfer")},
		{Code: "25", Text: "转入卡已注销！", TextEN: "Transfer-in card has been cancelled!", Kind: tr, Section: sec, Unprovokable: notIn("a card-to-card transfer")},
		{Code: "26", Text: "转入卡号不支持储值功能！", TextEN: "Transfer-in card does not support stored value!", Kind: tr, Section: sec, Unprovokable: notIn("a card-to-card transfer")},
		{Code: "27", Text: "转入卡号不支持积分功能！", TextEN: "Transfer-in card does not support points!", Kind: tr, Section: sec, Unprovokable: notIn("a card-to-card transfer")},
		{Code: "28", Text: "请正确设置次卡的次数和价格！", TextEN: "Set the count and price of the count card correctly!", Kind: tr, Section: sec, Unprovokable: notIn("a count-card (次卡) set-up")},
		{Code: "31", Text: "此卡不支持储值卡功能！", TextEN: "Card does not support stored-value functions!", Kind: tr, Section: sec},
		{Code: "32", Text: "此卡不支持积分卡功能！", TextEN: "Card does not support points functions!", Kind: tr, Section: sec},
		{Code: "40", Text: "绑定成功:被绑定手机/身份证号码：{IDNUM}！", TextEN: "Bound: mobile/ID number {IDNUM}!", Kind: tr, Section: sec},
		{Code: "41", Text: "请求绑定的手机/身份证号码错误!", TextEN: "Mobile/ID number to bind is invalid!", Kind: tr, Section: sec},
		{Code: "42", Text: "此卡号已和其他手机/身份证绑定!", TextEN: "Card is already bound to another mobile/ID number!", Kind: tr, Section: sec},
		{Code: "43", Text: "此卡号在系统中没有与之绑定的手机号码/身份证!", TextEN: "Card has no mobile/ID number bound to it!", Kind: tr, Section: sec},
		{Code: "44", Text: "绑定撤销成功！", TextEN: "Binding removed!", Kind: tr, Section: sec},
		{Code: "45", Text: "密码修改成功!", TextEN: "Password changed!", Kind: tr, Section: sec},
		{Code: "46", Text: "本卡原密码输入不正确!", TextEN: "The card's old password is wrong!", Kind: tr, Section: sec},
		{Code: "47", Text: "密码重置成功!", TextEN: "Password reset!", Kind: tr, Section: sec},
		{Code: "50", Text: "非法版本网关！", TextEN: "Illegal gateway version!", Kind: tr, Section: sec,
			Unprovokable: "spec 2.3 defines no version parameter a client could send, so no request can name an illegal gateway version"},
		{Code: "51", Text: "网关服务关闭，暂停交易！", TextEN: "Gateway service closed, trading suspended!", Kind: tr, Section: sec},
		{Code: "52", Text: "请确认所领卡为本发卡商户所申请之卡！", TextEN: "The card was not issued to this issuing merchant!", Kind: tr, Section: sec},
		{Code: "53", Text: "领卡失败，请确认卡号已生成且废卡回收卡不能领卡", TextEN: "Activation failed: card not generated, or a recycled card", Kind: tr, Section: sec},
		{Code: "54", Text: "发卡商户帐户余额不足，不足以对此卡充值", TextEN: "Issuing merchant's account cannot fund this card's initial value", Kind: tr, Section: sec},
		{Code: "55", Text: "领卡成功，充值失败", TextEN: "Card activated, initial load failed", Kind: tr, Section: sec,
			Unprovokable: "the gateway checks the issuer's account (54) before activating, so activation and load succeed or fail together; 55 needs a failure between the two steps inside the gateway"},
		{Code: "56", Text: "领卡失败！", TextEN: "Activation failed!", Kind: tr, Section: sec},
		{Code: "57", Text: "领卡成功！", TextEN: "Card activated!", Kind: tr, Section: sec},
		{Code: "58", Text: "终端当天最大充值额已达到！", TextEN: "Terminal's daily recharge maximum reached!", Kind: tr, Section: sec},
		{Code: "59", Text: "领卡失败，持卡人手机号码在系统中已存在！", TextEN: "Activation failed: holder's mobile number already in the system!", Kind: tr, Section: sec},
		{Code: "60", Text: "商户被封闭，请联系发卡机构", TextEN: "Merchant closed, contact the card issuer", Kind: tr, Section: sec},
		{Code: "61", Text: "输入交易流水号不存在！", TextEN: "Transaction stance number does not exist!", Kind: tr, Section: sec},
		{Code: "62", Text: "此交易流水号为已撤销交易流水号！", TextEN: "This stance number is itself an undo transaction!", Kind: tr, Section: sec},
		{Code: "63", Text: "此交易已经被撤销！", TextEN: "This transaction has already been undone!", Kind: tr, Section: sec},
		{Code: "64", Text: "不能撤销不同消费商户所做交易！", TextEN: "Cannot undo a transaction made by another merchant!", Kind: tr, Section: sec},
		{Code: "65", Text: "消费商户余额不足，不能对此卡充值！", TextEN: "Merchant's account too low to recharge this card!", Kind: tr, Section: sec},
		{Code: "66", Text: "积分卡积分余额不足，不能进行积分消费！", TextEN: "Insufficient points for a points purchase!", Kind: tr, Section: sec},
		{Code: "67", Text: "已达到当天最大交易次数！", TextEN: "Daily maximum number of transactions reached!", Kind: tr, Section: sec},
		{Code: "68", Text: "测试模式下当天交易次数不能超过100！", TextEN: "In test mode no more than 100 transactions a day!", Kind: tr, Section: sec},
		{Code: "70", Text: "非网关支持POS机具！", TextEN: "POS terminal not supported by the gateway!", Kind: tr, Section: sec},
		{Code: "71", Text: "请确认在系统中已申请考勤服务!", TextEN: "Apply for the attendance service first!", Kind: tr, Section: sec, Unprovokable: notIn("attendance (考勤)")},
		{Code: CodeIllegal, Text: "非法操作！", TextEN: "Illegal operation!", Kind: tr, Section: "000 接口返回值规范 (其他)"},
		{Code: CodeFrozen, Text: "此卡已冻结！", TextEN: "Card is frozen!", Kind: tr, Section: "000 接口返回值规范 (加此卡已冻结)"},
	}
}
