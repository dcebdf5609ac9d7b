package kakatong

import "paycert/platforms/catalog"

// REST method names and SOAP operation names.
const (
	MethodTrade    = "cTRequest"
	MethodPassword = "rSCardPwd"
	MethodActivate = "aCRequest"
	MethodStream   = "tSRequest"
	MethodInfo     = "cIRequest"
	MethodBind     = "bCRequest"

	OpTrade    = "soapCardTrade"
	OpPassword = "soapChangeCardPwd"
	OpActivate = "soapActiveCard"
	OpStream   = "soapTradeStream"
	OpInfo     = "soapCardInfo"
	OpBind     = "soapBindCard"

	RESTPath = "/s/get"
	SOAPPath = "/s/sp.php"
	WSDLPath = "/s/sp.wsdl"
)

// Methods lists the REST methods in the seed's order.
func Methods() []string {
	return []string{MethodTrade, MethodPassword, MethodActivate, MethodStream, MethodInfo, MethodBind}
}

// TradeExtraParams are the parameters cTRequest accepts beyond its table,
// for the bind (2200) and password (4400) rows (erratum
// E-KAKATONG-CTREQUEST-ROWS).
func TradeExtraParams() []string { return []string{"IDNUM", "OLD_PWD", "NEW_PWD"} }

// Operation pairs a SOAP operation with the REST method it mirrors and its
// parameters in WSDL order (soapCardTrade's are the positional names of the
// seed's PHP sample; the others reuse the REST parameter names).
type Operation struct {
	Name   string
	Method string
	Params []string
	// REST maps a SOAP parameter to its REST name (identity when absent).
	REST map[string]string
}

// Operations lists the SOAP operations.
func Operations() []Operation {
	return []Operation{
		{Name: OpTrade, Method: MethodTrade,
			Params: []string{"lickey", "trade_code", "trade_mode", "cd_no", "cd_pwd", "tmn_no", "trad_amount", "item_code", "stance_rev", "LANG"},
			REST: map[string]string{"lickey": "LICENSEKEY", "trade_code": "TRADETYPE", "trade_mode": "TRADEMODE", "cd_no": "CARDNO",
				"cd_pwd": "CARDPWD", "tmn_no": "POSCODE", "trad_amount": "AMOUNT", "item_code": "ITEMCODE", "stance_rev": "STANCE_REV"}},
		{Name: OpPassword, Method: MethodPassword, Params: []string{"LANG", "LICENSEKEY", "CARDNO", "OLD_PWD", "NEW_PWD", "COPNO", "POSCODE"}},
		{Name: OpActivate, Method: MethodActivate, Params: []string{"LICENSEKEY", "CARDNO", "CARDPWD", "COPNO", "POSCODE"}},
		{Name: OpStream, Method: MethodStream, Params: []string{"LANG", "LICENSEKEY", "CARDNO", "CARDPWD", "TRADETYPE", "TRADEMODE", "POSCODE", "COPNO", "START", "END", "STANCE_NO"}},
		{Name: OpInfo, Method: MethodInfo, Params: []string{"LANG", "LICENSEKEY", "CARDNO", "COPNO", "USR_CH_NAME", "USR_EN_NAME", "USR_ADDR", "USR_EMAIL", "USR_MOBILE_NO", "USR_TEL_PHONE", "USR_BIRTHDAY"}},
		{Name: OpBind, Method: MethodBind, Params: []string{"LANG", "LICENSEKEY", "CARDNO", "COPNO", "CARDPWD", "IDNUM", "TRADEMODE", "POSCODE"}},
	}
}

// OperationFor returns the SOAP operation mirroring a REST method.
func OperationFor(method string) (Operation, bool) {
	for _, o := range Operations() {
		if o.Method == method || o.Name == method {
			return o, true
		}
	}
	return Operation{}, false
}

// ReplyFields lists, per REST method, the reply elements inside <Record> in
// the order the gateway writes them.
func ReplyFields(method string) []string {
	switch method {
	case MethodTrade:
		return []string{"PayInForm", "PayInResult", "Stance", "Integral", "Points", "CardNo", "TradeName"}
	case MethodPassword:
		return []string{"PayInForm", "CardNo", "TradeName"}
	case MethodActivate:
		return []string{"Result", "CardNo"}
	case MethodStream:
		return []string{"stanceNo", "CardNo", "Amount", "Points", "Integral", "TradeTime", "TmnNo", "TradeName"}
	case MethodInfo:
		return []string{"Result", "CardNo", "CopNo", "UsrChName", "UsrEnName", "UsrAddr", "UsrEmail", "UsrMobile", "UsrTel", "UsrBirthday"}
	case MethodBind:
		return []string{"Result", "CardNo", "CopNo", "IDNum", "TmnNo"}
	}
	return nil
}

// CodeField is the element a method's reply carries its code in.
func CodeField(method string) string {
	switch method {
	case MethodActivate, MethodInfo, MethodBind:
		return "Result"
	}
	return "PayInForm"
}

