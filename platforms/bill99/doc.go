// Package bill99 is the protocol of 99bill agreement payment (快钱协议支付,
// seed 001, API 1.0.1): its catalogue, its messages and the checks the
// simulator, the client, the suite, the load runner and the CLI share.
//
// # The protocol
//
// A merchant posts UTF-8 XML — a MasMessage in the namespace
// http://www.99bill.com/mas_cnp_merchant_interface, one content element per
// interface — over mutual TLS (the merchant's client certificate, the
// sandbox's .pfx kit) to /cnp/ind_auth and /cnp/ind_auth_verify (sign-up
// with an SMS code, yielding a payToken), /cnp/purchase, /cnp/query_txn
// (order and card-info queries), /cnp/pci_del and /cnp/pci_query.
//
// A purchase is synchronous, TR1 → TR2; the final result also travels
// asynchronously as a TR3 notice that the platform posts to the merchant's
// tr3Url in GBK, signed RSA-SHA1 over the exact body bytes with the key of
// mgw.cer (BuildTR3, VerifyTR3). The merchant acknowledges it with a TR4
// (TR4, CheckTR4); without one the platform resends, at growing intervals,
// ten times (TR3Deliveries).
//
// A reply carries either errorCode/errorMessage in ErrorMsgContent (the
// request failed the format checks: B.MGW.NNNN) or responseCode/
// responseTextMessage in the content element (a business result: 00,
// C0/68 pending, T3, ...), never both (§5.3.3). Result and Classify tell
// them apart. externalRefNumber is unique per merchant (§5.4.1) and is the
// idempotency key: a replay of the same request gets the original answer
// and moves no money twice, a different request under the same number is
// refused with B.MGW.0130 (the seed does not say what a repeat gets; that
// reading is erratum E-BILL99-DUPLICATE).
//
// # What is here
//
// Catalogue returns every interface, field, code and erratum of the seed.
// Node/Parse/Encode are the XML, the typed requests (PurchaseRequest, ...)
// render Nodes, and DecodeReply reads a reply. ValidateRequest checks a
// request against its table (the simulator answers its first finding with
// B.MGW.0120 and the platform's own wording, LengthMessage/FormatMessage);
// CheckReply judges a reply's fields and echoes, returning
// []catalog.Finding.
package bill99
