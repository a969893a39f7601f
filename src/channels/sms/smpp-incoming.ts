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
import { isReceipt } from './smpp-receipt.js';

const HEADER_BYTES = 16;
const SUBMIT_SM_RESP = 0x80000004;
const DELIVER_SM = 0x00000005;
const RECEIPTED_MESSAGE_ID = 0x001e;
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

/** A delivery receipt's fields; undefined when it is not one, or has parts read only by the library. */
function deliverSmReceipt(buffer: Buffer): PDU | undefined {
  const end = buffer.length;
  const strings: string[] = [];
  const octets: number[] = [];
  let offset = HEADER_BYTES;
  // service_type, source TON/NPI/addr, destination TON/NPI/addr, esm_class, protocol_id, priority_flag,
  // schedule_delivery_time, validity_period, registered_delivery, replace_if_present_flag, data_coding,
  // sm_default_msg_id, sm_length: S = C-string, 1 = one octet.
  for (const kind of 'S11S11S111SS11111') {
    if (kind === 'S') {
      const read = cstring(buffer, offset, end);
      if (!read) return undefined;
      strings.push(read[0]);
      offset = read[1];
    } else {
      if (offset >= end) return undefined;
      octets.push(buffer[offset++]!);
    }
  }
  const [serviceType, sourceAddr, destinationAddr, scheduleDeliveryTime, validityPeriod] = strings;
  const [sourceTon, sourceNpi, destTon, destNpi, esmClass, protocolId, priorityFlag] = octets;
  const [registeredDelivery, replaceIfPresent, dataCoding, defaultMessageId, smLength] = octets.slice(7);
  if (!isReceipt(esmClass) || offset + smLength! > end) return undefined;
  // The time fields are parsed as dates by the library: a receipt that sets them goes there.
  if (scheduleDeliveryTime || validityPeriod) return undefined;
  const text = buffer.subarray(offset, offset + smLength!);
  offset += smLength!;
  const tlvs: { receipted_message_id?: string; message_state?: number } = {};
  while (offset + 4 <= end) {
    const tag = buffer.readUInt16BE(offset);
    const length = buffer.readUInt16BE(offset + 2);
    offset += 4;
    if (offset + length > end) return undefined;
    if (tag === RECEIPTED_MESSAGE_ID) {
      const read = cstring(buffer, offset, offset + length);
      if (!read) return undefined;
      tlvs.receipted_message_id = read[0];
    } else if (tag === MESSAGE_STATE && length === 1) tlvs.message_state = buffer[offset]!;
    else return undefined;
    offset += length;
  }
  if (offset !== end) return undefined;
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
  // The text decoded by the library's own filter: the same characters for every data coding.
  const shortMessage = smpp.filters.message.decode.call(fields, text);
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
