package bill99suite

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"strings"

	. "github.com/onsi/ginkgo/v2" //nolint:revive
	. "github.com/onsi/gomega"    //nolint:revive

	"paycert/conformance"
	"paycert/platforms/bill99"
	"paycert/platforms/catalog"
)

type errStatus int

func (s errStatus) Error() string { return fmt.Sprintf("HTTP %d", int(s)) }

func bytesReplace(b []byte, old, new string) []byte {
	return bytes.Replace(b, []byte(old), []byte(new), 1)
}

func otherKey() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	Expect(err).NotTo(HaveOccurred())
	return k
}

// validMessage is a well-formed request for iface, built from the
// catalogue's samples, so every negative case changes exactly one thing.
func validMessage(e *env, iface string) *bill99.Node {
	switch iface {
	case bill99.IfIndAuth:
		return bill99.IndAuthRequest{MerchantID: e.mid, TerminalID: e.tid, CustomerID: "neg", ExternalRefNumber: e.ref(), Pan: "6217000000000000022", PhoneNO: "13700000022"}.Message()
	case bill99.IfIndAuthVerify:
		return bill99.VerifyRequest{MerchantID: e.mid, CustomerID: "neg", ExternalRefNumber: e.ref(), Pan: "6217000000000000022", PhoneNO: "13700000022", ValidCode: "123456", Token: "1300177"}.Message()
	case bill99.IfPurchase:
		return bill99.PurchaseRequest{MerchantID: e.mid, TerminalID: e.tid, CustomerID: "neg", ExternalRefNumber: e.ref(), EntryTime: e.entryTime(), Amount: "1", PayToken: "8120000002867710851"}.Message()
	case bill99.IfQueryTxn:
		return bill99.QueryRequest{MerchantID: e.mid, ExternalRefNumber: e.ref()}.Message()
	case bill99.IfCardInfo:
		return bill99.CardInfoRequest{CardNo: "6217003320034459100"}.Message()
	case bill99.IfPciDel:
		return bill99.PciDeleteRequest{MerchantID: e.mid, CustomerID: "neg", PayToken: "8120000002867710851", BankID: "CCB"}.Message()
	default:
		return bill99.PciQueryRequest{MerchantID: e.mid, TerminalID: e.tid, CustomerID: "neg", CardType: bill99.CardDebit}.Message()
	}
}

// fieldsOf returns a request String field of at most 32 characters to
// lengthen (with its maximum), and the first required request field to drop.
func fieldsOf(cat *catalog.Catalogue, iface string) (longField string, maxLen int, required string) {
	in, _ := cat.Interface(iface)
	for _, f := range in.FieldsFor(catalog.Request) {
		if f.Path == "version" {
			continue
		}
		if required == "" && f.Presence == catalog.Required {
			required = f.Path
		}
		if longField == "" && f.Type == "String" && f.MaxLen > 0 && f.MaxLen <= 32 {
			longField, maxLen = f.Path, f.MaxLen
		}
	}
	return
}

func remove(root *bill99.Node, path string) {
	parts := strings.Split(path, "/")
	parent := root
	for _, p := range parts[:len(parts)-1] {
		parent = parent.Child(p)
	}
	var kept []*bill99.Node
	for _, c := range parent.Children {
		if c.Name != parts[len(parts)-1] {
			kept = append(kept, c)
		}
	}
	parent.Children = kept
}

func set(root *bill99.Node, path, v string) {
	parts := strings.Split(path, "/")
	parent := root
	for _, p := range parts[:len(parts)-1] {
		parent = parent.Child(p)
	}
	if n := parent.Child(parts[len(parts)-1]); n != nil {
		n.Text = v
		return
	}
	parent.Add(parts[len(parts)-1], v)
}

