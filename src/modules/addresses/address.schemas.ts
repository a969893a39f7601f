/** Zod schema of an address as the API shows it (the search, a resident's addresses): see toAddressView. */
import { z } from 'zod';

export const addressViewSchema = z.object({
  id: z.string(),
  street: z.string(),
  streetSv: z.string().nullable(),
  number: z.string(),
  postalCode: z.string(),
  postalTown: z.string(),
  municipality: z.string(),
  propertyId: z.string().nullable(),
  buildingId: z.string().nullable(),
  label: z.string(),
  lat: z.number(),
  lon: z.number(),
});
