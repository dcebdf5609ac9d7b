package client

import (
	"context"

	"paycert/platforms/hzcard"
)

// The positional-argument flows, kept for the callers outside this change
// (conformance/hzcard, the simulator's and this package's older tests) until
// they move to the methods. Each is a thin wrapper.

// Charge is one recharge without recovery: chargeOrderCreate (paid by
// UnionPay under payment order orderNo), then Load.
//
// Deprecated: use (*Client).Recharge.
func Charge(ctx context.Context, c *Client, card Transmitter, cardNo string, amount int64, orderNo string) (ChargeResult, error) {
	r, err := c.Recharge(ctx, card, RechargeOptions{CardNo: cardNo, Amount: amount, PayOrderNo: orderNo})
	return r.charge(), err
}

// Load writes an existing order to the card.
//
// Deprecated: use (*Client).Load.
func Load(ctx context.Context, c *Client, card Transmitter, cardNo, orderNo string, amount int64, payOrderNo, loadList string) (ChargeResult, error) {
	return c.Load(ctx, card, Order{CardNo: cardNo, OrderNo: orderNo, Amount: amount, PayOrderNo: payOrderNo, LoadList: loadList})
}

// Manage resolves an order whose card write was interrupted.
//
// Deprecated: use (*Client).Manage.
func Manage(ctx context.Context, c *Client, card Transmitter, cardNo, orderNo string, amount int64, payOrderNo string) (ManageResult, error) {
	return c.Manage(ctx, card, Order{CardNo: cardNo, OrderNo: orderNo, Amount: amount, PayOrderNo: payOrderNo})
}

// Activate sells (activates) a card.
//
// Deprecated: use (*Client).Activate.
func Activate(ctx context.Context, c *Client, card Transmitter, cardNo string, cust *hzcard.CustInfo) (hzcard.SaleConfirmRep, error) {
	return c.Activate(ctx, card, ActivateOptions{CardNo: cardNo, Cust: cust})
}

// Return returns a good card.
//
// Deprecated: use (*Client).Return.
func Return(ctx context.Context, c *Client, card Transmitter, cardNo string, cust hzcard.CustInfo) (ReturnResult, error) {
	return c.Return(ctx, card, ReturnOptions{CardNo: cardNo, Cust: cust})
}