func req(path, typ string, min, max int, p catalog.Presence, meaning, sample string) catalog.Field {
	return catalog.Field{Dir: catalog.Request, Path: path, Type: typ, MinLen: min, MaxLen: max, Presence: p, Meaning: meaning, Sample: sample}
}

func rep(path, typ string, p catalog.Presence, meaning, sample string) catalog.Field {
	return catalog.Field{Dir: catalog.Reply, Path: "TradeResult/Record/" + path, Type: typ, Presence: p, Meaning: meaning, Sample: sample}
}

// Field lengths the simulator checks as well as the tables state them.
const (
	CardNoLen                    = 16      // CARDNO (01)
	PasswordLen                  = 6       // the plain card password, NEW_PWD
	MaxAmountLen                 = 12      // AMOUNT, fen digits (02)
	MinLicenceLen, MaxLicenceLen = 16, 512 // LICENSEKEY (licence code 3 outside)
)

const (
	rq = catalog.Required
	op = catalog.Optional
	cd = catalog.Conditional
)

func commonReq() []catalog.Field {
	return []catalog.Field{
		req("LANG", "String", 0, 8, op, "reply language: GB2312 = simplified Chinese, absent = English", "GB2312"),
		req("LICENSEKEY", "String", MinLicenceLen, MaxLicenceLen, rq, "licence key (授权码)", "NV41VDlSNldhFTFeYw0z"),
	}
}

