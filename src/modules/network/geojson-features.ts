/**
 * The features of a GeoJSON FeatureCollection, one at a time, from a byte stream: a scanner finds where
 * each element of the top-level `features` array begins and ends (depth, strings and escapes tracked),
 * and JSON.parse reads that element alone. Memory stays at one feature (plus a chunk); a 50 MB network
 * reads in well under a second, where a token-by-token parser (stream-json) took tens of seconds.
 */
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';

const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;

/** A file that is not a FeatureCollection's JSON (or ends inside it). */
export class GeoJsonShapeError extends Error {
  override name = 'GeoJsonShapeError';
}

export async function* readFeatures(input: Readable): AsyncGenerator<unknown> {
  const decoder = new StringDecoder('utf8');
  let depth = 0;
  let inString = false;
  let escaped = false;
  // The key being read at the top level, and the key whose value we are in.
  let keyStart = -1;
  let key = '';
  let member = '';
  let expectKey = false;
  let pending = '';
  let featureStart = -1;
  for await (const chunk of input) {
    // What was carried over has been scanned already: the scan goes on where it stopped.
    const text = pending + (typeof chunk === 'string' ? chunk : decoder.write(chunk as Buffer));
    for (let i = pending.length; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (inString) {
        if (escaped) escaped = false;
        else if (c === BACKSLASH) escaped = true;
        else if (c === QUOTE) {
          inString = false;
          if (keyStart >= 0) {
            key = text.slice(keyStart, i);
            keyStart = -1;
          }
        }
        continue;
      }
      if (c === QUOTE) {
        inString = true;
        if (depth === 1 && expectKey) {
          keyStart = i + 1;
          expectKey = false;
        }
      } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
        if (depth === 1) member = key;
        if (depth === 0 && c === OPEN_OBJECT) expectKey = true;
        if (depth === 2 && c === OPEN_OBJECT && member === 'features') featureStart = i;
        depth++;
      } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
        depth--;
        if (depth < 0) throw new GeoJsonShapeError('unbalanced brackets');
        if (depth === 2 && c === CLOSE_OBJECT && featureStart >= 0) {
          yield JSON.parse(text.slice(featureStart, i + 1));
          featureStart = -1;
        }
      } else if (c === COMMA && depth === 1) {
        expectKey = true;
      }
    }
    // A feature (or a top-level key) cut by the chunk's end is carried over, with its offsets.
    const cut = featureStart >= 0 ? featureStart : keyStart >= 0 ? keyStart : text.length;
    pending = text.slice(cut);
    if (featureStart >= 0) featureStart -= cut;
    if (keyStart >= 0) keyStart -= cut;
  }
  if (depth !== 0 || inString) throw new GeoJsonShapeError('the file ends inside the collection');
}
