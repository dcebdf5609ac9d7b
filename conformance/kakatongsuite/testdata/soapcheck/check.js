// Calls every operation of the Kakatong gateway's WSDL with node-soap, a SOAP
// toolkit nobody in paycert wrote, and checks each answer. Usage:
//   node check.js http://127.0.0.1:PORT/s/sp.php?wsdl
// Exit status 0 when every call answered as expected; failures are printed.
'use strict';
const soap = require('soap');
const crypto = require('crypto');

const wsdl = process.argv[2];
if (!wsdl) {
  console.error('usage: node check.js WSDL_URL');
  process.exit(2);
}
const KEY = 'NV41VDlSNldhFTFeYw0z';
const COPNO = '1155';
const POS = '11552001';
const CARD = process.env.KK_CARD || '1680115500000130';
const NEWCARD = process.env.KK_NEWCARD || '1680115500000212';
const md5 = (s) => crypto.createHash('md5').update(s).digest('hex');

let failures = 0;
function check(name, cond, detail) {
  if (cond) {
    console.log('ok   ' + name);
  } else {
    failures++;
    console.log('FAIL ' + name + ': ' + JSON.stringify(detail));
  }
}
// The gateway answers as a PHP SoapServer (RPC/encoded): an apache:Map of
// <item><key/><value/></item>, a SOAP array of maps for the stream, or an
// xsd:int licence number. node-soap hands those over as parsed XML; decode
// them into what PHP's SoapClient gives the seed's client: an object of
// fields, an array of them, or the number.
const asList = (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
function decodeMap(m) {
  const out = {};
  for (const it of asList(m && m.item)) {
    out[it.key] = it.value === null || it.value === undefined ? '' : String(it.value);
  }
  return out;
}
function decode(ret) {
  if (ret === null || ret === undefined) return ret;
  if (typeof ret !== 'object') return String(ret);
  if (ret.$value !== undefined) return String(ret.$value);
  const type = (ret.attributes && ret.attributes['xsi:type']) || '';
  if (type.endsWith(':Array')) return asList(ret.item).map(decodeMap);
  return decodeMap(ret);
}
// node-soap returns [result, rawResponse, soapHeader, rawRequest].
async function call(client, op, args) {
  const res = await client[op + 'Async'](args);
  return decode(res[0] && res[0]['return']);
}

(async () => {
  const client = await soap.createClientAsync(wsdl, { forceSoap12Headers: true });
  const desc = client.describe();
  const ops = Object.keys(desc.KakatongGateway.KakatongSoap12Port).sort();
  const want = ['soapActiveCard', 'soapBindCard', 'soapCardInfo', 'soapCardTrade', 'soapChangeCardPwd', 'soapTradeStream'];
  check('WSDL describes every operation', JSON.stringify(ops) === JSON.stringify(want), ops);

  let r = await call(client, 'soapCardTrade', {
    lickey: KEY, trade_code: '0011', trade_mode: '0', cd_no: CARD, cd_pwd: '111111',
    tmn_no: POS, trad_amount: '', item_code: '', stance_rev: '',
  });
  check('soapCardTrade 0011/0 balance query', r && r.PayInForm === '11' && /^\d+$/.test(r.Integral) && r.CardNo === CARD && /^\d{8}$/.test(r.Stance), r);
  const before = Number(r && r.Integral);

  r = await call(client, 'soapCardTrade', {
    lickey: KEY, trade_code: '0022', trade_mode: '1', cd_no: CARD, cd_pwd: '111111',
    tmn_no: POS, trad_amount: '137', item_code: '', stance_rev: '',
  });
  check('soapCardTrade 0022/1 purchase', r && r.PayInForm === '11' && Number(r.Integral) === before - 137 && r.TradeName === '储值消费', r);
  const stance = r && r.Stance;

  r = await call(client, 'soapCardTrade', {
    lickey: KEY, trade_code: '0022', trade_mode: '0', cd_no: CARD, cd_pwd: '111111',
    tmn_no: POS, trad_amount: '', item_code: '', stance_rev: stance,
  });
  check('soapCardTrade 0022/0 undo', r && r.PayInForm === '11' && Number(r.Integral) === before, r);

  r = await call(client, 'soapCardTrade', {
    lickey: 'NoSuchLicenceKeyAtAll', trade_code: '0011', trade_mode: '0', cd_no: CARD, cd_pwd: '111111',
    tmn_no: POS, trad_amount: '', item_code: '', stance_rev: '',
  });
  check('soapCardTrade licence error is a number', (typeof r === 'string' || typeof r === 'number') && String(r) === '1', r);

  r = await call(client, 'soapChangeCardPwd', {
    LANG: 'GB2312', LICENSEKEY: KEY, CARDNO: CARD, OLD_PWD: '111111', NEW_PWD: '111111', COPNO: COPNO, POSCODE: POS,
  });
  check('soapChangeCardPwd change', r && r.PayInForm === '45' && r.CardNo === CARD, r);

  r = await call(client, 'soapActiveCard', { LICENSEKEY: KEY, CARDNO: NEWCARD, CARDPWD: md5('111111'), COPNO: COPNO, POSCODE: POS });
  check('soapActiveCard', r && r.Result === '57' && r.CardNo === NEWCARD, r);

  r = await call(client, 'soapTradeStream', {
    LANG: 'GB2312', LICENSEKEY: KEY, CARDNO: CARD, CARDPWD: '', TRADETYPE: '0012', TRADEMODE: '0',
    POSCODE: '0', COPNO: COPNO, START: '0', END: '0', STANCE_NO: '0',
  });
  const recs = Array.isArray(r) ? r : [];
  check('soapTradeStream lists the purchase and its undo', recs.length >= 2 && recs.some((x) => x.stanceNo === stance && x.Amount === '1.37'), r);

  r = await call(client, 'soapCardInfo', {
    LANG: 'GB2312', LICENSEKEY: KEY, CARDNO: CARD, COPNO: COPNO, USR_CH_NAME: '', USR_EN_NAME: 'soapcheck',
    USR_ADDR: '', USR_EMAIL: '', USR_MOBILE_NO: '', USR_TEL_PHONE: '', USR_BIRTHDAY: '',
  });
  check('soapCardInfo update', r && r.UsrEnName === 'soapcheck' && r.CopNo === COPNO && r.UsrBirthday === '0000-00-00', r);

  const idnum = '139' + String(Date.now()).slice(-8);
  r = await call(client, 'soapBindCard', {
    LANG: 'GB2312', LICENSEKEY: KEY, CARDNO: CARD, COPNO: COPNO, CARDPWD: '111111', IDNUM: idnum, TRADEMODE: '1', POSCODE: POS,
  });
  check('soapBindCard bind', r && r.Result === '40' && r.IDNum === idnum && r.TmnNo === POS, r);
  r = await call(client, 'soapBindCard', {
    LANG: 'GB2312', LICENSEKEY: KEY, CARDNO: CARD, COPNO: COPNO, CARDPWD: '111111', IDNUM: idnum, TRADEMODE: '0', POSCODE: POS,
  });
  check('soapBindCard unbind', r && r.Result === '44', r);

  if (failures > 0) {
    console.log(failures + ' check(s) failed');
    process.exit(1);
  }
  console.log('all operations answered as expected');
})().catch((e) => {
  console.log('FAIL ' + (e && e.stack ? e.stack : e));
  process.exit(1);
});