func interfaces() []catalog.Interface {
	card := req("CARDNO", "Digits", CardNoLen, CardNoLen, rq, "16-digit card number", "1680115500000125")
	pwd := req("CARDPWD", "Hex", 32, 32, rq, "md5 hex of the 6-digit password (a plain 6-digit value is accepted, see E-KAKATONG-PLAIN-PWD)", "96e79218965eb72c92a549dd5a330112")
	copno := req("COPNO", "Digits", 1, 10, rq, "issuing merchant id (发卡商户ID)", "1155")
	pos := req("POSCODE", "Digits", 1, 16, rq, "terminal id assigned by Kakatong", "11552001")
	trade := append(commonReq(), card, pwd,
		req("AMOUNT", "Fen", 1, MaxAmountLen, cd, "amount in fen, digits only", "200"),
		req("TRADETYPE", "Digits", 4, 4, rq, "trade type (交易类型及代码一览表)", "1102"),
		req("TRADEMODE", "String", 0, 1, rq, "trade mode (交易类型及代码一览表)", "0"),
		pos,
		req("ITEMCODE", "Digits", 3, 8, op, "service code (3-8 digits)", "123"),
		req("STANCE_REV", "Digits", 8, 8, cd, "stance number of the trade to undo (undo rows only)", "00006698"),
		copno,
		rep("PayInForm", "Code", rq, "result code, two digits (one digit for a licence error)", "11"),
		rep("PayInResult", "String", rq, "result text in the LANG language", "交易成功！"),
		rep("Stance", "Digits(8)", cd, "stance number of this trade, on success only", "00006698"),
		rep("Integral", "Fen", cd, "stored-value balance after the trade", "200"),
		rep("Points", "Integer", cd, "points balance after the trade", ""),
		rep("CardNo", "Digits", op, "card number to display and print", "1680115500000125"),
		rep("TradeName", "String", op, "service-code description, else the trade's Chinese name", "储值充值"),
	)
	password := append(commonReq(), card,
		req("OLD_PWD", "Digits", 0, 6, cd, "old 6-digit password; empty = reset", ""),
		req("NEW_PWD", "Digits", PasswordLen, PasswordLen, rq, "new 6-digit password", "111111"),
		copno, pos,
		rep("PayInForm", "Code", rq, "45 changed / 46 old password wrong / 47 reset", "47"),
		rep("CardNo", "Digits", rq, "card number", "1680115500000125"),
		rep("TradeName", "String", rq, "trade name", "修改/重置密码"),
	)
	activate := []catalog.Field{
		req("LICENSEKEY", "String", MinLicenceLen, MaxLicenceLen, rq, "licence key", "NV41VDlSNldhFTFeYw0z"),
		card, pwd, copno, pos,
		rep("Result", "Code", rq, "57 on success", "57"),
		rep("CardNo", "Digits", rq, "card number", "1680115500000125"),
	}
	stream := append(commonReq(),
		req("CARDNO", "Digits", 1, CardNoLen, rq, "card filter, 0 = none", "0"),
		req("CARDPWD", "Hex", 0, 32, cd, "password, when filtering by card", ""),
		req("TRADETYPE", "Digits", 4, 4, rq, "fixed "+TypeStream, TypeStream),
		req("TRADEMODE", "Digits", 1, 1, rq, "fixed "+ModeStream, ModeStream),
		req("POSCODE", "Digits", 1, 16, rq, "terminal filter, 0 = none", "0"),
		copno,
		req("START", "Time", 1, 19, rq, "start time YYYY-MM-DD HH:MM:SS, 0 = none", "2007-01-14 00:14:48"),
		req("END", "Time", 1, 19, rq, "end time, 0 = none", "2008-01-15 15:14:48"),
		req("STANCE_NO", "Digits", 1, 8, rq, "stance filter, 0 = none", "00000010"),
		rep("stanceNo", "Digits(8)", rq, "stance number", "00000053"),
		rep("CardNo", "Digits", rq, "card number", "1680010500000006"),
		rep("Amount", "Yuan", rq, "amount in yuan with two decimals", "11000.00"),
		rep("Points", "Decimal", rq, "points moved, two decimals", "0.00"),
		rep("Integral", "Fen", rq, "stored-value balance after the trade (reply table; absent from the sample)", ""),
		rep("TradeTime", "Time", rq, "YYYY-MM-DD HH:MM:SS", "2007-06-01 13:27:37"),
		rep("TmnNo", "Digits", rq, "terminal", "10051001"),
		rep("TradeName", "String", rq, "trade name", "充值撤销"),
	)
	holder := func(p, meaning string) catalog.Field { return req(p, "String", 0, 64, op, meaning, "") }
	info := append(commonReq(), card, copno,
		holder("USR_CH_NAME", "holder's Chinese name"), holder("USR_EN_NAME", "holder's English name"),
		holder("USR_ADDR", "address"), holder("USR_EMAIL", "e-mail"), holder("USR_MOBILE_NO", "mobile"),
		holder("USR_TEL_PHONE", "telephone"), req("USR_BIRTHDAY", "Date(YYYY-MM-DD)", 0, 10, op, "birthday", ""),
		rep("Result", "Code", op, "empty on success (as the samples), else the code", ""),
		rep("CardNo", "Digits", rq, "card", "1680115500000125"), rep("CopNo", "Digits", rq, "merchant", "1155"),
		rep("UsrChName", "String", rq, "", ""), rep("UsrEnName", "String", rq, "", "ceraki"), rep("UsrAddr", "String", rq, "", ""),
		rep("UsrEmail", "String", rq, "", "czx@kakatong.com"), rep("UsrMobile", "String", rq, "", "13611935449"),
		rep("UsrTel", "String", rq, "", ""), rep("UsrBirthday", "Date", rq, "0000-00-00 when unset", "0000-00-00"),
	)
	bind := append(commonReq(), card, copno, pwd,
		req("IDNUM", "Digits", 11, 18, rq, "mobile (11 digits) or ID card (15/18) number", "13611935449"),
		req("TRADEMODE", "Digits", 1, 1, rq, "1 bind, 0 unbind", "1"),
		pos,
		rep("Result", "Code", rq, "40 bound / 44 unbound", "40"),
		rep("CardNo", "Digits", rq, "card", "1680115500000125"), rep("CopNo", "Digits", rq, "merchant", "1155"),
		rep("IDNum", "Digits", rq, "bound number", "13611935449"), rep("TmnNo", "Digits", rq, "terminal", "11552001"),
	)
	ifs := []catalog.Interface{
		{Name: MethodTrade, Title: "储值充值/消费/积分累计/消费/余额查询及撤销", Section: "000 储值充值/消费…接口规范", Path: RESTPath + "?method=" + MethodTrade, Fields: trade},
		{Name: MethodPassword, Title: "卡密码重置", Section: "000 卡密码重置接口规范", Path: RESTPath + "?method=" + MethodPassword, Fields: password},
		{Name: MethodActivate, Title: "领卡激活", Section: "000 领卡激活接口规范", Path: RESTPath + "?method=" + MethodActivate, Fields: activate},
		{Name: MethodStream, Title: "交易流水", Section: "000 交易流水接口规范", Path: RESTPath + "?method=" + MethodStream, Fields: stream},
		{Name: MethodInfo, Title: "修改/查询个人信息", Section: "000 修改/查询个人信息接口规范", Path: RESTPath + "?method=" + MethodInfo, Fields: info},
		{Name: MethodBind, Title: "身份证或手机号码绑定/绑定撤销", Section: "000 绑定/绑定撤销接口规范", Path: RESTPath + "?method=" + MethodBind, Fields: bind},
	}
	for _, o := range Operations() {
		base, _ := func() (catalog.Interface, bool) {
			for _, i := range ifs[:6] {
				if i.Name == o.Method {
					return i, true
				}
			}
			return catalog.Interface{}, false
		}()
		var fields []catalog.Field
		for _, p := range o.Params {
			rest := p
			if r, ok := o.REST[p]; ok {
				rest = r
			}
			f := req(p, "String", 0, 0, op, "SOAP parameter mirroring REST "+rest, "")
			for _, bf := range base.FieldsFor(catalog.Request) {
				if bf.Path == rest {
					f = bf
					f.Path = p
				}
			}
			fields = append(fields, f)
		}
		for _, f := range base.FieldsFor(catalog.Reply) {
			f.Path = o.Name + "Response/return/" + f.Path[len("TradeResult/Record/"):]
			fields = append(fields, f)
		}
		ifs = append(ifs, catalog.Interface{Name: o.Name, Title: base.Title + " (SOAP 1.2)", Section: base.Section,
			Path: SOAPPath + " (SOAP 1.2 operation " + o.Name + ")", Fields: fields})
	}
	return ifs
}
