package ipossuite

// specs_tolerance.go: what the platform must tolerate and what a reader of its
// replies can rely on (unknown request elements, GBK replies parsed by
// element name, 002 §1.1).

import (
	"context"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"paycert/codecs/gbkxml"
	"paycert/conformance"
	"paycert/platforms/ipos"
)

func tolerance(f *conformance.Framework[*env]) {
	cat := f.Catalogue
	Describe("tolerance", func() {
		f.It("a request with an element the table does not have is still served", conformance.Interface(ipos.CardQuery), conformance.Negative, func(ctx context.Context) {
			e := f.Env()
			req := queryReq(e, e.amountVoucher(1000)).With("terminal_model", "PAX-A920")
			r := ok(e.do(ctx, req))
			checked(cat, req.Without("terminal_model"), r)
		})
		f.It("replies are GBK and parse by element name", conformance.Interface(ipos.BindPos), func(ctx context.Context) {
			e := f.Env()
			req := baseRequest(e, ipos.BindPos)
			r := ok(e.do(ctx, req))
			Expect(r.Doc.Encoding()).To(Equal(gbkxml.GBK), "002 §2: charset GBK")
		})
	})
}
