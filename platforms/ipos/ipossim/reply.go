package ipossim

import (
	"fmt"
	"net/http"
	"strconv"

	"paycert/codecs/gbkxml"
	"paycert/platforms/ipos"
)

// body writes the interface-specific part of a reply.
type body func(w *gbkxml.Writer)

// write sends a reply and returns its bytes (kept for pos_seq replays).
// The header follows each interface's sample: the card_* replies carry
// pos_id, pos_seq, sys_seq and trans_time; the gift-card queries carry
// transaction_id and extend; the gift-card trades pos_id, pos_seq and
// extend. Elements the request did not carry are not echoed. Replies carry
// no MAC (erratum E-IPOS-REPLY-MAC).
func (s *Simulator) write(w http.ResponseWriter, c *call, o *outcome, b body) []byte {
	out := s.render(c, o, b)
	s.send(w, out)
	return out
}

// send writes a rendered reply.
func (s *Simulator) send(w http.ResponseWriter, out []byte) {
	w.Header().Set("Content-Type", s.contentType())
	_, _ = w.Write(out)
}

// render builds the reply to c (see write).
func (s *Simulator) render(c *call, o *outcome, b body) []byte {
	enc := gbkxml.GBK
	if s.faults.Has(FaultReplyUTF8) {
		enc = gbkxml.UTF8
	}
	if o == nil {
		o = &outcome{code: ipos.CodeOK}
	}
	x := gbkxml.NewWriter(make([]byte, 0, 1024), enc)
	x.Start(ipos.Root)
	if c.iface != "" {
		x.Element("response_type", ipos.ResponseType(c.iface))
	}
	echo := func(name string) {
		if c.root == nil {
			return
		}
		if v, ok := c.get(name); ok {
			x.Element(name, v)
		}
	}
	echo("isspid")
	switch c.iface {
	case ipos.BindPos, ipos.CardQuery, ipos.CardVerify, ipos.CardCancel, ipos.CardReversal, ipos.CardDaily:
		echo("pos_id")
		s.writePosSeq(x, c)
		if c.iface != ipos.CardDaily {
			if !(s.faults.Has(FaultDropSysSeq) && (c.iface == ipos.CardQuery || c.iface == ipos.CardVerify)) {
				x.Element("sys_seq", s.nextSysSeq())
			}
		}
		x.Element("trans_time", c.now.In(china).Format(ipos.TimeLayout))
		if c.iface == ipos.CardVerify {
			echo("system_id")
		}
	case ipos.WecardGetCodeInfo, ipos.WecardGetTraceList, ipos.WecardGetPosSeqInfo:
		echo("transaction_id")
		x.Element("extend", "")
	case ipos.WecardPosCancelCard, ipos.WecardPosReturnd, ipos.WecardPosRevoke:
		echo("pos_id")
		s.writePosSeq(x, c)
		x.Element("extend", "")
	}
	if b != nil && o.code == ipos.CodeOK {
		b(x)
	}
	x.Start("result")
	x.Element("id", o.code)
	x.Element("comment", s.comment(o))
	x.End("result")
	x.End(ipos.Root)
	out := x.Bytes()
	if err := x.Err(); err != nil {
		// A value the encoder refused (a rune outside GBK echoed from a
		// GB18030 request): answer without the echoes rather than fail.
		s.logf("ipos sim: reply encoding: %v", err)
		y := gbkxml.NewWriter(nil, enc)
		y.Start(ipos.Root)
		y.Start("result")
		y.Element("id", ipos.CodeBadXML)
		y.Element("comment", s.comment(fail(ipos.CodeBadXML)))
		y.End("result")
		y.End(ipos.Root)
		out = y.Bytes()
	}
	return out
}

func (s *Simulator) writePosSeq(x *gbkxml.Writer, c *call) {
	v, ok := c.get("pos_seq")
	if !ok {
		return
	}
	if s.faults.Has(FaultPosSeqNotEchoed) {
		v = fmt.Sprintf("%013d", s.sysSeq.Load()+1)
	}
	x.Element("pos_seq", v)
}

// nextSysSeq numbers replies; early replies are written without s.mu, so
// the counter is atomic.
func (s *Simulator) nextSysSeq() string {
	return fmt.Sprintf("%012d", s.sysSeq.Add(1))
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
