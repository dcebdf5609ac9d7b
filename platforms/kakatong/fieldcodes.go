package kakatong

import "paycert/platforms/catalog"

// fieldCodes says which code the seed names for a breach of a request
// field (catalog.FieldCodes): the 接口返回值规范 codes whose text names the
// parameter ("01 卡号输入错误" is CARDNO's, "02 交易金额输入错误" AMOUNT's,
// ...) and the licence codes of 授权码返回错误值 as
// E-KAKATONG-LICENCE-MEANING reads them. A breach no row covers (the
// holder fields, NEW_PWD, ITEMCODE, the stream's times) is answered with
// whatever documented error the gateway gives (00 in the simulator): the
// seed names no code for it. Rows name the REST parameter and the SOAP
// parameter that mirrors it, so both wires are held to one code.
func fieldCodes() []catalog.FieldCode {
	const codesSec, licSec = "000 接口返回值规范", "000 授权码返回错误值 (E-KAKATONG-LICENCE-MEANING)"
	var out []catalog.FieldCode
	// both adds a row for the REST parameter and for each SOAP parameter
	// that mirrors it (soapCardTrade renames them: cd_no, lickey, ...).
	both := func(rest string, breaches []catalog.Breach, code, section string) {
		out = append(out, catalog.FieldCode{Path: rest, Breaches: breaches, Code: code, Section: section})
		seen := map[string]bool{rest: true}
		for _, o := range Operations() {
			for soap, r := range o.REST {
				if r == rest && !seen[soap] {
					seen[soap] = true
					out = append(out, catalog.FieldCode{Path: soap, Breaches: breaches, Code: code, Section: section})
				}
			}
		}
	}
	absent := []catalog.Breach{catalog.Missing, catalog.Empty}
	shape := []catalog.Breach{catalog.TooLong, catalog.TooShort, catalog.WrongType}
	both("LICENSEKEY", absent, LicenceInvalid, licSec+": 1 无效授权码, an empty or unknown key")
	both("LICENSEKEY", shape, LicenceIllegal, licSec+": 3 非法授权码, a key outside 16-512 characters of [A-Za-z0-9+/=.]")
	// A COPNO present but not the licence's merchant (E-KAKATONG-COPNO-OPTIONAL).
	both("COPNO", shape, LicenceWrongWeb, licSec+": 4 非授权码授权网站, a COPNO that is not the licence key's merchant")
	both("CARDNO", nil, CodeBadCardNo, codesSec+": 01 卡号输入错误 (16位标准长度的卡号)")
	both("CARDPWD", nil, CodeBadPassword, codesSec+": 07 校验失败，密码错误 (6位数字密码经过md5加密后的字符串)")
	both("AMOUNT", nil, CodeBadAmount, codesSec+": 02 交易金额输入错误")
	both("TRADETYPE", nil, CodeBadTradeType, codesSec+": 03 交易类型校验错误 (交易类型及代码一览表)")
	both("TRADEMODE", nil, CodeBadTradeMode, codesSec+": 04 交易模式校验错误 (交易类型及代码一览表)")
	both("POSCODE", nil, CodeBadTerminal, codesSec+": 70 非网关支持POS机具 (卡卡通指定的终端ID)")
	both("STANCE_REV", nil, CodeNoStance, codesSec+": 61 输入交易流水号不存在 (STANCE_REV 八位数字)")
	both("STANCE_NO", nil, CodeNoStance, codesSec+": 61 输入交易流水号不存在 (交易流水号)")
	both("IDNUM", nil, CodeBadIDNum, codesSec+": 41 请求绑定的手机/身份证号码错误")
	both("OLD_PWD", nil, CodeOldPwdWrong, codesSec+": 46 本卡原密码输入不正确 (原始密码必须为6位数字)")
	return out
}
