package bill99_test

import (
	"os"
	"path/filepath"
	"testing"

	"paycert/platforms/bill99"
)

// The load runner classifies every purchase reply and the simulator parses
// and validates every request, so these are the per-request costs of
// bill99-purchase outside TLS and the ledger.

func readSample(b *testing.B, name string) []byte {
	b.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		b.Fatal(err)
	}
	return raw
}

// BenchmarkParseRequest: the simulator's decode of a purchase request, as a
// client sends it (Encode of the typed request).
func BenchmarkParseRequest(b *testing.B) {
	body := bill99.Encode(bill99.PurchaseRequest{MerchantID: "104110045112012", TerminalID: "00002012", CustomerID: "33150001",
		ExternalRefNumber: "L261122050000000000001", EntryTime: "20261122050000", Amount: "1.00", PayToken: "8120000002867710851"}.Message())
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := bill99.Parse(body); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkValidateRequest: the simulator's table check of a parsed purchase
// request.
func BenchmarkValidateRequest(b *testing.B) {
	doc, err := bill99.Parse(readSample(b, "purchase_request.xml"))
	if err != nil {
		b.Fatal(err)
	}
	in, _ := bill99.Catalogue().Interface(bill99.IfPurchase)
	b.ReportAllocs()
	for b.Loop() {
		if fe := bill99.ValidateRequest(in, doc.Root); len(fe) > 0 {
			b.Fatal(fe)
		}
	}
}

// BenchmarkClassify: the load runner's check of every purchase reply.
func BenchmarkClassify(b *testing.B) {
	body := readSample(b, "purchase_reply.xml")
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if c, _, err := bill99.Classify(bill99.IfPurchase, body); err != nil || c != bill99.ClassSuccess {
			b.Fatal(c, err)
		}
	}
}

// BenchmarkCheckReply: the sampled full field check (decode included).
func BenchmarkCheckReply(b *testing.B) {
	body := readSample(b, "purchase_reply.xml")
	cat := bill99.Catalogue()
	b.ReportAllocs()
	for b.Loop() {
		r, err := bill99.DecodeReply(bill99.IfPurchase, body)
		if err != nil {
			b.Fatal(err)
		}
		if p := bill99.CheckReply(cat, nil, r); len(p) > 0 {
			b.Fatal(p)
		}
	}
}
