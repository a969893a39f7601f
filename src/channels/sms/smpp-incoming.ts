/**
 * The PDUs an SMSC sends for every message — submit_sm_resp, and a deliver_sm that is a delivery receipt —
 * read straight from their bytes (SMPP 3.4 §4.4.2, §4.6.1). The smpp library's decoder runs every field
 * of the command's definition through its filters (the two time fields parsed as dates) and every
 * property of the PDU through them again, a large share of a sender's CPU at thousands a second. These
 * make the fields Aviso reads exactly as the library would (a test compares them); anything else, or a
 * receipt with parts these do not read (an optional parameter other than its id and state, a malformed
 * field), goes to the library's decoder whole.
 */
import smpp, { type PDU } from 'smpp';
import { HEADER_BYTES } from './smpp-pdus.js';
import { isReceipt } from './smpp-receipt.js';

const SUBMIT_SM_RESP = 0x80000004;
const DELIVER_SM = 0x00000005;
const RECEIPTED_MESSAGE_ID = 0x001e;
const UDH_INDICATOR = 0x40;
const MESSAGE_STATE = 0x0427;

/** What the library's PDU gives besides its fields. */
const methods = {
  isResponse(this: PDU): boolean {
    return (this.command_id & 0x80000000) !== 0;
  },
  response(this: PDU, fields: Record<string, unknown> = {}): PDU {
    return new smpp.PDU(`${this.command}_resp`, { ...fields, sequence_number: this.sequence_number });
  },
};

function header(buffer: Buffer, command: string) {
  return {
    command,
    command_length: buffer.length,
    command_id: buffer.readUInt32BE(4),
    command_status: buffer.readUInt32BE(8),
    sequence_number: buffer.readUInt32BE(12),
  };
}

/** A NUL-terminated ASCII string from `offset`, and where the next field starts; undefined without its NUL. */
function cstring(buffer: Buffer, offset: number, end: number): [string, number] | undefined {
  const nul = buffer.indexOf(0, offset);
  if (nul < 0 || nul >= end) return undefined;
  return [buffer.toString('ascii', offset, nul), nul + 1];
}

function submitSmResp(buffer: Buffer): PDU {
  // A refusal may come with no body at all (the library then gives no message_id either).
  const id = buffer.length > HEADER_BYTES ? cstring(buffer, HEADER_BYTES, buffer.length) : undefined;
  return Object.assign(
    Object.create(methods) as PDU,
    header(buffer, 'submit_sm_resp'),
    id ? { message_id: id[0] } : {},
  );
}

/**
 * The octets GSM 03.38's default alphabet reads as the character ASCII reads (letters, digits, space, most
 * punctuation, line breaks), from the library's own table; not the escape to the extension table.
 */
const SAME_IN_GSM_AND_ASCII = Uint8Array.from({ length: 256 }, (_, octet) =>
  octet !== 0x1b && smpp.gsmCoder.GSM.chars[octet] === String.fromCharCode(octet) ? 1 : 0,
);

/** Whether every octet reads the same in GSM-7 and ASCII (a receipt's usual `id:… stat:DELIVRD err:000`). */
function sameInGsmAndAscii(octets: Buffer): boolean {
  for (const octet of octets) if (SAME_IN_GSM_AND_ASCII[octet] === 0) return false;
  return true;
}

/**
 * The short_message as the library's filter decodes it (`{ message }`, the text in its data coding). The
 * library reads the SMSC default (0) and IA5 (1) alike, with its GSM 03.38 decoder, which builds the string a
 * character at a time and compiles a regular expression on every call: a text whose octets read the same in
 * ASCII is read as such here.
 */
function shortMessageOf(fields: { data_coding?: number | undefined; esm_class?: number | undefined }, text: Buffer) {
  const coding = (fields.data_coding ?? 0) & 0x0f;
  if (coding <= 1 && ((fields.esm_class ?? 0) & UDH_INDICATOR) === 0 && sameInGsmAndAscii(text))
    return { message: text.toString('latin1') };
  return smpp.filters.message.decode.call(fields, text);
}

/** A delivery receipt's fields; undefined when it is not one, or has parts read only by the library. */
function deliverSmReceipt(buffer: Buffer): PDU | undefined {
  const end = buffer.length;
  // The body in order (SMPP 3.4 §4.6.1), each C-string checked for its NUL within the PDU.
  let at = HEADER_BYTES;
  const string = (): string | undefined => {
    const read = cstring(buffer, at, end);
    if (read) at = read[1];
    return read?.[0];
  };
  const serviceType = string();
  const sourceTon = buffer[at++];
  const sourceNpi = buffer[at++];
  const sourceAddr = string();
  const destTon = buffer[at++];
  const destNpi = buffer[at++];
  const destinationAddr = string();
  const esmClass = buffer[at++];
  const protocolId = buffer[at++];
  const priorityFlag = buffer[at++];
  const scheduleDeliveryTime = string();
  const validityPeriod = string();
  if (serviceType === undefined || sourceAddr === undefined || destinationAddr === undefined) return undefined;
  // The time fields are parsed as dates by the library: a receipt that sets them goes there.
  if (scheduleDeliveryTime !== '' || validityPeriod !== '') return undefined;
  if (at + 5 > end || !isReceipt(esmClass)) return undefined;
  const registeredDelivery = buffer[at++];
  const replaceIfPresent = buffer[at++];
  const dataCoding = buffer[at++];
  const defaultMessageId = buffer[at++];
  const smLength = buffer[at++]!;
  if (at + smLength > end) return undefined;
  const text = buffer.subarray(at, at + smLength);
  at += smLength;
  const tlvs: { receipted_message_id?: string; message_state?: number } = {};
  while (at + 4 <= end) {
    const tag = buffer.readUInt16BE(at);
    const length = buffer.readUInt16BE(at + 2);
    at += 4;
    if (at + length > end) return undefined;
    if (tag === RECEIPTED_MESSAGE_ID) {
      const read = cstring(buffer, at, at + length);
      if (!read) return undefined;
      tlvs.receipted_message_id = read[0];
    } else if (tag === MESSAGE_STATE && length === 1) tlvs.message_state = buffer[at]!;
    else return undefined;
    at += length;
  }
  if (at !== end) return undefined;
  const fields = {
    service_type: serviceType,
    source_addr_ton: sourceTon,
    source_addr_npi: sourceNpi,
    source_addr: sourceAddr,
    dest_addr_ton: destTon,
    dest_addr_npi: destNpi,
    destination_addr: destinationAddr,
    esm_class: esmClass,
    protocol_id: protocolId,
    priority_flag: priorityFlag,
    schedule_delivery_time: scheduleDeliveryTime,
    validity_period: validityPeriod,
    registered_delivery: registeredDelivery,
    replace_if_present_flag: replaceIfPresent,
    data_coding: dataCoding,
    sm_default_msg_id: defaultMessageId,
  };
  const shortMessage = shortMessageOf(fields, text);
  return Object.assign(Object.create(methods) as PDU, header(buffer, 'deliver_sm'), fields, tlvs, {
    short_message: shortMessage,
  });
}

/** A whole PDU's bytes (header included) as a PDU; false when the library finds them malformed. */
export function readPdu(buffer: Buffer): PDU | false {
  const commandId = buffer.readUInt32BE(4);
  if (commandId === SUBMIT_SM_RESP) return submitSmResp(buffer);
  if (commandId === DELIVER_SM) {
    const receipt = deliverSmReceipt(buffer);
    if (receipt) return receipt;
  }
  return smpp.PDU.fromBuffer(buffer);
}
