import { z } from 'zod';

export const signInRequestSchema = z
  .strictObject({ token: z.string({ message: 'must be a string' }).min(1, 'must not be empty').max(512, 'must be at most 512 characters') }, { message: 'must be a JSON object' })
  .meta({ id: 'SignInRequest' });
export type SignInRequest = z.infer<typeof signInRequestSchema>;

export const authSessionSchema = z
  .object({
    auth_required: z.boolean().meta({ description: 'true when the API binds beyond loopback: every route but /health needs the token' }),
    authenticated: z.boolean().meta({ description: 'the request carried the token or a valid session cookie' }),
  })
  .meta({ id: 'AuthSession' });
export type AuthSession = z.infer<typeof authSessionSchema>;
