package ipos_test

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"paycert/platforms/ipos"
	"paycert/platforms/ipos/ipossim"
	"paycert/platforms/sim"
)

// classifySeeds: every seed 002 reply sample, the TestClassify bodies, and
// variations the fast path must refuse.
func classifySeeds(t testing.TB) [][]byte {
	files, err := filepath.Glob(filepath.Join("testdata", "seed", "*_response.xml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("seed replies: %v (%d files)", err, len(files))
	}
	var out [][]byte
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	const ok = `<?xml version="1.0" encoding="GBK"?><business_trans><result><id>0000</id><comment>ok</comment></result></business_trans>`
	for _, s := range []string{
		ok,
		strings.Replace(ok, "<id>0000</id>", "<id>0325</id>", 1),
		strings.Replace(ok, "<id>0000</id>", "<id></id>", 1),
		strings.Replace(ok, "<id>0000</id>", "<id>0000</id><id>1000</id>", 1),
		strings.Replace(ok, "<comment>ok", "<comment>&amp;ok", 1),
		strings.Replace(ok, "<comment>ok", "<comment><![CDATA[ok]]>", 1),
		strings.Replace(ok, "<comment>ok", "<comment>\xb3\xc9\xb9\xa6", 1), // 成功
		strings.Replace(ok, "<comment>ok", "<comment>\xff\xff", 1),
		strings.Replace(ok, "</business_trans>", "</business_trans><business_trans/>", 1),
		strings.Replace(ok, "<result>", "<x:result>", 1),
		strings.Replace(ok, "</id>", "</id >", 1),
		ok + " \n",
		ok + "x",
	} {
		out = append(out, []byte(s))
	}
	return out
}

// FuzzClassifyFast: whenever the fast path answers, the full parse answers
// the same code and verdict without error.
func FuzzClassifyFast(f *testing.F) {
	for _, s := range classifySeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		code, ok, handled := ipos.ClassifyFast(b)
		if !handled {
			return
		}
		fc, fok, err := ipos.ClassifyFull(b)
		if err != nil || fc != code || fok != ok {
			t.Fatalf("fast path: %q %v; full parse: %q %v %v; body %q", code, ok, fc, fok, err, b)
		}
	})
}

// TestClassifyFastTakesSimulatorReplies: the simulator's card_verify
// replies, success and failure, are what the fast path answers (else it
// saves nothing where it is used), and agree with the full parse.
func TestClassifyFastTakesSimulatorReplies(t *testing.T) {
	s, err := ipossim.New(sim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := sim.Listen(s, sim.ListenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	for _, tc := range []struct{ voucher, fen string }{{ipossim.VoucherAmount, "1"}, {"9999999999999999", "1"}} {
		q := ipos.CardVerifyRequest{Header: ipos.Header{ISSPID: ipossim.FixtureISSPID, PosID: ipossim.FixturePosID,
			StoreID: ipossim.FixtureStoreID, PosSeq: "2611221100000000000000" + tc.fen, SystemID: ipossim.FixtureSystemID},
			ValidInfo: tc.voucher, EncodeType: "099", TxAmt: tc.fen}
		x, err := q.Request().AppendXML(nil)
		if err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, srv.URL,
			strings.NewReader(string(ipos.FormBody(nil, []byte(ipossim.FixtureKey), x))))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=GBK")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		code, ok, handled := ipos.ClassifyFast(body)
		fc, fok, ferr := ipos.ClassifyFull(body)
		if !handled || ferr != nil || code != fc || ok != fok {
			t.Fatalf("voucher %s: fast %q %v handled=%v; full %q %v %v; body %q", tc.voucher, code, ok, handled, fc, fok, ferr, body)
		}
		t.Logf("voucher %s: %s ok=%v", tc.voucher, code, ok)
	}
}

// BenchmarkClassify: Classify (the fast path, on the seed's card_verify
// reply) against the full parse it replaces for such replies.
func BenchmarkClassify(b *testing.B) {
	body, err := os.ReadFile(filepath.Join("testdata", "seed", "card_verify_response.xml"))
	if err != nil {
		b.Fatal(err)
	}
	if _, _, handled := ipos.ClassifyFast(body); !handled {
		b.Fatal("the seed reply does not take the fast path")
	}
	b.Run("fast", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, _, err := ipos.Classify(body); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("full-parse", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, _, err := ipos.ClassifyFull(body); err != nil {
				b.Fatal(err)
			}
		}
	})
}
