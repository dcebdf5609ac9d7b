package kakatongsuite

import "paycert/conformance"

// TargetDoc lists what the suite reads from a real endpoint (see the
// package doc; defaults are the seed's test accounts): paycert.example.yaml's
// kakatong section is generated from it.
func TargetDoc() conformance.TargetDoc {
	return conformance.TargetDoc{
		URL: "http://kkt-test.example.com",
		Params: []conformance.Param{
			{Name: "licence_key", Doc: "LICENSEKEY (default NV41VDlSNldhFTFeYw0z)", Secret: true, Example: "NV41VDlSNldhFTFeYw0z"},
			{Name: "copno", Doc: "COPNO (default 1155)", Example: "1155"},
			{Name: "poscode", Doc: "POSCODE (default 11552001)", Example: "11552001"},
			{Name: "cards", Doc: "comma-separated active cards to trade on (default 1680115500000126..133)", Example: "1680115500000125,1680115500000126"},
			{Name: "password", Doc: "the cards' password (default 111111)", Secret: true, Example: "111111"},
		},
	}
}
