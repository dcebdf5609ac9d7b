package kakatong

// Result codes of seed 000 ("授权码返回错误值" and "接口返回值规范"). The
// numbers are the strings the gateway puts in PayInForm/Result; the two
// unnumbered results travel as their Chinese text (erratum
// E-KAKATONG-UNNUMBERED).
const (
	CodeFailed          = "00"
	CodeBadCardNo       = "01"
	CodeBadAmount       = "02"
	CodeBadTradeType    = "03"
	CodeBadTradeMode    = "04"
	CodeNoCard          = "05"
	CodeBadOriginal     = "06"
	CodeBadPassword     = "07"
	CodeNoFunds         = "08"
	CodeOverSingleLimit = "09"
	CodeExpired         = "10"
	CodeOK              = "11"
	CodeDuplicate       = "12"
	CodeNotYetValid     = "13"
	CodeLost            = "14"
	CodeCancelled       = "15"
	CodeNoPointsRule    = "16"
	CodeNotActive       = "17"
	CodeReversed        = "18"
	CodeReplaced        = "19"
	CodePointsCardValue = "20"
	CodeNoValueFunction = "31"
	CodeNoPointsFunc    = "32"
	CodeBound           = "40"
	CodeBadIDNum        = "41"
	CodeBoundElsewhere  = "42"
	CodeNotBound        = "43"
	CodeUnbound         = "44"
	CodePwdChanged      = "45"
	CodeOldPwdWrong     = "46"
	CodePwdReset        = "47"
	CodeGatewayClosed   = "51"
	CodeOtherIssuer     = "52"
	CodeCannotActivate  = "53"
	CodeIssuerNoFunds   = "54"
	CodeActivateFailed  = "56"
	CodeActivated       = "57"
	CodeTermDailyCap    = "58"
	CodeMobileExists    = "59"
	CodeMerchantClosed  = "60"
	CodeNoStance        = "61"
	CodeStanceIsUndo    = "62"
	CodeAlreadyUndone   = "63"
	CodeOtherMerchant   = "64"
	CodeMerchantNoFunds = "65"
	CodeNoPoints        = "66"
	CodeTermDailyCount  = "67"
	CodeTestModeCap     = "68"
	CodeBadTerminal     = "70"
	CodeIllegal         = "非法操作"
	CodeFrozen          = "此卡已冻结"
)

// Licence-key results ("授权码返回错误值"). In REST replies they travel in
// the code field as a single digit, in SOAP as the bare number (erratum
// E-KAKATONG-LICENCE-REST).
const (
	LicenceOK       = "0"
	LicenceInvalid  = "1"
	LicenceExpired  = "2"
	LicenceIllegal  = "3"
	LicenceWrongWeb = "4"
)

// IsLicenceCode reports whether code is one of the one-digit licence
// results 1-4 (0 never appears on the wire: a good key lets the trade run).
func IsLicenceCode(code string) bool {
	return len(code) == 1 && code >= "1" && code <= "4"
}

// Text returns the code's text in the language LANG selects: Chinese for
// "GB2312", English otherwise (the seed: "默认为英文"). {IDNUM} in code 40
// is replaced by idnum.
func Text(c Code, lang, idnum string) string {
	t := c.TextEN
	if IsChinese(lang) {
		t = c.Text
	}
	return replaceIDNum(t, idnum)
}

// IsChinese reports whether a LANG value selects Chinese texts. The seed
// names only GB2312; GBK is accepted as the same request (GB2312 is a
// subset of GBK).
func IsChinese(lang string) bool {
	switch lang {
	case "GB2312", "gb2312", "GBK", "gbk":
		return true
	}
	return false
}

func replaceIDNum(t, idnum string) string {
	const ph = "{IDNUM}"
	for i := 0; i+len(ph) <= len(t); i++ {
		if t[i:i+len(ph)] == ph {
			return t[:i] + idnum + t[i+len(ph):]
		}
	}
	return t
}

// IsSuccess reports whether code is a success of method: 11 for trades,
// queries and the stream return, 18 reversal, 40/44 bind/unbind, 45/47
// password, 57 activation, and the empty Result of cIRequest.
func IsSuccess(method, code string) bool {
	switch code {
	case CodeOK, CodeReversed, CodeBound, CodeUnbound, CodePwdChanged, CodePwdReset, CodeActivated:
		return true
	case "":
		return method == MethodInfo
	}
	return false
}
