"""Calls every operation of the Kakatong gateway's WSDL with zeep (python3-zeep),
a SOAP toolkit nobody in paycert wrote, and prints one line per operation:
    python3 check.py http://127.0.0.1:PORT/s/sp.php?wsdl CARD NEWCARD
The gateway answers as a PHP SoapServer: an apache:Map, a SOAP array of maps
(the stream) or an xsd:int licence number. zeep hands an anyType return over
as XML elements; decode() turns them into what PHP's SoapClient gives."""
import sys

import zeep

KEY, COPNO, POS = "NV41VDlSNldhFTFeYw0z", "1155", "11552001"


def decode(v):
    if v is None or isinstance(v, (str, int)):
        return v
    els = v if isinstance(v, list) else [v]
    # zeep gives the children of <return>: <item> elements.
    out, arr = {}, []
    for el in els:
        kids = list(el)
        if len(kids) == 2 and kids[0].tag == "key":
            out[kids[0].text] = kids[1].text or ""
        else:
            arr.append({k[0].text: (k[1].text or "") for k in kids})
    return arr if arr else out


def main():
    wsdl, card, newcard = sys.argv[1:4]
    c = zeep.Client(wsdl)
    s = c.service
    fails = 0

    def check(name, ok, detail):
        nonlocal fails
        print(("ok   " if ok else "FAIL ") + name + ("" if ok else ": " + repr(detail)))
        fails += 0 if ok else 1

    r = decode(s.soapCardTrade(KEY, "0011", "0", card, "111111", POS, "", "", "", ""))
    check("soapCardTrade balance query", r.get("PayInForm") == "11" and r.get("CardNo") == card, r)
    r = decode(s.soapCardTrade(KEY, "0022", "1", card, "111111", POS, "173", "", "", ""))
    check("soapCardTrade purchase", r.get("PayInForm") == "11", r)
    r = decode(s.soapCardTrade(KEY, "0022", "0", card, "111111", POS, "", "", r.get("Stance", ""), ""))
    check("soapCardTrade undo", r.get("PayInForm") == "11", r)
    r = decode(s.soapCardTrade("NoSuchLicenceKeyAtAll", "0011", "0", card, "111111", POS, "", "", "", ""))
    check("soapCardTrade licence error is a number", str(r) == "1", r)
    r = decode(s.soapChangeCardPwd("", KEY, card, "111111", "111111", COPNO, POS))
    check("soapChangeCardPwd", r.get("PayInForm") == "45", r)
    r = decode(s.soapActiveCard(KEY, newcard, "111111", COPNO, POS))
    check("soapActiveCard", r.get("Result") == "57", r)
    r = decode(s.soapTradeStream("", KEY, card, "", "0012", "0", "0", COPNO, "0", "0", "0"))
    check("soapTradeStream", isinstance(r, list) and len(r) >= 2 and r[0].get("CardNo") == card, r)
    r = decode(s.soapCardInfo("", KEY, card, COPNO, "", "zeep", "", "", "", "", ""))
    check("soapCardInfo", r.get("UsrEnName") == "zeep", r)
    r = decode(s.soapBindCard("", KEY, card, COPNO, "111111", "13900000077", "1", POS))
    check("soapBindCard bind", r.get("Result") == "40", r)
    r = decode(s.soapBindCard("", KEY, card, COPNO, "111111", "13900000077", "0", POS))
    check("soapBindCard unbind", r.get("Result") == "44", r)
    sys.exit(1 if fails else 0)


if __name__ == "__main__":
    main()
