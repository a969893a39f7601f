/**
 * The submit_sm_resp and delivery receipts Aviso reads itself give the fields the smpp library's decoder
 * gives for the same bytes (receipts as text in GSM-7, IA5, Latin-1 and UCS-2, and as TLVs), anything
 * else is the library's own decoding; and the link cuts a stream into PDUs however its bytes arrive.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import smpp, { type PDU } from 'smpp';
import { readPdu } from '../../src/channels/sms/smpp-incoming.js';
import { SmppLink } from '../../src/channels/sms/smpp-link.js';
import { deliverSmRespPdu } from '../../src/channels/sms/smpp-pdus.js';
import { formatReceipt } from '../../src/channels/sms/smpp-receipt.js';
import '../../src/channels/sms/smpp-gsm-coder.js';

const bytesOf = (command: string, fields: Record<string, unknown>): Buffer =>
  new smpp.PDU(command, { sequence_number: 77, ...fields }).toBuffer();

/** What Aviso reads of a PDU: its header, and the fields the provider and the receipt parser use. */
const READ = [
  'command',
  'command_id',
  'command_status',
  'sequence_number',
  'message_id',
  'source_addr_ton',
  'source_addr',
  'destination_addr',
  'esm_class',
  'data_coding',
  'short_message',
  'receipted_message_id',
  'message_state',
] as const;
const seen = (pdu: PDU | false) => (pdu ? Object.fromEntries(READ.map((key) => [key, pdu[key]])) : pdu);

const submitted = new Date('2026-12-03T10:00:00Z');
const receiptText = formatReceipt('sim-abc-12', 'DELIVRD', '000', submitted, submitted, 'Vesikatko Koulukatu');

describe('PDUs read by Aviso', () => {
  const receipts: Array<[string, Record<string, unknown>]> = [
    ['a text receipt in GSM-7', { esm_class: 4, data_coding: 0, short_message: receiptText }],
    [
      'a GSM-7 receipt whose text reads otherwise in ASCII (ä Ä $ @ _ ¤ §) and has escapes (€ [ ])',
      {
        esm_class: 4,
        data_coding: 0,
        short_message: formatReceipt('sim_@$-1', 'DELIVRD', '000', submitted, submitted, 'Äänekoski ä $@_¤§ €[]'),
      },
    ],
    ['a text receipt in IA5', { esm_class: 4, data_coding: 1, short_message: receiptText }],
    [
      'an IA5 receipt with octets GSM reads otherwise',
      {
        esm_class: 4,
        data_coding: 1,
        short_message: formatReceipt('sim_@$-2', 'UNDELIV', '001', submitted, submitted, 'Äänekoski {x} ~'),
      },
    ],
    ['a text receipt in Latin-1', { esm_class: 4, data_coding: 3, short_message: receiptText }],
    ['a text receipt in UCS-2', { esm_class: 4, data_coding: 8, short_message: receiptText }],
    [
      'a receipt with receipted_message_id and message_state',
      {
        esm_class: 4,
        data_coding: 1,
        short_message: receiptText,
        receipted_message_id: 'sim-abc-12',
        message_state: 2,
      },
    ],
    ['a receipt with messaging-mode bits set', { esm_class: 0x05, data_coding: 0, short_message: receiptText }],
  ];
  for (const [name, fields] of receipts)
    it(`deliver_sm: ${name}`, () => {
      const bytes = bytesOf('deliver_sm', {
        source_addr_ton: 1,
        source_addr: '358401234567',
        destination_addr: 'MantanVesi',
        ...fields,
      });
      const ours = readPdu(bytes);
      // Read here, not by the library.
      expect(ours).not.toBeInstanceOf(smpp.PDU);
      expect(seen(ours)).toEqual(seen(smpp.PDU.fromBuffer(bytes)));
      expect(seen(ours)).toMatchObject({ command: 'deliver_sm', sequence_number: 77 });
      expect((ours as PDU).response().toBuffer()).toEqual(deliverSmRespPdu(77).toBuffer());
    });

  it("reads a GSM-7 receipt of ASCII-like octets without the library's GSM decoder, and any other with it", () => {
    const decode = vi.spyOn(smpp.gsmCoder, 'decode');
    try {
      const plain = readPdu(bytesOf('deliver_sm', { esm_class: 4, data_coding: 0, short_message: receiptText }));
      expect(plain).toMatchObject({ short_message: { message: receiptText } });
      expect(decode).not.toHaveBeenCalled();
      const finnish = formatReceipt('sim-abc-12', 'DELIVRD', '000', submitted, submitted, 'Vesikatko Äänekoski');
      expect(readPdu(bytesOf('deliver_sm', { esm_class: 4, data_coding: 0, short_message: finnish }))).toMatchObject({
        short_message: { message: finnish },
      });
      expect(decode).toHaveBeenCalledTimes(1);
    } finally {
      decode.mockRestore();
    }
  });

  it('submit_sm_resp with a message id, and a refusal with no body', () => {
    const accepted = bytesOf('submit_sm_resp', { message_id: 'sim-abc-13' });
    expect(seen(readPdu(accepted))).toEqual(seen(smpp.PDU.fromBuffer(accepted)));
    expect(readPdu(accepted)).toMatchObject({ message_id: 'sim-abc-13', command_status: 0 });
    const refused = bytesOf('submit_sm_resp', { command_status: smpp.ESME_RTHROTTLED });
    expect(refused).toHaveLength(16);
    expect(seen(readPdu(refused))).toEqual(seen(smpp.PDU.fromBuffer(refused)));
    expect(readPdu(refused)).toMatchObject({ command_status: smpp.ESME_RTHROTTLED });
    expect(readPdu(refused)).not.toHaveProperty('message_id');
    expect((readPdu(accepted) as PDU).isResponse()).toBe(true);
  });

  it('a resident’s SMS, a receipt with other optional parameters or times, and other PDUs are the library’s', () => {
    const others = [
      bytesOf('deliver_sm', { source_addr: '358401234567', data_coding: 8, short_message: 'Kiitos! €' }),
      bytesOf('deliver_sm', { esm_class: 8, short_message: receiptText }),
      bytesOf('deliver_sm', { esm_class: 4, short_message: receiptText, network_error_code: Buffer.from([3, 0, 0]) }),
      bytesOf('deliver_sm', { esm_class: 4, short_message: receiptText, validity_period: '261203100000000+' }),
      bytesOf('enquire_link', {}),
      bytesOf('generic_nack', { command_status: smpp.ESME_RINVCMDID }),
    ];
    // A receipt cut short inside its text: the length says so, the bytes stop.
    const whole = bytesOf('deliver_sm', { esm_class: 4, short_message: receiptText });
    const cut = Buffer.from(whole.subarray(0, whole.length - 10));
    cut.writeUInt32BE(cut.length, 0);
    others.push(cut);
    for (const bytes of others) {
      const ours = readPdu(bytes);
      expect(ours).toBeInstanceOf(smpp.PDU);
      expect(seen(ours)).toEqual(seen(smpp.PDU.fromBuffer(bytes)));
    }
    expect(readPdu(others[0]!)).toMatchObject({ short_message: { message: 'Kiitos! €' } });
  });
});

