import type { IncomingMessage, ServerResponse } from 'node:http';
import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { AuthenticationRequiredError } from '../core/api-errors.js';
import { openApiSchema } from '../core/openapi.js';
import type { ApiAuth } from './api-token.js';
import { type AuthSession, authSessionSchema, type SignInRequest, signInRequestSchema } from './auth.dto.js';
import { API_AUTH } from './auth-tokens.js';
import { Caller, type RequestCaller } from './request-caller.js';
import { clearedSessionCookie, createSessionValue, sameSecret, sessionCookie } from './session-cookie.js';

/** The web UI's sign-in: the token once, then an HttpOnly, SameSite=Strict cookie the browser sends back itself. */
@ApiTags('auth')
@Controller('api/auth/session')
export class AuthController {
  constructor(@Inject(API_AUTH) private readonly auth: ApiAuth) {}

  @Get()
  @ApiOperation({ summary: 'Does this API need the token, and does this request carry it (header or session cookie)' })
  @ApiOkResponse({ standardSchema: authSessionSchema })
  session(@Caller() caller: RequestCaller): AuthSession {
    return { auth_required: this.auth.required, authenticated: caller.kind !== 'anonymous' };
  }

  @Post()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Sign in with the API token: sets the awo_session cookie (HttpOnly, SameSite=Strict, Path=/)' })
  @ApiBody({ schema: openApiSchema(signInRequestSchema) })
  @ApiNoContentResponse({ description: 'signed in; the cookie is set' })
  @ApiResponse({ status: 401, description: 'the token is wrong' })
  signIn(@Body({ schema: signInRequestSchema }) body: SignInRequest, @Req() request: IncomingMessage, @Res({ passthrough: true }) response: ServerResponse): void {
    if (!sameSecret(body.token, this.auth.token)) throw new AuthenticationRequiredError('token: the API token is wrong');
    response.setHeader('set-cookie', sessionCookie(createSessionValue(this.auth.token), { secure: isHttps(request) }));
  }

  @Delete()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Sign out: clears the awo_session cookie' })
  @ApiNoContentResponse({ description: 'signed out' })
  signOut(@Req() request: IncomingMessage, @Res({ passthrough: true }) response: ServerResponse): void {
    response.setHeader('set-cookie', clearedSessionCookie({ secure: isHttps(request) }));
  }
}

/** Behind a TLS-terminating proxy the cookie should still be Secure. */
function isHttps(request: IncomingMessage): boolean {
  return (request.socket as { encrypted?: boolean }).encrypted === true || request.headers['x-forwarded-proto'] === 'https';
}
