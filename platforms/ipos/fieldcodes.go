package ipos

import "paycert/platforms/catalog"

// Sections the field codes cite: §5's access table names each code; the
// charset and request_type readings are errata of §2 and §5.
const (
	sectionFieldCodes = sectionCodes
	sectionCharsetErr = "002 §2, §5 (6106, erratum E-IPOS-REQUEST-CHARSET)"
	sectionMethodErr  = "002 §5 (6107, erratum E-IPOS-METHOD)"
)

// fieldCodes is which code 002 §5 names for a breach of a request field
// (erratum E-IPOS-FIELD-CODES says how its texts are read): a "不能为空"
// code names a missing or empty element, a "格式不正确" (malformed) code
// names a value that is there but wrong (empty, too long or short, wrong
// type), a "不能超过" code its length alone. A breach no row covers gets
// any documented error code (the missing store_id, valid_info and the
// gift-card fields, for which §5 names nothing).
func fieldCodes(c *catalog.Catalogue) []catalog.FieldCode {
	present := []catalog.Breach{catalog.Empty, catalog.TooLong, catalog.TooShort, catalog.WrongType}
	absent := []catalog.Breach{catalog.Missing, catalog.Empty}
	length := []catalog.Breach{catalog.TooLong}
	row := func(iface, path string, bs []catalog.Breach, code string) catalog.FieldCode {
		return catalog.FieldCode{Interface: iface, Path: Root + "/" + path, Breaches: bs, Code: code, Section: sectionFieldCodes}
	}
	rows := []catalog.FieldCode{
		{Path: Root + "/request_type", Breaches: []catalog.Breach{catalog.Missing, catalog.Empty, catalog.TooLong, catalog.WrongType},
			Code: CodeMethod, Section: sectionMethodErr},
		row("", "isspid", present, CodeISSPIDFormat),
		row("", "system_id", absent, CodeSystemIDEmpty),
		row("", "system_id", present, CodeSystemIDFormat),
		row("", "pos_id", append(absent, catalog.TooLong), CodePosID),
		row("", "store_id", length, CodeStoreID),
		row(BindPos, "store_info/store_id", length, CodeStoreID),
		row("", "user_id", length, CodeUserID),
		row("", "pos_seq", present, CodePosSeq),
		row(BindPos, "store_info/store_name", []catalog.Breach{catalog.Empty, catalog.TooLong}, CodeStoreName),
		row(CardDaily, "card_daily_request/daily_day", present, CodeDailyDay),
		row(WecardGetTraceList, "s_time", present, CodeSTime),
		row(WecardGetTraceList, "e_time", present, CodeETime),
		row(WecardPosReturnd, "org_pos_seq", present, CodeOrgPosSeq),
		// 5221 names 交易金额 (the trade amount): tx_amt, and the gift-card
		// consume's amount (交易金额 in §4.9); a refund's 退款金额 is not named.
		row(CardVerify, "card_verify_request/tx_amt", present, CodeTxAmt),
		row(WecardPosCancelCard, "amount", present, CodeTxAmt),
	}
	for _, it := range []string{CardQuery, CardVerify, CardCancel, CardReversal} {
		g := it + "_request/"
		rows = append(rows, row(it, g+"valid_info", present, CodeValidInfo), row(it, g+"encode_type", present, CodeEncodeType))
		if it == CardCancel || it == CardReversal {
			rows = append(rows, row(it, g+"org_pos_seq", present, CodeOrgPosSeq))
		}
	}
	// Text in a charset the message does not declare: 6106 before any
	// field rule, for every element (E-IPOS-REQUEST-CHARSET).
	seen := map[string]bool{}
	for _, it := range c.Interfaces {
		for _, f := range it.FieldsFor(catalog.Request) {
			if f.Type == "String" && !seen[f.Path] {
				seen[f.Path] = true
				rows = append(rows, catalog.FieldCode{Path: f.Path, Breaches: []catalog.Breach{catalog.WrongCharset}, Code: CodeBadXML, Section: sectionCharsetErr})
			}
		}
	}
	return rows
}
