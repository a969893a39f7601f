/** A resident's login on the wire: how a number reads, asking for a PIN, logging in with it. */
import { z } from 'zod';
import { LANGUAGES } from '../modules/tenants/tenant.types.js';

const phone = z.string().max(40).optional().describe('national (0401234567, 070-123 45 67) or E.164 (+358401234567)');
const email = z.string().max(254).optional();

export const phoneBody = z.object({
  phone: z.string().max(40).describe('as typed: national (040 123 4567) or international (+46 70 123 45 67)'),
});

/** A phone number as the server reads it in the tenant's country, before a PIN goes to it. */
export const phoneUnderstoodSchema = z.object({
  number: z.string().describe('E.164'),
  formatted: z.string().describe('international format, for showing'),
  country: z.string().describe('ISO 3166 alpha-2 (AX for Åland)'),
  type: z.enum(['mobile', 'landline']),
  channel: z.enum(['sms', 'voice']),
});

export const pinRequestBody = z.object({
  phone,
  email,
  captcha: z.string().max(4000).optional(),
  language: z.enum(LANGUAGES).optional(),
});

export const pinAnswerSchema = z.object({
  channel: z.enum(['sms', 'voice', 'email']),
  pinLength: z.number(),
  expiresInSeconds: z.number(),
  resendAfterSeconds: z.number(),
});

export const loginBody = z.object({ phone, email, pin: z.string().regex(/^\d{4,8}$/, '4 to 8 digits') });
export const loginAnswerSchema = z.object({
  csrfToken: z.string(),
  expiresAt: z.string(),
  known: z.boolean(),
  registered: z.boolean(),
});