func describeNegative(f *conformance.Framework[*env]) {
	cat := f.Catalogue
	ifaces := []string{bill99.IfIndAuth, bill99.IfIndAuthVerify, bill99.IfPurchase, bill99.IfQueryTxn, bill99.IfCardInfo, bill99.IfPciDel, bill99.IfPciQuery}
	type mutation struct {
		name string
		code string // expected on the embedded simulator
		make func(e *env, iface string) []byte
	}
	muts := []mutation{
		{"malformed XML", bill99.ECUnparsable, func(e *env, iface string) []byte {
			b := bill99.Encode(validMessage(e, iface))
			return b[:len(b)-7]
		}},
		{"wrong namespace", bill99.ECUnparsable, func(e *env, iface string) []byte {
			return bytesReplace(bill99.Encode(validMessage(e, iface)), bill99.Namespace, "http://www.99bill.com/other")
		}},
		{"no namespace", bill99.ECUnparsable, func(e *env, iface string) []byte {
			return bytesReplace(bill99.Encode(validMessage(e, iface)), ` xmlns="`+bill99.Namespace+`"`, "")
		}},
		{"lower-case root (4.13: case-sensitive)", bill99.ECUnparsable, func(e *env, iface string) []byte {
			b := bytesReplace(bill99.Encode(validMessage(e, iface)), "<MasMessage", "<masMessage")
			return bytesReplace(b, "</MasMessage>", "</masMessage>")
		}},
		{"GBK declared (must be UTF-8)", bill99.ECUnparsable, func(e *env, iface string) []byte {
			return bytesReplace(bill99.Encode(validMessage(e, iface)), `encoding="UTF-8"`, `encoding="GBK"`)
		}},
		{"over-long field", bill99.ECField, func(e *env, iface string) []byte {
			m := validMessage(e, iface)
			field, max, _ := fieldsOf(cat, iface)
			set(m, field, strings.Repeat("9", max+1))
			return bill99.Encode(m)
		}},
		{"missing required field", bill99.ECField, func(e *env, iface string) []byte {
			m := validMessage(e, iface)
			_, _, req := fieldsOf(cat, iface)
			remove(m, req)
			return bill99.Encode(m)
		}},
		{"empty body", bill99.ECUnparsable, func(*env, string) []byte { return nil }},
		{"body over 1 MiB", "", func(e *env, iface string) []byte {
			b := bill99.Encode(validMessage(e, iface))
			return append(bytesReplace(b, "</MasMessage>", ""), append([]byte("<!--"+strings.Repeat("x", 1<<20)+"-->"), "</MasMessage>"...)...)
		}},
	}
	Describe("negative matrix: bad input gets an errorCode, never a 5xx, both codes, or a state change", conformance.Negative, func() {
		var entries []TableEntry
		for _, iface := range ifaces {
			for _, m := range muts {
				labels := []any{conformance.Interface(iface)}
				if m.code != "" {
					labels = append(labels, conformance.Code(m.code))
				}
				entries = append(entries, Entry(iface+": "+m.name, append(labels, iface, m.name)...))
			}
		}
		byName := map[string]mutation{}
		for _, m := range muts {
			byName[m.name] = m
		}
		f.DescribeTable("per endpoint", func(ctx SpecContext, iface, name string) {
			e := f.Env()
			m := byName[name]
			var before string
			if e.sim != nil {
				before = fmt.Sprintf("%+v", e.sim.Totals())
			}
			c := e.client()
			defer c.Close()
			status, body, err := c.Post(ctx, iface, m.make(e, iface))
			Expect(err).NotTo(HaveOccurred())
			Expect(status).To(BeNumerically("<", 500), "bad input must never get a 5xx")
			if m.code == "" { // over 1 MiB: 413 from the guard, or an errorCode
				if status != 200 {
					Expect(status).To(Equal(413))
					return
				}
			} else {
				Expect(status).To(Equal(200), "a format error is a MasMessage with errorCode, HTTP 200")
			}
			rep, derr := bill99.DecodeReply(iface, body)
			Expect(derr).NotTo(HaveOccurred(), "the reply must be a MasMessage")
			Expect(rep.Result.HasErrorCode).To(BeTrue(), "bad input gets errorCode/errorMessage in ErrorMsgContent (§5.3.3), got %s", rep.Result)
			Expect(rep.Result.HasRespCode).To(BeFalse(), "errorCode and responseCode are never both present (§5.3.3)")
			Expect(bill99.CheckReply(cat, nil, rep)).To(BeEmpty())
			if f.Embedded() && m.code != "" {
				Expect(rep.Result.ErrorCode).To(Equal(m.code), "E-BILL99-ERRORCODES reading")
			}
			if e.sim != nil {
				Expect(fmt.Sprintf("%+v", e.sim.Totals())).To(Equal(before), "bad input must not change the ledger")
			}
		}, entries)
	})
}
