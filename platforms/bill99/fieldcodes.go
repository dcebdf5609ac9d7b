package bill99

import "paycert/platforms/catalog"

// fieldBreaches returns the breaches §5.3.3 calls 长度、格式等基础校验错误 (basic
// length and format checks), answered with an errorCode before any business
// check: B.MGW.0120 (E-BILL99-FIELD-CODES). A wrong charset is not among
// them: the message as a whole is refused (E-BILL99-FIELD-CHARSET), and the
// seed names no code for it.
func fieldBreaches() []catalog.Breach {
	return []catalog.Breach{catalog.Missing, catalog.Empty, catalog.TooLong, catalog.TooShort, catalog.WrongType}
}

// fieldCodes is one FieldCodes row per request field of every interface a
// merchant sends to the platform: its basic-check breaches get B.MGW.0120.
// The TR3 notice is the platform's request to the merchant, who answers no
// code, so it has no row.
func fieldCodes(ifaces []catalog.Interface) []catalog.FieldCode {
	var out []catalog.FieldCode
	for _, it := range ifaces {
		if it.Name == IfTR3 {
			continue
		}
		for _, f := range it.FieldsFor(catalog.Request) {
			out = append(out, catalog.FieldCode{Interface: it.Name, Path: f.Path, Breaches: fieldBreaches(), Code: ECField, Section: "001 §5.3.3 (E-BILL99-FIELD-CODES)"})
		}
	}
	return out
}
