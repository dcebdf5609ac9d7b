package hzcard

import "paycert/platforms/catalog"

// fieldCodes are the request-field breaches for which seed 003 names the
// code (catalog.FieldCode). The seed has no code for a malformed field
// (erratum E-HZ-FORMAT-CODE: the simulator answers 999999), so the
// generated negatives accept any documented error code for every other
// breach; these three are the fields whose breach the seed's code table
// does name:
//   - joininstid selects the institution whose key verifies the signature,
//     so a missing, empty or over-long one can only name no institution:
//     000016 机构不存在 (erratum E-HZ-JOININSTID-FIRST). Text in another
//     charset is the charset rule's (E-HZ-CHARSET), judged before it.
//   - sign: any breach is a signature that does not verify, 000020 (§2.3,
//     erratum E-HZ-SIGN-CODE).
//   - data missing or empty: 000014 获取 txninfo 信息为空 (erratum
//     E-HZ-DATA-REQUIRED).
func fieldCodes() []catalog.FieldCode {
	return []catalog.FieldCode{
		{Path: "joininstid", Breaches: []catalog.Breach{catalog.Missing, catalog.Empty, catalog.TooLong}, Code: CodeNoInstitution,
			Section: "003 §2.4 (joininstid), appendix D 000016 机构不存在 (erratum E-HZ-JOININSTID-FIRST)"},
		{Path: "sign", Code: CodeBadSign, Section: "003 §2.3, appendix D 000020 (erratum E-HZ-SIGN-CODE)"},
		{Path: "data", Breaches: []catalog.Breach{catalog.Missing, catalog.Empty}, Code: CodeNoTxnInfo,
			Section: "003 §2.4 (data), appendix D 000014 获取 txninfo 信息为空 (erratum E-HZ-DATA-REQUIRED)"},
	}
}
