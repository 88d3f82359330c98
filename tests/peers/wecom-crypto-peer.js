// A long-lived peer exposing WeCom's own callback crypto (@wecom/crypto) to the xunit conformance tests.
// Protocol: one JSON request per line on stdin, one JSON response per line on stdout.
//   {"op":"encrypt","key":K,"message":M,"id":ID,"random":BASE64_16} -> {"ok":true,"cipher":C}
//   {"op":"decrypt","key":K,"cipher":C}                            -> {"ok":true,"message":M,"id":ID}
//   {"op":"sign","token":T,"timestamp":TS,"nonce":N,"encrypt":C}   -> {"ok":true,"signature":S}
'use strict';
const readline = require('readline');
const wecom = require('@wecom/crypto');

const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
rl.on('line', (line) => {
  let reply;
  try {
    const req = JSON.parse(line);
    switch (req.op) {
      case 'encrypt':
        reply = { ok: true, cipher: wecom.encrypt(req.key, req.message, req.id, Buffer.from(req.random, 'base64')) };
        break;
      case 'decrypt': {
        const { message, id } = wecom.decrypt(req.key, req.cipher);
        reply = { ok: true, message, id };
        break;
      }
      case 'sign':
        reply = { ok: true, signature: wecom.getSignature(req.token, req.timestamp, req.nonce, req.encrypt) };
        break;
      default:
        reply = { ok: false, error: `unknown op ${req.op}` };
    }
  } catch (e) {
    reply = { ok: false, error: String(e && e.message ? e.message : e) };
  }
  process.stdout.write(JSON.stringify(reply) + '\n');
});
rl.on('close', () => process.exit(0));
