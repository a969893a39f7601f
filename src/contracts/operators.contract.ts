/** Operator accounts on the wire: the session a login starts, accounts, API tokens, TOTP set-up. */
import { z } from 'zod';

export const ROLES = ['admin', 'operator', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const operatorSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string().nullable(),
  role: z.enum(ROLES),
  totpEnabled: z.boolean(),
});

export const operatorSessionSchema = z.object({
  operator: operatorSchema,
  csrfToken: z.string(),
  /** Logged in with a one-time password: a new one first. */
  mustChangePassword: z.boolean(),
  /** The tenant requires TOTP and this account has none yet. */
  totpSetupRequired: z.boolean(),
});

export const operatorLoginBody = z.object({
  email: z.string().max(320),
  password: z.string().max(200),
  totp: z.string().max(10).optional(),
});
export const passwordChangeBody = z.object({ currentPassword: z.string().max(200), newPassword: z.string().max(200) });
export const totpSetupSchema = z.object({ secret: z.string(), uri: z.string() });
export const totpConfirmBody = z.object({ code: z.string().max(10) });

export const newOperatorBody = z.object({
  email: z.string().max(320),
  role: z.enum(ROLES),
  name: z.string().max(200).optional(),
  password: z.string().max(200).optional(),
});
export const createdOperatorSchema = z.object({ operator: operatorSchema, oneTimePassword: z.string().optional() });

export const newTokenBody = z.object({ name: z.string().trim().min(1).max(100), role: z.enum(ROLES) });
export const createdTokenSchema = z.object({ id: z.string(), token: z.string() });
