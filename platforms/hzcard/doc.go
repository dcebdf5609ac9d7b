// Package hzcard is seed 003, the Huzhou transit-card general recharge
// protocol: JSON over HTTP POST to /cardfront/<interface>/V1, every request
// signed SM3withSM2 by the joining institution and every reply by the
// centre (a "sign" member over the message with "sign":"", erratum
// E-HZ-SIGN-DOMAIN), and APDU lists the centre hands out for the terminal to
// execute on the card's CPU e-purse (INITIALIZE FOR LOAD, CREDIT FOR LOAD,
// GET TRANSACTION PROOF...), whose results come back in the next request.
// Each charge order walks the state machine of appendix G (1 created, 2
// authorised, 5 confirmed, 4 result unknown, 8 adjusted by card management,
// B refunded...); every result is a code of appendix D.
//
// The package holds the protocol and nothing that talks: Catalogue() (every
// interface, field, code and erratum), the value tables, the envelopes
// (Request, Reply) and the typed data of every interface, their codecs
// (EncodeRequest, EncodeReply, DecodeData, hand-written for the load path
// from one field table read from the struct tags), signing and verification
// (SignMessage, VerifyMessage), and the checks a receiver makes:
// CheckFields (one message against a direction's field table), and for a
// reply ParseReply, VerifyReply (the centre's signature) and CheckReply
// (catalogue and request in, catalog.Finding out), which the client, the
// conformance suite and the load runner share. The client and the reference
// simulator are the sub-packages client and simulator.
package hzcard
