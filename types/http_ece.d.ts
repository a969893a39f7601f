// Types for http_ece@1 (it ships none): only decryption, which the web push tests use to read what was sent.
declare module 'http_ece' {
  import type { ECDH } from 'node:crypto';

  export interface DecryptParams {
    version: 'aes128gcm' | 'aesgcm';
    /** The receiver's key pair (the browser's subscription keys). */
    privateKey?: ECDH;
    /** The subscription's 16-byte auth secret, base64url. */
    authSecret?: string;
  }

  export function decrypt(buffer: Buffer, params: DecryptParams): Buffer;

  const ece: { decrypt: typeof decrypt };
  export default ece;
}
