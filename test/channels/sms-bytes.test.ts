/**
 * The bytes Aviso puts in `short_message` are the ones the smpp library's own encoders make (the GSM
 * 03.38 default table with its extension, UTF-16 big-endian), for every GSM character and a UCS-2 text.
 */
import { describe, expect, it } from 'vitest';
import smpp from 'smpp';
import { smsPartBytes } from '../../src/channels/sms/sms-bytes.js';
import { GSM_ALPHABET, GSM_EXTENSION, splitSms } from '../../src/channels/sms/sms-encoding.js';

/** What the library sends for a text given as a string with this data_coding (encoding mutates the PDU). */
const libraryBytes = (text: string, dataCoding: number): Buffer => {
  const pdu = new smpp.PDU('submit_sm', {
    destination_addr: '358401234567',
    data_coding: dataCoding,
    short_message: text,
  });
  pdu.toBuffer();
  return pdu.short_message as Buffer;
};

describe('SMS part bytes', () => {
  it('GSM-7: every character of the default table and of the extension, as the library encodes them', () => {
    const every = GSM_ALPHABET.replace('\x1B', '') + Object.keys(GSM_EXTENSION).join('');
    for (const char of every) expect(smsPartBytes(char, 'GSM-7'), JSON.stringify(char)).toEqual(libraryBytes(char, 0));
    const text = 'Vesikatko Äänekoski: € [1] {2} ~ | \\ ^ ääöå.';
    expect(splitSms(text).encoding).toBe('GSM-7');
    expect(smsPartBytes(text, 'GSM-7')).toEqual(libraryBytes(text, 0));
    expect([...smsPartBytes('€[', 'GSM-7')]).toEqual([0x1b, 0x65, 0x1b, 0x3c]);
  });

  it('UCS-2: UTF-16 big-endian, a character beyond the BMP as its surrogate pair', () => {
    const text = 'Вода отключена – 🚰';
    expect(splitSms(text).encoding).toBe('UCS-2');
    expect(smsPartBytes(text, 'UCS-2')).toEqual(libraryBytes(text, 8));
    expect([...smsPartBytes('Д', 'UCS-2')]).toEqual([0x04, 0x14]);
  });
});