describe('SmppLink', () => {
  let server: Server | undefined;
  let link: SmppLink | undefined;
  afterEach(async () => {
    link?.abandon();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  });

  /** A peer on loopback that does what `onClient` says with each client; its port. */
  async function peer(onClient: (socket: Socket) => void): Promise<number> {
    server = createServer(onClient);
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return (server.address() as { port: number }).port;
  }

  for (const piece of [1, 7, 1000])
    it(`reads PDUs however their bytes arrive (${piece} octets a write), and answers go to their requests`, async () => {
      const requests: PDU[] = [];
      const answers: PDU[] = [];
      let client: Socket | undefined;
      const port = await peer((socket) => {
        client = socket;
        socket.once('data', (submit: Buffer) => {
          // The answer to the client's request (by its number), then receipts and an enquire_link, in one stream.
          const sequence = submit.readUInt32BE(12);
          const stream = Buffer.concat([
            new smpp.PDU('submit_sm_resp', { sequence_number: sequence, message_id: 'm-1' }).toBuffer(),
            ...[1, 2, 3].map((n) =>
              bytesOf('deliver_sm', { sequence_number: n, esm_class: 4, short_message: receiptText }),
            ),
            bytesOf('enquire_link', { sequence_number: 9 }),
          ]);
          const write = (offset: number): void => {
            if (offset >= stream.length) return;
            socket.write(stream.subarray(offset, offset + piece), () => setImmediate(() => write(offset + piece)));
          };
          write(0);
        });
      });
      const done = new Promise<void>((resolve, reject) => {
        link = new SmppLink(
          { host: '127.0.0.1', port },
          {
            onConnect: () => link!.send(new smpp.PDU('submit_sm', { short_message: 'x' }), (r) => answers.push(r)),
            onRequest: (pdu) => {
              requests.push(pdu);
              if (requests.length === 4) resolve();
            },
            onError: reject,
            onClose: () => {},
          },
        );
      });
      await done;
      expect(answers.map((a) => [a.command, a.message_id])).toEqual([['submit_sm_resp', 'm-1']]);
      expect(requests.map((r) => [r.command, r.sequence_number])).toEqual([
        ['deliver_sm', 1],
        ['deliver_sm', 2],
        ['deliver_sm', 3],
        ['enquire_link', 9],
      ]);
      client?.destroy();
    });

  it('a length no PDU can have breaks the link with the reason', async () => {
    const port = await peer((socket) => socket.write(Buffer.from([0, 1, 0, 0, 0, 0, 0, 5])));
    const error = await new Promise<Error>((resolve) => {
      link = new SmppLink(
        { host: '127.0.0.1', port },
        { onConnect: () => {}, onRequest: () => {}, onError: resolve, onClose: () => {} },
      );
    });
    expect(error.message).toContain('an SMPP PDU of 65536 octets');
    await new Promise((resolve) => setImmediate(resolve));
    expect(link!.socket.destroyed).toBe(true);
  });
});
