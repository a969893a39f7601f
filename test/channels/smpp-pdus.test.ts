/**
 * The submit_sm and deliver_sm_resp Aviso encodes itself are byte for byte what the smpp library encodes
 * from the same fields (GSM-7, UCS-2, a concatenated part with its UDH, a validity period, every kind of
 * sender), and the session's sequence number goes into the header when the library sends one. The peer
 * tests check the same bytes on an SMSC nobody here wrote.
 */
import { describe, expect, it, vi } from 'vitest';
import smpp from 'smpp';
import { destinationAddress, sourceAddress } from '../../src/channels/sms/smpp-address.js';
import { deliverSmRespPdu, submitSmPdu, type SubmitSm } from '../../src/channels/sms/smpp-pdus.js';
import '../../src/channels/sms/smpp-gsm-coder.js';
import { smsPartBytes } from '../../src/channels/sms/sms-bytes.js';

/** The library's bytes for the same submit, with this sequence number. */
function libraryBytes(submit: SubmitSm, sequenceNumber: number): Buffer {
  const pdu = new smpp.PDU('submit_sm', {
    sequence_number: sequenceNumber,
    source_addr_ton: submit.source.ton,
    source_addr_npi: submit.source.npi,
    source_addr: submit.source.addr,
    dest_addr_ton: submit.destination.ton,
    dest_addr_npi: submit.destination.npi,
    destination_addr: submit.destination.addr,
    registered_delivery: submit.registeredDelivery,
    data_coding: submit.dataCoding,
    ...(submit.validityPeriod ? { validity_period: submit.validityPeriod } : {}),
    short_message: submit.udh ? { udh: submit.udh, message: submit.message } : submit.message,
  });
  return pdu.toBuffer();
}

function ourBytes(submit: SubmitSm, sequenceNumber: number): Buffer {
  const pdu = submitSmPdu(submit);
  pdu.sequence_number = sequenceNumber;
  return pdu.toBuffer();
}

const to = destinationAddress('+358401234567');

describe('submit_sm and deliver_sm_resp encoded by Aviso', () => {
  const cases: Array<[string, SubmitSm]> = [
    [
      'GSM-7 from an alphanumeric sender',
      {
        source: sourceAddress('MantanVesi', 'FI'),
        destination: to,
        registeredDelivery: 1,
        dataCoding: 0,
        message: smsPartBytes('Vesikatko: € [1] ääöå', 'GSM-7'),
      },
    ],
    [
      'UCS-2 from a national number, with a validity period',
      {
        source: sourceAddress('0401234567', 'FI'),
        destination: to,
        registeredDelivery: 1,
        dataCoding: 8,
        validityPeriod: '261203150000000+',
        message: smsPartBytes('Вода отключена – 🚰', 'UCS-2'),
      },
    ],
    [
      'a concatenated part with its UDH, from a short code, no receipt asked',
      {
        source: sourceAddress('16162', 'FI'),
        destination: to,
        registeredDelivery: 0,
        dataCoding: 0,
        udh: Buffer.from([0x05, 0x00, 0x03, 0x2a, 0x03, 0x02]),
        message: smsPartBytes('x'.repeat(153), 'GSM-7'),
      },
    ],
    [
      'an empty text',
      {
        source: sourceAddress('Aviso', 'FI'),
        destination: to,
        registeredDelivery: 1,
        dataCoding: 0,
        message: Buffer.alloc(0),
      },
    ],
  ];

  for (const [name, submit] of cases) {
    it(`submit_sm: ${name}`, () => {
      for (const seq of [1, 0x1234, 0x7fffffff]) expect(ourBytes(submit, seq)).toEqual(libraryBytes(submit, seq));
    });
  }

  it('the library decodes our submit_sm back to its fields, UDH indicator set for a concatenated part', () => {
    const [, submit] = cases[2]!;
    const decoded = new smpp.PDU(ourBytes(submit, 7));
    expect(decoded).toMatchObject({
      command: 'submit_sm',
      sequence_number: 7,
      source_addr_ton: 3,
      source_addr: '16162',
      dest_addr_ton: 1,
      dest_addr_npi: 1,
      destination_addr: '358401234567',
      esm_class: 0x40,
      registered_delivery: 0,
      data_coding: 0,
    });
  });

  it('refuses a short_message beyond the 254 octets SMPP 3.4 allows; 254 goes out as the library encodes it', () => {
    const longest = { ...cases[0]![1], message: Buffer.alloc(254, 0x41) };
    expect(ourBytes(longest, 1)).toEqual(libraryBytes(longest, 1));
    expect(() => submitSmPdu({ ...longest, message: Buffer.alloc(255, 0x41) })).toThrow(/short_message of 255 octets/);
  });

  it('deliver_sm_resp: OK with an empty message_id, as the library answers a deliver_sm', () => {
    const deliver = new smpp.PDU('deliver_sm', { sequence_number: 99, short_message: 'id:1 stat:DELIVRD' });
    expect(deliverSmRespPdu(99).toBuffer()).toEqual(deliver.response().toBuffer());
    expect(deliverSmRespPdu(99).isResponse()).toBe(true);
    expect(submitSmPdu(cases[0]![1]).isResponse()).toBe(false);
  });

  it('a GSM-7 receipt decodes to its text without the library listing its 128-entry table again', () => {
    const text = 'id:sim1 sub:001 dlvrd:001 submit date:2612031500 done date:2612031500 stat:DELIVRD err:000 text:ä€';
    const bytes = new smpp.PDU('deliver_sm', { sequence_number: 5, data_coding: 0, short_message: text }).toBuffer();
    new smpp.PDU(bytes); // the coder's tables are built on first use
    const keys = vi.spyOn(Object, 'keys');
    const decoded = new smpp.PDU(bytes);
    const listed = keys.mock.calls.length;
    keys.mockRestore();
    expect((decoded.short_message as { message: string }).message).toBe(text);
    expect(listed).toBe(0);
  });
});
