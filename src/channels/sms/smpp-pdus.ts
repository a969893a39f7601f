/**
 * The PDUs an SMPP client writes for every message: submit_sm and deliver_sm_resp, encoded straight into
 * one buffer (SMPP 3.4 §4.4.1, §4.6.2). The smpp library's generic encoder walks every field of the
 * command's definition and every property of the PDU for each message, which at thousands a second is a
 * large share of the sender's CPU; these make the same bytes (a test compares them with the library's)
 * and go out through `SmppLink.send`, which numbers them and matches their responses.
 */
import type { PDU } from 'smpp';
import type { SmppAddress } from './smpp-address.js';

export interface SubmitSm {
  source: SmppAddress;
  destination: SmppAddress;
  registeredDelivery: number;
  dataCoding: number;
  /** Absolute or relative time (SMPP 3.4 §7.1.1); none for the SMSC's default. */
  validityPeriod?: string;
  /** A user data header; its presence sets the UDH indicator of esm_class. */
  udh?: Buffer;
  message: Buffer;
}

/** command_length, command_id, command_status, sequence_number: four octets each. */
export const HEADER_BYTES = 16;
/**
 * submit_sm's octets besides its strings and text: service_type, schedule_delivery_time (both empty) and
 * the three strings' NULs (5); source and destination TON and NPI (4); esm_class, protocol_id,
 * priority_flag, registered_delivery, replace_if_present_flag, data_coding, sm_default_msg_id, sm_length (8).
 */
const SUBMIT_SM_FIXED_BYTES = 17;
const SUBMIT_SM = 0x00000004;
const DELIVER_SM_RESP = 0x80000005;
const UDH_INDICATOR = 0x40;
/** short_message's limit (SMPP 3.4 §5.2.22); an SMS part is at most 140. */
const MAX_SHORT_MESSAGE = 254;

/** The part of PDU that `SmppLink.send` uses: it numbers a request and asks for its bytes. */
type OutgoingPdu = Pick<
  PDU,
  'command' | 'command_id' | 'command_status' | 'sequence_number' | 'isResponse' | 'toBuffer'
>;

function outgoing(command: string, commandId: number, body: Buffer, sequenceNumber = 0): PDU {
  const pdu: OutgoingPdu = {
    command,
    command_id: commandId,
    command_status: 0,
    sequence_number: sequenceNumber,
    isResponse: () => (commandId & 0x80000000) !== 0,
    // The sequence number is the session's to give, when it sends: written into the header then.
    toBuffer() {
      body.writeUInt32BE(this.sequence_number, 12);
      return body;
    },
  };
  return pdu as PDU;
}

function header(buffer: Buffer, commandId: number): void {
  buffer.writeUInt32BE(buffer.length, 0);
  buffer.writeUInt32BE(commandId, 4);
  buffer.writeUInt32BE(0, 8);
}

/** A C-Octet String: its ASCII bytes and a NUL, as the library writes one. */
function cstring(buffer: Buffer, offset: number, value: string): number {
  const written = buffer.write(value, offset, 'ascii');
  buffer[offset + written] = 0;
  return offset + written + 1;
}

export function submitSmPdu(submit: SubmitSm): PDU {
  const { source, destination, udh, message } = submit;
  const validity = submit.validityPeriod ?? '';
  const shortMessageLength = (udh?.length ?? 0) + message.length;
  // Its length is one octet: a longer text is a caller's bug, never to be sent cut or wrapped.
  if (shortMessageLength > MAX_SHORT_MESSAGE)
    throw new RangeError(`short_message of ${shortMessageLength} octets (at most ${MAX_SHORT_MESSAGE})`);
  const buffer = Buffer.allocUnsafe(
    HEADER_BYTES +
      SUBMIT_SM_FIXED_BYTES +
      source.addr.length +
      destination.addr.length +
      validity.length +
      shortMessageLength,
  );
  header(buffer, SUBMIT_SM);
  let offset = HEADER_BYTES;
  buffer[offset++] = 0;
  buffer[offset++] = source.ton;
  buffer[offset++] = source.npi;
  offset = cstring(buffer, offset, source.addr);
  buffer[offset++] = destination.ton;
  buffer[offset++] = destination.npi;
  offset = cstring(buffer, offset, destination.addr);
  buffer[offset++] = udh ? UDH_INDICATOR : 0;
  buffer[offset++] = 0;
  buffer[offset++] = 0;
  buffer[offset++] = 0;
  offset = cstring(buffer, offset, validity);
  buffer[offset++] = submit.registeredDelivery;
  buffer[offset++] = 0;
  buffer[offset++] = submit.dataCoding;
  buffer[offset++] = 0;
  buffer[offset++] = shortMessageLength;
  if (udh) offset += udh.copy(buffer, offset);
  message.copy(buffer, offset);
  return outgoing('submit_sm', SUBMIT_SM, buffer);
}

/** The answer to a deliver_sm: OK, with the empty message_id SMPP 3.4 prescribes. */
export function deliverSmRespPdu(sequenceNumber: number): PDU {
  const buffer = Buffer.alloc(HEADER_BYTES + 1);
  header(buffer, DELIVER_SM_RESP);
  return outgoing('deliver_sm_resp', DELIVER_SM_RESP, buffer, sequenceNumber);
}
